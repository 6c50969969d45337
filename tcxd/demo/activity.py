"""Demo party fees and cell meetings for one commune, through the real services: fee bases of every
group, months computed across the QĐ 342 → QĐ 01-QĐ/TW switch (01/02/2026), payments with a few
arrears, monthly meetings with attendance, and a few members who meet a striking-off ground."""

from __future__ import annotations

import datetime as dt
import random

from tcxd.fees.models import FeeChannel, FeePayment
from tcxd.fees.services import PaymentEntry, fee_basis_set, fee_ledger_save, fee_month_compute
from tcxd.meetings.models import AttendanceStatus
from tcxd.meetings.services import eligible_members, meeting_record
from tcxd.members.codes import FeeGroup
from tcxd.members.models import Member
from tcxd.orgs.kinds import CELL_KINDS
from tcxd.orgs.models import Org
from tcxd.orgs.selectors import subtree_q

MONTHS = [dt.date(2026, m, 1) for m in range(1, 11)]
REGIONAL_MINIMUM_WAGE = 3_700_000  # vùng IV (demo value; the fixed-rate table is configurable)
GROUP_OF = {"can_bo_cong_chuc": FeeGroup.SALARY, "vien_chuc": FeeGroup.SALARY, "luc_luong_vu_trang": FeeGroup.SALARY,
            "cong_nhan_lao_dong": FeeGroup.SALARY, "quan_ly_doanh_nghiep": FeeGroup.SALARY,
            "huu_tri": FeeGroup.PENSION, "hoc_sinh_sinh_vien": FeeGroup.STUDENT}


def build_fees_and_meetings(*, actor, commune: Org, seed: int = 2025) -> dict[str, int]:
    rng = random.Random(seed)
    members = list(Member.objects.filter(subtree_q(commune, "org__path"), status__in=("official", "probationary"))
                   .select_related("org").order_by("id"))
    for m in members:
        group = GROUP_OF.get(m.occupation_group, FeeGroup.OTHER)
        if rng.random() < 0.03:
            group = FeeGroup.INSURANCE_ALLOWANCE
        base = {FeeGroup.SALARY: rng.randrange(5_000_000, 16_000_000, 50_000),
                FeeGroup.PENSION: rng.randrange(3_500_000, 9_000_000, 50_000),
                FeeGroup.INSURANCE_ALLOWANCE: rng.randrange(3_000_000, 7_000_000, 50_000),
                FeeGroup.OTHER: REGIONAL_MINIMUM_WAGE}.get(group)
        month = max(MONTHS[0], (m.ceremony_on or MONTHS[0]).replace(day=1))
        if month > MONTHS[-1]:
            continue
        fee_basis_set(actor=actor, member=m, valid_from=month, group=group, base_amount=base,
                      note="Dữ liệu mẫu")
    # a few members who stop paying and stop coming (striking-off ground a, B-19)
    laggards = {m.pk for m in rng.sample(members, k=min(4, len(members)))}
    for month in MONTHS:
        fee_month_compute(actor=actor, org=commune, month=month)
    cells = list(Org.objects.filter(subtree_q(commune), kind__in=CELL_KINDS, status="active").order_by("path"))
    payments = meetings = 0
    for cell in cells:
        for month in MONTHS:
            # The ledger of the cell where the member attends (a temporarily transferred member pays at the host, B-16).
            lines = FeePayment.objects.filter(org=cell, month=month, amount_due__gt=0)
            paid_on = month.replace(day=rng.randint(5, 25))
            entries = [PaymentEntry(line.member_id, line.amount_due, paid_on,
                                    FeeChannel.PORTAL if rng.random() < 0.3 else FeeChannel.CASH)
                       for line in lines if line.member_id not in laggards and rng.random() < 0.97]
            if entries:
                payments += len(fee_ledger_save(actor=actor, org=cell, month=month, entries=entries))
            held_on = month.replace(day=rng.randint(3, 10))
            attendance = {}
            for member in eligible_members(cell, held_on):
                if member.pk in laggards and month.month >= 4:
                    attendance[member.pk] = (AttendanceStatus.ABSENT_UNEXCUSED, "")
                elif rng.random() < 0.06:
                    attendance[member.pk] = (AttendanceStatus.ABSENT_EXCUSED, "Đi công tác")
                else:
                    attendance[member.pk] = (AttendanceStatus.PRESENT, "")
            if attendance:
                meeting_record(actor=actor, org=cell, held_on=held_on, attendance=attendance,
                               topic=f"Sinh hoạt chi bộ thường kỳ tháng {month:%m/%Y}")
                meetings += 1
    return {"members": len(members), "payments": payments, "meetings": meetings}
