"""DB-backed selectors: rule values in force, caching, the maintained working-day calendar."""

from __future__ import annotations

from datetime import date as D

import pytest

from tcxd.rules import selectors
from tcxd.rules.models import PublicHoliday, RuleParameter
from tcxd.rules.pure.registry import RuleNotInForce

pytestmark = pytest.mark.django_db


def test_param_and_regulation_for():
    assert selectors.param("admission.age_min_months", on=D(2025, 8, 1)) == 216
    assert selectors.regulation_for("admission.age_min_months", on=D(2025, 8, 1)).code == "QĐ 294-QĐ/TW"
    assert selectors.regulation_for("admission.age_min_months", on=D(2025, 6, 30)).code == "QĐ 232-QĐ/TW"
    version = selectors.param_version("probation.months", on=D(2024, 1, 1))
    assert (version.parameter.value, version.regulation.code) == (12, "Điều lệ Đảng 2011")


def test_param_not_in_force_and_default():
    with pytest.raises(RuleNotInForce) as exc:
        selectors.param("admission.age_min_months", on=D(2010, 1, 1))
    assert "admission.age_min_months" in str(exc.value) and "01/01/2010" in str(exc.value)
    assert selectors.param("admission.age_min_months", on=D(2010, 1, 1), default=None) is None


def test_threshold_parameter():
    rule = selectors.threshold("admission.cell_vote_threshold", on=D(2025, 8, 1))
    assert rule.is_met(6, 9) and not rule.is_met(5, 9)


def test_rulebook_is_cached_until_cleared(django_assert_num_queries):
    assert selectors.param("org.cell_congress_window_months", on=D(2025, 8, 1)) == 6
    with django_assert_num_queries(0):
        assert selectors.param("org.term_years", on=D(2025, 8, 1)) == 5
    RuleParameter.objects.filter(key="org.cell_congress_window_months").update(value=7)
    assert selectors.param("org.cell_congress_window_months", on=D(2025, 8, 1)) == 6  # stale by design
    selectors.rules_cache_clear()
    assert selectors.param("org.cell_congress_window_months", on=D(2025, 8, 1)) == 7


def test_holiday_set_and_working_days():
    off, working = selectors.holiday_set()
    assert D(2025, 1, 28) in off and D(2025, 2, 8) in working and D(2025, 2, 8) not in off
    assert selectors.add_working_days(D(2025, 1, 24), 30) == D(2025, 3, 13)
    assert selectors.working_days_between(D(2025, 1, 24), D(2025, 3, 13)) == 30
    assert selectors.is_working_day(D(2025, 2, 8))
    assert not selectors.is_working_day(D(2025, 9, 1))


def test_holiday_set_follows_table_changes_after_cache_clear(django_assert_num_queries):
    day = D(2035, 11, 23)  # a Friday
    assert selectors.add_working_days(D(2035, 11, 22), 1) == day
    with django_assert_num_queries(0):
        selectors.holiday_set()
    PublicHoliday.objects.create(date=day, name="Ngày nghỉ thử", kind=PublicHoliday.Kind.STATUTORY)
    selectors.rules_cache_clear()
    assert selectors.add_working_days(D(2035, 11, 22), 1) == D(2035, 11, 26)
