"""The dashboard (Tổng quan) in a real browser: the province officer opens it from the "Báo cáo" menu, Chart.js
(served locally) draws the five charts without a console error (CSP included), each "Xem bảng" toggle reveals
the chart's numbers as a table, and a day with no figures says "Chưa có số liệu" instead of drawing.

Fixtures `tree` and `users` come from tcxd/conftest.py (province Lạng Sơn → communes Đông Kinh, Cao Lộc).
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tcxd.orgs import committee as C
from tcxd.reports.models import Indicator
from tcxd.reports.services import target_set
from tcxd.reports.tests.test_dashboard import member

pytestmark = pytest.mark.browser
CHARTS = ("members_by_status", "admissions", "pyramid", "political_theory", "congress")


@pytest.fixture
def figures(tree):
    """Three members (a man and a woman admitted in 2025, a woman this year), a target of 4 admissions, and
    the congress of one of the three cells."""
    today = dt.date.today()
    member(tree.cell_a1, decided=dt.date(2025, 8, 1), birth=dt.date(1960, 3, 3), theory="cao_cap")
    member(tree.cell_a1, decided=dt.date(2025, 9, 1), sex="F", birth=dt.date(1990, 6, 6), theory="trung_cap")
    member(tree.cell_b1, decided=max(dt.date(today.year, 1, 1), today - dt.timedelta(days=30)), sex="F",
           birth=dt.date(2001, 1, 1))
    target_set(actor=tree.admin, org=tree.province, year=today.year, indicator=Indicator.ADMISSIONS, planned=4)
    C.congress_create(actor=tree.admin, org=tree.cell_a1, term_start_year=2025, term_end_year=2027,
                      held_on=dt.date(2025, 9, 1))
    return tree


def test_five_charts_drawn_with_their_tables_a_click_away(app, page: Page, users, figures):
    # given the province officer on the dashboard, reached from the menu
    app.login("tinh")
    page.get_by_role("button", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="Tổng quan").click()
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
    expect(page.get_by_test_id("dashboard-scope")).to_contain_text("Đảng bộ tỉnh Lạng Sơn")

    # then Chart.js drew each of the five charts on a canvas of non-zero size
    for key in CHARTS:
        canvas = page.locator(f'canvas[data-chart="{key}"]')
        expect(canvas).to_be_visible()
        drawn = canvas.evaluate("c => !!window.Chart && !!Chart.getChart(c) && c.width > 0 && c.height > 0")
        assert drawn, key
        expect(page.get_by_test_id(f"table-{key}")).to_be_hidden()
    expect(page.get_by_test_id("summary-admissions")).to_contain_text("1 đảng viên, đạt 25,00 % (chỉ tiêu: tự đặt)")

    # when the pyramid's "Xem bảng" is clicked, its table shows the same numbers
    pyramid = page.get_by_test_id("chart-pyramid")
    toggle = pyramid.get_by_role("button", name="Xem bảng")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    table = page.get_by_test_id("table-pyramid")
    expect(table).to_be_visible()
    expect(pyramid.get_by_role("button", name="Ẩn bảng")).to_have_attribute("aria-expanded", "true")
    expect(table.locator("tfoot tr")).to_have_text("Cộng123")
    expect(table.get_by_role("row").filter(has_text="61–70 tuổi")).to_contain_text("1")

    # and the congress table: one of Đông Kinh's two cells held its congress
    page.get_by_test_id("chart-congress").get_by_role("button", name="Xem bảng").click()
    congress = page.get_by_test_id("table-congress")
    expect(congress.get_by_role("row").filter(has_text="Đảng bộ phường Đông Kinh")).to_contain_text("50,00 %")
    expect(congress.get_by_role("row").filter(has_text="Đảng bộ xã Cao Lộc")).to_contain_text("0,00 %")

    # when the table is hidden again
    pyramid.get_by_role("button", name="Ẩn bảng").click()
    expect(table).to_be_hidden()


def test_a_day_without_figures_and_a_future_day(app, page: Page, users, figures):
    app.login("tinh")
    app.goto("/bao-cao/tong-quan/")
    page.get_by_label("Số liệu tại ngày").fill("01/01/2020")
    page.get_by_label("Năm chỉ tiêu").fill("2020")
    page.get_by_role("button", name="Xem", exact=True).click()
    for key in CHARTS:
        expect(page.get_by_test_id(f"empty-{key}")).to_have_text("Chưa có số liệu.")
    expect(page.locator("canvas")).to_have_count(0)

    future = dt.date.today() + dt.timedelta(days=2)
    page.get_by_label("Số liệu tại ngày").fill(future.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.get_by_test_id("param-errors")).to_contain_text("không được sau ngày hôm nay")
    expect(page.locator('canvas[data-chart="pyramid"]')).to_be_visible()
