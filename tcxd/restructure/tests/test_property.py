"""Property: random sequences of operations (merge, split, move, dissolve, undo) keep the tree intact, keep every
member (none lost, none counted twice), and leave every figure for a day before each operation unchanged."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from django.test import TestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tcxd.common.errors import DomainError
from tcxd.conftest import make_org
from tcxd.members import tallies
from tcxd.members.models import Member, MemberSpell
from tcxd.members.namewords import misplaced
from tcxd.members.spells import rebuild
from tcxd.orgs.kinds import CELL_KINDS, OrgKind, OrgStatus
from tcxd.orgs.models import Org, OrgVersion
from tcxd.reports import stats
from tcxd.restructure import services as S
from tcxd.restructure.models import OperationStatus, RestructureOperation

from .conftest import member, preview

pytestmark = pytest.mark.django_db
D = dt.date
START = D(2025, 9, 1)


class _Rollback(Exception):
    pass


@pytest.fixture
def world(tree):
    """Two more communes; four cells with members in each commune of the tree."""
    communes = [tree.commune_a, tree.commune_b]
    communes += [make_org(tree.admin, tree.province, OrgKind.COMMUNE, name=f"Đảng bộ xã P{i}", code=f"P{i}")
                 for i in range(2)]
    for n, commune in enumerate(communes):
        for k in range(2):
            cell = make_org(tree.admin, commune, OrgKind.CELL, name=f"Chi bộ P{n}{k}", code=f"P{n}{k}")
            for j in range(1 + (n + k) % 3):
                member(cell, decided=D(2016 + j, 4, 1))
    return tree


def active(kinds) -> list[Org]:
    return list(Org.objects.filter(status=OrgStatus.ACTIVE, kind__in=kinds).order_by("path"))


def figures(tree, day: dt.date) -> tuple:
    """Every figure of the root as of ``day``: members by child, status and sex; orgs by kind."""
    cube = stats.member_cube(actor=tree.admin, org=tree.province, on=day, dims=["child", "status", "sex"])
    return tuple(sorted(cube.items())), tuple(sorted(stats.org_counts(actor=tree.admin, org=tree.province,
                                                                       on=day).items()))


def check_intact(members_before: int) -> None:
    problems = Org.objects.find_problems()
    assert all(not p for p in problems), problems
    for org in Org.objects.all():
        assert org.numchild == Org.objects.filter(path__startswith=org.path, depth=org.depth + 1).count()
        versions = list(OrgVersion.objects.filter(org=org).order_by("valid_from"))
        for a, b in zip(versions, versions[1:], strict=False):
            assert a.valid_to is not None and a.valid_to < b.valid_from, (org.name, a, b)
        open_ = [v for v in versions if v.valid_to is None]
        if org.status == OrgStatus.ACTIVE:
            assert len(open_) == 1 and open_[0].path == org.path, org.name
        else:
            assert not open_, org.name
    # the tree as it stood on each day: every version's parent stood that day too
    for day in {v.valid_from for v in OrgVersion.objects.all()}:
        on = OrgVersion.objects.filter(valid_from__lte=day).exclude(valid_to__lt=day)
        paths = set(on.values_list("path", flat=True))
        for path in paths:
            assert len(path) == 4 or path[:-4] in paths, (day, path)
    # every member still there, once; registered at an active org; derived rows exact
    assert Member.objects.count() == members_before
    assert not Member.objects.exclude(org__status=OrgStatus.ACTIVE).exists()
    open_spells = Counter(MemberSpell.objects.filter(valid_to__isnull=True).values_list("member_id", flat=True))
    assert set(open_spells.values()) <= {1}
    assert rebuild(check_only=True).mismatched == []
    assert tallies.stored() == tallies.expected()
    assert misplaced() == []


ACTIONS = ("merge", "merge_new", "absorb", "split", "move", "dissolve", "undo")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_random_operations_keep_the_tree_the_members_and_the_past(world, data):
    tree = world
    try:
        with transaction.atomic():
            members_before = Member.objects.count()
            day = START
            seen: dict[dt.date, tuple] = {}
            for step in range(data.draw(st.integers(2, 6), label="steps")):
                day += dt.timedelta(days=data.draw(st.integers(1, 40), label="gap"))
                action = data.draw(st.sampled_from(ACTIONS), label="action")
                cells, communes = active(CELL_KINDS), active([OrgKind.COMMUNE])
                spec = None
                if action == "undo":
                    last = RestructureOperation.objects.filter(status=OperationStatus.APPLIED).order_by(
                        "-applied_at").first()
                    if last is not None:
                        try:
                            S.restructure_undo(actor=tree.admin, operation=last, reason="Thử hoàn tác")
                        except DomainError:
                            pass
                        else:  # the days from the undone operation's date on are as before it again
                            seen = {d: f for d, f in seen.items() if d < last.effective_on}
                    check_intact(members_before)
                    continue
                if action == "merge" and len(cells) >= 2:
                    a, b = data.draw(st.lists(st.sampled_from(cells), min_size=2, max_size=2, unique=True))
                    kind, spec = "merge", {"sources": [a.pk], "target_id": b.pk}
                elif action == "merge_new" and len(communes) >= 2:
                    a, b = data.draw(st.lists(st.sampled_from(communes), min_size=2, max_size=2, unique=True))
                    kind, spec = "merge", {"sources": [a.pk, b.pk], "new": {
                        "parent_id": tree.province.pk, "code": f"M{step}{a.pk}", "name": f"Đảng bộ xã Mới {step}",
                        "kind": OrgKind.COMMUNE}}
                elif action == "absorb" and len(communes) >= 2:  # a commune into another: its tallies are added
                    a, b = data.draw(st.lists(st.sampled_from(communes), min_size=2, max_size=2, unique=True))
                    kind, spec = "merge", {"sources": [a.pk], "target_id": b.pk}
                elif action == "split" and communes:
                    source = data.draw(st.sampled_from(communes))
                    children = [c.pk for c in cells if c.path.startswith(source.path)]
                    cut = data.draw(st.integers(0, len(children)))
                    kind, spec = "split", {"source_id": source.pk, "close_source": True, "parts": [
                        {"new": {"parent_id": tree.province.pk, "code": f"S{step}{source.pk}{n}",
                                 "name": f"Đảng bộ xã Tách {step}.{n}", "kind": OrgKind.COMMUNE},
                         "children": part} for n, part in enumerate((children[:cut], children[cut:]))]}
                elif action == "move" and cells and len(communes) >= 2:
                    cell = data.draw(st.sampled_from(cells))
                    to = data.draw(st.sampled_from([c for c in communes if not cell.path.startswith(c.path)]))
                    kind, spec = "move", {"org_id": cell.pk, "new_parent_id": to.pk}
                elif action == "dissolve" and len(cells) >= 2:
                    a, b = data.draw(st.lists(st.sampled_from(cells), min_size=2, max_size=2, unique=True))
                    kind, spec = "dissolve", {"org_id": a.pk, "members_to_id": b.pk, "children_to_id": None}
                if spec is None:
                    continue
                seen.setdefault(day - dt.timedelta(days=1), figures(tree, day - dt.timedelta(days=1)))
                op = S.restructure_draft(actor=tree.admin, kind=kind, title=f"Bước {step}", spec=spec,
                                         effective_on=day, decision_no=f"{step}-QĐ")
                op = preview(tree.admin, op)
                if op.preview["ok"]:
                    with TestCase.captureOnCommitCallbacks(execute=True):
                        S.restructure_apply(actor=tree.admin, operation=op)
                    op.refresh_from_db()
                    assert op.status == OperationStatus.APPLIED, op.error
                check_intact(members_before)
            for past, expected in seen.items():
                assert figures(tree, past) == expected, past
            raise _Rollback
    except _Rollback:
        pass


@pytest.mark.parametrize("into_new", [False, True])
def test_provinces_merged_carry_their_tallies_exactly(tree, into_new):
    """Two provinces merged, into the first or into a new one: the communes move whole (units before and after),
    the emptied province's rows are added to the receiving province's (rows already there, or none yet) and the
    nation's stay; every tally equals the recount from the spells, and the figures of the day before stand."""
    other = make_org(tree.admin, tree.root, OrgKind.PROVINCIAL, name="Đảng bộ tỉnh Cao Bằng", code="T04")
    for n in range(2):
        commune = make_org(tree.admin, other, OrgKind.COMMUNE, name=f"Đảng bộ xã C{n}", code=f"C{n}")
        cell = make_org(tree.admin, commune, OrgKind.CELL, name=f"Chi bộ C{n}", code=f"C{n}1")
        for j in range(3):
            member(cell, decided=D(2010 + j, 4, 1), sex="MF"[j % 2])
    for cell in (tree.cell_a1, tree.cell_b1):
        member(cell, decided=D(2012, 5, 2), sex="F")
    day = START
    before = stats.member_cube(actor=tree.admin, org=tree.root, on=day - dt.timedelta(days=1),
                               dims=["child", "status", "sex"])
    spec = ({"sources": [tree.province.pk, other.pk], "new": {"parent_id": tree.root.pk, "code": "T20M",
                                                              "name": "Đảng bộ tỉnh Lạng Sơn mới",
                                                              "kind": OrgKind.PROVINCIAL}}
            if into_new else {"sources": [other.pk], "target_id": tree.province.pk})
    op = S.restructure_draft(actor=tree.admin, kind="merge", title="Hợp nhất tỉnh", spec=spec, effective_on=day,
                             decision_no="1-QĐ")
    op = preview(tree.admin, op)
    assert op.preview["ok"], op.preview["errors"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        S.restructure_apply(actor=tree.admin, operation=op)
    op.refresh_from_db()
    assert op.status == OperationStatus.APPLIED, op.error
    assert tallies.stored() == tallies.expected()
    receiver = Org.objects.get(code="T20M") if into_new else tree.province
    assert sum(stats.member_cube(actor=tree.admin, org=receiver, on=day, dims=[]).values()) == 8
    assert stats.member_cube(actor=tree.admin, org=tree.root, on=day - dt.timedelta(days=1),
                             dims=["child", "status", "sex"]) == before
