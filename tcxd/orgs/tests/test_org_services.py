"""org_create / org_update / org_move / org_close: valid and invalid, history, audit."""

from __future__ import annotations

import datetime as dt

import pytest

from tcxd.audit.models import AuditEntry
from tcxd.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from tcxd.conftest import make_org
from tcxd.orgs import selectors as Sel
from tcxd.orgs import services as S
from tcxd.orgs.kinds import GrassrootsType, OrgKind, OrgStatus
from tcxd.orgs.models import Org, OrgVersion

D = dt.date


def audit_rows(obj, action):
    return AuditEntry.objects.filter(object_type="orgs.org", object_id=str(obj.pk), action=action)


class TestCreate:
    def test_valid_cell_is_created_with_version_change_and_audit(self, tree):
        cell = S.org_create(actor=tree.admin, parent=tree.commune_a, code="XA9", name="Chi bộ Khối 9",
                            kind=OrgKind.CELL, valid_from=D(2025, 8, 1))
        assert cell.path.startswith(tree.commune_a.path) and cell.depth == tree.commune_a.depth + 1
        assert cell.congress_cycle_months == 30  # rule in force: cells meet twice in 5 years
        v = OrgVersion.objects.get(org=cell)
        assert (v.valid_from, v.valid_to, v.parent_id) == (D(2025, 8, 1), None, tree.commune_a.id)
        entry = audit_rows(cell, "org.create").get()
        assert entry.actor == tree.admin and entry.after["code"] == "XA9"

    @pytest.mark.parametrize("kwargs, field", [
        ({"code": "", "name": "Chi bộ A"}, "code"),
        ({"code": "XA1", "name": "Chi bộ A"}, "code"),  # duplicate (case-insensitive)
        ({"code": "xa1", "name": "Chi bộ A"}, "code"),
        ({"code": "N1", "name": "  "}, "name"),
    ])
    def test_bad_identity_is_refused_and_nothing_saved(self, tree, kwargs, field):
        before = Org.objects.count()
        with pytest.raises(ValidationFailed) as exc:
            S.org_create(actor=tree.admin, parent=tree.commune_a, kind=OrgKind.CELL,
                         valid_from=D(2025, 8, 1), **kwargs)
        assert field in exc.value.errors
        assert Org.objects.count() == before
        assert not OrgVersion.objects.filter(code=kwargs["code"] or "-").exclude(code="XA1").exists()

    def test_kind_not_allowed_under_parent(self, tree):
        with pytest.raises(ValidationFailed) as exc:
            S.org_create(actor=tree.admin, parent=tree.province, code="N2", name="Chi bộ lạc chỗ",
                         kind=OrgKind.CELL, valid_from=D(2025, 8, 1))
        assert "không thể trực thuộc" in exc.value.errors["kind"][0]

    def test_grassroots_org_needs_a_type(self, tree):
        with pytest.raises(ValidationFailed) as exc:
            S.org_create(actor=tree.admin, parent=tree.commune_a, code="N3", name="Chi bộ Trường",
                         kind=OrgKind.GRASSROOTS_CELL, valid_from=D(2025, 8, 1))
        assert "grassroots_type" in exc.value.errors

    def test_future_date_refused(self, tree):
        with pytest.raises(ValidationFailed) as exc:
            S.org_create(actor=tree.admin, parent=tree.commune_a, code="N4", name="Chi bộ tương lai",
                         kind=OrgKind.CELL, valid_from=dt.date.today() + dt.timedelta(days=2))
        assert "valid_from" in exc.value.errors

    def test_before_parent_founded_refused(self, tree):
        with pytest.raises(ValidationFailed) as exc:
            S.org_create(actor=tree.admin, parent=tree.commune_a, code="N5", name="Chi bộ sớm",
                         kind=OrgKind.CELL, valid_from=D(2025, 6, 30))
        assert "valid_from" in exc.value.errors

    @pytest.mark.parametrize("valid_to, ok", [
        (D(2025, 7, 1), False), (D(2025, 6, 30), True), (D(2020, 1, 1), True),
    ])
    def test_district_level_must_end_by_30_06_2025(self, tree, valid_to, ok):
        """A-01: a district-level node valid after 2025-07-01 is rejected (boundary at 30/6)."""
        call = dict(actor=tree.admin, parent=tree.province, code="H01", name="Đảng bộ huyện Cao Lộc",
                    kind=OrgKind.DISTRICT, valid_from=D(2015, 1, 1), valid_to=valid_to)
        if ok:
            org = S.org_create(**call)
            assert org.status == OrgStatus.CLOSED
            assert Sel.org_version_on(org=org, day=D(2015, 6, 1)) is not None
            assert Sel.org_version_on(org=org, day=valid_to + dt.timedelta(days=1)) is None
        else:
            with pytest.raises(ValidationFailed) as exc:
                S.org_create(**call)
            assert "QĐ 294" in exc.value.errors["valid_to"][0]

    @pytest.mark.parametrize("valid_from, ok", [(D(2025, 6, 30), True), (D(2025, 7, 1), False)])
    def test_an_open_district_awaits_the_abolition_of_its_level(self, tree, valid_from, ok):
        """A-01: a pre-reform district may stand open (entered before the restructuring that abolishes its level,
        warned by the structural check); none is founded from 01/7/2025."""
        call = dict(actor=tree.admin, parent=tree.province, code="H03", name="Huyện ủy Văn Lãng",
                    kind=OrgKind.DISTRICT, valid_from=valid_from)
        if not ok:
            with pytest.raises(ValidationFailed) as exc:
                S.org_create(**call)
            assert "không thành lập tổ chức cấp huyện mới" in exc.value.errors["valid_from"][0]
            return
        org = S.org_create(**call)
        assert org.status == OrgStatus.ACTIVE
        from tcxd.orgs.checks import org_warnings

        assert "district_after_abolition" in {w.code for w in org_warnings(org=tree.province, day=D(2025, 7, 1))}

    def test_historic_child_under_closed_district(self, tree):
        district = S.org_create(actor=tree.admin, parent=tree.province, code="H02", name="Huyện ủy Lộc Bình",
                                kind=OrgKind.DISTRICT, valid_from=D(2015, 1, 1), valid_to=D(2025, 6, 30))
        old = S.org_create(actor=tree.admin, parent=district, code="H02.1", name="Đảng bộ xã Lợi Bác",
                           kind=OrgKind.GRASSROOTS_COMMITTEE, grassroots_type=GrassrootsType.COMMUNE,
                           valid_from=D(2016, 1, 1), valid_to=D(2025, 6, 30))
        assert old.status == OrgStatus.CLOSED
        with pytest.raises(ValidationFailed):  # an active child under a closed parent is refused
            S.org_create(actor=tree.admin, parent=district, code="H02.2", name="Đảng bộ xã Mới",
                         kind=OrgKind.GRASSROOTS_COMMITTEE, grassroots_type=GrassrootsType.COMMUNE,
                         valid_from=D(2016, 1, 1))

    def test_scope_and_role_are_enforced(self, tree, users):
        with pytest.raises(NotFound):
            S.org_create(actor=users["commune_officer"], parent=tree.commune_b, code="N6", name="X",
                         kind=OrgKind.CELL, valid_from=D(2025, 8, 1))
        with pytest.raises(PermissionDenied):
            S.org_create(actor=users["leader"], parent=tree.commune_a, code="N7", name="X",
                         kind=OrgKind.CELL, valid_from=D(2025, 8, 1))


