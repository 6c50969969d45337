"""Build a benchmark dataset of a given size: plan from the geo map, generate rows, write them raw."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from tcxd.authz.models import User
from tcxd.fees.models import FeeBasis, FeeDecision
from tcxd.geo.models import AdminUnit, Level, MapVersion
from tcxd.members import tallies
from tcxd.members.models import (
    Member,
    MemberEvent,
    MemberNameSlot,
    MemberNameWord,
    MemberSensitive,
    MemberSpell,
    MemberTally,
)
from tcxd.members.namewords import ROW_FIELDS as WORD_FIELDS
from tcxd.orgs.models import CommitteeMember, Congress, Org, OrgChange, OrgHeadcount, OrgVersion

from . import loader
from . import membergen as MG
from . import treegen as T
from .sizes import SizeSpec, size_spec

DEFAULT_SEED = 2025
MARKER = "bench-dataset size={size} seed={seed}"
_MARKER_RE = re.compile(r"bench-dataset size=(\w+) seed=(-?\d+)")
_INFO_RE = re.compile(r"(\w+)=(\S+)")
# Accounts the benchmarks create (bench-admin, bench-officer…): detached from their org on --replace.
BENCH_USER_PREFIX = "bench-"
# Without geo rows (should not happen: geo migration 0002 loads them): 34 provinces x 98 communes.
FALLBACK_PROVINCES, FALLBACK_COMMUNES = 34, 98

TABLES: tuple[tuple[str, type, tuple[str, ...]], ...] = (
    ("orgs", Org, T.ORG_FIELDS),
    ("changes", OrgChange, T.CHANGE_FIELDS),
    ("versions", OrgVersion, T.VERSION_FIELDS),
    ("headcounts", OrgHeadcount, T.HEADCOUNT_FIELDS),
    ("congresses", Congress, T.CONGRESS_FIELDS),
    ("seats", CommitteeMember, T.SEAT_FIELDS),
    ("members", Member, MG.MEMBER_FIELDS),
    ("words", MemberNameWord, WORD_FIELDS),
    ("sensitive", MemberSensitive, MG.SENSITIVE_FIELDS),
    ("events", MemberEvent, MG.EVENT_FIELDS),
    ("spells", MemberSpell, MG.SPELL_FIELDS),
    ("bases", FeeBasis, MG.BASIS_FIELDS),
    ("decisions", FeeDecision, MG.DECISION_FIELDS),
)


class DatasetError(Exception):
    pass


@dataclass
class DatasetReport:
    size: str
    seed: int
    backend: str
    stats: T.Stats
    people: MG.MemberStats | None = None
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


class _Clock:
    """Seconds spent per phase; ``lap(name)`` books the time since the previous lap to ``name``."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.phases: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = self.phases.get(name, 0.0) + now - self.last
        self.last = now

    def totals(self) -> dict[str, float]:
        return {**self.phases, "total": self.last - self.start}


def _place(unit: AdminUnit) -> T.Place:
    return T.Place(unit.id, unit.code, unit.name, unit.short_name, unit.unit_type)


def _fallback_plans(spec: SizeSpec) -> list[T.ProvincePlan]:
    plans = []
    for i in range(1, FALLBACK_PROVINCES + 1):
        code = f"{i:02d}"
        place = T.Place(None, code, f"Tỉnh {code}", code, "tinh")
        populated = spec.provinces is None or code in spec.provinces
        n = (spec.communes_per_province or FALLBACK_COMMUNES) if populated else 0
        communes = tuple(T.Place(None, f"{code}{j:03d}", f"Xã {code}-{j}", f"{code}-{j}", "xa")
                         for j in range(1, n + 1))
        plans.append(T.ProvincePlan(place, communes))
    return plans


