"""Effective-dated registry: boundaries of superseded regulations, overrides, history."""

from __future__ import annotations

from datetime import date as D

import pytest

from tcxd.rules.pure.registry import Regulation, RuleBook, RuleNotInForce, RuleParameter, UnknownRuleKey

QD24 = Regulation("QĐ 24-QĐ/TW", "Quy định thi hành Điều lệ Đảng", "BCH TW", D(2021, 7, 30), D(2021, 7, 30),
                  D(2025, 1, 19))
QD232 = Regulation("QĐ 232-QĐ/TW", "Quy định thi hành Điều lệ Đảng", "BCH TW", D(2025, 1, 20), D(2025, 1, 20),
                   D(2025, 6, 30), ("QĐ 24-QĐ/TW",))
QD294 = Regulation("QĐ 294-QĐ/TW", "Quy định thi hành Điều lệ Đảng", "BCH TW", D(2025, 5, 26), D(2025, 7, 1),
                   None, ("QĐ 232-QĐ/TW",))


def book(*extra: RuleParameter) -> RuleBook:
    params = [
        RuleParameter("x.days", "QĐ 24-QĐ/TW", 60),
        RuleParameter("x.days", "QĐ 232-QĐ/TW", 45),
        RuleParameter("x.days", "QĐ 294-QĐ/TW", 30),
        RuleParameter("x.list", "QĐ 294-QĐ/TW", [30, 40]),
        *extra,
    ]
    return RuleBook([QD294, QD24, QD232], params)


@pytest.mark.parametrize(
    ("on", "value", "code"),
    [
        (D(2021, 7, 30), 60, "QĐ 24-QĐ/TW"),
        (D(2025, 1, 19), 60, "QĐ 24-QĐ/TW"),  # last day of QĐ 24
        (D(2025, 1, 20), 45, "QĐ 232-QĐ/TW"),  # first day of QĐ 232
        (D(2025, 6, 30), 45, "QĐ 232-QĐ/TW"),  # signed 26/5 but QĐ 294 only applies from 01/7
        (D(2025, 7, 1), 30, "QĐ 294-QĐ/TW"),
        (D(2040, 1, 1), 30, "QĐ 294-QĐ/TW"),
    ],
)
def test_value_at_the_exact_boundaries(on, value, code):
    b = book()
    assert b.value_in_force("x.days", on) == value
    assert b.regulation_in_force("x.days", on).code == code


def test_before_the_first_version_nothing_is_in_force():
    with pytest.raises(RuleNotInForce) as exc:
        book().value_in_force("x.days", D(2021, 7, 29))
    assert "x.days" in str(exc.value) and "29/07/2021" in str(exc.value)
    assert isinstance(exc.value, LookupError)


def test_unknown_key():
    with pytest.raises(UnknownRuleKey) as exc:
        book().value_in_force("khong.co", D(2025, 1, 1))
    assert "khong.co" in str(exc.value)


def test_parameter_range_wins_over_regulation_range():
    b = book(RuleParameter("x.pilot", "QĐ 294-QĐ/TW", 60, effective_from=D(2025, 8, 1)),
             RuleParameter("x.until", "QĐ 24-QĐ/TW", 1, effective_to=D(2022, 12, 31)))
    with pytest.raises(RuleNotInForce):
        b.value_in_force("x.pilot", D(2025, 7, 31))
    assert b.value_in_force("x.pilot", D(2025, 8, 1)) == 60
    assert b.value_in_force("x.until", D(2022, 12, 31)) == 1
    with pytest.raises(RuleNotInForce):
        b.value_in_force("x.until", D(2023, 1, 1))


def test_history_is_ordered_with_resolved_ranges():
    history = book().history("x.days")
    assert [(v.regulation.code, v.effective_from, v.effective_to) for v in history] == [
        ("QĐ 24-QĐ/TW", D(2021, 7, 30), D(2025, 1, 19)),
        ("QĐ 232-QĐ/TW", D(2025, 1, 20), D(2025, 6, 30)),
        ("QĐ 294-QĐ/TW", D(2025, 7, 1), None),
    ]
    assert book().history("khong.co") == []


def test_values_are_copies():
    b = book()
    b.value_in_force("x.list", D(2025, 8, 1)).append(99)
    assert b.value_in_force("x.list", D(2025, 8, 1)) == [30, 40]


def test_supersession_chain_and_problems():
    b = book()
    assert b.predecessors("QĐ 294-QĐ/TW") == ["QĐ 232-QĐ/TW", "QĐ 24-QĐ/TW"]
    assert b.problems() == []
    overlapping = book(RuleParameter("x.days", "QĐ 294-QĐ/TW", 1, effective_from=D(2025, 6, 1))
                       ).problems()
    assert overlapping  # duplicate/overlapping versions are reported
    assert book(RuleParameter("x.bad", "QĐ 24-QĐ/TW", 1, effective_to=D(2020, 1, 1))).problems()


def test_parameter_on_unknown_regulation_is_rejected():
    with pytest.raises(ValueError):
        RuleBook([QD24], [RuleParameter("x", "QĐ 999-QĐ/TW", 1)])