class TestUpdate:
    def test_rename_is_dated(self, tree):
        S.org_update(actor=tree.admin, org=tree.cell_a1, effective_on=D(2025, 10, 1), name="Chi bộ Khối 1 mới")
        before = Sel.org_version_on(org=tree.cell_a1, day=D(2025, 9, 30))
        after = Sel.org_version_on(org=tree.cell_a1, day=D(2025, 10, 1))
        assert before.name == "Chi bộ Khối 1" and after.name == "Chi bộ Khối 1 mới"
        entry = audit_rows(tree.cell_a1, "org.update").get()
        assert entry.before["name"] == "Chi bộ Khối 1" and entry.after["name"] == "Chi bộ Khối 1 mới"
        assert tree.cell_a1.changes.first().kind == "renamed"

    def test_no_change_is_refused(self, tree):
        with pytest.raises(DomainError) as exc:
            S.org_update(actor=tree.admin, org=tree.cell_a1, effective_on=D(2025, 10, 1), name="Chi bộ Khối 1")
        assert exc.value.code == "no_change"

    def test_effective_date_before_recorded_history_is_refused(self, tree):
        S.org_update(actor=tree.admin, org=tree.cell_a1, effective_on=D(2025, 10, 1), name="Tên 2")
        with pytest.raises(DomainError) as exc:
            S.org_update(actor=tree.admin, org=tree.cell_a1, effective_on=D(2025, 9, 1), name="Tên 3")
        assert exc.value.code == "effective_date_before_history"
        assert Org.objects.get(pk=tree.cell_a1.pk).name == "Tên 2"

    def test_retype_grassroots_cell_to_committee(self, tree):
        """A-03: chi bộ cơ sở → đảng bộ cơ sở when it reaches 30 members."""
        org = S.org_update(actor=tree.admin, org=tree.gcell_a2, effective_on=D(2025, 12, 1),
                           kind=OrgKind.GRASSROOTS_COMMITTEE)
        assert org.kind == OrgKind.GRASSROOTS_COMMITTEE
        assert org.changes.first().kind == "retyped"

    def test_retype_refused_when_children_do_not_fit(self, tree):
        make_org(tree.admin, tree.gcell_a2, OrgKind.GROUP, name="Tổ đảng 1")
        with pytest.raises(ValidationFailed) as exc:
            S.org_update(actor=tree.admin, org=tree.gcell_a2, effective_on=D(2025, 12, 1),
                         kind=OrgKind.GRASSROOTS_COMMITTEE)
        assert "Tổ đảng" in exc.value.errors["kind"][0]


