"""Calendar months as the fee ledger and the meeting register count them. Pure Python.

A month is stored as its first day (``date(2026, 2, 1)`` is "02/2026").
"""

from __future__ import annotations

import datetime as dt
import re

from tcxd.rules.pure.calendar import add_months, last_day_of_month, month_index

# Years outside this range are typing mistakes, not ledger months.
MIN_YEAR = 1930
MAX_YEAR = 2100

_MONTH_RE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")
_ISO_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return last_day_of_month(month.year, month.month)


def next_month(month: dt.date) -> dt.date:
    return add_months(month_start(month), 1)


def months_inclusive(first: dt.date, last: dt.date) -> int:
    """How many calendar months from ``first`` to ``last``, both counted: 01/2026–12/2026 → 12."""
    return month_index(last) - month_index(first) + 1


def year_months(year: int) -> list[dt.date]:
    return [dt.date(year, m, 1) for m in range(1, 13)]


def rolling_window(last_month: dt.date, months: int = 12) -> tuple[dt.date, dt.date]:
    """The ``months`` calendar months ending with ``last_month`` (first, last), both first days."""
    last = month_start(last_month)
    return add_months(last, -(months - 1)), last


def in_range(month: dt.date) -> bool:
    return MIN_YEAR <= month.year <= MAX_YEAR


def parse_month(text: str) -> dt.date:
    """'02/2026', '2/2026', '2026-02' or '2026-02-01' → date(2026, 2, 1).

    Raises ValueError with a Vietnamese message.
    """
    raw = (text or "").strip()
    year = month = None
    if m := _MONTH_RE.match(raw):
        month, year = int(m.group(1)), int(m.group(2))
    elif m := _ISO_MONTH_RE.match(raw):
        year, month = int(m.group(1)), int(m.group(2))
    if year is None or month is None or not 1 <= month <= 12 or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"Tháng không hợp lệ: “{raw}”. Nhập theo dạng tháng/năm, ví dụ 02/2026.")
    return dt.date(year, month, 1)


def fmt_month(month: dt.date | None) -> str:
    return f"{month.month:02d}/{month.year}" if month else ""
