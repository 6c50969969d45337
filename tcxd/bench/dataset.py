"""Build a benchmark dataset of a given size: plan from the geo map, generate rows, write them raw."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from tcxd.geo.models import AdminUnit, Level, MapVersion
from tcxd.orgs.models import CommitteeMember, Congress, Org, OrgChange, OrgHeadcount, OrgVersion

from . import loader
from . import treegen as T
from .sizes import SizeSpec, size_spec

DEFAULT_SEED = 2025
MARKER = "bench-dataset size={size} seed={seed}"
_MARKER_RE = re.compile(r"bench-dataset size=(\w+) seed=(-?\d+)")
# Without geo rows (should not happen: geo migration 0002 loads them): 34 provinces x 98 communes.
FALLBACK_PROVINCES, FALLBACK_COMMUNES = 34, 98

TABLES: tuple[tuple[str, type, tuple[str, ...]], ...] = (
    ("orgs", Org, T.ORG_FIELDS),
    ("changes", OrgChange, T.CHANGE_FIELDS),
    ("versions", OrgVersion, T.VERSION_FIELDS),
    ("headcounts", OrgHeadcount, T.HEADCOUNT_FIELDS),
    ("congresses", Congress, T.CONGRESS_FIELDS),
    ("seats", CommitteeMember, T.SEAT_FIELDS),
)


class DatasetError(Exception):
    pass


@dataclass
class DatasetReport:
    size: str
    seed: int
    backend: str
    stats: T.Stats
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


def province_plans(spec: SizeSpec) -> list[T.ProvincePlan]:
    """Every 2025 province, in code order; only the ones of ``spec`` get communes."""
    units = list(AdminUnit.objects.filter(map_version=MapVersion.V2025).order_by("code"))
    provinces = [u for u in units if u.level == Level.PROVINCE]
    if not provinces:
        return _fallback_plans(spec)
    communes: dict[int, list[AdminUnit]] = defaultdict(list)
    for u in units:
        if u.level == Level.COMMUNE and u.parent_id:
            communes[u.parent_id].append(u)
    plans = []
    for p in provinces:
        chosen: list[AdminUnit] = []
        if spec.provinces is None or p.code in spec.provinces:
            chosen = communes[p.id][: spec.communes_per_province]
        plans.append(T.ProvincePlan(_place(p), tuple(_place(c) for c in chosen)))
    return plans


def dataset_marker() -> tuple[str, int] | None:
    """(size, seed) of the bench dataset in this database, from the root org's note."""
    note = Org.objects.filter(depth=1).order_by("path").values_list("note", flat=True).first()
    match = _MARKER_RE.search(note or "")
    return (match.group(1), int(match.group(2))) if match else None


def build_dataset(size: str, *, seed: int = DEFAULT_SEED, replace: bool = False,
                  log: Callable[[str], None] = lambda _msg: None) -> DatasetReport:
    spec = size_spec(size)
    if Org.objects.exists():
        if not replace:
            raise DatasetError("Cơ sở dữ liệu đã có tổ chức đảng; dùng --replace để xóa và tạo lại.")
        blockers = loader.foreign_blockers()
        if blockers:
            raise DatasetError("Còn dữ liệu trỏ tới tổ chức, không xóa được: " + ", ".join(blockers))
    report = DatasetReport(spec.name, seed, connection.vendor, T.Stats())
    clock = _Clock()
    with transaction.atomic():
        if replace:
            loader.empty_org_tables()
            clock.lap("replace")
        stamp = connection.ops.adapt_datetimefield_value(timezone.now())
        gen = T.TreeGenerator(province_plans(spec), members=spec.members, seed=seed, stamp=stamp)
        for chunk in gen:
            clock.lap("generate")
            for attr, model, fields in TABLES:
                n = loader.write_rows(model, fields, getattr(chunk, attr))
                report.rows[attr] = report.rows.get(attr, 0) + n
            clock.lap("write")
            log(f"  … {report.rows['orgs']:,} tổ chức")
        Org.objects.filter(depth=1).update(note=MARKER.format(size=spec.name, seed=seed))
        loader.reset_sequences()
    clock.lap("commit")  # PostgreSQL checks the deferred foreign keys here
    loader.analyze()
    clock.lap("analyze")
    report.seconds = clock.totals()
    report.stats = gen.stats
    return report
