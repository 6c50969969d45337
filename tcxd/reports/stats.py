"""The statistics engine: members and organizations of any subtree, as of any date (G-03, G-04).

Members are counted from their spells (``members.MemberSpell``: one row per period a member is
counted at an official org in one standing, derived from the events), the tree from the org versions
(``orgs.OrgVersion``): a past date reads the events' outcome and the tree as they stood on that date,
never today's. A subtree on day D = the orgs whose version valid on D lies under the root's version
valid on D; a member is counted on D at the official org of the spell covering D (G-04: temporarily
transferred members at their official org, pending transfers at the sender).

``member_cube(org, on, dims)`` groups the members counted on ``on`` by any dimensions at once (one
query); ``marginal`` and ``total`` read it. Dimensions of the dossier are the dossier's current values
(the dossier is not dated); age and party age are exact on ``on`` (calendar months, B-12), cut into the
configurable bands (``stats.age_bands_years``, ``stats.party_age_bands_years``) shared by every form.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from tcxd.authz.guards import require_read
from tcxd.cadres.selectors import cadre_move_counts
from tcxd.common.db import big_grouping
from tcxd.common.paths import path_range
from tcxd.members import codes
from tcxd.members import tallies as T
from tcxd.members.models import MemberEvent, MemberSpell, MemberTally
from tcxd.orgs.kinds import GrassrootsType, OrgKind
from tcxd.orgs.models import Org, OrgVersion
from tcxd.orgs.selectors import org_children_as_of, org_version_on, version_valid_on
from tcxd.rules.pure.cadres import MoveKind
from tcxd.rules.pure.calendar import latest_start
from tcxd.rules.pure.membership import EventKind, Status
from tcxd.rules.pure.registry import RuleNotInForce
from tcxd.rules.selectors import param, rulebook

AGE_KEY = "stats.age_bands_years"
PARTY_AGE_KEY = "stats.party_age_bands_years"
NO_PARTY_AGE = "none"  # probationary members (B-12: party age counts once recognized)


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    values: tuple[tuple[str, str], ...]  # (code, label) in display order


def _choices(choices) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in choices)


def bands(key: str, on: dt.date) -> list[int]:
    """The whole-year thresholds starting each band after the first, as in force on ``on`` (before the
    first version — a figure of a year before the guidance — the first version's)."""
    try:
        value = param(key, on=on)
    except RuleNotInForce:
        value = rulebook().history(key)[0].parameter.value
    return sorted(int(v) for v in value)


def age_band_values(on: dt.date) -> tuple[tuple[str, str], ...]:
    t = bands(AGE_KEY, on)
    out = [(f"-{t[0] - 1}", f"Đến {t[0] - 1} tuổi")]
    out += [(f"{a}-{b - 1}", f"{a}–{b - 1} tuổi") for a, b in zip(t, t[1:], strict=False)]
    out.append((f"{t[-1]}-", f"Trên {t[-1] - 1} tuổi"))
    return tuple(out)


def party_age_band_values(on: dt.date) -> tuple[tuple[str, str], ...]:
    t = bands(PARTY_AGE_KEY, on)
    out = [(f"0-{t[0] - 1}", f"Dưới {t[0]} năm")]
    out += [(f"{a}-{b - 1}", f"{a}–{b - 1} năm") for a, b in zip(t, t[1:], strict=False)]
    out.append((f"{t[-1]}-", f"Từ {t[-1]} năm"))
    out.append((NO_PARTY_AGE, "Chưa có tuổi Đảng (dự bị)"))
    return tuple(out)


# Dimensions read from the spell's own columns (the column name is the key).
SPELL_DIMENSIONS = {
    "status": ("Loại đảng viên", ((Status.OFFICIAL.value, "Chính thức"), (Status.PROBATIONARY.value, "Dự bị"))),
    "exempted": ("Miễn công tác và sinh hoạt", (("1", "Được miễn"), ("0", "Không"))),
    "temporary": ("Sinh hoạt tạm thời nơi khác", (("1", "Đang sinh hoạt tạm thời"), ("0", "Không"))),
    "sex": ("Giới tính", _choices(codes.Sex.choices)),
    "ethnicity": ("Dân tộc", _choices(codes.Ethnicity.choices)),
    "religion": ("Tôn giáo", _choices(codes.Religion.choices)),
    "general_education": ("Giáo dục phổ thông", _choices(codes.GeneralEducation.choices)),
    "professional_level": ("Chuyên môn, nghiệp vụ", _choices(codes.ProfessionalLevel.choices)),
    "academic_title": ("Học hàm", _choices(codes.AcademicTitle.choices)),
    "political_theory": ("Lý luận chính trị", _choices(codes.PoliticalTheory.choices)),
    "occupation_group": ("Nghề nghiệp", _choices(codes.OccupationGroup.choices)),
}
COMPUTED = ("age_band", "party_age_band")
# Dimensions of the org the member is counted at, as the tree stood on the day.
ORG_DIMENSIONS = ("grassroots_type", "child")
ALL = (*SPELL_DIMENSIONS, *COMPUTED, *ORG_DIMENSIONS)


def dimension(key: str, on: dt.date, root: Org | None = None) -> Dimension:
    """The dimension ``key`` with its values as of ``on`` (``child``: the root's children on ``on``)."""
    if key in SPELL_DIMENSIONS:
        label, values = SPELL_DIMENSIONS[key]
        return Dimension(key, label, values)
    if key == "age_band":
        return Dimension(key, "Tuổi đời", age_band_values(on))
    if key == "party_age_band":
        return Dimension(key, "Tuổi Đảng", party_age_band_values(on))
    if key == "grassroots_type":
        return Dimension(key, "Loại hình tổ chức cơ sở đảng", (*_choices(GrassrootsType.choices), ("", "Khác")))
    if key == "child":
        children = [] if root is None else org_children_as_of(org=root, day=on)
        return Dimension(key, "Đơn vị trực thuộc", tuple((str(v.org_id), v.name) for v in children))
    raise KeyError(key)


# -- the tree as of a day ----------------------------------------------------------------------------
def _valid_on(alias: str = "v") -> str:
    return f"{alias}.valid_from <= %s AND ({alias}.valid_to IS NULL OR {alias}.valid_to >= %s)"


COMMUNE_TYPES = {"phuong": GrassrootsType.WARD.value, "dac_khu": GrassrootsType.SPECIAL_ZONE.value}


def grassroots_type_of(kind: str, grassroots_type: str, unit_type: str | None) -> str:
    """The grassroots-organization type an org gives its members (G-03): its own, or for a commune-level
    party committee (itself the grassroots organization of its commune) the commune's kind."""
    if grassroots_type:
        return grassroots_type
    if kind == OrgKind.COMMUNE:
        return COMMUNE_TYPES.get(unit_type or "", GrassrootsType.COMMUNE.value)
    return ""


def subtree_versions(org: Org, on: dt.date) -> list[tuple[int, str, str, str]]:
    """(org id, path, kind, grassroots type as ``grassroots_type_of``) of every org in ``org``'s
    subtree on ``on``."""
    root = org_version_on(org=org, day=on)
    if root is None:
        return []
    low, high = path_range(root.path)
    return [(pk, path, kind, grassroots_type_of(kind, gtype, unit_type)) for pk, path, kind, gtype, unit_type in
            OrgVersion.objects.filter(valid_from__lte=on, path__gte=low, path__lt=high).exclude(valid_to__lt=on)
            .values_list("org_id", "path", "kind", "grassroots_type", "admin_unit__unit_type")]


def _org_mapper(dims: Sequence[str], org: Org, on: dt.date):
    """org id → the values of the org dimensions in ``dims`` (grassroots type: the nearest org up the
    tree, itself included, that has one; child: the root's child above it)."""
    versions = subtree_versions(org, on)
    root = org_version_on(org=org, day=on)
    by_path = {path: (pk, gtype) for pk, path, _kind, gtype in versions}
    above = _inherited_type(root, on) if "grassroots_type" in dims else ""
    step = Org.steplen
    out: dict[int, tuple] = {}
    for pk, path, _kind, _gtype in versions:
        values = []
        for d in dims:
            if d == "grassroots_type":
                found, p = above, path
                while len(p) >= len(root.path):
                    entry = by_path.get(p)
                    if entry is not None and entry[1]:
                        found = entry[1]
                        break
                    p = p[:-step]
                values.append(found)
            elif d == "child":
                head = path[:len(root.path) + step]
                values.append(str(by_path[head][0]) if len(path) > len(root.path) and head in by_path else "")
        out[pk] = tuple(values)
    return out


def _inherited_type(root: OrgVersion, on: dt.date) -> str:
    """The grassroots type the orgs above ``root`` (on ``on``) give it, "" if none."""
    parent_id = root.parent_id
    while parent_id is not None:
        v = org_version_on(org=Org(pk=parent_id), day=on)
        if v is None:
            return ""
        found = grassroots_type_of(v.kind, v.grassroots_type, v.admin_unit.unit_type if v.admin_unit_id else None)
        if found:
            return found
        parent_id = v.parent_id
    return ""


# -- members -----------------------------------------------------------------------------------------
Cube = Counter  # tuple of dimension values (in the order asked) → members


def _band_sql(column: str, thresholds: list[int], on: dt.date, codes_: Sequence[str], params: list) -> str:
    """CASE giving the band code of ``column`` (a start day: birth, party age) on ``on``: at least
    ``t`` whole years ⇔ the day is on or before ``latest_start(on, 12 t)``."""
    parts = []
    for t, code in sorted(zip(thresholds, codes_[1:len(thresholds) + 1], strict=True), reverse=True):
        parts.append(f"WHEN {column} <= %s THEN '{code}'")
        params.append(latest_start(on, 12 * t))
    return f"CASE {' '.join(parts)} ELSE '{codes_[0]}' END"


def member_cube(*, actor, org: Org, on: dt.date, dims: Sequence[str]) -> Cube:
    """Members counted on ``on`` in ``org``'s subtree (as it stood that day), grouped by ``dims``."""
    require_read(actor, org.path)
    return member_cube_unscoped(org=org, on=on, dims=dims)


MEMOS = ("_tcxd_unchanged_since", "_tcxd_since")  # what one call keeps on the org instance (``_call_memos``)


@contextmanager
def _call_memos(org: Org):
    """The answers kept on ``org`` during one outermost call (``_unchanged_since``, the changed spells read once by
    ``member_cubes``), dropped when it returns: an instance kept longer (a test, a loop that writes) never reads
    them after a change."""
    outermost = not any(name in org.__dict__ for name in MEMOS)
    try:
        yield
    finally:
        if outermost:
            for name in MEMOS:
                org.__dict__.pop(name, None)


def member_cubes(*, actor, org: Org, on: dt.date, dims_sets: Iterable[Sequence[str]]) -> dict[tuple, Cube]:
    """``member_cube`` for each dimension set, reading each cuboid of the tallies once: the sets one
    cuboid answers are computed together (their union) and summed down to each set."""
    require_read(actor, org.path)
    with _call_memos(org):
        return _member_cubes(org, on, dims_sets)


def _member_cubes(org: Org, on: dt.date, dims_sets: Iterable[Sequence[str]]) -> dict[tuple, Cube]:
    wanted = [tuple(d) for d in dims_sets]
    by_cuboid: dict[int, set[str]] = {}
    for dims in wanted:
        cuboid = _tally_plan(org, on, dims)
        if cuboid is not None:
            by_cuboid.setdefault(cuboid, set()).update(dims)
    joint = {c: tuple(sorted(d)) for c, d in by_cuboid.items() if _tally_plan(org, on, tuple(d)) == c}
    if len(joint) > 1 and on < timezone.localdate():  # a past day: the spells changed since, read once for all
        union = tuple(sorted({d for dims in joint.values() for d in dims}))
        org.__dict__.setdefault("_tcxd_since", {})[on] = (union, *_since_rows(org, on, union))
    cubes = {c: member_cube_unscoped(org=org, on=on, dims=d) for c, d in joint.items()}
    # the rest from the spells: one scan grouped by all their member dimensions at once (organization
    # dimensions multiply the groups by the orgs: those sets are read one by one)
    rest = [dims for dims in wanted if _tally_plan(org, on, dims) not in cubes]
    shared = [dims for dims in rest if not set(dims) & set(ORG_DIMENSIONS)]
    union = tuple(sorted({d for dims in shared for d in dims}))
    spells_cube = member_cube_unscoped(org=org, on=on, dims=union, tallies_ok=False) if len(shared) > 1 else None
    out: dict[tuple, Cube] = {}
    for dims in wanted:
        cuboid = _tally_plan(org, on, dims)
        if cuboid in cubes:
            out[dims] = project(cubes[cuboid], joint[cuboid], dims)
        elif spells_cube is not None and dims in shared:
            out[dims] = project(spells_cube, union, dims)
        else:
            out[dims] = member_cube_unscoped(org=org, on=on, dims=dims)
    return out


def project(cube: Cube, dims: Sequence[str], onto: Sequence[str]) -> Cube:
    """``cube`` (keyed by ``dims``) summed down to the dimensions ``onto`` (a subset)."""
    at = [list(dims).index(d) for d in onto]
    out: Cube = Cube()
    for key, n in cube.items():
        out[tuple(key[i] for i in at)] += n
    return Cube({k: n for k, n in out.items() if n})


def member_cube_unscoped(*, org: Org, on: dt.date, dims: Sequence[str], tallies_ok: bool = True) -> Cube:
    """``member_cube`` without the scope check. Today's figures of a unit (an org near the top, see
    ``members.tallies``) come from its tallies when one cuboid holds every dimension asked; the rest
    from the spells (``tallies_ok=False`` forces the spells: the tests compare the two)."""
    with _call_memos(org):
        return _member_cube_unscoped(org, on, dims, tallies_ok)


def _member_cube_unscoped(org: Org, on: dt.date, dims: Sequence[str], tallies_ok: bool) -> Cube:
    unknown = [d for d in dims if d not in ALL]
    if unknown:
        raise KeyError(f"unknown dimensions: {unknown}")
    if tallies_ok:
        found = _from_tallies(org, on, dims)
        if found is not None:
            return found
    root = org_version_on(org=org, day=on)
    if root is None:
        return Cube()
    rows = _spell_rows(on, dims, [path_range(root.path)], big=root.depth == 1)
    org_dims = [d for d in dims if d in ORG_DIMENSIONS]
    cube: Cube = Cube()
    if not org_dims:
        for *values, n in rows:
            if n:
                cube[tuple(values)] += n
        return cube
    mapper = _org_mapper(org_dims, org, on)
    for *values, org_id, n in rows:
        org_values = iter(mapper.get(org_id, ("",) * len(org_dims)))
        spell_values = iter(values)
        cube[tuple(next(org_values) if d in ORG_DIMENSIONS else next(spell_values) for d in dims)] += n
    return cube


def member_cube_of_subtrees(*, orgs: Sequence[Org], on: dt.date, dims: Sequence[str]) -> Cube:
    """The sum of ``member_cube_unscoped`` of each of ``orgs`` (disjoint subtrees, each as it stood on ``on``:
    e.g. some subordinate orgs of one org) read from the spells in one scan over their path ranges; unscoped,
    the caller checks. Organization dimensions are relative to each root: summed root by root."""
    unknown = [d for d in dims if d not in ALL]
    if unknown:
        raise KeyError(f"unknown dimensions: {unknown}")
    if set(dims) & set(ORG_DIMENSIONS):
        out: Cube = Cube()
        for o in orgs:
            out.update(member_cube_unscoped(org=o, on=on, dims=dims, tallies_ok=False))
        return out
    ranges = [path_range(v.path) for v in OrgVersion.objects.filter(
        org_id__in=[o.pk for o in orgs], valid_from__lte=on).exclude(valid_to__lt=on).order_by("path")]
    cube: Cube = Cube()
    for i in range(0, len(ranges), 200):
        for *values, n in _spell_rows(on, dims, ranges[i:i + 200]):
            if n:
                cube[tuple(values)] += n
    return cube


def _spell_columns(dims: Sequence[str], on: dt.date, params: list) -> list[str]:
    """SQL of the member dimensions of ``dims`` (in order; organization dimensions left out) on a spell ``s``,
    bands as of ``on``; their parameters appended to ``params``."""
    qn = connection.ops.quote_name
    columns: list[str] = []
    for d in dims:
        if d in ("exempted", "temporary"):
            columns.append(f"CASE WHEN s.{qn(d)} THEN '1' ELSE '0' END")
        elif d in SPELL_DIMENSIONS:
            columns.append(f"s.{qn(d)}")
        elif d == "age_band":
            codes_ = [c for c, _ in age_band_values(on)]
            columns.append(_band_sql("s.birth_date", bands(AGE_KEY, on), on, codes_, params))
        elif d == "party_age_band":
            codes_ = [c for c, _ in party_age_band_values(on) if c != NO_PARTY_AGE]
            band = _band_sql("s.party_age_start", bands(PARTY_AGE_KEY, on), on, codes_, params)
            columns.append(f"CASE WHEN s.party_age_start IS NULL THEN '{NO_PARTY_AGE}' ELSE {band} END")
    return columns


def _spell_rows(on: dt.date, dims: Sequence[str], ranges: Sequence[tuple[str, str]], big: bool = False) -> list:
    """The spells covering ``on`` at the orgs whose version of that day lies in one of the path ``ranges``,
    grouped by the member dimensions of ``dims`` (in order) and then by org when ``dims`` holds an organization
    dimension: rows (values…, [org id], count)."""
    params: list = []
    columns = _spell_columns(dims, on, params)
    if any(d in ORG_DIMENSIONS for d in dims):
        columns.append("s.org_id")
    if not ranges:
        return []
    select = ", ".join(columns) if columns else "1"
    within = " OR ".join(["(v.path >= %s AND v.path < %s)"] * len(ranges))
    sql = (f"SELECT {select}, COUNT(*) FROM {MemberSpell._meta.db_table} s "
           f"WHERE {_valid_on('s')} AND s.org_id IN (SELECT v.org_id FROM {OrgVersion._meta.db_table} v "
           f"WHERE {_valid_on('v')} AND ({within}))"
           + (f" GROUP BY {', '.join(str(i + 1) for i in range(len(columns)))}" if columns else ""))
    # only the whole country's spells (the root, depth 1) are millions of rows to group; smaller subtrees: the default
    with big_grouping(big), connection.cursor() as cursor:
        cursor.execute(sql, [*params, on, on, on, on, *(p for r in ranges for p in r)])
        rows = cursor.fetchall()
    return rows if columns else [(n,) for _one, n in rows]


# A past day within this many days of today is read from today's tallies corrected by the spells that changed
# since (``_since_rows``); further back, the spells of that day are grouped (the changes outnumber a scan).
DELTA_DAYS = 3 * 366


def _tally_plan(org: Org, on: dt.date, dims: Sequence[str]) -> int | None:
    """The smallest cuboid that answers ``dims`` for ``org`` on ``on`` from the tallies, or None. A past day
    (within ``DELTA_DAYS``) qualifies when ``org`` is a unit today whose version has not changed since."""
    today = timezone.localdate()
    if (on < today - dt.timedelta(days=DELTA_DAYS) or org.depth > T.UNIT_DEPTH or org.valid_from > on
            or (org.valid_to is not None and org.valid_to < max(on, today))):
        return None
    if on < today and _unchanged_since(org, on) is None:
        return None
    if org.kind == OrgKind.DISTRICT:  # no unit (a pre-2025 tree): its communes are
        return None
    rest = set(dims) - {"status", "sex"}
    if "child" in rest:
        if org.depth >= T.UNIT_DEPTH or (org.depth == T.UNIT_DEPTH - 1 and Org.objects.filter(
                path__startswith=org.path, depth=T.UNIT_DEPTH, kind=OrgKind.DISTRICT).exists()):
            return None
        rest.discard("child")
    for cuboid in (T.TOTAL, T.BIRTH, T.PARTY, T.STATIC):
        if rest <= T.CUBOID_DIMS[cuboid]:
            return cuboid
    return None


def _unchanged_since(org: Org, on: dt.date) -> str | None:
    """The path of ``org`` when its version today was already its version on ``on`` (same path, same subtree
    range), so that today's tallies of the unit and the spells changed since give its figures of that day; None
    otherwise. Read from the versions (the instance may predate a move). Memoized on the instance (a form asks
    several times)."""
    memo = org.__dict__.setdefault("_tcxd_unchanged_since", {})
    if on not in memo:
        versions = list(OrgVersion.objects.filter(org_id=org.pk).filter(
            Q(valid_from__gt=on) | Q(valid_to__gte=on) | Q(valid_to__isnull=True))
            .values_list("path", "valid_from", "valid_to")[:2])
        current = versions[0] if len(versions) == 1 else None
        memo[on] = current[0] if current and current[2] is None and current[1] <= on else None
    return memo[on]


def _since_rows(org: Org, on: dt.date, dims: Sequence[str]) -> tuple[Cube, Cube]:
    """The correction of today's tallies of the unit ``org`` (unchanged since ``on``, see ``_tally_plan``) to
    its figures on ``on``, as two cubes keyed like ``_from_tallies``: the members counted today who were not
    counted there in the same way on ``on`` (to take away), and the members counted on ``on`` who are not
    counted today in the same way (to add).

    A spell counted today (open) that already covered ``on`` at an org whose version has not changed since is
    counted alike on both days: same org, same path under the unit, same columns (the dossier's columns are
    kept on every spell), and its bands are computed for ``on`` on both sides. Every other spell is in one of
    the two cubes: an open spell that began after ``on`` or is at a changed org (taken away, at its org today),
    a spell of ``on`` that has closed since or is at a changed org (added, at its org on ``on``).

    ``member_cubes`` reads them once for the union of its sets of dimensions (kept on the instance): each set
    is then that union summed down."""
    primed = org.__dict__.get("_tcxd_since", {}).get(on)
    if primed is not None and set(dims) <= set(primed[0]):
        union, away, back = primed
        return project(away, union, dims), project(back, union, dims)
    today = timezone.localdate()
    low, high = path_range(_unchanged_since(org, on))
    spells, versions = MemberSpell._meta.db_table, OrgVersion._meta.db_table
    # the orgs of the unit (today or on ``on``) whose version changed in between: moved, renamed, created, closed
    changed = (f"SELECT c.org_id FROM {versions} c WHERE c.path >= %s AND c.path < %s "
               "AND (c.valid_from > %s OR (c.valid_to IS NOT NULL AND c.valid_to >= %s))")
    changed_args = [low, high, on, on]
    child = "child" in dims
    member_dims = [d for d in dims if d != "child"]
    at_changed = (f"s.valid_to IS NULL AND s.valid_from <= %s AND s.org_id IN ({changed})", [on, *changed_args])
    sides = ((today, (("s.valid_to IS NULL AND s.valid_from > %s", [on]), at_changed)),  # counted today
             (on, (("s.valid_from <= %s AND s.valid_to >= %s", [on, on]), at_changed)))  # counted on ``on``
    out: list[Cube] = []
    for day, parts in sides:
        selects, args = [], []
        for where, where_args in parts:
            params: list = []
            columns = _spell_columns(member_dims, on, params)
            if child:
                columns.append("s.org_id")
            select = ", ".join(columns) if columns else "''"
            selects.append(
                f"SELECT {select}, COUNT(*) FROM {spells} s WHERE {where} AND s.org_id IN "
                f"(SELECT v.org_id FROM {versions} v WHERE {_valid_on('v')} AND v.path >= %s AND v.path < %s) "
                f"GROUP BY {', '.join(str(i + 1) for i in range(max(1, len(columns))))}")
            args += [*params, *where_args, day, day, low, high]
        with big_grouping(org.depth == 1), connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), args)
            rows = cursor.fetchall()
        mapper = _org_mapper(["child"], org, day) if child else {}
        cube: Cube = Cube()
        for row in rows:
            *values, n = row
            if child:
                org_id = values.pop()
                values = iter(values)
                key = tuple(mapper.get(org_id, ("",))[0] if d == "child" else next(values) for d in dims)
            else:
                key = tuple(values) if member_dims else ()
            cube[key] += int(n)
        out.append(cube)
    return out[0], out[1]


