"""Property test: random VALID life stories (built event by event, keeping only what ``validate``
accepts) agree with a brute-force reference on state, party age and where the member is counted."""

from __future__ import annotations

import random
from datetime import date as D
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tcxd.rules.pure.calendar import add_months
from tcxd.rules.pure.membership import Event, EventKind, Facts, State, Status, party_age, state_on, timeline
from tcxd.rules.pure.membership.codes import EXPEL_GROUNDS, STRIKE_OFF_GROUNDS
from tcxd.rules.pure.membership.engine import counted_at

from .test_membership_support import NO_HOLIDAYS, K, ev, introducers, lookup, old_official
from .test_membership_support import problems as validate_problems

ORGS = (1, 2, 3)
START = D(2022, 1, 3)
JUMPS = (0, 0, 1, 3, 10, 40, 120, 400, 1200)
MEMBER = {Status.PROBATIONARY, Status.OFFICIAL}


# --- generation --------------------------------------------------------------------------------------------------
def _vote(rnd: random.Random) -> dict[str, Any]:
    summoned = rnd.randint(3, 15)
    temp, absent = rnd.randint(0, 1), rnd.randint(0, 1)
    roster = summoned - temp - absent
    yes = rnd.choice([roster, roster, rnd.randint(0, roster)])
    return {"summoned_official": summoned, "temp_transferred_out": temp, "exempted_absent": absent, "yes": yes,
            "ballot_round": rnd.choice([1, 1, 2, 3, 4]), "provincial_approval": rnd.random() < 0.2}


def _ref_probation_end(history: list[Event]) -> D | None:
    ceremony = None
    for e in sorted(history, key=lambda e: (e.on, e.seq)):
        if e.kind == K.CEREMONY:
            ceremony = e.on
        elif e.kind in (K.ADMISSION_DECISION, K.READMISSION_DECISION, K.CANDIDATE):
            ceremony = None
    return None if ceremony is None else add_months(ceremony, 12)


def propose(kind: EventKind, history: list[Event], rnd: random.Random) -> Event:
    last = max([START, *(e.on for e in history)])
    on = last + timedelta(days=rnd.choice(JUMPS))
    org = rnd.choice((None, *ORGS))
    target = rnd.choice((None, *ORGS))
    data: dict[str, Any] = {}
    if kind in (K.CELL_VOTE, K.RECOGNITION_VOTE):
        data = _vote(rnd)
    elif kind == K.COMMITTEE_VOTE:
        members = rnd.randint(3, 9)
        data = {"committee_members": members, "yes": rnd.choice([members, rnd.randint(0, members)])}
    elif kind == K.INTRODUCERS:
        data = introducers(rnd.choice([12, 30, 11]), rnd.choice([12, 24]), youth_union=rnd.random() < 0.2)
    elif kind == K.CANDIDATE:
        org = rnd.choice(ORGS)
    elif kind in (K.ADMISSION_DECISION, K.RECOGNITION):
        data = {"reported_up": rnd.random() < 0.3}
    elif kind == K.CEREMONY:
        on = last + timedelta(days=rnd.choice([0, 5, 20, 60]))
        data = {"superior_consent": rnd.random() < 0.3}
    elif kind in (K.TRANSFER_OUT, K.TEMP_TRANSFER_OUT):
        data = {"destination": rnd.choice(["", "Nước ngoài"])}
    elif kind == K.ORG_RESTRUCTURED:
        data = {"operation": rnd.randint(1, 9)}
    elif kind == K.STRUCK_OFF:
        data = {"exit_ground": rnd.choice(list(STRIKE_OFF_GROUNDS))}
    elif kind == K.EXPELLED:
        data = {"exit_ground": rnd.choice(list(EXPEL_GROUNDS))}
    elif kind == K.LEFT:
        data = {"family_hardship": rnd.random() < 0.5}
    elif kind == K.READMISSION_DECISION:
        data = {"provincial_consent": True, "reported_up": rnd.random() < 0.3}
    elif kind in (K.CARD_ISSUED, K.CARD_REPLACED):
        data = {"card_no": str(rnd.randint(1, 10**8))}
    elif kind == K.BADGE:
        data = {"years": 30, "reason": rnd.choice(["normal", "posthumous"])}
    elif kind == K.DISCIPLINE:
        data = {"form": rnd.choice(["khien_trach", "canh_cao", "cach_chuc", "khai_tru"]),
                "holds_post": rnd.random() < 0.5, "exit_ground": rnd.choice(list(EXPEL_GROUNDS))}
    end = _ref_probation_end(history)
    if kind == K.RECOGNITION:
        on = end or on
    elif kind == K.RECOGNITION_VOTE and end is not None and rnd.random() < 0.8:
        on = max(on, end + timedelta(days=rnd.choice([0, 3, 30])))
    elif kind == K.READMISSION_DECISION and history and rnd.random() < 0.7:
        on = max(on, add_months(last, 36) + timedelta(days=rnd.choice([-1, 0, 30])))
    return ev(kind, on, org=org, target_org=target, data=data)


