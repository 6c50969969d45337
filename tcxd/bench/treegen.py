"""Pure-Python generator of a realistic org tree as raw table rows (no ORM, no database).

With a ``MemberGenerator`` (``membergen``) every cell also gets its members (the headcount written
for it), their events and fee-ledger inputs, in the same chunks.

Shape (2025 two-level map): national root -> 34 provinces -> commune committees -> village cells,
grassroots cells (schools, police, enterprises…) and grassroots committees with their own cells. On the
pre-2025 map (``ProvincePlan.districts``) there is a district level between the 63 provinces and the old
communes, and every org dates from before the reform (a tree awaiting the abolition of its district level).
Cell sizes follow a log-normal law (median 15, clipped to 3..150), so most cells are small.
Ids are assigned here; OrgChange and OrgVersion reuse the org id (one of each per org).
Paths use treebeard's encoding: steps of 4 characters over 0-9A-Z, children numbered from 1.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from tcxd.common.names import NameGenerator
from tcxd.common.paths import ALPHABET, STEPLEN
from tcxd.common.text import fold
from tcxd.orgs.kinds import ROLE_BODY, CommitteeRole, GrassrootsType, OrgKind

from .membergen import MemberGenerator

DATA_START = dt.date(2015, 1, 1)
REFORM = dt.date(2025, 7, 1)
CELL_MEDIAN, CELL_SIGMA, CELL_MIN, CELL_MAX = 15, 0.75, 3, 150
# Share of a commune's members in village cells, grassroots cells and grassroots committees.
SHARE_VILLAGES, SHARE_GCELLS = 0.55, 0.15

ORG_FIELDS = ("id", "path", "depth", "numchild", "code", "name", "short_name", "name_norm", "kind",
              "grassroots_type", "admin_unit_id", "valid_from", "valid_to", "status",
              "congress_cycle_months", "note")
CHANGE_FIELDS = ("id", "org_id", "kind", "effective_on", "decision_no", "decision_date",
                 "decision_issuer", "summary", "note", "created_at")
VERSION_FIELDS = ("id", "org_id", "change_id", "valid_from", "valid_to", "path", "depth", "parent_id",
                  "code", "name", "short_name", "kind", "grassroots_type", "admin_unit_id", "status")
HEADCOUNT_FIELDS = ("org_id", "official", "probationary", "updated_at")
CONGRESS_FIELDS = ("id", "org_id", "term_start_year", "term_end_year", "planned_on", "held_on",
                   "held_to", "is_delegate_congress", "note")
SEAT_FIELDS = ("id", "org_id", "congress_id", "body", "role", "person_name", "person_ref", "from_date",
               "to_date", "method", "ballot_round", "decision_no", "decision_date", "end_reason")

UNIT_LABEL = {"xa": "xã", "phuong": "phường", "dac_khu": "đặc khu", "thi_tran": "thị trấn"}
DISTRICT_LABEL = {"huyen": "huyện", "quan": "quận", "thi_xa": "thị xã", "tp_thuoc_tinh": "thành phố"}
VILLAGE_LABELS = {"xa": ("thôn", "bản", "ấp", "làng"), "phuong": ("tổ dân phố", "khu phố"),
                  "dac_khu": ("khu",)}
BRANDS = ("Minh Phát", "Hòa Bình", "Thành Công", "Phú Thịnh", "Hưng Thịnh", "Đại Việt", "An Khang",
          "Tân Tiến", "Sao Mai", "Hồng Hà", "Trường Sơn", "Việt Tiến", "Bình Minh", "Phương Nam")
G = GrassrootsType
GCELL_TEMPLATES: tuple[tuple[str, str], ...] = (
    ("Chi bộ Trường Mầm non {x}", G.PUBLIC_SERVICE), ("Chi bộ Trường Tiểu học {x}", G.PUBLIC_SERVICE),
    ("Chi bộ Trường Trung học cơ sở {x}", G.PUBLIC_SERVICE), ("Chi bộ Trạm Y tế {u} {x}", G.PUBLIC_SERVICE),
    ("Chi bộ Công an {u} {x}", G.POLICE), ("Chi bộ Quân sự {u} {x}", G.ARMY),
    ("Chi bộ Hợp tác xã {b}", G.COOPERATIVE), ("Chi bộ Công ty TNHH {b}", G.PRIVATE_ENTERPRISE),
    ("Chi bộ Ngân hàng Chính sách xã hội phòng giao dịch {x}", G.STATE_ENTERPRISE),
    ("Chi bộ Công ty TNHH {b} Việt Nam", G.FDI_ENTERPRISE), ("Chi bộ Cơ quan {u} {x}", G.PARTY_AGENCY),
)
# (committee name, grassroots type, name of its cells)
GCOMMITTEE_TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("Đảng bộ Trường Trung học phổ thông {x}", G.PUBLIC_SERVICE, "Chi bộ Tổ chuyên môn {k}"),
    ("Đảng bộ Trung tâm Y tế khu vực {x}", G.PUBLIC_SERVICE, "Chi bộ Khoa {k}"),
    ("Đảng bộ Công ty cổ phần {b}", G.STATE_CAPITAL_ENTERPRISE, "Chi bộ Phân xưởng {k}"),
    ("Đảng bộ Công ty TNHH {b}", G.PRIVATE_ENTERPRISE, "Chi bộ Phòng {k}"),
    ("Đảng bộ Công ty TNHH {b} Việt Nam", G.FDI_ENTERPRISE, "Chi bộ Bộ phận {k}"),
    ("Đảng bộ Cơ quan Ủy ban nhân dân {u} {x}", G.STATE_AGENCY, "Chi bộ Phòng {k}"),
)


@lru_cache(maxsize=4096)
def step(i: int) -> str:
    """Treebeard's path step for the i-th child (1-based): base 36, zero-padded to STEPLEN."""
    out = ""
    while i:
        i, r = divmod(i, len(ALPHABET))
        out = ALPHABET[r] + out
    if len(out) > STEPLEN:
        raise OverflowError("too many children for one node")
    return out.rjust(STEPLEN, ALPHABET[0])


