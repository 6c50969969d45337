"""Transfers (B-15, B-16), exemptions (B-17, B-18), cards (B-13) and where a member is counted (G-04)."""

from __future__ import annotations

from datetime import date as D

from tcxd.rules.pure.membership import Status, Transfer, state_on
from tcxd.rules.pure.membership.engine import counted_at

from .test_membership_support import (
    CELL,
    OTHER_CELL,
    THIRD_CELL,
    K,
    build,
    codes,
    ev,
    official_steps,
    probationary_steps,
)

SENT = D(2027, 3, 1)


def official():
    return build(official_steps())


def test_official_transfer_pending_then_received():
    history = official()
    out = ev(K.TRANSFER_OUT, SENT, target_org=OTHER_CELL)
    assert codes(history, out) == set()
    pending = [*history, out]
    state = state_on(pending, SENT)
    assert state.pending_transfer == Transfer("official", CELL, OTHER_CELL, SENT)
    assert state.official_org == CELL and counted_at(pending, SENT) == CELL  # "đang chuyển": still counted here
    assert codes(pending, ev(K.TRANSFER_OUT, D(2027, 3, 2), target_org=THIRD_CELL)) == {"transfer_already_pending"}
    assert codes(pending, ev(K.TEMP_TRANSFER_OUT, D(2027, 3, 2), target_org=THIRD_CELL)) == {
        "transfer_already_pending"
    }
    received = [*pending, ev(K.TRANSFER_IN, D(2027, 3, 20), org=OTHER_CELL)]
    assert codes(pending, received[-1]) == set()
    state = state_on(received, D(2027, 3, 20))
    assert (state.official_org, state.pending_transfer, state.counted_at) == (OTHER_CELL, None, OTHER_CELL)
    assert counted_at(received, D(2027, 3, 19)) == CELL
    assert codes(received, ev(K.TRANSFER_IN, D(2027, 3, 21), org=OTHER_CELL)) == {"transfer_not_pending"}


def test_transfer_in_defaults_to_the_target_and_cancel_clears_pending():
    pending = [*official(), ev(K.TRANSFER_OUT, SENT, target_org=OTHER_CELL)]
    assert state_on([*pending, ev(K.TRANSFER_IN, D(2027, 3, 5))], D(2027, 3, 5)).official_org == OTHER_CELL
    cancelled = [*pending, ev(K.TRANSFER_CANCELLED, D(2027, 3, 5))]
    assert codes(pending, cancelled[-1]) == set()
    state = state_on(cancelled, D(2027, 3, 5))
    assert (state.official_org, state.pending_transfer) == (CELL, None)
    assert codes(cancelled, ev(K.TRANSFER_CANCELLED, D(2027, 3, 6))) == {"transfer_not_pending"}


def test_transfer_out_of_the_system():
    history = official()
    assert codes(history, ev(K.TRANSFER_OUT, SENT)) == {"transfer_destination_missing"}
    abroad = ev(K.TRANSFER_OUT, SENT, data={"destination": "Đảng bộ ngoài nước, CHLB Đức"})
    assert codes(history, abroad) == set()
    pending = [*history, abroad]
    assert state_on(pending, D(2030, 1, 1)).pending_transfer.destination.startswith("Đảng bộ ngoài nước")
    assert codes(pending, ev(K.TRANSFER_IN, D(2027, 4, 1))) == {"transfer_in_org_missing"}
    assert codes(pending, ev(K.TRANSFER_IN, D(2027, 4, 1), org=THIRD_CELL)) == set()
    assert codes(history, ev(K.TRANSFER_OUT, SENT, target_org=CELL)) == {"transfer_same_org"}


def test_transfer_needs_a_member():
    candidate = build(official_steps()[:5])
    assert codes(candidate, ev(K.TRANSFER_OUT, D(2025, 9, 1), target_org=OTHER_CELL)) == {"status_not_allowed"}
    assert codes(build(probationary_steps()), ev(K.TRANSFER_OUT, D(2026, 1, 5), target_org=OTHER_CELL)) == set()


def test_temporary_transfer_is_counted_at_the_official_org():
    history = official()
    temp = ev(K.TEMP_TRANSFER_OUT, SENT, target_org=OTHER_CELL, data={"until": "2027-09-01"})
    assert codes(history, temp) == set()
    away = [*history, temp]
    state = state_on(away, SENT)
    assert (state.temporary_org, state.official_org, state.counted_at) == (OTHER_CELL, CELL, CELL)
    assert codes(away, ev(K.TEMP_TRANSFER_OUT, D(2027, 4, 1), target_org=THIRD_CELL)) == {"temp_transfer_open"}
    assert codes(away, ev(K.TRANSFER_OUT, D(2027, 4, 1), target_org=THIRD_CELL)) == {"temp_transfer_open"}
    back = [*away, ev(K.TEMP_TRANSFER_RETURN, D(2027, 9, 1))]
    assert codes(away, back[-1]) == set()
    assert state_on(back, D(2027, 9, 1)).temporary_org is None
    assert codes(back, ev(K.TEMP_TRANSFER_RETURN, D(2027, 9, 2))) == {"temp_transfer_not_open"}


