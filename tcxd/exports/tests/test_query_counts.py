"""No N+1: the user's exports (page and API) and the lists downloaded at once (members, the CSDL 3.0 layout, the
cadre register) run as many queries with a few rows as with many."""

from __future__ import annotations

import datetime as dt
import itertools

from django.urls import reverse

from tcxd.cadres.tests.conftest import cadre, record
from tcxd.common.tests.queries import api_client, assert_flat, measure, session_client, warm
from tcxd.exports import services as S

from .conftest import bulk_members

_serials = itertools.count(950)


def _jobs(officer, tree, n):
    """``n`` background exports of the officer, of each source and format in turn, filtered by one cell or the
    other; every other one run."""
    sources = ["dang-vien", "dang-vien-csdl3", "can-bo"]
    for i in range(n):
        params = {"to_chuc": str((tree.cell_a1 if i % 2 else tree.gcell_a2).pk)} if sources[i % 3] != "can-bo" else {}
        job = S.export_job_create(actor=officer, source=sources[i % 3], fmt="xlsx" if i % 2 else "csv", params=params)
        if i % 2 == 0:
            S.export_job_run(job.pk)


def test_export_list_page_and_api_queries_do_not_grow_with_jobs(tree, users, export_root):
    officer = users["commune_officer"]
    bulk_members(tree.cell_a1, 3)
    session, api = session_client(officer), api_client(officer)
    _jobs(officer, tree, 3)
    warm(session, [reverse("exports:list")])
    warm(api, ["/api/exports"])
    before = {**measure(session, [reverse("exports:list")]), **measure(api, ["/api/exports"])}
    _jobs(officer, tree, 12)
    assert_flat(before, {**measure(session, [reverse("exports:list")]), **measure(api, ["/api/exports"])})


def _rows(tree, n):
    """``n`` members in each of cells A1, A2 and B1 and ``n`` cadre decisions of commune A."""
    for cell in (tree.cell_a1, tree.gcell_a2, tree.cell_b1):
        bulk_members(cell, n)
    for i in range(n):
        member = cadre(tree, serial=next(_serials), org=tree.cell_a1 if i % 2 else tree.gcell_a2)
        record(tree.admin, member, tree.commune_a, decision_no=f"{i}-QĐ/ĐU", effective_on=dt.date(2026, 3, 1 + i))


def test_lists_downloaded_at_once_queries_do_not_grow_with_rows(tree, users, export_root):
    urls = []
    for source in ("dang-vien", "dang-vien-csdl3", "can-bo"):
        start = reverse("exports:start", args=[source])
        urls += [(start, {"tai": "xlsx"}), (start, {"tai": "csv"})]
    urls.append((reverse("exports:start", args=["dang-vien"]), {"tai": "xlsx", "to_chuc": tree.cell_a1.pk}))
    endpoints = [("/api/exports/sources/dang-vien/file", {"format": "csv"}),
                 ("/api/exports/sources/can-bo/file", {"format": "xlsx"})]
    session, api = session_client(users["commune_officer"]), api_client(users["commune_officer"])
    _rows(tree, 2)
    warm(session, urls)
    warm(api, endpoints)
    before = {**measure(session, urls), **measure(api, endpoints)}
    _rows(tree, 6)
    assert_flat(before, {**measure(session, urls), **measure(api, endpoints)})
