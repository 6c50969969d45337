"""No N+1: the fee pages, downloads and endpoints that show rows (members, ledger lines, cells of a report)
run as many queries with a few rows as with many. (The ledger page and the month's compute have their own
tests in test_views.)"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tcxd.common.tests.queries import api_client, assert_flat, flat, measure, session_client, warm
from tcxd.conftest import make_org
from tcxd.fees import services as S
from tcxd.fees.models import FeePayment
from tcxd.orgs.kinds import OrgKind

from .factories import make_member

D = dt.date
JAN, FEB = D(2026, 1, 1), D(2026, 2, 1)
GROUPS = ["salary", "student", "pension", "other"]


def _grow(tree, start, n):
    """``n`` members in turn in cell A1, grassroots cell A2, cell B1 and a new cell of commune B (one more row of
    the reports), of every fee group, some with a basis or a reduction; January and February computed for the
    province, January paid by every other member."""
    for i in range(start, start + n):
        cell = [tree.cell_a1, tree.gcell_a2, tree.cell_b1, None][i % 4] or make_org(
            tree.admin, tree.commune_b, OrgKind.CELL, name=f"Chi bộ Thôn {i}")
        member = make_member(cell, f"Đảng Viên Thứ {i}", fee_group=GROUPS[i % 4], sex="F" if i % 2 else "M")
        if i % 4 in (0, 2):
            S.fee_basis_set(actor=tree.admin, member=member, valid_from=JAN, group=GROUPS[i % 4],
                            base_amount=5_000_000 + 100_000 * i)
        if i % 3 == 1:
            S.fee_decision_create(actor=tree.admin, member=member, kind="reduce", ground="hardship", percent=50,
                                  from_month=FEB, to_month=D(2026, 6, 1), reason="Ốm đau", decision_no=f"{i}-QĐ/ĐU")
    for month in (JAN, FEB):
        S.fee_month_compute(actor=tree.admin, org=tree.province, month=month)
    for n, line in enumerate(FeePayment.objects.filter(month=JAN, amount_paid__isnull=True,
                                                       amount_due__gt=0).select_related("member")):
        if n % 2 == 0:
            S.fee_payment_record(actor=tree.admin, member=line.member, month=JAN, amount_paid=line.amount_due,
                                 paid_on=D(2026, 1, 20), channel="cash" if n % 4 else "portal")


def _flat(client, tree, urls, small=4, large=16):
    flat(client, urls, lambda start, n: _grow(tree, start, n), small, large)


def test_fee_report_page_and_downloads_queries_do_not_grow_with_rows(tree, users):
    url = reverse("fees:report")
    _flat(session_client(users["province_officer"]), tree, [
        (url, {"thang": "01/2026"}), (url, {"thang": "02/2026", "to_chuc": tree.commune_b.pk}),
        (url, {"thang": "01/2026", "tai": "csv"}), (url, {"thang": "01/2026", "tai": "xlsx"})])


def test_fee_year_bases_and_form_pages_queries_do_not_grow_with_rows(tree, users):
    urls = [(reverse("fees:year", args=[org.pk]), {"nam": "2026"}) for org in (tree.cell_a1, tree.commune_b)]
    urls += [(reverse("fees:bases", args=[org.pk]), {"thang": "02/2026"}) for org in (tree.cell_a1, tree.province)]
    urls += [reverse(name, args=[tree.cell_a1.pk]) for name in ("fees:basis_create", "fees:decision_create")]
    _flat(session_client(users["province_officer"]), tree, urls)


def test_fee_api_ledger_arrears_and_report_queries_do_not_grow_with_rows(tree, users):
    urls = [(f"/api/fees/orgs/{org.pk}/ledger", {"month": "2026-01-01"}) for org in (tree.cell_a1, tree.cell_b1)]
    urls += [(f"/api/fees/orgs/{org.pk}/arrears", {"year": 2026}) for org in (tree.cell_a1, tree.commune_b)]
    urls += [(f"/api/fees/orgs/{org.pk}/report", {"month": "2026-01-01"}) for org in (tree.province, tree.commune_b)]
    _flat(api_client(users["province_officer"]), tree, urls)


def test_member_fees_tab_queries_do_not_grow_with_rows(tree, users):
    """The member page's fee tab: up to 24 ledger lines and 12 bases of one member."""
    member = make_member(tree.cell_a1, "Nguyễn Văn Đóng", fee_group="salary")
    client = session_client(users["commune_officer"])
    urls = [reverse("fees:member_fees", args=[member.pk])]

    def months(first, last):
        for m in range(first, last):
            month = D(2024 + m // 12, m % 12 + 1, 1)
            S.fee_basis_set(actor=tree.admin, member=member, valid_from=month, group="salary",
                            base_amount=5_000_000 + 10_000 * m)
            S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=month)
            line = FeePayment.objects.get(member=member, month=month)
            S.fee_payment_record(actor=tree.admin, member=member, month=month, amount_paid=line.amount_due,
                                 paid_on=month + dt.timedelta(days=9), channel="cash" if m % 2 else "portal")

    months(0, 2)
    warm(client, urls)
    before = measure(client, urls)
    months(2, 14)
    assert_flat(before, measure(client, urls))
