"""The benchmark dataset generator (org tree) and the bench command, on the hidden XS size.

Member rows: ``test_members_dataset.py``; member and fee benchmarks: ``test_member_benchmarks.py``."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Max, Min, Sum

from tcxd.authz.models import Role, User
from tcxd.bench.dataset import DatasetError, build_dataset, dataset_marker
from tcxd.bench.runner import Benchmark, BenchMismatch, p95, run_benchmark
from tcxd.bench.suites import REGISTRY, select
from tcxd.bench.suites.orgs import COUNT_FLOORS, biggest_commune, biggest_province, counts_answer
from tcxd.bench.treegen import CELL_MAX, CELL_MIN, step
from tcxd.orgs.kinds import CELL_KINDS, OrgKind
from tcxd.orgs.models import CommitteeMember, Congress, Org, OrgChange, OrgHeadcount, OrgVersion
from tcxd.orgs.selectors import org_count_as_of, org_subtree_counts

KEYS = ["bench", "backend", "size", "n", "median_s", "p95_s", "floor_s", "ratio"]


@pytest.fixture
def xs(db):
    return build_dataset("XS", seed=7, members=False)


def test_counts_and_tree_integrity(xs):
    orgs = Org.objects.count()
    assert orgs == xs.stats.orgs == xs.rows["orgs"]
    assert OrgChange.objects.filter(kind=OrgChange.Kind.CREATED).count() == orgs
    assert OrgVersion.objects.filter(valid_to__isnull=True).count() == orgs
    assert OrgHeadcount.objects.count() == orgs
    assert Congress.objects.count() == xs.rows["congresses"] > 0
    assert CommitteeMember.objects.count() == xs.rows["seats"] > 0
    kinds = dict(Org.objects.values_list("kind").annotate(n=Count("id")).order_by())
    assert kinds[OrgKind.CENTRAL] == 1 and kinds[OrgKind.PROVINCIAL] == 34 and kinds[OrgKind.COMMUNE] == 2
    assert kinds[OrgKind.CELL] > 0 and kinds[OrgKind.GRASSROOTS_CELL] > 0
    assert kinds[OrgKind.GRASSROOTS_COMMITTEE] > 0
    assert Org.objects.find_problems() == ([], [], [], [], [])


def test_headcounts_are_the_member_figures(xs):
    heads = OrgHeadcount.objects.aggregate(o=Sum("official"), p=Sum("probationary"))
    assert heads["o"] + heads["p"] == xs.stats.members
    assert (heads["o"], heads["p"]) == (xs.stats.official, xs.stats.probationary)
    assert 1_500 <= xs.stats.members <= 2_600  # XS targets 2,000
    cells = OrgHeadcount.objects.filter(org__kind__in=CELL_KINDS)
    sizes = [h.official + h.probationary for h in cells]
    assert CELL_MIN <= min(sizes) and max(sizes) <= CELL_MAX
    others = OrgHeadcount.objects.exclude(org__kind__in=CELL_KINDS).aggregate(m=Max("official"))
    assert others["m"] == 0


def test_history_rows_match_the_tree(xs):
    root = Org.objects.get(depth=1)
    assert org_count_as_of(org=root, day=dt.date.today()) == xs.stats.orgs
    by_path = dict(Org.objects.values_list("path", "id"))
    for v in OrgVersion.objects.select_related("org"):
        assert (v.path, v.depth, v.name, v.kind) == (v.org.path, v.org.depth, v.org.name, v.org.kind)
        assert v.parent_id == by_path.get(v.path[:-Org.steplen])
    assert OrgVersion.objects.aggregate(m=Min("valid_from"))["m"] == dt.date(2015, 1, 1)


def test_paths_use_treebeards_encoding():
    assert all(step(i) == Org._get_path("", 1, i) for i in range(1, 3000))


def test_refuses_a_database_with_orgs_unless_replace(xs):
    with pytest.raises(DatasetError):
        build_dataset("XS")
    again = build_dataset("XS", seed=8, replace=True, members=False)
    assert Org.objects.count() == again.stats.orgs
    assert dataset_marker() == ("XS", 8)
    assert Org.objects.find_problems() == ([], [], [], [], [])


def test_replace_refuses_while_users_point_at_orgs(xs):
    User.objects.create(username="xa", role=Role.OFFICER, org=biggest_commune())
    with pytest.raises(DatasetError, match="authz.User"):
        build_dataset("XS", replace=True)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_raw_sql_floors_give_the_selector_answer(xs, depth):
    org = Org.objects.filter(depth=depth).order_by("-numchild", "path").first()
    expected = counts_answer(org_subtree_counts(org=org, include_self=True))
    with connection.cursor() as cursor:
        for floor in COUNT_FLOORS.values():
            assert floor(cursor, org.path) == expected


def test_bench_prints_one_json_line_per_benchmark(xs_members):
    xs = xs_members
    out = io.StringIO()
    call_command("bench", "--size", "XS", "--repeat", "2", "--warmup", "0", stdout=out, stderr=io.StringIO())
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["bench"] for r in lines] == list(REGISTRY)
    province = biggest_province()
    for r in lines:
        assert list(r)[:len(KEYS)] == KEYS  # then a benchmark's own fields (rows/s, memory)
        assert r["backend"] == connection.vendor and r["size"] == "XS"
        assert r["n"] > 0 and 0 < r["median_s"] <= r["p95_s"] and r["floor_s"] > 0
        assert r["ratio"] == r["median_s"] / r["floor_s"]
    assert lines[0]["n"] == org_subtree_counts(org=province, include_self=True).orgs
    assert lines[1]["n"] == xs.stats.orgs


def test_bench_refuses_a_dataset_of_another_size(xs):
    with pytest.raises(Exception, match="XS"):
        call_command("bench", "--size", "S", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_wrong_floor_fails_loudly(db):
    bench = Benchmark("x", 1, lambda: 1, {"bad": lambda: 2}, expected=1)
    with pytest.raises(BenchMismatch):
        run_benchmark(bench, size="XS", repeat=1, warmup=0)


def test_p95_is_nearest_rank_and_only_selects_by_prefix():
    assert p95([float(i) for i in range(20, 0, -1)]) == 19.0
    assert p95([float(i) for i in range(1, 16)]) == 15.0
    assert p95([3.0]) == 3.0
    assert select(["orgs.subtree_count"]) == ["orgs.subtree_count.province", "orgs.subtree_count.nation"]
    assert select(["orgs.page"]) == ["orgs.page"]


def _constraints() -> list[tuple]:
    """Every constraint and index of the database's tables (PostgreSQL: from the catalogue; SQLite: the schema)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), condeferrable, "
                           "condeferred, convalidated FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
                           "UNION ALL SELECT tablename, indexname, indexdef, NULL, NULL, NULL FROM pg_indexes "
                           "WHERE schemaname = 'public' ORDER BY 1, 2, 3")
        else:
            cursor.execute("SELECT tbl_name, name, sql, NULL, NULL, NULL FROM sqlite_master ORDER BY 1, 2")
        return cursor.fetchall()


def test_the_load_puts_back_every_index_and_foreign_key_it_set_aside(db):
    """The generator drops the plain indexes (and on PostgreSQL the foreign keys) of the tables it fills and adds
    them back: the schema afterwards is the schema before, to the deferrable flags; a row pointing nowhere is
    still refused."""
    from django.db import IntegrityError, transaction

    before = _constraints()
    build_dataset("XS", seed=7)
    assert _constraints() == before
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgVersion.objects.filter(pk=OrgVersion.objects.order_by("pk").values_list("pk", flat=True)[0]).update(
            org_id=10**9)
        with connection.cursor() as cursor:  # deferred keys are checked at commit: now
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            else:
                cursor.execute("PRAGMA foreign_key_check")
                if cursor.fetchall():
                    raise IntegrityError("foreign key")
