"""JSON API of the members context: the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from tcxd.authz.guards import require_write_role
from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.common.schemas import ERRORS, READ_ERRORS
from tcxd.geo.models import MapVersion
from tcxd.geo.selectors import unit_from_choice, unit_label
from tcxd.orgs import selectors as org_selectors
from tcxd.rules.pure.membership.types import STATUS_LABELS

from . import selectors as S
from . import services
from .models import MemberEvent

router = Router(tags=["Đảng viên"])


class MemberRow(Schema):
    id: int
    full_name: str
    sex: str
    birth_date: dt.date
    status: str
    status_label: str = Field(..., alias="get_status_display")
    org_id: int
    temporary_org_id: int | None
    transfer_to_id: int | None
    admitted_on: dt.date | None
    official_on: dt.date | None


# the columns MemberRow reads (a page of a search loads no more)
ROW_FIELDS = ("id", "full_name", "sex", "birth_date", "status", "org_id", "temporary_org_id", "transfer_to_id",
              "admitted_on", "official_on")


class MemberOut(MemberRow):
    birth_name: str
    other_names: str
    cccd: str
    ethnicity: str
    religion: str
    phone: str
    email: str
    general_education: str
    professional_level: str
    political_theory: str
    occupation_group: str
    profile_no: str
    card_no: str
    ceremony_on: dt.date | None
    exempted: bool
    birth_place: str
    hometown: str
    hometown_pre2025_code: str | None
    hometown_pre2025_label: str | None
    hometown_2025_code: str | None
    hometown_2025_label: str | None
    permanent_address: str
    current_address: str
    cccd_issued_on: dt.date | None
    general_grade: str
    specialization: str
    academic_title: str
    foreign_language: str
    it_level: str
    occupation: str
    workplace: str
    youth_union_joined_on: dt.date | None
    fee_group: str
    has_photo: bool

    @staticmethod
    def resolve_hometown_pre2025_code(obj) -> str | None:
        return obj.hometown_pre2025.code if obj.hometown_pre2025_id else None

    @staticmethod
    def resolve_hometown_pre2025_label(obj) -> str | None:
        return unit_label(obj.hometown_pre2025) if obj.hometown_pre2025_id else None

    @staticmethod
    def resolve_hometown_2025_code(obj) -> str | None:
        return obj.hometown_2025.code if obj.hometown_2025_id else None

    @staticmethod
    def resolve_hometown_2025_label(obj) -> str | None:
        return unit_label(obj.hometown_2025) if obj.hometown_2025_id else None

    @staticmethod
    def resolve_has_photo(obj) -> bool:
        return bool(obj.photo)


class PartyAgeOut(Schema):
    years: int
    months: int
    since: dt.date


class DeadlineOut(Schema):
    code: str
    due: dt.date
    message: str
    rule: str
    overdue: bool


class FactsOut(Schema):
    on: dt.date
    status: str | None
    status_label: str
    official_org_id: int | None
    temporary_org_id: int | None
    transferring_to_org_id: int | None
    exempted: bool
    age_years: int
    party_age: PartyAgeOut | None
    probation_end: dt.date | None
    next_badge_years: int | None
    next_badge_occasion: dt.date | None
    deadlines: list[DeadlineOut]
    missing_documents: list[str]


class MemberIn(Schema):
    org_id: int
    on: dt.date
    full_name: str
    sex: str
    birth_date: dt.date
    cccd: str
    birth_place: str = ""
    hometown: str = ""
    hometown_pre2025_code: str = Field("", description="Mã xã/huyện/tỉnh (TCTK) theo địa giới trước 01/07/2025")
    hometown_2025_code: str = Field("", description="Mã xã/phường/tỉnh theo địa giới từ 01/07/2025; để trống thì "
                                                    "tự suy ra khi xã cũ chỉ thuộc một đơn vị mới")
    ethnicity: str = "01"
    religion: str = "none"
    phone: str = ""
    email: str = ""
    general_education: str = "thpt"
    professional_level: str = "none"
    political_theory: str = "none"
    occupation_group: str = "khac"


class MemberPatch(Schema):
    full_name: str | None = None
    birth_name: str | None = None
    other_names: str | None = None
    sex: str | None = None
    birth_date: dt.date | None = None
    cccd: str | None = None
    birth_place: str | None = None
    hometown: str | None = None
    hometown_pre2025_code: str | None = Field(None, description="Mã TCTK theo địa giới trước 01/07/2025; \"\" để xóa")
    hometown_2025_code: str | None = Field(None, description="Mã TCTK theo địa giới từ 01/07/2025; \"\" để xóa")
    permanent_address: str | None = None
    current_address: str | None = None
    ethnicity: str | None = None
    religion: str | None = None
    phone: str | None = None
    email: str | None = None
    general_education: str | None = None
    professional_level: str | None = None
    political_theory: str | None = None
    occupation_group: str | None = None
    profile_no: str | None = None


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    on: dt.date
    org_id: int | None
    target_org_id: int | None
    decision_no: str
    decision_date: dt.date | None
    data: dict[str, Any]
    regulation: str
    voided: bool

    @staticmethod
    def resolve_voided(obj) -> bool:
        return obj.voided_at is not None


class EventIn(Schema):
    kind: str
    on: dt.date
    target_org_code: str = ""
    decision_no: str = ""
    decision_date: dt.date | None = None
    decision_issuer: str = ""
    data: dict[str, Any] = {}
    note: str = ""


class VoidIn(Schema):
    reason: str


class SearchParams(Schema):
    q: str = ""
    org_id: int | None = None
    status: str = ""
    sex: str = ""
    ethnicity: str = ""
    religion: str = ""
    political_theory: str = ""
    professional_level: str = ""
    general_education: str = ""
    occupation_group: str = ""
    age_band: str = Field("", pattern=r"^(\d{1,3}-\d{0,3})?$")
    party_age_band: str = Field("", pattern=r"^(\d{1,3}-\d{0,3})?$")
    include_former: bool = False
    born_from: int | None = Field(None, ge=1900, le=2100)
    born_to: int | None = Field(None, ge=1900, le=2100)
    admitted_year: int | None = Field(None, ge=1930, le=2100)
    offset: int = Field(0, ge=0)
    limit: int = Field(50, ge=1, le=200)


class PageOut(Schema):
    items: list[MemberRow]
    next_offset: int | None


@contextmanager
def _rules_in_force():
    """A date for which the registry holds no rules answers 404 with the rule's message, not 500."""
    try:
        yield
    except LookupError as exc:
        error = DomainError("rule_not_in_force", str(exc))
        error.status = 404
        raise error from exc


