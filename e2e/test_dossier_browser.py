"""The member dossier in a real browser: a history row (bad input first), a document upload and
download, and the printable phiếu đảng viên (no CSP violation: the autouse ``browser_errors``
fixture fails the test on any console error).

Fixtures `tree` and `users` come from tcxd/conftest.py; users: xa (officer of commune A),
lanhdao (the province's read-only leader).
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from tcxd.members.models import Attachment, WorkHistory
from tcxd.members.tests.conftest import new_candidate

pytestmark = pytest.mark.browser  # a transactional database for each test: see e2e/conftest.py
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_history_row_document_and_print(app, page: Page, users, tree, media):
    # given a candidate of cell A1 and commune A's officer on the "Quá trình" tab
    member = new_candidate(tree, serial=611, full_name="Hoàng Thị Thu Hà", sex="F")
    app.login("xa")
    app.goto(app.member_path(member) + "?tab=qua-trinh")

    # when adding a work row with the end before the start and no position
    page.get_by_role("link", name="Công tác").click()
    page.get_by_label("Từ ngày").fill("01/09/2015")
    page.get_by_label("Đến ngày (để trống nếu đến nay)").fill("01/09/2014")
    page.get_by_role("button", name="Lưu").click()

    # then both problems are named and nothing is saved
    expect(page.get_by_test_id("error-position")).to_have_text("Chưa nhập chức vụ, công việc.")
    expect(page.get_by_test_id("error-to_date")).to_contain_text("trước thời gian bắt đầu")
    assert WorkHistory.objects.count() == 0

    # when correcting it
    page.get_by_label("Đến ngày (để trống nếu đến nay)").fill("")
    page.get_by_label("Chức vụ, công việc").fill("Giáo viên")
    page.get_by_label("Đơn vị, cơ quan").fill("Trường Tiểu học Đông Kinh")
    page.get_by_role("button", name="Lưu").click()

    # then the row is on the tab
    expect(page.get_by_test_id("rows-work")).to_contain_text("01/09/2015 – nay: Giáo viên, Trường Tiểu học Đông Kinh")

    # when uploading the application (đơn xin vào Đảng) on the "Tài liệu" tab
    app.goto(app.member_path(member) + "?tab=tai-lieu")
    expect(page.get_by_test_id("missing-docs")).to_contain_text("Đơn xin vào Đảng")
    page.get_by_test_id("attachment-add").click()
    page.get_by_label("Loại tài liệu").select_option("don_xin_vao_dang")
    page.get_by_label("Tệp").set_input_files({"name": "don.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Tải lên").click()

    # then the checklist no longer lists it, and it downloads
    expect(page.get_by_test_id("attachments")).to_contain_text("Đơn xin vào Đảng")
    expect(page.get_by_test_id("missing-docs")).not_to_contain_text("Đơn xin vào Đảng")
    with page.expect_download() as info:
        page.get_by_role("link", name="tải về").click()
    assert open(info.value.path(), "rb").read() == PDF
    assert Attachment.objects.count() == 1

    # when opening the print page
    app.goto(f"/dang-vien/{member.pk}/in/")

    # then the phiếu, styled by its own stylesheet (A4 sheet), with the name in capitals
    expect(page.get_by_test_id("print-name")).to_have_text("HOÀNG THỊ THU HÀ")
    expect(page.get_by_text("ĐẢNG CỘNG SẢN VIỆT NAM")).to_be_visible()
    width = page.get_by_test_id("print-sheet").evaluate("e => e.getBoundingClientRect().width")
    assert 780 < width < 810  # 210 mm at 96 dpi
    if os.environ.get("TCXD_SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["TCXD_SCREENSHOT_DIR"], "phieu-dang-vien.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="In phiếu")).to_be_hidden()


def test_read_only_leader_has_no_dossier_write_buttons(app, page: Page, users, tree):
    # given a member and the province's read-only leader
    member = new_candidate(tree, serial=612)
    app.login("lanhdao")

    # then no add buttons on the histories tab, no upload on the documents tab, but the print page
    app.goto(app.member_path(member) + "?tab=qua-trinh")
    expect(page.get_by_test_id("history-add")).to_have_count(0)
    expect(page.get_by_role("link", name="In phiếu đảng viên")).to_be_visible()
    app.goto(app.member_path(member) + "?tab=tai-lieu")
    expect(page.get_by_test_id("attachment-add")).to_have_count(0)

    # and the add page by its URL is refused
    response = app.goto(f"/dang-vien/{member.pk}/qua-trinh/work/them/")
    assert response is not None and response.status == 403


@pytest.fixture
def geo_units():
    """The administrative units (a data migration; an earlier browser test's flush removed them)."""
    import importlib

    from django.apps import apps as django_apps

    from tcxd.geo.models import AdminUnit

    if not AdminUnit.objects.exists():
        importlib.import_module("tcxd.geo.migrations.0002_load_units").load(django_apps, None)


def _png(size=(300, 400)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_hometown_picker_photo_and_event_evidence(app, page: Page, users, tree, media, geo_units):
    from django.db.models import Count

    from tcxd.geo.models import AdminUnit, Level, MapVersion
    from tcxd.members.models import Member

    old = (AdminUnit.objects.filter(map_version=MapVersion.PRE2025, level=Level.COMMUNE)
           .annotate(n=Count("successor_links__successor", distinct=True)).filter(n=1).order_by("code").first())
    new = old.successor_links.get().successor
    member = new_candidate(tree, serial=612, full_name="Lục Văn Quê")
    shots = os.environ.get("TCXD_SCREENSHOT_DIR")
    app.login("xa")

    # when typing the old commune's name without accents in the pre-2025 picker and choosing it
    app.goto(f"/dang-vien/{member.pk}/sua/")
    picker = page.get_by_label("Quê quán theo địa giới trước 01/07/2025 (xã, huyện, tỉnh)")
    picker.fill(old.name_norm.split(" ", 1)[1])
    option = page.get_by_test_id("unit-option").filter(has_text=old.parent.name).first
    expect(option).to_contain_text(f"Nay: {new.name}")
    if shots:
        page.screenshot(path=os.path.join(shots, "que-quan-goi-y.png"), full_page=True)
    option.click()
    expect(picker).to_have_value(f"{old.code} — {old.name}, {old.parent.name}, {old.parent.parent.name}")
    page.get_by_role("button", name="Lưu").click()

    # then the dossier shows the home commune on both maps (the 2025 one derived)
    expect(page.get_by_test_id("hometown")).to_contain_text(f"Trước 01/07/2025: {old.name}")
    expect(page.get_by_test_id("hometown")).to_contain_text(f"Từ 01/07/2025: {new.name}")

    # when uploading a PDF as the photo, then a real portrait
    page.get_by_test_id("photo-set").click()
    page.get_by_label("Ảnh chân dung 3 × 4").set_input_files({"name": "anh.jpg", "mimeType": "image/jpeg",
                                                              "buffer": PDF})
    page.get_by_role("button", name="Lưu ảnh").click()
    expect(page.get_by_test_id("error-photo")).to_contain_text("không phải ảnh JPEG/PNG đọc được")
    page.get_by_label("Ảnh chân dung 3 × 4").set_input_files({"name": "anh.png", "mimeType": "image/png",
                                                              "buffer": _png()})
    page.get_by_role("button", name="Lưu ảnh").click()

    # then the portrait shows in the page header (loaded through the scoped photo URL)
    image = page.get_by_test_id("member-photo").get_by_role("img")
    expect(image).to_be_visible()
    # (visible can come before the file is decoded: wait for it, then read its size)
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") == 300
    if shots:
        page.screenshot(path=os.path.join(shots, "dang-vien-anh.png"), full_page=True)
    assert Member.objects.get(pk=member.pk).photo

    # when recording the application with the scanned letter attached
    app.goto(f"/dang-vien/{member.pk}/su-kien/application/")
    page.get_by_label("Ngày hiệu lực").fill("01/02/2024")
    expect(page.get_by_label("Loại tài liệu")).to_have_value("don_xin_vao_dang")
    page.get_by_label("Tài liệu kèm theo (PDF, JPEG, PNG; tối đa 10 MB; không bắt buộc)").set_input_files(
        {"name": "don.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="Ghi nhận").click()

    # then the events tab links the document next to the event
    expect(page.get_by_test_id("event-attachment")).to_contain_text("Đơn xin vào Đảng")
    if shots:
        page.screenshot(path=os.path.join(shots, "su-kien-tai-lieu.png"), full_page=True)
    assert Attachment.objects.get(member=member).event.kind == "application"
