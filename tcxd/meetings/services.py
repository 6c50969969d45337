"""Writes to the attendance register. One transaction each: scope, validation (all errors at once,
Vietnamese messages), write, one audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tcxd.audit.services import audit_record
from tcxd.authz.guards import require_write
from tcxd.common.errors import ValidationFailed
from tcxd.common.fmt import fmt_date
from tcxd.fees.periods import fmt_month, in_range, month_end, month_start
from tcxd.members.models import Member
from tcxd.orgs.kinds import CELL_KINDS
from tcxd.orgs.models import Org

from .models import Attendance, AttendanceStatus, CellMeeting, MeetingKind

# member id → (status, reason)
AttendanceInput = Mapping[int, tuple[str, str]]
ACTIVE_STATUSES = ("official", "probationary")


def _today() -> dt.date:
    return timezone.localdate()


def eligible_members(org: Org, day: dt.date):
    """Members registered at the cell on ``day``: official/probationary now (projection Member.org,
    status) whose admission ceremony was held by then."""
    return (Member.objects.filter(org=org, status__in=ACTIVE_STATUSES)
            .filter(Q(ceremony_on__isnull=True) | Q(ceremony_on__lte=day)))


def _validate(*, org: Org, held_on: dt.date | None, kind: str, topic: str, attendance: AttendanceInput,
              meeting: CellMeeting | None = None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if org.kind not in CELL_KINDS:
        errors["org"] = ["Chỉ ghi sổ sinh hoạt của chi bộ (chi bộ trực thuộc hoặc chi bộ cơ sở)."]
    if kind not in MeetingKind.values:
        errors["kind"] = ["Loại buổi sinh hoạt không hợp lệ."]
    elif kind == MeetingKind.EXTRAORDINARY and not topic.strip():
        errors["topic"] = ["Buổi sinh hoạt bất thường cần ghi nội dung."]
    if held_on is None:
        errors["held_on"] = ["Chưa nhập ngày sinh hoạt."]
        return errors
    if held_on > _today():
        errors["held_on"] = [f"Ngày {fmt_date(held_on)} ở tương lai: chỉ ghi buổi sinh hoạt đã diễn ra."]
        return errors
    if not in_range(held_on):
        errors["held_on"] = ["Ngày sinh hoạt không hợp lệ."]
        return errors
    if held_on < org.valid_from or (org.valid_to is not None and held_on > org.valid_to):
        errors["held_on"] = [f"Ngày {fmt_date(held_on)} chi bộ chưa thành lập hoặc đã giải thể."]
    others = CellMeeting.objects.filter(org=org).exclude(pk=meeting.pk if meeting else None)
    if others.filter(held_on=held_on).exists():
        errors["held_on"] = [f"Chi bộ đã có buổi sinh hoạt ngày {fmt_date(held_on)}."]
    elif kind == MeetingKind.REGULAR:
        same_month = others.filter(kind=MeetingKind.REGULAR, held_on__gte=month_start(held_on),
                                   held_on__lte=month_end(held_on)).first()
        if same_month is not None:
            errors["kind"] = [f"Tháng {fmt_month(held_on)} đã có buổi sinh hoạt thường kỳ ngày "
                              f"{fmt_date(same_month.held_on)}; buổi khác ghi là sinh hoạt bất thường."]
    errors.update(_attendance_errors(org=org, held_on=held_on, attendance=attendance, meeting=meeting))
    return errors


def _attendance_errors(*, org: Org, held_on: dt.date, attendance: AttendanceInput,
                       meeting: CellMeeting | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    members = {m.pk: m for m in eligible_members(org, held_on).only("id", "full_name", "exempted")}
    if meeting is not None:  # members recorded earlier stay editable even if they have moved since
        recorded = Member.objects.filter(attendances__meeting=meeting).only("id", "full_name", "exempted")
        members.update({m.pk: m for m in recorded})
    for member_id, (status, reason) in attendance.items():
        member = members.get(member_id)
        key = f"member_{member_id}"
        if member is None:
            errors[key] = [f"Đảng viên (mã {member_id}) không sinh hoạt tại chi bộ vào ngày {fmt_date(held_on)}."]
        elif status not in AttendanceStatus.values:
            errors[key] = [f"{member.full_name}: chưa chọn có mặt / vắng có lý do / vắng không lý do."]
        elif status == AttendanceStatus.ABSENT_EXCUSED and not (reason or "").strip():
            errors[key] = [f"{member.full_name}: vắng có lý do cần ghi lý do."]
    missing = sorted(m.full_name for pk, m in members.items() if pk not in attendance and not m.exempted)
    if missing:
        errors["attendance"] = [f"Chưa điểm danh: {', '.join(missing)}."]
    return errors


def _write_attendance(meeting: CellMeeting, attendance: AttendanceInput) -> dict[str, int]:
    existing = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    new, changed = [], []
    for member_id, (status, reason) in attendance.items():
        reason = (reason or "").strip()[:255] if status != AttendanceStatus.PRESENT else ""
        row = existing.get(member_id)
        if row is None:
            new.append(Attendance(meeting=meeting, member_id=member_id, status=status, reason=reason))
        elif (row.status, row.reason) != (status, reason):
            row.status, row.reason = status, reason
            changed.append(row)
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(changed, ["status", "reason"])
    counts = {s: 0 for s in AttendanceStatus.values}
    for status, _reason in attendance.values():
        counts[status] += 1
    return counts


def _snapshot(meeting: CellMeeting) -> dict:
    return {"held_on": meeting.held_on, "kind": meeting.kind, "topic": meeting.topic,
            "attendance": {str(a.member_id): [a.status, a.reason]
                           for a in Attendance.objects.filter(meeting=meeting).order_by("member_id")}}


@transaction.atomic
def meeting_record(*, actor, org: Org, held_on: dt.date | None, kind: str = MeetingKind.REGULAR, topic: str = "",
                   attendance: AttendanceInput) -> CellMeeting:
    """Record a meeting held by a cell and who attended it (every member registered at the cell that
    day, except members exempted from activities, must be marked)."""
    require_write(actor, org.path)
    attendance = {int(k): (v[0], v[1] if len(v) > 1 else "") for k, v in attendance.items()}
    errors = _validate(org=org, held_on=held_on, kind=kind, topic=topic, attendance=attendance)
    if errors:
        raise ValidationFailed(errors, message=next(iter(errors.values()))[0])
    if not topic.strip() and kind == MeetingKind.REGULAR:
        topic = f"Sinh hoạt chi bộ thường kỳ tháng {fmt_month(held_on)}"
    meeting = CellMeeting.objects.create(org=org, held_on=held_on, kind=kind, topic=topic.strip()[:500],
                                         recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
    counts = _write_attendance(meeting, attendance)
    audit_record(actor=actor, action="meeting.record", obj=meeting, org=org,
                 after={**_snapshot(meeting), "counts": counts})
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: CellMeeting, held_on: dt.date | None = None, kind: str | None = None,
                   topic: str | None = None, attendance: AttendanceInput | None = None) -> CellMeeting:
    """Correct a recorded meeting: its date, kind, topic or marks (given marks replace those members'
    marks; members left out keep theirs)."""
    org = meeting.org
    require_write(actor, org.path)
    meeting = CellMeeting.objects.select_for_update().get(pk=meeting.pk)
    before = _snapshot(meeting)
    current = {a.member_id: (a.status, a.reason) for a in Attendance.objects.filter(meeting=meeting)}
    new_marks = {int(k): (v[0], v[1] if len(v) > 1 else "") for k, v in (attendance or {}).items()}
    merged = {**current, **new_marks}
    held_on = held_on or meeting.held_on
    kind = kind or meeting.kind
    topic = meeting.topic if topic is None else topic
    errors = _validate(org=org, held_on=held_on, kind=kind, topic=topic, attendance=merged, meeting=meeting)
    if errors:
        raise ValidationFailed(errors, message=next(iter(errors.values()))[0])
    meeting.held_on, meeting.kind, meeting.topic = held_on, kind, topic.strip()[:500]
    meeting.save(update_fields=["held_on", "kind", "topic", "updated_at"])
    counts = _write_attendance(meeting, merged)
    audit_record(actor=actor, action="meeting.update", obj=meeting, org=org, before=before,
                 after={**_snapshot(meeting), "counts": counts})
    return meeting
