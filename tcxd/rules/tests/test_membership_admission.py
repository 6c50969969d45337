"""Admission (B-01 … B-07, A-09): both sides of every boundary, with the registry's own values."""

from __future__ import annotations

from dataclasses import replace
from datetime import date as D

import pytest

from tcxd.rules.pure.calendar import add_working_days
from tcxd.rules.pure.membership import Facts, Status, state_on
from tcxd.rules.pure.membership.common import vote_passed

from .test_membership_support import (
    CELL,
    DECISION_ON,
    FACTS,
    NO_HOLIDAYS,
    VN,
    VOTE_ON,
    K,
    admitted_steps,
    build,
    candidate_steps,
    codes,
    ev,
    introducers,
    lookup,
    problems,
    vote,
)


def cell_vote(on: D = VOTE_ON, **kw):
    return ev(K.CELL_VOTE, on, org=CELL, data=vote(**kw) if kw else vote())


# --- B-01 age in whole months at the cell's meeting (2025-09-10) ------------------------------------------
@pytest.mark.parametrize(
    ("birth", "months", "expected"),
    [
        (D(2007, 10, 1), 215, {"age_below_min"}),
        (D(2007, 9, 30), 216, set()),  # born later in the month than the meeting day: days ignored
        (D(2007, 9, 1), 216, set()),
        (D(1965, 9, 30), 720, set()),
        (D(1965, 8, 1), 721, {"age_above_max_needs_approval"}),
    ],
)
def test_age_boundaries(birth, months, expected):
    facts = replace(FACTS, birth_date=birth)
    assert (VOTE_ON.year * 12 + VOTE_ON.month) - (birth.year * 12 + birth.month) == months
    assert codes(candidate_steps(), cell_vote(), facts) == expected


def test_over_60_with_provincial_approval_and_missing_birth_date():
    facts = replace(FACTS, birth_date=D(1960, 1, 1))
    assert codes(candidate_steps(), cell_vote(provincial_approval=True), facts) == set()
    assert codes(candidate_steps(), cell_vote(), replace(FACTS, birth_date=None)) == {"birth_date_missing"}


def test_age_message_names_the_rule_and_dates():
    found = problems(candidate_steps(), cell_vote(), replace(FACTS, birth_date=D(2007, 10, 1)))
    assert "10/09/2025" in found[0].message and "QĐ 294-QĐ/TW" in found[0].message
    assert found[0].rule == "B-01"


# --- B-02 education ----------------------------------------------------------------------------------------
def test_education():
    assert codes(candidate_steps(), cell_vote(), Facts(D(1995, 1, 1), "M", lower_secondary_done=False)) == {
        "education_insufficient"
    }
    exception = Facts(D(1995, 1, 1), "M", lower_secondary_done=False, education_exception=True)
    assert codes(candidate_steps(), cell_vote(), exception) == set()


# --- B-04 certificate valid 60 months: add_months(cert, 60) >= vote -----------------------------------------
@pytest.mark.parametrize(
    ("cert", "vote_on", "expected"),
    [
        (D(2020, 9, 10), D(2025, 9, 10), set()),  # exactly 60 months
        (D(2020, 9, 9), D(2025, 9, 10), {"awareness_certificate_expired"}),  # one day more
        (D(2020, 2, 29), D(2025, 2, 28), set()),  # month end clamps
        (D(2020, 2, 29), D(2025, 3, 1), {"awareness_certificate_expired"}),
    ],
)
def test_certificate_validity(cert, vote_on, expected):
    history = candidate_steps(candidate_on=D(2024, 12, 2), cert_on=cert)
    assert codes(history, cell_vote(vote_on)) == expected


def test_certificate_missing():
    history = [e for e in candidate_steps() if e.kind != K.AWARENESS_COURSE]
    assert codes(history, cell_vote()) == {"awareness_certificate_missing"}


