"""JSON API of the cell attendance register: the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from tcxd.authz.scope import scope_for
from tcxd.common.schemas import ERRORS, READ_ERRORS
from tcxd.orgs import selectors as org_selectors

from . import selectors as S
from . import services
from .models import Attendance

router = Router(tags=["Sinh hoạt chi bộ"])


class MarkIn(Schema):
    member_id: int
    status: str = Field(..., description="present | absent_excused | absent_unexcused")
    reason: str = ""


class MeetingIn(Schema):
    held_on: dt.date
    kind: str = Field("regular", description="regular (thường kỳ) | extraordinary (bất thường)")
    topic: str = ""
    attendance: list[MarkIn] = []


class MeetingPatch(Schema):
    held_on: dt.date | None = None
    kind: str | None = None
    topic: str | None = None
    attendance: list[MarkIn] | None = None


class MarkOut(Schema):
    member_id: int
    full_name: str
    status: str
    reason: str


class MeetingOut(Schema):
    id: int
    org_id: int
    held_on: dt.date
    kind: str
    topic: str
    attendance: list[MarkOut]


class MeetingRow(Schema):
    id: int
    held_on: dt.date
    kind: str
    topic: str
    total: int
    present: int
    excused: int
    unexcused: int


class RegisterRowOut(Schema):
    member_id: int
    full_name: str
    marks: list[str | None]
    present: int
    excused: int
    unexcused: int


class RegisterOut(Schema):
    org_id: int
    year: int
    meetings: list[MeetingRow]
    rows: list[RegisterRowOut]


class CandidateOut(Schema):
    member_id: int
    full_name: str
    months: list[dt.date]
    absent_months: list[dt.date]
    unpaid_months: list[dt.date]


class YearParams(Schema):
    year: int | None = Field(None, ge=1930, le=2100, description="Năm; mặc định năm hiện tại")


class StrikeOffParams(YearParams):
    reading: str = Field("calendar", pattern="^(calendar|rolling)$",
                         description="calendar: năm dương lịch; rolling: 12 tháng liên tiếp gần nhất")
    months: int | None = Field(None, ge=1, le=12, description="Số tháng; mặc định theo quy định (3)")


def _year(params: YearParams) -> int:
    return params.year or timezone.localdate().year


def _marks(items) -> dict[int, tuple[str, str]]:
    return {m.member_id: (m.status, m.reason) for m in items}


def _meeting_out(meeting) -> dict:
    marks = Attendance.objects.filter(meeting=meeting).select_related("member").order_by("member__given_name_norm")
    return {"id": meeting.pk, "org_id": meeting.org_id, "held_on": meeting.held_on, "kind": meeting.kind,
            "topic": meeting.topic, "attendance": [{"member_id": a.member_id, "full_name": a.member.full_name,
                                                    "status": a.status, "reason": a.reason} for a in marks]}


def _require_write(request) -> None:
    if not scope_for(request.auth).can_write:
        raise PermissionDenied("Vai trò của bạn chỉ được xem, không được thay đổi dữ liệu.")


@router.get("/orgs/{org_id}", response={200: list[MeetingRow], **READ_ERRORS},
            summary="Các buổi sinh hoạt của chi bộ trong năm, có số có mặt / vắng")
def meeting_list(request, org_id: int, params: Query[YearParams]):
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    return list(S.cell_meetings(org=org, year=_year(params)))


@router.post("/orgs/{org_id}", response={201: MeetingOut, **ERRORS},
             summary="Ghi buổi sinh hoạt chi bộ và điểm danh từng đảng viên")
def meeting_record(request, org_id: int, payload: MeetingIn):
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    _require_write(request)
    meeting = services.meeting_record(actor=request.auth, org=org, held_on=payload.held_on, kind=payload.kind,
                                      topic=payload.topic, attendance=_marks(payload.attendance))
    return Status(201, _meeting_out(meeting))


@router.get("/orgs/{org_id}/register", response={200: RegisterOut, **READ_ERRORS},
            summary="Sổ điểm danh của chi bộ trong năm")
def register(request, org_id: int, params: Query[YearParams]):
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    data = S.meeting_register(org=org, year=_year(params))
    return {"org_id": org.pk, "year": data.year, "meetings": data.meetings,
            "rows": [{"member_id": r.member.pk, "full_name": r.member.full_name, "marks": r.marks,
                      "present": r.present, "excused": r.excused, "unexcused": r.unexcused} for r in data.rows]}


@router.get("/orgs/{org_id}/striking-off", response={200: list[CandidateOut], **READ_ERRORS},
            summary="Đảng viên bỏ sinh hoạt hoặc không đóng đảng phí từ 3 tháng trong năm (diện xem xét xóa tên)")
def striking_off(request, org_id: int, params: Query[StrikeOffParams]):
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    found = S.striking_off_candidates(org=org, year=_year(params), months=params.months, reading=params.reading)
    return [{"member_id": c.member.pk, "full_name": c.member.full_name, "months": c.months,
             "absent_months": c.absent_months, "unpaid_months": c.unpaid_months} for c in found]


@router.get("/{meeting_id}", response={200: MeetingOut, **READ_ERRORS}, summary="Một buổi sinh hoạt và điểm danh")
def meeting_detail(request, meeting_id: int):
    return _meeting_out(S.meeting_get(actor=request.auth, pk=meeting_id))


@router.patch("/{meeting_id}", response={200: MeetingOut, **ERRORS},
              summary="Sửa buổi sinh hoạt (ngày, loại, nội dung, điểm danh của các đảng viên gửi lên)")
def meeting_update(request, meeting_id: int, payload: MeetingPatch):
    meeting = S.meeting_get(actor=request.auth, pk=meeting_id)
    _require_write(request)
    meeting = services.meeting_update(
        actor=request.auth, meeting=meeting, held_on=payload.held_on, kind=payload.kind, topic=payload.topic,
        attendance=_marks(payload.attendance) if payload.attendance is not None else None)
    return _meeting_out(meeting)
