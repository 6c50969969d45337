"""Fee reads: the cell's ledger, the year grid and arrears, the collection report, party age."""

from __future__ import annotations

import datetime as dt

from tcxd.fees import selectors as Q
from tcxd.fees import services as S
from tcxd.fees.models import FeeBasis, FeePayment

from .factories import make_member

D = dt.date
JAN, FEB, MAR = D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)


def _pay(tree, member, month, amount):
    S.fee_payment_record(actor=tree.admin, member=member, month=month, amount_paid=amount, paid_on=month,
                         channel="cash")


def test_ledger_rows_totals_and_moved_members(tree, cell_members):
    for m, base in (("an", 8_000_000), ("binh", 4_000_000)):
        FeeBasis.objects.create(member=cell_members[m], valid_from=JAN, group=cell_members[m].fee_group,
                                base_amount=base)
    S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=FEB)
    _pay(tree, cell_members["an"], FEB, 80_000)
    ledger = Q.fee_ledger(org=tree.cell_a1, month=FEB)
    assert [r.member.full_name for r in ledger.rows] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    assert (ledger.count, ledger.computed, ledger.paid) == (3, 3, 1)
    assert (ledger.total_due, ledger.total_paid) == (80_000 + 20_000 + 5_000, 80_000)
    assert ledger.regulation == "QĐ 01-QĐ/TW"
    # Bình moves to cell B1: her February line stays in A1's ledger
    binh = cell_members["binh"]
    binh.org = tree.cell_b1
    binh.save(update_fields=["org"])
    names = [r.member.full_name for r in Q.fee_ledger(org=tree.cell_a1, month=FEB).rows]
    assert "Trần Thị Bình" in names and len(names) == 3


def test_year_grid_and_arrears_count_only_months_that_are_over(tree, cell_members):
    cuong = cell_members["cuong"]
    for month in (FEB, MAR, D(2026, 4, 1), D(2026, 5, 1)):
        S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=month)
    _pay(tree, cuong, MAR, 5_000)
    today = D(2026, 5, 20)  # May is still open
    rows = {r.member.full_name: r for r in Q.fee_year(org=tree.cell_a1, year=2026, today=today)}
    row = rows["Lê Văn Cường"]
    assert [mark for mark, _ in row.cells[:6]] == ["none", "unpaid", "paid", "unpaid", "future", "future"]
    assert row.unpaid_months == [FEB, D(2026, 4, 1)] and row.owed == 10_000 and row.paid_total == 5_000
    # An and Bình have no basis: nothing computable is due, so no arrears
    assert rows["Nguyễn Văn An"].unpaid_months == []
    arrears = Q.fee_arrears(org=tree.cell_a1, year=2026, today=today)
    assert [r.member.full_name for r in arrears] == ["Lê Văn Cường"]
    assert Q.unpaid_months(member_ids=[cuong.pk], first=JAN, last=D(2026, 12, 1), today=today) == {
        cuong.pk: {FEB, D(2026, 4, 1)}}


def test_exempt_month_is_not_arrears(tree):
    old = make_member(tree.cell_a1, "Hoàng Văn Lão", admitted_on=D(1970, 1, 1), fee_group="student")
    S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=FEB)
    row = Q.fee_year(org=tree.cell_a1, year=2026, today=D(2026, 6, 1))[0]
    assert row.member == old and row.cells[1][0] == "exempt" and row.unpaid_months == []


def test_collection_report_by_cell_with_totals(tree, cell_members):
    make_member(tree.gcell_a2, "Đỗ Thị Giáo", fee_group="student")
    S.fee_month_compute(actor=tree.admin, org=tree.province, month=FEB)
    _pay(tree, cell_members["cuong"], FEB, 5_000)
    make_member(tree.cell_a1, "Mới Vào", fee_group="student")  # not computed yet
    report = Q.fee_collection_report(org=tree.commune_a, month=FEB)
    by_name = {r.name: r for r in report.rows}
    assert set(by_name) == {"Chi bộ Khối 1", "Chi bộ Trường Tiểu học Đông Kinh"}  # B1 is another commune
    a1 = by_name["Chi bộ Khối 1"]
    assert (a1.members, a1.lines, a1.due, a1.paid_count, a1.paid, a1.unpaid_count, a1.not_computable,
            a1.not_computed) == (4, 3, 5_000, 1, 5_000, 0, 2, 1)
    a2 = by_name["Chi bộ Trường Tiểu học Đông Kinh"]
    assert (a2.due, a2.unpaid_count, a2.unpaid_due) == (5_000, 1, 5_000)
    total = report.total
    assert (total.members, total.lines, total.due, total.paid, total.unpaid_due) == (5, 4, 10_000, 5_000, 5_000)
    assert report.regulation == "QĐ 01-QĐ/TW" and report.remit_share is None and report.remit_amount is None
    jan = Q.fee_collection_report(org=tree.commune_a, month=JAN)
    assert jan.remit_share is not None  # QĐ 342: the cell remits 70 %
    assert FeePayment.objects.filter(month=JAN).count() == 0 and jan.total.lines == 0
