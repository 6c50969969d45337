"""B-21 screening (CT 28-CT/TW, HD 02-HD/BTCTW): the cell's secret-ballot tally puts a member on the
help list at ≥ 2/3 of official members (exempted members excluded); the result is judged after the
help period (configurable, default 12 months); and B-09's party-CV deadline."""

from __future__ import annotations

from datetime import date as D

import pytest

from tcxd.rules.pure.membership import on_help_list, open_deadlines, party_cv_deadline

from .test_membership_support import NO_HOLIDAYS, VN, K, build, codes, ev, lookup, official_steps, vote

VOTE_DAY = D(2027, 1, 4)


def official():
    return build(official_steps())


@pytest.mark.parametrize("summoned, exempted, yes, listed", [
    (9, 0, 6, True),    # 6/9 = 2/3 exactly
    (9, 0, 5, False),   # 5/9 < 2/3
    (10, 1, 6, True),   # exempted members are not in the base: 6/9
    (10, 0, 6, False),  # 6/10 < 2/3
])
def test_the_list_needs_two_thirds_of_official_members_without_the_exempted(summoned, exempted, yes, listed):
    history = [*official(), ev(K.SCREENING_VOTE, VOTE_DAY, data=vote(summoned, yes, exempt_absent=exempted))]
    assert codes(history[:-1], history[-1]) == set()
    assert (on_help_list(history, lookup) is not None) is listed


def test_a_tally_with_more_votes_than_members_is_refused():
    assert "vote_data_invalid" in codes(official(), ev(K.SCREENING_VOTE, VOTE_DAY, data=vote(9, 10)))
    assert "vote_data_invalid" in codes(official(), ev(K.SCREENING_VOTE, VOTE_DAY, data={}))


def test_result_is_judged_after_the_help_period_day_before_and_day_of():
    listed = [*official(), ev(K.SCREENING_VOTE, VOTE_DAY, data=vote(9, 6))]
    day_before = ev(K.SCREENING_RESULT, D(2028, 1, 3), data={"outcome": "not_improved"})
    day_of = ev(K.SCREENING_RESULT, D(2028, 1, 4), data={"outcome": "not_improved"})
    assert "screening_result_too_early" in codes(listed, day_before)
    assert codes(listed, day_of) == set()
    assert "screening_outcome_invalid" in codes(listed, ev(K.SCREENING_RESULT, D(2028, 1, 4), data={"outcome": "?"}))


def test_one_listing_at_a_time_and_the_result_closes_it():
    listed = [*official(), ev(K.SCREENING_VOTE, VOTE_DAY, data=vote(9, 6))]
    assert "screening_already_listed" in codes(listed, ev(K.SCREENING_VOTE, D(2027, 6, 1), data=vote(9, 6)))
    closed = [*listed, ev(K.SCREENING_RESULT, D(2028, 1, 4), data={"outcome": "improved"})]
    assert on_help_list(closed, lookup) is None
    assert codes(closed, ev(K.SCREENING_VOTE, D(2028, 6, 1), data=vote(9, 5))) == set()  # a new round may vote
    # A failed vote never listed anyone: no result to record.
    failed = [*official(), ev(K.SCREENING_VOTE, VOTE_DAY, data=vote(9, 5))]
    assert "screening_not_listed" in codes(failed, ev(K.SCREENING_RESULT, D(2028, 1, 4), data={"outcome": "improved"}))


def test_the_help_period_end_is_an_open_deadline_until_the_result():
    listed = [*official(), ev(K.SCREENING_VOTE, VOTE_DAY, data=vote(9, 6))]
    due = [d for d in open_deadlines(listed, D(2027, 6, 1), lookup, NO_HOLIDAYS) if d.code == "screening_review_due"]
    assert [(d.due, d.overdue, d.rule) for d in due] == [(D(2028, 1, 4), False, "B-21")]
    late = [d for d in open_deadlines(listed, D(2028, 1, 5), lookup, NO_HOLIDAYS) if d.code == "screening_review_due"]
    assert late[0].overdue
    closed = [*listed, ev(K.SCREENING_RESULT, D(2028, 1, 4), data={"outcome": "improved"})]
    assert not [d for d in open_deadlines(closed, D(2028, 2, 1), lookup, NO_HOLIDAYS) if d.code.startswith("scr")]


def test_party_cv_is_due_30_working_days_after_the_ceremony():
    history = official()
    ceremony = next(e for e in history if e.kind == K.CEREMONY)
    deadline = party_cv_deadline(history, D(2027, 1, 4), lookup, VN)
    assert deadline is not None and deadline.rule == "B-09" and deadline.overdue
    assert deadline.due > ceremony.on
    # 30 working days: the day before the due date is not overdue, the day after is.
    assert not party_cv_deadline(history[:history.index(ceremony) + 1], deadline.due, lookup, VN).overdue
    assert party_cv_deadline(history[:history.index(ceremony) + 1], D.fromordinal(deadline.due.toordinal() + 1),
                             lookup, VN).overdue
    assert party_cv_deadline(history[:history.index(ceremony)], D(2027, 1, 4), lookup, VN) is None  # no ceremony
