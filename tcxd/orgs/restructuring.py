"""Bulk primitives of the tree for a restructuring (merge, split, dissolve, move, abolish a level), run
inside the restructure context's one transaction: found, relocate, close and edit orgs, each writing the
same dated history (OrgChange, OrgVersion) as the single-org services, and a ``Journal`` of every row
touched, so that ``journal_undo`` puts the tree back exactly as it was.

Dates: a change effective on D closes what stood up to D − 1 and opens what stands from D. A version
that already starts on D (another change effective the same day, e.g. the 2025 district abolition and
the province merge, both 01/07/2025) is rewritten in place, or removed when its org closes on D − 1.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Max
from django.db.models.query import QuerySet

from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.common.fmt import fmt_date
from tcxd.common.paths import ALPHABET, STEPLEN, path_range
from tcxd.common.text import fold

from . import hooks
from . import versions as V
from .kinds import ALLOWED_CHILDREN, OrgKind, OrgStatus
from .models import JournalOrg, JournalVersion, Org, OrgChange, OrgHeadcount, OrgLineage, OrgVersion

ONE_DAY = dt.timedelta(days=1)
ORG_FIELDS = ("path", "depth", "numchild", "status", "valid_to", "code", "name", "short_name", "name_norm", "kind",
              "grassroots_type", "congress_cycle_months")
VERSION_FIELDS = ("id", "org_id", "change_id", "valid_from", "valid_to", "path", "depth", "parent_id", "code",
                  "name", "short_name", "kind", "grassroots_type", "admin_unit_id", "status")


@dataclass
class Journal:
    """What one restructuring (``operation_id``) changed in the tree: the rows as they were before it first
    touched them (tables ``JournalOrg``, ``JournalVersion``, written in SQL from the rows themselves), the orgs
    it founded, the subtrees it moved, and the id marks after which every OrgChange/OrgVersion is its own."""

    operation_id: int
    created: list[int] = field(default_factory=list)
    moved: list[tuple[int, str, str]] = field(default_factory=list)
    change_mark: int = 0
    version_mark: int = 0
    org_mark: int = 0

    @classmethod
    def start(cls, operation_id: int) -> Journal:
        forget(operation_id)  # an earlier run's rows (none: a run that did not commit left none)
        return cls(operation_id=operation_id, change_mark=OrgChange.objects.aggregate(m=Max("id"))["m"] or 0,
                   version_mark=OrgVersion.objects.aggregate(m=Max("id"))["m"] or 0,
                   org_mark=Org.objects.aggregate(m=Max("id"))["m"] or 0)

    def as_json(self) -> dict:
        return {"operation_id": self.operation_id, "created": self.created, "moved": [list(m) for m in self.moved],
                "change_mark": self.change_mark, "version_mark": self.version_mark, "org_mark": self.org_mark}

    @classmethod
    def from_json(cls, data: dict) -> Journal:
        return cls(operation_id=data["operation_id"], created=list(data["created"]),
                   moved=[tuple(m) for m in data["moved"]], change_mark=data["change_mark"],
                   version_mark=data["version_mark"], org_mark=data["org_mark"])

    # -- snapshots before the first change ------------------------------------------------------------------
    def touch_orgs(self, ids: Iterable[int]) -> None:
        created = set(self.created)
        new = sorted(i for i in set(ids) if i not in created)
        qn = connection.ops.quote_name
        o, j = qn(Org._meta.db_table), qn(JournalOrg._meta.db_table)
        cols = ", ".join(ORG_FIELDS)
        with connection.cursor() as cursor:
            for i in range(0, len(new), 5000):
                chunk = new[i:i + 5000]
                cursor.execute(f"INSERT INTO {j} (operation_id, org_id, {cols}) SELECT %s, o.id, "
                               f"{', '.join(f'o.{c}' for c in ORG_FIELDS)} FROM {o} o WHERE o.id IN "
                               f"({', '.join(['%s'] * len(chunk))}) AND NOT EXISTS (SELECT 1 FROM {j} x WHERE "
                               f"x.operation_id = %s AND x.org_id = o.id)",
                               [self.operation_id, *chunk, self.operation_id])

    def touch_versions(self, org_ids: Iterable[int], day: dt.date) -> None:
        """Versions of these orgs a change on ``day`` may end, rewrite or remove."""
        ids = sorted(set(org_ids))
        qn = connection.ops.quote_name
        v, j = qn(OrgVersion._meta.db_table), qn(JournalVersion._meta.db_table)
        cols = ", ".join(VERSION_FIELDS[1:])
        with connection.cursor() as cursor:
            for i in range(0, len(ids), 5000):
                chunk = ids[i:i + 5000]
                cursor.execute(f"INSERT INTO {j} (operation_id, version_id, {cols}) SELECT %s, v.id, "
                               f"{', '.join(f'v.{c}' for c in VERSION_FIELDS[1:])} FROM {v} v WHERE v.org_id IN "
                               f"({', '.join(['%s'] * len(chunk))}) AND v.id <= %s AND (v.valid_to IS NULL OR "
                               f"v.valid_to >= %s) AND NOT EXISTS (SELECT 1 FROM {j} x WHERE x.operation_id = %s "
                               f"AND x.version_id = v.id)",
                               [self.operation_id, *chunk, self.version_mark, day - ONE_DAY, self.operation_id])

    def subtree_ids(self) -> set[int]:
        """Every org the operation touched or founded."""
        touched = JournalOrg.objects.filter(operation_id=self.operation_id).values_list("org_id", flat=True)
        return set(touched) | set(self.created)


def forget(operation_id: int) -> None:
    """Drop the snapshots of an operation (undone: nothing to put back any more)."""
    JournalOrg.objects.filter(operation_id=operation_id).delete()
    JournalVersion.objects.filter(operation_id=operation_id).delete()


# -- paths ----------------------------------------------------------------------------------------------------
def encode_step(n: int) -> str:
    out = ""
    for _ in range(STEPLEN):
        n, r = divmod(n, len(ALPHABET))
        out = ALPHABET[r] + out
    if n:
        raise DomainError("tree_full", "Tổ chức đã có quá nhiều tổ chức trực thuộc.")
    return out


def decode_step(step: str) -> int:
    n = 0
    for ch in step:
        n = n * len(ALPHABET) + ALPHABET.index(ch)
    return n


def _children(org: Org):
    return V.children_qs(org, active_only=False)


def children_of(orgs: Sequence[Org]) -> dict[int, list[Org]]:
    """Org id → its active children in path order, for many orgs in one query per parent of theirs (orgs of one
    level share few parents: a province's districts)."""
    by_path = {o.path: o for o in orgs}
    out: dict[int, list[Org]] = {o.pk: [] for o in orgs}
    groups: dict[str, list[str]] = {}
    for path in by_path:
        groups.setdefault(path[:-STEPLEN], []).append(path)
    for paths in groups.values():
        paths.sort()
        depth = len(paths[0]) // STEPLEN + 1
        rows = Org.objects.filter(path__gt=paths[0], path__lt=path_range(paths[-1])[1], depth=depth,
                                  status=OrgStatus.ACTIVE).order_by("path")
        for row in rows:
            k = bisect_right(paths, row.path) - 1
            if k >= 0 and row.path.startswith(paths[k]):
                out[by_path[paths[k]].pk].append(row)
    return out


def _next_step(parent: Org) -> int:
    last = _children(parent).aggregate(m=Max("path"))["m"]
    return decode_step(last[-STEPLEN:]) + 1 if last else 1


def _recount_children(orgs: Iterable[Org]) -> None:
    for org in {o.pk: o for o in orgs}.values():
        org.refresh_from_db(fields=["path", "depth"])
        Org.objects.filter(pk=org.pk).update(numchild=_children(org).count())


# -- versions -------------------------------------------------------------------------------------------------
def _end_versions(org_ids: Sequence[int], day: dt.date) -> None:
    """Nothing of these orgs stands from ``day``: open versions end on ``day`` − 1, versions that would
    only have started on ``day`` or later are removed (the journal holds them)."""
    OrgVersion.objects.filter(org_id__in=org_ids, valid_from__gte=day).delete()
    OrgVersion.objects.filter(org_id__in=org_ids, valid_from__lt=day).filter(
        valid_to__isnull=True).update(valid_to=day - ONE_DAY)
    OrgVersion.objects.filter(org_id__in=org_ids, valid_from__lt=day, valid_to__gte=day).update(
        valid_to=day - ONE_DAY)


MOVE_CHUNK = 500  # moved subtrees per statement


def _ranges_sql(rows: Sequence[tuple], names: Sequence[str]) -> tuple[str, list]:
    """A derived table of ``rows`` with columns ``names`` (portable: SQLite names no VALUES columns)."""
    one = ", ".join(f"%s AS {n}" for n in names)
    return " UNION ALL ".join([f"SELECT {one}"] * len(rows)), [v for row in rows for v in row]


def _rewrite_paths(moves: Sequence[tuple[str, str, int]]) -> None:
    """(old root path, new root path, depth change): every org under an old root path gets the new prefix."""
    table = connection.ops.quote_name(Org._meta.db_table)
    ranges, params = _ranges_sql([(*path_range(old), new, len(old) + 1, dd) for old, new, dd in moves],
                                 ("low", "high", "prefix", "cut", "dd"))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET path = r.prefix || SUBSTR({table}.path, r.cut), depth = {table}.depth "
                       f"+ r.dd FROM ({ranges}) r WHERE {table}.path >= r.low AND {table}.path < r.high", params)


