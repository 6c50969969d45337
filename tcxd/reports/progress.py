"""Progress against annual targets (chỉ tiêu) for any org, year and date, rolled up the tree.

For an org, a year Y and a day D the period runs from 01/01/Y to D (capped at 31/12/Y):

- achieved, admissions: live (not voided) admission and readmission decisions dated in the period
  whose org lies in the org's subtree (path range over the tree as it stands);
- achieved, cell congresses: cells (chi bộ cơ sở and chi bộ trực thuộc) of the subtree as it stood
  on the period's last day that had held their congress of the term starting in Y by then, counted
  by the orgs context's own selector (``orgs.selectors.congress_progress``);
- planned: the org's own target ("tự đặt"), else the sum of its subordinate orgs' planned figures
  ("cộng từ cấp dưới"), each of them in turn its own target or its subordinates' sum.

The ratio is shown the Vietnamese way, rounded half up ("934 đảng viên, đạt 71,85 %"), with the
number of decimals from the setting ``TCXD_RATIO_DECIMALS`` (default 2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings
from django.db.models import Count, Exists, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from tcxd.authz.scope import scope_for
from tcxd.common.fmt import fmt_int, fmt_percent
from tcxd.common.paths import ancestor_paths, path_range
from tcxd.members.models import MemberEvent
from tcxd.orgs.kinds import CELL_KINDS, OrgStatus
from tcxd.orgs.models import Org, OrgVersion
from tcxd.orgs.selectors import congress_held_q, congress_progress, org_version_on, version_valid_on
from tcxd.rules.pure.membership.types import EventKind

from .models import INDICATOR_UNITS, Indicator, Target

OWN, FROM_BELOW = "own", "children"
SOURCE_LABELS = {OWN: "tự đặt", FROM_BELOW: "cộng từ cấp dưới", None: "chưa có chỉ tiêu"}
ADMISSION_KINDS = (EventKind.ADMISSION_DECISION.value, EventKind.READMISSION_DECISION.value)
TERM_YEARS = 5  # a congress term; cells on the 30-month cycle count for the round their term starts in
DEFAULT_PLACES = 2
MAX_PLACES = 6


def ratio_places() -> int:
    """Decimals of a displayed ratio: the setting TCXD_RATIO_DECIMALS (0–6), default 2."""
    try:
        places = int(getattr(settings, "TCXD_RATIO_DECIMALS", DEFAULT_PLACES))
    except (TypeError, ValueError):
        return DEFAULT_PLACES
    return min(max(places, 0), MAX_PLACES)


def progress_text(achieved: int, planned: int | None, indicator: str, places: int | None = None) -> str:
    """'934 đảng viên, đạt 71,85 %' (or '934 đảng viên (chưa có chỉ tiêu)')."""
    head = f"{fmt_int(achieved)} {INDICATOR_UNITS[Indicator(indicator)]}"
    if not planned:
        return f"{head} (chưa có chỉ tiêu)"
    return f"{head}, đạt {fmt_percent(achieved, planned, ratio_places() if places is None else places)}"


@dataclass(frozen=True)
class ProgressRow:
    org: Org
    indicator: str
    planned: int | None
    source: str | None  # OWN, FROM_BELOW or None (no target anywhere in the subtree)
    achieved: int
    places: int
    population: int | None = None  # cell congresses: cells of the subtree on the day

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]

    @property
    def ratio(self) -> Fraction | None:
        return Fraction(self.achieved, self.planned) if self.planned else None

    @property
    def ratio_text(self) -> str:
        """'71,85 %', or '–' without a planned figure."""
        return fmt_percent(self.achieved, self.planned, self.places) if self.planned else "–"

    @property
    def text(self) -> str:
        return progress_text(self.achieved, self.planned, self.indicator, self.places)

    @property
    def bar(self) -> int:
        """Whole percent 0..100 for a progress bar (display only)."""
        return 0 if not self.planned else max(0, min(100, self.achieved * 100 // self.planned))


@dataclass(frozen=True)
class TargetProgress:
    year: int
    indicator: str
    day: dt.date  # the day asked for
    start: dt.date  # 01/01 of the year
    until: dt.date  # the last day counted: the day asked for, at most 31/12 of the year
    row: ProgressRow
    children: list[ProgressRow] = field(default_factory=list)

    @property
    def indicator_label(self) -> str:
        return Indicator(self.indicator).label

    @property
    def unit(self) -> str:
        return INDICATOR_UNITS[Indicator(self.indicator)]

    @property
    def term(self) -> tuple[int, int] | None:
        return (self.year, self.year + TERM_YEARS) if self.indicator == Indicator.CELL_CONGRESS else None

    @property
    def before_year(self) -> bool:
        return self.until < self.start


def _subtree(field_name: str, org: Org, *, include_self: bool = True) -> dict:
    low, high = path_range(org.path)
    return {f"{field_name}__gte" if include_self else f"{field_name}__gt": low, f"{field_name}__lt": high}


def live_targets(*, org: Org, year: int, indicator: str) -> dict[str, int]:
    """Planned figures of the live targets in the org's subtree, by org path."""
    return dict(Target.objects.filter(year=year, indicator=indicator, ended_at__isnull=True,
                                      **_subtree("org__path", org)).values_list("org__path", "planned"))