# --- B-03 introducers ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("intro", "expected"),
    [
        (introducers(12, 12), set()),
        (introducers(12, 11), {"introducer_months_together", "introducers_insufficient"}),
        (introducers(24, youth_union=True), set()),
        (introducers(11, youth_union=True), {"introducer_months_together", "introducers_insufficient"}),
        (introducers(24), {"introducers_insufficient"}),
        (introducers(24, 24, official=False), {"introducer_not_official", "introducers_insufficient"}),
    ],
)
def test_introducers(intro, expected):
    history = candidate_steps(intro=intro)[:-2]  # up to the application
    assert codes(history, ev(K.INTRODUCERS, D(2025, 8, 7), data=intro)) == expected
    assert codes(candidate_steps(intro=intro), cell_vote()) == expected


def test_cell_vote_without_introducers():
    history = [e for e in candidate_steps() if e.kind != K.INTRODUCERS]
    assert codes(history, cell_vote()) == {"introducers_missing"}


# --- B-05 / A-09 thresholds, roster and ballots ------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "passes"),
    [
        (vote(9, 6), True),
        (vote(9, 5), False),
        (vote(10, 7), True),
        (vote(10, 6), False),
        # 12 summoned, 1 temporarily transferred out, 1 exempted and absent → roster 10
        (vote(12, 7, temp=1, exempt_absent=1), True),
        (vote(12, 6, temp=1, exempt_absent=1), False),
        (vote(12, 7), False),  # without the reduction 7/12 < 2/3
        (vote(11, 7, exempt_absent=1), True),
    ],
)
def test_two_thirds_of_the_roster(data, passes):
    history = candidate_steps()
    the_vote = ev(K.CELL_VOTE, VOTE_ON, data=data)
    assert codes(history, the_vote) == set()  # a failed vote is a fact worth recording
    assert vote_passed(lookup, the_vote, "admission.cell_vote_threshold") is passes
    decision = codes([*history, the_vote], ev(K.ADMISSION_DECISION, DECISION_ON))
    assert decision == (set() if passes else {"cell_vote_not_passed"})


def test_vote_data_invalid():
    assert codes(candidate_steps(), ev(K.CELL_VOTE, VOTE_ON, data={"yes": 3})) == {"vote_data_invalid"}
    assert codes(candidate_steps(), cell_vote(summoned=5, yes=6)) == {"vote_data_invalid"}
    assert codes(candidate_steps(), cell_vote(summoned=2, yes=0, temp=2)) == {"vote_data_invalid"}


def test_ballot_rounds_and_reporting_up():
    history = candidate_steps()
    assert codes(history, cell_vote(yes=5, ballot_round=3)) == set()
    assert codes(history, cell_vote(yes=5, ballot_round=4)) == {"ballot_round_exceeded"}
    third = [*history, cell_vote(yes=5, ballot_round=3)]
    assert codes(third, ev(K.ADMISSION_DECISION, DECISION_ON, data={"reported_up": True})) == set()
    assert codes(third, ev(K.ADMISSION_DECISION, DECISION_ON)) == {"cell_vote_not_passed"}
    second = [*history, cell_vote(yes=5, ballot_round=2)]
    assert codes(second, ev(K.ADMISSION_DECISION, DECISION_ON, data={"reported_up": True})) == {"cell_vote_not_passed"}


def test_committee_vote():
    passed = [*candidate_steps(), cell_vote()]
    ok = ev(K.COMMITTEE_VOTE, D(2025, 9, 20), data={"committee_members": 7, "yes": 5})
    failed = ev(K.COMMITTEE_VOTE, D(2025, 9, 20), data={"committee_members": 7, "yes": 4})
    assert codes(passed, ok) == set() and codes(passed, failed) == set()
    assert codes([*passed, ok], ev(K.ADMISSION_DECISION, DECISION_ON)) == set()
    assert codes([*passed, failed], ev(K.ADMISSION_DECISION, DECISION_ON)) == {"committee_vote_not_passed"}
    by_committee = ev(K.ADMISSION_DECISION, DECISION_ON, data={"by_grassroots_committee": True})
    assert codes(passed, by_committee) == {"committee_vote_missing"}
    failed_cell = [*candidate_steps(), cell_vote(yes=4)]
    assert codes(failed_cell, ok) == {"committee_vote_without_cell_vote"}