def _member_out(request, member):
    member.cccd = S.cccd_display(actor=request.auth, member=member)
    return member


def _with_units(data: dict) -> dict:
    """``hometown_…_code`` → the administrative unit of its map ("" clears); an unknown code is a 422."""
    errors = {}
    for field, version in (("hometown_pre2025", MapVersion.PRE2025), ("hometown_2025", MapVersion.V2025)):
        if f"{field}_code" not in data:
            continue
        code = (data.pop(f"{field}_code") or "").strip()
        unit, error = unit_from_choice(code, map_version=version)
        if error:
            errors[field] = [error]
        else:
            data[field] = unit
    if errors:
        raise ValidationFailed(errors)
    return data


def _writable(request, pk):
    member = S.member_get(actor=request.auth, pk=pk)
    require_write_role(request.auth)
    return member


@router.get("", response={200: PageOut, **READ_ERRORS},
            summary="Tìm đảng viên (không dấu, theo họ tên hoặc tên; CCCD; số thẻ) và lọc")
def member_list(request, params: Query[SearchParams]):
    limit = max(1, min(params.limit, 200))
    filters = S.MemberFilters(**params.dict(exclude={"offset", "limit"}))
    # plain rows, not model instances: the schema validates a page of them straight from the dicts
    found = S.member_search(actor=request.auth, filters=filters).select_related(None).values(*ROW_FIELDS)
    rows = list(found[params.offset: params.offset + limit + 1])
    for row in rows:
        row["get_status_display"] = STATUS_LABELS.get(row["status"], row["status"])  # StrEnum keys
    return {"items": rows[:limit], "next_offset": params.offset + limit if len(rows) > limit else None}


