"""Tallies (``MemberTally``): members counted today under each unit (an org at depth ≤ UNIT_DEPTH and
its whole subtree), by three cuboids, kept in the same transaction as the spells they sum.

A spell is open (``valid_to`` null) while the member is counted in that standing today. Every write
that changes a member's open spell or its dossier columns moves one member from one set of tally
keys to another (``apply``: −1 / +1 on each unit above the org); a move of orgs re-sums the units
whose subtree changed from the spells (``refresh_units``). ``expected`` recomputes everything from the
spells in SQL for ``stats_rebuild``.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence

from django.db import connection

from tcxd.common.paths import STEPLEN, path_range
from tcxd.orgs.kinds import OrgKind
from tcxd.orgs.models import Org

from .models import MemberSpell, MemberTally

UNIT_DEPTH = 3  # the nation, the provinces, the communes and the blocs under them
# On a pre-2025 tree a district (depth 3) stands between a province and its communes: the communes (depth 4) are
# the units there and the district is not one (its figures are its communes' sum, read from the spells), so
# abolishing the district level moves the communes' rows along and has no rows of its own to drop (about 15
# million at the national scale).
DISTRICT_UNIT_DEPTH = UNIT_DEPTH + 1
NO_DAY = dt.date(1, 1, 1)  # cuboid 2: no party age (probationary); cuboids 0 and 3: no day
STATIC, BIRTH, PARTY, TOTAL, BIRTH_MONTH, PARTY_MONTH = 0, 1, 2, 3, 4, 5
STATIC_DIMS = ("ethnicity", "exempted", "temporary", "religion", "general_education", "professional_level",
               "academic_title", "political_theory", "occupation_group")
# the dimensions (besides status and sex) each cuboid holds
CUBOID_DIMS = {STATIC: frozenset(STATIC_DIMS), BIRTH: frozenset({"ethnicity", "age_band"}),
               PARTY: frozenset({"ethnicity", "party_age_band"}), TOTAL: frozenset()}
# BIRTH and PARTY again with the day cut to the first of its month (NO_DAY stays): a nation's age
# bands are summed from a thirtieth of the rows, the months a band boundary splits from the days
# (``reports.stats``)
MONTHLY = {BIRTH: BIRTH_MONTH, PARTY: PARTY_MONTH}
KEY_FIELDS = ("unit_id", "cuboid", "status", "sex", "day", *STATIC_DIMS)
# the open spell's columns the tallies read
OPEN_FIELDS = ("org_id", "status", "sex", "birth_date", "party_age_start", *STATIC_DIMS)

def _flag(value) -> str:
    return "1" if value is True else "0" if value is False else str(value)


def _keys(row: tuple) -> list[tuple]:
    """(cuboid, status, sex, day, *static) of one open spell (``OPEN_FIELDS``) in each cuboid."""
    _org, status, sex, birth, party, *static = row
    static = tuple(_flag(v) for v in static)
    blank = ("",) * (len(STATIC_DIMS) - 1)
    ethnicity = static[0]
    party = party or NO_DAY
    return [(STATIC, status, sex, NO_DAY, *static), (BIRTH, status, sex, birth, ethnicity, *blank),
            (PARTY, status, sex, party, ethnicity, *blank), (TOTAL, status, sex, NO_DAY, "", *blank),
            (BIRTH_MONTH, status, sex, birth.replace(day=1), ethnicity, *blank),
            (PARTY_MONTH, status, sex, party.replace(day=1), ethnicity, *blank)]


def _prefixes(path: str) -> list[str]:
    """Paths of the orgs above (and at) ``path`` that may be units: its first DISTRICT_UNIT_DEPTH levels."""
    return [path[:i] for i in range(STEPLEN, min(len(path), DISTRICT_UNIT_DEPTH * STEPLEN) + 1, STEPLEN)]


def is_unit(depth: int, under_district: bool, district: bool = False) -> bool:
    """Whether an org at ``depth`` is a unit: the first UNIT_DEPTH levels but a district (``district``: the org is
    one), and a child of a district."""
    if district and depth == UNIT_DEPTH:
        return False
    return depth <= UNIT_DEPTH or (depth == DISTRICT_UNIT_DEPTH and under_district)


def _unit_paths(path: str, districts: set[str]) -> list[str]:
    """Paths of the units above (and at) ``path``; ``districts``: the paths of the district orgs among its
    ancestors and itself (at least)."""
    return [p for p in _prefixes(path) if is_unit(len(p) // STEPLEN, p[:-STEPLEN] in districts, p in districts)]


def _districts_among(paths: Iterable[str]) -> set[str]:
    """The paths among ``paths`` (only depth UNIT_DEPTH matters) that are districts' (one query, none when none
    is at that depth)."""
    wanted = {p for p in paths if len(p) == UNIT_DEPTH * STEPLEN}
    if not wanted:
        return set()
    return set(Org.objects.filter(path__in=wanted, kind=OrgKind.DISTRICT).values_list("path", flat=True))


def district_paths() -> list[str]:
    """The paths of every district org (a pre-2025 tree), in order."""
    return list(Org.objects.filter(kind=OrgKind.DISTRICT, depth=UNIT_DEPTH).order_by("path")
                .values_list("path", flat=True))


def open_row(member_id: int) -> tuple | None:
    return (MemberSpell.objects.filter(member_id=member_id, valid_to__isnull=True)
            .values_list(*OPEN_FIELDS).first())


def deltas(before: Iterable[tuple | None], after: Iterable[tuple | None]) -> Counter:
    """Tally changes when members' open spells go from ``before`` to ``after`` (rows of OPEN_FIELDS)."""
    out: Counter = Counter()
    pairs = list(zip(before, after, strict=True))
    orgs = {r[0] for pair in pairs if pair[0] != pair[1] for r in pair if r is not None}
    paths = dict(Org.objects.filter(pk__in=orgs).values_list("id", "path"))
    above = Org.objects.filter(path__in={p for path in paths.values() for p in _prefixes(path)})
    unit_of, districts = {}, set()
    for path, pk, kind in above.values_list("path", "id", "kind"):
        unit_of[path] = pk
        if kind == OrgKind.DISTRICT and len(path) == UNIT_DEPTH * STEPLEN:
            districts.add(path)
    for old, new in pairs:
        if old == new:
            continue
        for row, sign in ((old, -1), (new, 1)):
            if row is None:
                continue
            for unit in (unit_of[p] for p in _unit_paths(paths[row[0]], districts)):
                for key in _keys(row):
                    out[(unit, *key)] += sign
    return out