# Try progress first, exits rarely (a weighted random order of the kinds, Efraimidis–Spirakis).
WEIGHTS = {kind: 1.0 for kind in EventKind} | {
    K.CELL_VOTE: 4, K.ADMISSION_DECISION: 4, K.CEREMONY: 4, K.RECOGNITION_VOTE: 6, K.RECOGNITION: 8,
    K.READMISSION_DECISION: 4, K.INTRODUCERS: 3, K.COMMITTEE_VOTE: 0.5, K.RESTORED: 0.3,
    K.DIED: 0.1, K.LEFT: 0.3, K.EXPELLED: 0.3, K.STRUCK_OFF: 0.5, K.PROBATION_STRUCK_OFF: 0.3,
    K.CANDIDATE_DROPPED: 0.3,
}
ENDINGS = {K.DIED, K.LEFT, K.EXPELLED, K.STRUCK_OFF, K.PROBATION_STRUCK_OFF, K.CANDIDATE_DROPPED, K.DISCIPLINE}


def story(
    rnd: random.Random, facts: Facts, steps: int, ending_rate: float = 0.1, prefix: list[Event] | None = None
) -> list[Event]:
    history: list[Event] = list(prefix or [])
    for _ in range(steps):
        kinds = sorted(EventKind, key=lambda k: rnd.random() ** (1 / WEIGHTS[k]), reverse=True)
        if rnd.random() > ending_rate:
            kinds = [k for k in kinds if k not in ENDINGS]
        for kind in kinds:
            event = propose(kind, history, rnd)
            if not validate_problems(history, event, facts, NO_HOLIDAYS):
                history.append(event)
                break
    return history


