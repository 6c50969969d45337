"""The dashboard (Tổng quan): each series equals the statistics engine or the selector it comes from, for a
small world of real member histories (admission, ceremony, recognition through the lifecycle engine),
targets and congresses; the page and the API show the same figures with the same scoping (out of scope
→ 404) and refuse bad or future dates in Vietnamese; the page's query count does not grow with the data."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tcxd.authz.models import Role
from tcxd.conftest import make_org, make_user
from tcxd.members import lifecycle as L
from tcxd.members.models import Member, MemberEvent
from tcxd.members.tests.conftest import cccd_for
from tcxd.orgs import committee as C
from tcxd.orgs import services as OS
from tcxd.orgs.kinds import GrassrootsType, OrgKind
from tcxd.orgs.models import Org
from tcxd.orgs.selectors import org_children_as_of
from tcxd.reports import dashboard as DB
from tcxd.reports import progress as P
from tcxd.reports import stats
from tcxd.reports.models import Indicator
from tcxd.reports.services import target_set
from tcxd.reports.tests.clients import api_client, session_client
from tcxd.rules.pure import membership as M
from tcxd.rules.pure.calendar import add_months

from .factories import bulk_congresses

D = dt.date
K = M.EventKind
TODAY = dt.date.today()
YEAR = TODAY.year
PAGE = reverse("reports:dashboard")
_serial = itertools.count(7000)
BORN = D(1980, 1, 1)


def member(org, *, decided: dt.date, sex: str = "M", birth: dt.date = BORN, theory: str = "none") -> Member:
    """A member through admission decision, ceremony and recognition (the events up to today), projected by
    the lifecycle engine (which writes the spells the statistics read)."""
    n = next(_serial)
    m = Member.objects.create(full_name=f"Người {n}", name_norm=f"nguoi {n}", given_name_norm=str(n), sex=sex,
                              birth_date=birth, cccd=cccd_for(n, sex, birth.year), org=org,
                              status=M.Status.CANDIDATE, political_theory=theory)
    ceremony = decided + dt.timedelta(days=16)
    for seq, (kind, on) in enumerate([(K.ADMISSION_DECISION, decided), (K.CEREMONY, ceremony),
                                      (K.RECOGNITION, add_months(ceremony, 12))]):
        if on <= TODAY:
            MemberEvent.objects.create(member=m, kind=kind, on=on, seq=seq, org=org, data={"historical": True})
    L.project(m, L.history_of(m))
    return m


@pytest.fixture
def world(tree, users):
    """The shared tree plus an older commune (since 2016) with two cells; members admitted from 2017 to this
    year, men and women, every political-theory level; a province admissions target; congresses of the
    2025–2030 round (a grassroots cell's 2025–2027 congress is not of its term)."""
    t = tree
    t.commune_c = make_org(t.admin, t.province, OrgKind.COMMUNE, name="Đảng bộ xã Hữu Lũng", code="XC",
                           valid_from=D(2016, 1, 1))
    t.cell_c1 = make_org(t.admin, t.commune_c, OrgKind.CELL, name="Chi bộ Thôn Làng Bên", code="XC1",
                         valid_from=D(2016, 1, 1))
    t.gcell_c2 = make_org(t.admin, t.commune_c, OrgKind.GRASSROOTS_CELL, name="Chi bộ Trường THCS Hữu Lũng",
                          code="XC2", valid_from=D(2016, 1, 1), grassroots_type=GrassrootsType.PUBLIC_SERVICE)
    early = max(D(YEAR, 1, 1), TODAY - dt.timedelta(days=60))
    t.members = [
        member(t.cell_c1, decided=D(2017, 3, 1), birth=D(1958, 5, 5), theory="cao_cap"),
        member(t.cell_c1, decided=D(2019, 6, 1), sex="F", birth=D(1985, 2, 2), theory="trung_cap"),
        member(t.gcell_c2, decided=D(2021, 9, 1), sex="F", birth=D(1998, 8, 8), theory="so_cap"),
        member(t.gcell_c2, decided=D(2023, 4, 3), birth=D(1975, 7, 1), theory="cu_nhan"),
        member(t.cell_a1, decided=D(2025, 8, 1), birth=D(2000, 1, 1)),
        member(t.cell_b1, decided=early, sex="F", birth=D(2002, 3, 3)),
        member(t.cell_a1, decided=TODAY, birth=D(1999, 12, 12), theory="so_cap"),
    ]
    target_set(actor=t.admin, org=t.province, year=YEAR, indicator=Indicator.ADMISSIONS, planned=4)
    C.congress_create(actor=t.admin, org=t.cell_a1, term_start_year=2025, term_end_year=2027,
                      held_on=D(2025, 9, 1))
    C.congress_create(actor=t.admin, org=t.gcell_a2, term_start_year=2025, term_end_year=2030,
                      held_on=D(2025, 10, 1))
    C.congress_create(actor=t.admin, org=t.cell_c1, term_start_year=2025, term_end_year=2027,
                      held_on=D(2025, 8, 20))
    bulk_congresses([t.gcell_c2], held_on=D(2025, 8, 1), term=(2025, 2027))
    return t


def _series(chart: DB.Chart, key: str) -> tuple:
    return next(s for s in chart.series if s.key == key).values


# -- every series is the engine's ---------------------------------------------------------------------------
@pytest.mark.parametrize("day", [TODAY, D(2025, 12, 31), D(2022, 6, 30)])
def test_each_series_equals_the_engine_and_the_selectors(world, users, day):
    actor, org = users["province_officer"], world.province
    data = DB.dashboard(actor=actor, org=org, day=day, year=day.year)

    # members by status: 31/12 of each of the last ten years, then the day
    chart = data.chart("members_by_status")
    days = [D(day.year - k, 12, 31) for k in range(10, 0, -1)] + [day]
    assert chart.codes == tuple(d.isoformat() for d in days)
    for i, d in enumerate(days):
        cube = stats.member_cube(actor=actor, org=org, on=d, dims=("status",))
        assert _series(chart, "official")[i] == cube[("official",)], d
        assert _series(chart, "probationary")[i] == cube[("probationary",)], d
        assert _series(chart, "total")[i] == stats.total(cube), d

    # age and sex pyramid, political theory: the day's cube
    pyramid = data.chart("pyramid")
    cube = stats.member_cube(actor=actor, org=org, on=day, dims=("age_band", "sex"))
    assert pyramid.codes == tuple(c for c, _ in stats.dimension("age_band", day).values)
    for i, band in enumerate(pyramid.codes):
        assert _series(pyramid, "M")[i] == cube[(band, "M")]
        assert _series(pyramid, "F")[i] == cube[(band, "F")]
    assert sum(_series(pyramid, "total")) == stats.total(cube)
    theory = data.chart("political_theory")
    cube = stats.member_cube(actor=actor, org=org, on=day, dims=("political_theory",))
    assert dict(zip(theory.codes, _series(theory, "members"), strict=True)) == {
        code: cube[(code,)] for code, _ in stats.dimension("political_theory", day).values}

    # admissions: cumulative to the end of each month (to the day in its month), against the plan
    admissions = data.chart("admissions")
    progress = P.target_progress(actor=actor, org=org, year=day.year, indicator=Indicator.ADMISSIONS, day=day)
    start = D(day.year, 1, 1)
    for month in range(1, 13):
        value = _series(admissions, "achieved")[month - 1]
        if D(day.year, month, 1) > day:
            assert value is None
        else:
            until = min(D(day.year, month, calendar.monthrange(day.year, month)[1]), day)
            assert value == P.admissions_by_child(org=org, start=start, until=until)[0], month
    assert set(_series(admissions, "planned")) == {progress.row.planned}
    assert next(v for v in reversed(_series(admissions, "achieved")) if v is not None) == progress.row.achieved

    # congress progress: the selector of each child, the tree as it stood
    congress = data.chart("congress")
    children = org_children_as_of(org=org, day=day)
    assert congress.codes == tuple(str(v.org_id) for v in children)
    for i, v in enumerate(children):
        held, cells = P.cells_with_congress(org=Org.objects.get(pk=v.org_id), year=data.term[0], day=day)
        assert (_series(congress, "held")[i], _series(congress, "cells")[i]) == (held, cells), v.name


def test_the_figures_of_the_small_world(world, users):
    """The same world read by hand: 6 members today, 5 official and 1 on probation (admitted this year); the
    one admitted today counts among the year's admissions, not yet among the members (no ceremony yet)."""
    data = DB.dashboard(actor=users["province_officer"], org=world.province, day=TODAY, year=YEAR)
    status = data.chart("members_by_status")
    assert (_series(status, "official")[-1], _series(status, "probationary")[-1]) == (5, 1)
    by_year_end = {D(y, 12, 31).isoformat(): n for y, n in
                   {2016: 0, 2017: 1, 2019: 2, 2021: 3, 2023: 4, 2025: 5}.items()}
    totals = dict(zip(status.codes, _series(status, "total"), strict=True))
    assert {day: totals[day] for day in by_year_end if day in totals} == {
        day: n for day, n in by_year_end.items() if day in totals}
    assert "Tại ngày " + TODAY.strftime("%d/%m/%Y") + ": 6 đảng viên, trong đó 5 chính thức, 1 dự bị." \
        == status.summary
    pyramid = data.chart("pyramid")
    assert sum(_series(pyramid, "M")) == 3 and sum(_series(pyramid, "F")) == 3
    assert pyramid.total_row == ("Cộng", "3", "3", "6")
    theory = dict(zip(data.chart("political_theory").codes, _series(data.chart("political_theory"), "members"),
                      strict=True))
    assert theory == {"none": 2, "so_cap": 1, "trung_cap": 1, "cao_cap": 1, "cu_nhan": 1}
    assert data.chart("political_theory").rows[0] == ["Chưa qua đào tạo", "2", "33,33 %"]
    admissions = data.chart("admissions")
    assert admissions.summary.startswith("2 đảng viên, đạt 50,00 % (chỉ tiêu: tự đặt).")
    assert data.term == (2025, 2030)
    congress = data.chart("congress")
    rows = {row[0]: row[1:] for row in congress.rows}
    assert rows["Đảng bộ phường Đông Kinh"] == ["2", "2", "100,00 %"]
    assert rows["Đảng bộ xã Cao Lộc"] == ["0", "1", "0,00 %"]
    assert rows["Đảng bộ xã Hữu Lũng"] == ["1", "2", "50,00 %"]  # the grassroots cell's 2025–2027 is not its term
    assert congress.total_row == ("Cộng", "3", "5", "60,00 %")


def test_congress_by_child_follows_the_tree_as_it_stood(world, users):
    """A cell moved to another commune on 01/01 of this year counts under its old commune the day before."""
    moved_on = D(YEAR, 1, 1)
    OS.org_move(actor=world.admin, org=world.cell_c1, new_parent=world.commune_a, effective_on=moved_on)
    for day in (moved_on - dt.timedelta(days=1), moved_on, TODAY, D(2025, 8, 25)):
        found = DB.congress_by_child(org=world.province, term_start_year=2025, day=day)
        for v in org_children_as_of(org=world.province, day=day):
            expected = P.cells_with_congress(org=Org.objects.get(pk=v.org_id), year=2025, day=day)
            assert found.get(v.path, (0, 0)) == expected, (v.name, day)
    before = DB.congress_by_child(org=world.province, term_start_year=2025, day=moved_on - dt.timedelta(days=1))
    after = DB.congress_by_child(org=world.province, term_start_year=2025, day=moved_on)
    assert before[world.commune_c.path] == (1, 2) and after[world.commune_c.path] == (0, 1)


def test_congress_by_child_follows_the_orgs_rule_at_its_boundaries(tree, users):
    """The chart counts what ``orgs.selectors.congress_progress`` counts, at each edge of the rule: a congress
    counts from the day it is held (not the day before); a cell on the 30-month cycle counts for the round its
    term starts in (2025–2027 for 2025–2030), a grassroots cell only for the exact term; a term starting in
    another year never counts."""
    from tcxd.orgs.selectors import congress_progress

    held = D(2025, 9, 9)
    commune = make_org(tree.admin, tree.province, OrgKind.COMMUNE, name="Đảng bộ xã Biên", code="XBIEN",
                       valid_from=D(2016, 1, 1))
    cells = {name: make_org(tree.admin, commune, kind, name=f"Chi bộ {name}", code=f"XBN{i}", valid_from=D(2016, 1, 1))
             for i, (name, kind) in enumerate([("cycle", OrgKind.CELL), ("late_cycle", OrgKind.CELL),
                                               ("exact", OrgKind.GRASSROOTS_CELL), ("short", OrgKind.GRASSROOTS_CELL),
                                               ("none", OrgKind.CELL)])}
    bulk_congresses([cells["cycle"]], held_on=held, term=(2025, 2027))  # counts (the round's first half)
    bulk_congresses([cells["late_cycle"]], held_on=held, term=(2027, 2030))  # another term start: never
    bulk_congresses([cells["exact"]], held_on=held, term=(2025, 2030))  # counts
    bulk_congresses([cells["short"]], held_on=held, term=(2025, 2027))  # not a grassroots cell's term
    for day, expected in ((held - dt.timedelta(days=1), (0, 5)), (held, (2, 5)), (TODAY, (2, 5))):
        found = DB.congress_by_child(org=tree.province, term_start_year=2025, day=day)
        assert found[commune.path] == expected, day
        rule = [congress_progress(org=commune, kind=kind, term_start_year=2025, term_end_year=2030, day=day)
                for kind in (OrgKind.CELL, OrgKind.GRASSROOTS_CELL)]
        assert found[commune.path] == (sum(p.held for p in rule), sum(p.total for p in rule)), day
    chart = DB.dashboard(actor=users["province_officer"], org=tree.province, day=held, year=2025).chart("congress")
    at = chart.codes.index(str(commune.pk))
    assert (_series(chart, "held")[at], _series(chart, "cells")[at]) == (2, 5)
    assert chart.rows[at] == ["Đảng bộ xã Biên", "2", "5", "40,00 %"]


def test_an_org_without_figures_shows_no_data(tree, users):
    empty = make_org(tree.admin, tree.province, OrgKind.COMMUNE, name="Đảng bộ xã Mới Lập", code="XM")
    data = DB.dashboard(actor=users["province_officer"], org=empty, day=TODAY, year=YEAR)
    assert [c.key for c in data.charts if c.empty] == [
        "members_by_status", "admissions", "pyramid", "political_theory", "congress"]
    html = session_client(users["province_officer"]).get(PAGE, {"to_chuc": empty.pk}).content.decode()
    assert html.count("Chưa có số liệu.") == 5
    assert "<canvas" not in html


def test_congress_round_of_a_day():
    assert DB.congress_round(D(2025, 1, 1)) == (2025, 2030)
    assert DB.congress_round(D(2029, 12, 31)) == (2025, 2030)
    assert DB.congress_round(D(2030, 1, 1)) == (2030, 2035)


# -- the page --------------------------------------------------------------------------------------------------
def test_page_draws_from_the_same_data_with_tables_in_vietnamese(world, users):
    response = session_client(users["province_officer"]).get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["org"] == world.province  # the user's own org by default
    data = DB.dashboard(actor=users["province_officer"], org=world.province, day=TODAY, year=YEAR)
    embedded = json.loads(html.split('<script id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    assert embedded == json.loads(json.dumps(data.as_dict()))
    for key in ("members_by_status", "admissions", "pyramid", "political_theory", "congress"):
        assert f'data-chart="{key}"' in html
        assert f'aria-controls="bang-{key}"' in html and f'id="bang-{key}"' in html
    assert html.count("Xem bảng") == 5 and html.count('aria-expanded="true" aria-controls="bang-') == 5
    assert "<td class=\"text-end\">33,33 %</td>" in html  # political theory: 2 of 6
    assert "60,00 %" in html and "2 đảng viên, đạt 50,00 %" in html
    assert "vendor/chartjs-4.6.1/chart.umd.min.js" in html and "tcxd/dashboard.js" in html
    assert "<script>" not in html and " style=" not in html  # the CSP allows neither


def test_page_formats_thousands_the_vietnamese_way(tree, users):
    from .factories import bulk_admissions

    bulk_admissions(tree.cell_a1, [D(YEAR, 1, 1)] * 1234)
    target_set(actor=tree.admin, org=tree.province, year=YEAR, indicator=Indicator.ADMISSIONS, planned=1300)
    html = session_client(users["province_officer"]).get(PAGE).content.decode()
    assert "<td class=\"text-end\">1.234</td>" in html and "<td class=\"text-end\">1.300</td>" in html
    assert "1.234 đảng viên, đạt 94,92 %" in html


def test_page_defaults_to_the_users_own_org_and_offers_only_the_scope(world, users):
    page = session_client(users["commune_officer"]).get(PAGE)
    assert page.context["org"] == world.commune_a
    html = page.content.decode()
    assert "Đảng bộ xã Cao Lộc" not in html and "Đảng bộ xã Hữu Lũng" not in html
    assert session_client(users["admin"]).get(PAGE).context["org"] == world.root
    child = session_client(users["province_officer"]).get(PAGE, {"to_chuc": world.commune_c.pk})
    assert child.status_code == 200 and child.context["dashboard"].org == world.commune_c


def test_page_refuses_bad_and_future_dates_in_vietnamese(world, users):
    client = session_client(users["province_officer"])
    bad = client.get(PAGE, {"ngay": "31/02/2026", "nam": "hai nghìn"})
    html = bad.content.decode()
    assert bad.status_code == 200 and bad.context["day"] == TODAY
    assert "Ngày không hợp lệ: “31/02/2026”" in html and "Năm của chỉ tiêu phải là một năm từ 1930" in html
    future = TODAY + dt.timedelta(days=1)
    html = client.get(PAGE, {"ngay": future.strftime("%d/%m/%Y")}).content.decode()
    assert f"Ngày xem số liệu ({future:%d/%m/%Y}) không được sau ngày hôm nay" in html
    old = client.get(PAGE, {"ngay": "01/01/1900"})
    assert "Ngày xem số liệu phải từ 01/01/1930" in old.content.decode() and old.context["day"] == TODAY
    past = client.get(PAGE, {"ngay": "31/12/2025", "nam": "2025"})
    assert past.context["dashboard"].day == D(2025, 12, 31) and not past.context["problems"]


def test_officer_of_another_province_gets_404(world):
    other = make_org(world.admin, world.root, OrgKind.PROVINCIAL, name="Đảng bộ tỉnh Cao Bằng", code="T04")
    officer = make_user("caobang", Role.OFFICER, other)
    response = session_client(officer).get(PAGE, {"to_chuc": world.province.pk})
    assert response.status_code == 404 and "Lạng Sơn" not in response.content.decode()
    api = api_client(officer).get(f"/api/reports/orgs/{world.province.pk}/dashboard")
    assert api.status_code == 404 and api.json()["code"] == "not_found"
    assert "Lạng Sơn" not in api.content.decode()
    assert session_client(officer).get(PAGE).context["org"] == other


def test_page_queries_do_not_grow_with_the_data(world, users, django_assert_max_num_queries):
    client = session_client(users["province_officer"])
    client.get(PAGE)  # rule book and caches warmed

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(PAGE).status_code == 200
        return len(ctx)

    before = count()
    for i in range(3):  # more subordinate orgs, cells, members and congresses
        commune = make_org(world.admin, world.province, OrgKind.COMMUNE, name=f"Đảng bộ xã Thêm {i}",
                           code=f"XT{i}", valid_from=D(2016, 1, 1))
        cell = make_org(world.admin, commune, OrgKind.CELL, name=f"Chi bộ thêm {i}", code=f"XT{i}1",
                        valid_from=D(2016, 1, 1))
        member(cell, decided=D(2018 + i, 2, 1), sex="F")
        C.congress_create(actor=world.admin, org=cell, term_start_year=2025, term_end_year=2027,
                          held_on=D(2025, 9, 9))
    assert count() == before
    # about 53: session and scope, 11 member cubes (10 year ends and the day, 2 queries each), up to 11 monthly
    # admission counts and the target's progress, the congress round by child, the org chooser
    with django_assert_max_num_queries(60):
        client.get(PAGE)


# -- the API ---------------------------------------------------------------------------------------------------
def test_api_returns_the_same_series(world, users):
    response = api_client(users["province_officer"]).get(f"/api/reports/orgs/{world.province.pk}/dashboard",
                                                   {"on": "2025-12-31", "year": "2025"})
    assert response.status_code == 200
    data = DB.dashboard(actor=users["province_officer"], org=world.province, day=D(2025, 12, 31), year=2025)
    assert response.json() == json.loads(json.dumps(data.as_dict()))
    by_key = {c["key"]: c for c in response.json()["charts"]}
    assert set(by_key) == {"members_by_status", "admissions", "pyramid", "political_theory", "congress"}
    assert by_key["members_by_status"]["categories"][-1] == {"code": "2025-12-31", "label": "31/12/2025"}
    default = api_client(users["commune_officer"]).get(f"/api/reports/orgs/{world.commune_a.pk}/dashboard")
    assert default.status_code == 200 and default.json()["on"] == TODAY.isoformat()
    vn_date = api_client(users["commune_officer"]).get(f"/api/reports/orgs/{world.commune_a.pk}/dashboard",
                                                 {"on": "31/12/2025"})
    assert vn_date.json()["on"] == "2025-12-31"


def test_api_refuses_bad_dates_with_400_in_vietnamese(world, users):
    client = api_client(users["province_officer"])
    url = f"/api/reports/orgs/{world.province.pk}/dashboard"
    bad = client.get(url, {"on": "2026-02-31"})
    assert bad.status_code == 400
    body = bad.json()
    assert body["code"] == "validation_failed" and "Ngày không hợp lệ: “2026-02-31”" in body["errors"]["on"][0]
    future = client.get(url, {"on": (TODAY + dt.timedelta(days=3)).isoformat()})
    assert future.status_code == 400 and "không được sau ngày hôm nay" in future.json()["message"]
    year = client.get(url, {"year": "1800"})
    assert year.status_code == 400 and "Năm của chỉ tiêu" in year.json()["errors"]["year"][0]
