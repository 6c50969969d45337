"""Recording and voiding cadre decisions: scope, every problem at once, the rules in force on the dates
(C-06 remaining working time, C-04 discipline waits, C-07 term), one audit row each."""

from __future__ import annotations

import datetime as dt

import pytest

from tcxd.audit.models import AuditEntry
from tcxd.cadres import services as CS
from tcxd.cadres.models import CadreMove
from tcxd.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from tcxd.members import services as MS
from tcxd.members.tests.conftest import new_candidate

from .conftest import cadre, record

D = dt.date


def _audits():
    return AuditEntry.objects.filter(object_type="cadres.cadremove")


def test_an_appointment_is_recorded_with_its_term_and_one_audit_row(tree, cadre_a):
    move = record(tree.admin, cadre_a, tree.province, decision_issuer="Ban Thường vụ Tỉnh ủy",
                  from_position="Chuyên viên", from_unit="Ban Tổ chức Tỉnh ủy", to_unit="Ban Tổ chức Tỉnh ủy")
    move.refresh_from_db()
    assert (move.kind, move.term_end, move.regulation) == ("bo_nhiem", D(2031, 2, 28), "QĐ 377-QĐ/TW")
    assert move.get_kind_display() == "Bổ nhiệm" and move.created_by == tree.admin
    [entry] = _audits()
    assert entry.action == "cadre_move.record.bo_nhiem" and entry.org_path == tree.province.path
    assert entry.after["term_end"] == "2031-02-28" and entry.after["member"] == cadre_a.pk


def test_reappointment_term_and_moves_without_a_term(tree, cadre_a):
    re = record(tree.admin, cadre_a, tree.province, kind="bo_nhiem_lai", effective_on=D(2024, 7, 15),
                decision_date=D(2024, 7, 10))
    assert (re.term_end, re.regulation) == (D(2029, 7, 14), "QĐ 80-QĐ/TW")
    moved = record(tree.admin, cadre_a, tree.province, kind="dieu_dong", to_position="", to_unit="Huyện ủy cũ",
                   to_org=tree.commune_b)
    assert moved.term_end is None and moved.to_org == tree.commune_b
    assert _audits().count() == 2


def test_every_problem_at_once_and_nothing_written(tree, cadre_a):
    with pytest.raises(ValidationFailed) as caught:
        CS.cadre_move_record(actor=tree.admin, member=cadre_a, managing_org=tree.cell_a1, kind="luan_chuyen",
                             effective_on=D(2026, 3, 1), decision_no=" ", decision_date=D(2026, 3, 2),
                             file_received_on=D(2026, 3, 5), to_position="x" * 256)
    errors = caught.value.errors
    assert errors["decision_no"] == ["Chưa nhập số quyết định."]
    assert errors["effective_on"] == ["Ngày hiệu lực 01/03/2026 trước ngày quyết định 02/03/2026."]
    assert errors["file_received_on"] == ["Ngày nhận đủ hồ sơ 05/03/2026 sau ngày quyết định 02/03/2026: hồ sơ được "
                                          "nhận trước khi quyết định."]
    assert errors["to_position"] == ["Tối đa 255 ký tự."]
    assert errors["to_unit"] == ["Luân chuyển: chưa nhập đơn vị (hoặc tổ chức đảng) nơi đến."]
    assert "không có Ban Thường vụ quản lý cán bộ" in errors["managing_org"][0]
    assert not CadreMove.objects.exists() and not _audits().exists()


def test_kind_and_dates_must_be_given(tree, cadre_a):
    with pytest.raises(ValidationFailed) as caught:
        CS.cadre_move_record(actor=tree.admin, member=cadre_a, managing_org=tree.province, kind="thang_chuc",
                             effective_on=None, decision_no="1", decision_date=dt.date.today() + dt.timedelta(days=1))
    errors = caught.value.errors
    assert set(errors) == {"kind", "effective_on", "decision_date"}
    assert errors["decision_date"][0].endswith("ở tương lai: chỉ ghi quyết định đã ban hành.")


