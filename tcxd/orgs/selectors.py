"""Scoped reads of the organization tree. Every read starts from the actor's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Substr
from django.http import Http404

from tcxd.authz.scope import scope_for
from tcxd.common.paths import path_range
from tcxd.common.text import fold

from .kinds import CELL_KINDS, ROLE_ORDER, OrgKind, OrgStatus
from .models import CommitteeMember, Congress, Org, OrgChange, OrgHeadcount, OrgVersion


def org_queryset(*, actor) -> QuerySet[Org]:
    return Org.objects.filter(scope_for(actor).q("path"))


def org_get(*, actor, pk) -> Org:
    """The org if it is in the actor's scope; otherwise 404 (never a hint that it exists)."""
    try:
        return org_queryset(actor=actor).select_related("admin_unit").get(pk=int(pk))
    except (Org.DoesNotExist, ValueError, TypeError):
        raise Http404


def org_directory(*, code: str) -> Org | None:
    """An active org by its exact code, whatever the scope: the one cross-scope lookup, used to name
    the receiving org of a transfer (a giấy giới thiệu is addressed to an org outside one's subtree).
    It answers only for an exact code and exposes nothing below the org."""
    return Org.objects.filter(code__iexact=code.strip(), status=OrgStatus.ACTIVE).first() if code else None


def org_scope_roots(*, actor) -> QuerySet[Org]:
    scope = scope_for(actor)
    if scope.is_everything:
        return Org.objects.filter(depth=1)
    return Org.objects.filter(path__in=scope.prefixes)


def subtree_q(org: Org, field: str = "path", *, include_self: bool = True) -> Q:
    low, high = path_range(org.path)
    if include_self:
        return Q(**{f"{field}__gte": low, f"{field}__lt": high})
    return Q(**{f"{field}__gt": low, f"{field}__lt": high})


def org_children(*, org: Org, include_closed: bool = False) -> QuerySet[Org]:
    qs = Org.objects.filter(subtree_q(org, include_self=False), depth=org.depth + 1)
    if not include_closed:
        qs = qs.filter(status=OrgStatus.ACTIVE)
    return qs.select_related("headcount").order_by("path")


def org_children_totals(*, org: Org) -> dict[str, tuple[int, int]]:
    """For each direct child of ``org`` (by path): (active orgs in its subtree, members there).

    One grouped query over the subtree's headcounts: descendants are grouped by the path prefix
    that names the child they sit under.
    """
    width = (org.depth + 1) * Org.steplen
    rows = (OrgHeadcount.objects.filter(subtree_q(org, "org__path", include_self=False),
                                        org__status=OrgStatus.ACTIVE)
            .annotate(child=Substr("org__path", 1, width)).values("child")
            .annotate(orgs=Count("org_id"), members=Sum(F("official") + F("probationary"))).order_by())
    return {r["child"]: (r["orgs"], r["members"] or 0) for r in rows}


def org_ancestors(*, actor, org: Org) -> list[Org]:
    """Ancestors the actor may see, root first (for breadcrumbs)."""
    paths = [org.path[:i] for i in range(Org.steplen, len(org.path), Org.steplen)]
    return list(org_queryset(actor=actor).filter(path__in=paths).order_by("depth"))


def org_search(*, actor, q: str, include_closed: bool = False, limit: int = 50) -> QuerySet[Org]:
    """Accent-insensitive search by name or code within scope."""
    term = fold(q)
    qs = org_queryset(actor=actor)
    if not include_closed:
        qs = qs.filter(status=OrgStatus.ACTIVE)
    if not term:
        return qs.none()
    return qs.filter(Q(name_norm__contains=term) | Q(code__iexact=q.strip())).order_by("path")[:limit]


@dataclass(frozen=True)
class SubtreeCounts:
    by_kind: dict[str, int]
    orgs: int
    official: int
    probationary: int

    @property
    def members(self) -> int:
        return self.official + self.probationary

    def kind_rows(self) -> list[tuple[str, int]]:
        return [(OrgKind(k).label, n) for k, n in self.by_kind.items() if n]


def org_subtree_counts(*, org: Org, include_self: bool = False) -> SubtreeCounts:
    """Active orgs by kind and member headcounts over the subtree (2 indexed queries).

    ``include_self`` decides whether ``org`` itself counts among the orgs ("tổ chức trực thuộc"
    leaves it out); its own members always count, since they are members of its party committee.
    """
    base = Org.objects.filter(subtree_q(org, include_self=include_self), status=OrgStatus.ACTIVE)
    rows = dict(base.values_list("kind").annotate(n=Count("id")).order_by())
    ordered = {k: rows.get(k, 0) for k in OrgKind.values}
    heads = OrgHeadcount.objects.filter(subtree_q(org, "org__path"), org__status=OrgStatus.ACTIVE).aggregate(
        o=Sum("official"), p=Sum("probationary"))
    return SubtreeCounts(by_kind=ordered, orgs=sum(rows.values()), official=heads["o"] or 0,
                         probationary=heads["p"] or 0)


