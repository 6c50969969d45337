from __future__ import annotations

import datetime as dt

import pytest

from tcxd.fees.periods import fmt_month, month_end, months_inclusive, parse_month, rolling_window

D = dt.date


@pytest.mark.parametrize("text", ["02/2026", "2/2026", " 02-2026 ", "2026-02", "2026-02-17", "02.2026"])
def test_parse_month(text):
    assert parse_month(text) == D(2026, 2, 1)


@pytest.mark.parametrize("text", ["", "13/2026", "00/2026", "2/26", "tháng hai", "02/1800", "02/3000"])
def test_parse_month_refuses_with_a_vietnamese_message(text):
    with pytest.raises(ValueError, match="Tháng không hợp lệ"):
        parse_month(text)


def test_month_helpers():
    assert fmt_month(D(2026, 2, 1)) == "02/2026"
    assert month_end(D(2028, 2, 1)) == D(2028, 2, 29)
    assert months_inclusive(D(2026, 3, 1), D(2027, 2, 1)) == 12
    assert months_inclusive(D(2026, 3, 1), D(2027, 3, 1)) == 13
    assert rolling_window(D(2026, 2, 1)) == (D(2025, 3, 1), D(2026, 2, 1))