def _split_months(thresholds: list[int], on: dt.date) -> list[dt.date]:
    """The first days of the months that a band boundary on ``on`` splits (see ``_band_sql``): a
    member born (admitted) in any other month is in the same band whatever the day."""
    out = set()
    for t in thresholds:
        last = latest_start(on, 12 * t)  # on or before: at least t years
        if (last + dt.timedelta(days=1)).day != 1:  # not the month's last day: the month is split
            out.add(last.replace(day=1))
    return sorted(out)


def _from_tallies(org: Org, on: dt.date, dims: Sequence[str]) -> Cube | None:
    """One grouped query over the tallies of ``org`` (and its children for ``child``). Bands of a day
    (age, party age) read the monthly cuboid, and the daily one for the months a boundary splits."""
    cuboid = _tally_plan(org, on, dims)
    if cuboid is None:
        return None
    units = [org.pk]
    if "child" in dims:
        units += list(Org.objects.filter(path__startswith=org.path, depth=org.depth + 1).values_list("id", flat=True))
    params: list = []
    columns: list[str] = []
    split: list[dt.date] = []
    for d in dims:
        if d == "child":
            columns.append("t.unit_id")
        elif d == "age_band":
            thresholds = bands(AGE_KEY, on)
            split = _split_months(thresholds, on)
            columns.append(_band_sql("t.day", thresholds, on, [c for c, _ in age_band_values(on)], params))
        elif d == "party_age_band":
            thresholds = bands(PARTY_AGE_KEY, on)
            split = _split_months(thresholds, on)
            codes_ = [c for c, _ in party_age_band_values(on) if c != NO_PARTY_AGE]
            params.append(T.NO_DAY)
            band = _band_sql("t.day", thresholds, on, codes_, params)
            columns.append(f"CASE WHEN t.day = %s THEN '{NO_PARTY_AGE}' ELSE {band} END")
        else:
            columns.append(f"t.{connection.ops.quote_name(d)}")
    if "child" not in dims:
        columns.append("t.unit_id")  # one unit: grouped alike
    table = MemberTally._meta.db_table
    in_units = f"t.unit_id IN ({', '.join(['%s'] * len(units))})"
    group = ', '.join(str(i + 1) for i in range(len(columns)))
    select = f"SELECT {', '.join(columns)}, SUM(t.n) FROM {table} t WHERE t.cuboid = %s AND {in_units}"
    if cuboid in T.MONTHLY:
        # the months no boundary splits from the monthly rows; the split ones day by day, each month
        # one range of the daily rows' key (unit, cuboid, status, sex, day) per status and sex found
        skip = f" AND t.day NOT IN ({', '.join(['%s'] * len(split))})" if split else ""
        sql = f"{select}{skip} GROUP BY {group}"
        args = [*params, T.MONTHLY[cuboid], *units, *split]
        if split:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT DISTINCT status, sex FROM {table} t WHERE t.cuboid = %s AND {in_units}",
                               [T.TOTAL, *units])
                found = cursor.fetchall()
            statuses, sexes = sorted({r[0] for r in found}), sorted({r[1] for r in found})
            if found:
                months = " OR ".join(["(t.day >= %s AND t.day < %s)"] * len(split))
                sql += (f" UNION ALL {select} AND t.status IN ({', '.join(['%s'] * len(statuses))}) "
                        f"AND t.sex IN ({', '.join(['%s'] * len(sexes))}) AND ({months}) GROUP BY {group}")
                args += [*params, cuboid, *units, *statuses, *sexes,
                         *(d for m in split for d in (m, _next_month(m)))]
    else:
        sql, args = f"{select} GROUP BY {group}", [*params, cuboid, *units]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        rows = cursor.fetchall()
    cube: Cube = Cube()
    at = list(dims).index("child") if "child" in dims else None
    for *values, n in rows:
        if at is None:
            cube[tuple(values[:-1])] += int(n)
            continue
        unit = values[at]
        if unit == org.pk:
            values[at] = ""
            cube[tuple(values)] += int(n)
        else:  # a child's members: theirs, not the root's own
            values[at] = str(unit)
            cube[tuple(values)] += int(n)
            values[at] = ""
            cube[tuple(values)] -= int(n)
    if on < timezone.localdate():  # today's tallies, corrected to that day
        away, back = _since_rows(org, on, dims)
        cube.subtract(away)
        cube.update(back)
    return Cube({k: n for k, n in cube.items() if n})


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def marginal(cube: Cube, dims: Sequence[str], dim: str) -> Counter:
    """``cube`` summed over every dimension but ``dim``."""
    i = list(dims).index(dim)
    out: Counter = Counter()
    for key, n in cube.items():
        out[key[i]] += n
    return out


