"""Shared validation context: rule look-ups that turn "not in force" into a Problem, working-day
arithmetic over the injected calendar, and vote counting (A-09, B-05, I.3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..calendar import add_working_days
from ..registry import UnknownRuleKey
from ..thresholds import Threshold, ThresholdParseError, parse_threshold
from .codes import KIND_LABELS, fmt
from .derive import Track, ordered, track_of
from .types import Calendar, Event, Facts, Lookup, Problem, State

_MISSING: Any = object()

# Vote data keys: roster = summoned official members − temporarily transferred out − exempted
# members who are absent. An exempted member who attends and votes stays in "summoned_official".
ROSTER_KEYS = ("summoned_official", "temp_transferred_out", "exempted_absent", "yes")
COMMITTEE_KEYS = ("committee_members", "yes")


@dataclass(frozen=True)
class Tally:
    yes: int
    total: int
    ballot_round: int


def _int(data: Mapping[str, Any], key: str, default: int | None = None) -> int | None:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def tally(data: Mapping[str, Any], committee: bool = False) -> tuple[Tally | None, list[tuple[str, str]]]:
    """Read a vote's counts; returns (tally or None, [(field, Vietnamese complaint)])."""
    keys = COMMITTEE_KEYS if committee else ROSTER_KEYS
    errors: list[tuple[str, str]] = []
    values: dict[str, int] = {}
    for key in keys:
        value = _int(data, key, 0 if key in ("temp_transferred_out", "exempted_absent") else None)
        if value is None:
            errors.append((key, f"thiếu hoặc sai số liệu «{key}» (số nguyên không âm)"))
        else:
            values[key] = value
    ballot_round = _int(data, "ballot_round", 1)
    if ballot_round is None or ballot_round < 1:
        errors.append(("ballot_round", "lần biểu quyết «ballot_round» phải là số nguyên từ 1 trở lên"))
        ballot_round = 1
    if errors:
        return None, errors
    if committee:
        total = values["committee_members"]
    else:
        total = values["summoned_official"] - values["temp_transferred_out"] - values["exempted_absent"]
    if total <= 0:
        return None, [(keys[0], f"tổng số dùng để tính tỷ lệ bằng {total}: không thể biểu quyết")]
    if values["yes"] > total:
        return None, [("yes", f"số tán thành ({values['yes']}) lớn hơn tổng số dùng để tính tỷ lệ ({total})")]
    return Tally(values["yes"], total, ballot_round), []


def threshold_of(lookup: Lookup, key: str, on: date) -> Threshold | None:
    try:
        return parse_threshold(str(lookup(key, on)))
    except (LookupError, ThresholdParseError):
        return None


def vote_passed(lookup: Lookup, event: Event, key: str, committee: bool = False) -> bool | None:
    """Did this vote reach the threshold in force on its date? None when the data or rule is missing."""
    counts, _ = tally(event.data, committee)
    threshold = threshold_of(lookup, key, event.on)
    if counts is None or threshold is None:
        return None
    return threshold.is_met(counts.yes, counts.total)


def working_day_after(calendar: Calendar, start: date, n: int) -> date:
    """The n-th working day after ``start`` (I.1: counting starts the day after)."""
    return add_working_days(start, n, calendar.holidays, calendar.extra_working_days)


class Ctx:
    """Everything one ``validate`` call needs; collects the problems."""

    def __init__(self, history: Sequence[Event], new: Event, facts: Facts, lookup: Lookup, calendar: Calendar,
                 track: Track | None = None):
        self.events = ordered(history)
        self.new = new
        self.data = new.data
        self.facts = facts
        self.lookup = lookup
        self.calendar = calendar
        # ``track``: the caller's fold of ``history`` when it already has it (a loader validating event after event)
        self.track: Track = track if track is not None else track_of(self.events)
        self.problems: list[Problem] = []

    @property
    def state(self) -> State:
        return self.track.state

    @property
    def label(self) -> str:
        return KIND_LABELS[self.new.kind]

    def add(self, code: str, message: str, rule: str = "", field: str = "") -> None:
        problem = Problem(code=code, message=message, rule=rule, field=field)
        if problem not in self.problems:
            self.problems.append(problem)

    def param(self, key: str, on: date | None = None, fallback: Any = _MISSING) -> Any:
        """The rule value in force on ``on`` (default: the new event's date). A rule not in force is
        reported as a Problem and None returned; ``fallback`` is used only for keys the registry does
        not know at all."""
        day = on or self.new.on
        try:
            return self.lookup(key, day)
        except UnknownRuleKey:
            if fallback is not _MISSING:
                return fallback
            self._not_in_force(key, day)
        except LookupError:
            self._not_in_force(key, day)
        return None

    def _not_in_force(self, key: str, day: date) -> None:
        self.add(
            "rule_not_in_force",
            f"Không có quy định có hiệu lực cho tham số «{key}» vào ngày {fmt(day)}: không thể kiểm tra "
            f"«{self.label}» theo quy định (nguyên tắc áp dụng văn bản theo ngày của sự kiện).",
            rule="I.5",
            field=key,
        )

    def threshold(self, key: str, on: date | None = None) -> Threshold | None:
        text = self.param(key, on)
        if text is None:
            return None
        try:
            return parse_threshold(str(text))
        except ThresholdParseError:
            message = f"Tham số «{key}» không đọc được thành tỷ lệ biểu quyết: {text!r}."
            self.add("rule_not_in_force", message, "I.3", key)
            return None

    def working_day_after(self, start: date, n: int) -> date:
        return working_day_after(self.calendar, start, n)

    def flag(self, key: str) -> bool:
        return bool(self.data.get(key))
