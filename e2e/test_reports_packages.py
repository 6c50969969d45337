"""Report packages in a real browser: the province officer builds a form for a subtree and a day and downloads
it, then generates the annual package of the province (a bad year is refused in Vietnamese), is stopped from
submitting it without the narrative, writes the narrative, submits it with a confirm and sees it frozen; the
.docx downloaded holds the figures; the consolidation shows the commune that did not submit.

Fixtures `tree` and `users` come from tcxd/conftest.py (province Lạng Sơn → communes Đông Kinh, Cao Lộc).
"""

from __future__ import annotations

import datetime as dt
import importlib
import io

import docx as python_docx
import pytest
from django.apps import apps
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tcxd.reports.models import ReportForm, ReportPackageTemplate
from tcxd.reports.tests.test_stats import _official

pytestmark = pytest.mark.browser
_shipped_forms = importlib.import_module("tcxd.reports.migrations.0003_shipped_forms")
_shipped_templates = importlib.import_module("tcxd.reports.migrations.0005_shipped_package_templates")


@pytest.fixture
def data(tree):
    """The shipped forms and templates (an earlier browser test's flush removed them) and five official
    members: three in Đông Kinh, two in Cao Lộc."""
    if not ReportForm.objects.exists():
        _shipped_forms.load_forms(apps, None)
    if not ReportPackageTemplate.objects.exists():
        _shipped_templates.load_templates(apps, None)
    for cell, born in ((tree.cell_a1, 1960), (tree.cell_a1, 1985), (tree.gcell_a2, 1995), (tree.cell_b1, 1990),
                       (tree.cell_b1, 1991)):
        _official(cell, dt.date(born, 1, 1), dt.date(2016, 1, 4))


def test_build_a_form_export_it_then_generate_and_submit_a_package(app, page: Page, users, tree, data):
    # given the province officer builds the consolidated form of the province on a past day
    app.login("tinh")
    page.get_by_role("button", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="Biểu thống kê").click()
    page.get_by_label("Biểu", exact=True).select_option("1-TCTW-TH")
    page.get_by_label("Tính đến ngày").fill("15/11/2025")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_test_id("report-table").locator('tr[data-row="tong"] td').first).to_have_text("5")
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    with open(download.value.path(), "rb") as fh:
        ws = load_workbook(io.BytesIO(fh.read())).active
    assert ws["A4"].value == "Tính đến ngày 15/11/2025"

    # when the annual package of the province is generated from the menu, first with a year that cannot be read
    page.get_by_role("button", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="Báo cáo định kỳ").click()
    expect(page.get_by_role("heading", name="Báo cáo định kỳ")).to_be_visible()
    expect(page.get_by_test_id("package-empty")).to_be_visible()
    page.get_by_test_id("package-create-link").click()
    page.get_by_label("Mẫu báo cáo").select_option("BC-NAM")
    page.get_by_label("Năm báo cáo").fill("năm ngoái")
    page.get_by_role("button", name="Tạo báo cáo").click()
    expect(page.get_by_test_id("error-year")).to_contain_text("Năm báo cáo phải là một năm từ 1930")
    page.get_by_label("Năm báo cáo").fill("2025")
    page.get_by_role("button", name="Tạo báo cáo").click()

    # then the draft shows its stored figures
    expect(page.get_by_test_id("package-status")).to_have_text("Dự thảo")
    expect(page.get_by_test_id("package-title")).to_have_text("Tổng kết công tác tổ chức xây dựng Đảng năm 2025")
    table = page.locator('[data-testid="report-table"][data-form="1-TCTW-DV"]')
    expect(table.locator('tr[data-row="tong"] td').first).to_have_text("5")

    # when it is submitted without the narrative, the rule is named
    page.get_by_test_id("package-submit-link").click()
    page.get_by_test_id("confirm-button").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("Chưa viết phần lời văn: Đánh giá chung tình hình")

    # when the narrative is written and the package submitted, with the confirm
    page.get_by_role("link", name=tree.province.name).click()
    page.get_by_test_id("package-narrative-link").click()
    for label in ("Đánh giá chung tình hình", "Kết quả công tác tổ chức xây dựng Đảng",
                  "Hạn chế, khuyết điểm và nguyên nhân", "Phương hướng, nhiệm vụ kỳ tới", "Đề xuất, kiến nghị"):
        page.get_by_label(label).fill(f"{label}: nội dung của năm 2025.")
    page.get_by_role("button", name="Lưu lời văn").click()
    expect(page.get_by_test_id("narrative-kien_nghi")).to_contain_text("Đề xuất, kiến nghị: nội dung")
    page.get_by_test_id("package-submit-link").click()
    expect(page.locator(".alert-warning")).to_contain_text("số liệu và tệp Word của báo cáo được khóa")
    page.get_by_test_id("confirm-button").click()

    # then it is frozen: no more submit, edit or regenerate
    expect(page.get_by_test_id("package-status")).to_contain_text("Đã nộp, số liệu đã khóa")
    expect(page.get_by_test_id("package-submitted-on")).to_have_text(dt.date.today().strftime("%d/%m/%Y"))
    expect(page.get_by_test_id("package-submit-link")).to_have_count(0)
    expect(page.get_by_test_id("package-narrative-link")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_test_id("package-docx").click()
    with open(download.value.path(), "rb") as fh:
        document = python_docx.Document(io.BytesIO(fh.read()))
    assert any(p.text == "Đề xuất, kiến nghị: nội dung của năm 2025." for p in document.paragraphs)
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["Tổng số đảng viên", "5", "0", "0"] in rows

    # and the diff says nothing changed
    page.get_by_test_id("package-diff-link").click()
    expect(page.get_by_test_id("diff-summary")).to_contain_text("Không có ô nào thay đổi")

    # and the list shows it submitted
    page.get_by_role("link", name="Báo cáo định kỳ").first.click()
    expect(page.get_by_test_id("package-list")).to_contain_text("Đã nộp")
