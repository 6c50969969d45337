"""The demo dataset builds through the real services and engine, with nothing rejected, and covers
every state the pages and work lists have to show."""

from __future__ import annotations

import pytest
from django.db.models import Count

from tcxd.authz.models import Role, User
from tcxd.demo.builder import DemoBuilder
from tcxd.members.models import Member, MemberEvent
from tcxd.orgs.models import Org, OrgHeadcount
from tcxd.reports.models import ReportPackage, Target


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
