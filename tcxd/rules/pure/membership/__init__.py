"""The party-member lifecycle as pure functions (domain §A-09, §B, §G-04, §I).

A member's record is a dossier plus an ordered list of dated ``Event``s. Everything shown about
the member on any date (status, orgs, party age, deadlines) is derived from the events by the
functions here; every new event is validated against the history and the rules in force on the
event's date, looked up through a ``Lookup`` callable (``lookup(key, on) -> value``; in Django,
``tcxd.rules.selectors.param``) and a ``Calendar`` (working days).

No Django imports in this package.

Public API (stable; the Django side builds on it):

- ``EventKind`` (StrEnum), ``Status`` (StrEnum), ``Event``, ``Facts``, ``State``, ``Problem``,
  ``Deadline``, ``Calendar``, ``Lookup``
- ``validate(history, new, facts, lookup, calendar) -> list[Problem]``
- ``state_on(history, day) -> State``
- ``timeline(history) -> list[tuple[date, State]]``
- ``party_age(history, on) -> PartyAge | None``
- ``probation_end(history) -> date | None``
- ``open_deadlines(history, on, lookup, calendar) -> list[Deadline]``
- ``next_badge(history, on, lookup) -> BadgeDue | None``
- ``party_cv_deadline(history, on, lookup, calendar) -> Deadline | None`` (B-09; the caller knows the documents)
- ``on_help_list(history, lookup) -> Event | None`` (screening, B-21)
"""

from .engine import (
    next_badge,
    on_help_list,
    open_deadlines,
    party_age,
    party_cv_deadline,
    probation_end,
    state_on,
    timeline,
    validate,
)
from .types import (
    DATA_KEYS,
    MEMBER_STATUSES,
    STATUS_LABELS,
    BadgeDue,
    Calendar,
    Deadline,
    Event,
    EventKind,
    Facts,
    Lookup,
    PartyAge,
    Problem,
    State,
    Status,
    Transfer,
)

__all__ = [
    "DATA_KEYS", "MEMBER_STATUSES", "BadgeDue", "Calendar", "Deadline", "Event", "EventKind", "Facts", "Lookup",
    "PartyAge", "Problem", "STATUS_LABELS", "State", "Status", "Transfer", "next_badge", "on_help_list",
    "open_deadlines", "party_age", "party_cv_deadline", "probation_end", "state_on", "timeline", "validate",
]