def test_temporary_transfer_abroad_and_duration_bounds():
    history = official()
    abroad = ev(K.TEMP_TRANSFER_OUT, SENT, data={"destination": "Nhật Bản"})
    assert codes(history, abroad) == set()
    state = state_on([*history, abroad], SENT)
    assert state.temporary_org is None and state.temporary_transfer.destination == "Nhật Bản"

    def until(day: str, **extra):
        return ev(K.TEMP_TRANSFER_OUT, SENT, target_org=OTHER_CELL, data={"until": day, **extra})

    assert codes(history, until("2027-06-01")) == set()  # exactly 3 months
    assert codes(history, until("2027-05-31")) == {"temp_transfer_too_short"}
    assert codes(history, until("2028-02-29")) == set()  # under 12 months
    assert codes(history, until("2028-03-01")) == {"temp_transfer_too_long"}  # 12 months: official transfer
    assert codes(history, until("2029-03-01", study=True)) == set()  # study: up to 24 months
    assert codes(history, until("2029-03-02", study=True)) == {"temp_transfer_too_long"}
    assert codes(history, until("sau Tết")) == {"temp_transfer_until_invalid"}


def test_exemptions_toggle():
    history = official()
    start = ev(K.EXEMPTION_START, SENT)
    assert codes(history, start) == set()
    assert codes(history, ev(K.EXEMPTION_END, SENT)) == {"exemption_not_active"}
    on = [*history, start]
    assert state_on(on, SENT).exempted and state_on(on, SENT).counted_at == CELL
    assert codes(on, ev(K.EXEMPTION_START, D(2027, 4, 1))) == {"exemption_already_active"}
    assert not state_on([*on, ev(K.EXEMPTION_END, D(2027, 4, 1))], D(2027, 4, 1)).exempted
    temp = [*history, ev(K.TEMP_EXEMPTION_START, SENT)]
    assert state_on(temp, SENT).temp_exempted
    assert codes(temp, ev(K.TEMP_EXEMPTION_START, D(2027, 4, 1))) == {"exemption_already_active"}
    assert codes(history, ev(K.TEMP_EXEMPTION_END, SENT)) == {"exemption_not_active"}


def test_cards_only_for_official_members():
    probationary = build(probationary_steps())
    card = {"card_no": "79012345"}
    assert codes(probationary, ev(K.CARD_ISSUED, D(2026, 1, 5), data=card)) == {"status_not_allowed"}
    history = official()
    assert codes(history, ev(K.CARD_ISSUED, SENT)) == {"card_no_missing"}
    assert codes(history, ev(K.CARD_REPLACED, SENT, data=card)) == {"card_not_issued"}
    issued = [*history, ev(K.CARD_ISSUED, SENT, data=card)]
    assert state_on(issued, SENT).card_no == "79012345"
    assert codes(issued, ev(K.CARD_ISSUED, D(2027, 4, 1), data=card)) == {"card_already_issued"}
    replaced = [*issued, ev(K.CARD_REPLACED, D(2027, 4, 1), data={"card_no": "79099999"})]
    assert state_on(replaced, D(2027, 4, 1)).card_no == "79099999"
    gone = [*replaced, ev(K.STRUCK_OFF, D(2028, 1, 3), data={"exit_ground": "b_card_returned"})]
    assert state_on(gone, D(2028, 1, 3)).card_no == ""


def test_events_may_not_be_backdated_but_same_day_is_fine():
    history = official()
    assert codes(history, ev(K.EXEMPTION_START, D(2026, 10, 19))) == {"event_out_of_order"}  # vote on 20/10
    assert codes(history, ev(K.EXEMPTION_START, D(2026, 10, 20))) == set()
    same_day = [*history, ev(K.EXEMPTION_START, SENT, seq=2)]
    assert codes(same_day, ev(K.EXEMPTION_END, SENT, seq=2)) == set()
    assert codes(same_day, ev(K.EXEMPTION_END, SENT, seq=1)) == {"event_out_of_order"}
    assert state_on(history, D(2026, 11, 4)).status == Status.OFFICIAL
