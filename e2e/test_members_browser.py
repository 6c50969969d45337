"""Members in a real browser: a candidate (quần chúng ưu tú) taken through admission, ceremony and
recognition by the wizards; bad input refused on each wizard with the rule; a transfer sent by one
commune and received by another; accent-insensitive, scoped search; the read-only leader's view.

Fixtures `tree` and `users` come from tcxd/conftest.py:
root → province (Lạng Sơn) → commune A "Đông Kinh" (cell A1 "Chi bộ Khối 1", code XA1) /
commune B "Cao Lộc" (cell B1 "Chi bộ Thôn Bản Cắm", code XB1);
users: lanhdao (province leader, read-only), xa (officer of commune A), tinh (province officer).

The engine refuses events dated in the future and judges each event by the rules in force on its
date, so every story here is dated 2024–2026 in the past (the full admission rules exist from
28/09/2021). Set-up that is not under test goes through the services (tcxd.members.tests.conftest).
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Locator, Page, expect

from tcxd.authz.models import Role
from tcxd.conftest import make_user
from tcxd.members import services as MS
from tcxd.members.models import Member, MemberEvent
from tcxd.members.tests.conftest import admit, cccd_for, new_candidate, vote
from tcxd.orgs.models import OrgHeadcount
from tcxd.rules.pure.membership import EventKind as K
from tcxd.rules.pure.membership import Status

pytestmark = pytest.mark.browser  # a transactional database for each test: see e2e/conftest.py

D = dt.date
MENU = "Ghi nhận sự kiện"
VOTE_SUMMONED, VOTE_YES = "Số đảng viên chính thức được triệu tập", "Số tán thành"
Field = tuple["str | Locator", "str | bool"]


# --- wizard helpers ---------------------------------------------------------------------------------

def navigate(page: Page, menu: str, item: str) -> None:
    """Through the navigation bar's dropdown menus."""
    page.wait_for_load_state()  # Bootstrap's dropdown script must have run
    page.get_by_role("button", name=menu, exact=True).click()
    page.get_by_role("link", name=item, exact=True).click()


def open_wizard(page: Page, label: str) -> None:
    """From the member page: the "Ghi nhận sự kiện" menu, then one wizard."""
    page.wait_for_load_state()  # the menu is a Bootstrap dropdown: its script must have run
    page.get_by_role("button", name=MENU).click()
    page.get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", name=label, exact=True)).to_be_visible()


def fill(page: Page, *fields: Field) -> None:
    """(label or locator, value) pairs: text is typed, True ticks a checkbox."""
    for field, value in fields:
        box = page.get_by_label(field, exact=True) if isinstance(field, str) else field
        if value is True:
            box.check()
        else:
            box.fill(value)


def submit(page: Page) -> None:
    page.get_by_role("button", name="Ghi nhận", exact=True).click()


def record(page: Page, label: str, *fields: Field) -> None:
    """Open the wizard, fill it, save, and land back on the member's events tab."""
    open_wizard(page, label)
    fill(page, *fields)
    submit(page)
    expect(page.get_by_role("alert").filter(has_text="Đã ghi nhận")).to_contain_text(f"Đã ghi nhận: {label}.")
    expect(page.get_by_test_id("events-table")).to_be_visible()


def expect_refused(page: Page, testid: str, *parts: str) -> None:
    """A refusal: still on the wizard, with every part of the message in the given error box."""
    box = page.get_by_test_id(testid)
    for part in parts:
        expect(box).to_contain_text(part)
    expect(page.get_by_test_id("event-form")).to_be_visible()


def events_of(member: Member) -> int:
    return MemberEvent.objects.filter(member=member).count()


def introducer_months(page: Page) -> Locator:
    # each introducer's "months together" field has its own label: first, then second
    return page.get_by_label("số tháng cùng công tác/sinh sống")


# --- tests ------------------------------------------------------------------------------------------

