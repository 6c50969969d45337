"""Probation and recognition (B-10, B-11): exact probation end, late decisions, strike-off."""

from __future__ import annotations

from datetime import date as D

from tcxd.rules.pure.membership import Status, party_age, probation_end, state_on, timeline

from .test_membership_support import (
    CELL,
    CEREMONY_ON,
    PROBATION_END,
    RECOG_VOTE_ON,
    K,
    build,
    codes,
    ev,
    official_steps,
    probationary_steps,
    problems,
    vote,
)


def recognition_vote(on: D = RECOG_VOTE_ON, **kw):
    return ev(K.RECOGNITION_VOTE, on, org=CELL, data=vote(**kw) if kw else vote(10, 7))


def test_probation_end_is_12_months_after_the_ceremony():
    history = build(probationary_steps())
    assert probation_end(history) == PROBATION_END == D(2026, 10, 15)
    assert probation_end(history[:-1]) is None  # no ceremony yet
    leap = [ev(K.ADMISSION_DECISION, D(2024, 2, 1)), ev(K.CEREMONY, D(2024, 2, 29))]
    assert probation_end(leap) == D(2025, 2, 28)


def test_recognition_vote_not_before_the_probation_end():
    history = build(probationary_steps())
    assert codes(history, recognition_vote(D(2026, 10, 14))) == {"recognition_vote_too_early"}
    assert codes(history, recognition_vote(PROBATION_END)) == set()


def test_recognition_takes_effect_exactly_at_the_probation_end_even_if_signed_late():
    history = build([*probationary_steps(), recognition_vote()])
    late = ev(K.RECOGNITION, PROBATION_END, decision_date=D(2026, 12, 1))
    assert codes(history, late) == set()
    for wrong in (D(2026, 10, 14), D(2026, 10, 16), RECOG_VOTE_ON):
        assert codes(history, ev(K.RECOGNITION, wrong)) == {"recognition_not_at_probation_end"}
    message = problems(history, ev(K.RECOGNITION, D(2026, 10, 16)))[0].message
    assert "15/10/2026" in message and "Điều 5" in message
    done = [*history, late]
    assert state_on(done, D(2026, 10, 14)).status == Status.PROBATIONARY
    assert state_on(done, D(2026, 10, 15)).status == Status.OFFICIAL
    assert (D(2026, 10, 15), state_on(done, D(2026, 10, 15))) in timeline(done)


def test_recognition_needs_a_passing_vote_and_a_probationary_member():
    history = build(probationary_steps())
    assert codes(history, ev(K.RECOGNITION, PROBATION_END)) == {"recognition_vote_missing"}
    failed = [*history, recognition_vote(summoned=10, yes=6)]
    assert codes(failed, ev(K.RECOGNITION, PROBATION_END)) == {"recognition_vote_not_passed"}
    early_signature = ev(K.RECOGNITION, PROBATION_END, decision_date=D(2026, 10, 19))
    assert codes([*history, recognition_vote()], early_signature) == {"recognition_decision_before_vote"}
    official = build(official_steps())
    assert codes(official, ev(K.RECOGNITION, PROBATION_END)) == {"status_not_allowed"}
    assert codes(official, recognition_vote(D(2026, 11, 20))) == {"status_not_allowed"}


def test_events_recorded_before_the_backdated_recognition_keep_their_place():
    history = build([
        *probationary_steps(),
        ev(K.TEMP_EXEMPTION_START, D(2026, 10, 16)),
        recognition_vote(),
        ev(K.RECOGNITION, PROBATION_END, decision_date=D(2026, 11, 2)),
    ])
    on_16 = state_on(history, D(2026, 10, 16))
    assert on_16.status == Status.OFFICIAL and on_16.temp_exempted


def test_probation_struck_off():
    history = build(probationary_steps())
    struck = ev(K.PROBATION_STRUCK_OFF, D(2026, 11, 1), data={"exit_ground": "not_qualified"})
    assert codes(history, struck) == set()
    assert codes(history, ev(K.PROBATION_STRUCK_OFF, D(2026, 11, 1), data={"exit_ground": "x"})) == {
        "exit_ground_invalid"
    }
    done = [*history, struck]
    assert state_on(done, D(2026, 11, 1)).status == Status.STRUCK_OFF
    assert not state_on(done, D(2026, 11, 1)).is_member
    assert party_age(done, D(2030, 1, 1)) is None  # never acquires party age (B-12)
    # not a former official member: no readmission; a new admission is possible
    assert "readmission_never_official" in codes(done, ev(K.READMISSION_DECISION, D(2030, 1, 1)))
    assert codes(done, ev(K.CANDIDATE, D(2027, 1, 4), org=CELL)) == set()
    official = build(official_steps())
    assert codes(official, ev(K.PROBATION_STRUCK_OFF, D(2026, 12, 1))) == {"status_not_allowed"}


def test_party_age_of_a_probationary_member_appears_only_once_recognized():
    history = build([*probationary_steps(), recognition_vote(), ev(K.RECOGNITION, PROBATION_END)])
    assert party_age(history[:-1], D(2026, 10, 30)) is None
    assert party_age(history, D(2026, 10, 14)) is None
    age = party_age(history, D(2026, 10, 15))
    assert age is not None and (age.years, age.months, age.since) == (1, 0, D(2025, 10, 1))
    assert CEREMONY_ON > age.since  # from the decision, not the ceremony
