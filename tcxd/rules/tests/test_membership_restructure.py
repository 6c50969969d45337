"""Members moved by a restructuring of the org tree (chuyển sinh hoạt theo sắp xếp tổ chức): the
official org changes from the event's day and nothing else does; refused for non-members, without a
successor, to the same org, from another org than the member's, and without the operation's id."""

from __future__ import annotations

from dataclasses import replace
from datetime import date as D
from datetime import timedelta

import pytest

from tcxd.rules.pure.membership import (
    Status,
    Transfer,
    open_deadlines,
    party_age,
    probation_end,
    state_on,
    timeline,
)
from tcxd.rules.pure.membership.engine import counted_at

from .test_membership_support import (
    CELL,
    NO_HOLIDAYS,
    OTHER_CELL,
    PROBATION_END,
    RECOG_VOTE_ON,
    THIRD_CELL,
    K,
    build,
    candidate_steps,
    codes,
    ev,
    lookup,
    official_steps,
    probationary_steps,
    problems,
    vote,
)

ON = D(2027, 3, 1)
OP = {"operation": 42}


def moved(on=ON, org=CELL, target=OTHER_CELL, **kw):
    return ev(K.ORG_RESTRUCTURED, on, org=org, target_org=target, data=kw.pop("data", OP), **kw)


def test_official_member_moves_from_the_day_and_nothing_else_changes():
    history = build(official_steps())
    before = state_on(history, ON - timedelta(days=1))
    after_history = build([moved()], on=history)
    after = state_on(after_history, ON)
    assert after == replace(before, official_org=OTHER_CELL)
    assert state_on(after_history, ON - timedelta(days=1)).official_org == CELL
    assert counted_at(after_history, ON - timedelta(days=1)) == CELL
    assert counted_at(after_history, ON) == OTHER_CELL
    assert party_age(after_history, D(2030, 1, 1)) == party_age(history, D(2030, 1, 1))
    assert timeline(after_history)[-1] == (ON, after)


def test_probationary_member_keeps_probation_end_and_is_recognized_at_the_successor():
    history = build(probationary_steps())
    on = D(2026, 3, 2)
    moved_history = build([moved(on)], on=history)
    assert probation_end(moved_history) == probation_end(history) == PROBATION_END
    assert state_on(moved_history, on).status == Status.PROBATIONARY
    deadlines = {d.code for d in open_deadlines(moved_history, D(2026, 10, 1), lookup, NO_HOLIDAYS)}
    assert deadlines == {d.code for d in open_deadlines(history, D(2026, 10, 1), lookup, NO_HOLIDAYS)}
    recognized = build([ev(K.RECOGNITION_VOTE, D(2026, 10, 20), org=OTHER_CELL, data=vote(10, 7)),
                        ev(K.RECOGNITION, PROBATION_END, decision_date=D(2026, 11, 5))], on=moved_history)
    state = state_on(recognized, D(2026, 11, 5))
    assert (state.status, state.official_org) == (Status.OFFICIAL, OTHER_CELL)
    assert party_age(recognized, D(2027, 10, 1)).since == D(2025, 10, 1)


def test_exemption_and_transfers_in_progress_stay_as_they_were():
    base = build(official_steps())
    temp = ev(K.TEMP_TRANSFER_OUT, D(2027, 1, 4), target_org=THIRD_CELL, data={"until": "2027-06-01"})
    exempt = ev(K.EXEMPTION_START, D(2027, 1, 5))
    history = build([temp, exempt, moved()], on=base)
    state = state_on(history, ON)
    assert state.official_org == OTHER_CELL and state.temporary_org == THIRD_CELL and state.exempted
    # the transfer goes on, on behalf of the successor (the member's sender from now on)
    assert state.temporary_transfer == Transfer("temporary", OTHER_CELL, THIRD_CELL, D(2027, 1, 4))
    back = build([ev(K.TEMP_TRANSFER_RETURN, D(2027, 5, 1))], on=history)
    assert (state_on(back, D(2027, 5, 1)).official_org, state_on(back, D(2027, 5, 1)).temporary_org) == (
        OTHER_CELL, None)
    sent = build([ev(K.TRANSFER_OUT, D(2027, 2, 1), target_org=THIRD_CELL), moved()], on=base)
    assert state_on(sent, ON).pending_transfer == Transfer("official", OTHER_CELL, THIRD_CELL, D(2027, 2, 1))
    assert state_on(sent, ON - timedelta(days=1)).pending_transfer.from_org == CELL
    received = build([ev(K.TRANSFER_IN, D(2027, 3, 10), org=THIRD_CELL)], on=sent)
    assert state_on(received, D(2027, 3, 10)).official_org == THIRD_CELL


