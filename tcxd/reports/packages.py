"""Periodic report packages (báo cáo định kỳ, issue 4 §4–§5): reads and pure computations.

- ``package_period``: the period, cut-off day and deadline of a template for a year (G-01: configurable);
- ``build_figures``: every form of a template rendered for an org (the engine, ``render_form``) and turned
  into a JSON snapshot (cells exact integers, the form definitions used); ``rendered_from_snapshot`` turns it
  back into ``RenderedForm``s, so frozen figures are shown and exported without recomputing anything;
- ``package_diff``: a package's stored figures against the live figures, cell by cell;
- ``consolidation``: the direct subordinate orgs (as of the cut-off) with their submission standing, and the
  consolidated figures: the org's live figures with the part of every submitted subordinate replaced by its
  frozen figures (when nothing changed since the submissions, exactly the live figures);
- selectors: the packages in the actor's scope, one package (404 outside the scope), the templates.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db.models import QuerySet

from tcxd.authz.guards import require_read
from tcxd.authz.scope import scope_for
from tcxd.common.errors import NotFound, ValidationFailed
from tcxd.common.fmt import fmt_date
from tcxd.orgs.models import Org
from tcxd.orgs.selectors import org_children_as_of, org_version_on

from . import stats
from .models import FormKind, ReportForm, ReportPackage, ReportPackageTemplate, ReportPackageVersion
from .report_forms import BodyRow, HeaderCell, Item, RenderedForm, previous_period, render_form
from .stats import movements_batch

SNAPSHOT_VERSION = 1
FIRST_YEAR = 1930
LIVE_LABEL = "số liệu trực tiếp, chưa nộp báo cáo"


# -- the period of a template ---------------------------------------------------------------------------
def clamp_day(year: int, month: int, day: int) -> dt.date:
    """The day in ``year``; 29/02 in a common year is 28/02."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
    start: dt.date
    cutoff: dt.date
    deadline: dt.date

    @property
    def text(self) -> str:
        return f"Từ ngày {fmt_date(self.start)} đến ngày {fmt_date(self.cutoff)}"


def package_period(template: ReportPackageTemplate, year: int) -> Period:
    """The cut-off day of ``year``, the period ending on it (starting on the template's start day of the same
    year, or of the year before when that day falls after the cut-off) and the deadline (cut-off + days)."""
    cutoff = clamp_day(year, template.cutoff_month, template.cutoff_day)
    start = clamp_day(year, template.start_month, template.start_day)
    if start > cutoff:
        start = clamp_day(year - 1, template.start_month, template.start_day)
    return Period(start, cutoff, cutoff + dt.timedelta(days=template.deadline_days))


def year_problems(template: ReportPackageTemplate, year, *, today: dt.date) -> list[str]:
    """Why no package of ``template`` can be made for ``year`` today (empty when one can)."""
    if year is None or year == "":
        return ["Chưa nhập năm báo cáo."]
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= today.year:
        return [f"Năm báo cáo phải là một năm từ {FIRST_YEAR} đến {today.year}; đã nhập “{year}”."]
    period = package_period(template, year)
    if period.cutoff > today:
        return [f"Ngày chốt số liệu {fmt_date(period.cutoff)} của {template.title.lower()} năm {year} chưa tới "
                f"(hôm nay {fmt_date(today)}): chưa tạo được báo cáo có số liệu của ngày tương lai."]
    return []


# -- snapshots of rendered forms --------------------------------------------------------------------------
def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def snapshot_of(rendered: RenderedForm, form: ReportForm) -> dict:
    """A rendered form as JSON: every cell an exact integer, with the definition it was filled from."""
    return {
        "code": rendered.code, "title": rendered.title, "family": rendered.family, "kind": rendered.kind,
        "description": rendered.description, "definition": form.definition, "org_id": rendered.org_id,
        "org_name": rendered.org_name, "on": _iso(rendered.on), "start": _iso(rendered.start),
        "end": _iso(rendered.end), "previous_start": _iso(rendered.previous_start),
        "previous_end": _iso(rendered.previous_end),
        "header_rows": [[{"label": h.label, "colspan": h.colspan, "rowspan": h.rowspan, "key": h.key} for h in row]
                        for row in rendered.header_rows],
        "columns": [{"key": c.key, "label": c.label, "total": c.total} for c in rendered.columns],
        "rows": [{"key": r.key, "label": r.label, "indent": r.indent, "is_total": r.is_total, "role": r.role,
                  "values": [int(v) for v in r.values]} for r in rendered.rows],
        "notes": list(rendered.notes)}


