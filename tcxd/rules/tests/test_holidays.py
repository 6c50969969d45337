"""Holiday calendar: statutory defaults, encoded official schedules, weekend compensation."""

from __future__ import annotations

from datetime import date as D

import pytest

from tcxd.rules.pure.holidays import HolidayKind, default_national_day_adjacent, holidays_for_years, statutory_holidays

K = HolidayKind


def by_date(year):
    return {h.date: h for h in statutory_holidays(year)}


def days_off(year):
    return {d for d, h in by_date(year).items() if h.kind != K.SWAP_WORKING_DAY}


def test_labour_code_2012_has_ten_statutory_days_and_one_national_day():
    days = statutory_holidays(2019)
    assert len([h for h in days if h.kind in (K.STATUTORY, K.LUNAR)]) == 10
    assert D(2019, 9, 2) in days_off(2019)
    assert D(2019, 9, 1) not in days_off(2019) and D(2019, 9, 3) not in days_off(2019)


def test_labour_code_2019_adds_a_day_next_to_national_day():
    days = statutory_holidays(2027)  # default year: no official schedule encoded
    assert len([h for h in days if h.kind in (K.STATUTORY, K.LUNAR)]) == 11
    assert {D(2027, 9, 2), D(2027, 9, 3)} <= days_off(2027)


def test_default_tet_is_eve_to_fourth_day_with_weekend_compensation():
    days = by_date(2027)  # Tết Thursday eve 05/02, mùng 1 Saturday 06/02
    assert [d for d, h in days.items() if h.kind == K.LUNAR and d.month == 2] == [
        D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8), D(2027, 2, 9)]
    assert days[D(2027, 2, 10)].kind == K.COMPENSATORY
    assert days[D(2027, 2, 11)].kind == K.COMPENSATORY
    assert days[D(2027, 5, 3)].kind == K.COMPENSATORY  # 1/5/2027 is a Saturday


def test_official_2025_schedule():
    days = by_date(2025)
    tet_break = {D(2025, 1, 25 + i) for i in range(7)} | {D(2025, 2, 1), D(2025, 2, 2)}
    assert tet_break <= days_off(2025)
    assert days[D(2025, 1, 27)].kind == K.COMPENSATORY  # swapped with Saturday 08/02
    assert days[D(2025, 2, 8)].kind == K.SWAP_WORKING_DAY
    assert days[D(2025, 4, 26)].kind == K.SWAP_WORKING_DAY
    assert {D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2)} <= days_off(2025)
    assert {D(2025, 9, 1), D(2025, 9, 2)} <= days_off(2025)
    assert D(2025, 9, 3) not in days


def test_official_2024_and_2026_schedules():
    assert days_off(2024) >= {D(2024, 2, 8), D(2024, 2, 14), D(2024, 4, 29), D(2024, 9, 3)}
    assert by_date(2024)[D(2024, 5, 4)].kind == K.SWAP_WORKING_DAY
    off_2026 = days_off(2026)
    assert {D(2026, 1, 1), D(2026, 1, 2)} <= off_2026 and by_date(2026)[D(2026, 1, 10)].kind == K.SWAP_WORKING_DAY
    assert {D(2026, 2, 14 + i) for i in range(9)} <= off_2026
    assert {D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 2)} <= off_2026
    assert by_date(2026)[D(2026, 8, 22)].kind == K.SWAP_WORKING_DAY
    assert by_date(2026)[D(2026, 4, 27)].kind == K.COMPENSATORY  # Giỗ Tổ on Sunday 26/04/2026


def test_compensation_skips_days_that_are_already_off():
    days = by_date(2023)  # 29/04 Sat (Giỗ Tổ), 30/04 Sun, 01/05 Mon
    assert days[D(2023, 5, 2)].kind == K.COMPENSATORY
    assert days[D(2023, 5, 3)].kind == K.COMPENSATORY
    assert days[D(2023, 1, 2)].kind == K.COMPENSATORY  # 01/01/2023 Sunday
    assert days[D(2023, 9, 4)].kind == K.COMPENSATORY  # 02/09/2023 Saturday


@pytest.mark.parametrize(
    ("year", "adjacent"),
    [(2024, 3), (2025, 1), (2026, 1), (2027, 3), (2028, 1), (2029, 3), (2033, 1)],
)
def test_default_national_day_adjacent(year, adjacent):
    assert default_national_day_adjacent(year) == D(year, 9, adjacent)


def test_2015_to_2035_calendar_is_consistent():
    days = holidays_for_years(2015, 2035)
    dates = [h.date for h in days]
    assert len(dates) == len(set(dates))
    for h in days:
        if h.kind == K.SWAP_WORKING_DAY:
            assert h.date.weekday() >= 5
        if h.kind == K.COMPENSATORY:
            assert h.date.weekday() < 5
        assert h.name_vi
