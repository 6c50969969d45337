"""Cadre-work rules (domain C): the decisions of the cadre register (kiện toàn, điều động, luân chuyển,
biệt phái, bổ nhiệm, bổ nhiệm lại, giới thiệu ứng cử) judged by the rules in force on their dates.

- C-06 (KL 08-KL/TW, HD 06-HD/BTCTW; kept by QĐ 377-QĐ/TW): a first appointment, or an appointment or a
  nomination to a higher post, needs at least ``cadre.appointment_min_remaining_months`` of working time
  left until the person's statutory retirement (C-10, ``retirement.months_of_work_left``), counted on the
  day the organisation-personnel body received the complete file. An equal or lower post is not tested.
- C-04 (QĐ 377-QĐ/TW): after a discipline, an appointment or nomination to a higher post waits
  ``cadre.promotion_wait_after_discipline_months`` by the discipline's form (reprimand 24, warning 36,
  removal from post 60 months), from the discipline's date to the appointment decision's date.
- C-07: an appointment (or reappointment) runs ``cadre.appointment_term_years`` from its effective date;
  the term ends the day before the same day that many years later.

Not here: C-11 (a rotated cadre must be in planning, QĐ 65-QĐ/TW) — planning (C-01…C-05) is not recorded
yet, so rotation is registered without that check.

``lookup(key, on)`` answers ``(value, regulation code)`` of the parameter in force on ``on`` and raises
``LookupError`` when none is; a rule with no version in force on the day is not applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from .calendar import add_months
from .membership.codes import DISCIPLINE_FORMS
from .membership.types import Problem  # the same shape as the lifecycle engine's refusals
from .retirement import months_of_work_left, pension_start

MIN_REMAINING_KEY = "cadre.appointment_min_remaining_months"
DISCIPLINE_WAIT_KEY = "cadre.promotion_wait_after_discipline_months"
TERM_KEY = "cadre.appointment_term_years"
AGE_GUIDANCE = "HD 06-HD/BTCTW"  # how the remaining working time is counted (C-06)

Lookup = Callable[[str, date], tuple[Any, str]]


class MoveKind(StrEnum):
    KIEN_TOAN = "kien_toan"
    DIEU_DONG = "dieu_dong"
    LUAN_CHUYEN = "luan_chuyen"
    BIET_PHAI = "biet_phai"
    BO_NHIEM = "bo_nhiem"
    BO_NHIEM_LAI = "bo_nhiem_lai"
    GIOI_THIEU_UNG_CU = "gioi_thieu_ung_cu"


KIND_LABELS: dict[MoveKind, str] = {
    MoveKind.KIEN_TOAN: "Kiện toàn",
    MoveKind.DIEU_DONG: "Điều động",
    MoveKind.LUAN_CHUYEN: "Luân chuyển",
    MoveKind.BIET_PHAI: "Biệt phái",
    MoveKind.BO_NHIEM: "Bổ nhiệm",
    MoveKind.BO_NHIEM_LAI: "Bổ nhiệm lại",
    MoveKind.GIOI_THIEU_UNG_CU: "Giới thiệu ứng cử",
}
# "Bổ nhiệm lần đầu hoặc chức vụ cao hơn" is asked only of these kinds (C-06, C-04).
HIGHER_POST_KINDS = frozenset({MoveKind.BO_NHIEM, MoveKind.GIOI_THIEU_UNG_CU})
# Kinds that open a term of appointment (C-07).
TERM_KINDS = frozenset({MoveKind.BO_NHIEM, MoveKind.BO_NHIEM_LAI})


@dataclass(frozen=True)
class Discipline:
    on: date
    form: str  # khien_trach | canh_cao | cach_chuc (tcxd.rules.pure.membership.codes.DISCIPLINE_FORMS)


@dataclass(frozen=True)
class Move:
    """What the rules look at in one decision about one cadre."""

    kind: MoveKind
    effective_on: date
    decision_date: date
    birth_date: date
    sex: str
    higher_post: bool = False
    file_received_on: date | None = None
    disciplines: tuple[Discipline, ...] = ()


def _fmt(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def _in_force(lookup: Lookup, key: str, on: date) -> tuple[Any, str] | None:
    try:
        return lookup(key, on)
    except LookupError:
        return None


def term_end(effective_on: date, years: int) -> date:
    """The last day of a term of ``years`` starting on ``effective_on`` (C-07): the day before the same day
    ``years`` later (01/03/2026 → 28/02/2031; from 29/02 the anniversary is 01/03: 29/02/2024 → 28/02/2029)."""
    try:
        anniversary = effective_on.replace(year=effective_on.year + years)
    except ValueError:  # 29 February in a common year
        anniversary = date(effective_on.year + years, 3, 1)
    return anniversary - timedelta(days=1)


def appointment_term_end(kind: MoveKind, effective_on: date, lookup: Lookup) -> tuple[date | None, str]:
    """(term end, regulation) of an appointment or reappointment; (None, "") for other kinds or when no
    term rule is in force on the effective date."""
    if kind not in TERM_KINDS:
        return None, ""
    found = _in_force(lookup, TERM_KEY, effective_on)
    if found is None:
        return None, ""
    years, regulation = found
    return term_end(effective_on, int(years)), regulation


def remaining_time_problem(*, birth_date: date, sex: str, received_on: date, lookup: Lookup) -> Problem | None:
    """C-06: working time left on ``received_on`` against the minimum in force that day."""
    found = _in_force(lookup, MIN_REMAINING_KEY, received_on)
    if found is None:
        return None
    minimum, regulation = int(found[0]), found[1]
    left = months_of_work_left(birth_date, sex, received_on)
    if left >= minimum:
        return None
    rule = regulation if regulation == AGE_GUIDANCE else f"{regulation}, {AGE_GUIDANCE}"
    return Problem(
        "appointment_remaining_time",
        f"Chưa đủ {minimum} tháng công tác đến tuổi nghỉ hưu ({rule}): còn {left} tháng, tính đến ngày cơ quan "
        f"tổ chức cán bộ nhận đủ hồ sơ {_fmt(received_on)} (nghỉ hưu từ ngày "
        f"{_fmt(pension_start(birth_date, sex))}).",
        "C-06", "file_received_on")


def discipline_problems(disciplines: Iterable[Discipline], *, decided_on: date, lookup: Lookup) -> list[Problem]:
    """C-04: every discipline whose waiting period (as in force on the decision's date) has not run out."""
    found = _in_force(lookup, DISCIPLINE_WAIT_KEY, decided_on)
    if found is None or not isinstance(found[0], dict):
        return []
    table, regulation = found
    problems = []
    for d in sorted(disciplines, key=lambda d: d.on):
        months = table.get(d.form)
        if d.on > decided_on or not isinstance(months, int) or months <= 0:
            continue
        eligible = add_months(d.on, months)
        if decided_on < eligible:
            problems.append(Problem(
                "appointment_after_discipline",
                f"Bị kỷ luật {DISCIPLINE_FORMS.get(d.form, d.form)} ngày {_fmt(d.on)}: chưa đủ {months} tháng để "
                f"bổ nhiệm, giới thiệu ứng cử chức vụ cao hơn ({regulation}); sớm nhất từ ngày {_fmt(eligible)}.",
                "C-04", "decision_date"))
    return problems


def check_move(move: Move, lookup: Lookup) -> list[Problem]:
    """Every rule a decision breaks (empty: it may be recorded)."""
    problems: list[Problem] = []
    if move.higher_post and move.kind not in HIGHER_POST_KINDS:
        problems.append(Problem("higher_post_kind", "Chỉ ghi “bổ nhiệm lần đầu hoặc chức vụ cao hơn” với quyết định "
                                                    "bổ nhiệm hoặc giới thiệu ứng cử.", "C-06", "higher_post"))
        return problems
    if not move.higher_post:
        return problems  # an equal or lower post: not age-tested, no discipline wait (C-06, C-04)
    if move.file_received_on is None:
        problems.append(Problem("file_received_missing", "Bổ nhiệm lần đầu hoặc chức vụ cao hơn: cần ngày cơ quan tổ "
                                                         "chức cán bộ nhận đủ hồ sơ để tính tuổi (HD 06-HD/BTCTW).",
                                "C-06", "file_received_on"))
    else:
        found = remaining_time_problem(birth_date=move.birth_date, sex=move.sex, received_on=move.file_received_on,
                                       lookup=lookup)
        if found is not None:
            problems.append(found)
    problems += discipline_problems(move.disciplines, decided_on=move.decision_date, lookup=lookup)
    return problems
