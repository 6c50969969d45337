"""No N+1: the pages' query counts do not grow with the number of orgs shown."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tcxd.conftest import make_org
from tcxd.orgs import services as S
from tcxd.orgs.kinds import OrgKind


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(tree, n):
    for _ in range(n):
        cell = make_org(tree.admin, tree.commune_a, OrgKind.CELL)
        S.org_headcount_set(actor=tree.admin, org=cell, official=2, probationary=1)


def test_pages_do_not_scale_with_children(tree, users):
    client = Client()
    client.force_login(users["province_officer"])
    urls = [reverse("home"), reverse("orgs:tree"), reverse("orgs:detail", args=[tree.commune_a.pk]),
            reverse("orgs:children", args=[tree.commune_a.pk]), reverse("orgs:warnings"),
            reverse("orgs:congress_progress"), reverse("orgs:history", args=[tree.commune_a.pk])]
    _grow(tree, 3)
    before = {url: _queries(client, url) for url in urls}
    _grow(tree, 12)
    after = {url: _queries(client, url) for url in urls}
    assert after == before
    assert before[reverse("orgs:detail", args=[tree.commune_a.pk])] <= 25