def _open_versions(ids: Sequence[int], roots: Sequence[tuple[str, int]], day: dt.date, *,
                   subtrees: bool = True) -> None:
    """Versions from ``day`` of the active orgs ``ids``, as they now stand, in SQL: the open ones end the day
    before, one already starting on ``day`` is rewritten in place, the others get a new one. ``roots``: (path now,
    OrgChange id) of each changed org, whose whole subtree ``ids`` is (moved subtrees), or only itself
    (``subtrees=False``: an edit)."""
    qn = connection.ops.quote_name
    o, v = qn(Org._meta.db_table), qn(OrgVersion._meta.db_table)
    copied = ("path", "depth", "code", "name", "short_name", "kind", "grassroots_type", "admin_unit_id", "status")
    current = (f"SELECT o.id AS org_id, p.id AS parent_id, {', '.join(f'o.{c}' for c in copied)} FROM {o} o "
               f"LEFT JOIN {o} p ON p.path = SUBSTR(o.path, 1, LENGTH(o.path) - {STEPLEN})")
    for i in range(0, len(ids), 5000):
        chunk = ids[i:i + 5000]
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {v} SET valid_to = %s WHERE org_id IN ({marks}) AND valid_from < %s "
                           f"AND valid_to IS NULL", [day - ONE_DAY, *chunk, day])
            cursor.execute(f"SELECT org_id FROM {v} WHERE org_id IN ({marks}) AND valid_from = %s", [*chunk, day])
            same_day = [row[0] for row in cursor.fetchall()]  # usually none: read first, rewrite only those
            if same_day:
                cursor.execute(f"UPDATE {v} SET {', '.join(f'{c} = x.{c}' for c in ('parent_id', *copied))} "
                               f"FROM ({current} WHERE o.id IN ({', '.join(['%s'] * len(same_day))})) x "
                               f"WHERE {v}.org_id = x.org_id AND {v}.valid_from = %s", [*same_day, day])
    within = "o.path >= r.low AND o.path < r.high" if subtrees else "o.path = r.low"
    for n in range(0, len(roots), MOVE_CHUNK):
        chunk = roots[n:n + MOVE_CHUNK]
        ranges, params = _ranges_sql([(*path_range(path), change) for path, change in chunk],
                                     ("low", "high", "change_id"))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {v} (org_id, change_id, valid_from, valid_to, parent_id, {', '.join(copied)}) "
                f"SELECT o.id, r.change_id, %s, NULL, p.id, {', '.join(f'o.{c}' for c in copied)} "
                f"FROM ({ranges}) r JOIN {o} o ON {within} "
                f"LEFT JOIN {o} p ON p.path = SUBSTR(o.path, 1, LENGTH(o.path) - {STEPLEN}) "
                f"WHERE o.status = %s AND NOT EXISTS (SELECT 1 FROM {v} w WHERE w.org_id = o.id "
                f"AND w.valid_from = %s)", [day, *params, OrgStatus.ACTIVE, day])


