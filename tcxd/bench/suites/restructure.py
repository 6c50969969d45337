"""Benchmarks of restructuring: each run applies the operation inside a transaction that is rolled back
afterwards (rollback included in the time), so every round starts from the same dataset.

- ``restructure.merge_provinces``: the two provinces with the most members merged into a new one (their
  subtrees moved under it with history, lineage, the tallies and the name index's province slots);
- ``restructure.abolish_level``: the district level of the whole tree abolished on 01/07/2025 when the dataset has
  one (``generate_dataset --map pre2025``), otherwise the grassroots-committee level of the biggest province (each
  hands its cells to the commune above; the same code path).

Floors: the same tree changes in hand-written SQL (paths rewritten by prefix, versions ended and opened, the
name index's slots; for a merge, the provinces' tallies summed into the new one's), rolled back the same way."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from tcxd.common.paths import STEPLEN, path_range
from tcxd.members import tallies
from tcxd.members.models import MemberNameSlot, MemberSpell, MemberTally
from tcxd.orgs.kinds import OrgKind, OrgStatus
from tcxd.orgs.models import Org, OrgHeadcount, OrgVersion
from tcxd.orgs.restructuring import encode_step
from tcxd.restructure.models import OperationKind, OperationStatus, RestructureOperation
from tcxd.restructure.services import restructure_run

from ..runner import Benchmark
from .orgs import bench_user

_T = {"org": Org._meta.db_table, "ver": OrgVersion._meta.db_table, "spell": MemberSpell._meta.db_table,
      "slot": MemberNameSlot._meta.db_table,
      "tally": MemberTally._meta.db_table}


# the districts closed on 30/06/2025 (QĐ 294-QĐ/TW), their children under the provinces from 01/07/2025
REFORM_DAY = dt.date(2025, 7, 1)


class _Rollback(Exception):
    pass


def rolled_back(fn):
    """``fn`` in a transaction (a savepoint inside one) that is then rolled back; its answer."""
    def run():
        answer = None
        try:
            with transaction.atomic():
                answer = fn()
                raise _Rollback
        except _Rollback:
            return answer
    return run


def _moved_counts(paths: list[str]) -> tuple[int, int]:
    """(active orgs, members counted) under these paths (subtree roots, not nested), a few queries per 500 roots
    (the nationwide abolition moves ten thousand of them)."""
    orgs = members = 0
    by_len: dict[int, list[str]] = {}
    for path in paths:
        by_len.setdefault(len(path), []).append(path)
    with connection.cursor() as c:
        for n, group in by_len.items():
            for i in range(0, len(group), 500):
                chunk = group[i:i + 500]
                marks = ", ".join(["%s"] * len(chunk))
                c.execute(f"SELECT COUNT(*) FROM {_T['org']} WHERE status = 'active' AND substr(path, 1, {n}) IN "
                          f"({marks})", chunk)
                orgs += c.fetchone()[0]
                c.execute(f"SELECT COUNT(*) FROM {_T['spell']} s JOIN {_T['org']} o ON o.id = s.org_id WHERE "
                          f"s.valid_to IS NULL AND substr(o.path, 1, {n}) IN ({marks})", chunk)
                members += c.fetchone()[0]
    return orgs, members


def _members_by_province() -> list[tuple[int, Org]]:
    provinces = list(Org.objects.filter(depth=2, kind=OrgKind.PROVINCIAL, status=OrgStatus.ACTIVE))
    out = []
    for p in provinces:
        low, high = path_range(p.path)
        heads = OrgHeadcount.objects.filter(org__path__gte=low, org__path__lt=high)
        out.append((sum(h.official + h.probationary for h in heads.only("official", "probationary")), p))
    return sorted(out, key=lambda t: (-t[0], t[1].path))


def _apply(kind: str, spec: dict, day: dt.date) -> tuple[int, int]:
    """The background task's body, as the worker runs it: the operation, its journal (for undo) and result saved,
    the closed orgs recorded, the audit row."""
    root = Org.objects.get(depth=1)
    op = RestructureOperation.objects.create(kind=kind, title="Đo hiệu năng", spec=spec, scope_org=root,
                                             effective_on=day, decision_no="BENCH", applied_by=bench_user(),
                                             status=OperationStatus.QUEUED)
    op = restructure_run(op.pk)
    if op.status != OperationStatus.APPLIED:
        raise RuntimeError(f"the operation was not applied: {op.error}")
    return op.result["orgs_in_moved_subtrees"], op.result["members_in_moved_subtrees"]


def _floor_moves(moves: list[tuple[str, str]], day: dt.date) -> None:
    """Rewrite the paths of each moved subtree (old prefix → new prefix), end its versions the day before and open
    new ones at the new paths, and re-point the name index's slots of a province moved whole."""
    before = day - dt.timedelta(days=1)
    tops: dict[str, set[str]] = {}
    with connection.cursor() as c:
        for old, new in moves:
            if old[:2 * STEPLEN] != new[:2 * STEPLEN]:
                tops.setdefault(old[:2 * STEPLEN], set()).add(new[:2 * STEPLEN])
            low, high = path_range(old)
            c.execute(f"UPDATE {_T['ver']} SET valid_to = %s WHERE valid_to IS NULL AND org_id IN "
                      f"(SELECT id FROM {_T['org']} WHERE path >= %s AND path < %s)", [before, low, high])
            c.execute(f"UPDATE {_T['org']} SET path = %s || SUBSTR(path, %s), depth = depth + %s "
                      f"WHERE path >= %s AND path < %s", [new, len(old) + 1, (len(new) - len(old)) // STEPLEN,
                                                            low, high])
            nlow, nhigh = path_range(new)
            c.execute(f"INSERT INTO {_T['ver']} (org_id, change_id, valid_from, valid_to, path, depth, parent_id, "
                      f"code, name, short_name, kind, grassroots_type, admin_unit_id, status) "
                      f"SELECT o.id, (SELECT MIN(id) FROM orgs_orgchange), %s, NULL, o.path, o.depth, NULL, o.code, "
                      f"o.name, o.short_name, o.kind, o.grassroots_type, o.admin_unit_id, o.status "
                      f"FROM {_T['org']} o WHERE o.path >= %s AND o.path < %s AND o.status = 'active'",
                      [day, nlow, nhigh])
        for old_top, new_tops in tops.items():  # a province emptied into another: its name-index slots
            assert len(new_tops) == 1, "the floor knows only whole provinces moving"
            c.execute(f"UPDATE {_T['slot']} SET top = %s WHERE top = %s", [new_tops.pop(), old_top])


