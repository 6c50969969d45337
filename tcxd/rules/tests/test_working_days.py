"""Working-day deadlines (I.1) over the real holiday calendar, with the domain's own cases."""

from __future__ import annotations

from datetime import date as D
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tcxd.rules.pure.calendar import add_working_days, is_working_day, working_days_between
from tcxd.rules.pure.holidays import day_sets, holidays_for_years

OFF, WORKING = day_sets(holidays_for_years(2015, 2035))


def deadline(start, n):
    return add_working_days(start, n, OFF, WORKING)


def test_weekends_holidays_and_working_saturdays():
    assert is_working_day(D(2025, 1, 24), OFF, WORKING)  # Friday
    assert not is_working_day(D(2025, 1, 25), OFF, WORKING)  # Saturday
    assert not is_working_day(D(2025, 1, 27), OFF, WORKING)  # swapped Monday off (Tết 2025)
    assert is_working_day(D(2025, 2, 8), OFF, WORKING)  # Saturday worked in exchange
    assert not is_working_day(D(2026, 4, 27), OFF, WORKING)  # compensatory for Giỗ Tổ on Sunday


def test_counting_starts_the_day_after_the_trigger():
    assert deadline(D(2025, 3, 3), 1) == D(2025, 3, 4)
    assert deadline(D(2025, 3, 7), 1) == D(2025, 3, 10)  # Friday → Monday
    assert deadline(D(2025, 3, 8), 1) == D(2025, 3, 10)  # trigger on a Saturday
    assert deadline(D(2025, 3, 3), 0) == D(2025, 3, 3)


def test_30_working_days_from_the_friday_before_tet_2025():
    # 27/01–02/02 off (Tết + swapped Monday), Saturday 08/02 worked: 30th working day is 13/03.
    assert deadline(D(2025, 1, 24), 30) == D(2025, 3, 13)
    assert add_working_days(D(2025, 1, 24), 30) == D(2025, 3, 7)  # without the calendar: wrong
    assert working_days_between(D(2025, 1, 24), D(2025, 3, 13), OFF, WORKING) == 30


def test_60_working_days_admission_decision_across_tet_and_hung_kings_2025():
    # B-06: resolution 15/01/2025 → Tết break, 08/02 worked, Giỗ Tổ 07/04 off → 16/04/2025.
    assert deadline(D(2025, 1, 15), 60) == D(2025, 4, 16)


def test_deadlines_across_tet_2026():
    assert deadline(D(2026, 2, 12), 5) == D(2026, 2, 26)  # 13/02, then break 14–22/02
    assert deadline(D(2026, 2, 10), 30) == D(2026, 3, 31)


def test_across_30_4_and_1_5():
    assert deadline(D(2025, 4, 25), 3) == D(2025, 4, 29)  # Saturday 26/04/2025 is a working day
    assert deadline(D(2025, 4, 25), 4) == D(2025, 5, 5)  # 30/04–04/05 off
    assert deadline(D(2024, 4, 26), 1) == D(2024, 5, 2)  # 27/04–01/05/2024 off (29/04 swapped)
    assert deadline(D(2024, 5, 3), 1) == D(2024, 5, 4)  # Saturday 04/05/2024 worked


def test_across_national_day_2025_and_weekend_compensation():
    assert deadline(D(2025, 8, 29), 1) == D(2025, 9, 3)  # 01/9 and 02/9/2025 off
    assert deadline(D(2023, 4, 28), 1) == D(2023, 5, 4)  # 29/04 Sat + 30/04 Sun → 02/5, 03/5 off
    assert deadline(D(2026, 4, 24), 1) == D(2026, 4, 28)  # Giỗ Tổ Sunday 26/04 → Monday 27/04 off
    assert deadline(D(2026, 4, 24), 3) == D(2026, 5, 4)


def test_negative_counts_go_backwards():
    assert deadline(D(2025, 2, 3), -1) == D(2025, 1, 24)
    assert working_days_between(D(2025, 3, 13), D(2025, 1, 24), OFF, WORKING) == -30


days = st.dates(min_value=D(2015, 1, 1), max_value=D(2035, 6, 30))


@given(days, st.integers(0, 120), st.integers(0, 120))
def test_deadlines_are_monotonic(start, a, b):
    lo, hi = sorted((a, b))
    assert deadline(start, lo) <= deadline(start, hi)
    if lo < hi:
        assert deadline(start, lo) < deadline(start, hi)


@given(days, st.integers(1, 200))
def test_add_and_count_agree(start, n):
    end = deadline(start, n)
    assert is_working_day(end, OFF, WORKING)
    assert working_days_between(start, end, OFF, WORKING) == n
    assert working_days_between(start, end - timedelta(days=1), OFF, WORKING) == n - 1


@given(days, st.integers(0, 400))
def test_count_matches_a_day_by_day_walk(start, span):
    end = start + timedelta(days=span)
    walk = sum(is_working_day(start + timedelta(days=i), OFF, WORKING) for i in range(1, span + 1))
    assert working_days_between(start, end, OFF, WORKING) == walk


@pytest.mark.parametrize("n", [1, 30, 60])
def test_deadline_is_never_a_day_off(n):
    for start in (D(2025, 1, 24), D(2026, 2, 13), D(2024, 4, 26)):
        assert is_working_day(deadline(start, n), OFF, WORKING)
