from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEntry


def audit_for_org(*, org, limit: int = 500) -> QuerySet[AuditEntry]:
    """Every audited write concerning one org: the org itself, its congresses, seats, counts."""
    return AuditEntry.objects.filter(org_id=org.pk).select_related("actor")[:limit]


def audit_for_object(*, obj, limit: int = 200) -> QuerySet[AuditEntry]:
    """History of one record (the caller has already checked the record is in scope)."""
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")[:limit]
