"""Congresses (A-06) and committee seats (A-04, A-08): services."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tcxd.audit.services import audit_record
from tcxd.authz.guards import require_write
from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.common.fmt import fmt_date
from tcxd.rules.pure.calendar import add_months
from tcxd.rules.pure.org_structure import (
    CellCommitteeRules,
    cell_committee_problems,
    secretary_ballot_problem,
)
from tcxd.rules.selectors import param

from .kinds import CELL_KINDS, INSPECTION_KINDS, ROLE_BODY, CommitteeBody, CommitteeRole, OrgKind
from .models import CommitteeMember, Congress, Org, OrgHeadcount
from .services import _today

CONGRESS_FIELDS = ("term_start_year", "term_end_year", "planned_on", "held_on", "held_to",
                   "is_delegate_congress", "note")


def cell_rules(on: dt.date) -> CellCommitteeRules:
    return CellCommitteeRules(
        min_official_for_committee=int(param("org.cell_committee_min_official_members", on=on)),
        max_committee_size=int(param("org.cell_committee_max_size", on=on)),
        max_deputies=int(param("org.cell_deputy_secretary_max", on=on)),
        max_secretary_ballots=int(param("org.secretary_max_ballot_rounds", on=on)),
    )


def _congress_snapshot(c: Congress) -> dict:
    return {f: getattr(c, f) for f in CONGRESS_FIELDS}


def _validate_congress(org: Org, data: dict, exclude_pk: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    start, end = data["term_start_year"], data["term_end_year"]
    if not start or not end or end <= start:
        errors.setdefault("term_end_year", []).append("Nhiệm kỳ không hợp lệ: năm kết thúc phải sau năm bắt đầu.")
    else:
        span = end - start
        allowed = {2, 3} if org.congress_cycle_months == 30 else {5}
        if span not in allowed:
            errors.setdefault("term_end_year", []).append(
                "Nhiệm kỳ 5 năm (Điều lệ Đảng); chi bộ đại hội hai lần trong 5 năm thì nhiệm kỳ 2–3 năm."
                if org.congress_cycle_months != 30 else
                "Chi bộ đại hội hai lần trong nhiệm kỳ 5 năm: mỗi nhiệm kỳ 2 hoặc 3 năm (Điều lệ Đảng, Điều 24)."
            )
        if Congress.objects.filter(org=org, term_start_year=start, term_end_year=end).exclude(
                pk=exclude_pk).exists():
            errors.setdefault("term_start_year", []).append(f"Đã có đại hội nhiệm kỳ {start}–{end}.")
    held, held_to = data.get("held_on"), data.get("held_to")
    if held and held > _today():
        errors.setdefault("held_on", []).append("Ngày tổ chức ở tương lai: hãy nhập ngày dự kiến.")
    if held and held < org.valid_from:
        errors.setdefault("held_on", []).append(
            f"Ngày tổ chức trước ngày thành lập {org.name} ({fmt_date(org.valid_from)})."
        )
    if held_to and (not held or held_to < held):
        errors.setdefault("held_to", []).append("Ngày bế mạc phải từ ngày khai mạc trở đi.")
    if held and org.kind in CELL_KINDS and org.congress_cycle_months:
        previous = (Congress.objects.filter(org=org, held_on__lt=held).exclude(pk=exclude_pk)
                    .order_by("-held_on").first())
        if previous:
            window = int(param("org.cell_congress_window_months", on=held))
            due = add_months(previous.held_on, org.congress_cycle_months)
            earliest, latest = add_months(due, -window), add_months(due, window)
            if not earliest <= held <= latest:
                errors.setdefault("held_on", []).append(
                    f"Đại hội chi bộ đến hạn ngày {fmt_date(due)}; chỉ được sớm hoặc muộn tối đa {window} "
                    f"tháng ({fmt_date(earliest)} – {fmt_date(latest)}) khi cấp ủy cơ sở đồng ý "
                    "(Điều lệ Đảng, Điều 24)."
                )
    return errors


@transaction.atomic
def congress_create(*, actor, org: Org, term_start_year: int, term_end_year: int,
                    planned_on: dt.date | None = None, held_on: dt.date | None = None,
                    held_to: dt.date | None = None, is_delegate_congress: bool = False,
                    note: str = "") -> Congress:
    require_write(actor, org.path)
    if org.kind == OrgKind.GROUP:
        raise DomainError("no_congress_for_group", "Tổ đảng không tổ chức đại hội.")
    data = dict(term_start_year=term_start_year, term_end_year=term_end_year, planned_on=planned_on,
                held_on=held_on, held_to=held_to, is_delegate_congress=is_delegate_congress, note=note)
    errors = _validate_congress(org, data, None)
    if errors:
        raise ValidationFailed(errors)
    congress = Congress.objects.create(org=org, **data)
    audit_record(actor=actor, action="congress.create", obj=congress, after=_congress_snapshot(congress),
                 org=org)
    return congress


@transaction.atomic
def congress_update(*, actor, congress: Congress, **fields) -> Congress:
    org = congress.org
    require_write(actor, org.path)
    unknown = set(fields) - set(CONGRESS_FIELDS)
    if unknown:
        raise DomainError("unknown_field", f"Không sửa được trường: {', '.join(sorted(unknown))}.")
    before = _congress_snapshot(congress)
    data = {**before, **fields}
    errors = _validate_congress(org, data, congress.pk)
    if errors:
        raise ValidationFailed(errors)
    for key, value in fields.items():
        setattr(congress, key, value)
    congress.save(update_fields=list(fields))
    audit_record(actor=actor, action="congress.update", obj=congress, before=before,
                 after=_congress_snapshot(congress), org=org)
    return congress


def _seat_snapshot(seat: CommitteeMember) -> dict:
    return {f: getattr(seat, f) for f in ("body", "role", "person_name", "person_ref", "from_date",
                                          "to_date", "method", "ballot_round", "decision_no",
                                          "decision_date", "end_reason")}


def _active_seats(org: Org, day: dt.date):
    return CommitteeMember.objects.filter(org=org, from_date__lte=day).exclude(to_date__lt=day)


@transaction.atomic
def committee_member_add(*, actor, org: Org, role: str, person_name: str, from_date: dt.date | None,
                         method: str, ballot_round: int | None = None, decision_no: str = "",
                         decision_date: dt.date | None = None, congress: Congress | None = None,
                         person_ref: str = "") -> CommitteeMember:
    """Add a seat (bầu or chỉ định), checked against A-04/A-08 on ``from_date``."""
    require_write(actor, org.path)
    org = Org.objects.select_for_update().get(pk=org.pk)
    errors: dict[str, list[str]] = {}
    if not person_name.strip():
        errors.setdefault("person_name", []).append("Chưa nhập họ và tên.")
    if role not in CommitteeRole.values:
        errors.setdefault("role", []).append("Chức danh không hợp lệ.")
    if method not in ("elected", "appointed"):
        errors.setdefault("method", []).append("Hình thức phải là bầu hoặc chỉ định.")
    if from_date is None:
        errors.setdefault("from_date", []).append("Chưa nhập ngày bắt đầu.")
    elif from_date > _today():
        errors.setdefault("from_date", []).append("Ngày bắt đầu ở tương lai.")
    elif from_date < org.valid_from:
        errors.setdefault("from_date", []).append("Ngày bắt đầu trước ngày thành lập tổ chức.")
    if method == "appointed" and not decision_no.strip():
        errors.setdefault("decision_no", []).append("Chỉ định phải có số quyết định của cấp ủy cấp trên.")
    if errors:
        raise ValidationFailed(errors)
    body = ROLE_BODY[CommitteeRole(role)]
    if org.kind == OrgKind.GROUP:
        errors.setdefault("role", []).append("Tổ đảng bầu tổ trưởng, không có cấp ủy.")
    if body == CommitteeBody.INSPECTION and org.kind not in INSPECTION_KINDS:
        errors.setdefault("role", []).append(
            "Ủy ban kiểm tra chỉ có từ đảng ủy cơ sở trở lên, không có ở chi bộ (QĐ 296-QĐ/TW, Điều 7)."
        )
    if body == CommitteeBody.STANDING and org.kind in CELL_KINDS:
        errors.setdefault("role", []).append("Chi bộ không có ban thường vụ.")
    active = list(_active_seats(org, from_date).values_list("role", flat=True))
    if role in (CommitteeRole.SECRETARY, CommitteeRole.INSPECTION_CHAIR) and role in active:
        errors.setdefault("role", []).append(
            f"{CommitteeRole(role).label} đang có người đảm nhiệm; hãy ghi nhận thôi giữ chức trước."
        )
    if org.kind in CELL_KINDS and body == CommitteeBody.COMMITTEE:
        rules = cell_rules(from_date)
        official = OrgHeadcount.objects.filter(org=org).values_list("official", flat=True).first() or 0
        cell_roles = [r for r in active if r in ("secretary", "deputy_secretary", "member")] + [role]
        for problem in cell_committee_problems(official=official, roles=cell_roles, rules=rules):
            errors.setdefault("role", []).append(problem)
        if role == CommitteeRole.SECRETARY:
            problem = secretary_ballot_problem(method=method, ballot_round=ballot_round, rules=rules)
            if problem:
                errors.setdefault("ballot_round", []).append(problem)
    if errors:
        raise ValidationFailed(errors)
    seat = CommitteeMember.objects.create(
        org=org, congress=congress, body=body, role=role, person_name=person_name.strip(),
        person_ref=person_ref, from_date=from_date, method=method, ballot_round=ballot_round,
        decision_no=decision_no.strip(), decision_date=decision_date,
    )
    audit_record(actor=actor, action="committee.add", obj=seat, after=_seat_snapshot(seat), org=org)
    return seat


@transaction.atomic
def committee_member_end(*, actor, seat: CommitteeMember, to_date: dt.date | None,
                         reason: str = "") -> CommitteeMember:
    require_write(actor, seat.org.path)
    errors: dict[str, list[str]] = {}
    if seat.to_date is not None:
        errors.setdefault("to_date", []).append("Đồng chí này đã thôi giữ chức.")
    if to_date is None:
        errors.setdefault("to_date", []).append("Chưa nhập ngày thôi giữ chức.")
    elif to_date < seat.from_date:
        errors.setdefault("to_date", []).append("Ngày thôi phải từ ngày bắt đầu trở đi.")
    elif to_date > _today():
        errors.setdefault("to_date", []).append("Ngày thôi ở tương lai.")
    if errors:
        raise ValidationFailed(errors)
    before = _seat_snapshot(seat)
    seat.to_date, seat.end_reason = to_date, reason.strip()
    seat.save(update_fields=["to_date", "end_reason"])
    audit_record(actor=actor, action="committee.end", obj=seat, before=before, after=_seat_snapshot(seat),
                 org=seat.org)
    return seat
