"""Exact vote thresholds (domain I.3): never compare rounded percentages.

"≥ 2/3"  → 3*yes >= 2*total        "trên 50 %" → 2*yes > total
Supported texts: "≥ 2/3", ">= 2/3", "từ 2/3 trở lên", "ít nhất 2/3", "trên 50 %", "> 1/2",
"quá 1/2", "quá nửa", "≥ 50 %", "hơn 1/2", "không dưới 2/3".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

Op = Literal[">=", ">"]

_PREFIXES: tuple[tuple[str, Op], ...] = (
    ("không dưới", ">="), ("ít nhất", ">="), ("tối thiểu", ">="), ("từ", ">="),
    ("≥", ">="), (">=", ">="), ("trên", ">"), ("quá", ">"), ("hơn", ">"), (">", ">"),
)
_NUMBER = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(?:/\s*(\d+)|(%))?$")


class ThresholdParseError(ValueError):
    pass


@dataclass(frozen=True)
class Threshold:
    op: Op
    fraction: Fraction
    percent: bool = field(default=False, compare=False)

    def is_met(self, yes: int, total: int) -> bool:
        """Integer-only comparison of yes/total against the fraction; a zero total never passes."""
        if total < 0 or yes < 0 or yes > total:
            raise ValueError(f"Số phiếu không hợp lệ: {yes}/{total}")
        if total == 0:
            return False
        lhs = yes * self.fraction.denominator
        rhs = self.fraction.numerator * total
        return lhs >= rhs if self.op == ">=" else lhs > rhs

    def min_yes(self, total: int) -> int:
        """Smallest number of votes meeting the threshold out of ``total`` > 0 (may exceed total)."""
        num, den = self.fraction.numerator, self.fraction.denominator
        if self.op == ">=":
            return -(-num * total // den)
        return num * total // den + 1


def _parse_number(text: str) -> tuple[Fraction, bool]:
    if text in ("nửa", "một nửa"):
        return Fraction(1, 2), False
    match = _NUMBER.match(text)
    if not match:
        raise ThresholdParseError(f"Không đọc được tỷ lệ: {text!r}")
    number, denominator, percent = match.groups()
    value = Fraction(number.replace(",", "."))
    if percent:
        return value / 100, True
    if denominator:
        if int(denominator) == 0:
            raise ThresholdParseError(f"Mẫu số bằng 0: {text!r}")
        return value / int(denominator), False
    raise ThresholdParseError(f"Thiếu mẫu số hoặc dấu %: {text!r}")


def parse_threshold(text: str) -> Threshold:
    """Parse a Vietnamese threshold text into an exact ``Threshold``."""
    s = " ".join(text.strip().lower().split())
    s = s.removesuffix("trở lên").strip()
    s = s.removesuffix("số phiếu").strip()
    for prefix, op in _PREFIXES:
        if s.startswith(prefix):
            fraction, percent = _parse_number(s[len(prefix):].strip())
            if not 0 <= fraction <= 1:
                raise ThresholdParseError(f"Tỷ lệ phải nằm trong [0, 1]: {text!r}")
            return Threshold(op, fraction, percent)
    raise ThresholdParseError(f"Không đọc được ngưỡng biểu quyết: {text!r}")


def fraction_text(threshold: Threshold) -> str:
    """Vietnamese text of a threshold: "từ 2/3 trở lên", "trên 50%", "trên 1/2"."""
    f = threshold.fraction
    if threshold.percent:
        pct = f * 100
        number = str(pct.numerator) if pct.denominator == 1 else f"{float(pct):g}".replace(".", ",")
        amount = f"{number}%"
    else:
        amount = f"{f.numerator}/{f.denominator}"
    return f"từ {amount} trở lên" if threshold.op == ">=" else f"trên {amount}"