class TestMove:
    def test_move_keeps_history_as_of_dates(self, tree):
        group = make_org(tree.admin, tree.cell_a1, OrgKind.GROUP, name="Tổ đảng 1")
        S.org_move(actor=tree.admin, org=tree.cell_a1, new_parent=tree.commune_b, effective_on=D(2025, 11, 1))
        cell = Org.objects.get(pk=tree.cell_a1.pk)
        assert cell.path.startswith(Org.objects.get(pk=tree.commune_b.pk).path)
        assert Sel.org_version_on(org=cell, day=D(2025, 10, 31)).parent_id == tree.commune_a.id
        assert Sel.org_version_on(org=cell, day=D(2025, 11, 1)).parent_id == tree.commune_b.id
        # the descendant moved too, and its old place stays in history
        old_tree = {v.org_id for v in Sel.org_tree_as_of(org=tree.commune_a, day=D(2025, 10, 31))}
        new_tree = {v.org_id for v in Sel.org_tree_as_of(org=tree.commune_b, day=D(2025, 11, 1))}
        assert {cell.id, group.id} <= old_tree and {cell.id, group.id} <= new_tree
        assert {cell.id, group.id}.isdisjoint(
            {v.org_id for v in Sel.org_tree_as_of(org=tree.commune_a, day=D(2025, 11, 1))})
        assert all(not problems for problems in Org.objects.find_problems())
        assert audit_rows(cell, "org.move").count() == 1

    @pytest.mark.parametrize("target", ["self_child", "same_parent", "wrong_kind"])
    def test_invalid_moves(self, tree, target):
        group = make_org(tree.admin, tree.cell_a1, OrgKind.GROUP, name="Tổ đảng 1")
        new_parent = {"self_child": group, "same_parent": tree.commune_a, "wrong_kind": tree.province}[target]
        paths = dict(Org.objects.values_list("id", "path"))
        with pytest.raises(ValidationFailed):
            S.org_move(actor=tree.admin, org=tree.cell_a1, new_parent=new_parent, effective_on=D(2025, 11, 1))
        assert dict(Org.objects.values_list("id", "path")) == paths

    def test_commune_officer_cannot_move_out_of_scope(self, tree, users):
        with pytest.raises(NotFound):
            S.org_move(actor=users["commune_officer"], org=tree.cell_a1, new_parent=tree.commune_b,
                       effective_on=D(2025, 11, 1))


class TestClose:
    def test_close_refused_with_active_children_then_allowed(self, tree):
        with pytest.raises(ValidationFailed) as exc:
            S.org_close(actor=tree.admin, org=tree.commune_b, last_day=D(2025, 12, 31))
        assert "tổ chức trực thuộc" in exc.value.errors["org"][0]
        S.org_close(actor=tree.admin, org=tree.cell_b1, last_day=D(2025, 12, 31))
        closed = S.org_close(actor=tree.admin, org=tree.commune_b, last_day=D(2025, 12, 31))
        assert closed.status == OrgStatus.CLOSED and closed.valid_to == D(2025, 12, 31)
        assert Sel.org_version_on(org=closed, day=D(2025, 12, 31)) is not None
        assert Sel.org_version_on(org=closed, day=D(2026, 1, 1)) is None
        assert Org.objects.filter(pk=closed.pk).exists()  # never hard-deleted

    def test_close_refused_while_members_remain(self, tree):
        S.org_headcount_set(actor=tree.admin, org=tree.cell_b1, official=3, probationary=0)
        with pytest.raises(ValidationFailed) as exc:
            S.org_close(actor=tree.admin, org=tree.cell_b1, last_day=D(2025, 12, 31))
        assert "3 đảng viên" in exc.value.errors["org"][0]


def test_headcount_write_is_audited(tree):
    S.org_headcount_set(actor=tree.admin, org=tree.cell_a1, official=7, probationary=1)
    entry = audit_rows(tree.cell_a1, "org.headcount").get()
    assert entry.after == {"official": 7, "probationary": 1}
    with pytest.raises(ValidationFailed):
        S.org_headcount_set(actor=tree.admin, org=tree.cell_a1, official=-1, probationary=0)


def test_historic_org_records_its_end_and_cannot_end_in_the_future(tree):
    org = S.org_create(actor=tree.admin, parent=tree.province, code="H09", name="Huyện ủy Văn Lãng",
                       kind=OrgKind.DISTRICT, valid_from=D(2015, 1, 1), valid_to=D(2025, 6, 30))
    assert [c.kind for c in org.changes.order_by("effective_on")] == ["created", "closed"]
    with pytest.raises(ValidationFailed) as exc:
        S.org_create(actor=tree.admin, parent=tree.commune_a, code="N10", name="Chi bộ sắp giải thể",
                     kind=OrgKind.CELL, valid_from=D(2025, 8, 1), valid_to=dt.date.today() + dt.timedelta(days=1))
    assert "valid_to" in exc.value.errors
