"""The demo's unreformed province: Tỉnh Tuyên Quang of 2025 (Tỉnh Hà Giang + Tỉnh Tuyên Quang before) left as it
stood on 30/06/2025 — the two provincial orgs open, a few of their districts (open: awaiting the abolition of
their level) with commune party committees of the old map, cells and members, the provincial agencies' bloc and
an enterprise — and the draft reform operation with its plan, to preview and apply at /sap-xep/. The 2025
provincial org of that unit is not created: applying the operation founds it."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from tcxd.demo.members import build_demo_members
from tcxd.geo.models import AdminUnit, UnitType
from tcxd.orgs import services as S
from tcxd.orgs.kinds import GrassrootsType, OrgKind
from tcxd.orgs.models import Org
from tcxd.restructure.reform2025 import predecessor_provinces, province_org_name, reform_2025_draft

UNREFORMED_CODE = "08"  # Tỉnh Tuyên Quang (2025) = Tỉnh Hà Giang + Tỉnh Tuyên Quang
CCCD_CODES = {"02": "002", "08": "008"}  # the CCCD's province of registration
DISTRICTS, COMMUNES, CELLS = 2, 5, 2  # per old province, per district, per commune
DECISION_NO = "Mẫu 01-QĐ/TW"  # a sample number: the demo's operation can be applied as it is
DECISION_DATE = dt.date(2025, 6, 30)

Create = Callable[..., Org]


def district_names(unit: AdminUnit) -> tuple[str, str]:
    """("Đảng bộ huyện Đồng Văn", "Huyện ủy Đồng Văn") of a pre-2025 district."""
    label = {UnitType.TP_THUOC_TINH: "Thành ủy", UnitType.THI_XA: "Thị ủy",
             UnitType.QUAN: "Quận ủy"}.get(unit.unit_type, "Huyện ủy")
    level = {UnitType.TP_THUOC_TINH: "thành phố", UnitType.THI_XA: "thị xã",
             UnitType.QUAN: "quận"}.get(unit.unit_type, "huyện")
    return f"Đảng bộ {level} {unit.short_name}", f"{label} {unit.short_name}"


def old_provinces(create: Create, root: Org, unit: AdminUnit, since: dt.date) -> list[Org]:
    """The pre-2025 provincial orgs merged into ``unit``, open (in place of the 2025 one)."""
    return [create(root, code=f"T{u.code}.2015", name=province_org_name(u), short_name=u.short_name,
                   kind=OrgKind.PROVINCIAL, valid_from=since, admin_unit=u) for u in predecessor_provinces(unit)]


def build_unreformed(*, actor, create: Create, sources: list[Org], seed: int, since: dt.date) -> dict:
    """Districts, old commune committees, cells and members under ``sources`` (the open pre-2025 provinces of
    ``UNREFORMED_CODE``), then the draft reform operation and its plan."""
    rng = random.Random(seed + int(UNREFORMED_CODE))
    members = rejected = 0
    for n, province in enumerate(sources):
        old = province.admin_unit
        bloc = create(province, code=f"{province.code}.KCQ", name=f"Đảng bộ Khối các cơ quan tỉnh {old.short_name}",
                      kind=OrgKind.UPPER_GRASSROOTS, valid_from=since)
        for j, (name, gtype) in enumerate([("Văn phòng Tỉnh ủy", GrassrootsType.PARTY_AGENCY),
                                           ("Sở Tài chính", GrassrootsType.STATE_AGENCY)], start=1):
            _planned(actor, rng, create(bloc, code=f"{bloc.code}.{j}", name=f"Chi bộ {name} {old.short_name}",
                                        kind=OrgKind.GRASSROOTS_CELL, grassroots_type=gtype, valid_from=since))
        for k, district in enumerate(AdminUnit.objects.filter(parent=old).order_by("code")[:DISTRICTS]):
            name, short = district_names(district)
            dorg = create(province, code=f"H{district.code}", name=name, short_name=short, kind=OrgKind.DISTRICT,
                          valid_from=since, admin_unit=district)
            if k == 0:
                _planned(actor, rng, create(dorg, code=f"{dorg.code}.DN1", kind=OrgKind.GRASSROOTS_CELL,
                                            name=f"Chi bộ Công ty TNHH Thương mại {district.short_name}",
                                            grassroots_type=GrassrootsType.PRIVATE_ENTERPRISE, valid_from=since))
            for commune in AdminUnit.objects.filter(parent=district).order_by("code")[:COMMUNES]:
                ward = commune.unit_type == UnitType.PHUONG
                corg = create(dorg, code=f"X{commune.code}.2015", short_name=commune.short_name,
                              name=f"Đảng bộ {commune.get_unit_type_display()} {commune.short_name}",
                              kind=OrgKind.GRASSROOTS_COMMITTEE, admin_unit=commune, valid_from=since,
                              grassroots_type=GrassrootsType.WARD if ward else GrassrootsType.COMMUNE)
                for c in range(1, CELLS + 1):
                    prefix = "Tổ dân phố" if ward else rng.choice(["Thôn", "Bản"])
                    _planned(actor, rng, create(corg, code=f"{corg.code}.{c}", name=f"Chi bộ {prefix} {c}",
                                                kind=OrgKind.CELL, valid_from=since))
        made, bad = build_demo_members(actor=actor, province=province, seed=seed + 100 * (n + 1),
                                       cccd_province=CCCD_CODES[old.code], place=old.short_name)
        members, rejected = members + made, rejected + bad
    op = reform_2025_draft(actor=actor, province_code=UNREFORMED_CODE, decision_no=DECISION_NO,
                           decision_date=DECISION_DATE)
    return {"operation": op.pk, "plan": op.plan_id, "title": op.title, "members": members, "rejected": rejected}


def _planned(actor, rng: random.Random, cell: Org) -> None:
    """The cell's planned headcount (the member generator sizes the cell by it)."""
    total = rng.randint(5, 16)
    official = round(total * rng.uniform(0.85, 0.97))
    S.org_headcount_set(actor=actor, org=cell, official=official, probationary=total - official)
