"""Decision documents filled from the record, their user-editable templates, the lý lịch đảng viên and the Word /
PDF renderings of the dossier documents: real content, scoping, refusals in Vietnamese, audit rows."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tcxd.audit.models import AuditEntry
from tcxd.authz.services import api_token_create
from tcxd.documents import services
from tcxd.documents.context import decision_context, placeholders, sample_context
from tcxd.documents.defaults import default_template_docx
from tcxd.documents.kinds import DocumentKind
from tcxd.documents.models import DocumentTemplate
from tcxd.documents.rendering import docx_text, template_problems
from tcxd.members import printing
from tcxd.members.models import MemberEvent, MemberSensitive
from tcxd.members.tests.conftest import admit, new_candidate

D = dt.date
NAME = "Nguyễn Thị Ánh Tuyết"


def docx_with(*paragraphs: str) -> bytes:
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def login(users, role="commune_officer") -> Client:
    client = Client()
    client.force_login(users[role])
    return client


@pytest.fixture
def admitted(tree):
    member = new_candidate(tree, serial=41, sex="F", full_name=NAME, birth=D(1990, 3, 15),
                           hometown="Xã Hòa Bình, tỉnh Lạng Sơn")
    admit(tree, member)
    return member


def _decision(client, member, kind="ket_nap", **params):
    return client.get(reverse("documents:decision", args=[member.pk, kind]), params)


# ---- the shipped templates -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", DocumentKind.values)
def test_default_templates_are_generated_the_same_and_fill_every_placeholder(kind):
    data = default_template_docx(kind)
    assert data == default_template_docx(kind)  # built by code, byte for byte reproducible
    assert template_problems(data, kind) == []
    from tcxd.documents.rendering import render_docx

    text = docx_text(render_docx(data, sample_context(kind)))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Số 12-QĐ/ĐU" in text
    assert "Hòa Bình, ngày 05 tháng 03 năm 2026" in text
    assert NAME in text and "{{" not in text and "Nơi nhận:" in text and "T/M" in text
    if kind not in (DocumentKind.TRANSFER, DocumentKind.TEMP_TRANSFER):
        assert "Điều 1." in text and "Điều 3." in text and "Căn cứ Điều lệ Đảng" in text


def test_sample_covers_every_placeholder():
    for kind in DocumentKind.values:
        assert set(sample_context(kind)) == set(placeholders(kind))


# ---- a decision filled from the record -------------------------------------------------------------------

def test_admission_decision_is_filled_with_the_members_values_and_audited(tree, users, admitted):
    response = _decision(login(users), admitted)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    event = MemberEvent.objects.get(member=admitted, kind="admission_decision")
    assert f"quyet-dinh-ket-nap-{admitted.pk}-{event.pk}.docx" in response["Content-Disposition"]
    text = docx_text(response.content)
    assert f"Kết nạp đồng chí {NAME}, sinh ngày 15/03/1990; quê quán: Xã Hòa Bình, tỉnh Lạng Sơn" in text
    assert "Số 01-QĐ/ĐU" in text
    assert "ĐẢNG BỘ TỈNH LẠNG SƠN" in text and "ĐẢNG ỦY PHƯỜNG ĐÔNG KINH" in text
    assert "BAN THƯỜNG VỤ ĐẢNG ỦY PHƯỜNG ĐÔNG KINH" in text
    assert f"ngày {event.on.day:02d} tháng {event.on.month:02d} năm {event.on.year}" in text
    assert "Người giới thiệu: A; B." in text and "Chi bộ Khối 1" in text
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.actor == users["commune_officer"] and entry.object_repr == f"quyet-dinh-ket-nap/{admitted.pk}"
    assert NAME in entry.note and entry.org_id == admitted.org_id


def test_an_event_is_chosen_by_id_and_a_foreign_one_is_refused(tree, users, admitted):
    client = login(users)
    event = MemberEvent.objects.get(member=admitted, kind="admission_decision")
    assert _decision(client, admitted, **{"su-kien": event.pk}).status_code == 200
    ceremony = MemberEvent.objects.get(member=admitted, kind="ceremony")
    response = _decision(client, admitted, **{"su-kien": ceremony.pk})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert f"Sự kiện số {ceremony.pk} không phải sự kiện quyết định kết nạp" in response.content.decode()


def test_without_the_event_the_page_says_what_to_record(tree, users, admitted):
    before = AuditEntry.objects.filter(action="export").count()
    response = _decision(login(users), admitted, kind="huy_hieu")
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="document-problem"' in body
    assert f"Hồ sơ của {NAME} chưa có sự kiện tặng Huy hiệu Đảng" in body
    assert AuditEntry.objects.filter(action="export").count() == before  # nothing exported


def test_out_of_scope_member_is_not_found_and_other_roles_may_not_draft(tree, users):
    other = new_candidate(tree, org=tree.cell_b1, serial=42)
    admit(tree, other)
    client = login(users)
    for url in (reverse("documents:decision", args=[other.pk, "ket_nap"]),
                reverse("documents:cv_print", args=[other.pk]),
                reverse("documents:cv_pdf", args=[other.pk]), reverse("documents:cv_docx", args=[other.pk]),
                reverse("documents:phieu_docx", args=[other.pk])):
        response = client.get(url)
        assert response.status_code == 404 and tree.cell_b1.name not in response.content.decode()
    mine = new_candidate(tree, serial=43)
    assert _decision(login(users, "cell"), mine).status_code == 403
    assert _decision(login(users, "leader"), mine).status_code == 403


def test_decision_context_of_transfers_and_badges(tree, admitted):
    ctx = printing.dossier_context(actor=tree.admin, member=admitted, on=D(2026, 3, 1))
    transfer = MemberEvent(member=admitted, kind="transfer_out", on=D(2026, 2, 1), org=tree.cell_a1,
                           target_org=tree.commune_b, decision_no="5-GGT/ĐU")
    values = decision_context(member=admitted, event=transfer, facts=ctx["facts"], party=ctx["party"])
    assert values["noi_den"] == "Đảng bộ xã Cao Lộc" and values["noi_di"] == "Chi bộ Khối 1"
    assert values["so_van_ban"] == "5-GGT/ĐU" and values["ngay_hieu_luc"] == "01/02/2026"
    temporary = MemberEvent(member=admitted, kind="temp_transfer_out", on=D(2026, 9, 1), org=tree.cell_a1,
                            data={"destination": "Trường Chính trị tỉnh", "until": "2027-06-30", "study": True})
    values = decision_context(member=admitted, event=temporary, facts=ctx["facts"], party=ctx["party"])
    assert (values["noi_den"], values["tu_ngay"], values["den_ngay"], values["ly_do"]) == (
        "Trường Chính trị tỉnh", "01/09/2026", "30/06/2027", "đi học tập trung")
    badge = MemberEvent(member=admitted, kind="badge", on=D(2026, 9, 2), org=tree.cell_a1,
                        data={"years": 30, "reason": "posthumous"})
    values = decision_context(member=admitted, event=badge, facts=ctx["facts"], party=ctx["party"])
    # a badge is the provincial committee's decision
    assert values["cap_uy_in_hoa"] == "TỈNH ỦY LẠNG SƠN" and values["so_nam"] == "30" and values["tang"] == "truy tặng"
    assert values["so_van_ban"] == "……" and values["dia_danh"] == "……"


# ---- templates: upload, refusals, levels, revert -----------------------------------------------------------

def _upload(client, kind, data, name="mau.docx", note=""):
    return client.post(reverse("documents:template_detail", args=[kind]),
                       {"file": SimpleUploadedFile(name, data), "note": note})


def test_an_edited_template_is_used_for_the_officers_subtree_then_reverted(tree, users, admitted):
    client = login(users)
    edited = docx_with("QUYẾT ĐỊNH RIÊNG CỦA {{ cap_uy_in_hoa }}", "Kết nạp {{ ho_ten_in_hoa }} ({{ ngay_sinh }})")
    response = _upload(client, "ket_nap", edited, note="Mẫu phường")
    assert response.status_code == 302
    row = DocumentTemplate.objects.get(kind="ket_nap")
    assert (row.org, row.version, row.note) == (users["commune_officer"].org, 1, "Mẫu phường")
    assert AuditEntry.objects.filter(action="document_template.upload").latest("id").actor == users["commune_officer"]
    text = docx_text(_decision(client, admitted).content)
    assert "QUYẾT ĐỊNH RIÊNG CỦA ĐẢNG ỦY PHƯỜNG ĐÔNG KINH" in text
    assert f"Kết nạp {NAME.upper()} (15/03/1990)" in text
    # a member of commune B keeps the default
    other = new_candidate(tree, org=tree.cell_b1, serial=44)
    admit(tree, other)
    assert "QUYẾT ĐỊNH RIÊNG" not in docx_text(_decision(login(users, "province_officer"), other).content)
    # the page shows the history and the source
    page = client.get(reverse("documents:template_detail", args=["ket_nap"])).content.decode()
    assert "mẫu riêng của Đảng bộ phường Đông Kinh (phiên bản 1)" in page and "Mẫu phường" in page
    # the current template downloads (audited), then revert
    download = client.get(reverse("documents:template_download", args=["ket_nap"]))
    assert "QUYẾT ĐỊNH RIÊNG" in docx_text(download.content)
    assert AuditEntry.objects.filter(action="export", object_repr="mau-van-ban/ket_nap").exists()
    reverted = client.post(reverse("documents:template_revert", args=["ket_nap"]), {"note": "Dùng mẫu chung"})
    assert reverted.status_code == 302
    assert "QUYẾT ĐỊNH RIÊNG" not in docx_text(_decision(client, admitted).content)
    assert "BAN THƯỜNG VỤ ĐẢNG ỦY PHƯỜNG ĐÔNG KINH" in docx_text(_decision(client, admitted).content)
    versions = list(DocumentTemplate.objects.filter(kind="ket_nap").order_by("version"))
    assert [(v.version, bool(v.docx), v.superseded_at is None) for v in versions] == [
        (1, True, False), (2, False, True)]


def test_system_template_applies_below_unless_a_deeper_level_has_its_own(tree, users, admitted):
    services.document_template_upload(actor=tree.admin, kind="ket_nap", content=docx_with("MẪU CHUNG {{ ho_ten }}"),
                                      file_name="chung.docx")
    assert f"MẪU CHUNG {NAME}" in docx_text(_decision(login(users), admitted).content)
    services.document_template_upload(actor=users["commune_officer"], kind="ket_nap",
                                      content=docx_with("MẪU PHƯỜNG {{ ho_ten }}"), file_name="phuong.docx")
    assert f"MẪU PHƯỜNG {NAME}" in docx_text(_decision(login(users), admitted).content)


@pytest.mark.parametrize(("data", "expected"), [
    (docx_with("Đồng chí {{ ten_dang_vien }} và {{ ho_ten }}, {{ so_the_moi }}"),
     "Mẫu dùng thẻ không có trong danh sách thẻ của văn bản này: {{ so_the_moi }}, {{ ten_dang_vien }}."),
    (b"%PDF-1.4 not a word file", "Tệp không phải tài liệu Word .docx"),
    (docx_with("Đồng chí {{ ho_ten }"), "Thẻ trong mẫu viết sai"),
    (docx_with("{{ ho_ten.__class__.__mro__ }}"), "Mẫu không điền được"),  # the sandbox refuses Python internals
    (docx_with("{{ so_nam }}"), "{{ so_nam }}"),  # a badge's placeholder is not an admission's
])
def test_a_bad_upload_is_refused_in_vietnamese_and_nothing_is_saved(tree, users, data, expected):
    response = _upload(login(users), "ket_nap", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-file"' in body
    from html import unescape

    assert expected in unescape(body)
    assert "Traceback" not in body
    assert not DocumentTemplate.objects.exists()


def test_templates_are_managed_by_administrators_and_officers_only(tree, users):
    for role in ("leader", "cell", "member"):
        client = login(users, role)
        assert client.get(reverse("documents:templates")).status_code == 403
        assert client.get(reverse("documents:template_detail", args=["ket_nap"])).status_code == 403
        assert _upload(client, "ket_nap", default_template_docx("ket_nap")).status_code == 403
    assert not DocumentTemplate.objects.exists()
    page = login(users, "admin").get(reverse("documents:templates")).content.decode()
    assert "toàn hệ thống" in page and "mẫu mặc định của hệ thống" in page
    assert login(users).get(reverse("documents:template_detail", args=["nope"])).status_code == 404


def test_the_template_page_lists_the_placeholders_in_vietnamese(tree, users):
    page = login(users).get(reverse("documents:template_detail", args=["gioi_thieu_tam_thoi"])).content.decode()
    assert "{{ noi_den }}" in page and "Tổ chức đảng nơi sinh hoạt tạm thời" in page
    assert "{{ ho_ten }}" in page and "Họ và tên đang dùng của đảng viên" in page


def test_revert_without_an_own_template_is_refused(tree, users):
    response = login(users).post(reverse("documents:template_revert", args=["huy_hieu"]), {})
    assert response.status_code == 200
    assert "chưa có mẫu riêng" in response.content.decode()


# ---- the lý lịch and the Word / PDF renderings ----------------------------------------------------------------

def _rows(tree, member):
    from tcxd.members import dossier_services as DS

    DS.dossier_row_add(actor=tree.admin, member=member, kind="work",
                       data={"from_date": D(2012, 9, 1), "position": "Giáo viên", "unit": "Trường Tiểu học Đông Kinh"})
    DS.dossier_row_add(actor=tree.admin, member=member, kind="family",
                       data={"relation": "me", "full_name": "Lò Thị Mai", "birth_year": 1965,
                             "political_notes": "Bí mật gia đình"})
    MemberSensitive.objects.update_or_create(member=member, defaults={
        "personal_history_notes": "Không bị bắt, không làm việc trong chế độ cũ."})


def test_cv_print_page_shows_the_life_history_and_hides_restricted_parts(tree, users, admitted):
    _rows(tree, admitted)
    officer = login(users).get(reverse("documents:cv_print", args=[admitted.pk])).content.decode()
    assert "LÝ LỊCH ĐẢNG VIÊN" in officer and "Mẫu 1-HSĐV" in officer and NAME.upper() in officer
    assert "Giáo viên, Trường Tiểu học Đông Kinh" in officer and "Lò Thị Mai, sinh năm 1965" in officer
    assert "Quyết định kết nạp" in officer  # the party life, from the events
    assert "Không bị bắt, không làm việc trong chế độ cũ." in officer and "Bí mật gia đình" in officer
    assert "Tôi cam đoan đã khai đầy đủ" in officer and "CHỨNG NHẬN CỦA CẤP ỦY CƠ SỞ" in officer
    leader = login(users, "leader").get(reverse("documents:cv_print", args=[admitted.pk])).content.decode()
    assert "Lò Thị Mai" in leader and "Bí mật gia đình" not in leader and "chế độ cũ" not in leader
    assert AuditEntry.objects.filter(action="export", object_repr=f"ly-lich-dang-vien/{admitted.pk}").count() == 2


@pytest.mark.parametrize(("url", "stem"), [("documents:cv_docx", "ly-lich-dang-vien"),
                                           ("documents:phieu_docx", "phieu-dang-vien")])
def test_word_renderings_of_the_dossier_documents(tree, users, admitted, url, stem):
    _rows(tree, admitted)
    response = login(users).get(reverse(url, args=[admitted.pk]))
    assert response.status_code == 200 and f"{stem}-{admitted.pk}.docx" in response["Content-Disposition"]
    text = docx_text(response.content)
    assert NAME.upper() in text and "15/03/1990" in text and "Lò Thị Mai" in text
    assert "Giáo viên, Trường Tiểu học Đông Kinh" in text and "Bí mật gia đình" in text
    assert AuditEntry.objects.filter(action="export", object_repr=f"{stem}/{admitted.pk}.docx").exists()
    leader = docx_text(login(users, "leader").get(reverse(url, args=[admitted.pk])).content)
    assert "Lò Thị Mai" in leader and "Bí mật gia đình" not in leader


def _pdf_text_and_fonts(data: bytes) -> tuple[str, set[str]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return text, fonts


@pytest.mark.skipif(not printing.pdf_available(), reason="WeasyPrint không dùng được trên máy này")
@pytest.mark.parametrize("url", ["documents:cv_pdf", "members:print_pdf"])
def test_pdfs_embed_liberation_serif_and_keep_the_vietnamese_text(tree, users, url):
    member = new_candidate(tree, serial=45, sex="F", full_name=NAME, hometown="Đảng bộ xã Hòa Bình")
    response = login(users).get(reverse(url, args=[member.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text, fonts = _pdf_text_and_fonts(response.content)
    assert fonts and all("LiberationSerif" in f for f in fonts), fonts  # every glyph from the vendored font
    flat = " ".join(text.split())
    assert NAME.upper() in flat and "Đảng bộ xã Hòa Bình" in flat and "ĐẢNG CỘNG SẢN VIỆT NAM" in flat
    assert AuditEntry.objects.filter(action="export", object_repr__endswith=f"/{member.pk}.pdf").exists()


def test_the_pdf_stylesheet_inlines_the_fonts_and_nothing_else_is_fetched():
    css = printing.pdf_stylesheet()
    assert css.count("data:font/ttf;base64,") == 4 and "../vendor/" not in css


# ---- API ----------------------------------------------------------------------------------------------------

def _api(users, role="commune_officer") -> Client:
    key, _ = api_token_create(actor=users[role], user=users[role])
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_api_decision_and_template_upload(tree, users, admitted):
    client = _api(users)
    response = client.get(f"/api/documents/members/{admitted.pk}/decisions/ket_nap")
    assert response.status_code == 200 and NAME in docx_text(response.content)
    refused = client.post("/api/documents/templates/ket_nap",
                          {"file": SimpleUploadedFile("m.docx", docx_with("{{ ho_tenn }}"))})
    assert refused.status_code == 400
    assert "{{ ho_tenn }}" in refused.json()["errors"]["file"][0]
    saved = client.post("/api/documents/templates/ket_nap",
                        {"file": SimpleUploadedFile("m.docx", docx_with("API {{ ho_ten }}")), "note": "qua API"})
    assert saved.status_code == 201 and saved.json()["own"] is True and saved.json()["version"] == 1
    assert f"API {NAME}" in docx_text(client.get(f"/api/documents/members/{admitted.pk}/decisions/ket_nap").content)
    listed = client.get("/api/documents/templates").json()
    assert {t["kind"] for t in listed} == set(DocumentKind.values)
    assert client.post("/api/documents/templates/ket_nap/revert", {"note": "x"},
                       content_type="application/json").json()["own"] is False
    no_event = client.get(f"/api/documents/members/{admitted.pk}/decisions/huy_hieu")
    assert no_event.status_code == 400 and no_event.json()["code"] == "no_event"
    assert _api(users, "leader").get("/api/documents/templates").status_code == 403
    other = new_candidate(tree, org=tree.cell_b1, serial=46)
    assert client.get(f"/api/documents/members/{other.pk}/ly-lich/docx").status_code == 404
    assert AuditEntry.objects.filter(action="export", note__contains="(API").count() >= 2


def test_a_decision_names_the_units_as_they_stood_when_it_took_effect(tree, users):
    """The cell and the commune renamed after the admission: the decision keeps the names of its day."""
    from tcxd.orgs import services as org_services

    member = new_candidate(tree, serial=77, full_name="Lò Văn Sáng", on=D(2025, 8, 1))
    admit(tree, member, start=D(2025, 8, 1))
    event = MemberEvent.objects.get(member=member, kind="admission_decision")
    later = D(2026, 6, 1)
    assert event.on < later
    org_services.org_update(actor=tree.admin, org=tree.cell_a1, effective_on=later, name="Chi bộ Khu phố Mới")
    org_services.org_update(actor=tree.admin, org=tree.commune_a, effective_on=later,
                            name="Đảng bộ phường Đông Kinh Mới")
    text = docx_text(_decision(login(users), member).content)
    assert "Chi bộ Khối 1" in text and "ĐẢNG ỦY PHƯỜNG ĐÔNG KINH" in text
    assert "Khu phố Mới" not in text and "ĐÔNG KINH MỚI" not in text