class WorkItemOut(Schema):
    section: str
    section_key: str = Field(description="Mã mục (tham số section)")
    section_total: int = Field(description="Tổng số việc của mục; nhiều hơn số việc trả về thì lấy tiếp bằng offset")
    member_id: int | None = Field(description="Đảng viên; trống nếu việc thuộc về tổ chức (org_id)")
    member_name: str = Field(description="Họ tên đảng viên, hoặc tên tổ chức nếu việc thuộc về tổ chức")
    org_name: str = Field(description="Nơi sinh hoạt của đảng viên, hoặc tổ chức cấp trên của tổ chức")
    org_id: int | None = None
    due: dt.date | None = Field(description="Hạn; trống với việc không có hạn (hồ sơ, số đảng viên của chi bộ)")
    overdue: bool
    message: str
    rule: str
    action_url: str


class WorkListParams(Schema):
    on: dt.date | None = Field(None, description="Ngày tính (mặc định hôm nay); một ngày sau để xem trước hạn. "
                                                 "Ngày đã qua không nhận: danh sách tính từ trạng thái hiện tại")
    section: str = Field("", description="Chỉ một mục (mã mục); để trống: mọi mục")
    offset: int = Field(0, ge=0, description="Bỏ qua bao nhiêu việc đầu của mỗi mục")
    limit: int = Field(100, ge=1, le=1000, description="Số việc tối đa của mỗi mục")


@router.get("/worklist", response={200: list[WorkItemOut], **READ_ERRORS},
            summary="Việc cần làm trong phạm vi, theo mục (kết nạp, lễ kết nạp, công nhận chính thức, chuyển "
                    "sinh hoạt, hết hạn sinh hoạt tạm thời, đánh giá sau sàng lọc, huy hiệu, xóa tên, chi bộ dưới 3 "
                    "đảng viên chính thức, hồ sơ chưa đầy đủ): mỗi mục "
                    "trả tối đa limit việc từ offset, kèm tổng số việc của mục (section_total); limit=1 cho biết "
                    "mọi mục có việc và số việc của từng mục")
def work_list(request, params: Query[WorkListParams]):
    from .worklists import sections

    today = timezone.localdate()
    if params.on is not None and params.on < today:
        raise ValidationFailed({"on": [
            f"Việc cần làm tính cho hôm nay ({today:%d/%m/%Y}) hoặc một ngày sau; ngày {params.on:%d/%m/%Y} đã qua "
            "(danh sách dựa trên trạng thái hiện tại của đảng viên; việc của một ngày đã qua xem ở quá trình và "
            "sự kiện của từng đảng viên)."]})
    with _rules_in_force():
        found = sections(actor=request.auth, on=params.on or today, only=params.section or None,
                         offset=params.offset, limit=params.limit)
    if params.section and not found:
        error = DomainError("worklist_section_unknown", f"Không có mục việc cần làm «{params.section}».")
        error.status = 404
        raise error
    return [{**item.__dict__, "section_key": s.key, "section_total": s.count} for s in found for item in s.items]


@router.get("/transfers", response={200: list[MemberRow], **READ_ERRORS},
            summary="Đảng viên đang chuyển sinh hoạt đến hoặc đi trong phạm vi (chưa được tiếp nhận)")
def transfers(request):
    return list(S.member_queryset(actor=request.auth).filter(transfer_to__isnull=False)
                .order_by("last_event_on", "id")[:1000])