def province_plans(spec: SizeSpec, map_version: str = MapVersion.V2025) -> list[T.ProvincePlan]:
    """Every province of the map, in code order; only the ones of ``spec`` get communes (on the pre-2025 map:
    districts and their communes; ``communes_per_province`` then counts the districts)."""
    units = list(AdminUnit.objects.filter(map_version=map_version).order_by("code"))
    provinces = [u for u in units if u.level == Level.PROVINCE]
    if not provinces:
        return _fallback_plans(spec)
    below: dict[int, list[AdminUnit]] = defaultdict(list)
    for u in units:
        if u.level in (Level.COMMUNE, Level.DISTRICT) and u.parent_id:
            below[u.parent_id].append(u)
    plans = []
    for p in provinces:
        populated = spec.provinces is None or p.code in spec.provinces
        if map_version == MapVersion.V2025:
            chosen = below[p.id][: spec.communes_per_province] if populated else []
            plans.append(T.ProvincePlan(_place(p), tuple(_place(c) for c in chosen)))
            continue
        districts = [d for d in below[p.id] if d.level == Level.DISTRICT][: spec.communes_per_province]
        groups = tuple((_place(d), tuple(_place(c) for c in below[d.id])) for d in districts) if populated else ()
        groups = tuple(g for g in groups if g[1])
        plans.append(T.ProvincePlan(_place(p), tuple(c for _d, cs in groups for c in cs), groups))
    return plans


def _root_note() -> str:
    return Org.objects.filter(depth=1).order_by("path").values_list("note", flat=True).first() or ""


def dataset_marker() -> tuple[str, int] | None:
    """(size, seed) of the bench dataset in this database, from the root org's note."""
    match = _MARKER_RE.search(_root_note())
    return (match.group(1), int(match.group(2))) if match else None


def dataset_info() -> dict[str, str]:
    """Every ``key=value`` of the marker: size, seed, members, page_member (the member with
    ``membergen.PAGE_EVENTS`` events), as_of (the day the histories end)."""
    note = _root_note()
    return dict(_INFO_RE.findall(note)) if _MARKER_RE.search(note) else {}


def build_dataset(size: str, *, seed: int = DEFAULT_SEED, replace: bool = False, members: bool = True,
                  as_of: dt.date | None = None, map_version: str = MapVersion.V2025,
                  log: Callable[[str], None] = lambda _msg: None) -> DatasetReport:
    """Write the dataset of ``size``; with ``members``, also the member rows of every cell, with
    histories ending on ``as_of`` (default today). ``map_version`` pre2025: the tree before the 2025 reform
    (63 provinces, their districts and old communes)."""
    spec = size_spec(size)
    if Org.objects.exists():
        if not replace:
            raise DatasetError("Cơ sở dữ liệu đã có tổ chức đảng; dùng --replace để xóa và tạo lại.")
        User.objects.filter(username__startswith=BENCH_USER_PREFIX, org__isnull=False).update(org=None)
        blockers = loader.foreign_blockers()
        if blockers:
            raise DatasetError("Còn dữ liệu trỏ tới tổ chức, không xóa được: " + ", ".join(blockers))
    report = DatasetReport(spec.name, seed, connection.vendor, T.Stats())
    clock = _Clock()
    with transaction.atomic():
        loader.bulk_session()
        if replace:
            loader.empty_dataset_tables()
            clock.lap("replace")
        stamp = connection.ops.adapt_datetimefield_value(timezone.now())
        as_of = as_of or timezone.localdate()
        people = MG.MemberGenerator(seed=seed, stamp=stamp, as_of=as_of) if members else None
        gen = T.TreeGenerator(province_plans(spec, map_version), members=spec.members, seed=seed, stamp=stamp,
                              people=people)
        with loader.indexes_deferred([model for _, model, _ in TABLES]):
            clock.lap("replace" if replace else "generate")
            for chunk in gen:
                clock.lap("generate")
                for attr, model, fields in TABLES:
                    n = loader.write_rows(model, fields, getattr(chunk, attr))
                    report.rows[attr] = report.rows.get(attr, 0) + n
                clock.lap("write")
                log(f"  … {report.rows['orgs']:,} tổ chức, {report.rows['members']:,} hồ sơ đảng viên")
        clock.lap("index")
        if people is not None:
            loader.write_rows(MemberNameSlot, ("id", "top"), [(i, t) for t, i in people.slots.items()])
            with loader.primary_key_deferred(MemberTally):  # the table is empty: one sorted build of its key
                tallies.refresh_units(None)  # the units' tallies, summed from the spells in SQL
            clock.lap("tallies")
        marker = MARKER.format(size=spec.name, seed=seed) + f" map={map_version}"
        if people is not None:
            marker += f" members={people.stats.members} page_member={people.stats.page_member} as_of={as_of}"
        Org.objects.filter(depth=1).update(note=marker)
        loader.reset_sequences()
    clock.lap("commit")  # PostgreSQL checks the deferred foreign keys here
    loader.analyze()
    clock.lap("analyze")
    report.seconds = clock.totals()
    report.stats = gen.stats
    report.people = people.stats if people is not None else None
    return report