def rendered_from_snapshot(data: dict) -> RenderedForm:
    return RenderedForm(
        code=data["code"], title=data["title"], family=data.get("family", ""), kind=data["kind"],
        description=data.get("description", ""), org_id=data["org_id"], org_name=data["org_name"],
        on=_day(data.get("on")), start=_day(data.get("start")), end=_day(data.get("end")),
        previous_start=_day(data.get("previous_start")), previous_end=_day(data.get("previous_end")),
        header_rows=[[HeaderCell(h["label"], h["colspan"], h["rowspan"], h.get("key", "")) for h in row]
                     for row in data["header_rows"]],
        columns=[Item(key=c["key"], label=c["label"], total=c.get("total")) for c in data["columns"]],
        rows=[BodyRow(key=r["key"], label=r["label"], indent=r["indent"], is_total=r["is_total"],
                      values=list(r["values"]), role=r.get("role", "plain")) for r in data["rows"]],
        notes=list(data.get("notes", [])))


def template_forms(template: ReportPackageTemplate) -> list[ReportForm]:
    """The template's report forms in its order; a code no longer in use → ValidationFailed."""
    by_code = {f.code: f for f in ReportForm.objects.filter(code__in=template.form_codes, active=True)}
    missing = [c for c in template.form_codes if c not in by_code]
    if missing:
        raise ValidationFailed({"template": [
            f"Mẫu {template.code} gồm biểu {', '.join(missing)} không còn trong danh mục biểu thống kê đang dùng: "
            "quản trị hệ thống sửa mẫu trước khi tạo báo cáo."]})
    return [by_code[c] for c in template.form_codes]


def _when(kind: str, period: Period) -> dict:
    if kind == FormKind.MOVEMENTS:
        return {"start": period.start, "end": period.cutoff}
    return {"on": period.cutoff}


def render_package_forms(*, actor, template: ReportPackageTemplate, org: Org, period: Period,
                         today: dt.date | None = None) -> list[tuple[ReportForm, RenderedForm]]:
    return [(form, render_form(actor=actor, form=form, org=org, today=today, **_when(form.kind, period)))
            for form in template_forms(template)]


def build_figures(*, actor, template: ReportPackageTemplate, org: Org, period: Period,
                  today: dt.date | None = None) -> dict:
    """The figures of a package: every form of ``template`` filled for ``org`` on the cut-off day (movements
    over the period), as a JSON snapshot."""
    rendered = render_package_forms(actor=actor, template=template, org=org, period=period, today=today)
    return {"v": SNAPSHOT_VERSION, "period_start": period.start.isoformat(), "cutoff": period.cutoff.isoformat(),
            "forms": [snapshot_of(r, form) for form, r in rendered]}


def figures_forms(figures: dict) -> list[RenderedForm]:
    return [rendered_from_snapshot(f) for f in figures.get("forms", [])]


# -- selectors ---------------------------------------------------------------------------------------------
def package_templates(*, include_old: bool = False) -> QuerySet[ReportPackageTemplate]:
    qs = ReportPackageTemplate.objects.all()
    return qs if include_old else qs.filter(superseded_at__isnull=True)


def package_template_current(*, code: str) -> ReportPackageTemplate:
    tpl = package_templates().filter(code=code).first()
    if tpl is None:
        raise NotFound(f"Không có mẫu báo cáo định kỳ mã “{code}”.")
    return tpl


def packages_list(*, actor, year: int | None = None, template_code: str | None = None, status: str | None = None,
                  org: Org | None = None) -> QuerySet[ReportPackage]:
    """The packages of orgs in the actor's scope (of ``org``'s subtree when given), newest year first."""
    qs = ReportPackage.objects.filter(scope_for(actor).q("org__path")).select_related("template", "org")
    if org is not None:
        require_read(actor, org.path)
        from tcxd.orgs.selectors import subtree_q

        qs = qs.filter(subtree_q(org, "org__path"))
    if year is not None:
        qs = qs.filter(year=year)
    if template_code:
        qs = qs.filter(template_code=template_code)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "template__position", "template_code", "org__path")