@router.post("", response={201: MemberOut, **ERRORS}, summary="Lập hồ sơ quần chúng ưu tú")
def member_create(request, payload: MemberIn):
    org = org_selectors.org_get(actor=request.auth, pk=payload.org_id)
    require_write_role(request.auth)
    data = _with_units(payload.dict(exclude={"org_id", "on"}))
    member = services.member_create(actor=request.auth, org=org, on=payload.on, **data)
    return Status(201, _member_out(request, member))


@router.get("/{member_id}", response={200: MemberOut, **READ_ERRORS}, summary="Hồ sơ đảng viên")
def member_detail(request, member_id: int):
    return _member_out(request, S.member_get(actor=request.auth, pk=member_id))


@router.patch("/{member_id}", response={200: MemberOut, **ERRORS}, summary="Sửa hồ sơ")
def member_update(request, member_id: int, payload: MemberPatch):
    member = _writable(request, member_id)
    fields = _with_units({k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None})
    return _member_out(request, services.member_update(actor=request.auth, member=member, **fields))


@router.get("/{member_id}/facts", response={200: FactsOut, **READ_ERRORS},
            summary="Thông tin suy ra tại một ngày: trạng thái, tổ chức, tuổi Đảng, thời hạn")
def member_facts(request, member_id: int, on: dt.date | None = None):
    member = S.member_get(actor=request.auth, pk=member_id)
    day = on or timezone.localdate()
    with _rules_in_force():
        f = S.member_facts(member=member, on=day)
    pa = f.party_age
    return {
        "on": day, "status": f.state.status, "status_label": f.status_label,
        "official_org_id": f.state.official_org, "temporary_org_id": f.state.temporary_org,
        "transferring_to_org_id": f.state.pending_transfer.to_org if f.state.pending_transfer else None,
        "exempted": f.state.exempted, "age_years": f.age_years,
        "party_age": {"years": pa.years, "months": pa.months, "since": pa.since} if pa else None,
        "probation_end": f.probation_end,
        "next_badge_years": f.next_badge.years if f.next_badge else None,
        "next_badge_occasion": f.next_badge.occasion if f.next_badge else None,
        "deadlines": [d.__dict__ for d in f.deadlines], "missing_documents": f.missing_documents,
    }


@router.get("/{member_id}/events", response={200: list[EventOut], **READ_ERRORS}, summary="Các sự kiện")
def event_list(request, member_id: int):
    return list(S.member_events(member=S.member_get(actor=request.auth, pk=member_id)))


@router.post("/{member_id}/events", response={201: EventOut, **ERRORS},
             summary="Ghi nhận sự kiện (xét theo quy định có hiệu lực tại ngày của sự kiện)")
def event_create(request, member_id: int, payload: EventIn):
    member = _writable(request, member_id)
    target = None
    if payload.target_org_code:
        target = org_selectors.org_directory(code=payload.target_org_code)
        if target is None:
            raise DomainError("unknown_org", f"Không có tổ chức đảng đang hoạt động mã “{payload.target_org_code}”.",
                              field="target_org_code")
    row = services.member_event_record(
        actor=request.auth, member=member, kind=payload.kind, on=payload.on, target_org=target,
        decision_no=payload.decision_no, decision_date=payload.decision_date,
        decision_issuer=payload.decision_issuer, data=payload.data, note=payload.note)
    return Status(201, row)


@router.post("/{member_id}/events/{event_id}/void", response={200: EventOut, **ERRORS},
             summary="Hủy sự kiện mới nhất (nhập nhầm), có lý do")
def event_void(request, member_id: int, event_id: int, payload: VoidIn):
    member = _writable(request, member_id)
    event = MemberEvent.objects.filter(pk=event_id, member=member).first()
    if event is None:
        from django.http import Http404

        raise Http404
    return services.member_event_void(actor=request.auth, event=event, reason=payload.reason)