def test_same_day_as_the_last_event_is_accepted_before_it_is_not():
    history = build(official_steps())
    assert codes(history, moved(RECOG_VOTE_ON, seq=1)) == set()
    assert codes(history, moved(RECOG_VOTE_ON - timedelta(days=1))) == {"event_out_of_order"}


@pytest.mark.parametrize("steps, status", [
    (lambda: build(candidate_steps()), "quần chúng ưu tú"),
    (lambda: build(official_steps()[:-4]), "quần chúng ưu tú"),
])
def test_refused_before_membership(steps, status):
    found = problems(steps(), moved())
    assert [p.code for p in found] == ["status_not_allowed"]
    assert status in found[0].message and "sắp xếp tổ chức" in found[0].message


def test_refused_for_admitted_not_yet_sworn_in():
    admitted = build(official_steps()[:7])
    assert codes(admitted, moved(D(2025, 10, 5))) == {"status_not_allowed"}


@pytest.mark.parametrize("exit_event, code", [
    (ev(K.STRUCK_OFF, D(2027, 1, 4), data={"exit_ground": "a_unpaid_fees"}), "status_not_allowed"),
    (ev(K.EXPELLED, D(2027, 1, 4), data={"exit_ground": "serious_crime"}), "status_not_allowed"),
    (ev(K.LEFT, D(2027, 1, 4)), "status_not_allowed"),
    (ev(K.DIED, D(2027, 1, 4)), "member_deceased"),
])
def test_refused_after_membership_ended(exit_event, code):
    history = [*build(official_steps()), exit_event]
    assert codes(history, moved()) == {code}


def test_refused_after_probation_struck_off():
    history = [*build(probationary_steps()), ev(K.PROBATION_STRUCK_OFF, D(2026, 2, 1))]
    assert codes(history, moved()) == {"status_not_allowed"}


def test_target_missing_or_the_current_org():
    history = build(official_steps())
    missing = problems(history, moved(target=None))
    assert [p.code for p in missing] == ["restructure_target_missing"]
    assert missing[0].field == "target_org" and "kế tục" in missing[0].message
    assert codes(history, moved(target=CELL)) == {"restructure_same_org"}


def test_org_must_be_where_the_member_is_registered():
    history = build(official_steps())
    assert codes(history, moved(org=THIRD_CELL)) == {"restructure_org_mismatch"}
    assert codes(history, moved(org=None)) == set()


@pytest.mark.parametrize("data", [{}, {"operation": 0}, {"operation": "42"}, {"operation": True}])
def test_operation_id_is_required(data):
    assert codes(build(official_steps()), moved(data=data)) == {"restructure_operation_missing"}


def test_successor_cannot_be_the_temporary_host_or_the_pending_receiver():
    base = build(official_steps())
    temp = [*base, ev(K.TEMP_TRANSFER_OUT, D(2027, 1, 4), target_org=OTHER_CELL, data={"until": "2027-06-01"})]
    assert codes(temp, moved()) == {"restructure_target_is_temporary_host"}
    assert codes(temp, moved(target=THIRD_CELL)) == set()
    pending = [*base, ev(K.TRANSFER_OUT, D(2027, 1, 4), target_org=OTHER_CELL)]
    assert codes(pending, moved()) == {"restructure_target_is_pending_receiver"}
    assert codes(pending, moved(target=THIRD_CELL)) == set()


def test_not_a_historical_record():
    found = codes(build(official_steps()), moved(data={**OP, "historical": True}))
    assert found == {"historical_kind_not_allowed"}


def test_moved_twice_then_the_second_successor():
    history = build([moved(), moved(D(2027, 9, 1), org=OTHER_CELL, target=THIRD_CELL)], on=build(official_steps()))
    assert [counted_at(history, d) for d in (D(2027, 2, 28), ON, D(2027, 8, 31), D(2027, 9, 1))] == [
        CELL, OTHER_CELL, OTHER_CELL, THIRD_CELL]