def apply(changes: Counter) -> None:
    """Add ``changes`` to the tallies (one upsert per batch; rows that reach 0 are removed)."""
    changes = {k: v for k, v in changes.items() if v}
    if not changes:
        return
    qn = connection.ops.quote_name
    table = qn(MemberTally._meta.db_table)
    key_cols = ", ".join(qn(f) for f in KEY_FIELDS)
    marks = "(" + ", ".join(["%s"] * (len(KEY_FIELDS) + 1)) + ")"
    items = list(changes.items())
    with connection.cursor() as cursor:
        for i in range(0, len(items), 200):
            chunk = items[i:i + 200]
            params = [p for key, n in chunk for p in (*key, n)]
            cursor.execute(f"INSERT INTO {table} ({key_cols}, n) VALUES {', '.join([marks] * len(chunk))} "
                           f"ON CONFLICT ({key_cols}) DO UPDATE SET n = {table}.n + excluded.n", params)
        touched = sorted({k[0] for k in changes})
        cursor.execute(f"DELETE FROM {table} WHERE n = 0 AND unit_id IN ({', '.join(['%s'] * len(touched))})",
                       touched)


def add_members(member_ids: Sequence[int]) -> None:
    """Add the open spells of members just written (a bulk load) to the tallies of every unit above them, summed
    in SQL: one statement instead of a −1/+1 per key and unit (``apply``), whose keys grow with the members. The
    more members per statement, the fewer rows to upsert (a commune's and a province's keys are shared):
    PostgreSQL takes the ids as one array parameter; SQLite as 2 000 placeholders (each repeated per cuboid)."""
    ids = sorted(set(member_ids))
    if not ids:
        return
    qn = connection.ops.quote_name
    table = qn(MemberTally._meta.db_table)
    key_cols = ", ".join(qn(f) for f in KEY_FIELDS)
    postgres = connection.vendor == "postgresql"
    step = 50_000 if postgres else 2000
    with connection.cursor() as cursor:
        for start in range(0, len(ids), step):
            chunk = ids[start:start + step]
            if postgres:
                sql, params = _grouped("s.member_id = ANY(%s)", [chunk])
            else:
                sql, params = _grouped(f"s.member_id IN ({', '.join(['%s'] * len(chunk))})", chunk)
            # WHERE true: SQLite's upsert from a SELECT needs it to parse
            cursor.execute(f"INSERT INTO {table} ({key_cols}, n) SELECT * FROM ({sql}) AS g WHERE 1 = 1 "
                           f"ON CONFLICT ({key_cols}) DO UPDATE SET n = {table}.n + excluded.n", params)