def test_candidate_through_admission_ceremony_and_recognition(app, page: Page, users, tree):
    # given commune A's officer on cell A1's page
    app.login("xa")
    app.goto(app.org_path(tree.cell_a1))
    expect(page.get_by_test_id("headcount")).to_have_text("0 chính thức, 0 dự bị")

    # when opening the candidate form
    page.get_by_role("link", name="Lập hồ sơ quần chúng ưu tú").click()
    expect(page.get_by_role("heading", name=f"Lập hồ sơ quần chúng ưu tú — {tree.cell_a1.name}")).to_be_visible()

    # and saving it without a name, with an 11-digit CCCD and a birth date that does not exist
    page.get_by_label("Giới tính", exact=True).select_option(label="Nam")
    page.get_by_label("Ngày sinh", exact=True).fill("31/02/1990")
    page.get_by_label("Số CCCD", exact=True).fill("02009000007")
    page.get_by_label("Ngày chi bộ giới thiệu quần chúng ưu tú").fill("10/01/2024")
    page.get_by_role("button", name="Lưu").click()

    # then the date is refused in Vietnamese, what was typed is kept, and nothing is saved
    expect(page.get_by_test_id("error-birth_date")).to_contain_text("Ngày không hợp lệ")
    expect(page.get_by_label("Số CCCD", exact=True)).to_have_value("02009000007")
    assert Member.objects.count() == 0

    # when the date is right but the name and the CCCD are still wrong
    page.get_by_label("Ngày sinh", exact=True).fill("20/05/1990")
    page.get_by_role("button", name="Lưu").click()

    # then both are refused in Vietnamese, and still nothing is saved
    expect(page.get_by_test_id("error-full_name")).to_have_text("Chưa nhập họ và tên.")
    expect(page.get_by_test_id("error-cccd")).to_have_text("Số CCCD phải gồm đúng 12 chữ số.")
    assert Member.objects.count() == 0

    # when the name and a well-formed CCCD (Lạng Sơn, male, born 1990) are given
    page.get_by_label("Họ và tên đang dùng", exact=True).fill("Hoàng Văn Bình")
    page.get_by_label("Số CCCD", exact=True).fill(cccd_for(77))
    page.get_by_role("button", name="Lưu").click()

    # then the new member's page, as a candidate
    member = Member.objects.get(full_name="Hoàng Văn Bình")
    app.expect_at(app.member_path(member))
    expect(page.get_by_role("alert").filter(has_text="Đã lập hồ sơ")).to_contain_text(
        "Đã lập hồ sơ quần chúng ưu tú Hoàng Văn Bình.")
    expect(page.get_by_test_id("member-name")).to_have_text("Hoàng Văn Bình")
    expect(page.get_by_test_id("member-status")).to_have_text("Quần chúng ưu tú (đang xét kết nạp)")

    # when the admission pipeline is recorded, step by step, through the event menu
    record(page, "Học lớp bồi dưỡng nhận thức về Đảng",
           ("Ngày hiệu lực", "30/01/2024"), ("Số giấy chứng nhận", "GCN-0124"))
    record(page, "Đơn xin vào Đảng", ("Ngày hiệu lực", "09/02/2024"))
    record(page, "Người giới thiệu", ("Ngày hiệu lực", "10/02/2024"),
           ("Người giới thiệu thứ nhất (họ tên)", "Lê Văn Hùng"),
           ("Người thứ nhất là đảng viên chính thức", True), (introducer_months(page).nth(0), "24"),
           ("Người giới thiệu thứ hai (họ tên)", "Trần Thị Mai"),
           ("Người thứ hai là đảng viên chính thức", True), (introducer_months(page).nth(1), "13"))
    record(page, "Thẩm tra lý lịch", ("Ngày hiệu lực", "11/03/2024"))
    record(page, "Chi bộ xét, đề nghị kết nạp", ("Ngày hiệu lực", "10/04/2024"),
           (VOTE_SUMMONED, "9"), (VOTE_YES, "6"))  # 6 of 9: exactly 2/3
    record(page, "Quyết định kết nạp", ("Ngày hiệu lực", "29/04/2024"), ("Số quyết định", "01-QĐ/ĐU"),
           ("Ngày ký quyết định", "29/04/2024"), ("Cơ quan quyết định", tree.commune_a.name))
    expect(page.get_by_test_id("member-status")).to_have_text("Đã có quyết định kết nạp, chờ lễ kết nạp")
    record(page, "Lễ kết nạp", ("Ngày hiệu lực", "13/05/2024"))

    # then a probationary member, whose probation ends 12 months after the ceremony
    expect(page.get_by_test_id("member-status")).to_have_text("Đảng viên dự bị")
    expect(page.get_by_text("13/05/2025", exact=True)).to_be_visible()  # "Hết dự bị"

    # when the cell votes on recognition, and the member is recognized on the probation end date
    record(page, "Chi bộ xét công nhận chính thức", ("Ngày hiệu lực", "13/05/2025"),
           (VOTE_SUMMONED, "9"), (VOTE_YES, "8"))
    record(page, "Công nhận đảng viên chính thức", ("Ngày hiệu lực", "13/05/2025"),
           ("Số quyết định", "05-QĐ/ĐU"), ("Ngày ký quyết định", "26/05/2025"))

    # then an official member, every step in the events tab with its date
    expect(page.get_by_test_id("member-status")).to_have_text("Đảng viên chính thức")
    rows = page.get_by_test_id("events-table").get_by_role("row")
    expect(rows).to_have_count(1 + 10)  # header + candidacy + 9 steps
    expect(rows.filter(has_text="Lễ kết nạp")).to_contain_text("13/05/2024")
    expect(rows.filter(has_text="Công nhận đảng viên chính thức")).to_contain_text("13/05/2025")
    expect(rows.filter(has_text="Công nhận đảng viên chính thức")).to_contain_text("05-QĐ/ĐU ngày 26/05/2025")
    member.refresh_from_db()
    assert (member.status, member.ceremony_on, member.official_on) == (
        Status.OFFICIAL, D(2024, 5, 13), D(2025, 5, 13))

    # and the cell's headcount, derived from the member records, shows the official member
    page.get_by_role("link", name=tree.cell_a1.name, exact=True).click()
    app.expect_at(app.org_path(tree.cell_a1))
    expect(page.get_by_test_id("headcount")).to_have_text("1 chính thức, 0 dự bị")


