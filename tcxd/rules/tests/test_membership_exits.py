"""Leaving, readmission, restoration, discipline and party age (B-08, B-12, B-19 … B-22)."""

from __future__ import annotations

from datetime import date as D

import pytest

from tcxd.rules.pure.membership import Facts, Status, party_age, state_on

from .test_membership_support import (
    CELL,
    OTHER_CELL,
    K,
    build,
    codes,
    ev,
    introducers,
    official_steps,
    old_official,
    probationary_steps,
    problems,
    vote,
)

OLD = Facts(birth_date=D(1968, 1, 1), sex="M")
EXIT_ON = D(2020, 3, 2)
READMIT_ON = D(2023, 3, 2)  # 36 months after the exit


def struck_off(ground: str = "a_unpaid_fees", on: D = EXIT_ON):
    return ev(K.STRUCK_OFF, on, data={"exit_ground": ground})


def readmission_procedure(org: int = OTHER_CELL):
    return [
        ev(K.AWARENESS_COURSE, D(2022, 10, 3)),
        ev(K.APPLICATION, D(2022, 11, 1)),
        ev(K.INTRODUCERS, D(2022, 11, 2), data=introducers(13, 20)),
        ev(K.CELL_VOTE, D(2023, 1, 10), org=org, data=vote(9, 6)),
    ]


def readmit(on: D = READMIT_ON, org: int = OTHER_CELL, **data):
    return ev(K.READMISSION_DECISION, on, org=org, data={"provincial_consent": True, **data})


def out_story(exit_event=None):
    return [*old_official(), exit_event or struck_off(), *readmission_procedure()]


def test_readmission_36_months_after_the_exit():
    history = out_story()
    assert codes(history, readmit(), OLD) == set()
    assert codes(history, readmit(D(2023, 3, 1)), OLD) == {"readmission_too_early"}
    done = [*history, readmit()]
    state = state_on(done, READMIT_ON)
    assert (state.status, state.official_org) == (Status.ADMITTED, OTHER_CELL)
    assert state_on(done, D(2023, 3, 1)).status == Status.STRUCK_OFF


def test_readmission_needs_consent_and_a_passing_cell_vote():
    assert codes(out_story(), readmit(provincial_consent=False), OLD) == {"readmission_consent_missing"}
    no_vote = [*old_official(), struck_off(), *readmission_procedure()[:-1]]
    assert codes(no_vote, readmit(), OLD) == {"cell_vote_missing"}


@pytest.mark.parametrize(
    ("exit_event", "expected"),
    [
        (struck_off("a_quit_activities"), {"readmission_barred_ground"}),
        (struck_off("b_card_returned"), set()),
        (ev(K.EXPELLED, EXIT_ON, data={"exit_ground": "corruption"}), {"readmission_barred_ground"}),
        (ev(K.EXPELLED, EXIT_ON, data={"exit_ground": "serious_crime"}), {"readmission_barred_ground"}),
        (ev(K.EXPELLED, EXIT_ON, data={"exit_ground": "disunity"}), {"readmission_barred_ground"}),
        (ev(K.EXPELLED, EXIT_ON, data={"exit_ground": "other_violation"}), set()),
        (ev(K.DISCIPLINE, EXIT_ON, data={"form": "khai_tru", "exit_ground": "corruption"}),
         {"readmission_barred_ground"}),
        (ev(K.LEFT, EXIT_ON), {"readmission_barred_left"}),
        (ev(K.LEFT, EXIT_ON, data={"family_hardship": True}), set()),
        (ev(K.EXPELLED, EXIT_ON), {"readmission_exit_ground_unknown"}),
    ],
)
def test_readmission_grounds(exit_event, expected):
    assert codes(out_story(exit_event), readmit(), OLD) == expected


def test_ground_of_an_imported_exit_may_be_given_with_the_readmission():
    history = out_story(ev(K.EXPELLED, EXIT_ON))
    assert codes(history, readmit(exit_ground="other_violation"), OLD) == set()
    assert codes(history, readmit(exit_ground="disunity"), OLD) == {"readmission_barred_ground"}


def test_minor_crime_waits_60_months_after_expungement():
    history = out_story(ev(K.EXPELLED, EXIT_ON, data={"exit_ground": "minor_crime"}))
    assert codes(history, readmit(), OLD) == {"readmission_expungement_missing"}
    assert codes(history, readmit(record_expunged_on="2018-03-02"), OLD) == set()
    assert codes(history, readmit(record_expunged_on="2018-03-03"), OLD) == {"readmission_too_early"}


def readmitted_official():
    """Struck off 02/03/2020, readmitted 02/03/2023, recognized again 20/03/2024 (validated from the exit)."""
    return build(
        [
            *readmission_procedure(), readmit(), ev(K.CEREMONY, D(2023, 3, 20)),
            ev(K.RECOGNITION_VOTE, D(2024, 3, 25), data=vote(9, 6)), ev(K.RECOGNITION, D(2024, 3, 20)),
        ],
        OLD,
        on=[*old_official(), struck_off()],
    )


def test_readmission_only_once():
    again = build(
        [
            struck_off("a_unpaid_fees", D(2025, 1, 6)), ev(K.APPLICATION, D(2028, 2, 1)),
            ev(K.INTRODUCERS, D(2028, 2, 1), data=introducers(13, 13)), ev(K.AWARENESS_COURSE, D(2028, 2, 1)),
            ev(K.CELL_VOTE, D(2028, 2, 10), data=vote(9, 6, provincial_approval=True)),
        ],
        OLD,
        on=readmitted_official(),
    )
    assert codes(again, readmit(D(2028, 3, 1)), OLD) == {"readmission_limit"}


