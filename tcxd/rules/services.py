"""Write side of the rules app: configurable parameters and the holiday calendar.

Every change runs in one transaction, writes an audit row and clears the rule/holiday caches
(immediately and again on commit, so no process keeps a pre-commit copy).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from tcxd.common.errors import DomainError, PermissionDenied, ValidationFailed
from tcxd.common.fmt import fmt_date

from .models import PublicHoliday, Regulation, RuleParameter
from .pure.thresholds import ThresholdParseError, parse_threshold
from .selectors import rules_cache_clear


def _audit(**kwargs: Any) -> None:
    from tcxd.audit.services import audit_record

    audit_record(**kwargs)


def _caches_changed() -> None:
    rules_cache_clear()
    transaction.on_commit(rules_cache_clear)


def _require_perm(actor: Any, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied("Bạn không có quyền sửa quy định và lịch nghỉ lễ.")


def _parameter_snapshot(p: RuleParameter) -> dict[str, Any]:
    # Not "key": the audit trail masks fields named "key".
    return {"param_key": p.key, "regulation": p.regulation.code, "value": p.value}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    for kind in (str, list, dict):  # isinstance: form fields hand over str subclasses (JSONString)
        if isinstance(value, kind):
            return kind.__name__
    return type(value).__name__


def _is_decimal_text(value: Any) -> bool:
    try:
        Decimal(str(value))
    except InvalidOperation:
        return False
    return isinstance(value, str)


def rule_parameter_value_errors(*, parameter: RuleParameter, value: Any) -> list[str]:
    """Vietnamese problems with ``value`` as the new value of ``parameter`` (empty when acceptable)."""
    return _value_errors(parameter.value, value)


def _value_errors(old: Any, new: Any) -> list[str]:
    try:
        json.dumps(new)
    except (TypeError, ValueError):
        return ["Giá trị phải ở dạng JSON (số, chuỗi, danh sách, từ điển)."]
    if old is None or new is None:
        return []
    if _kind(old) != _kind(new):
        return [f"Giá trị mới phải cùng kiểu với giá trị hiện hành ({_kind(old)})."]
    if isinstance(old, str):
        try:
            parse_threshold(old)
        except ThresholdParseError:
            pass
        else:
            try:
                parse_threshold(new)
            except ThresholdParseError as exc:
                return [str(exc)]
        if _is_decimal_text(old) and not _is_decimal_text(new):
            return ["Giá trị phải là số thập phân dạng chuỗi, ví dụ \"0.20\"."]
    return []


@transaction.atomic
def rule_parameter_update(*, actor: Any, parameter: RuleParameter, value: Any, note: str) -> RuleParameter:
    """Change the value of a configurable parameter version (unverified rules, local choices)."""
    _require_perm(actor, "rules.change_ruleparameter")
    locked = RuleParameter.objects.select_for_update().select_related("regulation").get(pk=parameter.pk)
    if not locked.is_configurable:
        raise DomainError(
            "rule_not_configurable",
            f"Tham số «{locked.key}» theo {locked.regulation.code} là quy định cố định, "
            "không được điều chỉnh.",
            rule=locked.key,
        )
    errors: dict[str, list[str]] = {}
    if not (note or "").strip():
        errors["note"] = ["Cần ghi lý do, căn cứ điều chỉnh."]
    if value_errors := _value_errors(locked.value, value):
        errors["value"] = value_errors
    if errors:
        raise ValidationFailed(errors)
    before = _parameter_snapshot(locked)
    locked.value = json.loads(json.dumps(value))  # plain JSON types only
    locked.save(update_fields=["value", "updated_at"])
    _audit(actor=actor, action="rule_parameter.update", obj=locked, before=before,
           after=_parameter_snapshot(locked), note=note)
    _caches_changed()
    parameter.value = locked.value
    return locked


def _holiday_snapshot(h: PublicHoliday) -> dict[str, Any]:
    return {"date": h.date, "name": h.name, "kind": h.kind, "note": h.note}


def holiday_errors(*, day: dt.date, name: str, kind: str, exclude_pk: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = ["Tên ngày không được để trống."]
    if kind not in PublicHoliday.Kind.values:
        errors["kind"] = ["Loại ngày không hợp lệ."]
    elif kind == PublicHoliday.Kind.SWAP_WORKING_DAY and day.weekday() < 5:
        errors["kind"] = ["Ngày làm bù phải là thứ Bảy hoặc Chủ nhật."]
    if PublicHoliday.objects.filter(date=day).exclude(pk=exclude_pk).exists():
        errors["date"] = [f"Ngày {fmt_date(day)} đã có trong lịch nghỉ lễ."]
    return errors


@transaction.atomic
def holiday_create(*, actor: Any, day: dt.date, name: str, kind: str, note: str = "") -> PublicHoliday:
    _require_perm(actor, "rules.add_publicholiday")
    if errors := holiday_errors(day=day, name=name, kind=kind, exclude_pk=None):
        raise ValidationFailed(errors)
    holiday = PublicHoliday.objects.create(date=day, name=name.strip(), kind=kind, note=note)
    _audit(actor=actor, action="holiday.create", obj=holiday, before=None, after=_holiday_snapshot(holiday))
    _caches_changed()
    return holiday


@transaction.atomic
def holiday_update(*, actor: Any, holiday: PublicHoliday, day: dt.date, name: str, kind: str,
                   note: str = "") -> PublicHoliday:
    _require_perm(actor, "rules.change_publicholiday")
    locked = PublicHoliday.objects.select_for_update().get(pk=holiday.pk)
    if errors := holiday_errors(day=day, name=name, kind=kind, exclude_pk=locked.pk):
        raise ValidationFailed(errors)
    before = _holiday_snapshot(locked)
    locked.date, locked.name, locked.kind, locked.note = day, name.strip(), kind, note
    locked.save(update_fields=["date", "name", "kind", "note"])
    _audit(actor=actor, action="holiday.update", obj=locked, before=before, after=_holiday_snapshot(locked))
    _caches_changed()
    return locked


@transaction.atomic
def holiday_delete(*, actor: Any, holiday: PublicHoliday, note: str = "") -> None:
    _require_perm(actor, "rules.delete_publicholiday")
    locked = PublicHoliday.objects.select_for_update().get(pk=holiday.pk)
    _audit(actor=actor, action="holiday.delete", obj=locked, before=_holiday_snapshot(locked), after=None,
           note=note)
    locked.delete()
    _caches_changed()


@transaction.atomic
def regulation_note_update(*, actor: Any, regulation: Regulation, note: str) -> Regulation:
    """Only the note of a regulation is editable; codes, dates and chains come from data migrations."""
    _require_perm(actor, "rules.change_regulation")
    locked = Regulation.objects.select_for_update().get(pk=regulation.pk)
    before = {"note": locked.note}
    locked.note = note
    locked.save(update_fields=["note"])
    _audit(actor=actor, action="regulation.update", obj=locked, before=before, after={"note": note})
    return locked