# --- reference implementation ------------------------------------------------------------------------------------
def ref_state(history: list[Event], day: D) -> dict[str, Any]:
    """A plain re-implementation of the fold, written from the spec."""
    s: dict[str, Any] = {"status": None, "org": None, "temp": None, "temp_dest": None, "pending": None,
                         "exempted": False, "temp_exempted": False, "card": ""}
    saved: dict[str, Any] | None = None
    for e in sorted(history, key=lambda e: (e.on, e.seq)):
        if e.on > day:
            break
        k = e.kind
        expulsion = k == K.EXPELLED or (k == K.DISCIPLINE and e.data.get("form") == "khai_tru")
        if k == K.CANDIDATE:
            s = {**s, "status": Status.CANDIDATE, "org": e.org if e.org is not None else s["org"], "temp": None,
                 "temp_dest": None, "pending": None, "exempted": False, "temp_exempted": False, "card": ""}
        elif k == K.CANDIDATE_DROPPED:
            s["status"] = Status.NOT_ADMITTED
        elif k == K.ADMISSION_DECISION:
            s["status"] = Status.ADMITTED
        elif k == K.READMISSION_DECISION:
            s = {"status": Status.ADMITTED, "org": e.org if e.org is not None else s["org"], "temp": None,
                 "temp_dest": None, "pending": None, "exempted": False, "temp_exempted": False, "card": ""}
        elif k == K.CEREMONY:
            s["status"] = Status.PROBATIONARY
        elif k == K.RECOGNITION:
            s["status"] = Status.OFFICIAL
        elif k in (K.STRUCK_OFF, K.PROBATION_STRUCK_OFF, K.LEFT) or expulsion:
            saved = dict(s)
            status = Status.LEFT if k == K.LEFT else Status.EXPELLED if expulsion else Status.STRUCK_OFF
            s = {"status": status, "org": s["org"], "temp": None, "temp_dest": None, "pending": None,
                 "exempted": False, "temp_exempted": False, "card": ""}
        elif k == K.DIED:
            s = {"status": Status.DECEASED, "org": s["org"], "temp": None, "temp_dest": None, "pending": None,
                 "exempted": False, "temp_exempted": False, "card": s["card"]}
        elif k == K.RESTORED and saved is not None:
            s, saved = saved, None
        elif k == K.TRANSFER_OUT:
            s["pending"] = (s["org"], e.target_org, e.on, e.data.get("destination", ""))
        elif k == K.TRANSFER_IN:
            s["org"] = e.org if e.org is not None else s["pending"][1]
            s["pending"] = None
        elif k == K.TRANSFER_CANCELLED:
            s["pending"] = None
        elif k == K.TEMP_TRANSFER_OUT:
            s["temp"], s["temp_dest"] = e.target_org, (s["org"], e.target_org, e.on, e.data.get("destination", ""))
        elif k == K.TEMP_TRANSFER_RETURN:
            s["temp"], s["temp_dest"] = None, None
        elif k == K.ORG_RESTRUCTURED:
            s["org"] = e.target_org
            if s["pending"] is not None:
                s["pending"] = (e.target_org, *s["pending"][1:])
            if s["temp_dest"] is not None:
                s["temp_dest"] = (e.target_org, *s["temp_dest"][1:])
        elif k in (K.EXEMPTION_START, K.EXEMPTION_END):
            s["exempted"] = k == K.EXEMPTION_START
        elif k in (K.TEMP_EXEMPTION_START, K.TEMP_EXEMPTION_END):
            s["temp_exempted"] = k == K.TEMP_EXEMPTION_START
        elif k in (K.CARD_ISSUED, K.CARD_REPLACED):
            s["card"] = e.data["card_no"]
    return s


def as_ref(state: State) -> dict[str, Any]:
    def t(x):
        return None if x is None else (x.from_org, x.to_org, x.sent_on, x.destination)

    return {"status": state.status, "org": state.official_org, "temp": state.temporary_org,
            "temp_dest": t(state.temporary_transfer), "pending": t(state.pending_transfer),
            "exempted": state.exempted, "temp_exempted": state.temp_exempted, "card": state.card_no}


def ref_party_age(history: list[Event], day: D) -> tuple[int, int] | None:
    """(net months, excluded days) by counting days one by one."""
    events = [e for e in sorted(history, key=lambda e: (e.on, e.seq)) if e.on <= day]
    starts = [i for i, e in enumerate(events) if e.kind == K.CANDIDATE]
    chain = events[starts[-1] if starts else 0:]
    decisions = [e for e in chain if e.kind == K.ADMISSION_DECISION]
    if not decisions or not any(e.kind == K.RECOGNITION for e in chain):
        return None
    since = decisions[0].on
    gaps: list[tuple[D, D]] = []
    out_since: D | None = None
    death: D | None = None
    for e in chain:
        exits = (K.STRUCK_OFF, K.PROBATION_STRUCK_OFF, K.EXPELLED, K.LEFT)
        if e.kind in exits or (e.kind == K.DISCIPLINE and e.data.get("form") == "khai_tru"):
            out_since = e.on
        elif e.kind == K.READMISSION_DECISION and out_since is not None:
            gaps.append((out_since, e.on))
            out_since = None
        elif e.kind == K.RESTORED:
            out_since = None
        elif e.kind == K.DIED:
            death = e.on
    end = death or out_since or day
    active = 0
    d = since
    while d < end:
        if not any(a <= d < b for a, b in gaps):
            active += 1
        d += timedelta(days=1)
    start = end - timedelta(days=active)
    months = 0
    while add_months(start, months + 1) <= end:
        months += 1
    return months, (end - since).days - active


