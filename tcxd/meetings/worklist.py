"""The striking-off ground of B-19 (a) as a work-list section: members who, in the year, missed the
cell meeting without reason or paid no fee in 3 months (calendar-year reading by default)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.urls import reverse

from tcxd.fees.models import FeePayment
from tcxd.fees.periods import month_start
from tcxd.members.selectors import member_queryset
from tcxd.members.worklists import WorkItem
from tcxd.orgs.models import Org

from .models import Attendance, AttendanceStatus
from .selectors import strike_off_months, striking_off_candidates

SECTION = "Đủ căn cứ xem xét xóa tên (bỏ sinh hoạt hoặc không đóng đảng phí)"
CHUNK = 5000  # ids per IN (...) list: under every backend's parameter limit


def striking_off_items(actor, on: dt.date) -> list[WorkItem]:
    year_start = dt.date(on.year, 1, 1)
    scoped = member_queryset(actor=actor).filter(status__in=("official", "probationary"))
    # Only members with at least one absence without reason or one unpaid month this year: the two id
    # sets first (each one indexed query), then the scope over them in chunks — an OR of IN-subqueries
    # made PostgreSQL walk every member of the scope. Nothing is cut off.
    # A member without such an absence qualifies only by unpaid months alone: those with at least the
    # threshold of them (grouped in SQL — a province's computed month leaves an unpaid line per member
    # until the cells record the payments; listing them all would read the whole ledger).
    suspect_ids = set(Attendance.objects.filter(status=AttendanceStatus.ABSENT_UNEXCUSED,
                                                meeting__held_on__gte=year_start).values_list("member_id", flat=True))
    suspect_ids |= set(FeePayment.objects.filter(month__gte=year_start, month__lt=month_start(on), amount_due__gt=0,
                                                 amount_paid__isnull=True)
                       .values("member_id").annotate(n=Count("month", distinct=True))
                       .filter(n__gte=strike_off_months(on)).values_list("member_id", flat=True))
    ordered_ids = sorted(suspect_ids)
    candidates = []
    for i in range(0, len(ordered_ids), CHUNK):
        suspects = scoped.filter(pk__in=ordered_ids[i:i + CHUNK])
        candidates += striking_off_candidates(org=None, year=on.year, today=on, members_qs=suspects)
    org_names = dict(Org.objects.filter(pk__in={c.member.org_id for c in candidates}).values_list("pk", "name"))
    items = []
    for c in candidates:
        member = c.member
        months = ", ".join(f"{m:%m/%Y}" for m in c.months)
        items.append(WorkItem(SECTION, member.pk, member.full_name, org_names.get(member.org_id, ""), on, True,
                              f"Các tháng vắng sinh hoạt không lý do hoặc chưa đóng đảng phí: {months}",
                              "Điều lệ Đảng, Điều 8; QĐ 01-QĐ/TW",
                              reverse("members:event_create", args=[member.pk, "struck_off"])))
    return items
