"""Registry of benchmarks: name -> factory (setup runs only for the selected ones)."""

from __future__ import annotations

from collections.abc import Callable

from ..runner import Benchmark
from . import exports, fees, imports, members, orgs, reports, restructure

REGISTRY: dict[str, Callable[[], Benchmark]] = {
    "orgs.subtree_count.province": orgs.subtree_count_province,
    "orgs.subtree_count.nation": orgs.subtree_count_nation,
    "orgs.page": orgs.page,
    **members.SEARCH_BENCHMARKS,
    "members.page": members.page,
    "members.worklist": members.worklist_page,
    "fees.month": fees.month,
    "fees.month.recompute": fees.month_recompute,
    "reports.province_form": reports.province_form,
    "reports.national_form": reports.national_form,
    "reports.national_form_past": reports.national_form_past,
    "reports.package": reports.package,
    "reports.consolidate": reports.consolidate,
    "imports.members_100k": imports.members_100k,
    "restructure.merge_provinces": restructure.merge_provinces,
    "restructure.abolish_level": restructure.abolish_level,
    "exports.members_100k": exports.members_100k,
}


def select(only: list[str] | None) -> list[str]:
    """Names matching any of ``only`` exactly or as a dotted prefix ("orgs.subtree_count")."""
    if not only:
        return list(REGISTRY)
    return [n for n in REGISTRY if any(n == o or n.startswith(o.rstrip(".") + ".") for o in only)]
