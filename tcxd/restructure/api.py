"""JSON API of the restructuring of the apparatus (sắp xếp tổ chức): operations (draft, change, preview, apply,
progress, undo), plans (đề án) with their progress by date, and the lineage of an org. The same scoping as the
pages: out of scope → 404, read-only roles → 403 on writes, refusals → 400 with Vietnamese messages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Status

from tcxd.authz.guards import require_write_role
from tcxd.common.errors import NotFound, ValidationFailed
from tcxd.common.schemas import ERRORS, READ_ERRORS
from tcxd.orgs import selectors as org_selectors

from . import queries as Q
from . import selectors as Sel
from . import services as S
from .models import OperationKind, OperationStatus, PreviewState, RestructureOperation, RestructurePlan
from .schemas import (
    LineageOut,
    OperationDetailOut,
    OperationIn,
    OperationListParams,
    OperationPageOut,
    OperationPatch,
    PlanDetailOut,
    PlanIn,
    PlanOut,
    PlanPatch,
    PlanProgressOut,
    PlanProgressParams,
    ProgressOut,
    UndoIn,
    parse_spec,
)

router = Router(tags=["Sắp xếp tổ chức"])
PAGE_SIZE = 25
PLAN_FIELDS = ("code", "title", "start_on", "deadline", "target_reduced", "target_merged", "target_dissolved",
               "decision_no", "decision_date", "note")


# -- helpers ----------------------------------------------------------------------------------------------------
def _orgs_in_scope(actor, spec: dict) -> None:
    """Every org a spec names must be one the actor may see: otherwise 404, as for a record out of scope."""
    ids = S.spec_org_ids(spec)
    found = set(org_selectors.org_queryset(actor=actor).filter(pk__in=ids).values_list("pk", flat=True))
    if ids - found:
        raise NotFound()


def _plan(actor, plan_id: int | None) -> RestructurePlan | None:
    return Sel.plan_get(actor=actor, pk=plan_id) if plan_id is not None else None


def _outcome(data: dict | None) -> dict | None:
    if not data:
        return None
    moves = [{"org_id": m.get("org_id", 0), "name": m.get("name", ""), "from_parent": m.get("from", ""),
              "to_parent": m.get("to", ""), "orgs": m.get("orgs", 0), "members": m.get("members", 0)}
             for m in data.get("moves") or []]
    return {**data, "moves": moves, "moves_total": data.get("moves_total", len(moves))}


def operation_out(op: RestructureOperation, *, latest_applied=None) -> dict:
    """``latest_applied``: ``selectors.latest_applied_at()`` read once for a list (no query per operation)."""
    return {"id": op.pk, "kind": op.kind, "kind_label": op.get_kind_display(), "status": op.status,
            "status_label": op.get_status_display(), "title": op.title, "scope_org_id": op.scope_org_id,
            "scope_org_name": op.scope_org.name, "plan_id": op.plan_id, "spec": op.spec or {},
            "effective_on": op.effective_on, "decision_no": op.decision_no, "decision_date": op.decision_date,
            "decision_issuer": op.decision_issuer, "note": op.note, "created_at": op.created_at,
            "previewed_at": op.previewed_at, "applied_at": op.applied_at, "undone_at": op.undone_at,
            "undo_reason": op.undo_reason, "error": op.error, "preview_state": op.preview_state,
            "preview_state_label": op.get_preview_state_display(),
            "progress_url": reverse("api:restructure_operation_progress", args=[op.pk]),
            "undoable": Sel.undoable(op, latest=latest_applied)}


def _operations_out(ops) -> list[dict]:
    latest = Sel.latest_applied_at()
    return [operation_out(op, latest_applied=latest) for op in ops]


def _detail(op: RestructureOperation) -> dict:
    state = Sel.preview_state(op)
    preview = op.preview if op.status in S.EDITABLE and state == PreviewState.DONE else None
    return {**operation_out(op), "preview_state": state, "preview_state_label": PreviewState(state).label,
            "description": [{"label": line.label, "text": line.text} for line in Q.describe(op)],
            "preview": {**preview, "outcome": _outcome(preview.get("outcome"))} if preview else None,
            "preview_stale": Sel.preview_staleness(op) if preview else "",
            "result": _outcome(op.result) if op.status == OperationStatus.APPLIED else None}


def _writable(request, operation_id: int) -> RestructureOperation:
    op = Sel.operation_get(actor=request.auth, pk=operation_id)
    require_write_role(request.auth)
    return op


# -- operations ---------------------------------------------------------------------------------------------------
@router.get("/operations", response={200: OperationPageOut, **READ_ERRORS},
            summary="Các thao tác sắp xếp trong phạm vi, lọc theo trạng thái, loại, nội dung; 25 một trang")
def operations_list(request, params: Query[OperationListParams]):
    errors = {}
    if params.status and params.status not in OperationStatus.values:
        errors["status"] = [f"Trạng thái “{params.status}” không có; dùng " + ", ".join(OperationStatus.values) + "."]
    if params.kind and params.kind not in OperationKind.values:
        errors["kind"] = [f"Loại sắp xếp “{params.kind}” không có; dùng " + ", ".join(OperationKind.values) + "."]
    if errors:
        raise ValidationFailed(errors)
    qs = Sel.operation_list(actor=request.auth, status=params.status or "", kind=params.kind or "",
                            q=(params.q or "").strip())
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(params.page)
    return {"count": paginator.count, "page": page.number, "pages": paginator.num_pages,
            "items": _operations_out(page.object_list)}


@router.post("/operations", response={201: OperationDetailOut, **ERRORS},
             summary="Lập dự thảo thao tác sắp xếp (hợp nhất, chia tách, giải thể, chuyển trực thuộc, đổi tên, đổi "
                     "loại hình, bỏ một cấp)")
def operation_create(request, payload: OperationIn):
    spec = parse_spec(payload.kind, payload.spec)
    _orgs_in_scope(request.auth, spec)
    plan = _plan(request.auth, payload.plan_id)
    require_write_role(request.auth)
    op = S.restructure_draft(actor=request.auth, kind=payload.kind, title=payload.title, spec=spec,
                             effective_on=payload.effective_on, decision_no=payload.decision_no,
                             decision_date=payload.decision_date, decision_issuer=payload.decision_issuer,
                             note=payload.note, plan=plan)
    return Status(201, _detail(op))


@router.get("/operations/{operation_id}", response={200: OperationDetailOut, **READ_ERRORS},
            summary="Thao tác sắp xếp: tham số (cả bằng lời), trạng thái, xem trước, kết quả")
def operation_detail(request, operation_id: int):
    return _detail(Sel.operation_get(actor=request.auth, pk=operation_id))


@router.patch("/operations/{operation_id}", response={200: OperationDetailOut, **ERRORS},
              summary="Sửa dự thảo (hoặc thao tác không thực hiện được); kết quả xem trước cũ bị bỏ")
def operation_update(request, operation_id: int, payload: OperationPatch):
    op = Sel.operation_get(actor=request.auth, pk=operation_id)
    fields = payload.dict(exclude_unset=True)
    if "spec" in fields:
        fields["spec"] = parse_spec(op.kind, fields["spec"] if fields["spec"] is not None else {})
        _orgs_in_scope(request.auth, fields["spec"])
    if "plan_id" in fields:
        fields["plan"] = _plan(request.auth, fields.pop("plan_id"))
    for key in ("title", "decision_no", "decision_issuer", "note"):
        if key in fields and fields[key] is None:
            fields[key] = ""
    require_write_role(request.auth)
    return _detail(S.restructure_update(actor=request.auth, operation=op, **fields))


@router.post("/operations/{operation_id}/preview", response={202: OperationDetailOut, **ERRORS},
             summary="Xem trước: đưa vào hàng đợi chạy nền việc chạy thử thao tác rồi hủy bỏ (không có gì thay đổi); "
                     "theo dõi ở progress_url, kết quả, cảnh báo, lỗi được lưu cùng dự thảo (preview)")
def operation_preview(request, operation_id: int):
    op = _writable(request, operation_id)
    op = S.restructure_preview(actor=request.auth, operation=op)
    op.refresh_from_db()
    return Status(202, _detail(op))


@router.post("/operations/{operation_id}/apply", response={200: OperationDetailOut, **ERRORS},
             summary="Thực hiện: đưa thao tác đã xem trước (không lỗi, có số quyết định) vào hàng đợi chạy nền")
def operation_apply(request, operation_id: int):
    op = _writable(request, operation_id)
    op = S.restructure_apply(actor=request.auth, operation=op)
    op.refresh_from_db()
    return _detail(op)


@router.get("/operations/{operation_id}/progress", response={200: ProgressOut, **READ_ERRORS},
            url_name="restructure_operation_progress",
            summary="Tiến độ việc chạy nền: xem trước hoặc thực hiện (trạng thái, bước đang chạy, phần trăm, lỗi)")
def operation_progress(request, operation_id: int):
    op = Sel.operation_get(actor=request.auth, pk=operation_id)
    return Sel.operation_progress(actor=request.auth, operation=op)


@router.post("/operations/{operation_id}/undo", response={200: OperationDetailOut, **ERRORS},
             summary="Hoàn tác thao tác đã thực hiện gần nhất (khi chưa có thay đổi mới hơn), kèm lý do")
def operation_undo(request, operation_id: int, payload: UndoIn):
    op = _writable(request, operation_id)
    return _detail(S.restructure_undo(actor=request.auth, operation=op, reason=payload.reason))


# -- plans ----------------------------------------------------------------------------------------------------------
def plan_out(plan: RestructurePlan) -> dict:
    return {"id": plan.pk, "org_id": plan.org_id, "org_name": plan.org.name,
            **{k: getattr(plan, k) for k in PLAN_FIELDS}, "created_at": plan.created_at}


def _progress(actor, plan: RestructurePlan, on) -> dict:
    rows = Sel.plan_progress(actor=actor, plan=plan, on=on)
    return {"plan_id": plan.pk, "on": on, "targets": [{"key": p.key, "label": p.label, "done": p.done,
                                                       "target": p.target, "text": p.text, "percent": p.percent}
                                                      for p in rows]}


def _plan_detail(actor, plan: RestructurePlan) -> dict:
    ops = Q.plan_operations(actor=actor, plan=plan)[:200]
    return {**plan_out(plan), "progress": _progress(actor, plan, timezone.localdate()),
            "operations": _operations_out(ops)}


@router.get("/plans", response={200: list[PlanOut], **READ_ERRORS},
            summary="Các đề án sắp xếp của các tổ chức trong phạm vi")
def plans_list(request):
    return [plan_out(p) for p in Sel.plan_list(actor=request.auth)[:1000]]


@router.post("/plans", response={201: PlanDetailOut, **ERRORS}, summary="Lập đề án sắp xếp với các chỉ tiêu")
def plan_create(request, payload: PlanIn):
    org = org_selectors.org_get(actor=request.auth, pk=payload.org_id)
    require_write_role(request.auth)
    plan = S.restructure_plan_save(actor=request.auth, org=org, **{k: getattr(payload, k) for k in PLAN_FIELDS})
    return Status(201, _plan_detail(request.auth, plan))


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **READ_ERRORS},
            summary="Đề án sắp xếp: chỉ tiêu, tiến độ đến hôm nay, các thao tác")
def plan_detail(request, plan_id: int):
    return _plan_detail(request.auth, Sel.plan_get(actor=request.auth, pk=plan_id))


@router.patch("/plans/{plan_id}", response={200: PlanDetailOut, **ERRORS}, summary="Sửa đề án sắp xếp")
def plan_update(request, plan_id: int, payload: PlanPatch):
    plan = Sel.plan_get(actor=request.auth, pk=plan_id)
    require_write_role(request.auth)
    values = {k: getattr(plan, k) for k in PLAN_FIELDS}
    values.update({k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None})
    plan = S.restructure_plan_save(actor=request.auth, org=plan.org, plan=plan, **values)
    return _plan_detail(request.auth, plan)


@router.get("/plans/{plan_id}/progress", response={200: PlanProgressOut, **READ_ERRORS},
            summary="Tiến độ đề án theo từng chỉ tiêu đến một ngày (mặc định hôm nay): “113/172 (65,7 %)”")
def plan_progress(request, plan_id: int, params: Query[PlanProgressParams]):
    plan = Sel.plan_get(actor=request.auth, pk=plan_id)
    return _progress(request.auth, plan, params.on or timezone.localdate())


# -- lineage --------------------------------------------------------------------------------------------------------
@router.get("/orgs/{org_id}/lineage", response={200: LineageOut, **READ_ERRORS},
            summary="Kế thừa tổ chức: tổ chức trước và sau sắp xếp, ngày hiệu lực, toàn bộ hay một phần")
def org_lineage(request, org_id: int):
    org = org_selectors.org_get(actor=request.auth, pk=org_id)
    before, after = Sel.lineage_of(actor=request.auth, org=org)
    return {"org_id": org.pk,
            "predecessors": [{"org_id": link.predecessor_id, "name": link.predecessor.name,
                              "effective_on": link.effective_on, "whole": link.whole,
                              "operation_id": link.operation_id} for link in before],
            "successors": [{"org_id": link.successor_id, "name": link.successor.name,
                            "effective_on": link.effective_on, "whole": link.whole,
                            "operation_id": link.operation_id} for link in after]}
