"""Benchmarks of the organization context and their raw-SQL floors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils.html import escape

from tcxd.authz.models import Role, User
from tcxd.common.paths import path_range
from tcxd.geo.models import AdminUnit
from tcxd.orgs import selectors as S
from tcxd.orgs.kinds import OrgKind, OrgStatus
from tcxd.orgs.models import Org, OrgHeadcount

from ..runner import Benchmark

BENCH_USERNAME = "bench-admin"
PAGE_SIZE = 50
# Comparable answer of a subtree count: (non-zero orgs by kind, orgs, official, probationary).
Counts = tuple[dict[str, int], int, int, int]

_T = {"org": Org._meta.db_table, "head": OrgHeadcount._meta.db_table, "unit": AdminUnit._meta.db_table}
SQL_COUNTS_JOINED = """
SELECT o.kind, COUNT(*), SUM(h.official), SUM(h.probationary)
FROM {org} o LEFT JOIN {head} h ON h.org_id = o.id
WHERE o.path >= %s AND o.path < %s AND o.status = %s
GROUP BY o.kind""".format(**_T)
SQL_COUNTS_KINDS = """
SELECT kind, COUNT(*) FROM {org}
WHERE path >= %s AND path < %s AND status = %s
GROUP BY kind""".format(**_T)
SQL_COUNTS_HEADS = """
SELECT SUM(h.official), SUM(h.probationary)
FROM {head} h JOIN {org} o ON o.id = h.org_id
WHERE o.path >= %s AND o.path < %s AND o.status = %s""".format(**_T)
SQL_ORG = "SELECT * FROM {org} o LEFT JOIN {unit} a ON a.id = o.admin_unit_id WHERE o.id = %s".format(**_T)
SQL_CHILDREN = """
SELECT o.id, o.path, o.code, o.name, o.kind, o.status, o.numchild, h.official, h.probationary
FROM {org} o LEFT JOIN {head} h ON h.org_id = o.id
WHERE o.path > %s AND o.path < %s AND o.depth = %s AND o.status = %s
ORDER BY o.path LIMIT {limit}""".format(limit=PAGE_SIZE, **_T)


def counts_answer(c: S.SubtreeCounts) -> Counts:
    return ({k: n for k, n in c.by_kind.items() if n}, c.orgs, c.official, c.probationary)


def _counts_joined(cursor, path: str) -> Counts:
    cursor.execute(SQL_COUNTS_JOINED, [*path_range(path), OrgStatus.ACTIVE])
    by_kind, official, probationary = {}, 0, 0
    for kind, n, o, p in cursor.fetchall():
        by_kind[kind] = n
        official += o or 0
        probationary += p or 0
    return (by_kind, sum(by_kind.values()), official, probationary)


def _counts_two_queries(cursor, path: str) -> Counts:
    params = [*path_range(path), OrgStatus.ACTIVE]
    cursor.execute(SQL_COUNTS_KINDS, params)
    by_kind = dict(cursor.fetchall())
    cursor.execute(SQL_COUNTS_HEADS, params)
    official, probationary = cursor.fetchone()
    return (by_kind, sum(by_kind.values()), official or 0, probationary or 0)


COUNT_FLOORS: dict[str, Callable[..., Counts]] = {"joined": _counts_joined, "two_queries": _counts_two_queries}


def _floor(fn: Callable[..., object], *args: object) -> Callable[[], object]:
    def run() -> object:
        with connection.cursor() as cursor:
            return fn(cursor, *args)
    return run


# -- targets -------------------------------------------------------------------------------------
def biggest_province() -> Org:
    return Org.objects.filter(depth=2, kind=OrgKind.PROVINCIAL).order_by("-numchild", "path").first()


def biggest_commune() -> Org:
    """The commune with the most direct children in the biggest province (the longest org page)."""
    province = biggest_province()
    return (Org.objects.filter(S.subtree_q(province, include_self=False), depth=province.depth + 1,
                               kind=OrgKind.COMMUNE).order_by("-numchild", "path").first())


# -- orgs.subtree_count ----------------------------------------------------------------------------
def subtree_count(name: str, org: Org) -> Benchmark:
    def run() -> S.SubtreeCounts:
        return S.org_subtree_counts(org=org, include_self=True)

    expected = counts_answer(run())
    floors = {label: _floor(fn, org.path) for label, fn in COUNT_FLOORS.items()}
    return Benchmark(name, expected[1], run, floors, expected)


def subtree_count_province() -> Benchmark:
    return subtree_count("orgs.subtree_count.province", biggest_province())


def subtree_count_nation() -> Benchmark:
    return subtree_count("orgs.subtree_count.nation", Org.objects.get(depth=1))


# -- orgs.page -------------------------------------------------------------------------------------
def bench_user() -> User:
    user = User.objects.filter(username=BENCH_USERNAME).first()
    if user is None:
        user = User(username=BENCH_USERNAME, full_name="Đo hiệu năng", role=Role.ADMIN,
                    is_superuser=True, is_staff=True)
        user.set_unusable_password()
        user.save()
    return user


def _client_host() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")]
    return hosts[0] if hosts else "localhost"


def _page_floor(counts: Callable[..., Counts], org_id: int) -> Callable[..., object]:
    def fn(cursor) -> object:
        cursor.execute(SQL_ORG, [org_id])
        row = cursor.fetchone()
        org: dict[str, Any] = {}
        for col, value in zip(cursor.description, row, strict=True):
            org.setdefault(col[0], value)  # o.* precedes a.*: the org's own id, code, name win
        path, depth, kind = org["path"], org["depth"], org["kind"]
        low, high = path_range(path)
        cursor.execute(SQL_CHILDREN, [low, high, depth + 1, OrgStatus.ACTIVE])
        children = [r[0] for r in cursor.fetchall()]
        by_kind, orgs, official, probationary = counts(cursor, path)
        if org["status"] == OrgStatus.ACTIVE:  # the page counts the subtree without the org itself
            by_kind = {k: n - (k == kind) for k, n in by_kind.items() if n - (k == kind)}
            orgs -= 1
        return (org["id"], children, (by_kind, orgs, official, probationary))
    return fn


def page() -> Benchmark:
    org = biggest_commune()
    client = Client(HTTP_HOST=_client_host())
    client.force_login(bench_user())
    url = f"/to-chuc/{org.pk}/"
    first = client.get(url)
    if first.status_code != 200 or escape(org.name) not in first.content.decode():
        raise AssertionError(f"orgs.page: GET {url} gave {first.status_code}, not the page of {org.name}")

    def run() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"orgs.page: GET {url} gave {response.status_code}")

    children = [c.id for c in S.org_children(org=org)[:PAGE_SIZE]]
    expected = (org.id, children, counts_answer(S.org_subtree_counts(org=org)))
    floors = {label: _floor(_page_floor(fn, org.id)) for label, fn in COUNT_FLOORS.items()}
    n = Org.objects.filter(S.subtree_q(org)).count()
    return Benchmark("orgs.page", n, run, floors, expected)
