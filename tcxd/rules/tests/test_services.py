"""Services: configurable parameters and the holiday calendar, audited and cache-clearing."""

from __future__ import annotations

from datetime import date as D

import pytest

from tcxd.common.errors import DomainError, PermissionDenied, ValidationFailed
from tcxd.rules import selectors, services
from tcxd.rules.models import PublicHoliday, RuleParameter

pytest.importorskip("tcxd.audit.services", reason="tcxd.audit.services chưa có: bỏ qua kiểm tra nhật ký")
from tcxd.audit.models import AuditEntry  # noqa: E402

pytestmark = pytest.mark.django_db
AUG_2025 = D(2025, 8, 1)


def deferral() -> RuleParameter:
    return RuleParameter.objects.get(key="badge.discipline_deferral_months", regulation__code="QĐ 294-QĐ/TW")


def test_update_configurable_parameter_writes_audit_and_is_visible_at_once(rules_admin):
    assert selectors.param("badge.discipline_deferral_months", on=AUG_2025)["canh_cao"] == 9
    new = {"khien_trach": 6, "canh_cao": 12, "cach_chuc": 12}
    services.rule_parameter_update(actor=rules_admin, parameter=deferral(), value=new, note="Theo HD 06-HD/TW")
    assert selectors.param("badge.discipline_deferral_months", on=AUG_2025) == new
    entry = AuditEntry.objects.get(action="rule_parameter.update")
    assert entry.before["value"]["canh_cao"] == 9 and entry.after["value"]["canh_cao"] == 12
    assert entry.before["param_key"] == "badge.discipline_deferral_months"
    assert entry.note == "Theo HD 06-HD/TW"


def test_fixed_parameter_cannot_be_changed(rules_admin):
    fixed = RuleParameter.objects.get(key="probation.months")
    with pytest.raises(DomainError) as exc:
        services.rule_parameter_update(actor=rules_admin, parameter=fixed, value=6, note="thử")
    assert exc.value.code == "rule_not_configurable"
    assert RuleParameter.objects.get(pk=fixed.pk).value == 12
    assert not AuditEntry.objects.filter(action="rule_parameter.update").exists()


@pytest.mark.parametrize(
    ("key", "regulation", "value", "field"),
    [
        ("badge.discipline_deferral_months", "QĐ 294-QĐ/TW", 9, "value"),  # dict expected
        ("evaluation.excellent_cap_ratio", "HD 43-HD/BTCTW", "hai mươi", "value"),  # decimal text expected
        ("badge.discipline_deferral_months", "QĐ 294-QĐ/TW", {"canh_cao": 9}, "note"),  # missing reason
    ],
)
def test_invalid_updates_are_refused(rules_admin, key, regulation, value, field):
    p = RuleParameter.objects.get(key=key, regulation__code=regulation)
    note = "" if field == "note" else "lý do"
    with pytest.raises(ValidationFailed) as exc:
        services.rule_parameter_update(actor=rules_admin, parameter=p, value=value, note=note)
    assert field in exc.value.errors


def test_null_value_can_be_configured(rules_admin):
    p = RuleParameter.objects.get(key="fees.cell_remit_share", regulation__code="QĐ 01-QĐ/TW")
    services.rule_parameter_update(actor=rules_admin, parameter=p, value="0.30", note="Hướng dẫn của tỉnh")
    assert selectors.param("fees.cell_remit_share", on=D(2026, 3, 1)) == "0.30"


def test_users_without_permission_are_refused(plain_user):
    with pytest.raises(PermissionDenied):
        services.rule_parameter_update(actor=plain_user, parameter=deferral(), value={}, note="x")
    with pytest.raises(PermissionDenied):
        services.holiday_create(actor=plain_user, day=D(2035, 11, 23), name="x", kind="statutory")


def test_holiday_create_update_delete(rules_admin):
    friday = D(2035, 11, 23)
    assert selectors.add_working_days(D(2035, 11, 22), 1) == friday
    h = services.holiday_create(actor=rules_admin, day=friday, name="Ngày nghỉ bổ sung", kind="statutory")
    assert selectors.add_working_days(D(2035, 11, 22), 1) == D(2035, 11, 26)
    services.holiday_update(actor=rules_admin, holiday=h, day=D(2035, 11, 26), name="Ngày nghỉ bổ sung",
                            kind="statutory", note="dời ngày")
    assert selectors.add_working_days(D(2035, 11, 22), 1) == friday
    services.holiday_delete(actor=rules_admin, holiday=h)
    assert not PublicHoliday.objects.filter(pk=h.pk).exists()
    actions = list(AuditEntry.objects.filter(action__startswith="holiday.").values_list("action", flat=True))
    assert sorted(actions) == ["holiday.create", "holiday.delete", "holiday.update"]


def test_working_saturday_and_duplicates_are_validated(rules_admin):
    with pytest.raises(ValidationFailed) as exc:
        services.holiday_create(actor=rules_admin, day=D(2035, 11, 23), name="Làm bù", kind="swap_working_day")
    assert "kind" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.holiday_create(actor=rules_admin, day=D(2025, 1, 29), name="Trùng", kind="lunar")
    assert "date" in exc.value.errors
    saturday = services.holiday_create(actor=rules_admin, day=D(2035, 11, 24), name="Làm bù",
                                       kind="swap_working_day")
    assert selectors.is_working_day(saturday.date)