def test_only_party_members_on_the_effective_day(tree, cadre_a):
    with pytest.raises(ValidationFailed) as caught:
        record(tree.admin, cadre_a, tree.province, effective_on=D(2024, 3, 1), decision_date=D(2024, 2, 20))
    assert caught.value.errors["member"] == [
        "Hoàng Văn Quyết không phải đảng viên (dự bị hoặc chính thức) vào ngày 01/03/2024: sổ công tác cán bộ ghi "
        "quyết định về cán bộ là đảng viên."]
    candidate = new_candidate(tree, serial=302)
    with pytest.raises(ValidationFailed) as caught:
        record(tree.admin, candidate, tree.province)
    assert list(caught.value.errors) == ["member"]


# -- C-06 ----------------------------------------------------------------------------------------------------
def test_c06_exactly_60_months_passes_59_is_refused_with_the_rule(tree):
    # a man born 05/12/1968 (62 from the 2028 roadmap, reached in 12/2030): pension from 01/01/2031
    near = cadre(tree, serial=303, birth=D(1968, 12, 5), full_name="Lương Văn Hưu")
    ok = record(tree.admin, near, tree.province, higher_post=True, file_received_on=D(2026, 1, 1),
                decision_date=D(2026, 2, 20))
    assert ok.higher_post and "QĐ 377-QĐ/TW" in ok.regulation
    with pytest.raises(ValidationFailed) as caught:
        record(tree.admin, near, tree.province, higher_post=True, file_received_on=D(2026, 1, 2))
    assert caught.value.errors == {"file_received_on": [
        "Chưa đủ 60 tháng công tác đến tuổi nghỉ hưu (QĐ 377-QĐ/TW, HD 06-HD/BTCTW): còn 59 tháng, tính đến ngày cơ "
        "quan tổ chức cán bộ nhận đủ hồ sơ 02/01/2026 (nghỉ hưu từ ngày 01/01/2031)."]}
    assert caught.value.message.startswith("Chưa đủ 60 tháng")
    # an equal post, a reappointment, a transfer: not age-tested
    record(tree.admin, near, tree.province, file_received_on=D(2026, 1, 2))
    record(tree.admin, near, tree.province, kind="bo_nhiem_lai")
    assert CadreMove.objects.filter(member=near).count() == 3


def test_c06_under_kl_08_and_the_woman_cohorts(tree):
    woman = cadre(tree, serial=304, sex="F", birth=D(1970, 3, 8))  # 57y4m in 2027: pension from 01/08/2027
    with pytest.raises(ValidationFailed) as caught:
        record(tree.admin, woman, tree.province, kind="gioi_thieu_ung_cu", higher_post=True,
               file_received_on=D(2024, 6, 1), effective_on=D(2024, 7, 1), decision_date=D(2024, 6, 20))
    assert "(KL 08-KL/TW, HD 06-HD/BTCTW): còn 38 tháng" in caught.value.errors["file_received_on"][0]
    with pytest.raises(ValidationFailed) as caught:
        record(tree.admin, woman, tree.province, higher_post=True, effective_on=D(2026, 3, 1))
    assert caught.value.errors["file_received_on"][0].startswith("Bổ nhiệm lần đầu hoặc chức vụ cao hơn: cần ngày")


def test_higher_post_only_for_appointment_or_candidacy(tree, cadre_a):
    with pytest.raises(ValidationFailed) as caught:
        record(tree.admin, cadre_a, tree.province, kind="dieu_dong", to_unit="Sở Nội vụ", higher_post=True,
               file_received_on=D(2026, 1, 5))
    assert caught.value.errors == {"higher_post": ["Chỉ ghi “bổ nhiệm lần đầu hoặc chức vụ cao hơn” với quyết định bổ "
                                                   "nhiệm hoặc giới thiệu ứng cử."]}


