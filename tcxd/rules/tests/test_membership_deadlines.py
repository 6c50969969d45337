"""Open deadlines (B-04, B-06, B-07, B-11, B-15, B-16) over the real holiday calendar."""

from __future__ import annotations

from datetime import date as D
from datetime import timedelta

from tcxd.rules.pure.calendar import add_working_days
from tcxd.rules.pure.membership import open_deadlines

from .test_membership_support import (
    CEREMONY_ON,
    CERT_ON,
    DECISION_ON,
    OTHER_CELL,
    PROBATION_END,
    RECOG_VOTE_ON,
    VN,
    VOTE_ON,
    K,
    admitted_steps,
    build,
    candidate_steps,
    ev,
    lookup,
    official_steps,
    old_official,
    probationary_steps,
    vote,
)


def wd(start: D, n: int) -> D:
    return add_working_days(start, n, VN.holidays, VN.extra_working_days)


def deadlines(history, on):
    return [(d.code, d.due, d.overdue) for d in open_deadlines(history, on, lookup, VN)]


def test_certificate_expiry_while_waiting_for_the_cell():
    history = build(candidate_steps())
    assert deadlines(history, D(2025, 8, 10)) == [("awareness_certificate_expiry", D(2030, 8, 5), False)]
    assert deadlines(history, D(2030, 8, 5)) == [("awareness_certificate_expiry", D(2030, 8, 5), False)]
    assert deadlines(history, D(2030, 8, 6)) == [("awareness_certificate_expiry", D(2030, 8, 5), True)]
    assert CERT_ON == D(2025, 8, 5)


def test_admission_decision_due_60_working_days_after_the_cell_vote():
    history = build([*candidate_steps(), ev(K.CELL_VOTE, VOTE_ON, data=vote(9, 6))])
    due = wd(VOTE_ON, 60)
    assert deadlines(history, due) == [("admission_decision_due", due, False)]
    assert deadlines(history, due + timedelta(days=1)) == [("admission_decision_due", due, True)]
    failed = [*candidate_steps(), ev(K.CELL_VOTE, VOTE_ON, data=vote(9, 5))]
    assert [c for c, *_ in deadlines(failed, VOTE_ON)] == ["awareness_certificate_expiry"]
    message = open_deadlines(history, due, lookup, VN)[0].message
    assert "10/09/2025" in message and "điểm 4.3" in message


def test_ceremony_due():
    history = build(admitted_steps())
    assert deadlines(history, DECISION_ON) == [("ceremony_due", wd(DECISION_ON, 30), False)]
    assert deadlines(history, D(2026, 1, 1)) == [("ceremony_due", wd(DECISION_ON, 30), True)]


def test_recognition_review_and_decision_due():
    history = build(probationary_steps())
    review = wd(PROBATION_END, 30)
    assert deadlines(history, CEREMONY_ON) == [("recognition_review_due", review, False)]
    assert deadlines(history, review + timedelta(days=1))[0][2] is True
    voted = [*history, ev(K.RECOGNITION_VOTE, RECOG_VOTE_ON, data=vote(10, 7))]
    assert deadlines(voted, RECOG_VOTE_ON) == [("recognition_decision_due", wd(RECOG_VOTE_ON, 30), False)]
    assert deadlines(build(official_steps()), D(2027, 1, 1)) == []


def test_transfer_receipt_due_while_pending():
    sent = D(2027, 3, 1)
    history = [*build(official_steps()), ev(K.TRANSFER_OUT, sent, target_org=OTHER_CELL)]
    due = wd(sent, 60)
    assert deadlines(history, sent) == [("transfer_receipt_due", due, False)]
    assert deadlines(history, D(2027, 12, 1)) == [("transfer_receipt_due", due, True)]
    assert deadlines([*history, ev(K.TRANSFER_IN, D(2027, 4, 1), org=OTHER_CELL)], D(2027, 12, 1)) == []
    abroad = [*build(official_steps()), ev(K.TRANSFER_OUT, sent, data={"destination": "Lào"})]
    assert deadlines(abroad, D(2027, 12, 1)) == []


def test_temporary_transfer_return_due():
    history = [*build(official_steps()), ev(K.TEMP_TRANSFER_OUT, D(2027, 3, 1), target_org=OTHER_CELL,
                                            data={"until": "2027-09-01"})]
    assert deadlines(history, D(2027, 9, 2)) == [("temp_transfer_return_due", D(2027, 9, 1), True)]


def test_readmission_deadline_only_once_the_procedure_started():
    out = [*old_official(), ev(K.STRUCK_OFF, D(2020, 3, 2), data={"exit_ground": "a_unpaid_fees"})]
    assert deadlines(out, D(2021, 1, 1)) == []
    voted = [*out, ev(K.APPLICATION, D(2022, 11, 1)), ev(K.CELL_VOTE, D(2023, 1, 10), data=vote(9, 6))]
    assert deadlines(voted, D(2023, 1, 10)) == [("admission_decision_due", wd(D(2023, 1, 10), 60), False)]
    assert "kết nạp lại" in open_deadlines(voted, D(2023, 1, 10), lookup, VN)[0].message
