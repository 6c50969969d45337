"""Report forms in a real browser: the province officer opens "Biểu thống kê" from the menu, picks a
form, a subtree and a day, reads the table (Vietnamese numbers), then downloads the .xlsx and finds the
same figure in it; a day that cannot be read is said in Vietnamese.

Fixtures `tree` and `users` come from tcxd/conftest.py (province Lạng Sơn → communes Đông Kinh, Cao Lộc).
"""

from __future__ import annotations

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tcxd.reports import exports
from tcxd.reports.models import ReportForm
from tcxd.reports.tests.test_stats import _official

pytestmark = pytest.mark.browser
_shipped = importlib.import_module("tcxd.reports.migrations.0003_shipped_forms")


@pytest.fixture
def forms(tree):
    """The shipped forms (a data migration: an earlier browser test's flush removed them) and five members:
    three official members in Đông Kinh (one a woman), two in Cao Lộc."""
    if not ReportForm.objects.exists():
        _shipped.load_forms(apps, None)
    _official(tree.cell_a1, dt.date(1960, 1, 1), dt.date(2016, 1, 4))
    _official(tree.cell_a1, dt.date(1985, 6, 1), dt.date(2016, 1, 4))
    _official(tree.gcell_a2, dt.date(1995, 3, 1), dt.date(2016, 1, 4))
    _official(tree.cell_b1, dt.date(1990, 1, 1), dt.date(2016, 1, 4))
    _official(tree.cell_b1, dt.date(1991, 1, 1), dt.date(2016, 1, 4))


def test_build_a_form_for_a_subtree_and_a_day_and_export_it(app, page: Page, users, tree, forms):
    today = dt.date.today().strftime("%d/%m/%Y")
    # given the province officer on "Biểu thống kê", reached from the menu
    app.login("tinh")
    page.get_by_role("button", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="Biểu thống kê").click()
    expect(page.get_by_role("heading", name="Biểu thống kê")).to_be_visible()

    # when the consolidated form is chosen for the province today
    page.get_by_label("Biểu", exact=True).select_option("1-TCTW-TH")
    page.get_by_label("Tính đến ngày").fill(today)
    page.get_by_role("button", name="Xem").click()

    # then one row per commune under merged headers
    table = page.get_by_test_id("report-table")
    expect(page.get_by_test_id("report-title")).to_have_text("Số lượng đảng viên theo đơn vị trực thuộc (tổng hợp)")
    expect(table.locator("thead th", has_text="Chia ra")).to_have_attribute("colspan", "2")
    expect(table.locator(f'tr[data-row="child:{tree.commune_a.pk}"] td').first).to_have_text("3")
    expect(table.locator(f'tr[data-row="child:{tree.commune_b.pk}"] td').first).to_have_text("2")
    expect(table.locator('tr[data-row="tong"] td').first).to_have_text("5")

    # when a subtree is chosen: the quality form of commune Đông Kinh
    page.get_by_label("Biểu", exact=True).select_option("3-TCTW")
    page.get_by_label("Tổ chức (cây trực thuộc)").select_option(label="— Đảng bộ phường Đông Kinh")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_test_id("report-org")).to_have_text("Đảng bộ phường Đông Kinh")
    expect(table.locator('tr[data-row="tong"] td').first).to_have_text("3")

    # and the .xlsx is downloaded: the same figure, in the form's layout
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename.startswith(f"3-TCTW_{tree.commune_a.pk}_")
    with open(download.value.path(), "rb") as fh:
        ws = load_workbook(io.BytesIO(fh.read())).active
    assert ws["A3"].value == "Đảng bộ phường Đông Kinh"
    header = 6  # title rows, then the header rows
    assert ws.cell(row=header, column=3).value == "Tuổi đời"
    first_body = header + 2
    assert ws.cell(row=first_body, column=1).value == "Tổng số đảng viên"
    assert ws.cell(row=first_body, column=2).value == 3
    assert ws.cell(row=first_body, column=2).number_format == exports.NUMBER_FORMAT

    # when the movement form is chosen, the period inputs replace the day
    page.get_by_label("Biểu", exact=True).select_option("BD-KY")
    expect(page.get_by_label("Tính đến ngày")).to_be_hidden()
    page.get_by_label("Từ ngày", exact=True).fill("01/01/2016")
    page.get_by_label("Đến ngày", exact=True).fill(today)
    page.get_by_role("button", name="Xem").click()
    expect(table.locator('tr[data-row="ket_nap"] td').first).to_have_text("3")

    # when a day cannot be read
    page.get_by_label("Đến ngày", exact=True).fill("31/02/2026")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_test_id("param-errors")).to_contain_text("Đến ngày: Ngày không hợp lệ")
