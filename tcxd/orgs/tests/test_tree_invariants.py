"""Property test: after any sequence of dated creates, moves, renames and closes, the current tree
is sound and the tree as of every date is a proper tree (each version's parent is valid that day
and its path is the parent's path plus one step)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tcxd.common.errors import DomainError
from tcxd.conftest import make_org
from tcxd.orgs import services as S
from tcxd.orgs.kinds import OrgKind
from tcxd.orgs.models import Org, OrgVersion
from tcxd.orgs.selectors import version_valid_on

START = dt.date(2025, 7, 1)
ops = st.lists(st.tuples(st.sampled_from(["cell", "move", "rename", "close", "group"]),
                         st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=50),
                         st.integers(min_value=0, max_value=3)), min_size=1, max_size=14)


def _check_history(root: Org) -> None:
    days = sorted({START, *OrgVersion.objects.values_list("valid_from", flat=True),
                   *[d + dt.timedelta(days=1) for d in OrgVersion.objects.exclude(valid_to=None)
                     .values_list("valid_to", flat=True)]})
    for day in days:
        versions = list(OrgVersion.objects.filter(version_valid_on(day)))
        by_org = {}
        for v in versions:
            assert v.org_id not in by_org, f"two versions of org {v.org_id} on {day}"
            by_org[v.org_id] = v
        paths = [v.path for v in versions]
        assert len(paths) == len(set(paths)), f"duplicate paths on {day}"
        for v in versions:
            if v.parent_id is None:
                continue
            parent = by_org.get(v.parent_id)
            assert parent is not None, f"org {v.org_id} has no parent on {day}"
            assert v.path[:-Org.steplen] == parent.path and v.depth == parent.depth + 1


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops)
def test_random_operations_keep_every_dated_tree_sound(admin_user, steps):
    with transaction.atomic():  # each example starts from an empty tree
        _run(admin_user, steps)
        transaction.set_rollback(True)


def _run(admin_user, steps):
    root = make_org(admin_user, None, OrgKind.CENTRAL, code="R", name="Gốc", valid_from=START)
    province = make_org(admin_user, root, OrgKind.PROVINCIAL, name="Tỉnh")
    communes = [make_org(admin_user, province, OrgKind.COMMUNE, name=f"Xã {i}") for i in range(3)]
    day = START
    for op, a, b, gap in steps:
        day += dt.timedelta(days=gap)
        cells = list(Org.objects.filter(kind=OrgKind.CELL, status="active").order_by("id"))
        active_communes = [c for c in communes if Org.objects.get(pk=c.pk).is_active]
        try:
            if op == "cell":
                make_org(admin_user, active_communes[a % len(active_communes)], OrgKind.CELL, valid_from=day)
            elif op == "move" and cells:
                S.org_move(actor=admin_user, org=cells[a % len(cells)],
                           new_parent=Org.objects.get(pk=communes[b % len(communes)].pk), effective_on=day)
            elif op == "group" and cells:
                make_org(admin_user, cells[a % len(cells)], OrgKind.GROUP, valid_from=day)
            elif op == "rename" and cells:
                S.org_update(actor=admin_user, org=cells[a % len(cells)], effective_on=day, name=f"Chi bộ {a}-{b}")
            elif op == "close" and cells:
                S.org_close(actor=admin_user, org=cells[a % len(cells)], last_day=day)
        except DomainError:
            pass  # refused operations must leave nothing behind; the checks below cover that
    assert all(not problems for problems in Org.objects.find_problems())
    _check_history(root)
    for org in Org.objects.filter(status="active"):
        current = OrgVersion.objects.get(org=org, valid_to__isnull=True)
        assert (current.path, current.name, current.kind) == (org.path, org.name, org.kind)
