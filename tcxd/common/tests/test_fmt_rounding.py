"""Ratios the Vietnamese way, rounded half up (never to even), exactly at every boundary."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from tcxd.common import fmt


@pytest.mark.parametrize("numerator, denominator, places, text", [
    (934, 1300, 2, "71,85 %"),        # seed 002
    (1793, 2900, 2, "61,83 %"),       # seed 002
    (113, 172, 1, "65,7 %"),          # seed 004
    (1, 8, 2, "12,50 %"),             # exact: the trailing zero is kept
    (1, 8, 1, "12,5 %"),
    (1, 8, 0, "13 %"),                # 12,5 → 13 (banker's rounding would give 12)
    (1, 800, 2, "0,13 %"),            # 0,125 % → 0,13 (banker's: 0,12)
    (3, 800, 2, "0,38 %"),            # 0,375 % → 0,38
    (1, 400, 1, "0,3 %"),             # 0,25 % → 0,3 (banker's: 0,2)
    (2, 3, 2, "66,67 %"),
    (1, 3, 2, "33,33 %"),
    (1, 200, 0, "1 %"),               # 0,5 % → 1
    (0, 5, 2, "0,00 %"),
    (5, 5, 2, "100,00 %"),
    (12_345, 100, 2, "12.345,00 %"),  # thousands with '.', decimals with ','
    (1, 0, 2, "–"),
])
def test_fmt_percent_rounds_half_up(numerator, denominator, places, text):
    assert fmt.fmt_percent(numerator, denominator, places) == text


@pytest.mark.parametrize("value, places, text", [
    (Decimal("0.125"), 2, "0,13"),
    (Decimal("0.135"), 2, "0,14"),
    (Decimal("-0.125"), 2, "-0,13"),  # a half goes away from zero
    (Decimal("-0.001"), 2, "0,00"),   # no "-0,00"
    (0.125, 2, "0,13"),               # a float is read by its shortest repr, not its binary value
    (2.675, 2, "2,68"),               # binary 2.67499999… would give 2,67
    (Fraction(1, 8), 2, "0,13"),
    (Fraction(1, 8) - Fraction(1, 10**40), 2, "0,12"),  # just under the half: exact, no 28-digit rounding
    (Fraction(1, 8) + Fraction(1, 10**40), 2, "0,13"),
    (1234567, 0, "1.234.567"),
    (Decimal("1234567.891"), 2, "1.234.567,89"),
])
def test_fmt_decimal_boundaries(value, places, text):
    assert fmt.fmt_decimal(value, places) == text


def test_fmt_ratio_shows_both_counts():
    assert fmt.fmt_ratio(1793, 2900) == "1.793/2.900 (61,83 %)"
    assert fmt.fmt_ratio(1, 8, places=3) == "1/8 (12,500 %)"
