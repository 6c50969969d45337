"""The only writer of the audit trail. Call it inside the service's transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from .context import current
from .models import AuditEntry

# Fields never written to the audit trail in clear (sensitive personal data).
MASKED_FIELDS = {"password", "cccd", "id_number", "token", "key"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if hasattr(value, "pk") and hasattr(value, "_meta"):
        return value.pk
    return value


def _clean(data: dict | None) -> dict | None:
    if data is None:
        return None
    return {k: ("***" if k in MASKED_FIELDS else _jsonable(v)) for k, v in data.items()}


def audit_record(
    *,
    actor,
    action: str,
    obj,
    before: dict | None = None,
    after: dict | None = None,
    org=None,
    note: str = "",
) -> AuditEntry:
    """Insert one audit row for ``obj``. ``org`` (an Org or a path string) scopes who may read it."""
    ctx = current()
    org_path = org if isinstance(org, str) else getattr(org, "path", "") or ""
    org_id = None if isinstance(org, str) or org is None else org.pk
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_name=(actor.get_username() if is_user else "hệ thống"),
        ip=ctx.ip,
        user_agent=ctx.user_agent,
        channel=ctx.channel,
        action=action,
        object_type=obj._meta.label_lower if hasattr(obj, "_meta") else str(type(obj).__name__),
        object_id=str(getattr(obj, "pk", "") or ""),
        object_repr=str(obj)[:300],
        org_path=org_path,
        org_id=org_id,
        before=_clean(before),
        after=_clean(after),
        note=note,
    )


def audit_export(*, actor, what: str, scope_org=None, rows: int, note: str = "") -> AuditEntry:
    """Record an export of personal data (who exported what, how many rows)."""
    ctx = current()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_name=(actor.get_username() if is_user else "hệ thống"),
        ip=ctx.ip, user_agent=ctx.user_agent, channel=ctx.channel,
        action="export", object_type="export", object_id=what[:40], object_repr=what[:300],
        org_path=getattr(scope_org, "path", "") or "", org_id=getattr(scope_org, "pk", None),
        after={"rows": rows}, note=note,
    )
