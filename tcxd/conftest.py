"""Shared fixtures: a small tree built through the real services, and one user per role."""

from __future__ import annotations

import datetime as dt
import itertools
import os

import pytest
from hypothesis import settings as hypothesis_settings

from tcxd.authz.models import Role, User
from tcxd.orgs import services as S
from tcxd.orgs.kinds import GrassrootsType, OrgKind

# CI replays the same examples every run (a red run must mean a change broke something); developers
# get fresh random examples locally.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))

_codes = itertools.count(1)
D2015 = dt.date(2015, 1, 1)
REFORM = dt.date(2025, 7, 1)


def make_org(actor, parent, kind, *, name=None, valid_from=REFORM, **kw):
    n = next(_codes)
    if kind in (OrgKind.GRASSROOTS_CELL, OrgKind.GRASSROOTS_COMMITTEE):
        kw.setdefault("grassroots_type", GrassrootsType.COMMUNE)
    return S.org_create(actor=actor, parent=parent, code=kw.pop("code", f"C{n:05d}"),
                        name=name or f"Tổ chức {n}", kind=kind, valid_from=valid_from, **kw)


def make_user(username, role, org=None, **kw):
    user = User(username=username, role=role, org=org, full_name=f"Người dùng {username}",
                is_superuser=role == Role.ADMIN, is_staff=role == Role.ADMIN, **kw)
    user.set_password("matkhau-Rat-Manh-2026")
    user.save()
    return user


class Tree:
    """root → province → commune A (cell A1, grassroots cell A2) / commune B (cell B1)."""


@pytest.fixture
def admin_user(db):
    return make_user("quantri", Role.ADMIN)


@pytest.fixture
def tree(admin_user):
    t = Tree()
    t.admin = admin_user
    t.root = make_org(admin_user, None, OrgKind.CENTRAL, name="Đảng Cộng sản Việt Nam", code="TW",
                      valid_from=D2015)
    t.province = make_org(admin_user, t.root, OrgKind.PROVINCIAL, name="Đảng bộ tỉnh Lạng Sơn",
                          code="T20", valid_from=D2015)
    t.commune_a = make_org(admin_user, t.province, OrgKind.COMMUNE, name="Đảng bộ phường Đông Kinh",
                           code="XA")
    t.commune_b = make_org(admin_user, t.province, OrgKind.COMMUNE, name="Đảng bộ xã Cao Lộc", code="XB")
    t.cell_a1 = make_org(admin_user, t.commune_a, OrgKind.CELL, name="Chi bộ Khối 1", code="XA1")
    t.gcell_a2 = make_org(admin_user, t.commune_a, OrgKind.GRASSROOTS_CELL,
                          name="Chi bộ Trường Tiểu học Đông Kinh", code="XA2",
                          grassroots_type=GrassrootsType.PUBLIC_SERVICE)
    t.cell_b1 = make_org(admin_user, t.commune_b, OrgKind.CELL, name="Chi bộ Thôn Bản Cắm", code="XB1")
    return t


@pytest.fixture
def users(tree):
    """One user per role, scoped as the issue describes."""
    return {
        "admin": tree.admin,
        "province_officer": make_user("tinh", Role.OFFICER, tree.province),
        "leader": make_user("lanhdao", Role.LEADER, tree.province),
        "commune_officer": make_user("xa", Role.OFFICER, tree.commune_a),
        "cell": make_user("chibo", Role.CELL, tree.cell_a1),
        "member": make_user("dangvien", Role.MEMBER, tree.cell_a1),
    }


@pytest.fixture(autouse=True)
def _forget_name_plans():
    """The name search remembers per process which terms have names going on past them; each test starts
    from its own data."""
    from tcxd.members import selectors

    selectors._GOES_ON.clear()
    yield


@pytest.fixture(autouse=True)
def spells_match_the_events(request):
    """After every test that wrote members: the statistics' source (``MemberSpell``) is exactly what
    the events give, the tallies what the spells give (the rebuild command would find nothing to
    mend), and the name index's copies of the members' orgs are theirs. Set up after the database
    fixture, so it checks before the test's transaction is rolled back."""
    uses_db = next((f for f in ("transactional_db", "db") if f in request.fixturenames), None)
    if uses_db is None:
        yield
        return
    request.getfixturevalue(uses_db)
    yield
    from tcxd.members.models import MemberEvent
    from tcxd.members.spells import rebuild

    try:
        touched = MemberEvent.objects.exists()
    except Exception:  # the database is already torn down
        return
    if touched:
        wrong = rebuild(check_only=True).mismatched
        assert wrong == [], f"spells differ from the events for members {wrong[:10]}"
        from tcxd.members import tallies

        stored, expected = tallies.stored(), tallies.expected()
        assert stored == expected, f"tallies differ from the spells: {sorted(set(stored) ^ set(expected))[:5]}"
        from tcxd.members.namewords import misplaced

        assert misplaced() == [], f"name index rows with other orgs than their members': {misplaced()}"
