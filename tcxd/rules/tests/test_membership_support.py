"""Shared builders for the membership engine tests (real rule values from regulations.json), plus
a check that the standard life story used everywhere validates event by event."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date as D
from functools import cache
from pathlib import Path
from typing import Any

from tcxd.rules.pure.holidays import day_sets, holidays_for_years
from tcxd.rules.pure.membership import Calendar, Event, EventKind, Facts, Problem, validate
from tcxd.rules.pure.registry import RuleBook
from tcxd.rules.pure.registry_io import rulebook_from_data

K = EventKind
DATA = Path(__file__).resolve().parents[1] / "data" / "regulations.json"


@cache
def book() -> RuleBook:
    return rulebook_from_data(json.loads(DATA.read_text(encoding="utf-8")))


def lookup(key: str, on: D) -> Any:
    return book().value_in_force(key, on)


NO_HOLIDAYS = Calendar()
VN = Calendar(*day_sets(holidays_for_years(2015, 2045)))
FACTS = Facts(birth_date=D(1995, 3, 10), sex="F")
CELL, OTHER_CELL, THIRD_CELL = 10, 20, 30


def ev(kind: EventKind, on: D, seq: int = 0, **kw: Any) -> Event:
    data = kw.pop("data", None) or {}
    return Event(kind=kind, on=on, seq=seq, data=data, **kw)


def vote(summoned: int = 9, yes: int = 6, temp: int = 0, exempt_absent: int = 0, **extra: Any) -> dict[str, Any]:
    return {"summoned_official": summoned, "temp_transferred_out": temp, "exempted_absent": exempt_absent,
            "yes": yes, **extra}


def introducers(*months: int, official: bool = True, youth_union: bool = False) -> dict[str, Any]:
    people = [{"name": f"Đảng viên {i}", "official": official, "months_together": m} for i, m in enumerate(months, 1)]
    return {"introducers": people, "youth_union": youth_union}


def problems(
    history: Sequence[Event], new: Event, facts: Facts = FACTS, calendar: Calendar = NO_HOLIDAYS
) -> list[Problem]:
    return validate(history, new, facts, lookup, calendar)


def codes(history: Sequence[Event], new: Event, facts: Facts = FACTS, calendar: Calendar = NO_HOLIDAYS) -> set[str]:
    return {p.code for p in problems(history, new, facts, calendar)}


# The standard story: candidate in 08/2025 (QĐ 294 / HD 06 in force), admitted, recognized.
CANDIDATE_ON = D(2025, 8, 4)
CERT_ON = D(2025, 8, 5)
VOTE_ON = D(2025, 9, 10)
DECISION_ON = D(2025, 10, 1)
CEREMONY_ON = D(2025, 10, 15)
PROBATION_END = D(2026, 10, 15)
RECOG_VOTE_ON = D(2026, 10, 20)


def candidate_steps(
    candidate_on: D = CANDIDATE_ON, cert_on: D = CERT_ON, intro: dict[str, Any] | None = None, org: int = CELL
) -> list[Event]:
    steps = [
        ev(K.AWARENESS_COURSE, cert_on),
        ev(K.CANDIDATE, candidate_on, org=org),
        ev(K.APPLICATION, candidate_on),
        ev(K.INTRODUCERS, candidate_on, data=intro or introducers(24, 14)),
        ev(K.BACKGROUND_CHECK, candidate_on),
    ]
    return sorted(steps, key=lambda e: e.on)


def admitted_steps() -> list[Event]:
    return [
        *candidate_steps(),
        ev(K.CELL_VOTE, VOTE_ON, org=CELL, data=vote(9, 6)),
        ev(K.ADMISSION_DECISION, DECISION_ON, decision_no="123-QĐ/ĐU"),
    ]


def probationary_steps() -> list[Event]:
    return [*admitted_steps(), ev(K.CEREMONY, CEREMONY_ON, org=CELL)]


def official_steps() -> list[Event]:
    return [
        *probationary_steps(),
        ev(K.RECOGNITION_VOTE, RECOG_VOTE_ON, org=CELL, data=vote(10, 7)),
        ev(K.RECOGNITION, PROBATION_END, decision_date=D(2026, 11, 5), decision_no="45-QĐ/ĐU"),
    ]


def old_official(admitted: D = D(1990, 5, 10), ceremony: D = D(1990, 6, 1), org: int = CELL) -> list[Event]:
    """A member admitted long ago (history as imported: not validated against old rules)."""
    return [
        ev(K.CANDIDATE, admitted, org=org),
        ev(K.ADMISSION_DECISION, admitted),
        ev(K.CEREMONY, ceremony),
        ev(K.RECOGNITION, D(ceremony.year + 1, ceremony.month, ceremony.day)),
    ]


def build(
    events: Iterable[Event], facts: Facts = FACTS, calendar: Calendar = NO_HOLIDAYS, on: Sequence[Event] = ()
) -> list[Event]:
    """Append events one by one to ``on`` (not re-validated), asserting each validates."""
    history: list[Event] = list(on)
    for event in events:
        found = problems(history, event, facts, calendar)
        assert not found, (event.kind, [p.message for p in found])
        history.append(event)
    return history


def test_standard_story_validates_step_by_step():
    history = build(official_steps())
    assert len(history) == 10
    assert build([*official_steps(), ev(K.CARD_ISSUED, D(2026, 11, 20), data={"card_no": "01234567"})])


def test_lookup_uses_the_real_registry():
    assert lookup("admission.age_min_months", D(2025, 8, 1)) == 216
    assert lookup("badge.discipline_deferral_months", D(2020, 1, 1))["khien_trach"] == 0
    assert lookup("badge.discipline_deferral_months", D(2025, 8, 1))["khien_trach"] == 6