def total(cube: Cube) -> int:
    return sum(cube.values())


# -- organizations -----------------------------------------------------------------------------------
def org_counts(*, actor, org: Org, on: dt.date) -> Counter:
    """Orgs of each kind in ``org``'s subtree on ``on`` (the root included), as the tree stood."""
    require_read(actor, org.path)
    return Counter(kind for _pk, _path, kind, _gtype in subtree_versions(org, on))


# -- movements over a period -------------------------------------------------------------------------
MOVEMENTS = {
    "admitted": ("Kết nạp", (EventKind.ADMISSION_DECISION,)),
    "readmitted": ("Kết nạp lại", (EventKind.READMISSION_DECISION,)),
    "recognized": ("Công nhận chính thức", (EventKind.RECOGNITION,)),
    "struck_off": ("Xóa tên", (EventKind.STRUCK_OFF, EventKind.PROBATION_STRUCK_OFF)),
    "expelled": ("Khai trừ", (EventKind.EXPELLED,)),
    "left": ("Ra khỏi Đảng", (EventKind.LEFT,)),
    "died": ("Từ trần", (EventKind.DIED,)),
    "badges": ("Tặng Huy hiệu Đảng", (EventKind.BADGE,)),
}
TRANSFERS = {
    "transferred_in": "Chuyển sinh hoạt chính thức đến",
    "transferred_out": "Chuyển sinh hoạt chính thức đi",
    "temporary_in": "Chuyển sinh hoạt tạm thời đến",
    "temporary_out": "Chuyển sinh hoạt tạm thời đi",
}


