"""The demo dataset: a national root, the provinces of 2025, and one province fully built out through
the real services (with some of its district committees as closed history), deterministic by a
seed; one merged province left as it stood on 30/06/2025, its pre-2025 provinces open, with its
draft reform operation (``demo.reform``). Names come from our own generator (tcxd.common.names)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction

from tcxd.authz.models import Role, User
from tcxd.common.names import NameGenerator
from tcxd.demo.activity import build_fees_and_meetings
from tcxd.demo.members import build_demo_members
from tcxd.demo.packages import build_packages
from tcxd.demo.reform import UNREFORMED_CODE, build_unreformed, district_names, old_provinces
from tcxd.demo.targets import build_targets
from tcxd.geo.models import AdminUnit, Level, MapVersion, UnitType
from tcxd.orgs import committee as C
from tcxd.orgs import services as S
from tcxd.orgs.kinds import CommitteeRole, GrassrootsType, OrgKind
from tcxd.orgs.models import Org

DEMO_PROVINCE_CODE = "20"  # Lạng Sơn: unchanged by the 2025 merger, 65 communes
DATA_START = dt.date(2015, 1, 1)
REFORM = dt.date(2025, 7, 1)
PRE_END = dt.date(2025, 6, 30)
DEMO_PASSWORD = "demo"


@dataclass
class DemoResult:
    orgs: int = 0
    members: int = 0
    rejected: int = 0
    activity: dict = field(default_factory=dict)
    users: list[tuple[str, str, str]] = field(default_factory=list)


def _province_name(unit: AdminUnit) -> str:
    prefix = "Đảng bộ thành phố" if unit.unit_type == UnitType.TP_TW else "Đảng bộ tỉnh"
    return f"{prefix} {unit.short_name}"


def _commune_name(unit: AdminUnit) -> str:
    kind = {UnitType.PHUONG: "phường", UnitType.DAC_KHU: "đặc khu"}.get(unit.unit_type, "xã")
    return f"Đảng bộ {kind} {unit.short_name}"


class DemoBuilder:
    def __init__(self, seed: int = 2025) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.names = NameGenerator(seed)
        self.admin = None
        self.result = DemoResult()

    # -- users ----------------------------------------------------------------------------------
    def _user(self, username: str, full_name: str, role: str, org: Org | None) -> User:
        user = User(username=username, full_name=full_name, role=role, org=org,
                    is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
        user.set_password(DEMO_PASSWORD)  # demo only: bypasses the password policy on purpose
        user.save()
        self.result.users.append((username, Role(role).label, org.name if org else "Toàn hệ thống"))
        return user

    # -- tree -----------------------------------------------------------------------------------
    def _create(self, parent, **kw) -> Org:
        org = S.org_create(actor=self.admin, parent=parent, **kw)
        self.result.orgs += 1
        return org

    def _seat(self, org: Org, role: str, day: dt.date, method: str = "elected", **kw) -> None:
        person = self.names.person()
        C.committee_member_add(actor=self.admin, org=org, role=role, person_name=person.full,
                               from_date=day, method=method, ballot_round=1 if method == "elected" else None,
                               **kw)

    def build(self) -> DemoResult:
        with transaction.atomic():
            self.admin = self._user("admin", "Quản trị hệ thống", Role.ADMIN, None)
            root = self._create(None, code="TW", name="Đảng Cộng sản Việt Nam", short_name="Toàn Đảng",
                                kind=OrgKind.CENTRAL, valid_from=DATA_START)
            provinces, unreformed = {}, []
            for unit in AdminUnit.objects.filter(map_version=MapVersion.V2025, level=Level.PROVINCE).order_by("code"):
                if unit.code == UNREFORMED_CODE:  # its pre-2025 provinces, open: the reform is to be applied
                    unreformed = old_provinces(self._create, root, unit, DATA_START)
                    continue
                provinces[unit.code] = self._create(
                    root, code=f"T{unit.code}", name=_province_name(unit), short_name=unit.short_name,
                    kind=OrgKind.PROVINCIAL, valid_from=DATA_START, admin_unit=unit)
            self._central_blocs(root)
            demo = provinces[DEMO_PROVINCE_CODE]
            self._pre2025_history(demo)
            self._build_province(demo)
            self._users(demo)
            members, rejected = build_demo_members(actor=self.admin, province=demo, seed=self.seed)
            self.result.members, self.result.rejected = members, rejected
            first_commune = Org.objects.filter(kind=OrgKind.COMMUNE, path__startswith=demo.path).order_by("path")[0]
            self.result.activity = build_fees_and_meetings(actor=self.admin, commune=first_commune, seed=self.seed)
            self.result.activity["targets"] = build_targets(actor=self.admin, province=demo)
            self.result.activity["packages"] = build_packages(actor=self.admin, province=demo)
            reform = build_unreformed(actor=self.admin, create=self._create, sources=unreformed, seed=self.seed,
                                      since=DATA_START)
            self.result.members += reform.pop("members")
            self.result.rejected += reform.pop("rejected")
            self.result.activity["reform"] = reform
        return self.result

    def _central_blocs(self, root: Org) -> None:
        blocs = [("KCQ", "Đảng bộ các cơ quan Đảng Trung ương"), ("KCP", "Đảng bộ Chính phủ"),
                 ("KQH", "Đảng bộ Quốc hội"), ("KMT", "Đảng bộ Mặt trận Tổ quốc, các đoàn thể Trung ương"),
                 ("QUTW", "Đảng bộ Quân đội"), ("CATW", "Đảng bộ Công an Trung ương")]
        for code, name in blocs:
            self._create(root, code=code, name=name, kind=OrgKind.CENTRAL_BLOC, valid_from=REFORM)

    def _pre2025_history(self, province: Org) -> None:
        """Historic district committees of the demo province and their communes, closed 30/6/2025."""
        old_province = AdminUnit.objects.filter(map_version=MapVersion.PRE2025, level=Level.PROVINCE,
                                                code=DEMO_PROVINCE_CODE).first()
        if old_province is None:
            return
        for district in AdminUnit.objects.filter(parent=old_province).order_by("code")[:4]:
            name, short_name = district_names(district)
            dorg = self._create(province, code=f"H{district.code}", name=name, short_name=short_name,
                                kind=OrgKind.DISTRICT, valid_from=DATA_START, valid_to=PRE_END,
                                admin_unit=district)
            for commune in AdminUnit.objects.filter(parent=district).order_by("code")[:6]:
                ctype = GrassrootsType.WARD if commune.unit_type == UnitType.PHUONG else GrassrootsType.COMMUNE
                self._create(dorg, code=f"X{commune.code}.2015",
                             name=f"Đảng bộ {commune.get_unit_type_display()} {commune.short_name}",
                             short_name=commune.short_name, kind=OrgKind.GRASSROOTS_COMMITTEE,
                             grassroots_type=ctype, valid_from=DATA_START, valid_to=PRE_END,
                             admin_unit=commune)

    def _headcount(self, org: Org, low: int, high: int, official_share=(0.8, 0.97)) -> int:
        total = self.rng.randint(low, high)
        official = max(0, round(total * self.rng.uniform(*official_share)))
        S.org_headcount_set(actor=self.admin, org=org, official=official, probationary=total - official)
        return official

    def _build_province(self, province: Org) -> None:
        unit = province.admin_unit
        self._province_apparatus(province)
        wards = list(AdminUnit.objects.filter(map_version=MapVersion.V2025, parent=unit).order_by("code"))
        for i, ward in enumerate(wards):
            commune = self._create(province, code=f"X{ward.code}", name=_commune_name(ward),
                                   short_name=ward.short_name, kind=OrgKind.COMMUNE, valid_from=REFORM,
                                   admin_unit=ward)
            held = self.rng.random() < 0.9
            C.congress_create(actor=self.admin, org=commune, term_start_year=2025, term_end_year=2030,
                              planned_on=dt.date(2025, 8, 15),
                              held_on=dt.date(2025, 8, self.rng.randint(1, 28)) if held else None)
            day = dt.date(2025, 9, 1)
            self._seat(commune, CommitteeRole.SECRETARY, day)
            self._seat(commune, CommitteeRole.DEPUTY_SECRETARY, day)
            self._seat(commune, CommitteeRole.INSPECTION_CHAIR, day)
            self._commune_children(commune, ward, full=i < 20)

    def _province_apparatus(self, province: Org) -> None:
        specs = [
            ("CQD", "Đảng bộ các cơ quan Đảng tỉnh", OrgKind.UPPER_GRASSROOTS, ""),
            ("UBND", "Đảng bộ Ủy ban nhân dân tỉnh", OrgKind.UPPER_GRASSROOTS, ""),
            ("QS", "Đảng bộ Quân sự tỉnh", OrgKind.GRASSROOTS_COMMITTEE, GrassrootsType.ARMY),
            ("CA", "Đảng bộ Công an tỉnh", OrgKind.GRASSROOTS_COMMITTEE, GrassrootsType.POLICE),
        ]
        code = province.code
        for suffix, name, kind, gtype in specs:
            org = self._create(province, code=f"{code}.{suffix}", name=name, kind=kind,
                               grassroots_type=gtype, valid_from=REFORM)
            if kind == OrgKind.UPPER_GRASSROOTS:
                for j, (n, t) in enumerate([("Văn phòng Tỉnh ủy", GrassrootsType.PARTY_AGENCY),
                                             ("Ban Tổ chức Tỉnh ủy", GrassrootsType.PARTY_AGENCY),
                                             ("Sở Tài chính", GrassrootsType.STATE_AGENCY),
                                             ("Sở Giáo dục và Đào tạo", GrassrootsType.STATE_AGENCY)]):
                    g = self._create(org, code=f"{code}.{suffix}.{j + 1}", name=f"Chi bộ {n}",
                                     kind=OrgKind.GRASSROOTS_CELL, grassroots_type=t, valid_from=REFORM)
                    self._cell_people(g, 8, 25)
            else:
                for j in range(1, 4):
                    cell = self._create(org, code=f"{code}.{suffix}.{j}", name=f"Chi bộ {j}",
                                        kind=OrgKind.CELL, valid_from=REFORM, congress_cycle_months=30)
                    self._cell_people(cell, 9, 30)

    VILLAGE_PREFIX = ("Thôn", "Bản", "Khu")
    UNITS = [
        ("Chi bộ Trường Trung học cơ sở", GrassrootsType.PUBLIC_SERVICE),
        ("Chi bộ Trường Tiểu học", GrassrootsType.PUBLIC_SERVICE),
        ("Chi bộ Trạm Y tế", GrassrootsType.PUBLIC_SERVICE),
        ("Chi bộ Công an", GrassrootsType.POLICE),
        ("Chi bộ Quân sự", GrassrootsType.ARMY),
        ("Chi bộ Hợp tác xã Nông nghiệp", GrassrootsType.COOPERATIVE),
        ("Chi bộ Công ty TNHH Thương mại", GrassrootsType.PRIVATE_ENTERPRISE),
    ]

    def _commune_children(self, commune: Org, ward: AdminUnit, *, full: bool) -> None:
        code = commune.code
        villages = self.rng.randint(4, 9) if full else self.rng.randint(2, 4)
        for v in range(1, villages + 1):
            prefix = self.rng.choice(self.VILLAGE_PREFIX)
            cell = self._create(commune, code=f"{code}.T{v:02d}", name=f"Chi bộ {prefix} {v}",
                                kind=OrgKind.CELL, valid_from=REFORM, congress_cycle_months=30)
            self._cell_people(cell, 2 if v == villages and full else 5, 45)
        units = self.UNITS if full else self.UNITS[:3]
        for j, (name, gtype) in enumerate(units, start=1):
            g = self._create(commune, code=f"{code}.CS{j:02d}", name=f"{name} {ward.short_name}",
                             kind=OrgKind.GRASSROOTS_CELL, grassroots_type=gtype, valid_from=REFORM)
            self._cell_people(g, 4, 34 if j == 1 and full else 20)
        if full:
            g = self._create(commune, code=f"{code}.DB", name=f"Đảng bộ Trường Phổ thông {ward.short_name}",
                             kind=OrgKind.GRASSROOTS_COMMITTEE, grassroots_type=GrassrootsType.PUBLIC_SERVICE,
                             valid_from=REFORM)
            for k in range(1, 4):
                cell = self._create(g, code=f"{g.code}.{k}", name=f"Chi bộ Tổ chuyên môn {k}",
                                    kind=OrgKind.CELL, valid_from=REFORM, congress_cycle_months=30)
                self._cell_people(cell, 6, 14)

    def _cell_people(self, cell: Org, low: int, high: int) -> None:
        official = self._headcount(cell, low, high)
        day = dt.date(2025, self.rng.randint(7, 10), self.rng.randint(1, 28))
        if cell.kind == OrgKind.CELL:
            if self.rng.random() < 0.8:
                C.congress_create(actor=self.admin, org=cell, term_start_year=2025, term_end_year=2027,
                                  held_on=day)
        else:
            C.congress_create(actor=self.admin, org=cell, term_start_year=2025, term_end_year=2030,
                              held_on=day if self.rng.random() < 0.85 else None,
                              planned_on=dt.date(2025, 9, 30))
        if self.rng.random() < 0.95:
            self._seat(cell, CommitteeRole.SECRETARY, day)
        if official >= 5:
            self._seat(cell, CommitteeRole.DEPUTY_SECRETARY, day)
        if official >= 9:
            for _ in range(self.rng.randint(1, 3)):
                self._seat(cell, CommitteeRole.MEMBER, day)

    def _users(self, province: Org) -> None:
        communes = list(Org.objects.filter(kind=OrgKind.COMMUNE, path__startswith=province.path)
                        .order_by("path")[:2])
        cell = Org.objects.filter(kind=OrgKind.CELL, path__startswith=communes[0].path).order_by("path").first()
        self._user("tinh", self.names.person().full, Role.OFFICER, province)
        self._user("lanhdao", self.names.person().full, Role.LEADER, province)
        self._user("xa", self.names.person().full, Role.OFFICER, communes[0])
        self._user("xa2", self.names.person().full, Role.OFFICER, communes[1])
        self._user("chibo", self.names.person().full, Role.CELL, cell)
        self._user("dangvien", self.names.person().full, Role.MEMBER, cell)
