"""Vietnamese number, ratio and date formatting: 1.793 · 61,83 % · 21/11/2026. Pure Python."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction


def fmt_int(value: int | None) -> str:
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    digits = f"{abs(int(value)):,}".replace(",", ".")
    return sign + digits


def _round_half_up(value: Fraction, places: int) -> tuple[int, int]:
    """(sign, |value| × 10^places rounded half up) in exact integer arithmetic: a half is rounded
    away from zero (0,125 → 0,13; -0,125 → -0,13), never to even, and no binary or 28-digit
    decimal approximation can move a value across the half."""
    scaled = abs(value) * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return (-1 if value < 0 and whole else 1), whole


def fmt_decimal(value: Decimal | float | int | Fraction, places: int = 2) -> str:
    """Round half up and format with ',' decimals and '.' thousands: 1234,5 → '1.234,50'."""
    if places < 0:
        raise ValueError("places must be >= 0")
    exact = value if isinstance(value, Fraction) else Fraction(Decimal(str(value)))
    sign, digits = _round_half_up(exact, places)
    whole, frac = divmod(digits, 10**places)
    out = ("-" if sign < 0 else "") + fmt_int(whole)
    return f"{out},{frac:0{places}d}" if places else out


def fmt_ratio(numerator: int, denominator: int, places: int = 2) -> str:
    """'1.793/2.900 (61,83 %)' — exact fraction, rounded half up for display only."""
    if denominator == 0:
        return f"{fmt_int(numerator)}/{fmt_int(denominator)}"
    pct = Fraction(numerator * 100, denominator)
    return f"{fmt_int(numerator)}/{fmt_int(denominator)} ({fmt_decimal(pct, places)} %)"


def fmt_percent(numerator: int, denominator: int, places: int = 2) -> str:
    if denominator == 0:
        return "–"
    return f"{fmt_decimal(Fraction(numerator * 100, denominator), places)} %"


def fmt_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def parse_date(text: str) -> dt.date:
    """Parse dd/mm/yyyy (also yyyy-mm-dd). Raises ValueError with a Vietnamese message."""
    text = (text or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"Ngày không hợp lệ: “{text}”. Nhập theo dạng ngày/tháng/năm, ví dụ 21/11/2026.")
