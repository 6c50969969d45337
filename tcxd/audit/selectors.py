from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEntry


def audit_for_object(*, obj, limit: int = 200) -> QuerySet[AuditEntry]:
    """History of one record (the caller has already checked the record is in scope)."""
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")[:limit]