def merge_provinces() -> Benchmark:
    ranked = _members_by_province()
    a, b = ranked[0][1], ranked[1][1]
    root = Org.objects.get(depth=1)
    day = timezone.localdate()
    spec = {"sources": [a.pk, b.pk], "new": {"parent_id": root.pk, "code": "BENCH-MERGE",
                                             "name": "Đảng bộ tỉnh hợp nhất (đo hiệu năng)",
                                             "kind": OrgKind.PROVINCIAL}}

    def run() -> tuple[int, int]:
        return _apply(OperationKind.MERGE, spec, day)

    children = [c for p in (a, b) for c in Org.objects.filter(path__startswith=p.path, depth=p.depth + 1,
                                                               status=OrgStatus.ACTIVE).order_by("path")]
    expected = _moved_counts([c.path for c in children])

    def floor() -> tuple[int, int]:
        last = Org.objects.filter(depth=2).order_by("-path").values_list("path", flat=True).first()
        new_root = last[:-STEPLEN] + encode_step(int(last[-STEPLEN:], 36) + 1)
        with connection.cursor() as c:
            c.execute(f"INSERT INTO {_T['org']} (path, depth, numchild, code, name, short_name, name_norm, kind, "
                      f"grassroots_type, valid_from, status, note) VALUES (%s, 2, 0, 'BENCH-FLOOR', 'x', '', 'x', "
                      f"'provincial', '', %s, 'active', '') RETURNING id", [new_root, day])
            new_id = c.fetchone()[0]
        _floor_moves([(ch.path, new_root + encode_step(i + 1)) for i, ch in enumerate(children)], day)
        keys = ", ".join(connection.ops.quote_name(f) for f in tallies.KEY_FIELDS[1:])
        with connection.cursor() as c:
            c.execute(f"UPDATE {_T['org']} SET status = 'closed', valid_to = %s WHERE id IN (%s, %s)",
                      [day - dt.timedelta(days=1), a.pk, b.pk])
            # the provinces' tallies become the new one's
            c.execute(f"INSERT INTO {_T['tally']} (unit_id, {keys}, n) SELECT %s, {keys}, SUM(n) FROM {_T['tally']} "
                      f"WHERE unit_id IN (%s, %s) GROUP BY {keys}", [new_id, a.pk, b.pk])
            c.execute(f"DELETE FROM {_T['tally']} WHERE unit_id IN (%s, %s)", [a.pk, b.pk])
        return _moved_counts([new_root + encode_step(i + 1) for i in range(len(children))])

    return Benchmark("restructure.merge_provinces", expected[1], rolled_back(run), {"sql": rolled_back(floor)},
                     expected)


