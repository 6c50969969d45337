"""Fee rule parameters switch from QĐ 342-QĐ/TW to QĐ 01-QĐ/TW on 01/02/2026 (B-27, B-28): the student
amount and the party-age exemption each have their own value before and after."""

from __future__ import annotations

import datetime as dt
import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps

from tcxd.fees.rates import fee_rates
from tcxd.rules.models import Confidence, RuleParameter
from tcxd.rules.pure.registry_io import rulebook_from_data
from tcxd.rules.selectors import param, regulation_for, rules_cache_clear

D = dt.date
LAST_342, FIRST_01 = D(2026, 1, 31), D(2026, 2, 1)
REGISTRY = Path(__file__).resolve().parents[2] / "rules" / "data" / "regulations.json"

CASES = [  # key, value on 31/01/2026 (QĐ 342), value on 01/02/2026 (QĐ 01)
    ("fees.student_monthly_vnd", 2000, 5000),
    ("fees.exempt_min_party_age_years", None, 50),
]


@pytest.mark.parametrize(("key", "before", "after"), CASES)
def test_registry_file_boundary(key, before, after):
    book = rulebook_from_data(json.loads(REGISTRY.read_text(encoding="utf-8")))
    for day, code, value in ((LAST_342, "QĐ 342-QĐ/TW", before), (FIRST_01, "QĐ 01-QĐ/TW", after)):
        assert (book.regulation_in_force(key, day).code, book.value_in_force(key, day)) == (code, value)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "before", "after"), CASES)
def test_param_boundary(key, before, after):
    assert param(key, on=LAST_342) == before and param(key, on=FIRST_01) == after
    assert regulation_for(key, on=LAST_342).code == "QĐ 342-QĐ/TW"
    assert regulation_for(key, on=FIRST_01).code == "QĐ 01-QĐ/TW"


@pytest.mark.django_db
def test_qd_342_values_are_unverified_hence_configurable_qd_01_values_are_not():
    for key, _before, _after in CASES:
        old = RuleParameter.objects.get(key=key, regulation__code="QĐ 342-QĐ/TW")
        new = RuleParameter.objects.get(key=key, regulation__code="QĐ 01-QĐ/TW")
        assert (old.confidence, old.is_configurable) == (Confidence.UNVERIFIED, True)
        assert (new.confidence, new.is_configurable) == (Confidence.VERIFIED, False)


@pytest.mark.django_db
def test_fee_rates_of_the_months_around_the_switch():
    jan, feb = fee_rates(D(2026, 1, 1)), fee_rates(FIRST_01)
    assert (jan.regulation, jan.student_vnd, jan.exempt_min_party_age_years) == ("QĐ 342-QĐ/TW", 2000, None)
    assert (feb.regulation, feb.student_vnd, feb.exempt_min_party_age_years) == ("QĐ 01-QĐ/TW", 5000, 50)


@pytest.fixture
def fresh_rules():
    rules_cache_clear()
    yield
    rules_cache_clear()  # the registry rows are rolled back after the test: forget what was cached


@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_rules")
def test_the_data_migration_adds_the_rows_a_database_misses_and_keeps_configured_ones():
    migration = importlib.import_module("tcxd.fees.migrations.0002_qd342_fee_parameters")
    RuleParameter.objects.filter(key="fees.exempt_min_party_age_years", regulation__code="QĐ 342-QĐ/TW").delete()
    RuleParameter.objects.filter(key="fees.student_monthly_vnd", regulation__code="QĐ 342-QĐ/TW").update(value=3000)
    migration.add_missing(apps, None)
    rules_cache_clear()
    assert param("fees.exempt_min_party_age_years", on=LAST_342) is None
    assert RuleParameter.objects.filter(key="fees.exempt_min_party_age_years").count() == 2
    assert param("fees.student_monthly_vnd", on=LAST_342) == 3000  # an administrator's value stays
