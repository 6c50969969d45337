"""Dossier rows (quá trình, gia đình), documents and the printable phiếu đảng viên."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tcxd.audit.models import AuditEntry
from tcxd.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from tcxd.members import dossier_services as DS
from tcxd.members import selectors as S
from tcxd.members.models import Attachment, FamilyMember, Reward, WorkHistory
from tcxd.members.tests.conftest import admit

D = dt.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64

VALID = {
    "work": {"from_date": D(2012, 9, 1), "to_date": D(2018, 6, 30), "position": "Chuyên viên",
             "unit": "Sở Nội vụ tỉnh Lạng Sơn"},
    "training": {"from_date": D(2008, 9, 1), "to_date": D(2012, 6, 30), "school": "Học viện Hành chính Quốc gia",
                 "field_of_study": "Quản lý nhà nước", "mode": "Chính quy", "diploma": "Cử nhân"},
    "travel": {"from_date": D(2019, 5, 2), "to_date": D(2019, 5, 9), "country": "Lào", "purpose": "Công tác"},
    "reward": {"form": "Giấy khen", "level": "Đảng ủy phường", "decision_no": "12-QĐ/ĐU",
               "decided_on": D(2021, 1, 15)},
    "family": {"relation": "cha", "full_name": "Nguyễn Văn Tổ", "birth_year": 1960, "hometown": "Lạng Sơn",
               "residence": "Phường Đông Kinh", "occupation": "Hưu trí", "is_party_member": True,
               "political_notes": "Không có gì đặc biệt"},
}
REQUIRED = {"work": {"from_date", "position"}, "training": {"from_date", "school"},
            "travel": {"from_date", "country"}, "reward": {"form", "decided_on"}, "family": {"relation", "full_name"}}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def login(users, who="commune_officer"):
    client = Client()
    client.force_login(users[who])
    return client


# ---- services: rows --------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(VALID))
def test_row_add_update_delete_each_kind_is_audited(kind, tree, candidate):
    row = DS.dossier_row_add(actor=tree.admin, member=candidate, kind=kind, data=VALID[kind])
    assert row.member == candidate
    entry = AuditEntry.objects.filter(action="member.row.add").get()
    assert entry.object_id == str(candidate.pk) and entry.after["row_kind"] == kind
    assert entry.org_path == candidate.org.path

    text_field = next(f for f in DS.ROW_KINDS[kind].fields if f in ("position", "school", "country", "form",
                                                                        "full_name"))
    DS.dossier_row_update(actor=tree.admin, row=row, data={text_field: "  Sửa lại  "})
    row.refresh_from_db()
    assert getattr(row, text_field) == "Sửa lại"
    entry = AuditEntry.objects.filter(action="member.row.update").get()
    assert entry.before[text_field] == VALID[kind][text_field] and entry.after[text_field] == "Sửa lại"

    DS.dossier_row_delete(actor=tree.admin, row=row, note="Nhập trùng")
    assert not type(row).objects.filter(pk=row.pk).exists()
    entry = AuditEntry.objects.filter(action="member.row.delete").get()
    assert entry.before[text_field] == "Sửa lại" and entry.note == "Nhập trùng"
    assert entry.before["row_id"] == entry.after.get("row_id", entry.before["row_id"]) and entry.before["row_id"]


@pytest.mark.parametrize("kind", sorted(VALID))
def test_row_missing_required_fields_all_reported_nothing_saved(kind, tree, candidate):
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        DS.dossier_row_add(actor=tree.admin, member=candidate, kind=kind, data={})
    assert set(exc.value.errors) == REQUIRED[kind]
    assert all(m.startswith("Chưa ") for msgs in exc.value.errors.values() for m in msgs)
    assert DS.ROW_KINDS[kind].model.objects.count() == 0 and AuditEntry.objects.count() == before


def test_row_dates_period_future_and_before_birth(tree, candidate):
    future = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(ValidationFailed) as exc:
        DS.dossier_row_add(actor=tree.admin, member=candidate, kind="work",
                           data={"from_date": D(2015, 1, 1), "to_date": D(2014, 1, 1), "position": "Cán bộ"})
    assert exc.value.errors == {"to_date": ["Thời gian kết thúc (01/01/2014) trước thời gian bắt đầu (01/01/2015)."]}
    with pytest.raises(ValidationFailed) as exc:
        DS.dossier_row_add(actor=tree.admin, member=candidate, kind="reward",
                           data={"form": "Bằng khen", "decided_on": future})
    assert "ở tương lai" in exc.value.errors["decided_on"][0]
    with pytest.raises(ValidationFailed) as exc:
        DS.dossier_row_add(actor=tree.admin, member=candidate, kind="training",
                           data={"from_date": D(1985, 1, 1), "school": "Trường làng"})
    assert "trước ngày sinh của đảng viên (20/05/1990)" in exc.value.errors["from_date"][0]
    with pytest.raises(ValidationFailed) as exc:  # a too-long text is refused, not cut
        DS.dossier_row_add(actor=tree.admin, member=candidate, kind="travel",
                           data={"from_date": D(2019, 1, 1), "country": "L" * 101})
    assert "tối đa 100 ký tự" in exc.value.errors["country"][0]
    open_ended = DS.dossier_row_add(actor=tree.admin, member=candidate, kind="work",
                                    data={"from_date": D(2019, 1, 1), "position": "Phó trưởng phòng"})
    assert open_ended.to_date is None and open_ended.unit == ""
    assert WorkHistory.objects.count() == 1


@pytest.mark.parametrize(("relation", "year", "message"), [
    ("cha", 1800, "Năm sinh phải trong khoảng"),
    ("anh_chi_em", timezone.localdate().year + 1, "Năm sinh phải trong khoảng"),
    ("me", 1985, "Cha, mẹ phải sinh trước đảng viên (năm 1990) ít nhất 12 năm."),
    ("ong_ba", 1970, "Ông, bà phải sinh trước đảng viên"),
    ("con", 1988, "Con phải sinh sau đảng viên (năm 1990)."),
])
def test_family_birth_year_must_be_plausible(relation, year, message, tree, candidate):
    with pytest.raises(ValidationFailed) as exc:
        DS.dossier_row_add(actor=tree.admin, member=candidate, kind="family",
                           data={"relation": relation, "full_name": "Người Thân", "birth_year": year})
    assert message in exc.value.errors["birth_year"][0]
    assert FamilyMember.objects.count() == 0


def test_family_relation_code_and_unknown_kind_or_field(tree, candidate):
    with pytest.raises(ValidationFailed) as exc:
        DS.dossier_row_add(actor=tree.admin, member=candidate, kind="family",
                           data={"relation": "hang_xom", "full_name": "A"})
    assert exc.value.errors == {"relation": ["Quan hệ không hợp lệ."]}
    with pytest.raises(DomainError, match="Loại quá trình không hợp lệ"):
        DS.dossier_row_add(actor=tree.admin, member=candidate, kind="bogus", data={})
    with pytest.raises(DomainError, match="Không có trường: salary"):
        DS.dossier_row_add(actor=tree.admin, member=candidate, kind="work", data={"salary": 1})


def test_update_invalid_keeps_the_row(tree, candidate):
    row = DS.dossier_row_add(actor=tree.admin, member=candidate, kind="work", data=VALID["work"])
    with pytest.raises(ValidationFailed) as exc:
        DS.dossier_row_update(actor=tree.admin, row=row, data={"to_date": D(2010, 1, 1), "position": ""})
    assert set(exc.value.errors) == {"to_date", "position"}
    row.refresh_from_db()
    assert row.position == "Chuyên viên" and row.to_date == D(2018, 6, 30)
    assert not AuditEntry.objects.filter(action="member.row.update").exists()


def test_political_notes_restricted_and_never_in_clear_in_audit(tree, candidate, monkeypatch):
    row = DS.dossier_row_add(actor=tree.admin, member=candidate, kind="family", data=VALID["family"])
    assert row.political_notes == "Không có gì đặc biệt"
    assert AuditEntry.objects.get(action="member.row.add").after["political_notes"] == DS.MASK
    DS.dossier_row_update(actor=tree.admin, row=row, data={"political_notes": "Đã thẩm tra"})
    entry = AuditEntry.objects.get(action="member.row.update")
    assert "Đã thẩm tra" not in str(entry.after) and entry.after["political_notes"] == "*** (đã sửa)"
    # A writer who may not see restricted data cannot write it either, and keeps it untouched.
    monkeypatch.setattr(DS, "can_see_sensitive", lambda actor: False)
    with pytest.raises(PermissionDenied):
        DS.dossier_row_update(actor=tree.admin, row=row, data={"political_notes": ""})
    DS.dossier_row_update(actor=tree.admin, row=row, data={"occupation": "Nông dân"})
    row.refresh_from_db()
    assert row.political_notes == "Đã thẩm tra" and row.occupation == "Nông dân"
    DS.dossier_row_delete(actor=tree.admin, row=row)
    assert "Đã thẩm tra" not in str(AuditEntry.objects.get(action="member.row.delete").before)


def test_row_services_scope_and_role(tree, users, candidate):
    from tcxd.members.tests.conftest import new_candidate

    other = new_candidate(tree, org=tree.cell_b1, serial=77)
    outsider = users["commune_officer"]  # commune A; ``other`` is in commune B
    with pytest.raises(NotFound):
        DS.dossier_row_add(actor=outsider, member=other, kind="work", data=VALID["work"])
    row = DS.dossier_row_add(actor=tree.admin, member=other, kind="work", data=VALID["work"])
    with pytest.raises(NotFound):
        DS.dossier_row_update(actor=outsider, row=row, data={"position": "x"})
    with pytest.raises(NotFound):
        DS.dossier_row_delete(actor=outsider, row=row)
    for reader in ("leader", "cell", "member"):
        with pytest.raises(PermissionDenied):
            DS.dossier_row_add(actor=users[reader], member=candidate, kind="work", data=VALID["work"])
    with pytest.raises(PermissionDenied):
        DS.dossier_row_delete(actor=users["leader"], row=row)
    assert WorkHistory.objects.count() == 1
    # The commune officer writes in their own scope.
    DS.dossier_row_add(actor=outsider, member=candidate, kind="reward", data=VALID["reward"])
    assert Reward.objects.filter(member=candidate).count() == 1


# ---- services: documents ---------------------------------------------------------------------------

def test_attachment_upload_stores_random_name_audits_and_updates_checklist(tree, candidate, media):
    label = "Đơn xin vào Đảng"
    assert label in S.member_facts(member=candidate, on=timezone.localdate()).missing_documents
    attachment = DS.dossier_attachment_add(actor=tree.admin, member=candidate, doc_type="don_xin_vao_dang",
                                           title=" Đơn ngày 10/02/2024 ",
                                           upload=SimpleUploadedFile("Đơn của Thử.PDF", PDF))
    assert attachment.title == "Đơn ngày 10/02/2024" and attachment.uploaded_by == tree.admin
    assert attachment.file.name.startswith("members/docs/") and attachment.file.name.endswith(".pdf")
    assert "Thử" not in attachment.file.name
    files = stored_files(media)
    assert len(files) == 1 and files[0].read_bytes() == PDF
    entry = AuditEntry.objects.get(action="member.attachment.add")
    assert entry.after["doc_type"] == "don_xin_vao_dang" and len(entry.after["sha256"]) == 64
    assert entry.after["size"] == len(PDF)
    assert label not in S.member_facts(member=candidate, on=timezone.localdate()).missing_documents
    for name, content in (("anh.png", PNG), ("scan.jpeg", JPEG), ("scan.jpg", JPEG)):
        DS.dossier_attachment_add(actor=tree.admin, member=candidate, doc_type="khac",
                                  upload=SimpleUploadedFile(name, content))
    assert Attachment.objects.count() == 4


@pytest.mark.parametrize(("name", "content", "message"), [
    ("ly-lich.docx", b"PK\x03\x04" + b"\x00" * 20, "Chỉ nhận tệp PDF, JPEG hoặc PNG"),
    ("chay.exe", b"MZ\x90\x00", "Chỉ nhận tệp PDF, JPEG hoặc PNG"),
    ("khong-duoi", PDF, "Chỉ nhận tệp PDF, JPEG hoặc PNG"),
    ("gia.pdf", b"MZ\x90\x00" + b"\x00" * 20, "Nội dung tệp không phải PDF"),
    ("anh.png", PDF, "Nội dung tệp không phải PNG"),
    ("anh.jpg", PNG, "Nội dung tệp không phải JPG"),
    ("rong.pdf", b"", "Tệp rỗng."),
    ("lon.pdf", b"%PDF-" + b"0" * (DS.MAX_UPLOAD_BYTES - 4), "Tệp quá lớn: 10,0 MB; tối đa 10 MB."),
])
def test_attachment_wrong_type_or_size_refused_nothing_stored(name, content, message, tree, candidate, media):
    with pytest.raises(ValidationFailed) as exc:
        DS.dossier_attachment_add(actor=tree.admin, member=candidate, doc_type="khac",
                                  upload=SimpleUploadedFile(name, content))
    assert any(message in m for m in exc.value.errors["file"]), exc.value.errors
    assert Attachment.objects.count() == 0 and stored_files(media) == []
    assert not AuditEntry.objects.filter(action="member.attachment.add").exists()


def test_attachment_exactly_10_mb_accepted_and_catalogue_and_file_required(tree, candidate, media):
    DS.dossier_attachment_add(actor=tree.admin, member=candidate, doc_type="khac",
                              upload=SimpleUploadedFile("vua.pdf", b"%PDF-" + b"0" * (DS.MAX_UPLOAD_BYTES - 5)))
    with pytest.raises(ValidationFailed) as exc:
        DS.dossier_attachment_add(actor=tree.admin, member=candidate, doc_type="giay_khai_sinh", upload=None)
    assert exc.value.errors == {"doc_type": ["Chưa chọn loại tài liệu trong danh mục."], "file": ["Chưa chọn tệp."]}


def test_attachment_remove_deletes_row_then_file_and_audits(tree, users, candidate, media,
                                                            django_capture_on_commit_callbacks):
    attachment = DS.dossier_attachment_add(actor=tree.admin, member=candidate, doc_type="don_xin_vao_dang",
                                           upload=SimpleUploadedFile("don.pdf", PDF))
    with pytest.raises(PermissionDenied):
        DS.dossier_attachment_remove(actor=users["leader"], attachment=attachment)
    with django_capture_on_commit_callbacks(execute=True):
        DS.dossier_attachment_remove(actor=users["commune_officer"], attachment=attachment, note="Tải nhầm")
    assert Attachment.objects.count() == 0 and stored_files(media) == []
    entry = AuditEntry.objects.get(action="member.attachment.remove")
    assert entry.before["doc_type"] == "don_xin_vao_dang" and entry.note == "Tải nhầm"
    assert "Đơn xin vào Đảng" in S.member_facts(member=candidate, on=timezone.localdate()).missing_documents


def test_attachment_out_of_scope_is_not_found(tree, users, media):
    from tcxd.members.tests.conftest import new_candidate

    other = new_candidate(tree, org=tree.cell_b1, serial=78)
    with pytest.raises(NotFound):
        DS.dossier_attachment_add(actor=users["commune_officer"], member=other, doc_type="khac",
                                  upload=SimpleUploadedFile("a.pdf", PDF))
    assert stored_files(media) == []


# ---- pages -----------------------------------------------------------------------------------------

def test_history_tab_add_bad_then_good_edit_and_delete(tree, users, candidate):
    client = login(users)
    url = reverse("members:row_add", args=[candidate.pk, "work"])
    assert "Thêm quá trình công tác" in client.get(url).content.decode()
    bad = client.post(url, {"from_date": "31/02/2015", "position": ""}).content.decode()
    assert "Ngày không hợp lệ" in bad and WorkHistory.objects.count() == 0
    bad = client.post(url, {"from_date": "01/01/2015", "to_date": "01/01/2014", "position": ""}).content.decode()
    assert "Chưa nhập chức vụ, công việc." in bad and "trước thời gian bắt đầu" in bad
    assert WorkHistory.objects.count() == 0
    good = client.post(url, {"from_date": "01/01/2015", "to_date": "", "position": "Bí thư Đoàn phường",
                             "unit": "Phường Đông Kinh"})
    assert good.status_code == 302 and good["Location"].endswith("?tab=qua-trinh")
    row = WorkHistory.objects.get()
    tab = client.get(reverse("members:detail", args=[candidate.pk]), {"tab": "qua-trinh"}).content.decode()
    assert "Bí thư Đoàn phường" in tab and reverse("members:row_edit", args=[row.pk, "work"]) in tab
    edit = reverse("members:row_edit", args=[row.pk, "work"])
    assert 'value="01/01/2015"' in client.get(edit).content.decode()
    assert client.post(edit, {"from_date": "01/01/2015", "position": "Phó Bí thư"}).status_code == 302
    row.refresh_from_db()
    assert row.position == "Phó Bí thư" and row.unit == ""
    delete = reverse("members:row_delete", args=[row.pk, "work"])
    assert "Phó Bí thư" in client.get(delete).content.decode()
    assert client.post(delete, {"note": "Nhập nhầm người"}).status_code == 302
    assert WorkHistory.objects.count() == 0
    history = client.get(reverse("members:detail", args=[candidate.pk]), {"tab": "lich-su"}).content.decode()
    assert "Xóa dòng quá trình" in history and "Phó Bí thư" in history


def test_family_notes_visible_to_commission_roles_only(tree, users, candidate):
    client = login(users)
    url = reverse("members:row_add", args=[candidate.pk, "family"])
    assert "Đặc điểm chính trị" in client.get(url).content.decode()
    bad = client.post(url, {"relation": "con", "full_name": "Nguyễn Văn Con", "birth_year": "abc"}).content.decode()
    assert "Năm sinh phải là số" in bad and FamilyMember.objects.count() == 0
    assert client.post(url, {"relation": "me", "full_name": "Trần Thị Mẹ", "birth_year": "1962",
                             "political_notes": "Gia đình có công với cách mạng"}).status_code == 302
    detail = reverse("members:detail", args=[candidate.pk])
    assert "Gia đình có công với cách mạng" in client.get(detail, {"tab": "qua-trinh"}).content.decode()
    leader = login(users, "leader").get(detail, {"tab": "qua-trinh"}).content.decode()
    assert "Trần Thị Mẹ" in leader and "Gia đình có công" not in leader and "row_add" not in leader
    assert "/them/" not in leader  # no add buttons for a read-only role
    history = login(users, "leader").get(detail, {"tab": "lich-su"}).content.decode()
    assert "Gia đình có công" not in history


def test_row_pages_scope_and_role(tree, users, candidate):
    row = DS.dossier_row_add(actor=tree.admin, member=candidate, kind="work", data=VALID["work"])
    outsider = Client()
    from tcxd.conftest import make_user

    outsider.force_login(make_user("xb", "officer", tree.commune_b))
    for url in (reverse("members:row_add", args=[candidate.pk, "work"]),
                reverse("members:row_edit", args=[row.pk, "work"]),
                reverse("members:row_delete", args=[row.pk, "work"])):
        assert outsider.get(url).status_code == 404
        assert outsider.post(url, {"position": "x", "from_date": "01/01/2015"}).status_code == 404
        assert login(users, "leader").post(url, {"position": "x"}).status_code == 403
    assert login(users).get(reverse("members:row_add", args=[candidate.pk, "bogus"])).status_code == 404
    assert login(users).get(reverse("members:row_edit", args=[row.pk, "family"])).status_code == 404
    assert WorkHistory.objects.get().position == "Chuyên viên"


def test_documents_tab_upload_download_remove(tree, users, candidate, media):
    client = login(users)
    url = reverse("members:attachment_add", args=[candidate.pk])
    assert "PDF, JPEG hoặc PNG" in client.get(url).content.decode()
    bad = client.post(url, {"doc_type": "don_xin_vao_dang", "file": SimpleUploadedFile("don.docx", b"PK\x03\x04")})
    assert "Chỉ nhận tệp PDF, JPEG hoặc PNG" in bad.content.decode() and Attachment.objects.count() == 0
    good = client.post(url, {"doc_type": "don_xin_vao_dang", "title": "Đơn xin vào Đảng",
                             "file": SimpleUploadedFile("don.pdf", PDF)})
    assert good.status_code == 302 and good["Location"].endswith("?tab=tai-lieu")
    attachment = Attachment.objects.get()
    tab = client.get(reverse("members:detail", args=[candidate.pk]), {"tab": "tai-lieu"}).content.decode()
    missing = tab.split('data-testid="missing-docs"')[1].split("</ul>")[0]
    assert "Đơn xin vào Đảng" not in missing and "Lý lịch người xin vào Đảng" in missing
    assert reverse("members:attachment_download", args=[attachment.pk]) in tab

    download = client.get(reverse("members:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert f"don_xin_vao_dang-{attachment.pk}.pdf" in download["Content-Disposition"]
    export = AuditEntry.objects.get(action="export", actor=users["commune_officer"])
    assert export.object_id == f"tai-lieu-ho-so/{attachment.pk}" and export.org_path == candidate.org.path
    assert login(users, "leader").get(reverse("members:attachment_download", args=[attachment.pk])).status_code == 403
    assert AuditEntry.objects.filter(action="export").count() == 1

    remove = reverse("members:attachment_remove", args=[attachment.pk])
    assert login(users, "leader").post(remove).status_code == 403
    assert client.post(remove, {"note": ""}).status_code == 302
    assert Attachment.objects.count() == 0


def test_document_pages_out_of_scope_are_not_found(tree, users, media):
    from tcxd.members.tests.conftest import new_candidate

    other = new_candidate(tree, org=tree.cell_b1, serial=79)
    attachment = DS.dossier_attachment_add(actor=tree.admin, member=other, doc_type="khac",
                                           upload=SimpleUploadedFile("a.png", PNG))
    client = login(users)
    for url in (reverse("members:attachment_download", args=[attachment.pk]),
                reverse("members:attachment_remove", args=[attachment.pk]),
                reverse("members:attachment_add", args=[other.pk]),
                reverse("members:print", args=[other.pk]), reverse("members:print_pdf", args=[other.pk])):
        response = client.get(url)
        assert response.status_code == 404 and other.full_name not in response.content.decode()
    assert client.post(reverse("members:attachment_remove", args=[attachment.pk])).status_code == 404
    assert Attachment.objects.count() == 1 and not AuditEntry.objects.filter(action="export").exists()


# ---- print / PDF -----------------------------------------------------------------------------------

def _full_dossier(tree, member):
    admit(tree, member)
    for kind, data in VALID.items():
        DS.dossier_row_add(actor=tree.admin, member=member, kind=kind, data=data)
    DS.dossier_row_add(actor=tree.admin, member=member, kind="family",
                       data={"relation": "vo_chong", "full_name": "Lê Thị Ngọc Ánh", "birth_year": 1992,
                             "occupation": "Giáo viên Trường Tiểu học Đông Kinh"})


def test_print_page_layout_scope_and_audit(tree, users, candidate):
    _full_dossier(tree, candidate)
    client = login(users)
    response = client.get(reverse("members:print", args=[candidate.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("ĐẢNG CỘNG SẢN VIỆT NAM", "PHIẾU ĐẢNG VIÊN", "NGUYỄN VĂN THỬ 1", "ĐẢNG BỘ TỈNH LẠNG SƠN",
                 "CHI BỘ KHỐI 1", "20/05/1990", "Quá trình hoạt động và công tác", "Sở Nội vụ tỉnh Lạng Sơn",
                 "Học viện Hành chính Quốc gia", "Lào", "Giấy khen", "Hoàn cảnh gia đình", "Nguyễn Văn Tổ",
                 "Lê Thị Ngọc Ánh", "Không có gì đặc biệt", "Người giới thiệu: <b>A</b>", candidate.cccd,
                 "dossier-print.css"):
        assert text in html, text
    assert "<style" not in html and "<script>" not in html  # CSP: no inline styles or scripts
    assert html.index("Cha") < html.index("Vợ / chồng")  # family in 2-HSĐV order
    export = AuditEntry.objects.get(action="export")
    assert export.object_id == f"phieu-dang-vien/{candidate.pk}" and export.actor == users["commune_officer"]
    leader = login(users, "leader").get(reverse("members:print", args=[candidate.pk])).content.decode()
    assert "Không có gì đặc biệt" not in leader and candidate.cccd not in leader
    assert candidate.cccd_masked in leader and "Hoàn cảnh kinh tế" not in leader
    assert AuditEntry.objects.filter(action="export").count() == 2


def test_pdf_renders_vietnamese_and_is_audited(tree, users, candidate, tmp_path):
    from tcxd.members import printing

    if not printing.pdf_available():
        pytest.skip("WeasyPrint chưa cài: trang in là phương án thay thế")
    _full_dossier(tree, candidate)
    response = login(users).get(reverse("members:print_pdf", args=[candidate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"phieu-dang-vien-{candidate.pk}.pdf" in response["Content-Disposition"]
    assert AuditEntry.objects.get(action="export").object_id == f"phieu-dang-vien/{candidate.pk}.pdf"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) chưa cài: không kiểm được chữ trong PDF")
    pdf = tmp_path / "phieu.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    assert "NGUYỄN VĂN THỬ 1" in text and "Nguyễn Văn Thử 1" in text  # the name, with its diacritics
    squeezed = "".join(text.split())  # table cells wrap text over lines
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "PHIẾU ĐẢNG VIÊN", "Lê Thị Ngọc Ánh", "Chuyên viên, Sở Nội vụ",
                     "Đảng ủy phường", "Sở Nội vụ tỉnh Lạng Sơn"):
        assert "".join(expected.split()) in squeezed, expected


def test_pdf_falls_back_to_print_page_without_weasyprint(tree, users, candidate, monkeypatch):
    from tcxd.members import printing

    monkeypatch.setattr(printing, "pdf_available", lambda: False)
    client = login(users)
    response = client.get(reverse("members:print_pdf", args=[candidate.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("members:print", args=[candidate.pk])
    html = client.get(response["Location"]).content.decode()
    assert "chưa cài bộ dựng PDF" in html and 'data-testid="pdf-link"' not in html
    assert AuditEntry.objects.filter(action="export").count() == 1  # the print page, not the refused PDF


def test_host_of_a_temporary_transfer_sees_but_cannot_write_the_dossier(tree, users, candidate):
    from tcxd.conftest import make_user
    from tcxd.members import services as MS

    ceremony = admit(tree, candidate)
    MS.member_event_record(actor=tree.admin, member=candidate, kind="temp_transfer_out",
                           on=ceremony + dt.timedelta(days=10), target_org=tree.cell_b1)
    host = Client()
    host.force_login(make_user("xb", "officer", tree.commune_b))
    assert host.get(reverse("members:detail", args=[candidate.pk])).status_code == 200
    response = host.post(reverse("members:row_add", args=[candidate.pk, "work"]),
                         {"from_date": "01/01/2015", "position": "Cán bộ"})
    assert response.status_code == 404 and WorkHistory.objects.count() == 0
