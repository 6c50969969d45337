"""Documents in a real browser: from a dossier, download the admission decision (.docx, filled from the record)
and the lý lịch đảng viên PDF; then edit the decision template — a bad upload refused in Vietnamese, an edited one
used for the next document. No console error or CSP violation (the autouse ``browser_errors`` fixture).

Fixtures `tree` and `users` come from tcxd/conftest.py; xa is the officer of commune A.
"""

from __future__ import annotations

import io
import os

import pytest
from playwright.sync_api import Page, expect

from tcxd.audit.models import AuditEntry
from tcxd.documents.models import DocumentTemplate
from tcxd.documents.rendering import docx_text
from tcxd.members.tests.conftest import admit, new_candidate

pytestmark = pytest.mark.browser
NAME = "Nguyễn Thị Ánh Tuyết"


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("TCXD_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def _docx(*paragraphs: str) -> bytes:
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_decision_cv_pdf_and_template_upload(app, page: Page, users, tree):
    # given an admitted member of cell A1 and commune A's officer on the dossier's events tab
    member = new_candidate(tree, serial=621, sex="F", full_name=NAME, hometown="Xã Hòa Bình, tỉnh Lạng Sơn")
    admit(tree, member)
    app.login("xa")
    app.goto(app.member_path(member) + "?tab=su-kien")
    _shot(page, "ho-so-su-kien-van-ban.png")

    # when downloading the admission decision beside its event
    with page.expect_download() as info:
        page.get_by_test_id("event-decision-ket_nap").click()
    # then the .docx is filled with the member's values
    text = docx_text(open(info.value.path(), "rb").read())
    assert f"Kết nạp đồng chí {NAME}" in text and "ĐẢNG ỦY PHƯỜNG ĐÔNG KINH" in text and "Số 01-QĐ/ĐU" in text
    assert info.value.suggested_filename.startswith(f"quyet-dinh-ket-nap-{member.pk}-")

    # when opening the lý lịch from the documents menu and downloading its PDF
    page.get_by_test_id("documents-menu").get_by_role("button").click()
    page.get_by_test_id("cv-print-link").click()
    expect(page.get_by_test_id("cv-name")).to_have_text(NAME.upper())
    expect(page.get_by_text("Mẫu 1-HSĐV").first).to_be_visible()
    _shot(page, "ly-lich-dang-vien.png")
    with page.expect_download() as info:
        page.get_by_test_id("cv-pdf-link").click()
    assert open(info.value.path(), "rb").read().startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="export", object_repr=f"ly-lich-dang-vien/{member.pk}.pdf").exists()

    # when uploading a template with an unknown placeholder on the templates page
    app.goto("/van-ban/mau/")
    _shot(page, "mau-van-ban.png")
    page.get_by_role("link", name="Sửa, tải lên").first.click()
    expect(page.get_by_test_id("placeholders")).to_contain_text("{{ ho_ten }}")
    page.get_by_label("Tệp mẫu đã sửa (.docx)").set_input_files({
        "name": "mau.docx", "mimeType": "application/octet-stream",
        "buffer": _docx("Đồng chí {{ ho_ten }}, {{ ten_sai }}")})
    page.get_by_role("button", name="Tải lên và dùng mẫu này").click()
    # then it is refused, naming the placeholder, and nothing is saved
    expect(page.get_by_test_id("error-file")).to_contain_text("{{ ten_sai }}")
    assert not DocumentTemplate.objects.exists()
    _shot(page, "mau-van-ban-tu-choi.png")

    # when uploading an edited one
    page.get_by_label("Tệp mẫu đã sửa (.docx)").set_input_files({
        "name": "mau.docx", "mimeType": "application/octet-stream",
        "buffer": _docx("QUYẾT ĐỊNH (mẫu phường) kết nạp {{ ho_ten_in_hoa }}")})
    page.get_by_label("Ghi chú (nội dung sửa)").fill("Mẫu của phường")
    page.get_by_role("button", name="Tải lên và dùng mẫu này").click()
    # then it is the template in use, in the history
    expect(page.get_by_test_id("template-source")).to_contain_text("mẫu riêng của Đảng bộ phường Đông Kinh")
    expect(page.get_by_test_id("template-history")).to_contain_text("Mẫu của phường")
    _shot(page, "mau-van-ban-da-luu.png")

    # and the next decision uses it
    app.goto(app.member_path(member) + "?tab=su-kien")
    with page.expect_download() as info:
        page.get_by_test_id("event-decision-ket_nap").click()
    assert f"QUYẾT ĐỊNH (mẫu phường) kết nạp {NAME.upper()}" in docx_text(open(info.value.path(), "rb").read())