def test_readmitted_member_serves_probation_again():
    history = [*out_story(), readmit()]
    assert codes(history, ev(K.CEREMONY, D(2023, 3, 20)), OLD) == set()
    after = [*history, ev(K.CEREMONY, D(2023, 3, 20))]
    assert state_on(after, D(2023, 3, 20)).status == Status.PROBATIONARY
    assert codes(after, ev(K.RECOGNITION_VOTE, D(2024, 3, 19), data=vote(9, 6)), OLD) == {
        "recognition_vote_too_early"
    }


# --- B-12 party age ------------------------------------------------------------------------------------------
def test_party_age_minus_the_gap_until_readmission():
    history = readmitted_official()
    gap = (READMIT_ON - EXIT_ON).days
    assert gap == 1095
    # effective start 10/05/1990 + 1095 days = 09/05/1993
    age = party_age(history, D(2025, 5, 9))
    assert age is not None and (age.years, age.months, age.excluded_days) == (32, 0, gap)
    assert age.since == D(1990, 5, 10)
    age = party_age(history, D(2025, 5, 8))
    assert age is not None and (age.years, age.months) == (31, 11)
    frozen = party_age(history, D(2021, 1, 1))  # out of the Party: frozen at the exit
    assert frozen is not None and (frozen.years, frozen.months, frozen.excluded_days) == (29, 9, 0)
    # probationary again after readmission: still counted (from the first admission, minus the gap)
    during = party_age(history, D(2023, 6, 1))
    assert during is not None and during.excluded_days == gap


def test_restored_member_keeps_a_continuous_party_age():
    history = [*old_official(), struck_off()]
    assert codes(history, ev(K.RESTORED, D(2021, 6, 1)), OLD) == set()
    done = [*history, ev(K.RESTORED, D(2021, 6, 1))]
    state = state_on(done, D(2021, 6, 1))
    assert (state.status, state.official_org) == (Status.OFFICIAL, CELL)
    age = party_age(done, D(2025, 5, 10))
    assert age is not None and (age.years, age.months, age.excluded_days) == (35, 0, 0)
    left = [*old_official(), ev(K.LEFT, EXIT_ON)]
    assert codes(left, ev(K.RESTORED, D(2021, 6, 1)), OLD) == {"status_not_allowed"}


def test_death_freezes_party_age_and_blocks_further_events():
    history = [*old_official(), ev(K.DIED, D(2024, 1, 15))]
    assert state_on(history, D(2024, 1, 15)).status == Status.DECEASED
    assert party_age(history, D(2030, 1, 1)) == party_age(history, D(2024, 1, 15))
    assert codes(history, ev(K.TRANSFER_OUT, D(2024, 2, 1), target_org=OTHER_CELL), OLD) == {"member_deceased"}
    assert "15/01/2024" in problems(history, ev(K.EXEMPTION_START, D(2024, 2, 1)), OLD)[0].message


# --- B-19 / B-20 exits -----------------------------------------------------------------------------------------
def test_exit_events():
    official = build(official_steps())
    assert codes(official, struck_off("c_no_progress", D(2027, 1, 4))) == set()
    assert codes(official, ev(K.STRUCK_OFF, D(2027, 1, 4))) == {"exit_ground_invalid"}
    assert codes(official, ev(K.EXPELLED, D(2027, 1, 4), data={"exit_ground": "x"})) == {"exit_ground_invalid"}
    probationary = build(probationary_steps())
    assert codes(probationary, struck_off("c_no_progress", D(2026, 1, 5))) == {"status_not_allowed"}
    assert codes(probationary, ev(K.LEFT, D(2026, 1, 5))) == set()
    gone = [*official, ev(K.LEFT, D(2027, 1, 4))]
    assert state_on(gone, D(2027, 1, 4)).status == Status.LEFT
    assert codes(gone, ev(K.LEFT, D(2027, 2, 1))) == {"status_not_allowed"}


# --- B-22 discipline ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "probationary", "official"),
    [
        ({"form": "khien_trach"}, set(), set()),
        ({"form": "canh_cao"}, set(), set()),
        ({"form": "cach_chuc", "holds_post": True}, {"discipline_form_probationary"}, set()),
        ({"form": "cach_chuc"}, {"discipline_form_probationary", "discipline_no_post"}, {"discipline_no_post"}),
        ({"form": "khai_tru", "exit_ground": "other_violation"}, {"discipline_form_probationary"}, set()),
        ({"form": "khai_tru"}, {"discipline_form_probationary"}, {"exit_ground_invalid"}),
        ({"form": "phat_tien"}, {"discipline_form_invalid"}, {"discipline_form_invalid"}),
    ],
)
def test_discipline_forms(data, probationary, official):
    on = D(2026, 12, 1)
    assert codes(build(probationary_steps()), ev(K.DISCIPLINE, on, data=data)) == probationary
    assert codes(build(official_steps()), ev(K.DISCIPLINE, on, data=data)) == official


def test_expulsion_by_discipline_ends_membership():
    history = [*build(official_steps()), ev(K.DISCIPLINE, D(2027, 1, 4), data={"form": "khai_tru",
                                                                                  "exit_ground": "corruption"})]
    assert state_on(history, D(2027, 1, 4)).status == Status.EXPELLED
    assert state_on(history, D(2027, 1, 4)).counted_at is None
