"""Statutory retirement age roadmap (domain C-10).

Labour Code 2019 Art. 169, Decree 135/2020/NĐ-CP (kept by Social Insurance Law 41/2024 Art. 69):
men 60y3m in 2021, +3 months a year, 62y from 2028; women 55y4m in 2021, +4 months a year,
60y from 2035. Before 2021: 60 / 55 (Labour Code 2012 Art. 187).

The age that applies is the one of the calendar year in which the person reaches it; the
retirement moment is the end of the last day of that month and the pension starts on the first
day of the next month. An unknown birth day/month is taken as 1 January (``birth_date_from_parts``).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from .calendar import add_months, last_day_of_month, whole_months_between

ROADMAP_FIRST_YEAR = 2021


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


# sex -> (age in months before 2021, age in 2021, yearly step in months, final age in months)
_ROADMAP: dict[Sex, tuple[int, int, int, int]] = {
    Sex.MALE: (60 * 12, 60 * 12 + 3, 3, 62 * 12),
    Sex.FEMALE: (55 * 12, 55 * 12 + 4, 4, 60 * 12),
}
_SEX_ALIASES = {"m": Sex.MALE, "male": Sex.MALE, "nam": Sex.MALE,
                "f": Sex.FEMALE, "female": Sex.FEMALE, "nu": Sex.FEMALE, "nữ": Sex.FEMALE}

AgeYM = tuple[int, int]


def as_sex(value: Sex | str) -> Sex:
    try:
        return _SEX_ALIASES[str(value).strip().lower()]
    except KeyError:
        raise ValueError(f"Giới tính không hợp lệ: {value!r}") from None


def _age_months(sex: Sex, year: int) -> int:
    before, first, step, final = _ROADMAP[sex]
    if year < ROADMAP_FIRST_YEAR:
        return before
    return min(first + step * (year - ROADMAP_FIRST_YEAR), final)


def retirement_age(sex: Sex | str, year: int) -> AgeYM:
    """Statutory retirement age (years, months) applicable to people reaching it in ``year``."""
    return divmod(_age_months(as_sex(sex), year), 12)


def birth_date_from_parts(year: int, month: int | None = None, day: int | None = None) -> date:
    """Birth date for rule evaluation; unknown month → January, unknown day → 1st."""
    return date(year, month or 1, day or 1)


def _month_start(d: date) -> date:
    return d.replace(day=1)


def applicable_retirement_age(birth: date, sex: Sex | str, override: AgeYM | None = None) -> AgeYM:
    """The retirement age that actually applies to this person (per-person override wins)."""
    year, month = retirement_month(birth, sex, override)
    months = (year * 12 + month) - (birth.year * 12 + birth.month)
    return divmod(months, 12)


def retirement_month(birth: date, sex: Sex | str, override: AgeYM | None = None) -> tuple[int, int]:
    """(year, month) in which the person reaches the applicable retirement age.

    ``override`` is a per-person age (years, months) — e.g. early/late retirement categories —
    applied instead of the roadmap.
    """
    start = _month_start(birth)
    if override is not None:
        reach = add_months(start, override[0] * 12 + override[1])
        return reach.year, reach.month
    the_sex = as_sex(sex)
    reach = add_months(start, _age_months(the_sex, ROADMAP_FIRST_YEAR - 1))
    if reach.year < ROADMAP_FIRST_YEAR:
        return reach.year, reach.month
    year = ROADMAP_FIRST_YEAR
    while True:
        reach = add_months(start, _age_months(the_sex, year))
        if reach.year == year:
            return reach.year, reach.month
        year += 1


def retirement_date(birth: date, sex: Sex | str, override: AgeYM | None = None) -> date:
    """Last day of the retirement month (the person retires at the end of this day)."""
    return last_day_of_month(*retirement_month(birth, sex, override))


def pension_start(birth: date, sex: Sex | str, override: AgeYM | None = None) -> date:
    """First day of the month after the retirement month."""
    return retirement_date(birth, sex, override) + timedelta(days=1)


def months_of_work_left(birth: date, sex: Sex | str, on: date, override: AgeYM | None = None) -> int:
    """Whole calendar months from ``on`` until the pension start (0 once retired).

    Used for "remaining working time ≥ 60 months" (C-06) and congress personnel ages (C-09);
    a partial month does not count.
    """
    return whole_months_between(on, pension_start(birth, sex, override))