def test_wizard_bad_input_is_refused_with_the_rule(app, page: Page, users, tree):
    # given a candidate with a certificate and an application (through the services)
    candidate = new_candidate(tree, serial=21, full_name="Lý Văn Sơn", on=D(2024, 1, 10))
    for kind, on in ((K.AWARENESS_COURSE, D(2024, 1, 30)), (K.APPLICATION, D(2024, 2, 9))):
        MS.member_event_record(actor=tree.admin, member=candidate, kind=kind, on=on)
    # and a probationary member whose probation ended on 13/05/2025, the cell having voted that day
    probationer = new_candidate(tree, serial=22, full_name="Nông Văn Tài", on=D(2024, 1, 10))
    ceremony = admit(tree, probationer, start=D(2024, 1, 10))
    assert ceremony == D(2024, 5, 13)
    MS.member_event_record(actor=tree.admin, member=probationer, kind=K.RECOGNITION_VOTE, on=D(2025, 5, 13),
                           data=vote(8))
    app.login("xa")
    app.goto(app.member_path(candidate))
    saved = events_of(candidate)

    # when one introducer has shared work or life with the candidate for only 6 months
    open_wizard(page, "Người giới thiệu")
    expect(page.get_by_role("note")).to_contain_text("ít nhất 12 tháng")  # the rule, stated up front
    fill(page, ("Ngày hiệu lực", "10/02/2024"),
         ("Người giới thiệu thứ nhất (họ tên)", "Lê Văn Hùng"),
         ("Người thứ nhất là đảng viên chính thức", True), (introducer_months(page).nth(0), "6"),
         ("Người giới thiệu thứ hai (họ tên)", "Trần Thị Mai"),
         ("Người thứ hai là đảng viên chính thức", True), (introducer_months(page).nth(1), "24"))
    submit(page)

    # then the 12-month rule, with its reference, and nothing saved
    expect_refused(page, "form-errors",
                   "Người giới thiệu Lê Văn Hùng phải cùng công tác, học tập hoặc sinh sống với người vào Đảng "
                   "ít nhất 12 tháng (mới ghi 6 tháng)", "Điều lệ Đảng, Điều 4", "(B-03)")
    assert events_of(candidate) == saved

    # when corrected to 13 months
    fill(page, (introducer_months(page).nth(0), "13"))
    submit(page)

    # then it is recorded
    expect(page.get_by_role("alert").filter(has_text="Đã ghi nhận")).to_contain_text("Đã ghi nhận: Người giới thiệu.")
    saved = events_of(candidate)

    # when the ceremony is recorded before any admission decision (the wizard, by its URL)
    app.goto(f"{app.member_path(candidate)}su-kien/ceremony/")
    expect(page.get_by_role("heading", name="Lễ kết nạp", exact=True)).to_be_visible()
    fill(page, ("Ngày hiệu lực", "01/03/2024"))
    submit(page)

    # then the status rule, and nothing saved
    expect_refused(page, "form-errors",
                   "Không thể ghi nhận «lễ kết nạp» khi người này đang ở trạng thái «quần chúng ưu tú (đang xét "
                   "kết nạp)»", "chỉ áp dụng khi: đã có quyết định kết nạp, chờ lễ kết nạp", "(B-07)")
    assert events_of(candidate) == saved

    # when the cell's vote counts more votes in favour than members on the roster
    app.goto(app.member_path(candidate))
    open_wizard(page, "Chi bộ xét, đề nghị kết nạp")
    expect(page.get_by_role("note")).to_contain_text("≥ 2/3 đảng viên chính thức tán thành")
    fill(page, ("Ngày hiệu lực", "10/04/2024"), (VOTE_SUMMONED, "9"), (VOTE_YES, "10"))
    submit(page)

    # then the count is refused with its rule, and nothing saved
    expect_refused(page, "error-d_yes", "số tán thành (10) lớn hơn tổng số dùng để tính tỷ lệ (9)", "(A-09)")
    assert events_of(candidate) == saved

    # when the vote is 5 of 9: below 2/3, but a vote that took place (a fact worth recording, B-05)
    fill(page, (VOTE_YES, "5"))
    submit(page)
    expect(page.get_by_role("alert").filter(has_text="Đã ghi nhận")).to_contain_text("Chi bộ xét, đề nghị kết nạp")
    saved = events_of(candidate)

    # and the admission decision is then recorded on the strength of that vote
    open_wizard(page, "Quyết định kết nạp")
    fill(page, ("Ngày hiệu lực", "29/04/2024"), ("Số quyết định", "02-QĐ/ĐU"), ("Ngày ký quyết định", "29/04/2024"))
    submit(page)

    # then the 2/3 rule, and nothing saved: still a candidate
    expect_refused(page, "form-errors", "Nghị quyết chi bộ ngày 10/04/2024 không được ít nhất 2/3 đảng viên chính "
                                        "thức tán thành", "chưa thể kết nạp", "(B-05)")
    assert events_of(candidate) == saved
    candidate.refresh_from_db()
    assert candidate.status == Status.CANDIDATE

    # when the probationary member is recognized a week after the probation end
    app.goto(app.member_path(probationer))
    saved = events_of(probationer)
    open_wizard(page, "Công nhận đảng viên chính thức")
    fill(page, ("Ngày hiệu lực", "20/05/2025"), ("Số quyết định", "05-QĐ/ĐU"), ("Ngày ký quyết định", "20/05/2025"))
    submit(page)

    # then the message names the probation end date, and nothing saved: still probationary
    expect_refused(page, "error-on", "đúng ngày hết 12 tháng dự bị (13/05/2025)",
                   "ngày hiệu lực ghi là 20/05/2025", "Điều lệ Đảng, Điều 5", "(B-11)")
    expect(page.get_by_label("Số quyết định", exact=True)).to_have_value("05-QĐ/ĐU")
    assert events_of(probationer) == saved
    probationer.refresh_from_db()
    assert probationer.status == Status.PROBATIONARY


