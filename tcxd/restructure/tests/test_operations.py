"""Operations on the tree: each kind valid and refused, the tree as of the day before and the day of the
change, members and their history, lineage, preview leaving nothing, undo restoring everything."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import TestCase

from tcxd.common.errors import DomainError, NotFound
from tcxd.conftest import make_org
from tcxd.members.models import Member, MemberEvent
from tcxd.orgs import services as OS
from tcxd.orgs.kinds import OrgKind, OrgStatus
from tcxd.orgs.models import Org, OrgLineage, OrgVersion
from tcxd.orgs.selectors import org_children_as_of, org_version_on
from tcxd.reports import stats
from tcxd.restructure import services as S
from tcxd.restructure.models import OperationStatus, RestructureOperation

from .conftest import apply, member, preview, state

pytestmark = pytest.mark.django_db
D = dt.date
ON = D(2026, 1, 1)
BEFORE = ON - dt.timedelta(days=1)


def children_names(org, day):
    return sorted(v.name for v in org_children_as_of(org=org, day=day))


def count_on(actor, org, day):
    return stats.total(stats.member_cube(actor=actor, org=org, on=day, dims=[]))


# -- merge -------------------------------------------------------------------------------------------------
def test_merge_two_communes_into_a_new_one(tree):
    a1, b1 = member(tree.cell_a1), member(tree.cell_b1)
    total_before = count_on(tree.admin, tree.province, BEFORE)
    op = apply(tree.admin, "merge", {"sources": [tree.commune_a.pk, tree.commune_b.pk],
                                     "new": {"parent_id": tree.province.pk, "code": "XAB", "name": "Đảng bộ xã Mới",
                                             "kind": OrgKind.COMMUNE}}, on=ON)
    assert op.status == OperationStatus.APPLIED, op.error
    new = Org.objects.get(code="XAB")
    # the tree as it stood the day before and as it stands from the day
    assert children_names(tree.province, BEFORE) == ["Đảng bộ phường Đông Kinh", "Đảng bộ xã Cao Lộc"]
    assert children_names(tree.province, ON) == ["Đảng bộ xã Mới"]
    assert children_names(new, ON) == ["Chi bộ Khối 1", "Chi bộ Thôn Bản Cắm", "Chi bộ Trường Tiểu học Đông Kinh"]
    for source in (tree.commune_a, tree.commune_b):
        source.refresh_from_db()
        assert source.status == OrgStatus.CLOSED and source.valid_to == BEFORE
        assert org_version_on(org=source, day=BEFORE) is not None and org_version_on(org=source, day=ON) is None
    assert set(OrgLineage.objects.filter(successor=new).values_list("predecessor_id", "whole", "operation_id")) == {
        (tree.commune_a.pk, True, op.pk), (tree.commune_b.pk, True, op.pk)}
    # members stay in their cells: counted under the former communes before, under the new one from the day
    assert count_on(tree.admin, tree.commune_a, BEFORE) == 1 and count_on(tree.admin, new, BEFORE) == 0
    assert count_on(tree.admin, new, ON) == 2 and count_on(tree.admin, tree.province, BEFORE) == total_before
    assert {m.org_id for m in (a1, b1)} == {tree.cell_a1.pk, tree.cell_b1.pk}
    assert op.result["orgs_in_moved_subtrees"] == 3 and op.result["members_in_moved_subtrees"] == 2


def test_merge_cells_moves_their_members_with_the_event_in_their_history(tree):
    a, b = member(tree.cell_a1), member(tree.cell_a1)
    other = make_org(tree.admin, tree.commune_a, OrgKind.CELL, name="Chi bộ Khối 2", code="XA3")
    c = member(other)
    party_age_before = a.official_on
    op = apply(tree.admin, "merge", {"sources": [other.pk], "target_id": tree.cell_a1.pk}, on=ON)
    assert op.status == OperationStatus.APPLIED, op.error
    c.refresh_from_db()
    assert c.org_id == tree.cell_a1.pk
    moved = MemberEvent.objects.get(member=c, kind="org_restructured")
    assert moved.on == ON and moved.target_org_id == tree.cell_a1.pk and moved.data["operation"] == op.pk
    a.refresh_from_db()
    assert a.official_on == party_age_before and {a.org_id, b.org_id} == {tree.cell_a1.pk}
    assert count_on(tree.admin, other, BEFORE) == 1 and count_on(tree.admin, tree.cell_a1, ON) == 3
    assert op.result["members_moved"] == 1


def test_merge_refuses_a_single_org_and_a_target_inside_a_source(tree):
    op = S.restructure_draft(actor=tree.admin, kind="merge", title="Hợp nhất", spec={"sources": [tree.commune_a.pk],
                             "target_id": tree.cell_a1.pk}, effective_on=ON, decision_no="1")
    op = preview(tree.admin, op)
    assert not op.preview["ok"] and "không hợp nhất vào tổ chức trực thuộc" in " ".join(op.preview["errors"])
    op = S.restructure_update(actor=tree.admin, operation=op, spec={"sources": [tree.commune_a.pk],
                                                                    "target_id": tree.commune_a.pk})
    op = preview(tree.admin, op)
    assert not op.preview["ok"] and "ít nhất hai tổ chức" in op.preview["errors"][0]
    with pytest.raises(DomainError, match="xem trước"):
        S.restructure_apply(actor=tree.admin, operation=op)


def test_a_cell_cannot_take_communes_as_children(tree):
    op = S.restructure_draft(actor=tree.admin, kind="merge", title="Sai loại", spec={
        "sources": [tree.commune_b.pk], "target_id": tree.cell_a1.pk}, effective_on=ON, decision_no="1")
    op = preview(tree.admin, op)
    assert not op.preview["ok"] and "không thể trực thuộc" in " ".join(op.preview["errors"])


# -- preview ----------------------------------------------------------------------------------------------
def test_preview_shows_what_moves_and_the_warnings_and_leaves_nothing(tree):
    member(tree.cell_a1)
    small = make_org(tree.admin, tree.commune_b, OrgKind.CELL, name="Chi bộ Nhỏ", code="XB2")
    member(small)
    before = state()
    op = S.restructure_draft(actor=tree.admin, kind="merge", title="Hợp nhất chi bộ", spec={
        "sources": [small.pk], "target_id": tree.cell_b1.pk}, effective_on=ON, decision_no="5-QĐ/ĐU")
    op = preview(tree.admin, op)
    after = state()
    assert after == before
    assert op.preview["ok"] and op.preview["outcome"]["closed_names"] == ["Chi bộ Nhỏ"]
    assert op.preview["outcome"]["members_by_source_named"] == [{"org": "Chi bộ Nhỏ", "members": 1}]
    codes = {w["code"] for w in op.preview["warnings"]}
    assert "cell_below_minimum" in codes  # one official member after the merge (minimum 3)


def test_preview_of_a_dissolution_without_destinations_names_what_is_left(tree):
    member(tree.cell_b1)
    op = S.restructure_draft(actor=tree.admin, kind="dissolve", title="Giải thể", spec={"org_id": tree.commune_b.pk},
                             effective_on=ON, decision_no="9")
    op = preview(tree.admin, op)
    assert not op.preview["ok"]
    assert "còn 1 tổ chức trực thuộc" in op.preview["errors"][0]
    op = S.restructure_update(actor=tree.admin, operation=op, spec={"org_id": tree.cell_b1.pk})
    op = preview(tree.admin, op)
    assert not op.preview["ok"] and "còn 1 đảng viên" in op.preview["errors"][0]


def test_dissolve_with_destinations(tree):
    m = member(tree.cell_b1)
    op = apply(tree.admin, "dissolve", {"org_id": tree.cell_b1.pk, "members_to_id": tree.cell_a1.pk}, on=ON)
    assert op.status == OperationStatus.APPLIED, op.error
    m.refresh_from_db()
    assert m.org_id == tree.cell_a1.pk
    tree.cell_b1.refresh_from_db()
    assert tree.cell_b1.status == OrgStatus.CLOSED
    assert OrgLineage.objects.get(predecessor=tree.cell_b1).whole is True


# -- move, rename, retype, abolish a level -----------------------------------------------------------------
def test_move_rename_and_retype(tree):
    op = apply(tree.admin, "move", {"org_id": tree.cell_b1.pk, "new_parent_id": tree.commune_a.pk}, on=ON)
    assert op.status == OperationStatus.APPLIED, op.error
    assert "Chi bộ Thôn Bản Cắm" in children_names(tree.commune_a, ON)
    assert "Chi bộ Thôn Bản Cắm" in children_names(tree.commune_b, BEFORE)
    op = apply(tree.admin, "rename", {"org_id": tree.commune_a.pk, "name": "Đảng bộ phường Lạng Sơn"}, on=ON)
    assert org_version_on(org=tree.commune_a, day=BEFORE).name == "Đảng bộ phường Đông Kinh"
    assert org_version_on(org=tree.commune_a, day=ON).name == "Đảng bộ phường Lạng Sơn"
    assert tree.cell_a1.path.startswith(tree.commune_a.path)  # a rename writes the org's version, not its subtree's
    assert not OrgVersion.objects.filter(org=tree.cell_a1, valid_from=ON).exists()
    op = S.restructure_draft(actor=tree.admin, kind="retype", title="Lên đảng bộ cơ sở", spec={
        "org_id": tree.gcell_a2.pk, "kind": OrgKind.GRASSROOTS_COMMITTEE}, effective_on=ON, decision_no="3")
    op = preview(tree.admin, op)
    assert op.preview["ok"]
    assert [w["code"] for w in op.preview["warnings"]] == ["committee_too_small"]  # 0 members, under 30


def test_abolish_the_district_level(tree):
    district = make_org(tree.admin, tree.province, OrgKind.DISTRICT, name="Huyện ủy Cao Lộc", code="H1",
                        valid_from=D(2015, 1, 1))
    early = D(2015, 6, 1)
    communes = [make_org(tree.admin, district, OrgKind.GRASSROOTS_COMMITTEE, name=f"Đảng bộ xã {i}", code=f"HX{i}",
                         valid_from=early) for i in range(3)]
    cell = make_org(tree.admin, communes[0], OrgKind.CELL, name="Chi bộ thôn 1", code="HX01", valid_from=early)
    m = member(cell)
    day = D(2025, 7, 1)
    op = apply(tree.admin, "abolish_level", {"root_id": tree.province.pk, "level_kind": OrgKind.DISTRICT}, on=day)
    assert op.status == OperationStatus.APPLIED, op.error
    district.refresh_from_db()
    assert district.status == OrgStatus.CLOSED and district.valid_to == D(2025, 6, 30)
    assert "Huyện ủy Cao Lộc" in children_names(tree.province, D(2025, 6, 30))
    assert {"Đảng bộ xã 0", "Đảng bộ xã 1", "Đảng bộ xã 2"} <= set(children_names(tree.province, day))
    assert count_on(tree.admin, district, D(2025, 6, 30)) == 1
    assert count_on(tree.admin, communes[0], day) == 1 and count_on(tree.admin, tree.province, day) >= 1
    m.refresh_from_db()
    assert m.org_id == cell.pk


# -- undo -------------------------------------------------------------------------------------------------
def test_undo_puts_everything_back(tree):
    member(tree.cell_a1)
    other = make_org(tree.admin, tree.commune_b, OrgKind.CELL, name="Chi bộ Thôn 2", code="XB2")
    member(other)
    before = state()
    op = apply(tree.admin, "merge", {"sources": [tree.commune_a.pk, tree.commune_b.pk],
                                     "new": {"parent_id": tree.province.pk, "code": "XAB", "name": "Đảng bộ xã Mới",
                                             "kind": OrgKind.COMMUNE}}, on=ON)
    assert op.status == OperationStatus.APPLIED
    op2 = apply(tree.admin, "merge", {"sources": [other.pk], "target_id": tree.cell_b1.pk}, on=ON)
    assert op2.status == OperationStatus.APPLIED, op2.error
    with pytest.raises(DomainError, match="hoàn tác thao tác đó trước"):
        S.restructure_undo(actor=tree.admin, operation=op, reason="Nhầm")
    with pytest.raises(DomainError, match="lý do"):
        S.restructure_undo(actor=tree.admin, operation=op2, reason=" ")
    S.restructure_undo(actor=tree.admin, operation=op2, reason="Nhập nhầm")
    S.restructure_undo(actor=tree.admin, operation=op, reason="Nhập nhầm")
    after = state()
    # the undone operations' events stay in the history, voided; everything else is as it was
    assert {k: v for k, v in after.items() if k != "changes"} == {k: v for k, v in before.items() if k != "changes"}
    assert after["changes"] == before["changes"]
    assert RestructureOperation.objects.get(pk=op.pk).status == OperationStatus.UNDONE


def test_undo_is_refused_once_something_newer_depends_on_it(tree):
    op = apply(tree.admin, "move", {"org_id": tree.cell_b1.pk, "new_parent_id": tree.commune_a.pk}, on=ON)
    OS.org_update(actor=tree.admin, org=tree.cell_b1, effective_on=D(2026, 2, 1), name="Chi bộ Thôn Bản Cắm Mới")
    with pytest.raises(DomainError, match="không hoàn tác được"):
        S.restructure_undo(actor=tree.admin, operation=op, reason="Nhầm")


# -- apply, failure, scope ------------------------------------------------------------------------------------
def test_apply_needs_a_decision_and_fails_whole(tree, monkeypatch):
    op = S.restructure_draft(actor=tree.admin, kind="move", title="Chuyển", spec={
        "org_id": tree.cell_b1.pk, "new_parent_id": tree.commune_a.pk}, effective_on=ON)
    op = preview(tree.admin, op)
    with pytest.raises(DomainError) as exc:
        S.restructure_apply(actor=tree.admin, operation=op)
    assert "số quyết định" in str(exc.value.errors)
    op = S.restructure_update(actor=tree.admin, operation=op, decision_no="7-QĐ/TU")
    op = preview(tree.admin, op)
    before = state()
    from tcxd.restructure import engine

    def boom(self, moves):
        raise RuntimeError("disk full")

    monkeypatch.setattr(engine.Run, "relocate", boom)
    with TestCase.captureOnCommitCallbacks(execute=True):
        S.restructure_apply(actor=tree.admin, operation=op)
    op.refresh_from_db()
    assert op.status == OperationStatus.FAILED and "không có thay đổi nào" in op.error
    assert state() == before


def test_scope(tree, users):
    officer = users["commune_officer"]  # commune A only
    with pytest.raises(NotFound):
        S.restructure_draft(actor=officer, kind="merge", title="Ngoài phạm vi", spec={
            "sources": [tree.cell_b1.pk], "target_id": tree.cell_a1.pk}, effective_on=ON)
    with pytest.raises(DomainError):
        S.restructure_draft(actor=users["leader"], kind="move", title="Chỉ xem", spec={
            "org_id": tree.cell_b1.pk, "new_parent_id": tree.commune_a.pk}, effective_on=ON)
    op = S.restructure_draft(actor=officer, kind="rename", title="Đổi tên", spec={
        "org_id": tree.cell_a1.pk, "name": "Chi bộ Khối Một"}, effective_on=ON)
    assert op.scope_org_id == tree.cell_a1.pk


def test_future_dates_are_refused(tree):
    with pytest.raises(DomainError) as exc:
        S.restructure_draft(actor=tree.admin, kind="move", title="Tương lai", spec={"org_id": tree.cell_b1.pk},
                            effective_on=dt.date.today() + dt.timedelta(days=1))
    assert "tương lai" in str(exc.value.errors)


# -- split ------------------------------------------------------------------------------------------------
def test_split_a_cell_with_chosen_members(tree):
    ms = [member(tree.cell_a1) for _ in range(4)]
    spec = {"source_id": tree.cell_a1.pk, "close_source": True, "parts": [
        {"new": {"parent_id": tree.commune_a.pk, "code": "XA1A", "name": "Chi bộ Khối 1A", "kind": OrgKind.CELL},
         "members": [ms[0].pk, ms[1].pk]},
        {"new": {"parent_id": tree.commune_a.pk, "code": "XA1B", "name": "Chi bộ Khối 1B", "kind": OrgKind.CELL},
         "members": [ms[2].pk]}]}
    op = S.restructure_draft(actor=tree.admin, kind="split", title="Chia tách", spec=spec, effective_on=ON,
                             decision_no="2")
    op = preview(tree.admin, op)
    assert not op.preview["ok"] and "1 đảng viên chưa được phân" in op.preview["errors"][0]
    spec["parts"][1]["members"].append(ms[3].pk)
    op = apply(tree.admin, "split", spec, on=ON)
    assert op.status == OperationStatus.APPLIED, op.error
    a, b = Org.objects.get(code="XA1A"), Org.objects.get(code="XA1B")
    assert [Member.objects.get(pk=m.pk).org_id for m in ms] == [a.pk, a.pk, b.pk, b.pk]
    assert count_on(tree.admin, tree.cell_a1, BEFORE) == 4 and count_on(tree.admin, a, ON) == 2
    assert set(OrgLineage.objects.filter(predecessor=tree.cell_a1).values_list("successor_id", "whole")) == {
        (a.pk, False), (b.pk, False)}
    # a member chosen twice, or one from elsewhere, is refused
    spec["parts"][0]["members"].append(ms[3].pk)
    op = S.restructure_draft(actor=tree.admin, kind="split", title="Lỗi", spec={**spec, "source_id": a.pk},
                             effective_on=ON, decision_no="3")
    op = preview(tree.admin, op)
    assert not op.preview["ok"]


def test_bad_parameters_are_refused_with_a_message(tree):
    with pytest.raises(DomainError) as exc:
        S.restructure_draft(actor=tree.admin, kind="merge", title="", spec={}, effective_on=ON,
                            decision_no="x" * 61)
    assert set(exc.value.errors) == {"title", "spec", "decision_no"}  # every problem at once
    op = S.restructure_draft(actor=tree.admin, kind="merge", title="Mã sai", spec={
        "sources": [tree.cell_b1.pk, "abc"], "target_id": tree.cell_a1.pk}, effective_on=ON, decision_no="1")
    op = preview(tree.admin, op)
    assert not op.preview["ok"] and "“abc”" in op.preview["errors"][0]
    assert "sources" in op.preview["field_errors"]


def test_undo_of_a_merge_into_a_founded_cell_that_received_members(tree):
    a, b = member(tree.cell_a1), member(tree.cell_b1)
    before = state()
    op = apply(tree.admin, "merge", {"sources": [tree.cell_a1.pk, tree.cell_b1.pk], "new": {
        "parent_id": tree.commune_a.pk, "code": "XAN", "name": "Chi bộ Mới", "kind": OrgKind.CELL}}, on=ON)
    assert op.status == OperationStatus.APPLIED, op.error
    new = Org.objects.get(code="XAN")
    assert {Member.objects.get(pk=m.pk).org_id for m in (a, b)} == {new.pk}
    S.restructure_undo(actor=tree.admin, operation=op, reason="Nhầm")
    assert not Org.objects.filter(code="XAN").exists()
    assert state() == before


def test_undo_is_refused_once_a_cadre_decision_names_a_founded_org(tree):
    """A cadre decision managed by the committee a merge founded is a record made after it: undoing the merge would
    delete that committee, so it is refused with the rule's message and nothing changes."""
    from tcxd.cadres.services import cadre_move_record

    cadre = member(tree.cell_a1)
    op = apply(tree.admin, "merge", {"sources": [tree.commune_a.pk, tree.commune_b.pk],
                                     "new": {"parent_id": tree.province.pk, "code": "XAB", "kind": OrgKind.COMMUNE,
                                             "name": "Đảng bộ phường Đông Kinh mới"}}, on=ON)
    founded = Org.objects.get(code="XAB")
    cadre_move_record(actor=tree.admin, member=cadre, kind="dieu_dong", effective_on=D(2026, 2, 1),
                      decision_no="15-QĐ/ĐU", decision_date=D(2026, 1, 25), managing_org=founded,
                      to_position="Phó Bí thư Đảng ủy", to_unit="Đảng ủy phường")
    before = state()
    with pytest.raises(DomainError, match="quyết định cán bộ"):
        S.restructure_undo(actor=tree.admin, operation=op, reason="Nhầm")
    assert state() == before