def abolish_level() -> Benchmark:
    districts = Org.objects.filter(kind=OrgKind.DISTRICT, status=OrgStatus.ACTIVE)
    if districts.exists():  # a pre-2025 tree (generate_dataset --map pre2025): the 2025 abolition, nationwide
        root, level, day = Org.objects.get(depth=1), OrgKind.DISTRICT, REFORM_DAY
        nodes = list(districts.order_by("path"))
    else:
        root, level, day = _members_by_province()[0][1], OrgKind.GRASSROOTS_COMMITTEE, timezone.localdate()
        low, high = path_range(root.path)
        nodes = list(Org.objects.filter(path__gt=low, path__lt=high, kind=level, status=OrgStatus.ACTIVE)
                     .order_by("path"))
    spec = {"root_id": root.pk, "level_kind": level}
    moved: list[Org] = []  # the children of every node, by parent (one query per node)
    for n in nodes:
        low, high = path_range(n.path)
        moved += Org.objects.filter(path__gt=low, path__lt=high, depth=n.depth + 1, status=OrgStatus.ACTIVE
                                    ).order_by("path")
    expected = _moved_counts([c.path for c in moved])

    def run() -> tuple[int, int]:
        return _apply(OperationKind.ABOLISH_LEVEL, spec, day)

    def floor() -> tuple[int, int]:
        moves, next_step = [], {}
        for c in moved:
            parent = c.path[:-2 * STEPLEN]
            if parent not in next_step:
                last = Org.objects.filter(path__startswith=parent, depth=len(parent) // STEPLEN + 1).order_by(
                    "-path").values_list("path", flat=True).first()
                next_step[parent] = int(last[-STEPLEN:], 36) + 1
            moves.append((c.path, parent + encode_step(next_step[parent])))
            next_step[parent] += 1
        _floor_moves(moves, day)
        with connection.cursor() as c:
            ids = [n.pk for n in nodes]
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                c.execute(f"UPDATE {_T['org']} SET status = 'closed', valid_to = %s WHERE id IN "
                          f"({', '.join(['%s'] * len(chunk))})", [day - dt.timedelta(days=1), *chunk])
                # the closed level's tallies go (districts have none; their children are units and keep theirs)
                c.execute(f"DELETE FROM {_T['tally']} WHERE unit_id IN ({', '.join(['%s'] * len(chunk))})", chunk)
        return _moved_counts([new for _old, new in moves])

    return Benchmark("restructure.abolish_level", expected[1], rolled_back(run), {"sql": rolled_back(floor)},
                     expected)