def test_transfer_sent_by_one_commune_received_by_another(app, page: Page, users, tree):
    # given a probationary member of cell A1 (commune A), and commune B's officer
    member = new_candidate(tree, serial=41, full_name="Vi Văn Thắng", on=D(2025, 8, 4))
    admit(tree, member, start=D(2025, 8, 4))
    make_user("xb", Role.OFFICER, tree.commune_b)
    assert OrgHeadcount.objects.get(org=tree.cell_a1).probationary == 1

    # and commune A's officer on the member's page
    app.login("xa")
    app.goto(app.member_path(member))
    expect(page.get_by_test_id("member-status")).to_have_text("Đảng viên dự bị")
    saved = events_of(member)

    # when sending the member to an org code that does not exist
    open_wizard(page, "Giới thiệu chuyển sinh hoạt đảng chính thức")
    fill(page, ("Ngày hiệu lực", "05/01/2026"), ("Số quyết định", "GT-15/ĐU"), ("Ngày ký quyết định", "05/01/2026"),
         ("Mã tổ chức đảng nơi đến", "XB9"))
    submit(page)

    # then the code is refused, and nothing saved
    expect_refused(page, "error-target_code", "Không có tổ chức đảng đang hoạt động mã “XB9”.")
    assert events_of(member) == saved

    # when sending the member to commune B's cell by its code
    fill(page, ("Mã tổ chức đảng nơi đến", tree.cell_b1.code))
    submit(page)

    # then the member is "being transferred", still counted at the sender
    expect(page.get_by_role("alert").filter(has_text="Đã ghi nhận")).to_contain_text(
        "Đã ghi nhận: Giới thiệu chuyển sinh hoạt đảng chính thức.")
    expect(page.get_by_text(f"Đang chuyển sinh hoạt đến {tree.cell_b1.name}")).to_be_visible()
    expect(page.get_by_test_id("events-table").get_by_role("row").filter(has_text="GT-15/ĐU")).to_contain_text(
        f"Giới thiệu chuyển sinh hoạt đảng chính thức → {tree.cell_b1.name}")

    # when commune B's officer opens "Chuyển sinh hoạt"
    app.logout()
    app.login("xb")
    navigate(page, "Đảng viên", "Chuyển sinh hoạt")
    app.expect_at("/chuyen-sinh-hoat/")

    # then the member waits in the incoming list, from cell A1 to cell B1
    incoming = page.get_by_test_id("incoming").get_by_role("row").filter(has_text=member.full_name)
    expect(incoming).to_contain_text(tree.cell_a1.name)
    expect(incoming).to_contain_text(tree.cell_b1.name)
    expect(incoming).to_contain_text("05/01/2026")

    # when receiving the member
    incoming.get_by_role("link", name="Tiếp nhận").click()
    expect(page.get_by_role("heading", name="Tiếp nhận sinh hoạt đảng chính thức")).to_be_visible()
    fill(page, ("Ngày hiệu lực", "12/01/2026"))
    submit(page)

    # then the member's page, now in cell B1, no longer being transferred
    app.expect_at(app.member_path(member))
    expect(page.get_by_role("alert").filter(has_text="Đã ghi nhận")).to_contain_text(
        "Đã ghi nhận: Tiếp nhận sinh hoạt đảng chính thức.")
    expect(page.get_by_role("link", name=tree.cell_b1.name, exact=True)).to_be_visible()
    expect(page.get_by_text("Đang chuyển sinh hoạt")).to_have_count(0)

    # and cell B1's headcount includes the member
    page.get_by_role("link", name=tree.cell_b1.name, exact=True).click()
    app.expect_at(app.org_path(tree.cell_b1))
    expect(page.get_by_test_id("headcount")).to_have_text("0 chính thức, 1 dự bị")

    # when commune A's officer opens the member's page again
    app.logout()
    app.login("xa")
    response = app.goto(app.member_path(member))

    # then "not found", and cell A1 no longer counts the member
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Không tìm thấy")).to_be_visible()
    assert member.full_name not in page.content()
    app.goto(app.org_path(tree.cell_a1))
    expect(page.get_by_test_id("headcount")).to_have_text("0 chính thức, 0 dự bị")