@dataclass(frozen=True)
class Place:
    """A province or commune of the 2025 map (``unit_id`` is the geo AdminUnit id, if loaded)."""

    unit_id: int | None
    code: str
    name: str
    short_name: str
    unit_type: str


@dataclass(frozen=True)
class ProvincePlan:
    place: Place
    communes: tuple[Place, ...]  # communes to populate; empty = a bare province node
    # pre-2025 map: (district, its communes) — ``communes`` then lists them all, in the same order
    districts: tuple[tuple[Place, tuple[Place, ...]], ...] = ()


@dataclass
class Rows:
    orgs: list[tuple] = field(default_factory=list)
    changes: list[tuple] = field(default_factory=list)
    versions: list[tuple] = field(default_factory=list)
    headcounts: list[tuple] = field(default_factory=list)
    congresses: list[tuple] = field(default_factory=list)
    seats: list[tuple] = field(default_factory=list)
    # member rows (``membergen.MemberRows``), empty without a member generator
    members: list[tuple] = field(default_factory=list)
    words: list[tuple] = field(default_factory=list)
    sensitive: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    spells: list[tuple] = field(default_factory=list)
    bases: list[tuple] = field(default_factory=list)
    decisions: list[tuple] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(len(v) for v in vars(self).values())


@dataclass
class Stats:
    by_kind: Counter = field(default_factory=Counter)
    official: int = 0
    probationary: int = 0
    congresses: int = 0
    seats: int = 0

    @property
    def orgs(self) -> int:
        return sum(self.by_kind.values())

    @property
    def members(self) -> int:
        return self.official + self.probationary


