"""Vietnamese number, ratio and date formatting: 1.793 · 61,83 % · 21/11/2026. Pure Python."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def fmt_int(value: int | None) -> str:
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    digits = f"{abs(int(value)):,}".replace(",", ".")
    return sign + digits


def fmt_decimal(value: Decimal | float | Fraction, places: int = 2) -> str:
    """Round half up and format with ',' decimals and '.' thousands."""
    if isinstance(value, Fraction):
        dec = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        dec = Decimal(str(value))
    quant = Decimal(1).scaleb(-places) if places else Decimal(1)
    dec = dec.quantize(quant, rounding=ROUND_HALF_UP)
    sign = "-" if dec < 0 else ""
    whole, _, frac = f"{abs(dec):f}".partition(".")
    out = sign + fmt_int(int(whole))
    return f"{out},{frac}" if places else out


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