def package_get(*, actor, pk) -> ReportPackage:
    """The package if its org is in the actor's scope; otherwise NotFound (no hint that it exists)."""
    try:
        package = ReportPackage.objects.select_related("template", "org").get(pk=int(pk))
    except (ReportPackage.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("Không tìm thấy báo cáo.") from None
    require_read(actor, package.org.path)
    return package


def package_versions(*, package: ReportPackage):
    return package.versions.select_related("template", "generated_by").order_by("-number")


def package_current_version(*, package: ReportPackage):
    return package.versions.select_related("template").get(number=package.current_version)


# -- submission standing (§5) ------------------------------------------------------------------------------
ON_TIME, LATE, MISSING, PENDING, DRAFT_LATE = "on_time", "late", "missing", "pending", "draft_overdue"
STANDING_LABELS = {
    ON_TIME: "Nộp đúng hạn",
    LATE: "Nộp muộn",
    MISSING: "Chưa nộp (quá hạn)",
    DRAFT_LATE: "Đang dự thảo, quá hạn",
    PENDING: "Chưa nộp (còn hạn)",
}


def submission_standing(*, submitted_on: dt.date | None, deadline: dt.date, today: dt.date) -> str:
    """On time = submitted on or before the deadline day; late = after it; not submitted = missing once the
    deadline day has passed, pending until then."""
    if submitted_on is not None:
        return ON_TIME if submitted_on <= deadline else LATE
    return MISSING if today > deadline else PENDING


# -- diff of a package against the live figures -------------------------------------------------------------
@dataclass
class DiffCell:
    stored: int | None
    live: int | None

    @property
    def delta(self) -> int:
        return (self.live or 0) - (self.stored or 0)

    @property
    def changed(self) -> bool:
        return self.stored != self.live


@dataclass
class DiffRow:
    key: str
    label: str
    indent: int
    is_total: bool
    cells: list[DiffCell]
    only_in: str = ""  # "stored" | "live" | ""


@dataclass
class FormDiff:
    code: str
    title: str
    period_text: str
    live_period_text: str
    columns: list[tuple[str, str]]
    rows: list[DiffRow]

    @property
    def changed_cells(self) -> int:
        return sum(c.changed for r in self.rows for c in r.cells)

    @property
    def increase(self) -> int:
        return sum(c.delta for r in self.rows for c in r.cells if c.delta > 0)

    @property
    def decrease(self) -> int:
        return sum(c.delta for r in self.rows for c in r.cells if c.delta < 0)


@dataclass
class PackageDiff:
    package: ReportPackage
    version: int
    day: dt.date
    same_day: bool
    forms: list[FormDiff] = field(default_factory=list)

    @property
    def changed_cells(self) -> int:
        return sum(f.changed_cells for f in self.forms)

    @property
    def increase(self) -> int:
        return sum(f.increase for f in self.forms)

    @property
    def decrease(self) -> int:
        return sum(f.decrease for f in self.forms)


def _grid(rendered: RenderedForm) -> dict[tuple[str, str], int]:
    return {(r.key, c.key): v for r in rendered.rows for c, v in zip(rendered.columns, r.values, strict=True)}


def form_diff(stored: RenderedForm, live: RenderedForm) -> FormDiff:
    """Cell by cell, aligned by row and column keys (a row or column in only one side is shown with the other
    side empty)."""
    columns = [(c.key, c.label) for c in stored.columns]
    columns += [(c.key, c.label) for c in live.columns if c.key not in {k for k, _ in columns}]
    a, b = _grid(stored), _grid(live)
    live_keys = {r.key for r in live.rows}
    stored_keys = {r.key for r in stored.rows}
    rows = []
    for r in stored.rows:
        rows.append(DiffRow(r.key, r.label, r.indent, r.is_total,
                            [DiffCell(a.get((r.key, k)), b.get((r.key, k))) for k, _ in columns],
                            "" if r.key in live_keys else "stored"))
    for r in live.rows:
        if r.key not in stored_keys:
            rows.append(DiffRow(r.key, r.label, r.indent, r.is_total,
                                [DiffCell(None, b.get((r.key, k))) for k, _ in columns], "live"))
    return FormDiff(stored.code, stored.title, stored.period_text, live.period_text, columns, rows)


def package_diff(*, actor, package: ReportPackage, day: dt.date | None = None,
                 today: dt.date | None = None) -> PackageDiff:
    """The package's stored figures (its current version) against the live figures of the same forms (the same
    definitions) for the same org: on the cut-off day (``day`` None: what was recorded later about the
    period) or on ``day`` (movement forms: the period then ends on ``day``)."""
    require_read(actor, package.org.path)
    today = today or dt.date.today()
    day = day or package.cutoff
    if day > today:
        raise ValidationFailed({"day": [f"Ngày so sánh {fmt_date(day)} chưa tới (hôm nay {fmt_date(today)})."]})
    if day < package.cutoff:
        raise ValidationFailed({"day": [f"Ngày so sánh {fmt_date(day)} trước ngày chốt số liệu "
                                        f"{fmt_date(package.cutoff)} của báo cáo."]})
    version = package_current_version(package=package)
    out = PackageDiff(package, version.number, day, day == package.cutoff)
    for data in version.figures.get("forms", []):
        stored = rendered_from_snapshot(data)
        form = {"kind": data["kind"], "definition": data["definition"], "code": data["code"],
                "title": data["title"], "family": data.get("family", ""), "description": data.get("description", "")}
        when = ({"start": package.period_start, "end": day} if data["kind"] == FormKind.MOVEMENTS else {"on": day})
        live = render_form(actor=actor, form=form, org=package.org, today=today, **when)
        out.forms.append(form_diff(stored, live))
    return out


# -- consolidation up the tree (§5) ---------------------------------------------------------------------------
@dataclass
class ChildLine:
    org_id: int
    name: str
    package: ReportPackage | None
    standing: str

    @property
    def standing_label(self) -> str:
        return STANDING_LABELS[self.standing]

    @property
    def submitted(self) -> bool:
        return self.standing in (ON_TIME, LATE)


@dataclass
class SplitRow:
    key: str
    label: str
    indent: int
    is_total: bool
    role: str
    frozen: list[int]
    live: list[int]

    @property
    def totals(self) -> list[int]:
        return [a + b for a, b in zip(self.frozen, self.live, strict=True)]

    @property
    def cells(self) -> list[tuple[int, int, int]]:
        """(total, frozen part, live part) of each column."""
        return list(zip(self.totals, self.frozen, self.live, strict=True))


@dataclass
class ConsolidatedForm:
    rendered: RenderedForm  # the consolidated totals, in the form's layout
    rows: list[SplitRow]

    @property
    def frozen_rendered(self) -> RenderedForm:
        return _with_values(self.rendered, [r.frozen for r in self.rows], "Trong đó: số liệu từ báo cáo đã nộp")

    @property
    def live_rendered(self) -> RenderedForm:
        return _with_values(self.rendered, [r.live for r in self.rows], f"Trong đó: {LIVE_LABEL}")


def _with_values(rendered: RenderedForm, values: list[list[int]], note: str) -> RenderedForm:
    rows = [BodyRow(r.key, r.label, r.indent, r.is_total, list(v), r.role) for r, v in zip(rendered.rows, values,
                                                                                           strict=True)]
    return RenderedForm(**{**rendered.__dict__, "rows": rows, "notes": [note]})


@dataclass
class Consolidation:
    org: Org
    org_name: str
    template: ReportPackageTemplate
    year: int
    period: Period
    children: list[ChildLine]
    forms: list[ConsolidatedForm]
    today: dt.date

    def count(self, standing: str) -> int:
        return sum(1 for c in self.children if c.standing == standing)

    @property
    def submitted_count(self) -> int:
        return sum(1 for c in self.children if c.submitted)


def stored_forms(*, packages: list[ReportPackage]) -> dict[int, dict[str, RenderedForm]]:
    """org id → form code → the stored figures of each package's current version, read in one query (the
    figures only: not the stored .docx)."""
    wanted = {p.pk: p for p in packages}
    versions = (ReportPackageVersion.objects.filter(package_id__in=list(wanted))
                .only("package_id", "number", "figures").order_by())
    out: dict[int, dict[str, RenderedForm]] = {p.org_id: {} for p in packages}
    for version in versions:
        package = wanted[version.package_id]
        if version.number == package.current_version:
            out[package.org_id] = {f["code"]: rendered_from_snapshot(f) for f in version.figures.get("forms", [])}
    return out


def without_child_rows(form: ReportForm) -> dict | None:
    """The form as a definition dict without its rows of subordinate orgs (``rows_from`` children, rows that
    expand ``child``): what a subordinate's own figures are needed for in a consolidation, without grouping its
    members by its own subordinates. None when no other row is left."""
    definition = json.loads(form.definition) if isinstance(form.definition, str) else dict(form.definition)
    definition.pop("rows_from", None)
    definition["rows"] = [r for r in definition.get("rows", []) if not (isinstance(r, dict) and r.get("expand")
                                                                          == "child")]
    if not definition["rows"]:
        return None
    return {"kind": form.kind, "definition": definition, "code": form.code, "title": form.title,
            "family": form.family, "description": form.description}


def _total_all_key(rendered: RenderedForm) -> str | None:
    """The key of the form's first row counting everything (``"total": "all"``): a subordinate's frozen
    figures of that row are its line in a form with one row per subordinate org."""
    return next((r.key for r in rendered.rows if r.is_total and r.role == "total" and r.key), None)


def consolidation(*, actor, org: Org, template: ReportPackageTemplate, year: int,
                  today: dt.date | None = None) -> Consolidation:
    """The direct subordinate orgs of ``org`` as of the cut-off day with their submission standing, and the
    consolidated figures of every form of ``template``: per cell, the frozen part (the sum of the submitted
    subordinates' stored figures) and the live part (``org``'s live figures less the live figures of the
    submitted subordinates: the subordinates that did not submit, and members directly under ``org``)."""
    require_read(actor, org.path)
    today = today or dt.date.today()
    problems = year_problems(template, year, today=today)
    if problems:
        raise ValidationFailed({"year": problems})
    period = package_period(template, year)
    version = org_version_on(org=org, day=period.cutoff)
    children = org_children_as_of(org=org, day=period.cutoff)
    packages = {p.org_id: p for p in ReportPackage.objects.filter(
        org_id__in=[c.org_id for c in children], template_code=template.code, year=year).select_related("org")}
    lines = []
    for child in children:
        package = packages.get(child.org_id)
        submitted_on = package.submitted_on if package is not None and package.is_frozen else None
        standing = submission_standing(submitted_on=submitted_on, deadline=period.deadline, today=today)
        if standing == MISSING and package is not None:
            standing = DRAFT_LATE
        lines.append(ChildLine(child.org_id, child.name, package, standing))
    submitted = [line for line in lines if line.submitted]
    frozen_forms = stored_forms(packages=[line.package for line in submitted])
    child_orgs = {o.pk: o for o in Org.objects.filter(pk__in=[line.org_id for line in submitted])}
    # the movements of the org and of every submitted subordinate over both periods of the movement forms: one
    # pass per period
    periods = [(period.start, period.cutoff), previous_period(period.start, period.cutoff)]
    batch = (movements_batch(orgs=[org, *child_orgs.values()], periods=periods)
             if any(form.kind == FormKind.MOVEMENTS for form in template_forms(template)) else nullcontext())
    forms = []
    with batch:
        rendered = render_package_forms(actor=actor, template=template, org=org, period=period, today=today)
        for form, live in rendered:
            forms.append(_consolidated_form(actor, org, form, live, period, today, submitted, len(lines),
                                            frozen_forms, child_orgs))
    return Consolidation(org, version.name if version else org.name, template, year, period, lines, forms, today)


class _Recorder:
    """A ``_cube_of`` for ``render_form`` that answers empty cubes and records the dimension sets asked."""

    def __init__(self) -> None:
        self.wanted: list[tuple[str, ...]] = []

    def __call__(self, dims) -> stats.Cube:
        self.wanted.append(tuple(dims))
        return stats.Cube()


def _members_grid_of_subtrees(actor, org: Org, own_rows: dict, on: dt.date, orgs: list[Org], today: dt.date,
                              wanted: list[tuple[str, ...]]) -> dict[tuple[str, str], int]:
    """The members form ``own_rows`` (asking the cube dimension sets ``wanted``) filled for the subtrees of
    ``orgs`` together — the sum of their own figures, every cell counting members — from one scan of their
    spells (``stats.member_cube_of_subtrees``)."""
    union = tuple(sorted({d for dims in wanted for d in dims}))
    if set(union) & set(stats.ORG_DIMENSIONS) or len(wanted) < 2:
        def cube_of(dims):
            return stats.member_cube_of_subtrees(orgs=orgs, on=on, dims=dims)
    else:
        whole = stats.member_cube_of_subtrees(orgs=orgs, on=on, dims=union)

        def cube_of(dims):
            return stats.project(whole, union, dims)
    return _grid(render_form(actor=actor, form=own_rows, org=org, on=on, today=today, _cube_of=cube_of))


def _consolidated_form(actor, org: Org, form: ReportForm, live: RenderedForm, period: Period, today: dt.date,
                       submitted: list[ChildLine], children_count: int, frozen_forms: dict,
                       child_orgs: dict) -> ConsolidatedForm:
    """One form of ``consolidation``: ``org``'s live figures ``live`` split into the frozen part of the submitted
    subordinates and the live rest. A subordinate's live part is its own figures (the form without its rows of
    subordinate orgs); on a members form the subordinates whose stored figures hold every cell are counted
    together (members add up), the others one by one; movement forms read the batch of ``consolidation``."""
    when = _when(form.kind, period)
    frozen_sum: dict[tuple[str, str], int] = {}
    live_sub: dict[tuple[str, str], int] = {}
    child_row_frozen: dict[str, list[int] | None] = {}
    own_rows = without_child_rows(form)
    shape: set | None = None  # the cells of the subordinates' own members form
    recorder = _Recorder()
    if own_rows is not None and form.kind == FormKind.MEMBERS and submitted:
        shape = set(_grid(render_form(actor=actor, form=own_rows, org=org, today=today, _cube_of=recorder, **when)))
    together: list[ChildLine] = []
    for line in submitted:
        stored = frozen_forms[line.org_id].get(form.code)
        if stored is None:  # the subordinate's template version had no such form: its part stays live
            continue
        stored_grid = _grid(stored)
        if shape is not None and shape <= stored_grid.keys():
            together.append(line)
            live_grid: dict = dict.fromkeys(shape, 0)  # its live figures: in the sum below
        else:
            live_grid = {} if own_rows is None else _grid(
                render_form(actor=actor, form=own_rows, org=child_orgs[line.org_id], today=today, **when))
        for (rk, ck), v in stored_grid.items():
            if rk.startswith("child:"):
                continue
            if (rk, ck) in live_grid:
                frozen_sum[(rk, ck)] = frozen_sum.get((rk, ck), 0) + v
                live_sub[(rk, ck)] = live_sub.get((rk, ck), 0) + live_grid[(rk, ck)]
        total_key = _total_all_key(stored)
        child_row_frozen[f"child:{line.org_id}"] = (
            None if total_key is None else [stored_grid.get((total_key, c.key), 0) for c in live.columns])
    if together:
        summed = _members_grid_of_subtrees(actor, org, own_rows, period.cutoff,
                                           [child_orgs[line.org_id] for line in together], today, recorder.wanted)
        for key, v in summed.items():
            live_sub[key] = live_sub.get(key, 0) + v
    rows = []
    for r in live.rows:
        if r.role == "child" and child_row_frozen.get(r.key) is not None:
            rows.append(SplitRow(r.key, r.label, r.indent, r.is_total, r.role, child_row_frozen[r.key],
                                 [0] * len(r.values)))
            continue
        if r.role in ("child", "direct"):
            rows.append(SplitRow(r.key, r.label, r.indent, r.is_total, r.role, [0] * len(r.values),
                                 list(r.values)))
            continue
        frozen = [frozen_sum.get((r.key, c.key), 0) for c in live.columns]
        live_part = [v - live_sub.get((r.key, c.key), 0) for v, c in zip(r.values, live.columns, strict=True)]
        rows.append(SplitRow(r.key, r.label, r.indent, r.is_total, r.role, frozen, live_part))
    totals = RenderedForm(**{**live.__dict__, "rows": [
        BodyRow(s.key, s.label, s.indent, s.is_total, s.totals, s.role) for s in rows],
        "notes": [*live.notes, f"Tổng hợp: số liệu từ {len(submitted)}/{children_count} báo cáo đã nộp của các tổ "
                  f"chức trực thuộc, cộng {LIVE_LABEL} của các tổ chức còn lại."]})
    return ConsolidatedForm(totals, rows)
