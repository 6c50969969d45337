"""Setting and removing targets: scope, validation (every field, all at once, in Vietnamese), one audit
row per write, history kept, nothing half-saved."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tcxd.audit.models import AuditEntry
from tcxd.common.errors import NotFound, PermissionDenied, ValidationFailed
from tcxd.orgs import services as org_services
from tcxd.reports.models import Indicator, Target
from tcxd.reports.services import target_remove, target_set

ADM = Indicator.ADMISSIONS
THIS_YEAR = timezone.localdate().year


def _audits():
    return AuditEntry.objects.filter(action__startswith="target.")


def test_set_change_and_remove_keep_history_with_one_audit_row_each(tree):
    first = target_set(actor=tree.admin, org=tree.province, year=2026, indicator=ADM, planned=1300,
                       note="  Nghị quyết Đại hội  ")
    assert (first.planned, first.note, first.created_by, first.ended_at) == (1300, "Nghị quyết Đại hội", tree.admin,
                                                                           None)
    assert _audits().count() == 1
    second = target_set(actor=tree.admin, org=tree.province, year=2026, indicator=ADM, planned=1400)
    first.refresh_from_db()
    assert first.ended_at is not None and first.ended_by == tree.admin and second.ended_at is None
    entry = _audits().order_by("-id").first()
    assert (entry.action, entry.before["planned"], entry.after["planned"]) == ("target.set", 1300, 1400)
    assert entry.org_path == tree.province.path and _audits().count() == 2

    removed = target_remove(actor=tree.admin, org=tree.province, year=2026, indicator=ADM, note="Giao lại")
    assert removed.pk == second.pk and removed.ended_at is not None
    assert _audits().count() == 3 and _audits().order_by("-id").first().action == "target.remove"
    assert Target.objects.filter(org=tree.province).count() == 2  # nothing deleted
    assert not Target.objects.filter(org=tree.province, ended_at__isnull=True).exists()
    # set again after removal
    target_set(actor=tree.admin, org=tree.province, year=2026, indicator=ADM, planned=1200)
    assert Target.objects.filter(org=tree.province, ended_at__isnull=True).get().planned == 1200


def test_every_field_is_checked_at_once_in_vietnamese(tree):
    with pytest.raises(ValidationFailed) as exc:
        target_set(actor=tree.admin, org=tree.province, year=1800, indicator="dang_phi", planned=0, note="x" * 501)
    errors = exc.value.errors
    assert set(errors) == {"year", "indicator", "planned", "note"}
    assert "Năm của chỉ tiêu phải là một năm từ 1930 đến" in errors["year"][0]
    assert "không có trong danh mục chỉ tiêu" in errors["indicator"][0]
    assert "Kết nạp đảng viên mới (admissions)" in errors["indicator"][0]
    assert errors["planned"] == ["Số kế hoạch phải là số nguyên dương (lớn hơn 0), ví dụ 1.300; đã nhập “0”."]
    assert errors["note"] == ["Ghi chú tối đa 500 ký tự."]
    assert not Target.objects.exists() and not _audits().exists()


@pytest.mark.parametrize("field, value, message", [
    ("planned", -5, "Số kế hoạch phải là số nguyên dương"),
    ("planned", "12a", "Số kế hoạch phải là số nguyên dương"),
    ("planned", 2.5, "Số kế hoạch phải là số nguyên dương"),
    ("planned", True, "Số kế hoạch phải là số nguyên dương"),
    ("planned", None, "Chưa nhập số kế hoạch."),
    ("planned", 10_000_001, "Số kế hoạch không được vượt quá 10.000.000"),
    ("year", THIS_YEAR + 6, f"đến {THIS_YEAR + 5}"),
    ("year", 1929, "từ 1930"),
    ("year", "năm nay", "Năm của chỉ tiêu phải là một năm"),
    ("year", None, "Chưa nhập năm của chỉ tiêu."),
    ("indicator", "", "Chưa chọn chỉ tiêu."),
    ("indicator", "ADMISSIONS", "không có trong danh mục"),
])
def test_each_invalid_field(tree, field, value, message):
    args = {"year": 2026, "indicator": ADM, "planned": 10, **{field: value}}
    with pytest.raises(ValidationFailed) as exc:
        target_set(actor=tree.admin, org=tree.commune_a, **args)
    assert list(exc.value.errors) == [field]
    assert message in exc.value.errors[field][0]
    assert not Target.objects.exists()


def test_limits_are_accepted(tree):
    target_set(actor=tree.admin, org=tree.commune_a, year=THIS_YEAR + 5, indicator=ADM, planned=10_000_000)
    target_set(actor=tree.admin, org=tree.commune_a, year=1930, indicator=Indicator.CELL_CONGRESS, planned=1)
    assert Target.objects.count() == 2


def test_closed_org_takes_no_target(tree):
    org_services.org_close(actor=tree.admin, org=tree.cell_b1, last_day=timezone.localdate())
    tree.cell_b1.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        target_set(actor=tree.admin, org=tree.cell_b1, year=2026, indicator=ADM, planned=3)
    assert "đã giải thể" in exc.value.errors["org"][0]


def test_remove_without_target_says_so(tree):
    with pytest.raises(ValidationFailed) as exc:
        target_remove(actor=tree.admin, org=tree.commune_a, year=2026, indicator=ADM)
    assert exc.value.errors == {"indicator": ["Đảng bộ phường Đông Kinh chưa tự đặt chỉ tiêu kết nạp đảng viên mới "
                                              "năm 2026: không có gì để xóa."]}
    with pytest.raises(ValidationFailed) as exc:
        target_remove(actor=tree.admin, org=tree.commune_a, year=3000, indicator="x")
    assert set(exc.value.errors) == {"year", "indicator"}


def test_scope_out_of_subtree_is_not_found_and_read_only_is_denied(tree, users):
    with pytest.raises(NotFound):
        target_set(actor=users["commune_officer"], org=tree.commune_b, year=2026, indicator=ADM, planned=3)
    with pytest.raises(NotFound):  # scope is checked before the input
        target_set(actor=users["commune_officer"], org=tree.commune_b, year=1, indicator="?", planned=-1)
    for role in ("leader", "cell", "member"):
        with pytest.raises(PermissionDenied):
            target_set(actor=users[role], org=tree.cell_a1, year=2026, indicator=ADM, planned=3)
    target_set(actor=tree.admin, org=tree.cell_b1, year=2026, indicator=ADM, planned=3)
    with pytest.raises(NotFound):
        target_remove(actor=users["commune_officer"], org=tree.cell_b1, year=2026, indicator=ADM)
    with pytest.raises(PermissionDenied):
        target_remove(actor=users["leader"], org=tree.cell_b1, year=2026, indicator=ADM)
    target_set(actor=users["commune_officer"], org=tree.cell_a1, year=2026, indicator=ADM, planned=3)
    assert Target.objects.filter(ended_at__isnull=True).count() == 2