@dataclass(frozen=True)
class Node:
    id: int
    path: str


@dataclass
class _Child:
    """One planned child of a commune: a cell, a grassroots cell or a committee with its cells."""

    kind: str
    name: str
    code: str
    gtype: str = ""
    size: int = 0
    cells: list[tuple[str, int]] = field(default_factory=list)  # committee: (cell name, size)


class TreeGenerator:
    """Yields ``Rows`` chunks of about ``chunk_rows`` rows; ``stats`` is complete when exhausted."""

    def __init__(self, plans: list[ProvincePlan], *, members: int, seed: int, stamp: object,
                 chunk_rows: int = 50_000, people: MemberGenerator | None = None) -> None:
        self.plans = plans
        self.target = members
        self.rng = random.Random(seed)
        self.names = NameGenerator(seed)
        self.stamp = stamp  # created_at / updated_at, already adapted for the backend
        self.chunk_rows = chunk_rows
        self.stats = Stats()
        self.rows = Rows()
        self._next_org = 1
        self._next_congress = 1
        self._next_seat = 1
        self._folded: dict[str, str] = {}
        self._log_median = math.log(CELL_MEDIAN)
        self.people = people  # writes each cell's members when set
        self._sibling: int | None = None  # the previous cell of the current commune
        # orgs below the provinces date from the reform on the 2025 map, from the start on the pre-2025 one
        self.founded = DATA_START if any(p.districts for p in plans) else REFORM

    # -- public --------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Rows]:
        root = self._org(None, 1, code="TW", name="Đảng Cộng sản Việt Nam", short_name="Toàn Đảng",
                         kind=OrgKind.CENTRAL, numchild=len(self.plans), valid_from=DATA_START)
        populated = [(i, p) for i, p in enumerate(self.plans, start=1) if p.communes]
        bare = [(i, p) for i, p in enumerate(self.plans, start=1) if not p.communes]
        for i, plan in bare:
            self._province(root, i, plan)
        remaining_communes = sum(len(p.communes) for _, p in populated)
        remaining = self.target
        for i, plan in populated:
            province = self._province(root, i, plan)
            if self.people is not None:
                self.people.province(plan.place.code, plan.place.short_name, province.path)
            groups = ([(self._district(province, d, place, len(communes)), communes)
                       for d, (place, communes) in enumerate(plan.districts, start=1)]
                      if plan.districts else [(province, plan.communes)])
            for parent, communes in groups:
                for j, commune in enumerate(communes, start=1):
                    goal = remaining / remaining_communes * self.rng.uniform(0.6, 1.4)
                    remaining -= self._commune(parent, j, commune, goal)
                    remaining_communes -= 1
                    if len(self.rows) >= self.chunk_rows:
                        yield self._take()
        yield self._take()

    # -- levels --------------------------------------------------------------------------------
    def _province(self, root: Node, i: int, plan: ProvincePlan) -> Node:
        p = plan.place
        prefix = "Đảng bộ thành phố" if p.unit_type == "tp_tw" else "Đảng bộ tỉnh"
        return self._org(root, i, code=f"T{p.code}", name=f"{prefix} {p.short_name}", short_name=p.short_name,
                         kind=OrgKind.PROVINCIAL, numchild=len(plan.districts or plan.communes),
                         valid_from=DATA_START, admin_unit_id=p.unit_id)

    def _district(self, province: Node, d: int, place: Place, communes: int) -> Node:
        label = DISTRICT_LABEL.get(place.unit_type, "huyện")
        node = self._org(province, d, code=f"H{place.code}", name=f"Đảng bộ {label} {place.short_name}",
                         short_name=place.short_name, kind=OrgKind.DISTRICT, numchild=communes,
                         valid_from=DATA_START, admin_unit_id=place.unit_id)
        self._congress(node, held=True, delegates=True, year=2020)
        return node

    def _commune(self, province: Node, j: int, place: Place, goal: float) -> int:
        children = self._plan_commune(place, goal)
        self._sibling = None
        label = UNIT_LABEL.get(place.unit_type, "xã")
        # before the reform a commune's party committee was a grassroots one: its schools' and firms' cells
        # and committees sat under it as cells and sub-committees
        kind, gtype = ((OrgKind.GRASSROOTS_COMMITTEE, G.WARD if place.unit_type == "phuong" else G.COMMUNE)
                       if self.founded == DATA_START else (OrgKind.COMMUNE, ""))
        commune = self._org(province, j, code=f"X{place.code}", name=f"Đảng bộ {label} {place.short_name}",
                            short_name=place.short_name, kind=kind, grassroots_type=gtype, numchild=len(children),
                            admin_unit_id=place.unit_id)
        if kind == OrgKind.GRASSROOTS_COMMITTEE:
            children = [_Child(OrgKind.SUB_COMMITTEE if c.kind == OrgKind.GRASSROOTS_COMMITTEE else OrgKind.CELL,
                               c.name, c.code, size=c.size, cells=c.cells) for c in children]
        total = sum(c.size for c in children) + sum(s for c in children for _, s in c.cells)
        congress = self._congress(commune, held=self.rng.random() < 0.9, delegates=total > 500)
        day = dt.date(2025, 9, 1)
        for role in (CommitteeRole.SECRETARY, CommitteeRole.DEPUTY_SECRETARY, CommitteeRole.INSPECTION_CHAIR):
            self._seat(commune, role, day, congress)
        for k, child in enumerate(children, start=1):
            if child.kind in (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.SUB_COMMITTEE):
                node = self._org(commune, k, code=child.code, name=child.name, kind=child.kind,
                                 grassroots_type=child.gtype, numchild=len(child.cells))
                cid = self._congress(node, held=self.rng.random() < 0.85, delegates=False)
                self._seat(node, CommitteeRole.SECRETARY, day, cid)
                self._seat(node, CommitteeRole.DEPUTY_SECRETARY, day, cid)
                for m, (name, size) in enumerate(child.cells, start=1):
                    self._cell(node, m, f"{child.code}.{m}", name, OrgKind.CELL, "", size)
            else:
                self._cell(commune, k, child.code, child.name, child.kind, child.gtype, child.size)
        return total

    def _plan_commune(self, place: Place, goal: float) -> list[_Child]:
        rng, x, cc = self.rng, place.short_name, f"X{place.code}"
        u = UNIT_LABEL.get(place.unit_type, "xã")
        village = rng.choice(VILLAGE_LABELS.get(place.unit_type, ("thôn",)))
        out: list[_Child] = []
        got = 0
        k = 0
        while got < goal * SHARE_VILLAGES or k == 0:
            k += 1
            size = self._cell_size()
            out.append(_Child(OrgKind.CELL, f"Chi bộ {village} {k}", f"{cc}.T{k}", size=size))
            got += size
        k = 0
        while got < goal * (SHARE_VILLAGES + SHARE_GCELLS):
            tpl, gtype = GCELL_TEMPLATES[k % len(GCELL_TEMPLATES)]
            name = tpl.format(x=x, u=u, b=rng.choice(BRANDS))
            if k >= len(GCELL_TEMPLATES):
                name += f" số {k // len(GCELL_TEMPLATES) + 1}"
            k += 1
            size = self._cell_size()
            out.append(_Child(OrgKind.GRASSROOTS_CELL, name, f"{cc}.CS{k}", gtype=gtype, size=size))
            got += size
        k = 0
        while got < goal:
            tpl, gtype, cell_name = GCOMMITTEE_TEMPLATES[k % len(GCOMMITTEE_TEMPLATES)]
            name = tpl.format(x=x, u=u, b=rng.choice(BRANDS))
            if k >= len(GCOMMITTEE_TEMPLATES):
                name += f" số {k // len(GCOMMITTEE_TEMPLATES) + 1}"
            k += 1
            cells = [(cell_name.format(k=m), self._cell_size()) for m in range(1, rng.randint(3, 12) + 1)]
            out.append(_Child(OrgKind.GRASSROOTS_COMMITTEE, name, f"{cc}.DB{k}", gtype=gtype, cells=cells))
            got += sum(s for _, s in cells)
        return out

    def _cell(self, parent: Node, i: int, code: str, name: str, kind: str, gtype: str, size: int) -> None:
        rng = self.rng
        probationary = int(size * rng.random() * 0.12)
        official = size - probationary
        node = self._org(parent, i, code=code, name=name, kind=kind, grassroots_type=gtype,
                         official=official, probationary=probationary,
                         cycle=30 if kind == OrgKind.CELL else 60)
        if self.people is not None:
            self.people.cell(self.rows, node.id, official, probationary, sibling=self._sibling)
        self._sibling = node.id
        day = dt.date(2025, rng.randint(7, 10), rng.randint(1, 28))
        congress = None
        if kind == OrgKind.GRASSROOTS_CELL:
            congress = self._congress(node, held=rng.random() < 0.85, delegates=False)
        if rng.random() < 0.95:
            self._seat(node, CommitteeRole.SECRETARY, day, congress)
        if official >= 9:
            self._seat(node, CommitteeRole.DEPUTY_SECRETARY, day, congress)

    def _cell_size(self) -> int:
        size = round(self.rng.lognormvariate(self._log_median, CELL_SIGMA))
        return min(CELL_MAX, max(CELL_MIN, size))

    # -- rows ----------------------------------------------------------------------------------
    def _org(self, parent: Node | None, i: int, *, code: str, name: str, kind: str, short_name: str = "",
             grassroots_type: str = "", numchild: int = 0, valid_from: dt.date | None = None,
             admin_unit_id: int | None = None, official: int = 0, probationary: int = 0,
             cycle: int = 60) -> Node:
        oid = self._next_org
        self._next_org += 1
        valid_from = valid_from or self.founded
        path = (parent.path if parent else "") + step(i)
        depth = len(path) // STEPLEN
        norm = self._folded.get(name)
        if norm is None:
            norm = self._folded[name] = fold(name)
        r = self.rows
        r.orgs.append((oid, path, depth, numchild, code, name, short_name, norm, kind, grassroots_type,
                       admin_unit_id, valid_from, None, "active", cycle, ""))
        r.changes.append((oid, oid, "created", valid_from, "", None, "", f"Thành lập {name}"[:500], "",
                          self.stamp))
        r.versions.append((oid, oid, oid, valid_from, None, path, depth, parent.id if parent else None, code,
                           name, short_name, kind, grassroots_type, admin_unit_id, "active"))
        r.headcounts.append((oid, official, probationary, self.stamp))
        self.stats.by_kind[kind] += 1
        self.stats.official += official
        self.stats.probationary += probationary
        return Node(oid, path)

    def _congress(self, org: Node, *, held: bool, delegates: bool, year: int = 2025) -> int:
        cid = self._next_congress
        self._next_congress += 1
        held_on = dt.date(year, 8, self.rng.randint(1, 28)) if held else None
        self.rows.congresses.append((cid, org.id, year, year + 5, dt.date(year, 8, 15), held_on, held_on,
                                     delegates, ""))
        self.stats.congresses += 1
        return cid

    def _seat(self, org: Node, role: str, day: dt.date, congress_id: int | None) -> None:
        sid = self._next_seat
        self._next_seat += 1
        person = self.names.person()
        self.rows.seats.append((sid, org.id, congress_id, ROLE_BODY[role], role, person.full, "", day, None,
                                "elected", 1, "", None, ""))
        self.stats.seats += 1

    def _take(self) -> Rows:
        rows, self.rows = self.rows, Rows()
        return rows
