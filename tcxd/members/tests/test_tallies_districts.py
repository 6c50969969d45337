"""Tallies on a pre-2025 tree: a commune under a district is a unit and the district is not (``tallies.is_unit``),
so abolishing the district level carries the communes' rows along and has no district rows to drop. Every move
here is checked by the autouse fixture (the stored tallies equal the ones summed from the spells afterwards); these
tests also check which rows were written."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from tcxd.conftest import make_org
from tcxd.members import tallies
from tcxd.members.models import MemberTally
from tcxd.members.tests.conftest import admit, new_candidate
from tcxd.orgs import services as OS
from tcxd.orgs.kinds import OrgKind
from tcxd.reports import stats

D2015 = dt.date(2015, 1, 1)


def rows(*orgs) -> dict:
    return {o.pk: tallies.stored([o.pk]) for o in orgs}


@pytest.fixture
def districts(tree):
    """Province → district D1 (commune X1: cell C1 with two members) and district D2 (commune X2: cell C2 with
    one member; grassroots cell G2 with one member), all from before the reform."""
    t = tree
    t.d1 = make_org(t.admin, t.province, OrgKind.DISTRICT, name="Đảng bộ huyện Cao Lộc", code="H1",
                    valid_from=D2015)
    t.d2 = make_org(t.admin, t.province, OrgKind.DISTRICT, name="Đảng bộ huyện Văn Lãng", code="H2",
                    valid_from=D2015)
    # the old communes' party committees were grassroots ones (A-01)
    t.x1 = make_org(t.admin, t.d1, OrgKind.GRASSROOTS_COMMITTEE, name="Đảng bộ xã Hợp Thành", code="X1",
                    valid_from=D2015)
    t.x2 = make_org(t.admin, t.d2, OrgKind.GRASSROOTS_COMMITTEE, name="Đảng bộ xã Tân Mỹ", code="X2",
                    valid_from=D2015)
    t.g2 = make_org(t.admin, t.d2, OrgKind.GRASSROOTS_CELL, name="Chi bộ Trường THPT Văn Lãng", code="G2",
                    valid_from=D2015)
    t.c1 = make_org(t.admin, t.x1, OrgKind.CELL, name="Chi bộ thôn Nà Pàn", code="X1C", valid_from=D2015)
    t.c2 = make_org(t.admin, t.x2, OrgKind.CELL, name="Chi bộ thôn Bản Thẩm", code="X2C", valid_from=D2015)
    for serial, cell in ((301, t.c1), (302, t.c1), (303, t.c2), (304, t.g2)):
        admit(t, new_candidate(t, serial=serial, org=cell))
    return t


def total(unit) -> int:
    return sum(n for key, n in tallies.stored([unit.pk]).items() if key[1] == tallies.TOTAL)


def test_a_commune_under_a_district_is_a_unit_and_a_cell_and_the_district_are_not(districts):
    t = districts
    assert tallies.is_unit(4, True) and not tallies.is_unit(4, False) and tallies.is_unit(3, False)
    assert not tallies.is_unit(3, False, True) and tallies.is_unit(2, False, True)  # only a district at its level
    assert (total(t.x1), total(t.x2), total(t.g2), total(t.province), total(t.root)) == (2, 1, 1, 4, 4)
    assert not MemberTally.objects.filter(unit_id__in=[t.c1.pk, t.c2.pk, t.d1.pk, t.d2.pk]).exists()


def test_a_districts_figures_are_its_communes_from_the_spells(districts, admin_user):
    t = districts
    today = dt.date.today()
    assert stats.total(stats.member_cube(actor=admin_user, org=t.d1, on=today, dims=["sex"])) == 2
    assert stats.total(stats.member_cube(actor=admin_user, org=t.d2, on=today, dims=["sex"])) == 2
    by_child = stats.member_cube(actor=admin_user, org=t.province, on=today, dims=["child"])
    assert {key: n for key, n in by_child.items() if n} == {(str(t.d1.pk),): 2, (str(t.d2.pk),): 2}


def test_communes_moving_up_from_their_district_keep_their_rows(districts):
    t = districts
    before = rows(t.x1, t.province)
    OS.org_move(actor=t.admin, org=t.x1, new_parent=t.province, effective_on=dt.date(2025, 7, 1))
    assert rows(t.x1, t.province) == before  # carried along, not summed again; the province's unchanged
    assert not MemberTally.objects.filter(unit_id=t.d1.pk).exists()


def test_a_commune_moving_between_districts_and_a_cell_leaving_a_district(districts):
    t = districts
    before = rows(t.x2, t.province)
    OS.org_move(actor=t.admin, org=t.x2, new_parent=t.d1, effective_on=dt.date(2025, 3, 1))
    assert rows(t.x2, t.province) == before
    # a grassroots cell under a district is a unit (depth 4); under the province too (depth 3); under a commune
    # of the new kind (depth 4) it is not
    before = rows(t.g2)
    OS.org_move(actor=t.admin, org=t.g2, new_parent=t.province, effective_on=dt.date(2025, 4, 1))
    assert rows(t.g2) == before and total(t.d2) == 0 and total(t.province) == 4
    OS.org_move(actor=t.admin, org=t.g2, new_parent=t.commune_a, effective_on=dt.date(2025, 7, 1))
    assert not MemberTally.objects.filter(unit_id=t.g2.pk).exists() and total(t.commune_a) == 1
    # and back under a district: a unit again, summed from its spells
    OS.org_move(actor=t.admin, org=t.g2, new_parent=t.d2, effective_on=dt.date(2025, 7, 1))
    assert total(t.g2) == 1 and total(t.commune_a) == 0


def test_a_district_moving_to_another_province_takes_its_communes_rows(districts, monkeypatch):
    t = districts
    other = make_org(t.admin, t.root, OrgKind.PROVINCIAL, name="Đảng bộ tỉnh Cao Bằng", code="T04",
                     valid_from=D2015)
    before = rows(t.x1, t.d1)
    summed = []  # the units summed again from the spells: none, the communes' rows are shifted
    real = tallies.refresh_units
    monkeypatch.setattr(tallies, "refresh_units", lambda ids: (summed.extend(ids or []), real(ids)))
    OS.org_move(actor=t.admin, org=t.d1, new_parent=other, effective_on=dt.date(2025, 6, 1))
    assert summed == []
    assert rows(t.x1, t.d1) == before and (total(other), total(t.province), total(t.root)) == (2, 2, 4)


def test_the_migration_drops_the_rows_districts_had_as_units(districts):
    """Migration 0015: a database summed while districts were units loses their rows, and only theirs."""
    from django.apps import apps

    t = districts
    migration = importlib.import_module("tcxd.members.migrations.0015_districts_are_no_units")
    before = tallies.stored()
    for district, commune in ((t.d1, t.x1), (t.d2, t.x2)):  # as 0014 left them: a district's rows, its sum
        MemberTally.objects.bulk_create([MemberTally(unit_id=district.pk, **dict(zip(tallies.KEY_FIELDS[1:], key[1:],
                                                                                     strict=True)), n=n)
                                         for key, n in tallies.stored([commune.pk]).items()])
    assert MemberTally.objects.filter(unit_id=t.d1.pk).exists()
    migration.drop_district_rows(apps, None)  # the schema editor is not used
    assert tallies.stored() == before


def test_a_district_carries_its_communes_rows_only_without_members_of_its_own(districts):
    """A member registered at the district itself (the services never do it; an import might) is under no
    commune's rows: such a district is not carried, the provinces are summed again."""
    from tcxd.members.models import MemberSpell

    t = districts
    assert tallies._carried_by_districts([(t.d1.pk, t.d1.path)]) == {t.d1.pk: [t.x1.pk]}
    spell = MemberSpell.objects.filter(org=t.c1, valid_to__isnull=True).first()
    MemberSpell.objects.filter(pk=spell.pk).update(org=t.d1)
    try:
        carried = tallies._carried_by_districts([(t.d1.pk, t.d1.path), (t.d2.pk, t.d2.path)])
        assert {k: sorted(v) for k, v in carried.items()} == {t.d2.pk: sorted([t.x2.pk, t.g2.pk])}
    finally:
        MemberSpell.objects.filter(pk=spell.pk).update(org=t.c1)