def _latest_day(org_ids: Sequence[int]) -> dt.date | None:
    ids = list(org_ids)
    days = [OrgVersion.objects.filter(org_id__in=ids[i:i + 5000]).aggregate(m=Max("valid_from"))["m"]
            for i in range(0, len(ids), 5000)]
    return max((d for d in days if d is not None), default=None)


def require_history_until(org_ids: Sequence[int], day: dt.date) -> None:
    """A restructuring on ``day`` cannot precede a change already recorded after it."""
    latest = _latest_day(org_ids)
    if latest and latest > day:
        raise DomainError("effective_date_before_history",
                          f"Ngày hiệu lực {fmt_date(day)} sớm hơn thay đổi đã ghi nhận ({fmt_date(latest)}) của "
                          "tổ chức liên quan; sắp xếp phải có hiệu lực từ ngày đó trở đi.", field="effective_on")


# -- operations -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Decision:
    number: str = ""
    date: dt.date | None = None
    issuer: str = ""


def _change(org: Org, kind: str, day: dt.date, decision: Decision, summary: str, note: str = "") -> OrgChange:
    return OrgChange.objects.create(org=org, kind=kind, effective_on=day, decision_no=decision.number,
                                    decision_date=decision.date, decision_issuer=decision.issuer,
                                    summary=summary[:500], note=note)


