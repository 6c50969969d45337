"""No N+1: the report pages, downloads and endpoints that show a row per subordinate org, per package or per
version run as many queries with a few rows as with many. (The dashboard page and a form's render by child
have their own tests in test_dashboard and test_forms.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tcxd.common.tests.queries import api_client, assert_flat, flat, measure, session_client, warm
from tcxd.conftest import make_org
from tcxd.members import services as MS
from tcxd.orgs import committee as C
from tcxd.orgs import services as OS
from tcxd.orgs.kinds import OrgKind
from tcxd.reports import package_services as S
from tcxd.reports import packages as PK
from tcxd.reports import progress as P
from tcxd.reports import services as RS
from tcxd.reports import stats
from tcxd.reports.models import Indicator
from tcxd.rules.pure import membership as M

from .test_packages import NARRATIVE, _tpl
from .test_stats import _official

D = dt.date
FORMS = ["1-TCTW-DV", "1-TCTW-TC", "1-TCTW-TH", "3-TCTW", "4-TCTW", "BD-KY", "CB-KY"]


def _grow(tree, officer, start, n):
    """``n`` more communes of the province, each with a cell, members, a congress, targets of 2026 and its
    annual 2025 package (every other one submitted, the rest drafts); one more member leaves."""
    for i in range(start, start + n):
        commune = make_org(tree.admin, tree.province, OrgKind.COMMUNE, name=f"Đảng bộ xã Thêm {i}",
                           valid_from=D(2016, 1, 1))
        cell = make_org(tree.admin, commune, OrgKind.CELL, name=f"Chi bộ Thêm {i}", valid_from=D(2016, 1, 1))
        people = [_official(cell, D(1960 + i, 1, 1), D(2010 + i % 10, 1, 4)) for _ in range(1 + i % 3)]
        if i % 2:
            MS.member_event_record(actor=tree.admin, member=people[0], kind=M.EventKind.DIED, on=D(2025, 6, 1))
        C.congress_create(actor=tree.admin, org=cell, term_start_year=2025, term_end_year=2027,
                          held_on=D(2025, 9, 9))
        for indicator in (Indicator.ADMISSIONS, Indicator.values[-1]):
            RS.target_set(actor=tree.admin, org=commune, year=2026, indicator=indicator, planned=3 + i)
        package = S.package_generate(actor=officer, org=commune, template_code="BC-NAM", year=2025)
        if i % 2:
            S.package_update_narrative(actor=officer, package=package, narrative=NARRATIVE)
            S.package_submit(actor=officer, package=package)


def _flat(client, tree, urls, small=3, large=9):
    flat(client, urls, lambda start, n: _grow(tree, client.actor, start, n), small, large)


def _session(users):
    client = session_client(users["province_officer"])
    client.actor = users["province_officer"]
    return client


def _api(users):
    client = api_client(users["province_officer"])
    client.actor = users["province_officer"]
    return client


def test_targets_page_and_progress_api_queries_do_not_grow_with_child_orgs(tree, users):
    p = tree.province.pk
    url = reverse("reports:targets")
    _flat(_session(users), tree, [(url, {"to_chuc": p, "nam": "2026"}),
                                  (url, {"to_chuc": p, "nam": "2026", "chi_tieu": Indicator.values[-1]})])
    _flat(_api(users), tree, [(f"/api/reports/orgs/{p}/progress", {"year": 2026}),
                              f"/api/reports/orgs/{p}/dashboard"])


def test_forms_page_and_downloads_queries_do_not_grow_with_child_orgs(tree, users):
    p = tree.province.pk
    url = reverse("reports:forms")
    urls = [(url, {"bieu": code, "to_chuc": p}) for code in FORMS]
    urls += [(reverse("reports:form_xlsx", args=[p]), {"bieu": code}) for code in ("1-TCTW-TH", "BD-KY")]
    _flat(_session(users), tree, urls)


def test_forms_api_queries_do_not_grow_with_child_orgs(tree, users):
    p = tree.province.pk
    urls = ["/api/reports/forms", *(f"/api/reports/orgs/{p}/forms/{code}" for code in FORMS),
            f"/api/reports/orgs/{p}/forms/1-TCTW-TH/xlsx"]
    _flat(_api(users), tree, urls)


def test_packages_list_queries_do_not_grow_with_packages(tree, users):
    url = reverse("reports:packages")
    _flat(_session(users), tree, [url, (url, {"nam": "2025", "mau": "BC-NAM"}), (url, {"trang_thai": "submitted"}),
                                  (url, {"to_chuc": tree.province.pk})])
    _flat(_api(users), tree, ["/api/reports/packages", ("/api/reports/packages", {"status": "draft"}),
                              "/api/reports/package-templates"])


CONSOLIDATION_N1 = pytest.mark.xfail(strict=True, reason=(
    "N+1: a consolidation renders the live part of each submitted subordinate one by one for the forms that are "
    "not members forms (packages._consolidated_form: the organizations form's org version and subtree versions, "
    "each form's org version for its name): about 4 queries per submitted subordinate; batching them needs an "
    "organizations counterpart of member_cube_of_subtrees and a batch of org versions in render_form"))


@CONSOLIDATION_N1
def test_consolidation_page_and_download_queries_do_not_grow_with_child_orgs(tree, users):
    p = tree.province.pk
    query = {"mau": "BC-NAM", "nam": "2025"}
    _flat(_session(users), tree, [(reverse("reports:consolidation"), {"to_chuc": p, **query}),
                                  (reverse("reports:consolidation_xlsx", args=[p]), query)])


@CONSOLIDATION_N1
def test_consolidation_api_queries_do_not_grow_with_child_orgs(tree, users):
    p = tree.province.pk
    _flat(_api(users), tree, [(f"/api/reports/orgs/{p}/consolidation", {"template": "BC-NAM", "year": 2025}),
                              (f"/api/reports/orgs/{p}/consolidation/xlsx", {"template": "BC-NAM", "year": 2025})])


def test_consolidation_reads_the_movements_once_per_period(tree, users, monkeypatch):
    """The movement forms of the org and of every submitted subordinate answer from the consolidation's one pass
    per period: a subordinate's form does not read them again."""
    officer = users["province_officer"]
    _grow(tree, officer, 0, 6)
    calls = []
    real = stats.movements_of
    monkeypatch.setattr(stats, "movements_of", lambda **kw: calls.append(kw) or real(**kw))
    data = PK.consolidation(actor=officer, org=tree.province, template=_tpl(), year=2025)
    assert data.submitted_count == 3 and any(f.rendered.kind == "movements" for f in data.forms)
    assert len(calls) == 2 and {len(c["orgs"]) for c in calls} == {1 + data.submitted_count}


