"""Cadre rules (C-04, C-06, C-07) at their boundaries, with the registry's own values and dates."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date as D
from datetime import timedelta
from pathlib import Path

import pytest

from tcxd.rules.pure import cadres as C
from tcxd.rules.pure.registry_io import rulebook_from_data

DATA = Path(__file__).resolve().parent.parent / "data" / "regulations.json"
BOOK = rulebook_from_data(json.loads(DATA.read_text(encoding="utf-8")))


def lookup(key, on):
    version = BOOK.version_in_force(key, on)
    return version.parameter.value, version.regulation.code


def appointment(birth, sex, received, *, kind=C.MoveKind.BO_NHIEM, higher=True, decided=None, disciplines=()):
    decided = decided or received
    return C.Move(kind=kind, effective_on=decided, decision_date=decided, birth_date=birth, sex=sex,
                  higher_post=higher, file_received_on=received, disciplines=tuple(disciplines))


# -- C-06: 60 months of working time left on the day the file was received -----------------------------
def test_exactly_60_months_passes_59_fails():
    birth = D(1970, 3, 15)  # a man born from 04/1966: 62 → retires end of 03/2032, pension from 01/04/2032
    assert C.check_move(appointment(birth, "M", D(2027, 4, 1)), lookup) == []
    [problem] = C.check_move(appointment(birth, "M", D(2027, 4, 2)), lookup)
    assert problem.code == "appointment_remaining_time" and problem.rule == "C-06"
    assert problem.message.startswith("Chưa đủ 60 tháng công tác đến tuổi nghỉ hưu (QĐ 377-QĐ/TW, HD 06-HD/BTCTW): "
                                      "còn 59 tháng")
    assert "02/04/2027" in problem.message and "01/04/2032" in problem.message


@pytest.mark.parametrize(("birth", "sex", "received", "left"), [
    # men: born 03/1966 → 61y9m (retire 12/2027, pension 01/01/2028); born 04/1966 → 62 (pension 01/05/2028)
    (D(1966, 3, 10), "M", D(2023, 1, 1), 60),
    (D(1966, 3, 10), "M", D(2023, 1, 2), 59),
    (D(1966, 3, 10), "M", D(2023, 3, 1), 58),
    (D(1966, 4, 10), "M", D(2023, 3, 1), 62),
    (D(1966, 4, 10), "M", D(2023, 5, 2), 59),
    # women: born 04/1975 → 59y8m (pension 01/01/2035); born 05/1975 → 60 (pension 01/06/2035)
    (D(1975, 4, 20), "F", D(2030, 1, 1), 60),
    (D(1975, 4, 20), "F", D(2030, 1, 2), 59),
    (D(1975, 5, 20), "F", D(2030, 1, 2), 64),
    (D(1975, 5, 20), "F", D(2030, 6, 2), 59),
    # before the roadmap: a woman born 1960 retired at 55 (pension from 01/07/2015)
    (D(1960, 6, 1), "F", D(2010, 7, 1), 60),
])
def test_roadmap_cohorts(birth, sex, received, left):
    problems = C.check_move(appointment(birth, sex, received), lookup)
    if left >= 60:
        assert problems == []
    else:
        assert [p.code for p in problems] == ["appointment_remaining_time"]
        assert f"còn {left} tháng" in problems[0].message


def test_kl_08_from_1_august_2021_and_not_before():
    birth = D(1962, 1, 1)  # a man: 60y6m, pension from 01/08/2022; about a year left in 2021
    assert C.check_move(appointment(birth, "M", D(2021, 7, 31)), lookup) == []  # no rule in force yet
    [problem] = C.check_move(appointment(birth, "M", D(2021, 8, 1)), lookup)
    assert "(KL 08-KL/TW, HD 06-HD/BTCTW): còn 12 tháng" in problem.message
    [problem] = C.check_move(appointment(birth, "M", D(2021, 8, 2)), lookup)
    assert "còn 11 tháng" in problem.message


def test_equal_or_lower_post_and_other_kinds_are_not_age_tested():
    old = D(1965, 1, 1)
    assert C.check_move(appointment(old, "M", D(2026, 1, 1), higher=False), lookup) == []
    for kind in (C.MoveKind.BO_NHIEM_LAI, C.MoveKind.DIEU_DONG, C.MoveKind.LUAN_CHUYEN, C.MoveKind.KIEN_TOAN,
                 C.MoveKind.BIET_PHAI):
        assert C.check_move(appointment(old, "M", None, kind=kind, higher=False, decided=D(2026, 1, 1)),
                            lookup) == []
        [problem] = C.check_move(appointment(old, "M", D(2026, 1, 1), kind=kind), lookup)
        assert problem.code == "higher_post_kind"
    nominated = appointment(old, "M", D(2026, 1, 1), kind=C.MoveKind.GIOI_THIEU_UNG_CU)
    assert [p.code for p in C.check_move(nominated, lookup)] == ["appointment_remaining_time"]


def test_higher_post_needs_the_day_the_file_was_received():
    move = appointment(D(1985, 1, 1), "F", None, decided=D(2026, 1, 5))
    assert [(p.code, p.field) for p in C.check_move(move, lookup)] == [("file_received_missing", "file_received_on")]


# -- C-04: waiting periods after a discipline -----------------------------------------------------------
@pytest.mark.parametrize(("form", "on", "first_day"), [
    ("khien_trach", D(2024, 1, 10), D(2026, 1, 10)),  # 24 months
    ("canh_cao", D(2023, 5, 20), D(2026, 5, 20)),  # 36 months
    ("cach_chuc", D(2021, 6, 1), D(2026, 6, 1)),  # 60 months
    ("khien_trach", D(2024, 2, 29), D(2026, 2, 28)),  # calendar months, clamped
])
def test_discipline_waits_end_on_the_day(form, on, first_day):
    day_before = C.Move(kind=C.MoveKind.BO_NHIEM, effective_on=first_day, decision_date=first_day - timedelta(days=1),
                        birth_date=D(1985, 6, 1), sex="M", higher_post=True, file_received_on=D(2025, 12, 1),
                        disciplines=(C.Discipline(on, form),))
    [problem] = C.check_move(day_before, lookup)
    assert problem.code == "appointment_after_discipline" and problem.rule == "C-04"
    months = {"khien_trach": 24, "canh_cao": 36, "cach_chuc": 60}[form]
    assert problem.message == (f"Bị kỷ luật {C.DISCIPLINE_FORMS[form]} ngày {on:%d/%m/%Y}: chưa đủ {months} tháng để "
                               "bổ nhiệm, giới thiệu ứng cử chức vụ cao hơn (QĐ 377-QĐ/TW); sớm nhất từ ngày "
                               f"{first_day:%d/%m/%Y}.")
    assert C.check_move(replace(day_before, decision_date=first_day), lookup) == []
    assert C.check_move(replace(day_before, higher_post=False), lookup) == []  # equal post: no wait


def test_discipline_wait_applies_from_qd_377_only_and_to_every_discipline():
    young = D(1985, 6, 1)
    reprimand = C.Discipline(D(2025, 1, 1), "khien_trach")
    earlier = C.Move(kind=C.MoveKind.GIOI_THIEU_UNG_CU, effective_on=D(2025, 10, 7), decision_date=D(2025, 10, 7),
                     birth_date=young, sex="M", higher_post=True, file_received_on=D(2025, 9, 1),
                     disciplines=(reprimand,))
    assert C.check_move(earlier, lookup) == []  # QĐ 377-QĐ/TW in force from 08/10/2025
    later = replace(earlier, decision_date=D(2025, 10, 8),
                    disciplines=(reprimand, C.Discipline(D(2024, 3, 1), "canh_cao"),
                                 C.Discipline(D(2026, 1, 1), "khien_trach")))  # the last one is after
    assert [p.message.split(":")[0] for p in C.check_move(later, lookup)] == [
        "Bị kỷ luật cảnh cáo ngày 01/03/2024", "Bị kỷ luật khiển trách ngày 01/01/2025"]


# -- C-07: the term of an appointment ------------------------------------------------------------------
@pytest.mark.parametrize(("start", "end"), [
    (D(2026, 3, 1), D(2031, 2, 28)), (D(2026, 1, 1), D(2030, 12, 31)), (D(2024, 2, 29), D(2029, 2, 28)),
    (D(2023, 7, 15), D(2028, 7, 14)), (D(2028, 3, 1), D(2033, 2, 28)),
])
def test_term_is_five_years_less_a_day(start, end):
    assert C.term_end(start, 5) == end
    assert C.appointment_term_end(C.MoveKind.BO_NHIEM, start, lookup)[0] == end
    assert C.appointment_term_end(C.MoveKind.BO_NHIEM_LAI, start, lookup)[0] == end


@pytest.mark.parametrize(("on", "code"), [
    (D(2018, 1, 1), "QĐ 105-QĐ/TW"), (D(2022, 8, 17), "QĐ 105-QĐ/TW"), (D(2022, 8, 18), "QĐ 80-QĐ/TW"),
    (D(2025, 10, 7), "QĐ 80-QĐ/TW"), (D(2025, 10, 8), "QĐ 377-QĐ/TW"),
])
def test_term_rule_follows_the_regulations(on, code):
    assert C.appointment_term_end(C.MoveKind.BO_NHIEM, on, lookup) == (C.term_end(on, 5), code)


def test_no_term_for_other_kinds_or_before_any_rule():
    assert C.appointment_term_end(C.MoveKind.DIEU_DONG, D(2026, 1, 1), lookup) == (None, "")
    assert C.appointment_term_end(C.MoveKind.GIOI_THIEU_UNG_CU, D(2026, 1, 1), lookup) == (None, "")
    assert C.appointment_term_end(C.MoveKind.BO_NHIEM, D(2017, 12, 18), lookup) == (None, "")

