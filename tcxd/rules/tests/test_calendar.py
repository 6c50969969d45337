"""Calendar-month arithmetic (I.2) and age by months (B-01)."""

from __future__ import annotations

from datetime import date as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tcxd.rules.pure.calendar import (
    add_months,
    age_in_months,
    last_day_of_month,
    month_index,
    whole_months_between,
)

dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2023, 3, 31), -1, D(2023, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2024, 2, 29), -12, D(2023, 2, 28)),
        (D(2025, 5, 31), 1, D(2025, 6, 30)),
        (D(2025, 12, 31), 2, D(2026, 2, 28)),
        (D(2025, 1, 15), -13, D(2023, 12, 15)),
        (D(2025, 8, 1), 12, D(2026, 8, 1)),  # probation: ceremony 01/8/2025 → 12 months end 01/8/2026
        (D(2025, 7, 1), 0, D(2025, 7, 1)),
    ],
)
def test_add_months(start, n, expected):
    assert add_months(start, n) == expected


@given(dates, st.integers(min_value=-1200, max_value=1200))
def test_add_months_keeps_day_or_clamps_to_month_end(d, n):
    result = add_months(d, n)
    assert month_index(result) - month_index(d) == n
    assert result.day == min(d.day, last_day_of_month(result.year, result.month).day)


@given(dates.filter(lambda d: d.day <= 28), st.integers(-600, 600), st.integers(-600, 600))
def test_add_months_round_trip_and_composition_without_clamping(d, a, b):
    assert add_months(add_months(d, a), -a) == d
    assert add_months(add_months(d, a), b) == add_months(d, a + b)


@pytest.mark.parametrize(
    ("birth", "on", "months"),
    [
        (D(2007, 3, 15), D(2025, 3, 15), 216),  # exactly 18 years
        (D(2007, 3, 15), D(2025, 3, 1), 216),  # days ignored: still 216 on the 1st
        (D(2007, 3, 31), D(2025, 3, 1), 216),  # birth day later in the month is ignored
        (D(2007, 3, 1), D(2025, 2, 28), 215),  # one month short
        (D(1965, 5, 10), D(2025, 5, 1), 720),  # exactly 60 years
        (D(1965, 5, 10), D(2025, 5, 31), 720),
        (D(1965, 5, 10), D(2025, 6, 1), 721),  # over 60 → provincial approval
        (D(1965, 5, 10), D(2025, 4, 30), 719),
    ],
)
def test_age_in_months(birth, on, months):
    assert age_in_months(birth, on) == months


@pytest.mark.parametrize(("months", "eligible"), [(215, False), (216, True), (720, True), (721, False)])
def test_admission_age_window_boundaries(months, eligible):
    assert (216 <= months <= 720) is eligible


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2023, 5, 1), D(2028, 5, 1), 60),
        (D(2023, 5, 2), D(2028, 5, 1), 59),
        (D(2024, 1, 31), D(2024, 2, 29), 1),
        (D(2024, 1, 31), D(2024, 2, 28), 0),
        (D(2025, 1, 1), D(2024, 1, 1), 0),
    ],
)
def test_whole_months_between(start, end, months):
    assert whole_months_between(start, end) == months


@given(dates, dates)
def test_whole_months_between_is_the_largest_fitting_count(a, b):
    k = whole_months_between(a, b)
    assert k >= 0
    if b > a:
        assert add_months(a, k) <= b < add_months(a, k + 1)
    else:
        assert k == 0
