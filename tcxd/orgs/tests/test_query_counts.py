"""No N+1: the pages' query counts do not grow with the number of orgs shown."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tcxd.common.tests.queries import api_client, assert_flat, measure, session_client, warm
from tcxd.conftest import make_org
from tcxd.orgs import committee as C
from tcxd.orgs import services as S
from tcxd.orgs.kinds import CommitteeRole, OrgKind

D = dt.date


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


# -- the other lists of orgs, congresses, seats, changes and warnings: pages, downloads and the API ----------------
def _org_rows(tree, start, n):
    """``n`` more of each: cells (in both communes, with a headcount), congresses and committee seats of the
    province, changes of commune A (renames, with their audit rows)."""
    for i in range(start, start + n):
        parent = tree.commune_a if i % 2 else tree.commune_b
        cell = make_org(tree.admin, parent, OrgKind.CELL, name=f"Chi bộ Thôn {i}")
        S.org_headcount_set(actor=tree.admin, org=cell, official=2 + i % 3, probationary=1)
        C.congress_create(actor=tree.admin, org=tree.province, term_start_year=1960 + 5 * i,
                          term_end_year=1965 + 5 * i, planned_on=D(1960 + 5 * i, 10, 1))
        C.committee_member_add(actor=tree.admin, org=tree.province, role=CommitteeRole.MEMBER,
                               person_name=f"Ủy viên {i}", from_date=D(2025, 9, 1), method="elected")
        S.org_update(actor=tree.admin, org=tree.commune_a, effective_on=D(2025, 8, 1),
                     name=f"Đảng bộ phường Đông Kinh {i}", decision=S.Decision(number=f"{i}-QĐ/TU"))


def _rows_flat(client, tree, urls, small=3, large=12):
    _org_rows(tree, 0, small)
    warm(client, urls)
    before = measure(client, urls)
    _org_rows(tree, small, large - small)
    assert_flat(before, measure(client, urls))


def test_org_detail_and_history_queries_do_not_grow_with_congresses_seats_and_changes(tree, users):
    _rows_flat(session_client(users["province_officer"]), tree, [
        reverse("orgs:detail", args=[tree.province.pk]), reverse("orgs:detail", args=[tree.commune_a.pk]),
        reverse("orgs:history", args=[tree.commune_a.pk]), reverse("orgs:history", args=[tree.province.pk])])


def test_org_tree_search_and_as_of_queries_do_not_grow_with_rows(tree, users):
    url = reverse("orgs:tree")
    _rows_flat(session_client(users["province_officer"]), tree, [
        (url, {"q": "chi bo"}), (url, {"q": "thon"}), (url, {"ngay": "01/11/2026"}),
        (url, {"q": "chi bo", "da_giai_the": "1"})])


def test_org_downloads_queries_do_not_grow_with_rows(tree, users):
    _rows_flat(session_client(users["province_officer"]), tree, [
        reverse("orgs:children_csv", args=[tree.commune_a.pk]),
        (reverse("orgs:children_csv", args=[tree.commune_b.pk]), {"tai": "xlsx"}),
        reverse("orgs:committee_csv", args=[tree.province.pk]),
        (reverse("orgs:committee_csv", args=[tree.province.pk]), {"tai": "xlsx"}),
        (reverse("orgs:warnings"), {"tai": "csv"}), (reverse("orgs:warnings"), {"tai": "xlsx"})])


def test_org_api_lists_queries_do_not_grow_with_rows(tree, users):
    p, a = tree.province.pk, tree.commune_a.pk
    _rows_flat(api_client(users["province_officer"]), tree, [
        "/api/orgs", ("/api/orgs", {"q": "thon"}), ("/api/orgs", {"parent_id": a}), ("/api/orgs", {"kind": "cell"}),
        "/api/orgs/roots", f"/api/orgs/{p}/tree", (f"/api/orgs/{p}/tree", {"on": "2026-11-01", "max_depth": 3}),
        f"/api/orgs/{a}/changes", f"/api/orgs/{a}/audit", f"/api/orgs/{p}/audit", f"/api/orgs/{p}/warnings",
        f"/api/orgs/{p}/congresses", f"/api/orgs/{p}/committee", f"/api/orgs/{p}/counts",
        ("/api/orgs/congress-progress", {"org_id": p, "kind": "cell", "term_start_year": 2025,
                                         "term_end_year": 2027})])


def test_org_move_form_queries_do_not_grow_with_candidate_parents(tree, users):
    """The move form lists every org in scope the cell could move under."""
    client = session_client(users["province_officer"])
    urls = [reverse("orgs:move", args=[tree.cell_a1.pk]), reverse("orgs:move", args=[tree.gcell_a2.pk])]

    def communes(start, n):
        for i in range(start, start + n):
            make_org(tree.admin, tree.province, OrgKind.COMMUNE, name=f"Đảng bộ xã Thêm {i}")

    communes(0, 2)
    warm(client, urls)
    before = measure(client, urls)
    communes(2, 10)
    assert_flat(before, measure(client, urls))
