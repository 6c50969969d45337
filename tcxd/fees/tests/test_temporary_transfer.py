"""A member temporarily transferred (B-16) pays the fee at the host org: the month's ledger line is
kept in the host cell's ledger and counted in its collection report — not at the official org, and
never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tcxd.authz.models import Role
from tcxd.common.errors import NotFound, ValidationFailed
from tcxd.conftest import make_user
from tcxd.fees import selectors as Q
from tcxd.fees import services as S
from tcxd.fees.models import FeePayment

from .factories import make_member

D = dt.date
FEB, MAR = D(2026, 2, 1), D(2026, 3, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor(tree, cell_members):
    """Registered at cell A1 (commune A), temporarily attending cell B1 (commune B); pays 5.000 đ."""
    return make_member(tree.cell_a1, "Trịnh Văn Tạm", fee_group="student", temporary_org=tree.cell_b1)


def members_at(ledger):
    return {r.member.pk for r in ledger.rows}


def test_the_line_is_created_at_the_host_cell(tree, visitor):
    result = S.fee_month_compute(actor=tree.admin, org=tree.province, month=FEB)
    assert result.members == 5
    line = FeePayment.objects.get(member=visitor, month=FEB)
    assert (line.org, line.amount_due) == (tree.cell_b1, 5_000)


def test_each_side_computes_only_its_payers(tree, visitor):
    official_side = S.fee_month_compute(actor=tree.admin, org=tree.commune_a, month=FEB)
    assert official_side.members == 3 and not FeePayment.objects.filter(member=visitor).exists()
    host_side = S.fee_month_compute(actor=tree.admin, org=tree.commune_b, month=FEB)
    assert host_side.members == 2 and FeePayment.objects.get(member=visitor).org == tree.cell_b1
    assert S.fee_month_compute(actor=tree.admin, org=tree.province, month=FEB).created == 0


def test_host_ledger_has_the_line_official_ledger_does_not(tree, cell_members, visitor):
    S.fee_month_compute(actor=tree.admin, org=tree.province, month=FEB)
    host, official = Q.fee_ledger(org=tree.cell_b1, month=FEB), Q.fee_ledger(org=tree.cell_a1, month=FEB)
    assert members_at(host) == {cell_members["out"].pk, visitor.pk} and host.total_due == 5_000
    assert visitor.pk not in members_at(official) and official.count == 3
    before = Q.fee_ledger(org=tree.cell_b1, month=D(2026, 1, 1))  # not computed yet: listed to be computed
    assert visitor.pk in members_at(before) and before.computed == 0


def test_collection_report_counts_the_member_once_at_the_host(tree, visitor):
    S.fee_month_compute(actor=tree.admin, org=tree.province, month=FEB)
    report = Q.fee_collection_report(org=tree.province, month=FEB)
    by_org = {r.org_id: r for r in report.rows}
    assert (by_org[tree.cell_b1.pk].members, by_org[tree.cell_b1.pk].lines, by_org[tree.cell_b1.pk].due) == \
        (2, 2, 5_000)
    assert (by_org[tree.cell_a1.pk].members, by_org[tree.cell_a1.pk].lines) == (3, 3)
    assert (report.total.members, report.total.lines) == (5, 5)
    commune_a = Q.fee_collection_report(org=tree.commune_a, month=FEB)
    commune_b = Q.fee_collection_report(org=tree.commune_b, month=FEB)
    assert (commune_a.total.members, commune_b.total.members) == (3, 2)
    assert commune_a.total.not_computed == commune_b.total.not_computed == 0


def test_a_line_computed_before_the_transfer_stays_at_the_official_cell(tree, cell_members, visitor):
    visitor.temporary_org = None
    visitor.save()
    S.fee_month_compute(actor=tree.admin, org=tree.province, month=FEB)
    visitor.temporary_org = tree.cell_b1
    visitor.save()
    S.fee_month_compute(actor=tree.admin, org=tree.province, month=MAR)
    assert dict(FeePayment.objects.filter(member=visitor).values_list("month", "org")) == {
        FEB: tree.cell_a1.pk, MAR: tree.cell_b1.pk}
    assert S.fee_month_compute(actor=tree.admin, org=tree.province, month=FEB).created == 0
    assert visitor.pk in members_at(Q.fee_ledger(org=tree.cell_a1, month=FEB))
    assert visitor.pk not in members_at(Q.fee_ledger(org=tree.cell_b1, month=FEB))
    assert visitor.pk in members_at(Q.fee_ledger(org=tree.cell_b1, month=MAR))
    assert visitor.pk not in members_at(Q.fee_ledger(org=tree.cell_a1, month=MAR))


def test_payments_go_to_the_host_ledger(tree, visitor):
    S.fee_month_compute(actor=tree.admin, org=tree.province, month=FEB)
    entry = S.PaymentEntry(visitor.pk, 5_000, D(2026, 2, 5), "cash")
    with pytest.raises(ValidationFailed) as exc:
        S.fee_ledger_save(actor=tree.admin, org=tree.cell_a1, month=FEB, entries=[entry])
    assert exc.value.errors == {f"member_{visitor.pk}": ["Đảng viên không sinh hoạt tại tổ chức này."]}
    [line] = S.fee_ledger_save(actor=tree.admin, org=tree.cell_b1, month=FEB, entries=[entry])
    assert (line.org, line.amount_paid) == (tree.cell_b1, 5_000)


def test_a_payment_recorded_before_computing_creates_the_line_at_the_host(tree, visitor):
    line = S.fee_payment_record(actor=tree.admin, member=visitor, month=FEB, amount_paid=5_000,
                                paid_on=D(2026, 2, 3), channel="cash")
    assert line.org == tree.cell_b1


def test_host_and_official_officers_may_write_others_not(tree, visitor):
    host_officer = make_user("xa_b", Role.OFFICER, tree.commune_b)
    official_officer = make_user("xa_a", Role.OFFICER, tree.commune_a)
    outsider = make_user("xa_khac", Role.OFFICER, tree.gcell_a2)
    S.fee_payment_record(actor=host_officer, member=visitor, month=FEB, amount_paid=5_000, paid_on=D(2026, 2, 3),
                         channel="cash")
    S.fee_basis_set(actor=official_officer, member=visitor, valid_from=MAR, group="student", base_amount=None)
    with pytest.raises(NotFound):
        S.fee_basis_set(actor=outsider, member=visitor, valid_from=MAR, group="student", base_amount=None)


def test_ledger_page_marks_the_visitor(tree, visitor):
    S.fee_month_compute(actor=tree.admin, org=tree.province, month=FEB)
    client = Client()
    client.force_login(tree.admin)
    host = client.get(reverse("fees:ledger", args=[tree.cell_b1.pk]) + "?thang=02/2026").content.decode()
    assert visitor.full_name in host and 'data-testid="temporary-in"' in host
    official = client.get(reverse("fees:ledger", args=[tree.cell_a1.pk]) + "?thang=02/2026").content.decode()
    assert visitor.full_name not in official
