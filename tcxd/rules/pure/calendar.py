"""Calendar arithmetic used by every deadline and anniversary rule (domain I.1, I.2, B-01).

* Months are calendar months: same day number, clamped to the last day of a shorter month.
* Working days are Monday–Friday minus public holidays (incl. compensatory days off), plus
  official working Saturdays (``extra_working_days``). Counting starts the day *after* the
  trigger date ("kể từ ngày…"), so the deadline for "n working days from D" is the n-th working
  day after D.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable
from datetime import date, timedelta

EMPTY: frozenset[date] = frozenset()


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


def add_months(d: date, n: int) -> date:
    """Add ``n`` calendar months (negative allowed); clamp to the month's last day.

    >>> add_months(date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    """
    index = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(index, 12)
    last = _calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def month_index(d: date) -> int:
    """Months since year 0: Y*12 + M. Differences give whole-month ages ignoring days."""
    return d.year * 12 + d.month


def age_in_months(birth: date, on: date) -> int:
    """Age "tính theo tháng" (B-01): (Y_on*12 + M_on) − (Y_birth*12 + M_birth); days are ignored."""
    return month_index(on) - month_index(birth)


def whole_months_between(start: date, end: date) -> int:
    """Largest k ≥ 0 with ``add_months(start, k) <= end`` (0 when end <= start)."""
    if end <= start:
        return 0
    k = month_index(end) - month_index(start)
    while k > 0 and add_months(start, k) > end:
        k -= 1
    return k


def latest_start(target: date, months: int) -> date:
    """The latest day ``s`` with ``add_months(s, months) <= target`` (months ≥ 0): whoever was born
    (or admitted) on or before it is at least ``months`` old on ``target``, by calendar months.

    >>> latest_start(date(2025, 2, 28), 12)  # born 29/02/2024: one year old on 28/02/2025
    datetime.date(2024, 2, 29)
    """
    start = add_months(target, -months)
    while add_months(start + timedelta(days=1), months) <= target:
        start += timedelta(days=1)
    return start


def is_working_day(d: date, holidays: frozenset[date], extra_working_days: frozenset[date] = EMPTY) -> bool:
    """Mon–Fri and not a holiday; an official working Saturday/Sunday counts as a working day."""
    if d in extra_working_days:
        return True
    return d.weekday() < 5 and d not in holidays


def add_working_days(
    start: date, n: int, holidays: frozenset[date] = EMPTY, extra_working_days: frozenset[date] = EMPTY
) -> date:
    """The n-th working day after ``start`` (before it when n < 0); ``start`` itself never counts.

    n == 0 returns ``start`` unchanged.
    """
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    d = start
    while remaining:
        d += timedelta(days=step)
        if is_working_day(d, holidays, extra_working_days):
            remaining -= 1
    return d


def _weekdays_in(start: date, end: date) -> int:
    """Number of Mon–Fri days in the half-open interval (start, end], end >= start."""
    days = (end - start).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    first = start.weekday()
    for offset in range(1, rest + 1):
        if (first + offset) % 7 < 5:
            count += 1
    return count


def working_days_between(
    start: date, end: date, holidays: frozenset[date] = EMPTY, extra_working_days: frozenset[date] = EMPTY
) -> int:
    """Working days in (start, end]; negative (−count in (end, start]) when end < start."""
    if end < start:
        return -working_days_between(end, start, holidays, extra_working_days)
    count = _weekdays_in(start, end)
    count -= sum(1 for h in holidays if start < h <= end and h.weekday() < 5 and h not in extra_working_days)
    count += sum(1 for w in extra_working_days if start < w <= end and w.weekday() >= 5)
    return count


def dates_between(start: date, end: date) -> Iterable[date]:
    """All dates in the closed interval [start, end]."""
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)
