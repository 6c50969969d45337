"""Reads of the restructure context, scoped by the caller's actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tcxd.authz.guards import require_read
from tcxd.authz.scope import scope_for
from tcxd.common.errors import NotFound
from tcxd.common.fmt import fmt_int, fmt_percent
from tcxd.orgs.models import Org

from . import progress as P
from .models import ClosedOrg, OperationKind, OperationStatus, RestructureOperation, RestructurePlan


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


def operation_progress(*, actor, operation: RestructureOperation) -> dict:
    """Status and, while queued or running, the progress the worker reports."""
    require_read(actor, operation.scope_org.path)
    info = P.read(operation.pk) if operation.status in (OperationStatus.QUEUED, OperationStatus.RUNNING) else None
    done, total = (info or {}).get("done", 0), (info or {}).get("total", 0)
    percent = 100 if operation.status == OperationStatus.APPLIED else (int(100 * done / total) if total else 0)
    return {"status": operation.status, "status_label": operation.get_status_display(),
            "label": (info or {}).get("label", ""), "done": done, "total": total, "percent": percent,
            "error": operation.error, "finished": operation.status not in (OperationStatus.QUEUED,
                                                                            OperationStatus.RUNNING)}


def undoable(operation: RestructureOperation) -> bool:
    """The latest applied operation (the service checks the rest)."""
    if operation.status != OperationStatus.APPLIED:
        return False
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
