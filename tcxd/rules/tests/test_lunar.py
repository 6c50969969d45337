"""Vietnamese lunar calendar at UTC+7 (not the Chinese UTC+8 calendar)."""

from __future__ import annotations

import datetime as dt
from datetime import date as D

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tcxd.rules.pure.lunar import LunarDate, hung_kings_day, lunar_to_solar, solar_to_lunar, tet, tet_eve

TET = {
    2015: D(2015, 2, 19), 2016: D(2016, 2, 8), 2017: D(2017, 1, 28), 2018: D(2018, 2, 16),
    2019: D(2019, 2, 5), 2020: D(2020, 1, 25), 2021: D(2021, 2, 12), 2022: D(2022, 2, 1),
    2023: D(2023, 1, 22), 2024: D(2024, 2, 10), 2025: D(2025, 1, 29), 2026: D(2026, 2, 17),
    2027: D(2027, 2, 6), 2028: D(2028, 1, 26), 2029: D(2029, 2, 13),
    # New moon 02/02/2030 at ~23:07 Vietnam time (16:07 UTC): Tết is 02/02 in Vietnam, 03/02 in China.
    2030: D(2030, 2, 2),
    2031: D(2031, 1, 23), 2032: D(2032, 2, 11), 2033: D(2033, 1, 31), 2034: D(2034, 2, 19),
    2035: D(2035, 2, 8),
}

HUNG_KINGS = {
    2015: D(2015, 4, 28), 2016: D(2016, 4, 16), 2017: D(2017, 4, 6), 2018: D(2018, 4, 25),
    2019: D(2019, 4, 14), 2020: D(2020, 4, 2), 2021: D(2021, 4, 21), 2022: D(2022, 4, 10),
    2023: D(2023, 4, 29), 2024: D(2024, 4, 18), 2025: D(2025, 4, 7), 2026: D(2026, 4, 26),
}


@pytest.mark.parametrize(("year", "expected"), sorted(TET.items()))
def test_tet(year, expected):
    assert tet(year) == expected
    assert solar_to_lunar(expected) == LunarDate(1, 1, year)


@pytest.mark.parametrize(("year", "expected"), sorted(HUNG_KINGS.items()))
def test_hung_kings_day(year, expected):
    assert hung_kings_day(year) == expected


def test_vietnam_differs_from_china_where_the_new_moon_is_between_midnights():
    assert tet(1985) == D(1985, 1, 21)
    assert lunar_to_solar(1, 1, 1985, tz=8.0) == D(1985, 2, 20)
    assert tet(2007) == D(2007, 2, 17)
    assert lunar_to_solar(1, 1, 2007, tz=8.0) == D(2007, 2, 18)
    assert lunar_to_solar(1, 1, 2030, tz=8.0) == D(2030, 2, 3)


def test_tet_eve_is_the_29th_or_30th_of_the_twelfth_month():
    assert solar_to_lunar(tet_eve(2024)) == LunarDate(30, 12, 2023)
    assert solar_to_lunar(tet_eve(2025)) == LunarDate(29, 12, 2024)  # no "30 Tết" in 2025
    assert tet_eve(2026) == D(2026, 2, 16)


def test_leap_months():
    assert lunar_to_solar(1, 2, 2023, leap=True) == D(2023, 3, 22)  # tháng 2 nhuận Quý Mão
    assert solar_to_lunar(D(2025, 7, 25)) == LunarDate(1, 6, 2025, leap=True)  # tháng 6 nhuận Ất Tỵ
    with pytest.raises(ValueError):
        lunar_to_solar(1, 3, 2023, leap=True)
    with pytest.raises(ValueError):
        lunar_to_solar(1, 1, 2024, leap=True)


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2100, 12, 31)))
@example(D(2054, 5, 7))  # the mean month put the last new moon a day late: "day 0" of month 4
def test_solar_lunar_round_trip(d):
    lunar = solar_to_lunar(d)
    assert 1 <= lunar.day <= 30 and 1 <= lunar.month <= 12
    assert lunar_to_solar(lunar.day, lunar.month, lunar.year, lunar.leap) == d


def test_every_day_from_1950_to_2100_round_trips():
    """Every day, not a sample: a conversion off by one on a few days a century is what a sample misses."""
    d, end, bad = D(1950, 1, 1), D(2100, 12, 31), []
    while d <= end:
        lunar = solar_to_lunar(d)
        if not 1 <= lunar.day <= 30 or lunar_to_solar(lunar.day, lunar.month, lunar.year, lunar.leap) != d:
            bad.append((d, lunar))
        d += dt.timedelta(days=1)
    assert bad == []
    assert solar_to_lunar(D(2054, 5, 7)) == LunarDate(30, 3, 2054) and solar_to_lunar(D(2054, 5, 8)) == \
        LunarDate(1, 4, 2054)