# -- from the spells, in SQL -------------------------------------------------------------------------
def _grouped(unit_filter: str, filter_params: list) -> tuple[str, list]:
    """Every tally row (``KEY_FIELDS`` + n) of the units matched by ``unit_filter`` (on ``u``, with
    ``filter_params``), summed from the open spells: (SQL, parameters)."""
    o = Org._meta.db_table
    districts = district_paths()
    depth = DISTRICT_UNIT_DEPTH if districts else UNIT_DEPTH
    levels = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(1, depth + 1))
    # a district is no unit; the level below UNIT_DEPTH is one only under a district
    in_district = f"substr(m.path, 1, {STEPLEN * UNIT_DEPTH}) IN ({', '.join(['%s'] * len(districts))})"
    levels_ok = (f"(lv.k < {UNIT_DEPTH} OR (lv.k = {UNIT_DEPTH} AND NOT {in_district}) "
                 f"OR (lv.k = {DISTRICT_UNIT_DEPTH} AND {in_district}))") if districts else "1 = 1"
    joins = (f"JOIN ({levels}) lv ON length(m.path) >= {STEPLEN} * lv.k "
             f"JOIN {o} u ON u.path = substr(m.path, 1, {STEPLEN} * lv.k)")
    return _cuboids(joins, f"{levels_ok} AND ({unit_filter})", [*districts, *districts, *filter_params])


def _cuboids(joins: str, where: str, params: list) -> tuple[str, list]:
    """The six cuboids' rows (``KEY_FIELDS`` + n) of the open spells ``s`` (their org ``m``), counted for the
    unit ``u`` that ``joins`` give each, where ``where`` holds (with ``params``): (SQL, parameters)."""
    s, o = MemberSpell._meta.db_table, Org._meta.db_table
    base = f"FROM {s} s JOIN {o} m ON m.id = s.org_id {joins} WHERE s.valid_to IS NULL AND ({where})"
    static = ", ".join(f"CASE WHEN s.{c} THEN '1' ELSE '0' END" if c in ("exempted", "temporary") else f"s.{c}"
                       for c in STATIC_DIMS)
    blank = ", ".join(["''"] * (len(STATIC_DIMS) - 1))
    party = "COALESCE(s.party_age_start, %s)"
    birth_month, party_month = month_start_sql("s.birth_date"), month_start_sql(party)
    sql = (f"SELECT u.id, {STATIC}, s.status, s.sex, %s, {static}, COUNT(*) {base} "
           f"GROUP BY u.id, s.status, s.sex, {static} "
           f"UNION ALL SELECT u.id, {BIRTH}, s.status, s.sex, s.birth_date, s.ethnicity, {blank}, COUNT(*) {base} "
           f"GROUP BY u.id, s.status, s.sex, s.birth_date, s.ethnicity "
           f"UNION ALL SELECT u.id, {PARTY}, s.status, s.sex, {party}, s.ethnicity, {blank}, COUNT(*) {base} "
           f"GROUP BY u.id, s.status, s.sex, {party}, s.ethnicity "
           f"UNION ALL SELECT u.id, {TOTAL}, s.status, s.sex, %s, '', {blank}, COUNT(*) {base} "
           f"GROUP BY u.id, s.status, s.sex "
           f"UNION ALL SELECT u.id, {BIRTH_MONTH}, s.status, s.sex, {birth_month}, s.ethnicity, {blank}, COUNT(*) "
           f"{base} GROUP BY u.id, s.status, s.sex, {birth_month}, s.ethnicity "
           f"UNION ALL SELECT u.id, {PARTY_MONTH}, s.status, s.sex, {party_month}, s.ethnicity, {blank}, COUNT(*) "
           f"{base} GROUP BY u.id, s.status, s.sex, {party_month}, s.ethnicity")
    p = params
    return sql, [NO_DAY, *p, *p, NO_DAY, *p, NO_DAY, NO_DAY, *p, *p, NO_DAY, *p, NO_DAY]


