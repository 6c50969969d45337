"""No N+1: the register's list, its pickers and its endpoints run as many queries with a few decisions (and
cadres, and orgs) as with many."""

from __future__ import annotations

import datetime as dt
import itertools

from django.urls import reverse

from tcxd.cadres import services as CS
from tcxd.common.tests.queries import api_client, flat, session_client
from tcxd.conftest import make_org
from tcxd.orgs.kinds import OrgKind

from .conftest import cadre, record

D = dt.date
_serials = itertools.count(900)


def _grow(tree, start, n):
    """``n`` decisions of ``n // 2`` cadres in cells A1 and B1, managed in turn by commune A, commune B and the
    province; every fifth voided; one more commune (an org the pickers find) per decision."""
    people = [cadre(tree, serial=next(_serials), org=tree.cell_a1 if i % 2 else tree.cell_b1,
                    full_name=f"Hoàng Văn Cán {i}") for i in range(start // 2, (start + n) // 2)]
    for i in range(start, start + n):
        member = people[(i - start) // 2]
        managing = [tree.commune_a, tree.commune_b, tree.province][i % 3]
        move = record(tree.admin, member, managing, decision_no=f"{i}-QĐ/TU", effective_on=D(2026, 3, 1 + i % 20),
                      to_position=f"Chức vụ {i}", to_unit=f"Đơn vị {i}")
        if i % 5 == 4:
            CS.cadre_move_void(actor=tree.admin, pk=move.pk, reason="Nhập nhầm")
        make_org(tree.admin, tree.province, OrgKind.COMMUNE, name=f"Đảng bộ xã Hoàng {i}")


def _flat(client, tree, urls, small=4, large=16):
    flat(client, urls, lambda start, n: _grow(tree, start, n), small, large)


def test_cadre_list_queries_do_not_grow_with_rows(tree, users):
    url = reverse("cadres:list")
    _flat(session_client(users["province_officer"]), tree, [
        url, (url, {"da_huy": "on"}), (url, {"q": "hoang", "loai": "bo_nhiem"}),
        (url, {"tu": "01/03/2026", "den": "31/03/2026"})])


def test_cadre_pickers_queries_do_not_grow_with_rows(tree, users):
    _flat(session_client(users["province_officer"]), tree, [
        (reverse("cadres:member_suggest"), {"q": "hoang"}), (reverse("cadres:org_suggest"), {"q": "dang bo"})])


def test_cadre_api_queries_do_not_grow_with_rows(tree, users):
    _flat(api_client(users["province_officer"]), tree, [
        "/api/cadres", ("/api/cadres", {"include_voided": True, "limit": 100}),
        (f"/api/cadres/orgs/{tree.province.pk}/counts", {"start": "2026-01-01", "end": "2026-12-31"})])