def version_valid_on(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def org_version_on(*, org: Org, day: dt.date) -> OrgVersion | None:
    return OrgVersion.objects.filter(version_valid_on(day), org=org).order_by("-valid_from", "-id").first()


def org_tree_as_of(*, org: Org, day: dt.date, max_depth: int | None = None) -> list[OrgVersion]:
    """The subtree of ``org`` as it stood on ``day`` (names, kinds and places of that day)."""
    root = org_version_on(org=org, day=day)
    if root is None:
        return []
    low, high = path_range(root.path)
    qs = OrgVersion.objects.filter(version_valid_on(day), path__gte=low, path__lt=high)
    if max_depth is not None:
        qs = qs.filter(depth__lte=root.depth + max_depth)
    return list(qs.order_by("path"))


def org_children_as_of(*, org: Org, day: dt.date) -> list[OrgVersion]:
    return [v for v in org_tree_as_of(org=org, day=day, max_depth=1) if v.org_id != org.id]


def org_count_as_of(*, org: Org, day: dt.date, kind: str | None = None) -> int:
    root = org_version_on(org=org, day=day)
    if root is None:
        return 0
    low, high = path_range(root.path)
    qs = OrgVersion.objects.filter(version_valid_on(day), path__gte=low, path__lt=high)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.count()


def org_changes(*, org: Org, limit: int = 100) -> QuerySet[OrgChange]:
    return OrgChange.objects.filter(org=org).order_by("-effective_on", "-id")[:limit]


def org_committee(*, org: Org, day: dt.date) -> QuerySet[CommitteeMember]:
    """Seats held on ``day``: secretary first, then deputies, standing members, members, inspection."""
    rank = Case(*[When(role=r, then=Value(i)) for i, r in enumerate(ROLE_ORDER)], default=Value(99))
    return (CommitteeMember.objects.filter(org=org, from_date__lte=day).exclude(to_date__lt=day)
            .annotate(rank=rank).order_by("rank", "from_date", "id"))


def org_congresses(*, org: Org) -> QuerySet[Congress]:
    return Congress.objects.filter(org=org).order_by("-term_start_year")


@dataclass(frozen=True)
class CongressProgress:
    kind: str
    term: tuple[int, int]
    day: dt.date
    held: int
    total: int

    @property
    def kind_label(self) -> str:
        return OrgKind(self.kind).label


def congress_held_q(*, kind: str, term_start_year: int, term_end_year: int, day: dt.date) -> QuerySet[Congress]:
    """The congresses (of ``OuterRef("org_id")``: an org version's org) that count as the congress of the term
    held by ``day`` for an org of ``kind``. Cells on the 30-month cycle hold two congresses per 5-year round
    ("2025–2027"), so a cell counts for the round whose first year its term starts in; everyone else by the exact
    term."""
    held_q = Congress.objects.filter(org=OuterRef("org_id"), held_on__lte=day, term_start_year=term_start_year)
    if kind != OrgKind.CELL:
        held_q = held_q.filter(term_end_year=term_end_year)
    return held_q


def congress_progress(*, org: Org, kind: str, term_start_year: int, term_end_year: int,
                      day: dt.date) -> CongressProgress:
    """How many orgs of ``kind`` in the subtree (as of ``day``) held the congress of the term by then.

    Example: "1.793/2.900 chi bộ (61,83 %)".
    """
    root = org_version_on(org=org, day=day)
    if root is None:
        return CongressProgress(kind, (term_start_year, term_end_year), day, 0, 0)
    low, high = path_range(root.path)
    versions = OrgVersion.objects.filter(version_valid_on(day), path__gte=low, path__lt=high, kind=kind)
    held_q = congress_held_q(kind=kind, term_start_year=term_start_year, term_end_year=term_end_year, day=day)
    agg = versions.annotate(h=Exists(held_q)).aggregate(total=Count("id"), held=Count("id", filter=Q(h=True)))
    return CongressProgress(kind, (term_start_year, term_end_year), day, agg["held"], agg["total"])


def cells_of_subtree(*, org: Org) -> QuerySet[Org]:
    return Org.objects.filter(subtree_q(org), kind__in=CELL_KINDS, status=OrgStatus.ACTIVE)
