"""Benchmarks of the reports context: the quality form (3-TCTW) through the API, as an officer sees it.

* ``reports.province_form``: the biggest province's form today (M);
* ``reports.national_form``: the nation's form today (L);
* ``reports.national_form_past``: the nation's form one year back (L): no tallies, the spells;
* ``reports.package``: the biggest province's annual report package (template BC-NAM: six forms on the
  cut-off day, movements over the period) as a .docx (M): the figures as ``package_generate`` computes them
  and the document as ``package_docx_bytes`` renders it (docxtpl), without the two INSERTs.

The floor fills the same form from hand-written SQL over the spells (one grouped query per set of
dimensions the cells need, the tree as it stood that day), through the same cell arithmetic.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import connection
from django.test import Client
from django.utils import timezone

from tcxd.common.paths import path_range
from tcxd.members.models import MemberSpell
from tcxd.orgs.models import Org, OrgVersion
from tcxd.reports import stats
from tcxd.reports.models import ReportForm
from tcxd.reports.report_forms import render_form

from ..runner import Benchmark
from .members import _get, bench_officer, bench_token
from .orgs import _client_host, biggest_province

FORM = "3-TCTW"
PACKAGE_TEMPLATE = "BC-NAM"


def _raw_cube(org: Org, on: dt.date):
    """``cube_of(dims)`` by one raw grouped query over the spells covering ``on`` in ``org``'s subtree
    as it stood that day (bands by CASE on the thresholds; organization dimensions are not used by
    the quality form)."""
    root = (OrgVersion.objects.filter(org=org, valid_from__lte=on).exclude(valid_to__lt=on)
            .order_by("-valid_from").values_list("path", flat=True).first())
    low, high = path_range(root)
    head = len(root) + Org.steplen
    children = dict(OrgVersion.objects.filter(valid_from__lte=on, path__gte=low, path__lt=high, depth=len(root)
                                              // Org.steplen + 1).exclude(valid_to__lt=on)
                    .values_list("path", "org_id"))

    def cube_of(dims):
        params: list = []
        cols = []
        for d in dims:
            if d == "child":  # the root's child above the member's org (its path head), "" directly at the root
                cols.append("substr(v.path, 1, %s)")
                params.append(head)
            elif d == "age_band":
                cols.append(stats._band_sql("s.birth_date", stats.bands(stats.AGE_KEY, on), on,
                                            [c for c, _ in stats.age_band_values(on)], params))
            elif d == "party_age_band":
                codes = [c for c, _ in stats.party_age_band_values(on) if c != stats.NO_PARTY_AGE]
                band = stats._band_sql("s.party_age_start", stats.bands(stats.PARTY_AGE_KEY, on), on, codes, params)
                cols.append(f"CASE WHEN s.party_age_start IS NULL THEN '{stats.NO_PARTY_AGE}' ELSE {band} END")
            elif d in ("exempted", "temporary"):
                cols.append(f"CASE WHEN s.{d} THEN '1' ELSE '0' END")
            else:
                cols.append(f"s.{d}")
        select = ", ".join(cols) if cols else "''"
        sql = (f"SELECT {select}, COUNT(*) FROM {MemberSpell._meta.db_table} s "
               f"JOIN {OrgVersion._meta.db_table} v ON v.org_id = s.org_id AND v.valid_from <= %s "
               f"AND (v.valid_to IS NULL OR v.valid_to >= %s) AND v.path >= %s AND v.path < %s "
               f"WHERE s.valid_from <= %s AND (s.valid_to IS NULL OR s.valid_to >= %s) "
               f"GROUP BY {', '.join(str(i + 1) for i in range(max(1, len(cols))))}")
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, on, on, low, high, on, on])
            rows = cursor.fetchall()
        if "child" not in dims:
            return Counter({(tuple(r[:-1]) if cols else ()): r[-1] for r in rows})
        at = list(dims).index("child")
        out: Counter = Counter()
        for r in rows:
            key = list(r[:-1])
            key[at] = str(children[key[at]]) if key[at] in children else ""
            out[tuple(key)] += r[-1]
        return out
    return cube_of


def _grid(rendered) -> list[list[int]]:
    return [list(row.values) for row in rendered.rows]


def _form(name: str, org: Org, on: dt.date) -> Benchmark:
    user = bench_officer(org)
    key = bench_token(user)
    client = Client(HTTP_HOST=_client_host(), HTTP_AUTHORIZATION=f"Bearer {key}")
    url = f"/api/reports/orgs/{org.pk}/forms/{FORM}"
    params = {"on": on.isoformat()}
    expected = [row["values"] for row in _get(client, name, url, data=params).json()["rows"]]
    form = ReportForm.objects.get(code=FORM)

    def run() -> None:
        _get(client, name, url, data=params)

    def floor() -> list[list[int]]:
        return _grid(render_form(actor=user, form=form, org=org, on=on, _cube_of=_raw_cube(org, on)))

    members = sum(stats.member_cube_unscoped(org=org, on=on, dims=()).values())
    return Benchmark(name, members, run, {"spells_sql": floor}, expected)


def province_form() -> Benchmark:
    return _form("reports.province_form", biggest_province(), timezone.localdate())


def national_form() -> Benchmark:
    return _form("reports.national_form", Org.objects.get(depth=1), timezone.localdate())


def national_form_past() -> Benchmark:
    today = timezone.localdate()
    try:
        past = today.replace(year=today.year - 1)
    except ValueError:  # 29/02
        past = today.replace(year=today.year - 1, day=28)
    return _form("reports.national_form_past", Org.objects.get(depth=1), past)


def package() -> Benchmark:
    """The floor fills the members forms from raw SQL over the spells (as above), the organizations and
    movements forms through the engine (a handful of indexed reads), and renders the same .docx."""
    from tcxd.reports import package_docx as PD
    from tcxd.reports import packages as PK
    from tcxd.reports.models import FormKind, PackageKind
    from tcxd.reports.package_api import default_year

    org = biggest_province()
    user = bench_officer(org)
    template = PK.package_template_current(code=PACKAGE_TEMPLATE)
    today = timezone.localdate()
    year = default_year(template, today)
    period = PK.package_period(template, year)

    def document(forms) -> list[list[list[int]]]:
        context = PD.docx_context(title=template.title, kind_label=PackageKind(template.kind).label,
                                  org_name=org.name, year=year, period_start=period.start, cutoff=period.cutoff,
                                  deadline=period.deadline, status_label="Dự thảo", version=1, issued=today,
                                  sections=template.sections, narrative={}, forms=forms)
        data = PD.render_docx(bytes(template.docx), context)
        assert data.startswith(b"PK")
        return [_grid(f) for f in forms]

    def run() -> list[list[list[int]]]:
        figures = PK.build_figures(actor=user, template=template, org=org, period=period, today=today)
        return document(PK.figures_forms(figures))

    def floor() -> list[list[list[int]]]:
        cube_of = _raw_cube(org, period.cutoff)
        forms = []
        for form in PK.template_forms(template):
            if form.kind == FormKind.MEMBERS:
                forms.append(render_form(actor=user, form=form, org=org, on=period.cutoff, _cube_of=cube_of))
            elif form.kind == FormKind.MOVEMENTS:
                forms.append(render_form(actor=user, form=form, org=org, start=period.start, end=period.cutoff))
            else:
                forms.append(render_form(actor=user, form=form, org=org, on=period.cutoff))
        return document(forms)

    expected = run()
    members = sum(stats.member_cube_unscoped(org=org, on=period.cutoff, dims=()).values())
    return Benchmark("reports.package", members, run, {"spells_sql": floor}, expected)
