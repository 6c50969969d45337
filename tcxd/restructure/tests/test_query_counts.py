"""No N+1: the restructuring pages and endpoints that show rows (operations, plans, a plan's operations, the orgs
picker, an org's lineage) run as many queries with a few rows as with many."""

from __future__ import annotations

import datetime as dt
import itertools

from django.urls import reverse

from tcxd.common.tests.queries import api_client, assert_flat, measure, session_client, warm
from tcxd.conftest import make_org
from tcxd.orgs.kinds import OrgKind
from tcxd.restructure import selectors as Sel
from tcxd.restructure import services as S
from tcxd.restructure.models import RestructureOperation, RestructurePlan

from .conftest import apply, member

D = dt.date
ON = D(2026, 1, 1)
_n = itertools.count(1)


def _grow(tree, n):
    """``n`` rounds, in turn in commune A and commune B: a plan; a new cell (with a member) whose merge into the
    commune's first cell is drafted for the commune's first plan, or, every third round, applied (a lineage row
    of the first cell); a rename drafted without a plan."""
    for _ in range(n):
        i = next(_n)
        commune, first = (tree.commune_a, tree.cell_a1) if i % 2 else (tree.commune_b, tree.cell_b1)
        S.restructure_plan_save(actor=tree.admin, org=commune, code=f"ĐA-{i}", title=f"Đề án {i}",
                                start_on=D(2025, 7, 1), deadline=D(2026, 6, 30), target_merged=i)
        plan = RestructurePlan.objects.filter(org=commune).order_by("id").first()
        cell = make_org(tree.admin, commune, OrgKind.CELL, name=f"Chi bộ Thôn {i}")
        member(cell)
        spec = {"sources": [cell.pk], "target_id": first.pk}
        if i % 3 == 0:
            apply(tree.admin, "merge", spec, on=ON, title=f"Hợp nhất {i}", plan=plan, decision_date=D(2025, 12, 20))
        else:
            S.restructure_draft(actor=tree.admin, kind="merge", title=f"Hợp nhất {i}", spec=spec, effective_on=ON,
                                decision_no=f"{i}-QĐ/ĐU", decision_date=D(2025, 12, 20), plan=plan)
        S.restructure_draft(actor=tree.admin, kind="rename", title=f"Đổi tên {i}", effective_on=ON,
                            spec={"org_id": commune.pk, "name": f"Đảng bộ mới {i}"})


def _flat(client, tree, urls, small=3, large=12):
    _grow(tree, small)
    plan = RestructurePlan.objects.filter(org=tree.commune_a).order_by("id").first()
    urls = [u(plan) if callable(u) else u for u in urls]
    warm(client, urls)
    before = measure(client, urls)
    _grow(tree, large - small)
    assert_flat(before, measure(client, urls))


def test_operation_list_and_picker_queries_do_not_grow_with_rows(tree, users):
    url = reverse("restructure:list")
    _flat(session_client(users["province_officer"]), tree, [
        url, (url, {"loai": "merge"}), (url, {"trang_thai": "applied"}), (url, {"q": "hop nhat"}),
        (reverse("restructure:org_suggest"), {"q": "chi bo"})])


def test_plan_list_and_detail_queries_do_not_grow_with_rows(tree, users):
    _flat(session_client(users["province_officer"]), tree, [
        reverse("restructure:plans"), lambda plan: reverse("restructure:plan_detail", args=[plan.pk]),
        lambda plan: (reverse("restructure:plan_detail", args=[plan.pk]), {"ngay": "01/06/2026"})])


def test_org_lineage_queries_do_not_grow_with_rows(tree, users):
    """The org page's "Kế thừa tổ chức" and the lineage endpoint: every cell merged into the first cell."""
    a1, b1 = tree.cell_a1.pk, tree.cell_b1.pk
    _flat(session_client(users["province_officer"]), tree, [reverse("orgs:detail", args=[a1]),
                                                            reverse("orgs:detail", args=[b1])])
    _flat(api_client(users["province_officer"]), tree, [f"/api/restructure/orgs/{a1}/lineage",
                                                        f"/api/restructure/orgs/{b1}/lineage"])


def test_restructure_api_lists_queries_do_not_grow_with_rows(tree, users):
    _flat(api_client(users["province_officer"]), tree, [
        "/api/restructure/operations", ("/api/restructure/operations", {"kind": "merge", "status": "applied"}),
        "/api/restructure/plans", lambda plan: f"/api/restructure/plans/{plan.pk}",
        lambda plan: (f"/api/restructure/plans/{plan.pk}/progress", {"on": "2026-06-01"})])


def test_operations_list_marks_only_the_latest_applied_operation_undoable(tree, users):
    """The lists read the latest application once; each operation's flag is still the selector's."""
    _grow(tree, 7)
    items = api_client(users["province_officer"]).get("/api/restructure/operations").json()["items"]
    ops = {op.pk: op for op in RestructureOperation.objects.all()}
    assert {i["id"]: i["undoable"] for i in items} == {pk: Sel.undoable(op) for pk, op in ops.items()}
    assert [i["status"] for i in items if i["undoable"]] == ["applied"]
    assert sum(i["status"] == "applied" for i in items) >= 2


def test_operation_page_and_api_queries_do_not_grow_with_the_orgs_and_members_moved(tree, users):
    """An applied merge of one cell, then one of eight cells with their members and a group each: the page
    (parameters in words, the result's moves) and the endpoint cost the same."""
    def merged(n):
        cells = []
        for _ in range(n):
            i = next(_n)
            cell = make_org(tree.admin, tree.commune_a, OrgKind.CELL, name=f"Chi bộ Khu {i}")
            make_org(tree.admin, cell, OrgKind.GROUP, name=f"Tổ đảng {i}")
            member(cell)
            cells.append(cell.pk)
        return apply(tree.admin, "merge", {"sources": cells, "target_id": tree.cell_a1.pk}, on=ON,
                     title=f"Hợp nhất {n} chi bộ", decision_date=D(2025, 12, 20))

    session, api = session_client(users["province_officer"]), api_client(users["province_officer"])

    def measured(op):
        urls = [(session, reverse("restructure:detail", args=[op.pk])),
                (api, f"/api/restructure/operations/{op.pk}")]
        return {url.replace(str(op.pk), "N"): measure(client, [url])[f"{url}?[]"] for client, url in urls}

    one = merged(1)
    measured(one)
    before = measured(one)
    assert_flat(before, measured(merged(8)))