def test_decision_requires_a_cell_vote_and_a_late_decision_is_not_refused():
    assert codes(candidate_steps(), ev(K.ADMISSION_DECISION, DECISION_ON)) == {"cell_vote_missing"}
    late = add_working_days(VOTE_ON, 100)
    assert codes([*candidate_steps(), cell_vote()], ev(K.ADMISSION_DECISION, late)) == set()


def test_status_after_decision_and_ceremony():
    history = build(admitted_steps())
    assert state_on(history, DECISION_ON).status == Status.ADMITTED
    assert state_on(history, DECISION_ON).official_org == CELL
    assert state_on(history, D(2025, 8, 3)).status is None
    assert state_on(history, D(2025, 8, 4)).status == Status.CANDIDATE


# --- B-07 ceremony within 30 working days after the decision; Tết inside the window ------------------------
TET_DECISION = D(2026, 1, 20)


def tet_story():
    return [
        *candidate_steps(candidate_on=D(2025, 11, 3), cert_on=D(2025, 11, 1)),
        cell_vote(D(2026, 1, 8)),
        ev(K.ADMISSION_DECISION, TET_DECISION),
    ]


def test_ceremony_window_with_tet():
    history = build(tet_story())
    # Tết 2026 closes 16–20/02 (Mon–Fri): the 30th working day moves from 03/03 to 10/03.
    assert add_working_days(TET_DECISION, 30, VN.holidays, VN.extra_working_days) == D(2026, 3, 10)
    assert add_working_days(TET_DECISION, 30) == D(2026, 3, 3)
    assert codes(history, ev(K.CEREMONY, D(2026, 3, 10)), calendar=VN) == set()  # 30th working day
    assert codes(history, ev(K.CEREMONY, D(2026, 3, 11)), calendar=VN) == {"ceremony_late"}  # 31st
    assert codes(history, ev(K.CEREMONY, D(2026, 3, 10)), calendar=NO_HOLIDAYS) == {"ceremony_late"}
    consent = ev(K.CEREMONY, D(2026, 3, 11), data={"superior_consent": True})
    assert codes(history, consent, calendar=VN) == set()
    message = problems(history, ev(K.CEREMONY, D(2026, 3, 11)), calendar=VN)[0].message
    assert "10/03/2026" in message and "QĐ 294-QĐ/TW" in message


def test_ceremony_window_counts_from_the_day_the_decision_was_received():
    history = tet_story()
    history[-1] = replace(history[-1], data={"received_on": "2026-01-22"})
    assert codes(history, ev(K.CEREMONY, D(2026, 3, 12)), calendar=VN) == set()
    assert codes(history, ev(K.CEREMONY, D(2026, 3, 13)), calendar=VN) == {"ceremony_late"}


def test_ceremony_needs_a_decision():
    assert codes(candidate_steps(), ev(K.CEREMONY, DECISION_ON)) == {"status_not_allowed"}


def test_candidate_dropped_and_new_candidacy():
    history = build([*candidate_steps(), ev(K.CANDIDATE_DROPPED, D(2025, 9, 1))])
    assert state_on(history, D(2025, 9, 1)).status == Status.NOT_ADMITTED
    assert codes(history, cell_vote()) == {"status_not_allowed"}
    assert codes(history, ev(K.CANDIDATE, D(2025, 10, 1), org=CELL)) == set()
    assert codes(history, ev(K.CANDIDATE, D(2025, 10, 1))) == {"org_required"}


def test_rules_not_in_force_are_reported():
    # The committee-vote threshold is first registered with HD 01-HD/TW (28/09/2021).
    history = candidate_steps(candidate_on=D(2021, 6, 1), cert_on=D(2021, 5, 1))
    found = codes([*history, cell_vote(D(2021, 8, 2))], ev(K.COMMITTEE_VOTE, D(2021, 8, 3),
                  data={"committee_members": 7, "yes": 7}))
    assert "rule_not_in_force" in found
