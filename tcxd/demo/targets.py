"""Demo annual targets (chỉ tiêu) through the real service, so "Chỉ tiêu và tiến độ" shows something:
admissions planned for 2026 for the demo province and its first communes, and cells holding their
congress in 2025. Deterministic: the planned figures are fixed multiples of the demo's own counts."""

from __future__ import annotations

import datetime as dt
import math

from tcxd.orgs.kinds import OrgKind, OrgStatus
from tcxd.orgs.models import Org
from tcxd.orgs.selectors import subtree_q
from tcxd.reports.models import Indicator
from tcxd.reports.progress import admissions_by_child, cells_with_congress
from tcxd.reports.services import target_set

ADMISSIONS_YEAR = 2026
CONGRESS_YEAR = 2025
# planned = achieved × factor, so the communes show a spread: behind plan, on track, above plan
COMMUNE_FACTORS = (1.6, 1.25, 1.1, 0.9, 1.4, 2.0)


def _round_up(value: float, step: int) -> int:
    return max(step, math.ceil(value / step) * step)


def build_targets(*, actor, province: Org) -> int:
    """Set the demo targets; returns how many were set."""
    start, end = dt.date(ADMISSIONS_YEAR, 1, 1), dt.date(ADMISSIONS_YEAR, 12, 31)
    total, per_child = admissions_by_child(org=province, start=start, until=end)
    target_set(actor=actor, org=province, year=ADMISSIONS_YEAR, indicator=Indicator.ADMISSIONS,
               planned=_round_up(total * 1.3, 10), note="Nghị quyết Ban Chấp hành Đảng bộ tỉnh (dữ liệu mẫu)")
    count = 1
    communes = list(Org.objects.filter(subtree_q(province, include_self=False), depth=province.depth + 1,
                                       kind=OrgKind.COMMUNE, status=OrgStatus.ACTIVE)
                    .order_by("path")[:len(COMMUNE_FACTORS)])
    for commune, factor in zip(communes, COMMUNE_FACTORS, strict=False):
        target_set(actor=actor, org=commune, year=ADMISSIONS_YEAR, indicator=Indicator.ADMISSIONS,
                   planned=_round_up(per_child.get(commune.path, 0) * factor, 5),
                   note="Chỉ tiêu giao cho đảng bộ xã, phường (dữ liệu mẫu)")
        count += 1
    _held, cells = cells_with_congress(org=province, year=CONGRESS_YEAR, day=dt.date(CONGRESS_YEAR, 12, 31))
    if cells:
        target_set(actor=actor, org=province, year=CONGRESS_YEAR, indicator=Indicator.CELL_CONGRESS, planned=cells,
                   note="100 % chi bộ tổ chức đại hội nhiệm kỳ 2025–2030 (dữ liệu mẫu)")
        count += 1
    return count

