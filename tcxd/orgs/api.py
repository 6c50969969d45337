"""JSON API of the organization context: the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from tcxd.audit.selectors import audit_for_org
from tcxd.authz.guards import require_write_role
from tcxd.common.fmt import fmt_ratio
from tcxd.common.schemas import ERRORS, READ_ERRORS

from . import committee as C
from . import selectors as S
from . import services
from .checks import org_warnings
from .kinds import OrgKind
from .models import CommitteeMember, Congress
from .schemas import (
    ChangeOut,
    CongressIn,
    CongressOut,
    CongressPatch,
    CountsOut,
    HeadcountIn,
    HeadcountOut,
    OrgCloseIn,
    OrgCreateIn,
    OrgMoveIn,
    OrgOut,
    OrgUpdateIn,
    ProgressOut,
    SeatEndIn,
    SeatIn,
    SeatOut,
    VersionOut,
    WarningOut,
)

router = Router(tags=["Tổ chức đảng"])


def _decision(payload) -> services.Decision:
    return services.Decision(number=payload.decision_no, date=payload.decision_date,
                             issuer=payload.decision_issuer)


def _writable(request, pk):
    org = S.org_get(actor=request.auth, pk=pk)
    require_write_role(request.auth)
    return org


@router.get("", response={200: list[OrgOut], **READ_ERRORS}, summary="Danh sách/tìm kiếm tổ chức trong phạm vi")
@paginate(PageNumberPagination, page_size=50)
def org_list(request, q: str = "", parent_id: int | None = None, kind: str | None = None,
             include_closed: bool = False):
    if q:
        return list(S.org_search(actor=request.auth, q=q, include_closed=include_closed, limit=500))
    qs = S.org_queryset(actor=request.auth)
    if parent_id is not None:
        parent = S.org_get(actor=request.auth, pk=parent_id)
        qs = S.org_children(org=parent, include_closed=include_closed)
    elif not include_closed:
        qs = qs.filter(status="active")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("path")


@router.get("/roots", response={200: list[OrgOut], **READ_ERRORS}, summary="Gốc phạm vi của người dùng")
def org_roots(request):
    return list(S.org_scope_roots(actor=request.auth))


@router.get("/congress-progress", response={200: ProgressOut, **READ_ERRORS},
            summary="Tiến độ đại hội theo loại tổ chức, nhiệm kỳ và ngày")
def congress_progress(request, org_id: int, kind: str, term_start_year: int, term_end_year: int,
                      on: dt.date | None = None):
    org = S.org_get(actor=request.auth, pk=org_id)
    if kind not in OrgKind.values:
        raise Http404
    p = S.congress_progress(org=org, kind=kind, term_start_year=term_start_year,
                            term_end_year=term_end_year, day=on or timezone.localdate())
    return {"kind": p.kind, "term_start_year": term_start_year, "term_end_year": term_end_year,
            "on": p.day, "held": p.held, "total": p.total, "text": fmt_ratio(p.held, p.total)}


@router.get("/{org_id}", response={200: OrgOut, **READ_ERRORS}, summary="Thông tin tổ chức")
def org_detail(request, org_id: int):
    return S.org_get(actor=request.auth, pk=org_id)


@router.get("/{org_id}/counts", response={200: CountsOut, **READ_ERRORS},
            summary="Số tổ chức theo loại và đảng số trong cây trực thuộc")
def org_counts(request, org_id: int):
    c = S.org_subtree_counts(org=S.org_get(actor=request.auth, pk=org_id))
    return {"orgs": c.orgs, "by_kind": c.by_kind, "official": c.official,
            "probationary": c.probationary, "members": c.members}


@router.get("/{org_id}/tree", response={200: list[VersionOut], **READ_ERRORS},
            summary="Cây tổ chức tại một ngày (mặc định hôm nay)")
def org_tree(request, org_id: int, on: dt.date | None = None, max_depth: int | None = 2):
    org = S.org_get(actor=request.auth, pk=org_id)
    return S.org_tree_as_of(org=org, day=on or timezone.localdate(), max_depth=max_depth)


@router.get("/{org_id}/changes", response={200: list[ChangeOut], **READ_ERRORS}, summary="Lịch sử thay đổi")
def org_changes(request, org_id: int):
    return list(S.org_changes(org=S.org_get(actor=request.auth, pk=org_id), limit=500))


@router.get("/{org_id}/audit", response={200: list[dict], **READ_ERRORS}, summary="Nhật ký thay đổi")
def org_audit(request, org_id: int):
    org = S.org_get(actor=request.auth, pk=org_id)
    return [{"at": a.at.isoformat(), "actor": a.actor_name, "action": a.action, "ip": a.ip,
             "before": a.before, "after": a.after, "note": a.note} for a in audit_for_org(org=org)]


@router.get("/{org_id}/warnings", response={200: list[WarningOut], **READ_ERRORS},
            summary="Cảnh báo cơ cấu tổ chức trong cây trực thuộc")
def org_warning_list(request, org_id: int, on: dt.date | None = None):
    org = S.org_get(actor=request.auth, pk=org_id)
    return [w.__dict__ for w in org_warnings(org=org, day=on or timezone.localdate(), limit=1000)]


@router.post("", response={201: OrgOut, **ERRORS}, summary="Thành lập tổ chức")
def org_create(request, payload: OrgCreateIn):
    parent = _writable(request, payload.parent_id)
    org = services.org_create(
        actor=request.auth, parent=parent, code=payload.code, name=payload.name, kind=payload.kind,
        valid_from=payload.valid_from, short_name=payload.short_name,
        grassroots_type=payload.grassroots_type, congress_cycle_months=payload.congress_cycle_months,
        admin_unit=_admin_unit(payload.admin_unit_id), note=payload.note, decision=_decision(payload))
    return Status(201, org)


def _admin_unit(pk):
    if pk is None:
        return None
    from tcxd.geo.models import AdminUnit

    unit = AdminUnit.objects.filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


@router.patch("/{org_id}", response={200: OrgOut, **ERRORS}, summary="Đổi tên, đổi mã, đổi loại, sửa thông tin")
def org_update(request, org_id: int, payload: OrgUpdateIn):
    org = _writable(request, org_id)
    fields = payload.dict(exclude_unset=True, exclude={"effective_on", "decision_no", "decision_date",
                                                       "decision_issuer"})
    return services.org_update(actor=request.auth, org=org, effective_on=payload.effective_on,
                               decision=_decision(payload), **fields)


@router.post("/{org_id}/move", response={200: OrgOut, **ERRORS}, summary="Chuyển trực thuộc")
def org_move(request, org_id: int, payload: OrgMoveIn):
    org = _writable(request, org_id)
    target = _writable(request, payload.new_parent_id)
    return services.org_move(actor=request.auth, org=org, new_parent=target,
                             effective_on=payload.effective_on, decision=_decision(payload))


@router.post("/{org_id}/close", response={200: OrgOut, **ERRORS}, summary="Giải thể / chấm dứt hoạt động")
def org_close(request, org_id: int, payload: OrgCloseIn):
    org = _writable(request, org_id)
    return services.org_close(actor=request.auth, org=org, last_day=payload.last_day,
                              decision=_decision(payload), note=payload.note)


@router.put("/{org_id}/headcount", response={200: HeadcountOut, **ERRORS}, summary="Cập nhật đảng số")
def org_headcount(request, org_id: int, payload: HeadcountIn):
    org = _writable(request, org_id)
    return services.org_headcount_set(actor=request.auth, org=org, official=payload.official,
                                      probationary=payload.probationary)


@router.get("/{org_id}/congresses", response={200: list[CongressOut], **READ_ERRORS}, summary="Các kỳ đại hội")
def congress_list(request, org_id: int):
    return list(S.org_congresses(org=S.org_get(actor=request.auth, pk=org_id)))


@router.post("/{org_id}/congresses", response={201: CongressOut, **ERRORS}, summary="Ghi nhận đại hội")
def congress_create(request, org_id: int, payload: CongressIn):
    org = _writable(request, org_id)
    return Status(201, C.congress_create(actor=request.auth, org=org, **payload.dict()))


@router.patch("/{org_id}/congresses/{congress_id}", response={200: CongressOut, **ERRORS},
              summary="Cập nhật đại hội")
def congress_update(request, org_id: int, congress_id: int, payload: CongressPatch):
    org = _writable(request, org_id)
    congress = Congress.objects.filter(pk=congress_id, org=org).first()
    if congress is None:
        raise Http404
    return C.congress_update(actor=request.auth, congress=congress, **payload.dict(exclude_unset=True))


@router.get("/{org_id}/committee", response={200: list[SeatOut], **READ_ERRORS},
            summary="Cấp ủy tại một ngày (mặc định hôm nay)")
def committee_list(request, org_id: int, on: dt.date | None = None):
    org = S.org_get(actor=request.auth, pk=org_id)
    return list(S.org_committee(org=org, day=on or timezone.localdate()))


@router.post("/{org_id}/committee", response={201: SeatOut, **ERRORS}, summary="Bổ sung thành viên cấp ủy")
def committee_add(request, org_id: int, payload: SeatIn):
    org = _writable(request, org_id)
    data = payload.dict()
    congress_id = data.pop("congress_id")
    congress = None
    if congress_id is not None:
        congress = Congress.objects.filter(pk=congress_id, org=org).first()
        if congress is None:
            raise Http404
    return Status(201, C.committee_member_add(actor=request.auth, org=org, congress=congress, **data))


@router.post("/{org_id}/committee/{seat_id}/end", response={200: SeatOut, **ERRORS},
             summary="Thôi giữ chức")
def committee_end(request, org_id: int, seat_id: int, payload: SeatEndIn):
    org = _writable(request, org_id)
    seat = CommitteeMember.objects.filter(pk=seat_id, org=org).first()
    if seat is None:
        raise Http404
    return C.committee_member_end(actor=request.auth, seat=seat, to_date=payload.to_date,
                                  reason=payload.reason)
