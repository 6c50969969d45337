"""Scoped reads of the cadre register: a decision is visible to whoever's scope holds its managing
committee (the party committee whose standing committee manages the cadre)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from tcxd.authz.guards import require_read
from tcxd.authz.scope import scope_for
from tcxd.common.paths import path_range
from tcxd.common.text import fold
from tcxd.members.models import Member
from tcxd.members.selectors import MemberFilters, member_queryset, member_search
from tcxd.orgs.models import Org, OrgVersion
from tcxd.orgs.selectors import org_get, org_queryset, org_search, org_version_on, subtree_q
from tcxd.rules.pure import membership as M
from tcxd.rules.pure.cadres import MoveKind

from .models import CadreMove

SEPARATOR = " — "


def cadre_move_queryset(*, actor) -> QuerySet[CadreMove]:
    return CadreMove.objects.filter(scope_for(actor).q("managing_org__path"))


def cadre_move_get(*, actor, pk) -> CadreMove:
    try:
        return (cadre_move_queryset(actor=actor)
                .select_related("member__org", "managing_org", "to_org", "created_by", "voided_by").get(pk=int(pk)))
    except (CadreMove.DoesNotExist, ValueError, TypeError):
        raise Http404


@dataclass
class CadreMoveFilters:
    kind: str = ""
    start: dt.date | None = None  # effective on or after
    end: dt.date | None = None  # effective on or before
    q: str = ""  # the cadre's name, accents ignored
    org_id: int | None = None  # managing committees in this org's subtree
    include_voided: bool = False


def cadre_move_list(*, actor, filters: CadreMoveFilters) -> QuerySet[CadreMove]:
    """The register in scope, newest effective date first, filtered."""
    qs = cadre_move_queryset(actor=actor).select_related("member", "managing_org", "to_org")
    if filters.org_id:
        qs = qs.filter(subtree_q(org_get(actor=actor, pk=filters.org_id), "managing_org__path"))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.start:
        qs = qs.filter(effective_on__gte=filters.start)
    if filters.end:
        qs = qs.filter(effective_on__lte=filters.end)
    term = fold(filters.q or "")
    if term:
        qs = qs.filter(member__name_norm__contains=term)
    if not filters.include_voided:
        qs = qs.filter(voided_at__isnull=True)
    return qs.order_by("-effective_on", "-id")


def subtree_on(org: Org, day: dt.date) -> dict[int, dt.date]:
    """The orgs of ``org``'s subtree as it stood on ``day`` (a closed org: on its last day), each to ``day``."""
    last = day if org.valid_to is None or org.valid_to >= day else org.valid_to
    root = org_version_on(org=org, day=last)
    if root is None:
        return {}
    low, high = path_range(root.path)
    ids = (OrgVersion.objects.filter(valid_from__lte=last, path__gte=low, path__lt=high).exclude(valid_to__lt=last)
           .values_list("org_id", flat=True))
    return dict.fromkeys(ids, last)


def cadre_move_counts(*, actor, org: Org, start: dt.date, end: dt.date,
                      orgs: dict[int, dt.date] | None = None) -> dict[str, int]:
    """Decisions of each kind effective ``start`` … ``end`` whose managing committee is in ``org``'s subtree
    (as it stood on ``end``), voided ones left out. ``orgs`` (org id → the last day it counts) replaces the
    subtree: the report engine passes its period's orgs, which take merged predecessors to the day before."""
    require_read(actor, org.path)
    until = subtree_on(org, end) if orgs is None else orgs
    out: Counter = Counter()
    by_last: dict[dt.date, list[int]] = {}
    for pk, last in until.items():
        by_last.setdefault(last, []).append(pk)
    for last, ids in by_last.items():
        for i in range(0, len(ids), 10_000):
            rows = (CadreMove.objects.filter(voided_at__isnull=True, effective_on__gte=start,
                                             effective_on__lte=min(end, last), managing_org_id__in=ids[i:i + 10_000])
                    .values_list("kind").order_by())
            out.update(kind for (kind,) in rows)
    return {k.value: out.get(k.value, 0) for k in MoveKind}


# -- pickers ----------------------------------------------------------------------------------------------
def member_label(member: Member) -> str:
    """What the member picker shows and reads back: “123 — Nguyễn Văn An (15/03/1970)”."""
    return f"{member.pk}{SEPARATOR}{member.full_name} ({member.birth_date:%d/%m/%Y})"


def member_from_label(*, actor, text: str) -> Member | None:
    head = (text or "").split(SEPARATOR)[0].strip()
    if not head.isdigit():
        return None
    return member_queryset(actor=actor).filter(pk=int(head)).select_related("org").first()


def member_suggestions(*, actor, text: str, limit: int = 12) -> list[Member]:
    """Party members (probationary or official) in scope whose name starts with what was typed (a word start,
    accents ignored), or whose CCCD or card number it is."""
    found = member_search(actor=actor, filters=MemberFilters(q=text)).select_related("org")[:limit * 3]
    return [m for m in found if m.status in (M.Status.PROBATIONARY, M.Status.OFFICIAL)][:limit]


def org_label(org: Org) -> str:
    return f"{org.code}{SEPARATOR}{org.name}"


def org_from_label(*, actor, text: str) -> Org | None:
    """The org in scope of the code typed or picked (“code — name” or the code alone)."""
    code = (text or "").split(SEPARATOR)[0].strip()
    return org_queryset(actor=actor).filter(code__iexact=code).first() if code else None


def org_suggestions(*, actor, text: str, limit: int = 12) -> list[Org]:
    return list(org_search(actor=actor, q=text, limit=limit))


def cadre_move_summary(qs: QuerySet[CadreMove]) -> dict:
    """The decisions of a filtered list that stand, by kind (only the kinds present), their total, and how many
    voided ones the list shows besides."""
    from django.db.models import Count

    from tcxd.rules.pure.cadres import KIND_LABELS

    counts = dict(qs.filter(voided_at__isnull=True).order_by().values_list("kind").annotate(n=Count("id")))
    rows = [(k.value, KIND_LABELS[k], counts[k.value]) for k in MoveKind if counts.get(k.value)]
    return {"rows": rows, "total": sum(n for _k, _l, n in rows), "voided": qs.filter(voided_at__isnull=False).count()}