def found(journal: Journal, *, parent: Org, code: str, name: str, kind: str, day: dt.date, decision: Decision,
          grassroots_type: str = "", short_name: str = "", congress_cycle_months: int | None = None,
          admin_unit_id: int | None = None) -> Org:
    """A new org under ``parent`` from ``day`` (the successor of a merge, a part of a split)."""
    from .services import _default_cycle, _validate_attributes

    parent = Org.objects.get(pk=parent.pk)
    errors: dict[str, list[str]] = {}
    _validate_attributes(kind=kind, parent=parent, code=code, name=name, grassroots_type=grassroots_type,
                         cycle=congress_cycle_months, valid_from=day, valid_to=None, exclude_pk=None, errors=errors)
    if not parent.is_active:
        errors.setdefault("parent", []).append(f"{parent.name} đã giải thể.")
    if errors:
        raise ValidationFailed(errors)
    journal.touch_orgs([parent.pk])
    org = Org(code=code.strip(), name=name.strip(), short_name=short_name.strip(), name_norm=fold(name), kind=kind,
              grassroots_type=grassroots_type, admin_unit_id=admin_unit_id, valid_from=day, status=OrgStatus.ACTIVE,
              congress_cycle_months=congress_cycle_months or _default_cycle(kind, day))
    org = Org.objects.add_child(parent, instance=org)
    journal.created.append(org.pk)
    change = _change(org, OrgChange.Kind.CREATED, day, decision, f"Thành lập {org.name} (sắp xếp tổ chức)")
    OrgVersion.objects.create(org=org, change=change, valid_from=day, valid_to=None, path=org.path, depth=org.depth,
                              parent_id=parent.pk, code=org.code, name=org.name, short_name=org.short_name,
                              kind=org.kind, grassroots_type=org.grassroots_type, admin_unit_id=org.admin_unit_id,
                              status=OrgStatus.ACTIVE)
    OrgHeadcount.objects.create(org=org)
    return org


def check_relocation(org: Org, new_parent: Org) -> list[str]:
    """Why ``org`` cannot go under ``new_parent`` (empty: it can)."""
    problems = []
    if new_parent.path.startswith(org.path):
        problems.append(f"Không chuyển {org.name} vào chính nó hoặc tổ chức trực thuộc nó.")
    if not new_parent.is_active:
        problems.append(f"{new_parent.name} đã giải thể.")
    if org.kind not in ALLOWED_CHILDREN[new_parent.kind]:
        problems.append(f"{OrgKind(org.kind).label} ({org.name}) không thể trực thuộc "
                        f"{OrgKind(new_parent.kind).label.lower()} ({new_parent.name}).")
    return problems


def _under(roots: Sequence[str], rows, at: int):
    """Assign each row (path at index ``at``) to the root path it lies under, if any (``roots`` sorted)."""
    for row in rows:
        k = bisect_right(roots, row[at]) - 1
        if k >= 0 and row[at].startswith(roots[k]):
            yield roots[k], row


