from __future__ import annotations

import datetime as dt

from tcxd.common.fmt import fmt_ratio
from tcxd.orgs import committee as C
from tcxd.orgs import selectors as Sel
from tcxd.orgs import services as S
from tcxd.orgs.checks import org_warnings
from tcxd.orgs.kinds import OrgKind

D = dt.date


def test_congress_progress_counts_orgs_of_the_kind_as_of_the_date(tree):
    C.congress_create(actor=tree.admin, org=tree.cell_a1, term_start_year=2025, term_end_year=2027,
                      held_on=D(2025, 9, 10))
    C.congress_create(actor=tree.admin, org=tree.cell_b1, term_start_year=2025, term_end_year=2027,
                      held_on=D(2025, 10, 10))
    p = Sel.congress_progress(org=tree.province, kind=OrgKind.CELL, term_start_year=2025, term_end_year=2027,
                              day=D(2025, 9, 30))
    assert (p.held, p.total) == (1, 2)
    p = Sel.congress_progress(org=tree.province, kind=OrgKind.CELL, term_start_year=2025, term_end_year=2027,
                              day=D(2025, 10, 10))
    assert (p.held, p.total) == (2, 2)
    assert fmt_ratio(1793, 2900) == "1.793/2.900 (61,83 %)"


def test_subtree_counts(tree):
    S.org_headcount_set(actor=tree.admin, org=tree.cell_a1, official=10, probationary=2)
    S.org_headcount_set(actor=tree.admin, org=tree.cell_b1, official=5, probationary=0)
    c = Sel.org_subtree_counts(org=tree.province)
    assert c.orgs == 5 and c.by_kind[OrgKind.COMMUNE] == 2 and c.by_kind[OrgKind.CELL] == 2
    assert (c.official, c.probationary, c.members) == (15, 2, 17)
    assert Sel.org_subtree_counts(org=tree.commune_a).members == 12


def test_search_is_accent_insensitive_and_scoped(tree, users):
    found = list(Sel.org_search(actor=users["province_officer"], q="dong kinh"))
    assert tree.commune_a in found
    assert list(Sel.org_search(actor=users["commune_officer"], q="cao loc")) == []
    assert tree.commune_b in Sel.org_search(actor=users["province_officer"], q="CAO LỘC")


def test_warnings_at_the_rule_boundaries(tree):
    S.org_headcount_set(actor=tree.admin, org=tree.cell_a1, official=2, probationary=5)
    S.org_headcount_set(actor=tree.admin, org=tree.cell_b1, official=3, probationary=0)
    S.org_headcount_set(actor=tree.admin, org=tree.gcell_a2, official=29, probationary=1)
    codes = {(w.org_id, w.code) for w in org_warnings(org=tree.province, day=D(2025, 12, 1))}
    assert (tree.cell_a1.id, "cell_below_minimum") in codes
    assert (tree.cell_b1.id, "cell_below_minimum") not in codes
    assert (tree.gcell_a2.id, "grassroots_cell_too_big") in codes  # 30 members
    S.org_headcount_set(actor=tree.admin, org=tree.gcell_a2, official=29, probationary=0)
    codes = {(w.org_id, w.code) for w in org_warnings(org=tree.province, day=D(2025, 12, 1))}
    assert (tree.gcell_a2.id, "grassroots_cell_too_big") not in codes  # 29 members
    assert (tree.cell_b1.id, "cell_without_secretary") in codes


def test_tree_as_of_a_date_before_an_org_existed(tree):
    assert Sel.org_tree_as_of(org=tree.commune_a, day=D(2025, 6, 30)) == []
    names = [v.name for v in Sel.org_tree_as_of(org=tree.province, day=D(2025, 6, 30))]
    assert names == ["Đảng bộ tỉnh Lạng Sơn"]
