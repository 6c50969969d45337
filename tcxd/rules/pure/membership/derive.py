"""Derived views of a member's history: states over time, probation end, party age (B-10…B-12).

The history is folded in (on, seq) order; events with equal (on, seq) keep their list order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ..calendar import add_months, whole_months_between
from .types import MEMBER_STATUSES, Event, EventKind, PartyAge, State, Status, Transfer

PROBATION_MONTHS = 12  # Charter Art. 5.1 (B-10); unchanged since 2011

# Kinds that end membership; RESTORED undoes the first three (and DISCIPLINE "khai_tru").
EXIT_KINDS = frozenset({EventKind.STRUCK_OFF, EventKind.EXPELLED, EventKind.LEFT, EventKind.PROBATION_STRUCK_OFF})
EXIT_STATUSES = frozenset({Status.STRUCK_OFF, Status.EXPELLED, Status.LEFT})
# Status in which party age runs (from the admission decision, B-12).
ACTIVE_STATUSES = frozenset({Status.ADMITTED, Status.PROBATIONARY, Status.OFFICIAL})

EMPTY_STATE = State(status=None, official_org=None)


def ordered(history: Iterable[Event]) -> list[Event]:
    return sorted(history, key=lambda e: (e.on, e.seq))


def is_expulsion(event: Event) -> bool:
    return event.kind == EventKind.EXPELLED or (
        event.kind == EventKind.DISCIPLINE and event.data.get("form") == "khai_tru"
    )


def is_exit(event: Event) -> bool:
    """An event that ends membership and can be undone by RESTORED or followed by readmission."""
    return event.kind in EXIT_KINDS or is_expulsion(event)


def decision_day(event: Event) -> date:
    """The signing date of a decision: ``decision_date`` when given, else ``on``."""
    return event.decision_date or event.on


@dataclass(frozen=True)
class Track:
    """The fold's running state plus what RESTORED and readmission need."""

    state: State = EMPTY_STATE
    before_exit: State | None = None  # snapshot restored by RESTORED
    exit_event: Event | None = None  # the exit the member is currently out by
    ever_official: bool = False  # recognized official at some point (B-12)
    readmissions: int = 0


def step(track: Track, event: Event) -> Track:
    """Apply one event (no validation: an unexpected event changes only what it names)."""
    s, kind = track.state, event.kind
    if kind == EventKind.CANDIDATE:
        org = event.org if event.org is not None else s.official_org
        return replace(track, state=State(Status.CANDIDATE, org), before_exit=None, exit_event=None)
    if kind == EventKind.CANDIDATE_DROPPED:
        return replace(track, state=replace(s, status=Status.NOT_ADMITTED))
    if kind == EventKind.ADMISSION_DECISION:
        # a historical record may start here (no candidacy on file): the deciding cell is the org
        org = s.official_org if s.official_org is not None else event.org
        return replace(track, state=replace(s, status=Status.ADMITTED, official_org=org))
    if kind == EventKind.READMISSION_DECISION:
        org = event.org if event.org is not None else s.official_org
        return replace(
            track, state=State(Status.ADMITTED, org), before_exit=None, exit_event=None,
            readmissions=track.readmissions + 1,
        )
    if kind == EventKind.CEREMONY:
        return replace(track, state=replace(s, status=Status.PROBATIONARY))
    if kind == EventKind.RECOGNITION:
        return replace(track, state=replace(s, status=Status.OFFICIAL), ever_official=True)
    if is_exit(event):
        status = {EventKind.LEFT: Status.LEFT}.get(kind, Status.EXPELLED if is_expulsion(event) else Status.STRUCK_OFF)
        out = State(status, s.official_org)
        return replace(track, state=out, before_exit=s, exit_event=event)
    if kind == EventKind.DIED:
        return replace(
            track, state=State(Status.DECEASED, s.official_org, card_no=s.card_no), before_exit=None, exit_event=None
        )
    if kind == EventKind.RESTORED:
        if track.before_exit is None:
            return track
        return replace(track, state=track.before_exit, before_exit=None, exit_event=None)
    return replace(track, state=_step_state(s, event))


def _step_state(s: State, event: Event) -> State:
    kind = event.kind
    if kind == EventKind.TRANSFER_OUT:
        destination = str(event.data.get("destination", ""))
        transfer = Transfer("official", s.official_org, event.target_org, event.on, destination)
        return replace(s, pending_transfer=transfer)
    if kind == EventKind.TRANSFER_IN:
        pending = s.pending_transfer
        org = event.org if event.org is not None else (pending.to_org if pending else None)
        if org is None:
            return s
        return replace(s, official_org=org, pending_transfer=None)
    if kind == EventKind.TRANSFER_CANCELLED:
        return replace(s, pending_transfer=None)
    if kind == EventKind.TEMP_TRANSFER_OUT:
        transfer = Transfer(
            "temporary", s.official_org, event.target_org, event.on, str(event.data.get("destination", ""))
        )
        return replace(s, temporary_org=event.target_org, temporary_transfer=transfer)
    if kind == EventKind.TEMP_TRANSFER_RETURN:
        return replace(s, temporary_org=None, temporary_transfer=None)
    if kind == EventKind.ORG_RESTRUCTURED:
        # only the official org changes: status, exemption, card stay; a pending or temporary transfer stays
        # open (same receiver or host, same dates), now on behalf of the successor, the member's new sender
        if event.target_org is None:
            return s
        pending, temporary = s.pending_transfer, s.temporary_transfer
        return replace(s, official_org=event.target_org,
                       pending_transfer=pending and replace(pending, from_org=event.target_org),
                       temporary_transfer=temporary and replace(temporary, from_org=event.target_org))
    if kind in (EventKind.EXEMPTION_START, EventKind.EXEMPTION_END):
        return replace(s, exempted=kind == EventKind.EXEMPTION_START)
    if kind in (EventKind.TEMP_EXEMPTION_START, EventKind.TEMP_EXEMPTION_END):
        return replace(s, temp_exempted=kind == EventKind.TEMP_EXEMPTION_START)
    if kind in (EventKind.CARD_ISSUED, EventKind.CARD_REPLACED):
        return replace(s, card_no=str(event.data.get("card_no", "")))
    return s