def test_a_journal_kept_in_the_document_moves_to_the_tables_and_still_undoes(tree):
    """Migration 0004: an operation applied while its journal held the snapshot rows in its document (as before)
    gets them in the journal tables, and undoing it puts everything back; undone, no snapshot row is left."""
    import importlib

    from django.apps import apps

    from tcxd.orgs.models import JournalOrg, JournalVersion

    member(tree.cell_a1)
    before = state()
    op = apply(tree.admin, "merge", {"sources": [tree.commune_a.pk, tree.commune_b.pk],
                                     "new": {"parent_id": tree.province.pk, "code": "XAB", "name": "Đảng bộ xã Mới",
                                             "kind": OrgKind.COMMUNE}}, on=ON)
    orgs = {r.pop("org_id"): r for r in JournalOrg.objects.filter(operation_id=op.pk).values(
        "org_id", "path", "depth", "numchild", "status", "valid_to", "code", "name", "short_name", "name_norm", "kind",
        "grassroots_type", "congress_cycle_months")}
    versions = {r.pop("version_id"): r for r in JournalVersion.objects.filter(operation_id=op.pk).values(
        "version_id", "org_id", "change_id", "valid_from", "valid_to", "path", "depth", "parent_id", "code", "name",
        "short_name", "kind", "grassroots_type", "admin_unit_id", "status")}
    assert orgs and versions
    iso = lambda row: {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}  # noqa: E731
    legacy = {k: v for k, v in op.journal.items() if k != "operation_id"}
    legacy |= {"orgs": {str(k): iso(v) for k, v in orgs.items()}, "versions": {str(k): iso(v) for k, v in
                                                                                versions.items()}}
    JournalOrg.objects.all().delete()
    JournalVersion.objects.all().delete()
    RestructureOperation.objects.filter(pk=op.pk).update(journal=legacy)
    importlib.import_module("tcxd.restructure.migrations.0004_journal_rows_in_tables").rows_to_tables(apps, None)
    op.refresh_from_db()
    assert op.journal["operation_id"] == op.pk and "orgs" not in op.journal and "versions" not in op.journal
    assert JournalOrg.objects.filter(operation_id=op.pk).count() == len(orgs)
    assert JournalVersion.objects.filter(operation_id=op.pk).count() == len(versions)
    S.restructure_undo(actor=tree.admin, operation=op, reason="Nhập nhầm")
    after = state()
    assert {k: v for k, v in after.items() if k != "changes"} == {k: v for k, v in before.items() if k != "changes"}
    assert not JournalOrg.objects.exists() and not JournalVersion.objects.exists()
