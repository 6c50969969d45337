"""JSON API of the cadre register: the same selectors and services as the pages, scoped by the managing
committee."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from ninja import Field, Query, Router, Schema, Status
from pydantic import BeforeValidator

from tcxd.authz.guards import require_write_role
from tcxd.common.errors import NotFound, ValidationFailed
from tcxd.common.schemas import ERRORS, READ_ERRORS
from tcxd.members.selectors import member_queryset
from tcxd.orgs import selectors as org_selectors

from . import selectors as S
from . import services

router = Router(tags=["Công tác cán bộ"])


def _iso_day(value):
    """Only a day written YYYY-MM-DD (pydantic would also read a number as a timestamp)."""
    if isinstance(value, dt.date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        return value
    raise ValueError("Ngày phải viết theo dạng YYYY-MM-DD.")


Day = Annotated[dt.date, BeforeValidator(_iso_day)]


class CadreMoveOut(Schema):
    id: int
    member_id: int
    member_name: str
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    effective_on: dt.date
    decision_no: str
    decision_date: dt.date
    decision_issuer: str
    managing_org_id: int
    from_position: str
    from_unit: str
    to_position: str
    to_unit: str
    to_org_id: int | None
    higher_post: bool
    file_received_on: dt.date | None
    term_end: dt.date | None = Field(description="Hết thời hạn giữ chức vụ (bổ nhiệm, bổ nhiệm lại: 5 năm, C-07)")
    regulation: str
    note: str
    voided: bool
    void_reason: str

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.full_name

    @staticmethod
    def resolve_voided(obj) -> bool:
        return obj.voided_at is not None


class CadreMoveIn(Schema):
    member_id: int
    managing_org_id: int = Field(description="Cấp ủy có Ban Thường vụ quản lý cán bộ (từ đảng bộ cơ sở trở lên)")
    kind: str = Field(description="kien_toan | dieu_dong | luan_chuyen | biet_phai | bo_nhiem | bo_nhiem_lai | "
                                  "gioi_thieu_ung_cu")
    effective_on: Day
    decision_no: str
    decision_date: Day
    decision_issuer: str = ""
    from_position: str = ""
    from_unit: str = ""
    to_position: str = ""
    to_unit: str = ""
    to_org_code: str = Field("", description="Mã tổ chức đảng nơi đến (có thể ngoài phạm vi)")
    higher_post: bool = Field(False, description="Bổ nhiệm lần đầu hoặc bổ nhiệm, giới thiệu ứng cử chức vụ cao hơn")
    file_received_on: Day | None = Field(None, description="Ngày cơ quan tổ chức cán bộ nhận đủ hồ sơ (C-06)")
    note: str = ""


class VoidIn(Schema):
    reason: str


class ListParams(Schema):
    kind: str = ""
    start: Day | None = Field(None, description="Hiệu lực từ ngày")
    end: Day | None = Field(None, description="Hiệu lực đến ngày")
    q: str = Field("", max_length=100, description="Họ tên cán bộ (không cần dấu)")
    org_id: int | None = Field(None, description="Cấp ủy quản lý (cả các cấp ủy trực thuộc)")
    include_voided: bool = False
    offset: int = Field(0, ge=0)
    limit: int = Field(50, ge=1, le=200)


class PageOut(Schema):
    items: list[CadreMoveOut]
    next_offset: int | None


class CountsParams(Schema):
    start: Day = Field(description="Từ ngày (ngày hiệu lực của quyết định)")
    end: Day = Field(description="Đến ngày")


class CountsOut(Schema):
    org_id: int
    start: dt.date
    end: dt.date
    total: int
    by_kind: dict[str, int]


@router.get("", response={200: PageOut, **READ_ERRORS}, summary="Sổ công tác cán bộ trong phạm vi, có lọc")
def cadre_move_list(request, params: Query[ListParams]):
    filters = S.CadreMoveFilters(kind=params.kind, start=params.start, end=params.end, q=params.q,
                                 org_id=params.org_id, include_voided=params.include_voided)
    rows = list(S.cadre_move_list(actor=request.auth, filters=filters)[params.offset: params.offset + params.limit + 1])
    return {"items": rows[:params.limit],
            "next_offset": params.offset + params.limit if len(rows) > params.limit else None}


@router.post("", response={201: CadreMoveOut, **ERRORS},
             summary="Ghi một quyết định công tác cán bộ (xét theo quy định có hiệu lực tại ngày của quyết định)")
def cadre_move_create(request, payload: CadreMoveIn):
    managing_org = org_selectors.org_get(actor=request.auth, pk=payload.managing_org_id)
    require_write_role(request.auth)
    member = member_queryset(actor=request.auth).filter(pk=payload.member_id).first()
    if member is None:
        raise NotFound("Không tìm thấy đảng viên trong phạm vi quản lý.")
    to_org = None
    if payload.to_org_code.strip():
        to_org = org_selectors.org_directory(code=payload.to_org_code)
        if to_org is None:
            raise ValidationFailed({"to_org_code": [
                f"Không có tổ chức đảng đang hoạt động mã “{payload.to_org_code.strip()}”."]})
    data = payload.dict(exclude={"member_id", "managing_org_id", "to_org_code"})
    move = services.cadre_move_record(actor=request.auth, member=member, managing_org=managing_org, to_org=to_org,
                                      **data)
    return Status(201, move)


@router.get("/orgs/{org_id}/counts", response={200: CountsOut, **READ_ERRORS},
            summary="Số lượt cán bộ theo loại quyết định trong một kỳ, của các cấp ủy trong cây tổ chức")
def cadre_move_counts(request, org_id: int, params: Query[CountsParams]):
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    start, end = params.start, params.end
    if start > end:
        raise ValidationFailed({"start": [f"Từ ngày {start:%d/%m/%Y} sau đến ngày {end:%d/%m/%Y}."]})
    counts = S.cadre_move_counts(actor=request.auth, org=org, start=start, end=end)
    return {"org_id": org.pk, "start": start, "end": end, "total": sum(counts.values()), "by_kind": counts}


@router.get("/{move_id}", response={200: CadreMoveOut, **READ_ERRORS}, summary="Một quyết định công tác cán bộ")
def cadre_move_detail(request, move_id: int):
    return S.cadre_move_get(actor=request.auth, pk=move_id)


@router.post("/{move_id}/void", response={200: CadreMoveOut, **ERRORS},
             summary="Hủy quyết định nhập nhầm (có lý do); bản ghi được giữ, không còn được tính")
def cadre_move_void(request, move_id: int, payload: VoidIn):
    move = S.cadre_move_get(actor=request.auth, pk=move_id)
    require_write_role(request.auth)
    return services.cadre_move_void(actor=request.auth, pk=move.pk, reason=payload.reason)

