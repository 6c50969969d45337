"""Writes of the reports context: annual targets. One transaction each: check scope, validate (all
errors at once, Vietnamese messages naming the rule), write, exactly one audit row."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tcxd.audit.services import audit_record
from tcxd.authz.guards import require_write
from tcxd.common.errors import ValidationFailed
from tcxd.orgs.kinds import OrgStatus
from tcxd.orgs.models import Org

from .models import Indicator, Target
from .validation import target_errors


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _live(org: Org, year: int, indicator: str) -> Target | None:
    return Target.objects.filter(org=org, year=year, indicator=indicator, ended_at__isnull=True).first()


def _snapshot(target: Target | None) -> dict | None:
    if target is None:
        return None
    return {"org": target.org_id, "year": target.year, "indicator": target.indicator, "planned": target.planned,
            "note": target.note}


@transaction.atomic
def target_set(*, actor, org: Org, year: int, indicator: str, planned: int, note: str = "") -> Target:
    """Set (or change) the planned figure of ``indicator`` for ``org`` in ``year``.

    The live row, if any, is ended and a new one added: earlier figures stay on record.
    """
    require_write(actor, org.path)
    note = (note or "").strip()
    errors = target_errors(year=year, indicator=indicator, planned=planned, note=note, today=timezone.localdate())
    if org.status != OrgStatus.ACTIVE:
        errors["org"] = [f"{org.name} đã giải thể hoặc chấm dứt hoạt động: không đặt chỉ tiêu cho tổ chức này."]
    if errors:
        raise ValidationFailed(errors)
    Org.objects.select_for_update().filter(pk=org.pk).first()  # one writer per org at a time
    now = timezone.now()
    previous = _live(org, year, indicator)
    if previous is not None:
        previous.ended_at, previous.ended_by = now, _user(actor)
        previous.save(update_fields=["ended_at", "ended_by"])
    target = Target.objects.create(org=org, year=year, indicator=indicator, planned=planned, note=note,
                                   created_by=_user(actor), created_at=now)
    audit_record(actor=actor, action="target.set", obj=target, org=org, before=_snapshot(previous),
                 after=_snapshot(target))
    return target


@transaction.atomic
def target_remove(*, actor, org: Org, year: int, indicator: str, note: str = "") -> Target:
    """Remove the org's own target: it is ended, not deleted. The org's planned figure then comes
    from its subordinate orgs' targets, if they have any."""
    require_write(actor, org.path)
    errors = target_errors(year=year, indicator=indicator, today=timezone.localdate(), check_planned=False)
    if errors:
        raise ValidationFailed(errors)
    Org.objects.select_for_update().filter(pk=org.pk).first()
    target = _live(org, year, indicator)
    if target is None:
        label = Indicator(indicator).label.lower()
        raise ValidationFailed({"indicator": [
            f"{org.name} chưa tự đặt chỉ tiêu {label} năm {year}: không có gì để xóa."]})
    target.ended_at, target.ended_by = timezone.now(), _user(actor)
    target.save(update_fields=["ended_at", "ended_by"])
    audit_record(actor=actor, action="target.remove", obj=target, org=org, before=_snapshot(target),
                 note=(note or "").strip()[:500])
    return target
