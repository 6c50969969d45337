"""The register and the striking-off candidates (B-19 a): 2 vs 3 months, calendar vs rolling reading,
absences joined with unpaid fees."""

from __future__ import annotations

import datetime as dt

from tcxd.fees import services as fee_services
from tcxd.meetings import selectors as Q
from tcxd.meetings import services as S

D = dt.date
TODAY = D(2026, 11, 21)


def meet(tree, cell, day, unexcused=(), excused=(), kind="regular"):
    att = {cell["an"].pk: ("present", ""), cell["binh"].pk: ("present", "")}
    for key in unexcused:
        att[cell[key].pk] = ("absent_unexcused", "")
    for key in excused:
        att[cell[key].pk] = ("absent_excused", "Ốm")
    return S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=day, kind=kind,
                            topic="Chuyên đề" if kind != "regular" else "", attendance=att)


def names(found):
    return [c.member.full_name for c in found]


def test_register_grid_and_rates(tree, cell):
    meet(tree, cell, D(2026, 1, 8), unexcused=["an"])
    meet(tree, cell, D(2026, 2, 5), excused=["binh"])
    reg = Q.meeting_register(org=tree.cell_a1, year=2026)
    assert [m.held_on for m in reg.meetings] == [D(2026, 1, 8), D(2026, 2, 5)]
    rows = {r.member.full_name: r for r in reg.rows}
    assert rows["Nguyễn Văn An"].marks == ["absent_unexcused", "present"]
    assert (rows["Trần Thị Bình"].present, rows["Trần Thị Bình"].excused) == (1, 1)
    assert rows["Lê Văn Cường"].marks == [None, None]  # exempted, never marked
    assert (reg.present_total, reg.marks_total) == (2, 4)
    assert Q.meeting_register(org=tree.cell_a1, year=2025).meetings == []


def test_two_missed_months_are_not_enough_three_are(tree, cell):
    meet(tree, cell, D(2026, 1, 8), unexcused=["an"])
    meet(tree, cell, D(2026, 1, 22), unexcused=["an"], kind="extraordinary")  # same month: counts once
    meet(tree, cell, D(2026, 4, 9), unexcused=["an", "binh"])
    assert Q.striking_off_candidates(org=tree.cell_a1, year=2026, today=TODAY) == []
    meet(tree, cell, D(2026, 9, 10), unexcused=["an"])
    found = Q.striking_off_candidates(org=tree.cell_a1, year=2026, today=TODAY)
    assert names(found) == ["Nguyễn Văn An"]
    assert found[0].absent_months == [D(2026, 1, 1), D(2026, 4, 1), D(2026, 9, 1)]
    meet(tree, cell, D(2026, 10, 8), excused=["binh"])  # excused absences never count
    assert names(Q.striking_off_candidates(org=tree.cell_a1, year=2026, today=TODAY)) == ["Nguyễn Văn An"]


def test_calendar_vs_rolling_reading(tree, cell):
    for day in (D(2025, 11, 6), D(2025, 12, 4), D(2026, 1, 8)):
        meet(tree, cell, day, unexcused=["binh"])
    feb = D(2026, 2, 15)
    assert Q.striking_off_candidates(org=tree.cell_a1, year=2025, today=feb) == []  # 2 months in 2025
    assert Q.striking_off_candidates(org=tree.cell_a1, year=2026, today=feb) == []  # 1 month in 2026
    rolling = Q.striking_off_candidates(org=tree.cell_a1, year=2026, reading="rolling", today=feb)
    assert names(rolling) == ["Trần Thị Bình"]  # 03/2025–02/2026 holds all three
    assert Q.strike_off_window(year=2026, reading="rolling", today=feb) == (D(2025, 3, 1), D(2026, 2, 1))
    assert Q.strike_off_window(year=2025, reading="rolling", today=feb) == (D(2025, 1, 1), D(2025, 12, 1))
    late = D(2027, 1, 20)  # a year later the November absence has left the rolling window
    assert Q.striking_off_candidates(org=tree.cell_a1, year=2027, reading="rolling", today=late) == []


def test_absences_and_unpaid_fees_are_counted_together(tree, cell):
    cuong = cell["cuong"]  # exempted from activities, but a student who owes 5.000 đ a month
    cuong.fee_group = "student"
    cuong.save(update_fields=["fee_group"])
    for month in (D(2026, 2, 1), D(2026, 3, 1)):
        fee_services.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=month)
    att = {cell["an"].pk: ("present", ""), cell["binh"].pk: ("present", ""), cuong.pk: ("absent_unexcused", "")}
    S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=D(2026, 3, 12), attendance=att)
    assert Q.striking_off_candidates(org=tree.cell_a1, year=2026, today=TODAY) == []  # Feb + Mar = 2 months
    S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=D(2026, 5, 7), attendance=att)
    found = Q.striking_off_candidates(org=tree.cell_a1, year=2026, today=TODAY)
    assert names(found) == ["Lê Văn Cường"]
    assert found[0].months == [D(2026, 2, 1), D(2026, 3, 1), D(2026, 5, 1)]
    assert found[0].unpaid_months == [D(2026, 2, 1), D(2026, 3, 1)]
    # paying February late takes it off the list
    fee_services.fee_payment_record(actor=tree.admin, member=cuong, month=D(2026, 2, 1), amount_paid=5000,
                                    paid_on=D(2026, 6, 1), channel="cash")
    assert Q.striking_off_candidates(org=tree.cell_a1, year=2026, today=TODAY) == []


def test_the_current_month_of_fees_is_not_counted_yet(tree, cell):
    cuong = cell["cuong"]
    cuong.fee_group = "student"
    cuong.save(update_fields=["fee_group"])
    for month in (D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1)):
        fee_services.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=month)
    assert Q.striking_off_candidates(org=tree.cell_a1, year=2026, today=D(2026, 4, 10)) == []
    assert names(Q.striking_off_candidates(org=tree.cell_a1, year=2026, today=D(2026, 5, 1))) == ["Lê Văn Cường"]


def test_threshold_comes_from_the_rules_and_can_be_given(tree, cell):
    meet(tree, cell, D(2026, 1, 8), unexcused=["an"])
    assert Q.strike_off_months(D(2026, 1, 1)) == 3
    assert names(Q.striking_off_candidates(org=tree.cell_a1, year=2026, months=1, today=TODAY)) == [
        "Nguyễn Văn An"]


def test_cells_in_scope_with_latest_meeting(tree, users, cell):
    meet(tree, cell, D(2026, 1, 8))
    meet(tree, cell, D(2026, 2, 5))
    cells = list(Q.cells_in_scope(actor=users["commune_officer"]))
    assert [c.name for c in cells] == ["Chi bộ Khối 1", "Chi bộ Trường Tiểu học Đông Kinh"]
    assert cells[0].last_meeting == D(2026, 2, 5) and cells[1].last_meeting is None
    assert [c.name for c in Q.cells_in_scope(actor=users["province_officer"], q="ban cam")] == [
        "Chi bộ Thôn Bản Cắm"]