def movements(*, actor, org: Org, start: dt.date, end: dt.date) -> dict[str, int]:
    """Events of each movement in ``org``'s subtree dated ``start`` … ``end`` (the orgs and days of
    ``period_orgs``). Official transfers count when they cross the subtree's edge: a member whose counting org
    changes from outside to inside (in) or inside to outside (out), on the day received; temporary ones on
    the day sent, by the sending and the host org. Moves inside the subtree are not movements."""
    require_read(actor, org.path)
    batched = _batch.get()
    if batched is not None and (org.pk, start, end) in batched:
        return dict(batched[(org.pk, start, end)])
    return movements_of(orgs=[org], start=start, end=end)[org.pk]


def movements_of(*, orgs: Sequence[Org], start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """``movements`` of each of ``orgs`` (each its own subtree, by ``period_orgs``: unscoped, the caller checks),
    in one pass: the period's events are read once, grouped by the org they are recorded at, and each counted for
    every org whose period orgs take that org on that day; the period's transfers are read once and judged for
    each org whose subtree they touch."""
    untils = period_orgs_of(orgs, start, end)
    out = {pk: dict.fromkeys([*MOVEMENTS, *TRANSFERS], 0) for pk in untils}
    takers: dict[int, list[tuple[int, dt.date]]] = {}  # org id → (counting org, its last day) of every org taking it
    for pk, until in untils.items():
        for i, last in until.items():
            takers.setdefault(i, []).append((pk, last))
    if not takers:
        return out
    kind_to = {kind.value: key for key, (_label, kinds) in MOVEMENTS.items() for kind in kinds}
    events = MemberEvent.objects.filter(voided_at__isnull=True, on__gte=start,
                                        on__lte=max(d for ts in takers.values() for _pk, d in ts))
    ids = sorted(takers)
    for i in range(0, len(ids), 10_000):
        chunk = events.filter(org_id__in=ids[i:i + 10_000])
        # the movements counted by org, day and kind; a discipline is one when its form is expulsion
        found = [(org_id, on, kind_to[kind], n) for org_id, on, kind, n in chunk.filter(kind__in=list(kind_to))
                 .values("org_id", "on", "kind").annotate(n=Count("pk")).values_list("org_id", "on", "kind", "n")
                 .order_by()]
        found += [(org_id, on, "expelled", 1) for org_id, on, data in chunk.filter(
            kind=EventKind.DISCIPLINE.value).values_list("org_id", "on", "data").order_by()
            if (data or {}).get("form") == "khai_tru"]
        for org_id, on, key, n in found:
            for pk, last in takers[org_id]:
                if on <= last:
                    out[pk][key] += n

    def inside(pk, org_id, day) -> bool:
        last = untils[pk].get(org_id)
        return last is not None and day <= last

    def touched(*org_ids) -> set[int]:
        return {pk for i in org_ids for pk, _last in takers.get(i, ())}

    for from_org, to_org, day in _temporary_moves(start, end):
        for pk in touched(from_org, to_org):
            if inside(pk, from_org, day) and not inside(pk, to_org, day):
                out[pk]["temporary_out"] += 1
            elif inside(pk, to_org, day) and not inside(pk, from_org, day):
                out[pk]["temporary_in"] += 1
    for from_org, to_org, day in _official_moves(start, end):  # at the sender to the day before
        for pk in touched(from_org, to_org):
            was, now = inside(pk, from_org, day - dt.timedelta(days=1)), inside(pk, to_org, day)
            if was and not now:
                out[pk]["transferred_out"] += 1
            elif now and not was:
                out[pk]["transferred_in"] += 1
    return out


def movements_by_child(*, actor, org: Org, start: dt.date, end: dt.date) -> dict[str, dict[str, int]]:
    """``movements`` of each subordinate org of ``org`` (the ``child`` dimension on ``end``: its values → counts),
    all in one pass (``movements_of``)."""
    require_read(actor, org.path)
    codes_ = [code for code, _label in dimension("child", end, root=org).values]
    children = Org.objects.in_bulk([int(c) for c in codes_])
    found = movements_of(orgs=[children[int(c)] for c in codes_], start=start, end=end)
    return {c: found[int(c)] for c in codes_}


_batch: ContextVar[dict | None] = ContextVar("tcxd_reports_movements_batch", default=None)


@contextmanager
def movements_batch(*, orgs: Sequence[Org], periods: Iterable[tuple[dt.date, dt.date]]):
    """Within the block, ``movements`` of any of ``orgs`` over any of ``periods`` answers from one pass per period
    (``movements_of``) computed on entry: a consolidation renders the movement forms of many subordinate orgs.
    The scope is still checked on each call. Inside an enclosing batch, only what it does not hold is computed
    (a consolidation's batch holds the subordinates' movements; each subordinate's form opens its own)."""
    outer = _batch.get() or {}
    found = {}
    for start, end in set(periods):
        missing = [o for o in orgs if (o.pk, start, end) not in outer]
        if not missing:
            continue
        for pk, counts in movements_of(orgs=missing, start=start, end=end).items():
            found[(pk, start, end)] = counts
    token = _batch.set({**outer, **found})
    try:
        yield
    finally:
        _batch.reset(token)


# -- cadre decisions over a period (công tác cán bộ) --------------------------------------------------------
CADRE_PREFIX = "cadre_"
CADRE_LABELS = {
    MoveKind.KIEN_TOAN: "Kiện toàn cán bộ", MoveKind.DIEU_DONG: "Điều động cán bộ",
    MoveKind.LUAN_CHUYEN: "Luân chuyển cán bộ", MoveKind.BIET_PHAI: "Biệt phái cán bộ",
    MoveKind.BO_NHIEM: "Bổ nhiệm cán bộ", MoveKind.BO_NHIEM_LAI: "Bổ nhiệm lại cán bộ",
    MoveKind.GIOI_THIEU_UNG_CU: "Giới thiệu cán bộ ứng cử",
}
# movement key → label: one per kind of decision of the cadre register
CADRE_MOVES = {f"{CADRE_PREFIX}{kind.value}": CADRE_LABELS[kind] for kind in MoveKind}


def cadre_moves(*, actor, org: Org, start: dt.date, end: dt.date) -> dict[str, int]:
    """Decisions of the cadre register of each kind (``CADRE_MOVES`` keys) effective ``start`` … ``end`` whose
    managing committee is one of ``period_orgs`` (the subtree as it stood on ``end``, merged predecessors to the
    day before); voided decisions are not counted."""
    require_read(actor, org.path)
    counts = cadre_move_counts(actor=actor, org=org, start=start, end=end, orgs=period_orgs(org, start, end))
    return {f"{CADRE_PREFIX}{kind}": n for kind, n in counts.items()}


def period_orgs(org: Org, start: dt.date, end: dt.date) -> dict[int, dt.date]:
    """The orgs whose events a period's figures of ``org`` take, each with the last day it counts: its subtree
    as it stood on ``end`` (a closed org: on its last day), to that day; and, for every org merged whole into
    one of them during the period (lineage, A-01), that predecessor's subtree as it stood the day before, to
    that day, and so on up the lineage. So the year of a province formed on 01/07 is its former provinces to
    30/6 plus itself from 1/7; a former province's year ends on 30/6 (a part of a split org is not its
    predecessor's whole, and starts at its own date)."""
    return period_orgs_of([org], start, end)[org.pk]


def period_orgs_of(orgs: Sequence[Org], start: dt.date, end: dt.date) -> dict[int, dict[int, dt.date]]:
    """``period_orgs`` of each of ``orgs`` in a few queries whatever their number (a form with a row per
    subordinate org): the subtrees read at once per last day, the period's lineage once."""
    from tcxd.orgs.models import OrgLineage

    valid_tos = dict(Org.objects.filter(pk__in=[o.pk for o in orgs]).values_list("id", "valid_to"))
    lasts = {pk: end if valid_to is None or valid_to >= end else max(start, valid_to)
             for pk, valid_to in valid_tos.items()}
    untils: dict[int, dict[int, dt.date]] = {}
    for last in set(lasts.values()):
        group = [pk for pk, day in lasts.items() if day == last]
        for pk, members in _subtree_ids_on(group, last).items():
            untils[pk] = dict.fromkeys(members, last)
    links = list(OrgLineage.objects.filter(whole=True, effective_on__gte=start, effective_on__lte=max(
        lasts.values(), default=end)).values_list("predecessor_id", "successor_id", "effective_on"))
    for pk, until in untils.items():
        seen: set[int] = set()
        while True:
            found = [(p, d) for p, s_, d in links if d <= lasts[pk] and s_ in until and p not in seen]
            if not found:
                break
            for pred, day in found:
                seen.add(pred)
                before = day - dt.timedelta(days=1)
                for i, *_ in subtree_versions(Org(pk=pred), before):
                    until[i] = max(until.get(i, before), before)
    return untils


def _subtree_ids_on(org_ids: Sequence[int], on: dt.date) -> dict[int, list[int]]:
    """Org id → the ids of every org in its subtree on ``on`` (itself included; none if it did not stand then),
    for many orgs (nested or not) in two queries and one per 500 disjoint subtrees."""
    paths: dict[int, str] = {}
    for org_id, path in (OrgVersion.objects.filter(version_valid_on(on), org_id__in=list(org_ids))
                         .order_by("org_id", "valid_from", "id").values_list("org_id", "path")):
        paths[org_id] = path  # the latest version of the day wins
    roots = {path: org_id for org_id, path in paths.items()}
    out: dict[int, list[int]] = {pk: [] for pk in org_ids}
    outer: list[str] = []  # the roots under no other root (in path order a nested one follows its outer one)
    for path in sorted(roots):
        if not (outer and path.startswith(outer[-1])):
            outer.append(path)
    lengths = sorted({len(p) for p in roots})
    for i in range(0, len(outer), 500):
        within = Q()
        for path in outer[i:i + 500]:
            low, high = path_range(path)
            within |= Q(path__gte=low, path__lt=high)
        for org_id, path in (OrgVersion.objects.filter(within, valid_from__lte=on).exclude(valid_to__lt=on)
                             .values_list("org_id", "path")):
            for n in lengths:
                root = roots.get(path[:n]) if len(path) >= n else None
                if root is not None:
                    out[root].append(org_id)
    return out


def _temporary_moves(start: dt.date, end: dt.date) -> list[tuple[int | None, int | None, dt.date]]:
    return list(MemberEvent.objects.filter(voided_at__isnull=True, on__gte=start, on__lte=end,
                                           kind=EventKind.TEMP_TRANSFER_OUT).values_list("org_id", "target_org_id",
                                                                                         "on"))


def _official_moves(start: dt.date, end: dt.date) -> list[tuple[int, int, dt.date]]:
    """(org before, org after, day) of every change of counting org received ``start`` … ``end``: two
    spells of one member, the second starting the day after the first ends, at another org. A move by a
    restructuring (lineage) is not a transfer: both orgs are inside a subtree that takes the predecessor."""
    t = MemberSpell._meta.db_table
    sql = (f"SELECT a.org_id, b.org_id, b.valid_from FROM {t} b JOIN {t} a ON a.member_id = b.member_id "
           "AND a.valid_to = b.valid_from - 1 WHERE b.valid_from >= %s AND b.valid_from <= %s "
           "AND a.org_id <> b.org_id")
    if connection.vendor == "sqlite":
        sql = sql.replace("b.valid_from - 1", "date(b.valid_from, '-1 day')")
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end])
        return [(a, b, day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10]))
                for a, b, day in cursor.fetchall()]


__all__ = ["ALL", "CADRE_MOVES", "Cube", "Dimension", "MOVEMENTS", "OrgKind", "TRANSFERS", "cadre_moves", "dimension",
           "marginal", "member_cube", "member_cube_of_subtrees", "member_cubes", "movements", "movements_batch",
           "movements_by_child", "movements_of", "org_counts", "project", "total"]