# --- the property ----------------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rnd=st.randoms(use_true_random=False),
    birth_year=st.integers(1958, 2005),
    steps=st.integers(5, 45),
    ending_rate=st.sampled_from([0.05, 0.1, 0.3]),
)
def test_random_valid_stories_agree_with_the_reference(rnd, birth_year, steps, ending_rate):
    facts = Facts(birth_date=D(birth_year, rnd.randint(1, 12), rnd.randint(1, 28)), sex=rnd.choice("MF"))
    check_against_reference(rnd, story(rnd, facts, steps, ending_rate))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rnd=st.randoms(use_true_random=False),
    admitted=st.dates(D(1975, 1, 1), D(2019, 12, 31)),
    steps=st.integers(3, 30),
    ending_rate=st.sampled_from([0.3, 0.6]),
)
def test_random_stories_of_an_official_member(rnd, admitted, steps, ending_rate):
    """Starting from an official member (imported history, not validated), so that exits, restorations
    and readmissions — the gaps of party age — come often."""
    prefix = old_official(admitted, admitted + timedelta(days=20), org=rnd.choice(ORGS))
    facts = Facts(birth_date=D(1975, 6, 15), sex="M")
    check_against_reference(rnd, story(rnd, facts, steps, ending_rate, prefix))


def check_against_reference(rnd: random.Random, history: list[Event]) -> None:
    if not history:
        return
    first, last = min(e.on for e in history), max(e.on for e in history)
    days = {first - timedelta(days=1), last, last + timedelta(days=400)}
    days |= {e.on for e in history} | {e.on - timedelta(days=1) for e in history}
    days |= {first + timedelta(days=rnd.randint(0, (last - first).days + 1)) for _ in range(5)}
    changes = timeline(history)
    for day in sorted(days):
        state = state_on(history, day)
        assert as_ref(state) == ref_state(history, day), (day, history)
        # the timeline's change points give the same state
        before = [s for d, s in changes if d <= day]
        assert (before[-1] if before else State(None, None)) == state
        # counted at exactly one org while a member (at the official org, even when away or "đang chuyển")
        counted = [org for org in ORGS if state.status in MEMBER and state.official_org == org]
        assert counted_at(history, day) == (counted[0] if counted else None)
        assert len(counted) == (1 if state.is_member and state.official_org is not None else 0)
        if state.pending_transfer is not None:
            assert state.pending_transfer.from_org == state.official_org
        if state.temporary_org is not None and state.temporary_org != state.official_org:
            assert state.temporary_org not in counted
    for day in (last, last + timedelta(days=rnd.randint(0, 4000)), *(e.on for e in history[-3:])):
        age, ref = party_age(history, day), ref_party_age(history, day)
        assert (age is None) == (ref is None), (day, history)
        if age is not None and ref is not None:
            assert (age.years * 12 + age.months, age.excluded_days) == ref, (day, history)


def test_generator_reaches_deep_states():
    """The generator is not stuck in the admission pipeline: some stories reach official status,
    exits and readmissions."""
    seen: set[Status | None] = set()
    kinds: set[EventKind] = set()
    for seed in range(25):
        rnd = random.Random(seed)
        history = story(rnd, Facts(D(1980, 5, 5), "M"), 45, 0.3)
        seen |= {state_on(history, e.on).status for e in history}
        kinds |= {e.kind for e in history}
    assert {Status.OFFICIAL, Status.PROBATIONARY, Status.CANDIDATE} <= seen
    assert {K.RECOGNITION, K.TRANSFER_OUT, K.TRANSFER_IN, K.TEMP_TRANSFER_OUT, K.STRUCK_OFF, K.RESTORED} <= kinds
    assert K.READMISSION_DECISION in kinds
    assert lookup("probation.months", D(2025, 1, 1)) == 12
