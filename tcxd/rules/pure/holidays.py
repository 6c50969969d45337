"""Public holidays (ngày nghỉ lễ, Tết) under the Labour Code, computed per year.

Statutory days (Labour Code 2012 Art. 115 until 2020; Labour Code 2019 Art. 112 from 2021):
1/1; Tết Nguyên đán 5 days; Giỗ Tổ Hùng Vương (10/3 lunar); 30/4; 1/5; 2/9 — plus, from 2021,
one day adjacent to 2/9 (1/9 or 3/9, chosen by the Prime Minister each year).

* Tết default: the last day of tháng Chạp (30th, or 29th in a short month) through mùng 4.
* Weekend rule (LC 2012 Art. 110.3, LC 2019 Art. 111.3): a holiday on Saturday/Sunday gives a
  compensatory day off on the next working day(s).
* Years with an announced official schedule (``holiday_schedules.OFFICIAL_SCHEDULES``) use it
  instead: the exact Tết break, the chosen 2/9 adjacent day and swapped working days.

The weekly rest days are Saturday and Sunday (state agencies, where Party bodies sit).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .calendar import dates_between
from .holiday_schedules import OFFICIAL_SCHEDULES, OfficialSchedule
from .lunar import hung_kings_day, solar_to_lunar, tet_eve

LABOUR_CODE_2019_FIRST_YEAR = 2021
TET_DAYS = 5


class HolidayKind(StrEnum):
    STATUTORY = "statutory"
    LUNAR = "lunar"
    COMPENSATORY = "compensatory"
    SWAP_WORKING_DAY = "swap_working_day"


@dataclass(frozen=True, order=True)
class Holiday:
    date: date
    name_vi: str
    kind: HolidayKind


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def tet_day_label(d: date) -> str:
    """Vietnamese lunar label of a day around Tết, e.g. "29 tháng Chạp", "mùng 1 tháng Giêng"."""
    lunar = solar_to_lunar(d)
    if lunar.month == 1:
        return f"mùng {lunar.day} tháng Giêng" if lunar.day <= 10 else f"{lunar.day} tháng Giêng"
    if lunar.month == 12:
        return f"{lunar.day} tháng Chạp"
    return f"{lunar.day}/{lunar.month} âm lịch"


def default_national_day_adjacent(year: int) -> date:
    """Default 2/9 adjacent day when no official choice is encoded: the one that joins a weekend
    (2/9 on Mon/Thu/Sun → 3/9; otherwise 1/9, the first option named in Art. 112)."""
    national_day = date(year, 9, 2)
    return date(year, 9, 3) if national_day.weekday() in (0, 3, 6) else date(year, 9, 1)


def _fixed_days(year: int, schedule: OfficialSchedule | None) -> list[Holiday]:
    days = [
        Holiday(date(year, 1, 1), "Tết Dương lịch", HolidayKind.STATUTORY),
        Holiday(hung_kings_day(year), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", HolidayKind.LUNAR),
        Holiday(date(year, 4, 30), "Ngày Chiến thắng (30/4)", HolidayKind.STATUTORY),
        Holiday(date(year, 5, 1), "Ngày Quốc tế Lao động (1/5)", HolidayKind.STATUTORY),
        Holiday(date(year, 9, 2), "Quốc khánh (2/9)", HolidayKind.STATUTORY),
    ]
    if year >= LABOUR_CODE_2019_FIRST_YEAR:
        adjacent = (schedule and schedule.national_day_adjacent) or default_national_day_adjacent(year)
        days.append(Holiday(adjacent, f"Quốc khánh (ngày liền kề {adjacent.day}/9)", HolidayKind.STATUTORY))
    return days


def _tet_days(year: int, schedule: OfficialSchedule | None, swap_off: set[date]) -> list[Holiday]:
    if schedule and schedule.tet_span:
        span = dates_between(*schedule.tet_span)
        return [
            Holiday(d, f"Nghỉ Tết Nguyên đán ({tet_day_label(d)})", HolidayKind.LUNAR)
            for d in span
            if d not in swap_off
        ]
    first = tet_eve(year)
    return [
        Holiday(d, f"Tết Nguyên đán ({tet_day_label(d)})", HolidayKind.LUNAR)
        for d in (first + timedelta(days=i) for i in range(TET_DAYS))
    ]


def _merge_same_day(days: Iterable[Holiday]) -> list[Holiday]:
    by_date: dict[date, Holiday] = {}
    for h in sorted(days):
        prev = by_date.get(h.date)
        by_date[h.date] = h if prev is None else Holiday(h.date, f"{prev.name_vi}; {h.name_vi}", prev.kind)
    return list(by_date.values())


def statutory_holidays(year: int) -> list[Holiday]:
    """All days off (and official working weekend days) of ``year``, sorted by date."""
    schedule = OFFICIAL_SCHEDULES.get(year)
    swaps = schedule.swaps if schedule else ()
    swap_off = {s.day_off for s in swaps}
    fixed = _fixed_days(year, schedule)
    tet = _tet_days(year, schedule, swap_off)
    official_tet = bool(schedule and schedule.tet_span)
    result = _merge_same_day(fixed + tet)
    taken = {h.date for h in result} | swap_off
    for h in sorted(_merge_same_day(fixed if official_tet else fixed + tet)):
        if h.date.weekday() < 5:
            continue
        d = h.date + timedelta(days=1)
        while d.weekday() >= 5 or d in taken:
            d += timedelta(days=1)
        taken.add(d)
        name = f"Nghỉ bù {h.name_vi} (trùng ngày nghỉ hằng tuần {_fmt(h.date)})"
        result.append(Holiday(d, name, HolidayKind.COMPENSATORY))
    for s in swaps:
        off_name = f"Nghỉ hoán đổi (làm bù ngày {_fmt(s.working_day)})"
        work_name = f"Ngày làm bù cho ngày nghỉ hoán đổi {_fmt(s.day_off)}"
        result.append(Holiday(s.day_off, off_name, HolidayKind.COMPENSATORY))
        result.append(Holiday(s.working_day, work_name, HolidayKind.SWAP_WORKING_DAY))
    return sorted(result)


def holidays_for_years(first_year: int, last_year: int) -> list[Holiday]:
    return [h for year in range(first_year, last_year + 1) for h in statutory_holidays(year)]


def day_sets(holidays: Iterable[Holiday]) -> tuple[frozenset[date], frozenset[date]]:
    """Split into (days off, extra working weekend days) for the working-day functions."""
    off: set[date] = set()
    working: set[date] = set()
    for h in holidays:
        (working if h.kind == HolidayKind.SWAP_WORKING_DAY else off).add(h.date)
    return frozenset(off), frozenset(working)
