"""The cadre register in a real browser: the province officer opens "Cán bộ" (công tác cán bộ) from the menu, records an
appointment to a higher post (picking the cadre by name), is refused with the rule's message while the file came
too late (C-06), records it, records a transfer and voids it with a reason, sees the list with and without the
voided decision, then the form "Công tác cán bộ trong kỳ" counting what stands.

Screenshots of every page land in var/screenshots/cadres/ (gitignored; not test-results/, which pytest-playwright
empties at the start of every run).
"""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from tcxd.members.tests.conftest import admit, new_candidate
from tcxd.reports.models import ReportForm

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots" / "cadres"
_shipped = [importlib.import_module(f"tcxd.reports.migrations.{name}")
            for name in ("0003_shipped_forms", "0006_shipped_cadre_form")]


@pytest.fixture
def cadres(tree):
    """The shipped forms (an earlier browser test's flush removed them) and two party members of cell A1."""
    if not ReportForm.objects.filter(code="CB-KY").exists():
        for module in _shipped:
            module.load_forms(apps, None)
    people = {}
    for serial, name, birth in ((801, "Lương Văn Hưu", dt.date(1968, 12, 5)),
                                (802, "Hoàng Văn Quyết", dt.date(1980, 5, 20))):
        member = new_candidate(tree, serial=serial, full_name=name, birth=birth)
        admit(tree, member)
        people[name] = member
    return people


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _pick(page: Page, label: str, typed: str, option: str) -> None:
    page.get_by_label(label, exact=True).fill(typed)
    page.get_by_role("button", name=option).first.click()


def test_record_refuse_void_list_and_count(app, page: Page, users, tree, cadres):
    page.on("dialog", lambda dialog: dialog.accept())  # the "Hủy quyết định này?" confirmation
    app.login("tinh")
    page.get_by_role("link", name="Cán bộ", exact=True).click()
    expect(page.get_by_role("heading", name="Công tác cán bộ")).to_be_visible()
    expect(page.get_by_test_id("cadre-table")).to_contain_text("Không có quyết định nào")
    _shot(page, "1-list-empty")

    # an appointment to a higher post whose file came one day too late: 59 months of work left (C-06)
    page.get_by_test_id("cadre-new").click()
    expect(page.get_by_label("Cấp ủy quản lý cán bộ (diện Ban Thường vụ quản lý)", exact=True)).to_have_value(
        "T20 — Đảng bộ tỉnh Lạng Sơn")
    _pick(page, "Cán bộ (đảng viên)", "luong van", "Lương Văn Hưu")
    page.get_by_label("Loại quyết định").select_option("bo_nhiem")
    page.get_by_label("Số quyết định").fill("20-QĐ/TU")
    page.get_by_label("Ngày quyết định").fill("20/02/2026")
    page.get_by_label("Ngày hiệu lực").fill("01/03/2026")
    page.get_by_label("Chức vụ mới (chức danh bổ nhiệm, ứng cử)").fill("Phó Giám đốc Sở Nội vụ")
    page.get_by_label("Bổ nhiệm lần đầu hoặc bổ nhiệm, giới thiệu ứng cử chức vụ cao hơn").check()
    page.get_by_label("Ngày cơ quan tổ chức cán bộ nhận đủ hồ sơ").fill("02/01/2026")
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.get_by_test_id("error-file_received_on")).to_have_text(
        "Chưa đủ 60 tháng công tác đến tuổi nghỉ hưu (QĐ 377-QĐ/TW, HD 06-HD/BTCTW): còn 59 tháng, tính đến ngày cơ "
        "quan tổ chức cán bộ nhận đủ hồ sơ 02/01/2026 (nghỉ hưu từ ngày 01/01/2031).")
    _shot(page, "2-form-refused")

    # the file received a day earlier: exactly 60 months, recorded, with its term
    page.get_by_label("Ngày cơ quan tổ chức cán bộ nhận đủ hồ sơ").fill("01/01/2026")
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.get_by_test_id("term-end")).to_contain_text("28/02/2031")
    expect(page.get_by_test_id("cadre-detail")).to_contain_text("QĐ 377-QĐ/TW")
    _shot(page, "3-detail")

    # a transfer, recorded then voided with its reason
    page.get_by_role("link", name="Cán bộ", exact=True).click()
    page.get_by_test_id("cadre-new").click()
    _pick(page, "Cán bộ (đảng viên)", "hoang van", "Hoàng Văn Quyết")
    page.get_by_label("Loại quyết định").select_option("dieu_dong")
    page.get_by_label("Số quyết định").fill("21-QĐ/TU")
    page.get_by_label("Ngày quyết định").fill("25/03/2026")
    page.get_by_label("Ngày hiệu lực").fill("01/04/2026")
    page.get_by_label("Đơn vị mới (nơi đến)").fill("Ban Tổ chức Tỉnh ủy")
    page.get_by_role("button", name="Ghi quyết định").click()
    page.get_by_test_id("cadre-void").click()
    _shot(page, "4-void")
    page.get_by_label("Lý do hủy").fill("Nhập nhầm cán bộ")
    page.get_by_test_id("cadre-void-submit").click()
    expect(page.get_by_test_id("voided-badge")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Nhập nhầm cán bộ")
    _shot(page, "5-detail-voided")

    # the list: the voided one only when asked for
    page.get_by_role("link", name="Cán bộ", exact=True).click()
    table = page.get_by_test_id("cadre-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("cadre-summary")).to_contain_text("1 lượt cán bộ: Bổ nhiệm 1")
    page.get_by_label("Kể cả quyết định đã hủy").check()
    page.get_by_role("button", name="Lọc").click()
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("cadre-summary")).to_have_text(
        "1 lượt cán bộ: Bổ nhiệm 1 (và 1 quyết định đã hủy, không tính)")
    expect(table).to_contain_text("đã hủy")
    _shot(page, "6-list")

    # the form of the period counts the appointment, not the voided transfer
    page.get_by_role("button", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="Biểu thống kê").click()
    page.get_by_label("Biểu", exact=True).select_option("CB-KY")
    page.get_by_label("Từ ngày", exact=True).fill("01/01/2026")
    page.get_by_label("Đến ngày", exact=True).fill(dt.date.today().strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Xem").click()
    report = page.get_by_test_id("report-table")
    expect(page.get_by_test_id("report-title")).to_have_text("Công tác cán bộ trong kỳ")
    expect(report.locator('tr[data-row="can_bo"] td').first).to_have_text("1")
    expect(report.locator('tr[data-row="bo_nhiem"] td').first).to_have_text("1")
    expect(report.locator('tr[data-row="dieu_dong"] td').first).to_have_text("0")
    expect(report.locator('tr[data-row="ket_nap"] td').first).to_have_text("0")  # the cadres were admitted in 2024
    _shot(page, "7-form")
