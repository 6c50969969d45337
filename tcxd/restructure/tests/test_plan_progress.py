"""A restructuring plan's progress by date, through the operations that carry it out: the seed's "113/172
(65,7 %)" (seed 004) comes out of the data, and days before an operation do not count it."""

from __future__ import annotations

import datetime as dt

import pytest

from tcxd.conftest import make_org
from tcxd.orgs.kinds import OrgKind
from tcxd.restructure import selectors as Q
from tcxd.restructure import services as S
from tcxd.restructure.models import OperationStatus

from .conftest import apply

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_seeds_113_of_172(tree):
    plan = S.restructure_plan_save(actor=tree.admin, org=tree.province, code="ĐA-172", title="Giảm đầu mối",
                                   start_on=D(2025, 8, 1), deadline=D(2026, 12, 31), target_reduced=172,
                                   target_merged=113)
    cells = [make_org(tree.admin, tree.commune_b, OrgKind.CELL, name=f"Chi bộ thôn {i}", code=f"T{i:03d}")
             for i in range(113)]
    first = apply(tree.admin, "merge", {"sources": [c.pk for c in cells[:58]], "target_id": tree.cell_b1.pk},
                  on=D(2025, 9, 1), plan=plan)
    second = apply(tree.admin, "merge", {"sources": [c.pk for c in cells[58:]], "target_id": tree.cell_b1.pk},
                   on=D(2025, 10, 1), plan=plan)
    assert first.status == second.status == OperationStatus.APPLIED

    def progress(day):
        return {p.key: p.text for p in Q.plan_progress(actor=tree.admin, plan=plan, on=day)}

    assert progress(D(2025, 8, 31)) == {"reduced": "0/172 (0,0 %)", "merged": "0/113 (0,0 %)"}
    assert progress(D(2025, 9, 30)) == {"reduced": "58/172 (33,7 %)", "merged": "58/113 (51,3 %)"}
    assert progress(D(2025, 10, 1)) == {"reduced": "113/172 (65,7 %)", "merged": "113/113 (100,0 %)"}
    # undone, the operation no longer counts
    S.restructure_undo(actor=tree.admin, operation=second, reason="Nhầm")
    assert progress(D(2025, 10, 1))["reduced"] == "58/172 (33,7 %)"