def test_member_search_accent_insensitive_and_scoped(app, page: Page, users, tree):
    # given two candidates in commune A and one in commune B
    new_candidate(tree, serial=51, full_name="Đặng Thị Hạnh", sex="F")
    new_candidate(tree, serial=52, full_name="Nguyễn Văn Đức")
    other = new_candidate(tree, org=tree.cell_b1, serial=53, full_name="Đặng Thị Lan", sex="F")

    # and commune A's officer on the member list
    app.login("xa")
    navigate(page, "Đảng viên", "Danh sách, tìm kiếm")
    app.expect_at("/dang-vien/")
    table = page.get_by_test_id("member-table")

    # when searching without accents
    page.get_by_role("searchbox", name="Tìm đảng viên").fill("dang thi")
    page.get_by_role("button", name="Tìm", exact=True).click()

    # then the accented name in scope is found, and only it (not commune B's "Đặng Thị Lan")
    expect(page.get_by_role("searchbox", name="Tìm đảng viên")).to_have_value("dang thi")
    expect(table.get_by_role("link", name="Đặng Thị Hạnh", exact=True)).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(1 + 1)
    expect(table).not_to_contain_text("Đặng Thị Lan")

    # when searching commune B's member by her given name
    page.get_by_role("searchbox", name="Tìm đảng viên").fill("lan")
    page.get_by_role("button", name="Tìm", exact=True).click()

    # then nothing in scope, and her page is "not found"
    expect(table).to_contain_text("Không có kết quả trong phạm vi quản lý.")
    response = app.goto(app.member_path(other))
    assert response is not None and response.status == 404

    # while the province officer, whose scope holds both communes, finds both
    app.logout()
    app.login("tinh")
    app.goto("/dang-vien/?q=dang+thi")
    table = page.get_by_test_id("member-table")
    expect(table.get_by_role("link", name="Đặng Thị Hạnh", exact=True)).to_be_visible()
    expect(table.get_by_role("link", name="Đặng Thị Lan", exact=True)).to_be_visible()