def test_package_detail_and_diff_queries_do_not_grow_with_versions(tree, users):
    """A draft's page lists its versions (each generation of its figures); the diff compares every form."""
    officer = users["province_officer"]
    _grow(tree, officer, 0, 3)
    package = S.package_generate(actor=officer, org=tree.province, template_code="BC-NAM", year=2025)
    pk = package.pk
    pages = [reverse("reports:package_detail", args=[pk]), reverse("reports:package_diff", args=[pk]),
             (reverse("reports:package_diff", args=[pk]), {"ngay": "01/11/2026"})]
    endpoints = [f"/api/reports/packages/{pk}", f"/api/reports/packages/{pk}/diff"]
    session, api = _session(users), _api(users)
    warm(session, pages)
    warm(api, endpoints)
    before = {**measure(session, pages), **measure(api, endpoints)}
    for i in range(5):
        _grow(tree, officer, 3 + i, 1)  # the live figures change: the next generation is a new version
        S.package_generate(actor=officer, org=tree.province, template_code="BC-NAM", year=2025)
    assert_flat(before, {**measure(session, pages), **measure(api, endpoints)})


def test_cell_congress_progress_of_each_child_is_the_orgs_selectors_count(tree):
    """The targets' cell-congress figures by child, grouped, equal ``cells_with_congress`` of each child — also
    for a child moved under the org after the day (its cells counted where they stood) and one formed after it."""
    moved_in = make_org(tree.admin, tree.root, OrgKind.PROVINCIAL, name="Đảng bộ tỉnh Cao Bằng", code="T04",
                        valid_from=D(2016, 1, 1))
    commune = make_org(tree.admin, moved_in, OrgKind.COMMUNE, name="Đảng bộ xã Hòa An", code="XC",
                       valid_from=D(2016, 1, 1))
    for org, held in ((tree.cell_a1, D(2025, 9, 1)), (tree.gcell_a2, D(2025, 9, 20)), (tree.cell_b1, None)):
        C.congress_create(actor=tree.admin, org=org, term_start_year=2025, term_end_year=2030 if org.kind !=
                          OrgKind.CELL else 2027, held_on=held, planned_on=None if held else D(2026, 12, 1))
    for i in range(3):
        cell = make_org(tree.admin, commune, OrgKind.CELL, name=f"Chi bộ Nà {i}", code=f"XC{i}")
        C.congress_create(actor=tree.admin, org=cell, term_start_year=2025, term_end_year=2027,
                          held_on=D(2025, 8, 1 + i))
    OS.org_move(actor=tree.admin, org=commune, new_parent=tree.province, effective_on=D(2026, 1, 1))
    make_org(tree.admin, tree.province, OrgKind.COMMUNE, name="Đảng bộ xã Mới", code="XM", valid_from=D(2026, 2, 1))
    for day in (D(2025, 9, 10), D(2025, 12, 31), D(2026, 3, 1)):
        p = P.target_progress(actor=tree.admin, org=tree.province, year=2025, indicator=Indicator.CELL_CONGRESS,
                              day=day)
        found = {r.org.code: (r.achieved, r.population) for r in p.children}
        assert found == {r.org.code: P.cells_with_congress(org=r.org, year=2025, day=day) for r in p.children}
        assert set(found) == {"XA", "XB", "XC", "XM"}
    assert found["XC"] == (3, 3) and found["XM"] == (0, 0)


def test_package_templates_page_and_api_queries_do_not_grow_with_versions(tree, users):
    """The administrators' templates page lists the live templates and every older version."""
    def versions(n):
        for i in range(n):
            for code in ("BC-NAM", "BC-6T"):
                old = _tpl(code)
                S.package_template_save(actor=tree.admin, template=old, code=code, title=f"{old.title} ({i})",
                                        kind=old.kind, form_codes=old.form_codes, cutoff_day=old.cutoff_day,
                                        cutoff_month=old.cutoff_month, deadline_days=old.deadline_days + 1,
                                        start_day=old.start_day, start_month=old.start_month, sections=old.sections)

    session, api = session_client(users["admin"]), api_client(users["admin"])
    pages, endpoints = [reverse("reports:package_templates")], ["/api/reports/package-templates"]
    versions(1)
    warm(session, pages)
    warm(api, endpoints)
    before = {**measure(session, pages), **measure(api, endpoints)}
    versions(6)
    assert_flat(before, {**measure(session, pages), **measure(api, endpoints)})