def subtrees(roots: Sequence[Org], *, fields: Sequence[str] = ("id", "path", "status")) -> dict[int, list[tuple]]:
    """Root id → the rows (``fields``) of every org in its subtree (itself included), for many roots in few
    queries: one per parent of roots (its subtree, read once; roots are usually many children of few parents)."""
    by_path = {r.path: r.pk for r in roots}
    out: dict[int, list[tuple]] = {r.pk: [] for r in roots}
    at = list(fields).index("path")
    groups: dict[str, list[str]] = {}
    for path in by_path:
        groups.setdefault(path[:-STEPLEN], []).append(path)
    for paths in groups.values():
        paths.sort()
        rows = Org.objects.filter(path__gte=paths[0], path__lt=path_range(paths[-1])[1]).values_list(*fields)
        for root, row in _under(paths, rows.order_by(), at):
            out[by_path[root]].append(row)
    return out


def relocate(journal: Journal, moves: Sequence[tuple[Org, Org]], *, day: dt.date, decision: Decision,
             note: str = "", progress=None, trees: dict[int, list[tuple]] | None = None) -> None:
    """Move each subtree under its new parent from ``day`` (disjoint subtrees; no new parent inside one): paths
    rewritten by prefix, versions ended the day before and opened from the day, one OrgChange per moved root,
    children recounted, and the other contexts told once (``hooks.subtrees_moved``)."""
    if not moves:
        return
    roots_by_id = {o.pk: o for o in Org.objects.filter(pk__in=[o.pk for o, _p in moves])}
    parents_by_id = {p.pk: p for p in Org.objects.filter(pk__in=[p.pk for _o, p in moves])}
    pairs = [(roots_by_id[o.pk], parents_by_id[p.pk]) for o, p in moves]
    pairs = [(r, p) for r, p in pairs if p.path != r.path[:-STEPLEN]]
    if not pairs:
        return
    ordered = sorted(r.path for r, _p in pairs)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.startswith(a):
            names = dict(Org.objects.filter(path__in=[a, b]).values_list("path", "name"))
            raise DomainError("overlapping_moves", f"{names[a]} và {names[b]} lồng nhau; chỉ chuyển tổ chức ngoài.")
    for root, parent in pairs:
        problems = check_relocation(root, parent)
        k = bisect_right(ordered, parent.path) - 1
        if k >= 0 and parent.path.startswith(ordered[k]) and not problems:
            problems = [f"{parent.name} cũng được chuyển trong cùng thao tác."]
        if problems:
            raise DomainError("bad_relocation", " ".join(problems))
    if trees is None or any(r.pk not in trees for r, _p in pairs):  # (id, path, status) rows, as ``subtrees``
        trees = subtrees([r for r, _p in pairs], fields=("id", "path", "status"))
    subtree = [row[0] for r, _p in pairs for row in trees[r.pk]]
    require_history_until(subtree, day)
    old_parents = list(Org.objects.filter(path__in={r.path[:-STEPLEN] for r, _p in pairs}))
    new_parents = list(parents_by_id.values())
    journal.touch_orgs([*subtree, *(p.pk for p in old_parents), *(p.pk for p in new_parents)])
    journal.touch_versions(subtree, day)
    names = {p.path: p.name for p in old_parents}
    steps: dict[int, int] = {}
    new_paths: dict[int, str] = {}
    for root, parent in pairs:
        step = steps.get(parent.pk) or _next_step(parent)
        steps[parent.pk] = step + 1
        new_paths[root.pk] = parent.path + encode_step(step)
    # every moved subtree's paths by prefix, MOVE_CHUNK subtrees a statement (the new paths are after every
    # child of their new parents: no two orgs share a path on the way)
    for n in range(0, len(pairs), MOVE_CHUNK):
        if progress:
            progress(n, len(pairs))
        chunk = pairs[n:n + MOVE_CHUNK]
        _rewrite_paths([(root.path, new_paths[root.pk], parent.depth + 1 - root.depth) for root, parent in chunk])
    changes = OrgChange.objects.bulk_create([
        OrgChange(org=root, kind=OrgChange.Kind.MOVED, effective_on=day, decision_no=decision.number,
                  decision_date=decision.date, decision_issuer=decision.issuer, note=note,
                  summary=f"Từ {names.get(root.path[:-STEPLEN], '')} sang {parent.name} (sắp xếp tổ chức)"[:500])
        for root, parent in pairs], batch_size=1000)
    active = sorted(row[0] for root, _p in pairs for row in trees[root.pk] if row[2] == OrgStatus.ACTIVE)
    _open_versions(active, [(new_paths[root.pk], change.pk) for (root, _p), change in
                            zip(pairs, changes, strict=True)], day)
    _recount_children([*old_parents, *new_parents])
    moved = [(root.pk, root.path, new_paths[root.pk]) for root, _p in pairs]
    journal.moved += moved
    hooks.subtrees_moved(moved)