def test_leader_sees_masked_cccd_and_no_event_menu(app, page: Page, users, tree):
    # given a probationary member of cell A1 with restricted dossier notes
    member = new_candidate(tree, serial=61, full_name="Hà Thị Nga", sex="F",
                           sensitive={"family_political_notes": "Ghi chú hạn chế về gia đình"})
    admit(tree, member)
    assert member.cccd == cccd_for(61, "F")

    # when the province's leader (read-only) opens the member's page
    app.login("lanhdao")
    app.goto(app.member_path(member))
    expect(page.get_by_test_id("member-name")).to_have_text("Hà Thị Nga")
    expect(page.get_by_test_id("member-status")).to_have_text("Đảng viên dự bị")

    # then the CCCD is masked to its last 4 digits, and the restricted notes are not shown
    expect(page.get_by_test_id("cccd")).to_have_text("••••••••" + member.cccd[-4:])
    assert member.cccd not in page.content()
    expect(page.get_by_text("Thông tin hạn chế")).to_have_count(0)
    assert "Ghi chú hạn chế về gia đình" not in page.content()

    # and no event menu, no edit link, no undo link in the events tab
    expect(page.get_by_role("button", name=MENU)).to_have_count(0)
    expect(page.get_by_role("link", name="Sửa hồ sơ")).to_have_count(0)
    page.get_by_role("link", name="Sự kiện", exact=True).click()
    expect(page.get_by_test_id("events-table")).to_contain_text("Lễ kết nạp")
    expect(page.get_by_role("link", name="Hủy (nhập nhầm)")).to_have_count(0)

    # and no candidate form on the cell's page
    page.get_by_role("link", name=tree.cell_a1.name, exact=True).click()
    app.expect_at(app.org_path(tree.cell_a1))
    expect(page.get_by_role("link", name="Lập hồ sơ quần chúng ưu tú")).to_have_count(0)

    # when opening a wizard or the candidate form by its URL
    for path in (f"{app.member_path(member)}su-kien/recognition_vote/", f"{app.member_path(member)}sua/",
                 f"/to-chuc/{tree.cell_a1.pk}/quan-chung/them/"):
        response = app.goto(path)

        # then "no permission"
        assert response is not None and response.status == 403, path
        expect(page.get_by_role("heading", name="Không có quyền")).to_be_visible()
    assert events_of(member) == 8
