"""The demo dataset builds through the real services and engine, with nothing rejected, and covers
every state the pages and work lists have to show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count
from django.test import TestCase

from tcxd.authz.models import Role, User
from tcxd.demo.builder import DemoBuilder
from tcxd.members.models import Member, MemberEvent
from tcxd.orgs.kinds import OrgKind
from tcxd.orgs.models import Org, OrgHeadcount
from tcxd.reports import stats
from tcxd.reports.models import ReportPackage, Target
from tcxd.restructure import services as RS
from tcxd.restructure.models import OperationStatus, RestructureOperation


@pytest.mark.django_db
def test_demo_builds_completely_and_consistently():
    result = DemoBuilder(2025).build()
    assert result.rejected == 0 and result.members > 5000 and result.orgs > 700
    assert set(User.objects.values_list("role", flat=True)) == {r.value for r in Role}
    statuses = dict(Member.objects.values_list("status").annotate(n=Count("id")).order_by())
    assert {"candidate", "admitted", "probationary", "official", "struck_off", "left", "deceased"} <= set(statuses)
    kinds = set(MemberEvent.objects.values_list("kind", flat=True).distinct())
    assert {"cell_vote", "ceremony", "recognition", "transfer_out", "temp_transfer_out", "exemption_start",
            "badge", "discipline", "card_issued"} <= kinds
    assert Member.objects.filter(transfer_to__isnull=False).exists()
    assert all(not problems for problems in Org.objects.find_problems())
    assert Target.objects.filter(ended_at__isnull=True).count() == result.activity["targets"] >= 3
    assert result.activity["packages"] == ReportPackage.objects.count() == 2
    assert ReportPackage.objects.filter(status="submitted").count() == 1
    # headcounts are derived from the member records
    cell = Member.objects.filter(status="official").first().org
    head = OrgHeadcount.objects.get(org=cell)
    assert head.official == Member.objects.filter(org=cell, status="official").count()
    # one merged province left unreformed: its pre-2025 provinces and districts open, its draft reform ready
    assert not Org.objects.filter(admin_unit__map_version="2025", admin_unit__code="08").exists()
    old = list(Org.objects.filter(kind=OrgKind.PROVINCIAL, admin_unit__map_version="pre2025", status="active"))
    assert sorted(o.name for o in old) == ["Đảng bộ tỉnh Hà Giang", "Đảng bộ tỉnh Tuyên Quang"]
    assert Org.objects.filter(kind=OrgKind.DISTRICT, status="active").count() == 4
    op = RestructureOperation.objects.get(pk=result.activity["reform"]["operation"])
    assert (op.kind, op.status, op.plan.target_reduced) == ("reform_2025", OperationStatus.DRAFT, 16)
    admin = User.objects.get(username="admin")
    with TestCase.captureOnCommitCallbacks(execute=True):  # the preview runs as a task once this commits
        RS.restructure_preview(actor=admin, operation=op)
    op.refresh_from_db()
    assert op.preview["ok"], op.preview["errors"]
    june, july = dt.date(2025, 6, 30), dt.date(2025, 7, 1)
    before = sum(stats.total(stats.member_cube(actor=admin, org=o, on=june, dims=[])) for o in old)
    with TestCase.captureOnCommitCallbacks(execute=True):
        RS.restructure_apply(actor=admin, operation=op)
    op.refresh_from_db()
    assert op.status == OperationStatus.APPLIED, op.error
    new = Org.objects.get(admin_unit__map_version="2025", admin_unit__code="08")
    assert Org.objects.filter(kind=OrgKind.COMMUNE, path__startswith=new.path).count() == 9
    assert stats.total(stats.member_cube(actor=admin, org=new, on=july, dims=[])) == before > 300