def month_start_sql(day_sql: str) -> str:
    """The first day of the month of a date expression (NO_DAY stays NO_DAY)."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {day_sql}) AS date)"
    return f"date({day_sql}, 'start of month')"


def expected(unit_ids: list[int] | None = None) -> Counter:
    """The tallies as the open spells give them (all units, or ``unit_ids``)."""
    where, params = ("1 = 1", []) if unit_ids is None else (
        f"u.id IN ({', '.join(['%s'] * len(unit_ids))})", list(unit_ids))
    out: Counter = Counter()
    with connection.cursor() as cursor:
        cursor.execute(*_grouped(where, params))
        for *key, n in cursor.fetchall():
            key[4] = _day(key[4])
            out[tuple(key)] += n
    return out


def stored(unit_ids: list[int] | None = None) -> Counter:
    qs = MemberTally.objects.exclude(n=0)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return Counter({tuple(row[:-1]): row[-1] for row in qs.values_list(*KEY_FIELDS, "n")})


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def refresh_units(unit_ids: Iterable[int] | None) -> None:
    """Sum the tallies of ``unit_ids`` (None: every unit) again from the spells, in SQL (after orgs
    moved under or out of them; after a dataset is loaded)."""
    if unit_ids is None:
        _refresh_all()
        return
    ids = sorted(set(unit_ids))
    if not ids:
        return
    qn = connection.ops.quote_name
    table = qn(MemberTally._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE unit_id IN ({marks})", ids)
        sql, sql_params = _grouped(f"u.id IN ({marks})", ids)
        cursor.execute(f"INSERT INTO {table} ({', '.join(qn(f) for f in KEY_FIELDS)}, n) " + sql, sql_params)


OWN_TABLE = "tcxd_tally_own"


def _refresh_all() -> None:
    """Every unit's tallies again: the open spells are counted once, for the deepest unit above their org (its
    own rows), then each level is its units' own rows plus the rows of the units right under them (under a
    district, which is no unit: the province's), from the deepest level up (each spell is read once instead of
    once per unit above it)."""
    qn = connection.ops.quote_name
    table, o = qn(MemberTally._meta.db_table), qn(Org._meta.db_table)
    keys = ", ".join(qn(f) for f in KEY_FIELDS[1:])
    districts = district_paths()
    top = STEPLEN * UNIT_DEPTH
    # the deepest unit above (or at) an org: its first UNIT_DEPTH levels, one more under a district, one less for
    # a district itself
    marks = ", ".join(["%s"] * len(districts))
    length = (f"CASE WHEN length(m.path) > {top} AND substr(m.path, 1, {top}) IN ({marks}) "
              f"THEN {STEPLEN * DISTRICT_UNIT_DEPTH} WHEN m.path IN ({marks}) THEN {top - STEPLEN} ELSE {top} END"
              if districts else str(top))
    own, params = _cuboids(f"JOIN {o} u ON u.path = substr(m.path, 1, {length})", "1 = 1", [*districts, *districts])
    deepest = DISTRICT_UNIT_DEPTH if districts else UNIT_DEPTH
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"DROP TABLE IF EXISTS {OWN_TABLE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {OWN_TABLE} AS SELECT {qn('unit_id')}, {keys}, n FROM {table} "
                       f"WHERE 1 = 0")
        cursor.execute(f"INSERT INTO {OWN_TABLE} ({qn('unit_id')}, {keys}, n) {own}", params)
        for depth in range(deepest, 0, -1):
            # the units right under this level's: one level down, and two under a district (the districts have
            # no rows, the units under them none one level up)
            below = [depth + 1] + ([DISTRICT_UNIT_DEPTH] if districts and depth == UNIT_DEPTH - 1 else [])
            below = [d for d in below if d <= deepest and not (districts and depth == UNIT_DEPTH)]
            child = " UNION ALL ".join(
                f"SELECT p.id AS unit_id, {', '.join(f't.{qn(f)}' for f in KEY_FIELDS[1:])}, t.n FROM {table} t "
                f"JOIN {o} c ON c.id = t.unit_id JOIN {o} p ON p.path = substr(c.path, 1, {STEPLEN * depth}) "
                f"WHERE c.depth = {d}" for d in below)
            mine = (f"SELECT x.unit_id, {', '.join(f'x.{qn(f)}' for f in KEY_FIELDS[1:])}, x.n FROM {OWN_TABLE} x "
                    f"JOIN {o} u ON u.id = x.unit_id WHERE u.depth = {depth}")
            if not child:  # the deepest units: their own rows only, counted already
                cursor.execute(f"INSERT INTO {table} ({qn('unit_id')}, {keys}, n) {mine}")
                continue
            cursor.execute(f"INSERT INTO {table} ({qn('unit_id')}, {keys}, n) SELECT unit_id, {keys}, SUM(n) "
                           f"FROM ({mine} UNION ALL {child}) r GROUP BY unit_id, {keys}")
        cursor.execute(f"DROP TABLE {OWN_TABLE}")


def _shift_rows(roots: Sequence[int], unit_id: int, sign: int) -> None:
    """Add (sign 1) or take away (−1) the rows of units ``roots`` to or from unit ``unit_id``: a unit that moved
    whole under or out of ``unit_id`` carries exactly its members (its own rows) along."""
    qn = connection.ops.quote_name
    table = qn(MemberTally._meta.db_table)
    keys = ", ".join(qn(f) for f in KEY_FIELDS[1:])
    marks = ", ".join(["%s"] * len(roots))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({qn('unit_id')}, {keys}, n) SELECT %s, {keys}, {sign} * SUM(n) "
                       f"FROM {table} WHERE unit_id IN ({marks}) GROUP BY {keys} "
                       f"ON CONFLICT ({qn('unit_id')}, {keys}) DO UPDATE SET n = {table}.n + excluded.n",
                       [unit_id, *roots])
        cursor.execute(f"DELETE FROM {table} WHERE n = 0 AND unit_id = %s", [unit_id])


def subtrees_moved(moves: Sequence[tuple[int, str, str]]) -> None:
    """Subtrees moved from old to new paths (orgs' hook). A root that is a unit before and after carries its own
    rows: they are taken from the units above it on the old side only and added to those on the new side only.
    Otherwise those units are re-summed from the spells. Inside each subtree, the nodes that crossed the unit
    depth (became units, or stopped being ones) are re-summed too. A unit left with nothing under it (a district
    whose communes all moved up) loses its rows; one that takes another's whole content gets that one's rows."""
    refresh: set[int] = set()
    refresh_paths: set[str] = set()
    shifts: dict[tuple[str, int], list[int]] = {}  # (unit path, sign) -> roots
    groups: dict[tuple[str, int], list[str]] = {}
    # the districts above the roots' old and new places (by their paths now: a root's parent does not move)
    districts = _districts_among({p for _id, old, new in moves for p in (*_prefixes(old), *_prefixes(new))})
    # the roots that are districts (by id: a root's path changed)
    roots_districts = set(Org.objects.filter(pk__in=[m[0] for m in moves], kind=OrgKind.DISTRICT)
                          .values_list("id", flat=True))
    # a district (no unit) moving at its level carries its communes' rows (units before and after), when no member
    # is registered at the district itself: the provinces' rows are shifted, not summed again
    carried = _carried_by_districts([(i, new) for i, old, new in moves if i in roots_districts
                                     and len(old) == len(new) == UNIT_DEPTH * STEPLEN])
    for org_id, old_path, new_path in moves:
        old_parent, new_parent = old_path[:-STEPLEN], new_path[:-STEPLEN]
        old_side, new_side = set(_unit_paths(old_parent, districts)), set(_unit_paths(new_parent, districts))
        old_only, new_only = old_side - new_side, new_side - old_side
        old_depth, new_depth = len(old_path) // STEPLEN, len(new_path) // STEPLEN
        is_district = org_id in roots_districts
        was_unit = is_unit(old_depth, old_parent in districts, is_district)
        now_unit = is_unit(new_depth, new_parent in districts, is_district)
        if (was_unit and now_unit) or org_id in carried:
            units_moved = carried.get(org_id, [org_id])
            for path in old_only:
                shifts.setdefault((path, -1), []).extend(units_moved)
            for path in new_only:
                shifts.setdefault((path, 1), []).extend(units_moved)
        else:
            refresh_paths |= old_only | new_only
            if was_unit != now_unit:
                refresh.add(org_id)
        if new_depth != old_depth:
            groups.setdefault((new_parent, new_depth - old_depth), []).append(new_path)
    for (_parent, k), paths in groups.items():  # one query per new parent: the nodes under its moved children
        paths.sort()
        depth = len(paths[0]) // STEPLEN
        deepest = DISTRICT_UNIT_DEPTH + max(k, 0)  # below it a node is a unit on neither side
        if deepest <= depth:
            continue
        rows = list(Org.objects.filter(path__gte=paths[0], path__lt=path_range(paths[-1])[1], depth__gte=depth,
                                       depth__lte=deepest).values_list("id", "path", "kind"))
        kinds = {path: kind for _pk, path, kind in rows}
        for pk, path, _kind in rows:
            i = bisect_right(paths, path) - 1
            d = len(path) // STEPLEN
            if d == depth or i < 0 or not path.startswith(paths[i]):
                continue
            under_district = kinds.get(path[:-STEPLEN]) == OrgKind.DISTRICT
            district = kinds[path] == OrgKind.DISTRICT
            if is_unit(d - k, under_district, district) != is_unit(d, under_district, district):
                refresh.add(pk)
    units = dict(Org.objects.filter(path__in={p for p, _s in shifts} | refresh_paths).values_list("path", "id"))
    refresh |= {units[p] for p in refresh_paths if p in units}
    moved = {org_id for org_id, _old, _new in moves}
    emptied = _emptied({units[p]: p for (p, sign) in shifts if sign < 0 and p in units and units[p] not in refresh
                        and units[p] not in moved})
    whole = {path: set(shifts[(path, -1)]) for path in emptied.values()}  # the roots that left each emptied unit
    for (path, sign), roots in sorted(shifts.items(), key=lambda item: -item[0][1]):  # additions first
        if path not in units or units[path] in refresh:
            continue
        if sign < 0 and units[path] in emptied:
            _drop_rows(units[path])
            continue
        if sign > 0:  # a unit emptied into this one whole: its own rows, not the sum of its children's
            given, sources = set(roots), []
            for unit_id, unit_path in emptied.items():
                if whole[unit_path] <= given:
                    sources.append(unit_id)
                    given -= whole[unit_path]
            _copy_rows(sources, units[path])
            roots = [r for r in roots if r in given]
        for i in range(0, len(roots), 500):
            _shift_rows(roots[i:i + 500], units[path], sign)
    refresh_units(refresh)


def _carried_by_districts(roots: Sequence[tuple[int, str]]) -> dict[int, list[int]]:
    """District id → the ids of its children (the units under it), for the districts among ``roots`` (id, path
    now) with no member of their own."""
    if not roots:
        return {}
    own = set(MemberSpell.objects.filter(org_id__in=[i for i, _p in roots], valid_to__isnull=True)
              .values_list("org_id", flat=True).distinct())
    out = {}
    for org_id, path in roots:
        if org_id not in own:
            low, high = path_range(path)
            out[org_id] = list(Org.objects.filter(path__gt=low, path__lt=high, depth=DISTRICT_UNIT_DEPTH)
                               .values_list("id", flat=True))
    return out


def _emptied(candidates: dict[int, str]) -> dict[int, str]:
    """The units among ``candidates`` (id -> path) left with no org under them and no member of their own: their
    rows were exactly the sum of the rows of the roots that left them."""
    if not candidates:
        return {}
    out = {}
    for unit_id, path in candidates.items():
        low, high = path_range(path)
        if (not Org.objects.filter(path__gt=low, path__lt=high).exists()
                and not MemberSpell.objects.filter(org_id=unit_id, valid_to__isnull=True).exists()):
            out[unit_id] = path
    return out


def _copy_rows(sources: Sequence[int], unit_id: int) -> None:
    """Add the rows of the units ``sources`` to those of ``unit_id``: summed in one grouped statement (provinces
    merged into a new one: ~200 000 rows each at the national scale); into a unit with no rows yet (a new one)
    without the per-row conflict test."""
    if not sources:
        return
    qn = connection.ops.quote_name
    table = qn(MemberTally._meta.db_table)
    keys = ", ".join(qn(f) for f in KEY_FIELDS[1:])
    marks = ", ".join(["%s"] * len(sources))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE unit_id = %s LIMIT 1", [unit_id])
        empty = cursor.fetchone() is None
        grouped = (f"INSERT INTO {table} ({qn('unit_id')}, {keys}, n) SELECT %s, {keys}, SUM(n) FROM {table} "
                   f"WHERE unit_id IN ({marks}) GROUP BY {keys} HAVING SUM(n) <> 0")
        if empty:
            cursor.execute(grouped, [unit_id, *sources])
            return
        cursor.execute(f"{grouped} ON CONFLICT ({qn('unit_id')}, {keys}) DO UPDATE SET n = {table}.n + excluded.n",
                       [unit_id, *sources])
        cursor.execute(f"DELETE FROM {table} WHERE n = 0 AND unit_id = %s", [unit_id])


def _drop_rows(unit_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(MemberTally._meta.db_table)} WHERE unit_id = %s",
                       [unit_id])
