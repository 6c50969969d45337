"""The 2025 reform as one operation, on a small tree built from real administrative units: Tỉnh Tuyên Quang
(2025) = Tỉnh Hà Giang + Tỉnh Tuyên Quang (pre-2025), two of their districts and a few communes. The tree as of
30/06/2025 is the old one and as of 01/07/2025 the new one; the year's figures of the new province are the
former provinces' to 30/06 plus its own from 01/07; undo restores everything; refusals name the rule."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import TestCase

from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.conftest import make_org
from tcxd.geo.models import AdminUnit, UnitType
from tcxd.members import lifecycle as L
from tcxd.members.models import Member, MemberEvent
from tcxd.orgs.kinds import GrassrootsType, OrgKind, OrgStatus
from tcxd.orgs.models import Org, OrgLineage
from tcxd.orgs.selectors import org_children_as_of
from tcxd.reports import stats
from tcxd.restructure import services as S
from tcxd.restructure.models import ClosedOrg, OperationStatus
from tcxd.restructure.reform2025 import choose_successor, reform_2025_draft
from tcxd.restructure.selectors import plan_progress
from tcxd.rules.pure.membership import EventKind

from .conftest import apply, member, preview, state

pytestmark = pytest.mark.django_db
D = dt.date
ON, BEFORE = D(2025, 7, 1), D(2025, 6, 30)
YEAR = (D(2025, 1, 1), D(2025, 12, 31))
D2015 = D(2015, 1, 1)
# pre-2025 communes of Thành phố Hà Giang (024) and Thành phố Tuyên Quang (070) → their 2025 communes
HG = {"00688": "00691", "00691": "00691", "00692": "00691", "00694": "00694"}  # 00688 is split in parts
TQ = {"02200": "02215", "02203": "02215", "02212": "02212"}


def unit(code: str, version: str = "pre2025") -> AdminUnit:
    return AdminUnit.objects.get(map_version=version, code=code)


def names(org, day) -> list[str]:
    return sorted(v.name for v in org_children_as_of(org=org, day=day))


def ids(org, day) -> set[int]:
    return {v.org_id for v in org_children_as_of(org=org, day=day)}


def cube(actor, org, day) -> Counter:
    return Counter(stats.member_cube(actor=actor, org=org, on=day, dims=["status", "sex"]))


def died(m, on: dt.date) -> None:
    MemberEvent.objects.create(member=m, kind=EventKind.DIED, on=on, seq=0, org_id=m.org_id, data={})
    L.headcounts_refresh(L.project(m, L.history_of(m)))


class World:
    """root → Hà Giang (district 024 → 4 ward committees with a cell each; the provincial agencies' bloc → a cell)
    and Tuyên Quang (district 070 → 3 committees with a cell each)."""


@pytest.fixture
def world(tree):
    w = World()
    w.admin, w.root = tree.admin, tree.root

    def org(parent, kind, name, code, admin_unit=None, **kw):
        return make_org(tree.admin, parent, kind, name=name, code=code, valid_from=D2015, admin_unit=admin_unit, **kw)

    w.hg = org(tree.root, OrgKind.PROVINCIAL, "Đảng bộ tỉnh Hà Giang", "T02C", unit("02"))
    w.tq = org(tree.root, OrgKind.PROVINCIAL, "Đảng bộ tỉnh Tuyên Quang", "T08C", unit("08"))
    w.d_hg = org(w.hg, OrgKind.DISTRICT, "Đảng bộ thành phố Hà Giang", "H024", unit("024"))
    w.d_tq = org(w.tq, OrgKind.DISTRICT, "Đảng bộ thành phố Tuyên Quang", "H070", unit("070"))
    w.old, w.cells = {}, {}
    for district, codes in ((w.d_hg, HG), (w.d_tq, TQ)):
        for code in codes:
            u = unit(code)
            gtype = GrassrootsType.WARD if u.unit_type == UnitType.PHUONG else GrassrootsType.COMMUNE
            w.old[code] = org(district, OrgKind.GRASSROOTS_COMMITTEE, f"Đảng bộ {u.get_unit_type_display()} "
                              f"{u.short_name}", f"X{code}.2015", u, grassroots_type=gtype)
            w.cells[code] = org(w.old[code], OrgKind.CELL, f"Chi bộ Khu phố {code}", f"X{code}.1")
    w.agency = org(w.hg, OrgKind.UPPER_GRASSROOTS, "Đảng bộ Khối các cơ quan tỉnh Hà Giang", "HG.KCQ")
    w.agency_cell = org(w.agency, OrgKind.GRASSROOTS_CELL, "Chi bộ Sở Tài chính", "HG.KCQ.1",
                        grassroots_type=GrassrootsType.STATE_AGENCY)
    w.spec = {"province_unit": "08", "sources": [w.hg.pk, w.tq.pk], "parent_id": tree.root.pk, "code": "T08",
              "name": "Đảng bộ tỉnh Tuyên Quang"}
    return w


@pytest.fixture
def members(world):
    """Two officials in every cell, one at the agency's; admissions and deaths before and after 01/07/2025."""
    w = world
    out = {code: [member(cell, decided=D(2016, 5, 2)), member(cell, decided=D(2019, 9, 9))]
           for code, cell in w.cells.items()}
    out["agency"] = [member(w.agency_cell)]
    out["admitted_before"] = [member(w.cells["00691"], decided=D(2025, 2, 10))]
    out["admitted_after"] = [member(w.cells["02203"], decided=D(2025, 9, 5))]
    died(out["02200"][0], D(2025, 5, 2))
    died(out["00694"][0], D(2025, 10, 1))
    return out


@pytest.fixture
def firm(world):
    """An enterprise's grassroots cell under district 070 (no commune unit: it goes to the new province), one
    member."""
    world.firm = make_org(world.admin, world.d_tq, OrgKind.GRASSROOTS_CELL, name="Chi bộ Công ty TNHH Tràng An",
                          code="TQ.DN1", valid_from=D2015, grassroots_type=GrassrootsType.PRIVATE_ENTERPRISE)
    return member(world.firm, sex="F")


@pytest.fixture
def direct(world):
    """A member registered directly at a ward committee (not in one of its cells)."""
    return member(world.old["00692"], decided=D(2018, 4, 4))


# -- apply --------------------------------------------------------------------------------------------------
def test_the_tree_before_and_after_the_reform(world, members, firm, direct):
    w = world
    op = apply(w.admin, "reform_2025", w.spec, on=ON, title="Sắp xếp Tuyên Quang")
    assert op.status == OperationStatus.APPLIED, op.error
    new = Org.objects.get(code="T08")
    assert (new.kind, new.admin_unit, new.valid_from) == (OrgKind.PROVINCIAL, unit("08", "2025"), ON)
    firm_member = Member.objects.get(pk=firm.pk)
    assert firm_member.org_id == w.firm.pk
    communes = {c.admin_unit.code: c for c in Org.objects.filter(kind=OrgKind.COMMUNE, admin_unit__isnull=False)
                .select_related("admin_unit")}
    assert set(communes) == {"00691", "00694", "02215", "02212"}
    assert {(c.code, c.name) for c in communes.values()} == {
        ("X00691", "Đảng bộ phường Hà Giang 2"), ("X00694", "Đảng bộ phường Hà Giang 1"),
        ("X02215", "Đảng bộ phường Minh Xuân"), ("X02212", "Đảng bộ phường Nông Tiến")}
    # 30/06/2025: the old tree
    assert {w.hg.pk, w.tq.pk} <= ids(w.root, BEFORE) and new.pk not in ids(w.root, BEFORE)
    assert names(w.hg, BEFORE) == ["Đảng bộ Khối các cơ quan tỉnh Hà Giang", "Đảng bộ thành phố Hà Giang"]
    assert names(w.d_hg, BEFORE) == sorted(o.name for c, o in w.old.items() if c in HG)
    assert names(w.d_tq, BEFORE) == sorted([*(o.name for c, o in w.old.items() if c in TQ), w.firm.name])
    assert names(w.old["00688"], BEFORE) == ["Chi bộ Khu phố 00688"]
    # 01/07/2025: the new one
    assert new.pk in ids(w.root, ON) and not {w.hg.pk, w.tq.pk} & ids(w.root, ON)
    assert ids(new, ON) == {*(c.pk for c in communes.values()), w.agency.pk, w.firm.pk}
    for old, new_code in {**HG, **TQ}.items():
        assert w.cells[old].pk in ids(communes[new_code], ON)
    assert names(communes["00691"], ON) == ["Chi bộ Khu phố 00688", "Chi bộ Khu phố 00691", "Chi bộ Khu phố 00692"]
    closed = [w.hg, w.tq, w.d_hg, w.d_tq, *w.old.values()]
    for org in closed:
        org.refresh_from_db()
        assert (org.status, org.valid_to) == (OrgStatus.CLOSED, BEFORE), org.name
    assert set(ClosedOrg.objects.filter(operation=op).values_list("org_id", flat=True)) == {o.pk for o in closed}
    assert set(OrgLineage.objects.filter(operation_id=op.pk).values_list("predecessor_id", "successor_id", "whole")) \
        == {(w.hg.pk, new.pk, True), (w.tq.pk, new.pk, True),
            *((w.old[o].pk, communes[n].pk, True) for o, n in {**HG, **TQ}.items())}
    # members stay in their cells; the one registered at a ward committee moves with the reform
    for code, cell in w.cells.items():
        for m in members[code]:
            m.refresh_from_db()
            assert m.org_id == cell.pk
    direct.refresh_from_db()
    assert direct.org_id == communes["00691"].pk
    event = MemberEvent.objects.get(member=direct, kind=EventKind.ORG_RESTRUCTURED)
    assert (event.on, event.org_id, event.target_org_id, event.data["operation"]) == (
        ON, w.old["00692"].pk, communes["00691"].pk, op.pk)
    assert not MemberEvent.objects.filter(kind=EventKind.ORG_RESTRUCTURED).exclude(member=direct).exists()
    # what the outcome reports: the split ward, the member to place in a cell
    reform = op.result["reform"]
    assert reform["split"] == [{"org_id": w.old["00688"].pk, "org": "Đảng bộ phường Quang Trung", "unit_code": "00688",
                                "unit": "Phường Quang Trung", "chosen_code": "00691", "chosen": "Phường Hà Giang 2",
                                "others": ["Phường Hà Giang 1"]}]
    assert (reform["districts_closed"], reform["old_communes_closed"], reform["communes_founded"]) == (2, 7, 4)
    codes = [x["code"] for x in op.result["warnings"]]
    assert codes == ["split_commune", "members_at_commune"]
    assert op.result["members_moved"] == 1 and len(op.result["founded"]) == 5


def test_the_years_figures_of_the_new_province_sum_the_former_ones(world, members, firm):
    w = world
    first_half = [stats.movements(actor=w.admin, org=p, start=YEAR[0], end=BEFORE) for p in (w.hg, w.tq)]
    stock_before = cube(w.admin, w.hg, BEFORE) + cube(w.admin, w.tq, BEFORE)
    op = apply(w.admin, "reform_2025", w.spec, on=ON)
    assert op.status == OperationStatus.APPLIED, op.error
    new = Org.objects.get(code="T08")
    year = stats.movements(actor=w.admin, org=new, start=YEAR[0], end=YEAR[1])
    own = stats.movements(actor=w.admin, org=new, start=ON, end=YEAR[1])
    for key in year:
        assert year[key] == first_half[0][key] + first_half[1][key] + own[key], key
    assert (year["admitted"], year["died"]) == (2, 2) and (own["admitted"], own["died"]) == (1, 1)
    assert year["transferred_in"] == year["transferred_out"] == 0  # a reform is not a transfer
    # the former provinces' year ends on 30/06 (the same as before the reform)
    assert [stats.movements(actor=w.admin, org=p, start=YEAR[0], end=YEAR[1]) for p in (w.hg, w.tq)] == first_half
    # stock: the old provinces on 30/06 are the new one on 01/07; nothing under the new one the day before
    assert cube(w.admin, w.hg, BEFORE) + cube(w.admin, w.tq, BEFORE) == stock_before
    assert cube(w.admin, new, ON) == stock_before and sum(stock_before.values()) == 16
    assert sum(cube(w.admin, new, BEFORE).values()) == 0
    hg2 = Org.objects.get(code="X00691")
    assert sum(cube(w.admin, hg2, ON).values()) == 2 * 3 + 1  # three wards' cells and the member admitted in 2025


# -- preview and undo -------------------------------------------------------------------------------------------
def test_preview_leaves_nothing_and_undo_restores_the_old_tree(world, members):
    w = world
    before = state()
    op = S.restructure_draft(actor=w.admin, kind="reform_2025", title="Sắp xếp", spec=w.spec, effective_on=ON,
                             decision_no="01-QĐ/TW")
    op = preview(w.admin, op)
    assert op.preview["ok"], op.preview["errors"]
    assert state() == before
    outcome = op.preview["outcome"]
    assert len(outcome["closed"]) == 11 and len(outcome["founded"]) == 5 and outcome["members_moved"] == 0
    assert outcome["reform"]["communes"][0] == {"unit_code": "00691", "org": "Đảng bộ phường Hà Giang 2",
                                                "org_id": outcome["reform"]["communes"][0]["org_id"],
                                                "from": ["Đảng bộ phường Quang Trung", "Đảng bộ phường Trần Phú",
                                                         "Đảng bộ phường Ngọc Hà"]}
    assert "Phường Quang Trung → Phường Hà Giang 2" in outcome["warnings"][0]["message"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        S.restructure_apply(actor=w.admin, operation=op)
    op.refresh_from_db()
    assert op.status == OperationStatus.APPLIED, op.error
    assert state() != before
    S.restructure_undo(actor=w.admin, operation=op, reason="Nhập nhầm ngày")
    assert state() == before
    assert not Org.objects.filter(kind=OrgKind.COMMUNE, admin_unit__isnull=False).exists()


def test_undo_after_an_org_went_from_a_district_to_the_province(world, members, firm):
    """The enterprise's cell is a unit (tallies) under the new province, not under its district again."""
    w = world
    before = state()
    op = apply(w.admin, "reform_2025", w.spec, on=ON)
    assert op.status == OperationStatus.APPLIED and w.firm.pk in ids(Org.objects.get(code="T08"), ON)
    S.restructure_undo(actor=w.admin, operation=op, reason="Nhập nhầm ngày")
    assert state() == before


def test_undo_after_moving_a_member_registered_at_an_old_committee(world, direct):
    w = world
    before = state()
    op = apply(w.admin, "reform_2025", w.spec, on=ON)
    assert op.status == OperationStatus.APPLIED and op.result["members_moved"] == 1
    S.restructure_undo(actor=w.admin, operation=op, reason="Nhập nhầm ngày")
    assert state() == before


def test_a_member_moved_by_the_reform_is_not_a_transfer_into_the_new_province(world, direct):
    w = world
    op = apply(w.admin, "reform_2025", w.spec, on=ON)
    assert op.status == OperationStatus.APPLIED, op.error
    own = stats.movements(actor=w.admin, org=Org.objects.get(code="T08"), start=ON, end=YEAR[1])
    assert own["transferred_in"] == 0


def test_an_existing_2025_province_and_commune_take_the_old_ones(world, members):
    """The 2025 org already exists (founded earlier; one of its wards too): nothing new for them; a source left
    out is named."""
    w = world
    new = make_org(w.admin, w.root, OrgKind.PROVINCIAL, name="Đảng bộ tỉnh Tuyên Quang", code="T08",
                   valid_from=ON, admin_unit=unit("08", "2025"))
    hg1 = make_org(w.admin, new, OrgKind.COMMUNE, name="Đảng bộ phường Hà Giang 1", code="HG1", valid_from=ON,
                   admin_unit=unit("00694", "2025"))
    op = apply(w.admin, "reform_2025", {**w.spec, "sources": [w.hg.pk]}, on=ON)
    assert op.status == OperationStatus.APPLIED, op.error
    assert OrgLineage.objects.get(predecessor=w.hg).successor_id == new.pk
    assert w.cells["00694"].pk in ids(hg1, ON) and w.agency.pk in ids(new, ON)
    assert op.result["founded"] == [Org.objects.get(code="X00691").pk]
    assert op.result["reform"]["province_founded"] is False and op.result["reform"]["communes_existing"] == 1
    missing = [x for x in op.result["warnings"] if x["code"] == "source_missing"]
    assert len(missing) == 1 and "Đảng bộ tỉnh Tuyên Quang chưa được chọn" in missing[0]["message"]
    w.tq.refresh_from_db()
    assert w.tq.is_active


def test_a_2025_commune_already_under_a_former_province_takes_its_cells_and_moves(world, members):
    w = world
    hg1 = make_org(w.admin, w.hg, OrgKind.COMMUNE, name="Đảng bộ phường Hà Giang 1", code="HG1", valid_from=ON,
                   admin_unit=unit("00694", "2025"))
    op = apply(w.admin, "reform_2025", w.spec, on=ON)
    assert op.status == OperationStatus.APPLIED, op.error
    new = Org.objects.get(code="T08")
    assert hg1.pk in ids(new, ON) and ids(hg1, ON) == {w.cells["00694"].pk}
    assert sum(cube(w.admin, hg1, ON).values()) == 2 and op.result["reform"]["communes_existing"] == 1
    assert Org.objects.filter(admin_unit__code="00694", kind=OrgKind.COMMUNE).count() == 1


# -- refusals ---------------------------------------------------------------------------------------------------
def _preview(w, spec, on=ON):
    op = S.restructure_draft(actor=w.admin, kind="reform_2025", title="Sắp xếp", spec=spec, effective_on=on)
    return preview(w.admin, op).preview


def test_refusals_name_the_rule(world):
    w = world
    p = _preview(w, {**w.spec, "province_unit": "99"})
    assert not p["ok"] and "Không có tỉnh, thành phố mã “99”" in p["errors"][0]
    lang_son = make_org(w.admin, w.root, OrgKind.PROVINCIAL, name="Đảng bộ tỉnh Lạng Sơn", code="T20C",
                        valid_from=D2015, admin_unit=unit("20"))
    p = _preview(w, {**w.spec, "sources": [w.hg.pk, lang_son.pk]})
    assert not p["ok"] and "Tỉnh Lạng Sơn (cũ) không hợp nhất vào Tỉnh Tuyên Quang" in " ".join(p["errors"])
    assert "NQ 202/2025/QH15" in " ".join(p["errors"])
    p = _preview(w, {**w.spec, "sources": [w.hg.pk, w.d_tq.pk]})
    assert not p["ok"] and "Đảng bộ thành phố Tuyên Quang không phải đảng bộ tỉnh, thành phố trước 01/07/2025" in (
        " ".join(p["errors"]))
    p = _preview(w, w.spec, on=D(2025, 8, 1))
    assert not p["ok"] and "ngày hiệu lực phải là 01/07/2025" in p["errors"][0]
    p = _preview(w, {**w.spec, "code": ""})
    assert not p["ok"] and "Mã tổ chức không được để trống." in p["errors"]
    make_org(w.admin, w.old["00694"], OrgKind.SUB_COMMITTEE, name="Đảng bộ bộ phận Khối phố", code="BP1",
             valid_from=D2015)
    p = _preview(w, w.spec)
    assert not p["ok"]
    assert ("Đảng bộ bộ phận Khối phố (đảng bộ bộ phận, thuộc Đảng bộ phường Nguyễn Trãi) không thể trực thuộc "
            "Đảng bộ phường Hà Giang 1") in p["errors"][0] and "QĐ 294-QĐ/TW" in p["errors"][0]


def test_a_member_with_later_history_at_an_old_committee_blocks_the_reform(world):
    w = world
    member(w.old["00691"], decided=D(2024, 12, 2))  # recognized in 2025-12, after the reform date
    p = _preview(w, w.spec)
    assert not p["ok"] and "sau ngày sắp xếp 01/07/2025" in p["errors"][0]


def test_the_rule_for_communes_split_in_parts():
    def links(old, *new):
        return choose_successor(unit(old), [(unit(n, "2025"), "part") for n in new])

    assert links("00025", "00008", "00025", "00199").code == "00025"  # the same code: Ngọc Khánh → Giảng Võ
    assert links("00016", "00004", "00008").code == "00008"  # the same name: Ngọc Hà → Ngọc Hà
    assert links("00688", "00694", "00691").code == "00691"  # else the lowest code
    assert choose_successor(unit("00691"), [(unit("00691", "2025"), "whole")]).code == "00691"


# -- the draft of a province -----------------------------------------------------------------------------------
def test_the_draft_and_its_plan_from_the_tree(world, members):
    w = world
    op = reform_2025_draft(actor=w.admin, province_code="08", decision_no="01-QĐ/TW", decision_date=D(2025, 6, 30))
    assert (op.kind, op.status, op.effective_on, op.scope_org_id) == ("reform_2025", "draft", ON, w.root.pk)
    assert op.spec == {**w.spec, "sources": [w.hg.pk, w.tq.pk]}
    assert op.title.endswith("Tỉnh Tuyên Quang (hợp nhất Tỉnh Hà Giang, Tỉnh Tuyên Quang)")
    plan = op.plan
    # 2 provinces + 2 districts + 7 ward committees − the new province − 4 new wards
    assert (plan.org_id, plan.target_reduced, plan.deadline) == (w.root.pk, 6, ON)
    assert plan.note.startswith("Giảm 6 đầu mối = 2 đảng bộ tỉnh")
    with pytest.raises(DomainError, match="Đã có thao tác sắp xếp Tỉnh Tuyên Quang"):
        reform_2025_draft(actor=w.admin, province_code="08")
    op = preview(w.admin, op)
    with TestCase.captureOnCommitCallbacks(execute=True):
        S.restructure_apply(actor=w.admin, operation=op)
    op.refresh_from_db()
    assert op.status == OperationStatus.APPLIED, op.error
    progress = plan_progress(actor=w.admin, plan=plan, on=ON)
    assert [(p.key, p.done, p.target) for p in progress] == [("reduced", 6, 6)]
    with pytest.raises(ValidationFailed) as refused:
        reform_2025_draft(actor=w.admin, province_code="20")
    assert "không còn gì để sắp xếp" in refused.value.errors["province_unit"][0]


def test_the_command_drafts_and_previews(world, members, capsys):
    call_command("reform_2025_draft", "--province", "08", "--user", world.admin.username, "--preview")
    out = capsys.readouterr().out
    assert "Đã tạo dự thảo" in out and "Đề án" in out and "4 đảng bộ xã, phường, đặc khu mới" in out
    assert "Phường Quang Trung → Phường Hà Giang 2" in out
