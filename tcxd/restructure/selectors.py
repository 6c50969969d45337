"""Reads of the restructure context, scoped by the caller's actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from tcxd.authz.guards import require_read
from tcxd.authz.scope import scope_for
from tcxd.common.errors import NotFound
from tcxd.common.fmt import fmt_date, fmt_int, fmt_percent
from tcxd.common.paths import ancestor_paths, path_range
from tcxd.orgs.models import Org, OrgChange, OrgVersion

from . import progress as P
from .models import ClosedOrg, OperationKind, OperationStatus, PreviewState, RestructureOperation, RestructurePlan

APPLYING = (OperationStatus.QUEUED, OperationStatus.RUNNING)
PREVIEWING = (PreviewState.QUEUED, PreviewState.RUNNING)


def _scoped(qs: QuerySet, actor, field: str) -> QuerySet:
    return qs.filter(scope_for(actor).q(f"{field}__path"))


def operation_list(*, actor, status: str = "", kind: str = "", q: str = "") -> QuerySet[RestructureOperation]:
    qs = _scoped(RestructureOperation.objects.select_related("scope_org", "plan", "created_by"), actor, "scope_org")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(decision_no__icontains=q))
    return qs.order_by("-id")


def operation_get(*, actor, pk) -> RestructureOperation:
    try:
        op = RestructureOperation.objects.select_related("scope_org", "plan").get(pk=int(pk))
    except (TypeError, ValueError, RestructureOperation.DoesNotExist):
        raise NotFound()
    require_read(actor, op.scope_org.path)
    return op


def preview_state(operation: RestructureOperation) -> str:
    """The preview's state as it really is: one recorded as running that no process runs any more (the worker
    was killed mid-way; its transaction was rolled back, so nothing stayed) is interrupted."""
    state = operation.preview_state
    if state == PreviewState.RUNNING and not P.preview_alive(operation.pk):
        # the runner may have finished between the read and the look at its lock: read again
        state = (RestructureOperation.objects.filter(pk=operation.pk).values_list("preview_state", flat=True)
                 .first() or PreviewState.NONE)
        if state == PreviewState.RUNNING:
            state = PreviewState.INTERRUPTED
    return state


def preview_staleness(operation: RestructureOperation) -> str:
    """Why the finished preview no longer shows what applying would do ("" while it does): another operation over
    the same orgs applied or undone since it was asked for, or a change of the tree in the operation's subtree (or
    a move or close of an org above it) recorded after the preview. (A change of the draft itself drops
    its preview.)"""
    if operation.preview_state != PreviewState.DONE or not operation.preview:
        return ""
    if operation.preview_change_id is None or operation.preview_requested_at is None:
        return "Kết quả xem trước được lập trước khi có cách xem trước hiện nay: hãy xem trước lại."
    path = operation.scope_org.path
    since = operation.preview_requested_at
    others = (RestructureOperation.objects.exclude(pk=operation.pk)
              .filter(Q(applied_at__gt=since, status__in=[OperationStatus.APPLIED, OperationStatus.UNDONE])
                      | Q(undone_at__gt=since))
              .select_related("scope_org").order_by("-id"))
    for other in others:
        if other.scope_org.path.startswith(path) or path.startswith(other.scope_org.path):
            done = "hoàn tác" if other.undone_at and other.undone_at > since else "thực hiện"
            return f"Sau lần xem trước, thao tác «{other.title}» đã được {done}: hãy xem trước lại."
    low, high = path_range(path)
    moves = (OrgChange.Kind.MOVED, OrgChange.Kind.CLOSED, OrgChange.Kind.REOPENED)
    # an org in the subtree now, or ever (one moved out since), or a move or close above it
    was_here = OrgVersion.objects.filter(org_id=OuterRef("org_id"), path__gte=low, path__lt=high)
    change = (OrgChange.objects.filter(id__gt=operation.preview_change_id)
              .filter(Q(org__path__gte=low, org__path__lt=high) | Exists(was_here)
                      | Q(org__path__in=ancestor_paths(path), kind__in=moves))
              .select_related("org").order_by("id").first())
    if change is not None:
        return (f"Sau lần xem trước đã ghi nhận thay đổi trong cây tổ chức ({change.get_kind_display().lower()} — "
                f"{change.org.name}, hiệu lực {fmt_date(change.effective_on)}): hãy xem trước lại.")
    return ""


def operation_progress(*, actor, operation: RestructureOperation) -> dict:
    """What runs in the background for the operation (applying it, or its preview) and how far it is: the
    status, and while queued or running the phase and counts the worker reports."""
    require_read(actor, operation.scope_org.path)
    preview = preview_state(operation)
    editable = operation.status in (OperationStatus.DRAFT, OperationStatus.FAILED)
    if editable and preview in PREVIEWING:
        job, job_label, active = "preview", PreviewState(preview).label, True
    elif operation.status != OperationStatus.DRAFT:
        job, job_label, active = "apply", operation.get_status_display(), operation.status in APPLYING
    elif preview in (PreviewState.DONE, PreviewState.INTERRUPTED):
        job, job_label, active = "preview", PreviewState(preview).label, False
    else:
        job, job_label, active = "", operation.get_status_display(), False
    info = P.read(operation.pk) if active else None
    done, total = (info or {}).get("done", 0), (info or {}).get("total", 0)
    complete = (job == "apply" and operation.status == OperationStatus.APPLIED) or (
        job == "preview" and preview == PreviewState.DONE)
    percent = 100 if complete else (min(100, int(100 * done / total)) if total else 0)
    error = operation.error if job == "apply" else ""
    if job == "preview" and preview == PreviewState.INTERRUPTED:
        error = INTERRUPTED
    return {"status": operation.status, "status_label": operation.get_status_display(), "job": job,
            "job_label": job_label, "preview_state": preview, "preview_state_label": PreviewState(preview).label,
            "label": (info or {}).get("label", ""), "done": done, "total": total, "percent": percent,
            "error": error, "finished": not active}


INTERRUPTED = ("Xem trước chưa hoàn thành: tiến trình chạy nền dừng giữa chừng hoặc gặp lỗi hệ thống. Không có gì "
               "thay đổi; hãy xem trước lại.")


def latest_applied_at() -> dt.datetime | None:
    """When the latest applied operation was applied (None: no operation stands applied)."""
    return RestructureOperation.objects.filter(status=OperationStatus.APPLIED).aggregate(at=Max("applied_at"))["at"]


def undoable(operation: RestructureOperation, *, latest: dt.datetime | None = None) -> bool:
    """The latest applied operation (the service checks the rest). ``latest``: ``latest_applied_at()`` read once
    for a list of operations; without it, one query."""
    if operation.status != OperationStatus.APPLIED:
        return False
    if latest is not None:
        return operation.applied_at >= latest
    return not RestructureOperation.objects.filter(status=OperationStatus.APPLIED,
                                                   applied_at__gt=operation.applied_at).exists()


# -- plans ----------------------------------------------------------------------------------------------------
def plan_list(*, actor) -> QuerySet[RestructurePlan]:
    return _scoped(RestructurePlan.objects.select_related("org"), actor, "org").order_by("-start_on", "code")


def plan_get(*, actor, pk) -> RestructurePlan:
    try:
        plan = RestructurePlan.objects.select_related("org").get(pk=int(pk))
    except (TypeError, ValueError, RestructurePlan.DoesNotExist):
        raise NotFound()
    require_read(actor, plan.org.path)
    return plan


@dataclass(frozen=True)
class Progress:
    key: str
    label: str
    done: int
    target: int

    @property
    def text(self) -> str:
        """“113/172 (65,7 %)”"""
        if not self.target:
            return f"{fmt_int(self.done)}"
        return f"{fmt_int(self.done)}/{fmt_int(self.target)} ({fmt_percent(self.done, self.target, 1)})"

    @property
    def percent(self) -> float:
        return min(100.0, 100 * self.done / self.target) if self.target else 0.0


def plan_progress(*, actor, plan: RestructurePlan, on: dt.date) -> list[Progress]:
    """Completion of each target by ``on``: orgs closed by the plan's applied operations effective by then
    (merged, dissolved), and the net reduction (orgs closed less orgs founded)."""
    require_read(actor, plan.org.path)
    ops = list(plan.operations.filter(status=OperationStatus.APPLIED, effective_on__lte=on))
    closed = ClosedOrg.objects.filter(operation__in=ops)
    merged = closed.filter(kind=OperationKind.MERGE).count()
    dissolved = closed.filter(kind=OperationKind.DISSOLVE).count()
    founded = sum(len((op.result or {}).get("founded", [])) for op in ops)
    reduced = max(0, closed.count() - founded)
    out = []
    for key, label, done, target in (("reduced", "Giảm đầu mối", reduced, plan.target_reduced),
                                     ("merged", "Hợp nhất, sáp nhập", merged, plan.target_merged),
                                     ("dissolved", "Giải thể", dissolved, plan.target_dissolved)):
        if target:
            out.append(Progress(key, label, done, target))
    return out


def lineage_of(*, actor, org: Org):
    """Predecessors and successors of ``org``."""
    from tcxd.orgs.models import OrgLineage

    require_read(actor, org.path)
    return (list(OrgLineage.objects.filter(successor=org).select_related("predecessor")),
            list(OrgLineage.objects.filter(predecessor=org).select_related("successor")))