def track_of(history: Iterable[Event], until: date | None = None) -> Track:
    """The fold over all events (or those with ``on <= until``)."""
    track = Track()
    for event in ordered(history):
        if until is not None and event.on > until:
            break
        track = step(track, event)
    return track


def timeline(history: Sequence[Event]) -> list[tuple[date, State]]:
    """Change points: (day, state at the end of that day) for each event day whose state differs
    from the previous entry. ``state_on(day)`` is the last entry dated ``<= day``."""
    out: list[tuple[date, State]] = []
    track = Track()
    previous = EMPTY_STATE
    events = ordered(history)
    for i, event in enumerate(events):
        track = step(track, event)
        last_of_day = i + 1 == len(events) or events[i + 1].on != event.on
        if last_of_day and track.state != previous:
            out.append((event.on, track.state))
            previous = track.state
    return out


def state_on(history: Sequence[Event], day: date) -> State:
    """The member's state at the end of ``day`` (``State(None, None)`` before the first event)."""
    return track_of(history, until=day).state


def counted_at(history: Sequence[Event], day: date) -> int | None:
    """The org whose membership total includes the member on ``day`` (G-04), else None."""
    return state_on(history, day).counted_at


def current_ceremony(history: Sequence[Event]) -> Event | None:
    """The ceremony that started the current (latest) probation, if no decision came after it."""
    found: Event | None = None
    for event in ordered(history):
        if event.kind == EventKind.CEREMONY:
            found = event
        elif event.kind in (EventKind.ADMISSION_DECISION, EventKind.READMISSION_DECISION, EventKind.CANDIDATE):
            found = None
    return found


def probation_end(history: Sequence[Event], months: int = PROBATION_MONTHS) -> date | None:
    """End of the current probation: the ceremony date + ``months`` (B-10); None without a ceremony.

    The probationary member becomes official on exactly this day when recognized (B-11).
    """
    ceremony = current_ceremony(history)
    return None if ceremony is None else add_months(ceremony.on, months)


@dataclass(frozen=True)
class AgeBasis:
    """What party age is computed from (B-12)."""

    since: date  # first admission decision of the chain
    excluded_days: int  # closed gaps: exit → readmission decision (RESTORED: no gap)
    end: date  # the day counted to: ``on``, or the exit/death that stopped it
    active: bool  # party age still running on ``on``

    @property
    def effective_start(self) -> date:
        return self.since + timedelta(days=self.excluded_days)

    @property
    def months(self) -> int:
        return whole_months_between(self.effective_start, self.end)

    def reaches(self, months: int) -> date:
        """The day the net party age reaches ``months`` (if it keeps running)."""
        return add_months(self.effective_start, months)


def age_basis(history: Sequence[Event], on: date) -> AgeBasis | None:
    """None unless the member has been recognized official (B-12: a probationary member never
    acquires party age). A new CANDIDATE (admission anew) starts a new chain."""
    since: date | None = None
    recognized = False
    excluded = 0
    open_exit: date | None = None
    death: date | None = None
    for event in ordered(history):
        if event.on > on:
            break
        kind = event.kind
        if kind == EventKind.CANDIDATE:
            since, recognized, excluded, open_exit, death = None, False, 0, None, None
        elif kind == EventKind.ADMISSION_DECISION and since is None:
            since = decision_day(event)
        elif kind == EventKind.RECOGNITION:
            recognized = True
        elif is_exit(event):
            open_exit = event.on
        elif kind == EventKind.READMISSION_DECISION and open_exit is not None:
            excluded += max(0, (decision_day(event) - open_exit).days)
            open_exit = None
        elif kind == EventKind.RESTORED:
            open_exit = None
        elif kind == EventKind.DIED:
            death = event.on
    if since is None or not recognized:
        return None
    end = death or open_exit or on
    return AgeBasis(since, excluded, max(end, since), death is None and open_exit is None)


def party_age(history: Sequence[Event], on: date) -> PartyAge | None:
    """Party age on ``on`` (B-12): from the first admission decision, minus the gaps between an exit
    and the next readmission decision; frozen at an exit not (yet) followed by readmission, and at
    death. Whole years and months by calendar-month arithmetic of the net period."""
    basis = age_basis(history, on)
    if basis is None:
        return None
    years, months = divmod(basis.months, 12)
    return PartyAge(years=years, months=months, since=basis.since, excluded_days=basis.excluded_days)


def cycle_events(history: Sequence[Event]) -> list[Event]:
    """Events of the current admission (or readmission) procedure: those after the last event that
    starts or closes one (CANDIDATE, drop, decision, exit, death), in order."""
    events = ordered(history)
    start = 0
    resets = {
        EventKind.CANDIDATE, EventKind.CANDIDATE_DROPPED, EventKind.ADMISSION_DECISION,
        EventKind.READMISSION_DECISION, EventKind.DIED, EventKind.RESTORED,
    }
    for i, event in enumerate(events):
        if event.kind in resets or is_exit(event):
            start = i + 1
    return events[start:]


def latest(events: Iterable[Event], kind: EventKind) -> Event | None:
    found: Event | None = None
    for event in events:
        if event.kind == kind:
            found = event
    return found


def is_member(state: State) -> bool:
    return state.status in MEMBER_STATUSES
