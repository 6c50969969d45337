"""Exact vote thresholds (I.3, B-05, D-10) with integer arithmetic."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tcxd.rules.pure.thresholds import Threshold, ThresholdParseError, fraction_text, parse_threshold

TWO_THIRDS = parse_threshold("≥ 2/3")
OVER_HALF = parse_threshold("trên 50 %")


@pytest.mark.parametrize(
    ("text", "op", "fraction"),
    [
        ("≥ 2/3", ">=", Fraction(2, 3)),
        (">= 2/3", ">=", Fraction(2, 3)),
        ("từ 2/3 trở lên", ">=", Fraction(2, 3)),
        ("trên 50 %", ">", Fraction(1, 2)),
        ("trên 50%", ">", Fraction(1, 2)),
        ("> 1/2", ">", Fraction(1, 2)),
        ("quá 1/2", ">", Fraction(1, 2)),
        ("quá nửa", ">", Fraction(1, 2)),
        ("≥ 50 %", ">=", Fraction(1, 2)),
        ("trên 66,67%", ">", Fraction(6667, 10000)),
    ],
)
def test_parse(text, op, fraction):
    assert parse_threshold(text) == Threshold(op, fraction)


@pytest.mark.parametrize("text", ["", "2/3", "≥ 2/0", "trên năm mươi", "≥ 3/2", "≥ 2/3 abc"])
def test_parse_rejects(text):
    with pytest.raises(ThresholdParseError):
        parse_threshold(text)


@pytest.mark.parametrize(
    ("threshold", "yes", "total", "met"),
    [
        (TWO_THIRDS, 6, 9, True),
        (TWO_THIRDS, 5, 9, False),
        (TWO_THIRDS, 7, 10, True),
        (TWO_THIRDS, 6, 10, False),
        (TWO_THIRDS, 2, 3, True),
        (OVER_HALF, 6, 10, True),
        (OVER_HALF, 5, 10, False),  # exactly half is not "trên 50 %"
        (OVER_HALF, 1, 1, True),
        (parse_threshold("≥ 50 %"), 5, 10, True),
        (TWO_THIRDS, 0, 0, False),
        (OVER_HALF, 0, 0, False),
    ],
)
def test_is_met(threshold, yes, total, met):
    assert threshold.is_met(yes, total) is met


@pytest.mark.parametrize(("yes", "total"), [(-1, 5), (6, 5), (0, -1)])
def test_impossible_counts_raise(yes, total):
    with pytest.raises(ValueError):
        TWO_THIRDS.is_met(yes, total)


def confidence_band(low: int, collected: int) -> str:
    band2 = parse_threshold("≥ 2/3")
    band1 = parse_threshold("trên 50 %")
    if band2.is_met(low, collected):
        return "band2"
    return "band1" if band1.is_met(low, collected) else "none"


@pytest.mark.parametrize(
    ("low", "collected", "band"),
    [(3, 6, "none"), (4, 6, "band2"), (6, 10, "band1"), (7, 10, "band2"), (5, 10, "none"), (5, 9, "band1")],
)
def test_confidence_vote_bands(low, collected, band):
    assert confidence_band(low, collected) == band


def test_fraction_text_round_trips():
    for text in ("≥ 2/3", "trên 50 %", "> 1/2", "≥ 50 %", "quá 1/2"):
        t = parse_threshold(text)
        assert parse_threshold(fraction_text(t)) == t
    assert fraction_text(TWO_THIRDS) == "từ 2/3 trở lên"
    assert fraction_text(OVER_HALF) == "trên 50%"


thresholds = st.builds(
    Threshold, st.sampled_from([">=", ">"]),
    st.fractions(min_value=0, max_value=1, max_denominator=100),
)


@given(thresholds, st.integers(1, 500))
def test_min_yes_is_the_exact_boundary(t, total):
    need = t.min_yes(total)
    if need <= total:
        assert t.is_met(need, total)
    if 0 < need <= total + 1:
        assert not t.is_met(need - 1, total)


@given(thresholds, st.integers(1, 300), st.data())
def test_is_met_is_monotonic_in_yes(t, total, data):
    yes = data.draw(st.integers(0, total - 1))
    assert t.is_met(yes, total) <= t.is_met(yes + 1, total)