def rolled_up_plan(path: str, targets: dict[str, int]) -> tuple[int | None, str | None]:
    """The planned figure at ``path``: its own target, else the sum of the topmost targets below it
    (a target below another target in the subtree is already inside that one's figure)."""
    if path in targets:
        return targets[path], OWN
    depth = len(path)
    below = [planned for p, planned in targets.items()
             if p.startswith(path) and len(p) > depth
             and not any(a in targets for a in ancestor_paths(p) if len(a) > depth)]
    return (sum(below), FROM_BELOW) if below else (None, None)


def admissions_by_child(*, org: Org, start: dt.date, until: dt.date) -> tuple[int, dict[str, int]]:
    """(admissions in the org's subtree, admissions under each direct child by its path) over
    [start, until]: live admission and readmission decisions, one grouped query."""
    if until < start:
        return 0, {}
    width = (org.depth + 1) * Org.steplen
    rows = (MemberEvent.objects.filter(kind__in=ADMISSION_KINDS, voided_at__isnull=True, on__gte=start,
                                       on__lte=until, **_subtree("org__path", org))
            .annotate(child=Substr("org__path", 1, width)).values("child").annotate(n=Count("id")).order_by())
    per_child = {r["child"]: r["n"] for r in rows}
    return sum(per_child.values()), per_child


def cells_with_congress(*, org: Org, year: int, day: dt.date) -> tuple[int, int]:
    """(cells that had held the congress of the term starting in ``year`` by ``day``, cells) in the
    org's subtree as it stood on ``day`` — the orgs context's congress progress, over both cell kinds."""
    held = total = 0
    for kind in sorted(CELL_KINDS):
        p = congress_progress(org=org, kind=kind, term_start_year=year, term_end_year=year + TERM_YEARS, day=day)
        held, total = held + p.held, total + p.total
    return held, total


def congress_by_child(*, org: Org, term_start_year: int, day: dt.date) -> dict[str, tuple[int, int]]:
    """(cells that held the congress of the term starting in ``term_start_year`` by ``day``, cells) under each
    direct child of ``org``, keyed by the child's path on ``day``; the tree as it stood on ``day``.

    The rule is ``orgs.selectors.congress_held_q`` (``congress_progress``'s), summed over both cell kinds as
    ``cells_with_congress`` does: a grassroots cell counts for the exact term, a cell (on the 30-month cycle)
    for the round its term starts in. One grouped query per cell kind."""
    root = org_version_on(org=org, day=day)
    if root is None:
        return {}
    low, high = path_range(root.path)
    width = len(root.path) + Org.steplen
    out: dict[str, tuple[int, int]] = {}
    for kind in sorted(CELL_KINDS):
        held_q = congress_held_q(kind=kind, term_start_year=term_start_year,
                                 term_end_year=term_start_year + TERM_YEARS, day=day)
        rows = (OrgVersion.objects.filter(version_valid_on(day), path__gt=low, path__lt=high, kind=kind)
                .annotate(child=Substr("path", 1, width), h=Exists(held_q)).values("child")
                .annotate(cells=Count("id"), held=Count("id", filter=Q(h=True))).order_by())
        for r in rows:
            held, cells = out.get(r["child"], (0, 0))
            out[r["child"]] = (held + r["held"], cells + r["cells"])
    return out


