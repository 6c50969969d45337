"""Targets and progress in a real browser: the province officer opens "Chỉ tiêu và tiến độ" from the
menu, sets the year's admissions target (a bad figure first), and reads the ratio the Vietnamese way;
an earlier day counts fewer admissions; the read-only leader sees the figures but no form.

Fixtures `tree` and `users` come from tcxd/conftest.py (province Lạng Sơn → communes Đông Kinh, Cao Lộc).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tcxd.reports.models import Target
from tcxd.reports.tests.factories import bulk_admissions

pytestmark = pytest.mark.browser


@pytest.fixture
def admissions(tree):
    """934 admission decisions this year: 700 in commune Đông Kinh on 01/01, 234 in Cao Lộc on 02/01."""
    year = timezone.localdate().year
    bulk_admissions(tree.cell_a1, [dt.date(year, 1, 1)] * 700)
    bulk_admissions(tree.cell_b1, [dt.date(year, 1, 2)] * 234)
    return year


def test_set_a_target_and_see_the_ratio(app, page: Page, users, tree, admissions):
    year = admissions
    # given the province officer on the targets page, reached from the menu
    app.login("tinh")
    page.get_by_role("button", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="Chỉ tiêu và tiến độ").click()
    expect(page.get_by_role("heading", name="Chỉ tiêu và tiến độ")).to_be_visible()
    expect(page.get_by_test_id("progress-summary")).to_have_text("934 đảng viên (chưa có chỉ tiêu)")
    expect(page.get_by_test_id("progress-source")).to_have_text("chưa có chỉ tiêu")

    # when a negative figure is saved
    page.get_by_label("Số kế hoạch (đảng viên)").fill("-5")
    page.get_by_role("button", name="Lưu chỉ tiêu").click()

    # then the rule is named in Vietnamese and nothing is saved
    expect(page.get_by_test_id("error-planned")).to_contain_text("Số kế hoạch phải là số nguyên dương (lớn hơn 0)")
    assert not Target.objects.exists()

    # when the figure is corrected, with a thousands separator
    page.get_by_label("Số kế hoạch").fill("1.300")
    page.get_by_role("button", name="Lưu chỉ tiêu").click()

    # then back on the progress page: 934 of 1.300 = 71,85 %
    expect(page.get_by_role("alert")).to_contain_text(
        f"Đã đặt chỉ tiêu kết nạp đảng viên mới năm {year} của Đảng bộ tỉnh Lạng Sơn: 1.300 đảng viên.")
    expect(page.get_by_test_id("progress-summary")).to_have_text("934 đảng viên, đạt 71,85 %")
    expect(page.get_by_test_id("progress-planned")).to_have_text("1.300")
    expect(page.get_by_test_id("progress-source")).to_have_text("tự đặt")
    expect(page.get_by_test_id("progress-ratio")).to_have_text("71,85 %")
    rows = page.get_by_test_id("progress-row")
    expect(rows.filter(has_text="Đảng bộ phường Đông Kinh")).to_contain_text("700")
    expect(rows.filter(has_text="Đảng bộ xã Cao Lộc")).to_contain_text("234")
    expect(page.get_by_test_id("target-history")).to_contain_text("đang áp dụng")

    # when looking at 01/01 of the year: only the first day's 700 admissions
    page.get_by_label("Tính đến ngày").fill(f"01/01/{year}")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_test_id("progress-summary")).to_have_text("700 đảng viên, đạt 53,85 %")

    # when the date cannot be read
    page.get_by_label("Tính đến ngày").fill("32/01/2026")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_test_id("param-errors")).to_contain_text("Ngày không hợp lệ")


def test_read_only_leader_sees_progress_without_forms(app, page: Page, users, tree, admissions):
    Target.objects.create(org=tree.province, year=admissions, indicator="admissions", planned=1300,
                          created_at=timezone.now())
    app.login("lanhdao")
    app.goto("/bao-cao/chi-tieu/")
    expect(page.get_by_test_id("progress-summary")).to_have_text("934 đảng viên, đạt 71,85 %")
    expect(page.get_by_test_id("target-form")).to_have_count(0)
    response = app.goto(f"/bao-cao/chi-tieu/{tree.province.pk}/dat/")
    assert response is not None and response.status == 403
