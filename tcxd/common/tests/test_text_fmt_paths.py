from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tcxd.common import fmt
from tcxd.common.paths import ALPHABET, ancestor_paths, path_range, successor
from tcxd.common.text import fold


@pytest.mark.parametrize("raw, folded", [
    ("Đảng bộ phường Ba Đình", "dang bo phuong ba dinh"),
    ("  NGUYỄN   Thị  Hạnh ", "nguyen thi hanh"),
    ("Đắk Lắk", "dak lak"),
    ("", ""),
    (None, ""),
])
def test_fold(raw, folded):
    assert fold(raw) == folded


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@pytest.mark.parametrize("path, succ", [("0001", "0002"), ("000Z", "001"), ("00010009", "0001000A"),
                                        ("ZZZZ", "ZZZZ[")])
def test_successor(path, succ):
    assert successor(path) == succ


@given(st.text(alphabet=ALPHABET, min_size=4, max_size=12), st.text(alphabet=ALPHABET, max_size=8))
def test_every_descendant_path_falls_in_the_range(prefix, tail):
    low, high = path_range(prefix)
    assert low <= prefix + tail < high


def test_ancestor_paths():
    assert ancestor_paths("000100020003") == ["0001", "00010002"]


@pytest.mark.parametrize("n, text", [(0, "0"), (999, "999"), (1793, "1.793"), (5600000, "5.600.000"),
                                     (-1234, "-1.234")])
def test_fmt_int(n, text):
    assert fmt.fmt_int(n) == text


def test_ratios_round_half_up():
    assert fmt.fmt_ratio(1793, 2900) == "1.793/2.900 (61,83 %)"
    assert fmt.fmt_ratio(113, 172) == "113/172 (65,70 %)"
    assert fmt.fmt_ratio(113, 172, places=1) == "113/172 (65,7 %)"
    assert fmt.fmt_decimal(Decimal("0.125"), 2) == "0,13"  # half up, not banker's
    assert fmt.fmt_decimal(Fraction(1, 8), 2) == "0,13"
    assert fmt.fmt_percent(934, 1300) == "71,85 %"
    assert fmt.fmt_ratio(1, 0) == "1/0"


def test_dates():
    assert fmt.fmt_date(dt.date(2025, 7, 1)) == "01/07/2025"
    assert fmt.parse_date("1/7/2025") == dt.date(2025, 7, 1)
    assert fmt.parse_date("2025-07-01") == dt.date(2025, 7, 1)
    with pytest.raises(ValueError, match="Ngày không hợp lệ"):
        fmt.parse_date("31/02/2025")