def close(journal: Journal, orgs: Sequence[Org], *, day: dt.date, decision: Decision, summary: str,
          note: str = "") -> None:
    """End these orgs on ``day`` − 1 (they must have no active children and no members left)."""
    ids = [o.pk for o in orgs]
    journal.touch_orgs(ids)
    journal.touch_versions(ids, day)
    for org in Org.objects.filter(pk__in=ids):
        if not org.is_active:
            raise DomainError("org_closed", f"{org.name} đã giải thể từ trước.")
        if org.valid_from >= day:
            raise DomainError("closed_before_founded", f"{org.name} thành lập ngày {fmt_date(org.valid_from)}, "
                                                       f"không giải thể được từ ngày {fmt_date(day)}.")
        left = _children(org).filter(status=OrgStatus.ACTIVE).count()
        if left:
            raise DomainError("children_left", f"{org.name} còn {left} tổ chức trực thuộc đang hoạt động.")
        org.status, org.valid_to = OrgStatus.CLOSED, day - ONE_DAY
        org.save(update_fields=["status", "valid_to"])
        _change(org, OrgChange.Kind.CLOSED, day, decision, summary or f"Chấm dứt hoạt động sau ngày "
                f"{fmt_date(day - ONE_DAY)}", note)
    _end_versions(ids, day)


def edit(journal: Journal, org: Org, *, day: dt.date, decision: Decision, **fields) -> Org:
    """Rename, re-code or re-type ``org`` from ``day``."""
    from .services import EDITABLE_FIELDS, _change_kind, _default_cycle, _validate_attributes

    org = Org.objects.get(pk=org.pk)
    changed = {k for k, v in fields.items() if k in EDITABLE_FIELDS and v != getattr(org, k)}
    if not changed:
        raise DomainError("no_change", f"{org.name}: không có thông tin nào thay đổi.")
    if "kind" in changed and "congress_cycle_months" not in fields:
        fields["congress_cycle_months"] = _default_cycle(fields["kind"], day)
        changed.add("congress_cycle_months")
    new = {f: fields.get(f, getattr(org, f)) for f in EDITABLE_FIELDS}
    parent = Org.objects.filter(path=org.parent_path).first() if org.depth > 1 else None
    errors: dict[str, list[str]] = {}
    _validate_attributes(kind=new["kind"], parent=parent, code=new["code"], name=new["name"],
                         grassroots_type=new["grassroots_type"], cycle=new["congress_cycle_months"],
                         valid_from=org.valid_from, valid_to=org.valid_to, exclude_pk=org.pk, errors=errors)
    if "kind" in changed:
        bad = sorted(OrgKind(k).label for k in set(_children(org).filter(status=OrgStatus.ACTIVE)
                                                   .values_list("kind", flat=True)) - ALLOWED_CHILDREN[new["kind"]])
        if bad:
            errors.setdefault("kind", []).append(f"Các tổ chức trực thuộc ({', '.join(bad)}) không phù hợp với loại "
                                                 f"{OrgKind(new['kind']).label.lower()}.")
    if errors:
        raise ValidationFailed(errors)
    require_history_until([org.pk], day)
    journal.touch_orgs([org.pk])
    journal.touch_versions([org.pk], day)
    for f in changed:
        setattr(org, f, new[f])
    org.name_norm = fold(org.name)
    org.save(update_fields=[*sorted(changed), "name_norm"])
    change = _change(org, _change_kind(changed), day, decision,
                     ", ".join(sorted(str(Org._meta.get_field(f).verbose_name) for f in changed)))
    _open_versions([org.pk], [(org.path, change.pk)], day, subtrees=False)
    return org