def cells_with_congress_of_children(*, org: Org, children: list[Org], year: int,
                                    day: dt.date) -> dict[int, tuple[int, int]]:
    """``cells_with_congress`` of each of ``children`` (the org's children as they stand), by id, without a query
    per child: a child that was a direct child of ``org`` on ``day`` takes its figures from ``congress_by_child``
    (by its path on that day); one that was not (moved here since, or not formed yet) is counted on its own."""
    found = congress_by_child(org=org, term_start_year=year, day=day)
    root = org_version_on(org=org, day=day)
    versions: dict[int, OrgVersion] = {}
    for v in (OrgVersion.objects.filter(version_valid_on(day), org__in=children)
              .order_by("org_id", "-valid_from", "-id")):  # each child's version of the day: org_version_on's
        versions.setdefault(v.org_id, v)
    out = {}
    for child in children:
        v = versions.get(child.pk)
        if v is None:
            out[child.pk] = (0, 0)
        elif root is not None and v.path.startswith(root.path) and len(v.path) == len(root.path) + Org.steplen:
            out[child.pk] = found.get(v.path, (0, 0))
        else:
            out[child.pk] = cells_with_congress(org=child, year=year, day=day)
    return out


def _children(org: Org) -> QuerySet[Org]:
    return Org.objects.filter(depth=org.depth + 1, **_subtree("path", org, include_self=False)).order_by("path")


def target_progress(*, actor, org: Org, year: int, indicator: str, day: dt.date) -> TargetProgress:
    """Progress of ``org`` and of each of its direct children against the year's targets, as of ``day``.

    ``org`` must be in the actor's scope (404 otherwise); everything counted lies in its subtree.
    Children that are closed show only when they carry a target or an achievement in the year.
    """
    if not scope_for(actor).contains(org.path):
        raise Http404
    indicator = Indicator(indicator)
    places = ratio_places()
    start, year_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    until = min(day, year_end)
    targets = live_targets(org=org, year=year, indicator=indicator)

    def row(node: Org, achieved: int, population: int | None = None) -> ProgressRow:
        planned, source = rolled_up_plan(node.path, targets)
        return ProgressRow(node, indicator, planned, source, achieved, places, population)

    children = list(_children(org))
    if indicator == Indicator.ADMISSIONS:
        total, per_child = admissions_by_child(org=org, start=start, until=until)
        top = row(org, total)
        rows = [row(c, per_child.get(c.path, 0)) for c in children]
    else:
        held, cells = cells_with_congress(org=org, year=year, day=until)
        top = row(org, held, cells)
        by_child = cells_with_congress_of_children(org=org, children=children, year=year, day=until)
        rows = [row(c, *by_child[c.pk]) for c in children]
    rows = [r for r in rows if r.org.status == OrgStatus.ACTIVE or r.planned or r.achieved]
    return TargetProgress(year=year, indicator=indicator, day=day, start=start, until=until, row=top, children=rows)


def target_own(*, org: Org, year: int, indicator: str) -> Target | None:
    """The org's own live target, if it set one."""
    return Target.objects.filter(org=org, year=year, indicator=indicator, ended_at__isnull=True).first()


def target_history(*, org: Org, year: int, indicator: str, limit: int = 20) -> list[Target]:
    """Every figure the org set for the indicator and year, newest first (ended ones included)."""
    return list(Target.objects.filter(org=org, year=year, indicator=indicator)
                .select_related("created_by", "ended_by").order_by("-created_at", "-id")[:limit])
