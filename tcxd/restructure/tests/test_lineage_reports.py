"""A figure over a period that straddles a merge sums the predecessors up to the day before and the successor
from the day (lineage, A-01); stock figures before the merge are the old tree's."""

from __future__ import annotations

import datetime as dt

import pytest

from tcxd.conftest import make_org
from tcxd.orgs.kinds import OrgKind
from tcxd.orgs.models import Org
from tcxd.reports import stats
from tcxd.restructure.models import OperationStatus

from .conftest import apply, member

pytestmark = pytest.mark.django_db
D = dt.date
MERGE = D(2026, 3, 1)
YEAR = (D(2026, 1, 1), D(2026, 12, 31))


def admitted(actor, org, start, end):
    return stats.movements(actor=actor, org=org, start=start, end=end)["admitted"]


def test_a_merged_provinces_year_is_the_former_ones_to_the_day_before_plus_its_own(tree):
    early = D(2015, 1, 1)
    provinces, cells = [], []
    for i in range(2):
        p = make_org(tree.admin, tree.root, OrgKind.PROVINCIAL, name=f"Đảng bộ tỉnh Cũ {i}", code=f"TC{i}",
                     valid_from=early)
        c = make_org(tree.admin, p, OrgKind.COMMUNE, name=f"Đảng bộ xã Cũ {i}", code=f"TC{i}X", valid_from=early)
        cells.append(make_org(tree.admin, c, OrgKind.CELL, name=f"Chi bộ Cũ {i}", code=f"TC{i}X1", valid_from=early))
        provinces.append(p)
    for day in (D(2025, 11, 3), D(2026, 1, 10), D(2026, 2, 27)):
        member(cells[0], decided=day)
    for day in (D(2026, 2, 2),):
        member(cells[1], decided=day)
    before = [admitted(tree.admin, p, YEAR[0], MERGE - dt.timedelta(days=1)) for p in provinces]
    assert before == [2, 1]
    op = apply(tree.admin, "merge", {"sources": [p.pk for p in provinces], "new": {
        "parent_id": tree.root.pk, "code": "TM", "name": "Đảng bộ tỉnh Mới", "kind": OrgKind.PROVINCIAL}}, on=MERGE)
    assert op.status == OperationStatus.APPLIED, op.error
    new = Org.objects.get(code="TM")
    # after the merge: one more admission in a cell of the new province, and two cells merged into one
    member(cells[1], decided=D(2026, 4, 6))
    op2 = apply(tree.admin, "merge", {"sources": [cells[1].pk], "target_id": cells[0].pk}, on=D(2026, 5, 1))
    assert op2.status == OperationStatus.APPLIED, op2.error
    member(cells[0], decided=D(2026, 6, 15))
    own = admitted(tree.admin, new, MERGE, YEAR[1])
    assert own == 2
    assert admitted(tree.admin, new, *YEAR) == sum(before) + own == 5
    # the former provinces' own year ends the day before
    assert admitted(tree.admin, provinces[0], *YEAR) == 2
    # stock figures: the old tree before the merge, the new one after
    assert stats.total(stats.member_cube(actor=tree.admin, org=new, on=MERGE - dt.timedelta(days=1), dims=[])) == 0
    # (counted from the ceremony, 16 days after the decision here: the one decided 27/02 is not yet counted)
    assert stats.total(stats.member_cube(actor=tree.admin, org=provinces[0], on=D(2026, 2, 28), dims=[])) == 2
    assert stats.total(stats.member_cube(actor=tree.admin, org=new, on=D(2026, 6, 30), dims=[])) == 5
    # merges are not transfers: no member moved in or out across the new province's edge
    moves = stats.movements(actor=tree.admin, org=new, start=YEAR[0], end=YEAR[1])
    assert moves["transferred_in"] == moves["transferred_out"] == 0