def lineage(journal: Journal, predecessor: Org, successor: Org, *, day: dt.date, whole: bool,
            operation_id: int | None) -> None:
    OrgLineage.objects.create(predecessor=predecessor, successor=successor, effective_on=day, whole=whole,
                              operation_id=operation_id)


# -- undo -----------------------------------------------------------------------------------------------------
def newer_changes(journal: Journal, last_change_id: int) -> list[OrgChange]:
    """Changes recorded after the operation (ids above ``last_change_id``) on an org it touched or under one
    it founded or moved: the operation cannot be undone under them."""
    touched = journal.subtree_ids()
    qs = OrgChange.objects.filter(id__gt=last_change_id).select_related("org")
    out = []
    roots = [Org.objects.filter(pk=i).values_list("path", flat=True).first() for i in journal.created]
    roots += [new for _i, _old, new in journal.moved]
    for change in qs[:1000]:
        if change.org_id in touched or any(r and change.org.path.startswith(r) for r in roots):
            out.append(change)
    return out


def journal_undo(journal: Journal, *, last_change_id: int, operation_id: int) -> None:
    """Put back every row the operation changed; remove what it added. Callers check ``newer_changes``."""
    qn = connection.ops.quote_name
    org, ver, chg = (qn(m._meta.db_table) for m in (Org, OrgVersion, OrgChange))
    jo, jv = qn(JournalOrg._meta.db_table), qn(JournalVersion._meta.db_table)
    op = journal.operation_id
    touched = f"SELECT org_id FROM {jo} WHERE operation_id = %s"
    created = sorted(journal.created)
    OrgLineage.objects.filter(operation_id=operation_id).delete()
    with connection.cursor() as cursor:
        # versions: drop the operation's own and every version it rewrote or removed, then put those back
        cursor.execute(f"DELETE FROM {ver} WHERE id > %s AND org_id IN ({touched})", [journal.version_mark, op])
        for i in range(0, len(created), 5000):
            chunk = created[i:i + 5000]
            cursor.execute(f"DELETE FROM {ver} WHERE org_id IN ({', '.join(['%s'] * len(chunk))})", chunk)
            cursor.execute(f"DELETE FROM {chg} WHERE id > %s AND id <= %s AND org_id IN "
                           f"({', '.join(['%s'] * len(chunk))})", [journal.change_mark, last_change_id, *chunk])
        cursor.execute(f"DELETE FROM {ver} WHERE id IN (SELECT version_id FROM {jv} WHERE operation_id = %s)", [op])
        cols = ", ".join(VERSION_FIELDS[1:])
        cursor.execute(f"INSERT INTO {ver} (id, {cols}) SELECT version_id, {cols} FROM {jv} WHERE operation_id = %s",
                       [op])
        cursor.execute(f"DELETE FROM {chg} WHERE id > %s AND id <= %s AND org_id IN ({touched})",
                       [journal.change_mark, last_change_id, op])
        # paths: through temporary ones, so that no two orgs ever share a path on the way
        cursor.execute(f"UPDATE {org} SET path = '~' || CAST(id AS VARCHAR(20)) WHERE id IN ({touched})", [op])
        cursor.execute(f"UPDATE {org} SET {', '.join(f'{c} = j.{c}' for c in ORG_FIELDS)} FROM {jo} j "
                       f"WHERE {org}.id = j.org_id AND j.operation_id = %s", [op])
    # what other contexts derive from the paths (the founded orgs, empty now, are still there to be re-summed)
    hooks.subtrees_moved([(pk, new, old) for pk, old, new in reversed(journal.moved)])
    if journal.created:
        hooks.orgs_removed(list(journal.created))
        OrgHeadcount.objects.filter(org_id__in=journal.created).delete()
        # the plain delete (treebeard's recounts parents, whose rows were put back above)
        QuerySet.delete(Org.objects.filter(pk__in=journal.created).order_by())
    forget(op)


__all__ = ["Decision", "Journal", "check_relocation", "close", "edit", "found", "journal_undo", "lineage",
           "newer_changes", "relocate", "require_history_until", "subtrees", "children_of"]
