"""C-10 retirement roadmap: every cohort boundary, dates, overrides, remaining working time."""

from __future__ import annotations

from datetime import date as D

import pytest

from tcxd.rules.pure.retirement import (
    Sex,
    applicable_retirement_age,
    as_sex,
    birth_date_from_parts,
    months_of_work_left,
    pension_start,
    retirement_age,
    retirement_date,
    retirement_month,
)

# (birth year, birth month) → (applicable age, retirement (year, month)); both sides of each boundary.
MEN = [
    ((1960, 12), (60, 0), (2020, 12)),
    ((1961, 1), (60, 3), (2021, 4)),
    ((1961, 9), (60, 3), (2021, 12)),
    ((1961, 10), (60, 6), (2022, 4)),
    ((1962, 6), (60, 6), (2022, 12)),
    ((1962, 7), (60, 9), (2023, 4)),
    ((1963, 3), (60, 9), (2023, 12)),
    ((1963, 4), (61, 0), (2024, 4)),
    ((1963, 12), (61, 0), (2024, 12)),
    ((1964, 1), (61, 3), (2025, 4)),
    ((1964, 9), (61, 3), (2025, 12)),
    ((1964, 10), (61, 6), (2026, 4)),
    ((1965, 6), (61, 6), (2026, 12)),
    ((1965, 7), (61, 9), (2027, 4)),
    ((1966, 3), (61, 9), (2027, 12)),
    ((1966, 4), (62, 0), (2028, 4)),
    ((1966, 12), (62, 0), (2028, 12)),
    ((1980, 5), (62, 0), (2042, 5)),
]
WOMEN = [
    ((1965, 12), (55, 0), (2020, 12)),
    ((1966, 1), (55, 4), (2021, 5)),
    ((1966, 8), (55, 4), (2021, 12)),
    ((1966, 9), (55, 8), (2022, 5)),
    ((1967, 4), (55, 8), (2022, 12)),
    ((1967, 5), (56, 0), (2023, 5)),
    ((1967, 12), (56, 0), (2023, 12)),
    ((1968, 1), (56, 4), (2024, 5)),
    ((1968, 8), (56, 4), (2024, 12)),
    ((1968, 9), (56, 8), (2025, 5)),
    ((1969, 4), (56, 8), (2025, 12)),
    ((1969, 5), (57, 0), (2026, 5)),
    ((1969, 12), (57, 0), (2026, 12)),
    ((1970, 1), (57, 4), (2027, 5)),
    ((1970, 8), (57, 4), (2027, 12)),
    ((1970, 9), (57, 8), (2028, 5)),
    ((1971, 4), (57, 8), (2028, 12)),
    ((1971, 5), (58, 0), (2029, 5)),
    ((1971, 12), (58, 0), (2029, 12)),
    ((1972, 1), (58, 4), (2030, 5)),
    ((1972, 8), (58, 4), (2030, 12)),
    ((1972, 9), (58, 8), (2031, 5)),
    ((1973, 4), (58, 8), (2031, 12)),
    ((1973, 5), (59, 0), (2032, 5)),
    ((1973, 12), (59, 0), (2032, 12)),
    ((1974, 1), (59, 4), (2033, 5)),
    ((1974, 8), (59, 4), (2033, 12)),
    ((1974, 9), (59, 8), (2034, 5)),
    ((1975, 4), (59, 8), (2034, 12)),
    ((1975, 5), (60, 0), (2035, 5)),
    ((1990, 1), (60, 0), (2050, 1)),
]
TABLE = {  # domain C-10 roadmap table: year → (men, women)
    2020: ((60, 0), (55, 0)), 2021: ((60, 3), (55, 4)), 2022: ((60, 6), (55, 8)), 2023: ((60, 9), (56, 0)),
    2024: ((61, 0), (56, 4)), 2025: ((61, 3), (56, 8)), 2026: ((61, 6), (57, 0)), 2027: ((61, 9), (57, 4)),
    2028: ((62, 0), (57, 8)), 2029: ((62, 0), (58, 0)), 2030: ((62, 0), (58, 4)), 2031: ((62, 0), (58, 8)),
    2032: ((62, 0), (59, 0)), 2033: ((62, 0), (59, 4)), 2034: ((62, 0), (59, 8)), 2035: ((62, 0), (60, 0)),
    2040: ((62, 0), (60, 0)),
}


@pytest.mark.parametrize(("year", "ages"), sorted(TABLE.items()))
def test_roadmap_table(year, ages):
    assert (retirement_age(Sex.MALE, year), retirement_age(Sex.FEMALE, year)) == ages


@pytest.mark.parametrize(("birth", "age", "month"), MEN)
def test_men_cohorts(birth, age, month):
    for day in (1, 28):
        born = D(*birth, day)
        assert retirement_month(born, "M") == month
        assert applicable_retirement_age(born, Sex.MALE) == age


@pytest.mark.parametrize(("birth", "age", "month"), WOMEN)
def test_women_cohorts(birth, age, month):
    for day in (1, 28):
        born = D(*birth, day)
        assert retirement_month(born, "F") == month
        assert applicable_retirement_age(born, Sex.FEMALE) == age


def test_retirement_date_is_end_of_month_and_pension_starts_next_day():
    assert retirement_date(D(1961, 9, 20), "M") == D(2021, 12, 31)
    assert pension_start(D(1961, 9, 20), "M") == D(2022, 1, 1)
    assert retirement_date(D(1970, 2, 14), "M") == D(2032, 2, 29)  # leap February
    assert pension_start(D(1970, 2, 14), "M") == D(2032, 3, 1)


def test_per_person_override_replaces_the_roadmap():
    born = D(1970, 3, 5)
    assert retirement_month(born, "F") == (2027, 7)  # 57y4m
    assert retirement_month(born, "F", override=(60, 0)) == (2030, 3)
    assert retirement_month(born, "F", override=(55, 0)) == (2025, 3)
    assert applicable_retirement_age(born, "F", override=(60, 0)) == (60, 0)
    assert retirement_date(born, "F", override=(60, 0)) == D(2030, 3, 31)


def test_unknown_birth_day_and_month_default_to_1_january():
    born = birth_date_from_parts(1962)
    assert born == D(1962, 1, 1)
    assert retirement_month(born, "M") == (2022, 7)
    assert birth_date_from_parts(1962, 9) == D(1962, 9, 1)


def test_months_of_work_left_at_the_60_month_appointment_boundary():
    born = D(1966, 4, 10)  # man, retires 04/2028, pension from 01/05/2028
    assert months_of_work_left(born, "M", D(2023, 5, 1)) == 60
    assert months_of_work_left(born, "M", D(2023, 5, 2)) == 59
    assert months_of_work_left(born, "M", D(2028, 4, 30)) == 0
    assert months_of_work_left(born, "M", D(2030, 1, 1)) == 0


@pytest.mark.parametrize(("text", "sex"), [("M", Sex.MALE), ("nam", Sex.MALE), ("F", Sex.FEMALE), ("Nữ", Sex.FEMALE)])
def test_sex_aliases(text, sex):
    assert as_sex(text) is sex


def test_unknown_sex_is_rejected():
    with pytest.raises(ValueError):
        retirement_month(D(1970, 1, 1), "x")
