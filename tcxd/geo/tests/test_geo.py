"""The geo reference data loaded by migration 0002, and the selectors over it."""

import datetime as dt
import importlib
import time
from collections import Counter

import pytest
from django.apps import apps

from tcxd.geo.models import AdminUnit, AdminUnitLineage, Level, LineageKind, MapVersion, UnitType
from tcxd.geo.selectors import (
    predecessors_of,
    province_list,
    successors_of,
    unit_by_code,
    unit_search,
    units_of,
)

pytestmark = pytest.mark.django_db
V2025, PRE = MapVersion.V2025, MapVersion.PRE2025


def unit(code: str, map_version: str = V2025) -> AdminUnit:
    return AdminUnit.objects.get(map_version=map_version, code=code)


def test_counts_on_the_2025_map():
    assert province_list().count() == 34
    types = Counter(AdminUnit.objects.filter(map_version=V2025).values_list("level", "unit_type"))
    assert types == {
        (Level.PROVINCE, UnitType.TINH): 28,
        (Level.PROVINCE, UnitType.TP_TW): 6,
        (Level.COMMUNE, UnitType.XA): 2621,
        (Level.COMMUNE, UnitType.PHUONG): 687,
        (Level.COMMUNE, UnitType.DAC_KHU): 13,
    }
    assert not AdminUnit.objects.filter(map_version=V2025).exclude(valid_from=dt.date(2025, 7, 1)).exists()
    communes = AdminUnit.objects.filter(map_version=V2025, level=Level.COMMUNE)
    assert communes.filter(parent__level=Level.PROVINCE).count() == 3321


def test_counts_on_the_pre2025_map():
    assert province_list(PRE).count() == 63
    levels = Counter(AdminUnit.objects.filter(map_version=PRE).values_list("level", flat=True))
    assert levels == {Level.PROVINCE: 63, Level.DISTRICT: 696, Level.COMMUNE: 10051}
    assert not AdminUnit.objects.filter(map_version=PRE).exclude(valid_to=dt.date(2025, 6, 30)).exists()
    # every district hangs under a province, every commune under a district
    assert not AdminUnit.objects.filter(map_version=PRE, level=Level.DISTRICT).exclude(
        parent__level=Level.PROVINCE
    )
    assert not AdminUnit.objects.filter(map_version=PRE, level=Level.COMMUNE).exclude(
        parent__level=Level.DISTRICT
    )


def test_known_unit_and_tree():
    ba_dinh = unit_by_code("00004")
    assert ba_dinh is not None
    assert (ba_dinh.name, ba_dinh.short_name, ba_dinh.unit_type) == (
        "Phường Ba Đình",
        "Ba Đình",
        UnitType.PHUONG,
    )
    assert ba_dinh.name_norm == "phuong ba dinh"
    assert ba_dinh.parent.code == "01" and ba_dinh.parent.name == "Thành phố Hà Nội"
    assert ba_dinh.full_name == "Phường Ba Đình, Thành phố Hà Nội"
    ha_noi = unit("01")
    assert units_of(ha_noi).count() == 126
    assert units_of(unit("01", PRE)).count() == 30
    assert unit("001", PRE).name == "Quận Ba Đình"


def test_search_is_accent_insensitive():
    ba_dinh = unit("00004")
    for q in ("ba dinh", "Ba Đình", "BA ĐÌNH", "  phuong   ba dinh "):
        assert unit_search(q)[0] == ba_dinh, q
    old = unit_search("ba dinh", map_version=PRE, level=Level.DISTRICT)
    assert [u.name for u in old] == ["Quận Ba Đình"]
    assert len(unit_search("xa", limit=5)) == 5
    assert unit_search("   ") == []
    # provinces rank first within a map
    assert unit_search("tuyen quang", map_version=V2025)[0] == unit("08")


def test_province_lineage_both_ways():
    new_tq = unit("08")
    assert {(u.code, u.name) for u in predecessors_of(new_tq)} == {
        ("02", "Tỉnh Hà Giang"),
        ("08", "Tỉnh Tuyên Quang"),
    }
    assert list(successors_of(unit("02", PRE))) == [new_tq]
    assert list(successors_of(unit("08", PRE))) == [new_tq]
    # E-01: 63 old provinces -> 34; 11 unchanged, 52 merged into 23
    per_new = Counter(
        AdminUnitLineage.objects.filter(predecessor__level=Level.PROVINCE).values_list(
            "successor__code", flat=True
        )
    )
    assert len(per_new) == 34 and sum(per_new.values()) == 63
    assert sum(1 for n in per_new.values() if n == 1) == 11
    assert list(successors_of(unit("01", PRE))) == [unit("01")]


def test_commune_lineage():
    ba_dinh = unit("00004")
    names = {u.name for u in predecessors_of(ba_dinh)}
    assert {"Phường Trúc Bạch", "Phường Quán Thánh", "Phường Kim Mã"} <= names
    ngoc_ha_old = unit("00016", PRE)
    assert set(successors_of(ngoc_ha_old)) == {ba_dinh, unit("00008")}
    assert set(AdminUnitLineage.objects.filter(predecessor=ngoc_ha_old).values_list("kind", flat=True)) == {
        LineageKind.PART
    }
    # every 2025 commune has a predecessor; the island đặc khu come from island districts
    assert not AdminUnit.objects.filter(map_version=V2025, predecessor_links__isnull=True).exists()
    con_dao = unit("26732")
    assert [u.name for u in predecessors_of(con_dao)] == ["Huyện Côn Đảo"]


def test_save_sets_name_norm():
    u = AdminUnit(
        code="99999",
        map_version=V2025,
        level=Level.COMMUNE,
        unit_type=UnitType.XA,
        name="Xã Đắk Thử",
        short_name="Đắk Thử",
        parent=unit("01"),
    )
    u.save()
    assert u.name_norm == "xa dak thu"
    assert unit_search("dak thu", map_version=V2025) == [u]


def test_migration_reload_is_fast():
    migration = importlib.import_module("tcxd.geo.migrations.0002_load_units")
    migration.unload(apps, None)
    assert not AdminUnit.objects.exists()
    started = time.perf_counter()
    migration.load(apps, None)
    assert time.perf_counter() - started < 10
    assert AdminUnit.objects.count() == 34 + 3321 + 63 + 696 + 10051
    assert AdminUnitLineage.objects.count() > 10_000
