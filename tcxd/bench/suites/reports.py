"""Benchmarks of the reports context: the quality form (3-TCTW) through the API, as an officer sees it.

* ``reports.province_form``: the biggest province's form today (M);
* ``reports.national_form``: the nation's form today (L);
* ``reports.national_form_past``: the nation's form one year back (L): no tallies, the spells;
* ``reports.package``: the biggest province's annual report package (template BC-NAM: six forms on the
  cut-off day, movements over the period) as a .docx (M): the figures as ``package_generate`` computes them
  and the document as ``package_docx_bytes`` renders it (docxtpl), without the two INSERTs;
* ``reports.consolidate``: the biggest province consolidating its subordinate orgs' annual packages, half of
  them submitted (M): ``packages.consolidation`` (see ``consolidate``).

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
from .restructure import rolled_back

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


# -- reports.consolidate ---------------------------------------------------------------------------------------
def _consolidation_answer(data) -> tuple:
    return ([(line.org_id, line.standing) for line in data.children],
            [(f.rendered.code, [(r.key, r.frozen, r.live) for r in f.rows]) for f in data.forms])


def consolidate() -> Benchmark:
    """The biggest province consolidating its subordinate orgs' annual packages (BC-NAM) of the latest year whose
    cut-off day has come, half of them (every other one by path) submitted on time. Their frozen packages (the
    figures ``package_generate`` stores, the .docx ``package_submit`` stores) are computed once here, untimed, and
    written at the start of every timed call inside a transaction rolled back at its end (two bulk INSERTs and
    the rollback are in the time, for the code under test and the floor alike): nothing is left in the dataset.

    The floor gives the same answer by hand: the submissions and the stored figures by raw SQL; the live part of
    the members forms from raw SQL over the spells (the cells of the subordinates that did not submit and of the
    orgs directly under the province: the spells of the submitted ones' subtrees left out), the organizations and
    movements forms through the engine (the province's less the submitted subordinates')."""
    import json

    from tcxd.orgs.selectors import org_children_as_of
    from tcxd.reports import package_docx as PD
    from tcxd.reports import packages as PK
    from tcxd.reports.models import FormKind, PackageKind, PackageStatus, ReportPackage, ReportPackageVersion
    from tcxd.reports.package_api import default_year

    org = biggest_province()
    user = bench_officer(org)
    template = PK.package_template_current(code=PACKAGE_TEMPLATE)
    today = timezone.localdate()
    year = default_year(template, today)
    period = PK.package_period(template, year)
    children = org_children_as_of(org=org, day=period.cutoff)
    taken = set(ReportPackage.objects.filter(template_code=template.code, year=year).values_list("org_id", flat=True))
    chosen = [v for v in children if v.org_id not in taken][::2]
    by_pk = Org.objects.in_bulk([v.org_id for v in chosen])
    frozen = []  # (org version, figures, .docx)
    for v in chosen:
        figures = PK.build_figures(actor=user, template=template, org=by_pk[v.org_id], period=period, today=today)
        context = PD.docx_context(title=template.title, kind_label=PackageKind(template.kind).label, org_name=v.name,
                                  year=year, period_start=period.start, cutoff=period.cutoff,
                                  deadline=period.deadline, status_label="Đã nộp", version=1, issued=today,
                                  sections=template.sections, narrative={}, forms=PK.figures_forms(figures))
        frozen.append((v, figures, PD.render_docx(bytes(template.docx), context)))
    now = timezone.now()

    def submit_all() -> None:
        packages = ReportPackage.objects.bulk_create([ReportPackage(
            org_id=v.org_id, template_code=template.code, template=template, year=year, period_start=period.start,
            cutoff=period.cutoff, deadline=period.deadline, org_name=v.name, status=PackageStatus.SUBMITTED,
            narrative={}, current_version=1, created_by=user, created_at=now, updated_at=now, submitted_by=user,
            submitted_at=now, submitted_on=today) for v, _f, _d in frozen])
        ReportPackageVersion.objects.bulk_create([ReportPackageVersion(
            package=p, number=1, template=template, figures=figures, docx=docx, generated_by=user, generated_at=now)
            for p, (_v, figures, docx) in zip(packages, frozen, strict=True)])

    def run() -> tuple:
        def body():
            submit_all()
            return _consolidation_answer(PK.consolidation(actor=user, org=org, template=template, year=year,
                                                          today=today))
        return rolled_back(body)()

    def floor() -> tuple:
        def body():
            submit_all()
            return _floor_answer()
        return rolled_back(body)()

    def _floor_answer() -> tuple:
        pkg, ver = ReportPackage._meta.db_table, ReportPackageVersion._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT p.org_id, p.submitted_on, v.figures FROM {pkg} p JOIN {ver} v ON v.package_id = "
                           f"p.id AND v.number = p.current_version WHERE p.template_code = %s AND p.year = %s "
                           f"AND p.status = %s", [template.code, year, PackageStatus.SUBMITTED])
            found = cursor.fetchall()
        submitted = {}
        for org_id, submitted_on, figures in found:
            figures = json.loads(figures) if isinstance(figures, str) else figures
            submitted_on = dt.date.fromisoformat(str(submitted_on)[:10])
            submitted[org_id] = (submitted_on, {f["code"]: f for f in figures["forms"]})
        lines = []
        for v in children:
            if v.org_id in submitted:
                lines.append((v.org_id, PK.ON_TIME if submitted[v.org_id][0] <= period.deadline else PK.LATE))
            else:
                lines.append((v.org_id, PK.MISSING if today > period.deadline else PK.PENDING))
        left_out = {str(pk) for pk in submitted}
        submitted_orgs = Org.objects.in_bulk(list(submitted))
        child_cube = _raw_cube(org, period.cutoff)

        def rest_cube(dims):  # the spells of the submitted subordinates' subtrees left out
            wide = tuple(dims) if "child" in dims else (*dims, "child")
            at = wide.index("child")
            out: Counter = Counter()
            for key, n in child_cube(wide).items():
                if key[at] in left_out:
                    continue
                out[key if "child" in dims else key[:at] + key[at + 1:]] += n
            return out

        forms = []
        for form in PK.template_forms(template):
            when = PK._when(form.kind, period)
            if form.kind == FormKind.MEMBERS:
                live = render_form(actor=user, form=form, org=org, _cube_of=rest_cube, **when)
                less = {}
            else:
                live = render_form(actor=user, form=form, org=org, **when)
                less = Counter()
                for pk in submitted:
                    part = render_form(actor=user, form=form, org=submitted_orgs[pk], **when)
                    for r in part.rows:
                        if not r.key.startswith("child:"):
                            for c, value in zip(part.columns, r.values, strict=True):
                                less[(r.key, c.key)] += value
            sums: Counter = Counter()
            child_rows = {}
            for pk, (_day, stored_forms) in submitted.items():
                stored = stored_forms[form.code]
                for r in stored["rows"]:
                    if not r["key"].startswith("child:"):
                        for c, value in zip(stored["columns"], r["values"], strict=True):
                            sums[(r["key"], c["key"])] += value
                total = next((r for r in stored["rows"] if r["is_total"] and r.get("role") == "total" and r["key"]),
                             None)
                if total is not None:
                    by_key = dict(zip([c["key"] for c in stored["columns"]], total["values"], strict=True))
                    child_rows[f"child:{pk}"] = [by_key.get(c.key, 0) for c in live.columns]
            rows = []
            for r in live.rows:
                keys = [c.key for c in live.columns]
                if r.key in child_rows:
                    rows.append((r.key, child_rows[r.key], [0] * len(keys)))
                elif r.role in ("child", "direct"):
                    rows.append((r.key, [0] * len(keys), list(r.values)))
                else:
                    rows.append((r.key, [sums[(r.key, k)] for k in keys],
                                 [v - less.get((r.key, k), 0) for v, k in zip(r.values, keys, strict=True)]))
            forms.append((form.code, rows))
        return lines, forms

    expected = run()
    members = sum(stats.member_cube_unscoped(org=org, on=period.cutoff, dims=()).values())
    return Benchmark("reports.consolidate", members, run, {"spells_sql": floor}, expected)