# -- C-04 ----------------------------------------------------------------------------------------------------
def test_c04_reprimand_waits_24_months_to_the_day(tree, cadre_a):
    MS.member_event_record(actor=tree.admin, member=cadre_a, kind="discipline", on=D(2024, 6, 3),
                           decision_no="05-QĐ/ĐU", data={"form": "khien_trach"})
    with pytest.raises(ValidationFailed) as caught:
        record(tree.admin, cadre_a, tree.province, higher_post=True, file_received_on=D(2026, 5, 20),
               decision_date=D(2026, 6, 2), effective_on=D(2026, 6, 2))
    assert caught.value.errors == {"decision_date": [
        "Bị kỷ luật khiển trách ngày 03/06/2024: chưa đủ 24 tháng để bổ nhiệm, giới thiệu ứng cử chức vụ cao hơn "
        "(QĐ 377-QĐ/TW); sớm nhất từ ngày 03/06/2026."]}
    move = record(tree.admin, cadre_a, tree.province, higher_post=True, file_received_on=D(2026, 5, 20),
                  decision_date=D(2026, 6, 3), effective_on=D(2026, 6, 3))
    assert move.pk
    # an equal post is not held back
    record(tree.admin, cadre_a, tree.province, decision_date=D(2026, 6, 1), effective_on=D(2026, 6, 1))


def test_c04_voided_discipline_does_not_count(tree, cadre_a):
    event = MS.member_event_record(actor=tree.admin, member=cadre_a, kind="discipline", on=D(2025, 12, 1),
                                   data={"form": "canh_cao"})
    with pytest.raises(ValidationFailed):
        record(tree.admin, cadre_a, tree.province, higher_post=True, file_received_on=D(2026, 1, 5))
    MS.member_event_void(actor=tree.admin, event=event, reason="Nhập nhầm")
    assert record(tree.admin, cadre_a, tree.province, higher_post=True, file_received_on=D(2026, 1, 5)).pk


# -- scope ---------------------------------------------------------------------------------------------------
def test_scope_of_the_managing_committee_and_of_the_member(tree, users, cadre_a):
    commune_officer, leader = users["commune_officer"], users["leader"]
    with pytest.raises(NotFound):  # managing committee outside commune A
        record(commune_officer, cadre_a, tree.commune_b)
    with pytest.raises(PermissionDenied):
        record(leader, cadre_a, tree.province)
    outsider = cadre(tree, serial=305, org=tree.cell_b1)
    with pytest.raises(NotFound):  # a member the officer cannot see
        record(commune_officer, outsider, tree.commune_a)
    move = record(commune_officer, cadre_a, tree.commune_a, decision_no="3-QĐ/ĐU")
    assert move.managing_org == tree.commune_a and move.created_by == commune_officer
    assert not CadreMove.objects.filter(managing_org=tree.commune_b).exists()


# -- voiding -------------------------------------------------------------------------------------------------
def test_void_keeps_the_row_with_reason_and_one_audit_row(tree, users, cadre_a):
    move = record(tree.admin, cadre_a, tree.commune_a)
    with pytest.raises(ValidationFailed) as caught:
        CS.cadre_move_void(actor=tree.admin, pk=move.pk, reason="  ")
    assert caught.value.errors == {"reason": ["Cần ghi lý do hủy."]}
    with pytest.raises(NotFound):
        CS.cadre_move_void(actor=users["commune_officer"], pk=record(tree.admin, cadre_a, tree.commune_b).pk,
                           reason="x")
    with pytest.raises(PermissionDenied):
        CS.cadre_move_void(actor=users["leader"], pk=move.pk, reason="x")
    with pytest.raises(NotFound):
        CS.cadre_move_void(actor=tree.admin, pk=10**9, reason="x")
    before = _audits().count()
    voided = CS.cadre_move_void(actor=users["commune_officer"], pk=move.pk, reason="Nhập nhầm số quyết định")
    voided.refresh_from_db()
    assert voided.voided and voided.void_reason == "Nhập nhầm số quyết định"
    assert voided.voided_by == users["commune_officer"]
    assert _audits().count() == before + 1
    assert _audits().order_by("-id").first().action == "cadre_move.void"
    with pytest.raises(DomainError) as again:
        CS.cadre_move_void(actor=tree.admin, pk=move.pk, reason="Lần nữa")
    assert again.value.code == "already_voided"
    assert CadreMove.objects.filter(pk=move.pk).exists()
