"""The organization tree in a real browser: log in, browse and search the tree, found a cell (bad
input first), move it, read its history; scope (404), read-only roles (403) and a committee rule.

Fixtures `tree` and `users` come from tcxd/conftest.py:
root → province (Lạng Sơn) → commune A "Đông Kinh" (cell A1, grassroots cell A2) / commune B "Cao Lộc" (cell B1);
users: tinh (province officer), lanhdao (leader, read-only), xa (officer of commune A).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tcxd.conftest import make_org
from tcxd.orgs import services
from tcxd.orgs.kinds import GrassrootsType, OrgKind
from tcxd.orgs.models import CommitteeMember, Org, OrgChange

pytestmark = pytest.mark.browser  # a transactional database for each test: see e2e/conftest.py


def test_login_and_logout(app, page: Page, users):
    # given the login page
    app.goto("/")
    expect(page.get_by_role("heading", name="Đăng nhập TCXD")).to_be_visible()

    # when the password is wrong
    app.fill_login("tinh", "sai-mat-khau-123")

    # then a Vietnamese message, and still the login page
    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(page.get_by_role("heading", name="Đăng nhập TCXD")).to_be_visible()

    # when the right password
    app.fill_login("tinh", app.password)

    # then the home page, with the user's role and org in the navigation bar
    expect(page).to_have_url(app.url("/"))
    expect(page.get_by_role("heading", name="Tổng quan phạm vi quản lý")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_contain_text("Chuyên viên Ban Tổ chức")
    expect(page.get_by_test_id("current-user")).to_contain_text("Đảng bộ tỉnh Lạng Sơn")

    # when logging out from the user menu
    page.get_by_test_id("current-user").click()
    page.get_by_role("button", name="Đăng xuất").click()

    # then back on the login page, and the home page is closed again
    app.expect_at("/dang-nhap/")
    expect(page.get_by_role("heading", name="Đăng nhập TCXD")).to_be_visible()
    app.goto("/")
    app.expect_at("/dang-nhap/")


def test_browse_tree_and_search(app, page: Page, users, tree):
    # given the province officer on the tree page
    app.login("tinh")
    page.get_by_role("button", name="Tổ chức", exact=True).click()  # the navigation menu
    page.get_by_role("link", name="Hệ thống tổ chức").click()
    tree_list = page.get_by_test_id("tree")

    # then the province's communes arrive (htmx, on load), but not their cells yet
    commune_a = tree_list.get_by_role("link", name=tree.commune_a.name, exact=True)
    expect(commune_a).to_be_visible()
    expect(tree_list.get_by_role("link", name=tree.commune_b.name, exact=True)).to_be_visible()
    expect(tree_list.get_by_role("link", name=tree.cell_a1.name, exact=True)).to_have_count(0)

    # when expanding commune A (lazy htmx load)
    page.get_by_role("button", name=f"Mở rộng {tree.commune_a.name}", exact=True).click()

    # then its cells appear, and commune B's stay folded
    expect(tree_list.get_by_role("link", name=tree.cell_a1.name, exact=True)).to_be_visible()
    expect(tree_list.get_by_role("link", name=tree.gcell_a2.name, exact=True)).to_be_visible()
    expect(tree_list.get_by_role("link", name=tree.cell_b1.name, exact=True)).to_have_count(0)

    # when clicking into commune A
    commune_a.click()

    # then its page, with its cells listed
    app.expect_at(app.org_path(tree.commune_a))
    expect(page.get_by_test_id("org-name")).to_have_text(tree.commune_a.name)
    expect(page.get_by_test_id("children")).to_contain_text(tree.cell_a1.name)

    # when searching the tree without accents
    page.get_by_role("button", name="Tổ chức", exact=True).click()  # the navigation menu
    page.get_by_role("link", name="Hệ thống tổ chức").click()
    page.get_by_role("searchbox", name="Tìm tổ chức").fill("dong kinh")

    # then the accented orgs are found (htmx, as one types), and only those
    results = page.get_by_test_id("search-results")
    expect(results.get_by_role("link", name=tree.commune_a.name, exact=True)).to_be_visible()
    expect(results.get_by_role("link", name=tree.gcell_a2.name, exact=True)).to_be_visible()
    expect(results.get_by_role("listitem")).to_have_count(2)

    # when viewing the tree as it stood before the 2025 reform
    app.goto("/to-chuc/?ngay=30/06/2025")

    # then the province is there, but not the communes founded on 01/07/2025
    expect(page.get_by_role("heading", name="Cây tổ chức tại ngày 30/06/2025")).to_be_visible()
    as_of = page.get_by_test_id("asof-node")
    expect(as_of).to_have_count(1)
    expect(as_of).to_contain_text(tree.province.name)
    expect(page.get_by_text(tree.commune_a.name)).to_have_count(0)

    # and on the reform day itself they are
    app.goto("/to-chuc/?ngay=01/07/2025")
    expect(page.get_by_test_id("asof-node").filter(has_text=tree.commune_a.name)).to_have_count(1)


def test_create_cell_bad_then_good_move_and_history(app, page: Page, users, tree):
    # given a grassroots committee in commune A that can take in cells
    committee = make_org(tree.admin, tree.commune_a, OrgKind.GRASSROOTS_COMMITTEE, code="XA9",
                         name="Đảng bộ Công ty Cổ phần Đông Kinh",
                         grassroots_type=GrassrootsType.STATE_CAPITAL_ENTERPRISE)
    orgs_before = Org.objects.count()

    # and commune A's officer on the commune's page
    app.login("xa")
    page.get_by_role("link", name=tree.commune_a.name, exact=True).click()
    page.get_by_role("link", name="Thành lập trực thuộc").click()
    expect(page.get_by_role("heading", name=f"Thành lập tổ chức trực thuộc {tree.commune_a.name}")).to_be_visible()

    # when saving an empty form
    page.get_by_role("button", name="Lưu").click()

    # then Vietnamese messages, and nothing saved
    expect(page.get_by_test_id("error-code")).to_have_text("Mã tổ chức không được để trống.")
    expect(page.get_by_test_id("error-name")).to_have_text("Tên tổ chức không được để trống.")
    assert Org.objects.count() == orgs_before

    # when the founding date does not exist
    page.get_by_label("Mã tổ chức", exact=True).fill("XA3")
    page.get_by_label("Tên tổ chức", exact=True).fill("Chi bộ Khu phố 3")
    page.get_by_label("Loại tổ chức", exact=True).select_option(label="Chi bộ trực thuộc")
    page.get_by_label("Ngày thành lập (hiệu lực)").fill("31/02/2025")
    page.get_by_role("button", name="Lưu").click()

    # then the date is refused, the rest is kept, and still nothing saved
    expect(page.get_by_test_id("error-valid_from")).to_contain_text("Ngày không hợp lệ")
    expect(page.get_by_label("Tên tổ chức", exact=True)).to_have_value("Chi bộ Khu phố 3")
    assert Org.objects.count() == orgs_before

    # when the date is right
    page.get_by_label("Ngày thành lập (hiệu lực)").fill("01/09/2025")
    page.get_by_role("button", name="Lưu").click()

    # then the new cell's page
    cell = Org.objects.get(code="XA3")
    assert cell.kind == OrgKind.CELL and cell.parent_path == tree.commune_a.path
    app.expect_at(app.org_path(cell))
    expect(page.get_by_role("alert").filter(has_text="Đã thành lập")).to_contain_text("Đã thành lập Chi bộ Khu phố 3.")
    expect(page.get_by_test_id("org-name")).to_have_text("Chi bộ Khu phố 3")

    # when moving it under the grassroots committee, effective before the cell was founded
    page.get_by_role("link", name="Chuyển trực thuộc", exact=True).click()
    # (the committee is the only other org in commune A that may hold a cell)
    expect(page.locator("#parent-candidates option")).to_have_attribute("value", f"XA9 — {committee.name}")
    page.get_by_label("Tổ chức cấp trên mới").fill(f"XA9 — {committee.name}")
    page.get_by_label("Ngày hiệu lực").fill("15/08/2025")
    page.get_by_role("button", name="Chuyển").click()

    # then the move is refused with the reason, and the cell stays where it was
    expect(page.get_by_test_id("error-effective_on")).to_contain_text(
        "Ngày hiệu lực 15/08/2025 sớm hơn thay đổi đã ghi nhận gần nhất (01/09/2025)")
    assert Org.objects.get(pk=cell.pk).parent_path == tree.commune_a.path
    assert not OrgChange.objects.filter(org=cell, kind=OrgChange.Kind.MOVED).exists()

    # when the effective date is after the founding
    page.get_by_label("Ngày hiệu lực").fill("15/09/2025")
    page.get_by_role("button", name="Chuyển").click()

    # then the cell's page, now under the committee
    app.expect_at(app.org_path(cell))
    expect(page.get_by_role("alert").filter(has_text="Đã chuyển")).to_contain_text(f"sang trực thuộc {committee.name}")
    expect(page.get_by_role("navigation", name="breadcrumb")).to_contain_text(committee.name)

    # when opening its history
    page.get_by_role("link", name="Lịch sử thay đổi").click()

    # then both the founding and the move, with their effective dates, and who did them
    expect(page.get_by_role("heading", name="Lịch sử thay đổi: Chi bộ Khu phố 3")).to_be_visible()
    changes = page.get_by_test_id("changes-table").get_by_role("row")
    expect(changes.filter(has_text="Thành lập")).to_contain_text("01/09/2025")
    expect(changes.filter(has_text="Chuyển trực thuộc")).to_contain_text(
        f"15/09/2025Chuyển trực thuộcTừ {tree.commune_a.name} sang {committee.name}")
    audit = page.get_by_test_id("audit-table").get_by_role("row")
    for action in ("Thành lập tổ chức", "Chuyển trực thuộc"):
        expect(audit.filter(has_text=action).get_by_role("cell", name="xa", exact=True)).to_be_visible()


def test_out_of_scope_is_404(app, page: Page, users, tree):
    # given commune A's officer
    app.login("xa")

    # when opening commune B's page by its URL
    response = app.goto(app.org_path(tree.commune_b))

    # then "not found", without a hint of what is there (not in the text, title or attributes)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Không tìm thấy")).to_be_visible()
    assert tree.commune_b.name not in page.content()

    # and the same for its history and its htmx children fragment
    for path in (f"/to-chuc/{tree.commune_b.pk}/lich-su/", f"/to-chuc/{tree.commune_b.pk}/truc-thuoc/"):
        other = page.request.get(app.url(path))
        assert other.status == 404 and tree.commune_b.name not in other.text()


def test_read_only_leader_sees_no_write_buttons(app, page: Page, users, tree):
    # given the province's leader (read-only) on commune A's page
    app.login("lanhdao")
    app.goto(app.org_path(tree.commune_a))
    expect(page.get_by_test_id("org-name")).to_have_text(tree.commune_a.name)
    expect(page.get_by_test_id("children")).to_contain_text(tree.cell_a1.name)

    # then no write buttons
    expect(page.get_by_role("link", name="Thành lập trực thuộc")).to_have_count(0)
    expect(page.get_by_role("link", name="Giải thể", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Chuyển trực thuộc", exact=True)).to_have_count(0)

    # when opening the edit form by its URL
    response = app.goto(f"/to-chuc/{tree.commune_a.pk}/sua/")

    # then "no permission"
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Không có quyền")).to_be_visible()


def test_committee_rule_message(app, page: Page, users, tree):
    # given cell A1 with 8 official members
    services.org_headcount_set(actor=tree.admin, org=tree.cell_a1, official=8, probationary=0)
    app.login("xa")
    app.goto(app.org_path(tree.cell_a1))
    expect(page.get_by_test_id("headcount")).to_have_text("8 chính thức, 0 dự bị")

    # when adding a committee member seat ("Cấp ủy viên")
    page.get_by_role("link", name="Bổ sung", exact=True).click()
    page.get_by_label("Chức danh").select_option(label="Cấp ủy viên")
    page.get_by_label("Họ và tên").fill("Hoàng Thị Mai")
    page.get_by_label("Từ ngày").fill("01/09/2025")
    page.get_by_label("Hình thức").select_option(label="Bầu")
    page.get_by_role("button", name="Lưu").click()

    # then the A-04 rule in Vietnamese (a cell under 9 official members elects no committee), nothing saved
    expect(page.get_by_test_id("error-role")).to_contain_text("dưới 9")
    expect(page.get_by_label("Họ và tên")).to_have_value("Hoàng Thị Mai")
    assert not CommitteeMember.objects.filter(org=tree.cell_a1).exists()
