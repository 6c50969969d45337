"""Quê quán on both administrative maps, the member's portrait, and documents kept as an event's evidence."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from PIL import Image

from tcxd.audit.models import AuditEntry
from tcxd.authz.services import api_token_create
from tcxd.common.errors import PermissionDenied, ValidationFailed
from tcxd.geo.models import AdminUnit, Level, MapVersion
from tcxd.geo.selectors import unit_choice_label
from tcxd.members import dossier_services as DS
from tcxd.members import services as MS
from tcxd.members.models import Attachment, Member, MemberEvent
from tcxd.members.tests.conftest import cccd_for, new_candidate
from tcxd.rules.pure.membership import EventKind as K

D = dt.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def files_in(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


def login(users, who="commune_officer"):
    client = Client()
    client.force_login(users[who])
    return client


def image_bytes(size=(300, 400), fmt="PNG", exif=False) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "CameraMaker"  # Make
        data[0x0112] = 6  # orientation: rotate 90°
        kwargs["exif"] = data.tobytes()
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


# ---- quê quán on both maps ---------------------------------------------------------------------------

def _old_commune(successors: int) -> AdminUnit:
    """A pre-2025 commune whose territory went into exactly ``successors`` 2025 units (first by code)."""
    qs = (AdminUnit.objects.filter(map_version=MapVersion.PRE2025, level=Level.COMMUNE)
          .annotate(n=Count("successor_links__successor", distinct=True)).filter(n=successors).order_by("code"))
    unit = qs.first()
    assert unit is not None, f"reference data has no commune with {successors} successors"
    return unit


def test_hometown_2025_is_derived_only_when_the_old_commune_went_into_one_unit(tree):
    whole = _old_commune(1)
    split = _old_commune(2)
    a = new_candidate(tree, serial=11, hometown_pre2025=whole)
    assert a.hometown_2025 == whole.successor_links.get().successor
    b = new_candidate(tree, serial=12, hometown_pre2025=split)
    assert b.hometown_2025 is None  # ambiguous: the officer picks
    # An explicit 2025 unit is kept as typed.
    chosen = AdminUnit.objects.filter(map_version=MapVersion.V2025, level=Level.COMMUNE).order_by("-code").first()
    c = new_candidate(tree, serial=13, hometown_pre2025=whole, hometown_2025=chosen)
    assert c.hometown_2025 == chosen
    # Correcting the old commune later fills the new one when it was empty.
    MS.member_update(actor=tree.admin, member=b, hometown_pre2025=whole)
    b.refresh_from_db()
    assert b.hometown_2025 == whole.successor_links.get().successor


def test_hometown_units_must_be_on_their_own_map(tree):
    old = _old_commune(1)
    new = AdminUnit.objects.filter(map_version=MapVersion.V2025, level=Level.COMMUNE).first()
    with pytest.raises(ValidationFailed) as exc:
        new_candidate(tree, serial=14, hometown_pre2025=new, hometown_2025=old)
    assert "trước 01/07/2025" in exc.value.errors["hometown_pre2025"][0]
    assert "từ 01/07/2025" in exc.value.errors["hometown_2025"][0]
    assert not Member.objects.filter(cccd=cccd_for(14)).exists()


def test_member_form_picks_hometown_by_code_and_refuses_an_unknown_code(tree, users):
    member = new_candidate(tree, serial=15)
    old = _old_commune(1)
    client = login(users)
    page = client.get(reverse("members:edit", args=[member.pk])).content.decode()
    assert 'hx-get="/dia-gioi/goi-y/?ban-do=pre2025' in page
    form = {"full_name": member.full_name, "sex": "M", "birth_date": "20/05/1990", "cccd": member.cccd,
            "ethnicity": "01", "religion": "none", "general_education": "thpt",
            "hometown_pre2025": "99999 — Xã Không Có", "hometown_2025": ""}
    response = client.post(reverse("members:edit", args=[member.pk]), form)
    assert response.status_code == 200
    assert "Không có đơn vị hành chính “99999” trong danh mục trước 01/07/2025" in response.content.decode()
    member.refresh_from_db()
    assert member.hometown_pre2025 is None
    form["hometown_pre2025"] = unit_choice_label(old)
    assert client.post(reverse("members:edit", args=[member.pk]), form).status_code == 302
    member.refresh_from_db()
    assert member.hometown_pre2025 == old and member.hometown_2025 is not None
    detail = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert f"Trước 01/07/2025: {old.name}" in detail and f"Từ 01/07/2025: {member.hometown_2025.name}" in detail
    # Clearing the picker clears the unit.
    form["hometown_pre2025"] = ""
    form["hometown_2025"] = ""
    assert client.post(reverse("members:edit", args=[member.pk]), form).status_code == 302
    member.refresh_from_db()
    assert member.hometown_pre2025 is None and member.hometown_2025 is None


def test_unit_suggestions_are_accent_insensitive_per_map_and_need_a_login(tree, users):
    old = _old_commune(1)
    client = login(users, "member")
    url = reverse("geo:unit_suggest")
    typed = old.name_norm.split(" ", 1)[1]  # "xa tan thanh" without the unit type, unaccented
    html = client.get(url, {"ban-do": "pre2025", "ten": "hometown_pre2025", "hometown_pre2025": typed,
                            "o": "id_hometown_pre2025"}).content.decode()
    assert f'data-value="{unit_choice_label(old)}"' in html
    assert 'data-fill="id_hometown_pre2025"' in html
    assert "Nay: " in html  # the 2025 unit it became
    new_only = client.get(url, {"ban-do": "2025", "q": typed}).content.decode()
    assert unit_choice_label(old) not in new_only
    assert "Gõ ít nhất 2 ký tự" in client.get(url, {"q": "x"}).content.decode()
    assert "Không tìm thấy" in client.get(url, {"q": "zzzqqq"}).content.decode()
    assert Client().get(url, {"q": typed}).status_code == 302


def test_api_reads_and_writes_hometown_codes(tree, users):
    old = _old_commune(1)
    key, _ = api_token_create(actor=users["commune_officer"], user=users["commune_officer"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = {"org_id": tree.cell_a1.pk, "on": "2024-03-01", "full_name": "Lường Văn Quê", "sex": "M",
            "birth_date": "1991-01-01", "cccd": "020091000888", "hometown_pre2025_code": "99999"}
    refused = api.post("/api/members", body, content_type="application/json")
    assert refused.status_code == 400
    assert "99999" in refused.json()["errors"]["hometown_pre2025"][0]
    assert not Member.objects.filter(cccd="020091000888").exists()
    body["hometown_pre2025_code"] = old.code
    created = api.post("/api/members", body, content_type="application/json").json()
    assert created["hometown_pre2025_code"] == old.code
    assert created["hometown_2025_code"] == old.successor_links.get().successor.code
    assert created["hometown_pre2025_label"].startswith(old.name + ", ")
    cleared = api.patch(f"/api/members/{created['id']}", {"hometown_2025_code": ""},
                        content_type="application/json").json()
    assert cleared["hometown_2025_code"] is None and cleared["hometown_pre2025_code"] == old.code


# ---- photo -------------------------------------------------------------------------------------------

def test_photo_is_checked_reencoded_and_replaced(tree, media, django_capture_on_commit_callbacks):
    member = new_candidate(tree, serial=21)
    big = image_bytes((1600, 2000), "JPEG", exif=True)
    member = DS.dossier_photo_set(actor=tree.admin, member=member, upload=SimpleUploadedFile("chan-dung.jpg", big))
    first = member.photo.name
    with member.photo.open("rb") as fh:
        stored = Image.open(fh)
        stored.load()
    assert stored.format == "JPEG"
    assert max(stored.size) == DS.PHOTO_MAX_SIDE
    assert stored.size == (800, 640)  # EXIF orientation 6 applied: the portrait is upright, then dropped
    assert not stored.getexif()
    entry = AuditEntry.objects.filter(action="member.photo.set").latest("id")
    assert entry.after["file_name"] == "chan-dung.jpg" and entry.before == {"photo": None}
    # Replacing removes the old file once committed.
    with django_capture_on_commit_callbacks(execute=True):
        DS.dossier_photo_set(actor=tree.admin, member=member, upload=SimpleUploadedFile("moi.png", image_bytes()))
    member.refresh_from_db()
    assert member.photo.name != first
    assert [p.name for p in files_in(media)] == [member.photo.name.rsplit("/", 1)[-1]]


@pytest.mark.parametrize("name, content, message", [
    ("anh.pdf", PDF, "chỉ nhận tệp JPEG hoặc PNG"),
    ("anh.jpg", PDF, "không phải ảnh JPEG/PNG đọc được"),
    ("anh.png", b"", "Tệp rỗng"),
    ("anh.png", image_bytes((59, 400)), "cần ít nhất 60 điểm ảnh"),
    ("anh.png", image_bytes((60, 400))[:40], "không phải ảnh JPEG/PNG đọc được"),
])
def test_bad_photos_are_refused_and_nothing_is_stored(tree, media, name, content, message):
    member = new_candidate(tree, serial=22)
    with pytest.raises(ValidationFailed) as exc:
        DS.dossier_photo_set(actor=tree.admin, member=member, upload=SimpleUploadedFile(name, content))
    assert message in exc.value.errors["photo"][0]
    member.refresh_from_db()
    assert not member.photo and files_in(media) == []


def test_photo_limits_at_the_boundary(tree, media, monkeypatch):
    member = new_candidate(tree, serial=23)
    DS.dossier_photo_set(actor=tree.admin, member=member, upload=SimpleUploadedFile("a.png", image_bytes((60, 60))))
    monkeypatch.setattr(DS, "PHOTO_MAX_BYTES", len(image_bytes()) - 1)
    with pytest.raises(ValidationFailed) as exc:
        DS.dossier_photo_set(actor=tree.admin, member=member, upload=SimpleUploadedFile("b.png", image_bytes()))
    assert "Ảnh quá lớn" in exc.value.errors["photo"][0]


def test_photo_pages_scope_roles_print_and_removal(tree, users, media, django_capture_on_commit_callbacks):
    member = new_candidate(tree, serial=24)
    outsider = new_candidate(tree, serial=25, org=tree.cell_b1)
    client = login(users)
    assert client.get(reverse("members:photo", args=[member.pk])).status_code == 404  # none yet
    response = client.post(reverse("members:photo_set", args=[member.pk]),
                           {"photo": SimpleUploadedFile("a.png", image_bytes())})
    assert response.status_code == 302
    image = client.get(reverse("members:photo", args=[member.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert b"".join(image.streaming_content).startswith(b"\xff\xd8\xff")
    assert f'src="{reverse("members:photo", args=[member.pk])}"' in client.get(
        reverse("members:detail", args=[member.pk])).content.decode()
    assert 'data-testid="print-photo"' in client.get(reverse("members:print", args=[member.pk])).content.decode()
    # A bad upload on the page: the message, and the photo kept.
    bad = client.post(reverse("members:photo_set", args=[member.pk]), {"photo": SimpleUploadedFile("x.png", PDF)})
    assert bad.status_code == 200 and "không phải ảnh JPEG/PNG đọc được" in bad.content.decode()
    # Read-only roles see it but cannot change it; out of scope is 404.
    cell = login(users, "cell")
    assert cell.get(reverse("members:photo", args=[member.pk])).status_code == 200
    assert cell.post(reverse("members:photo_set", args=[member.pk]), {}).status_code == 403
    with pytest.raises(PermissionDenied):
        DS.dossier_photo_remove(actor=users["cell"], member=member)
    DS.dossier_photo_set(actor=tree.admin, member=outsider, upload=SimpleUploadedFile("o.png", image_bytes()))
    assert client.get(reverse("members:photo", args=[outsider.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        removed = client.post(reverse("members:photo_remove", args=[member.pk]), {"note": "Ảnh cũ"})
    assert removed.status_code == 302
    member.refresh_from_db()
    assert not member.photo
    assert AuditEntry.objects.filter(action="member.photo.remove", note="Ảnh cũ").exists()
    assert len(files_in(media)) == 1  # only the outsider's


def test_pdf_carries_the_photo_inline(tree, users, media):
    from tcxd.members import printing

    if not printing.pdf_available():
        pytest.skip("WeasyPrint system libraries missing")
    member = new_candidate(tree, serial=26)
    client = login(users)
    without = client.get(reverse("members:print_pdf", args=[member.pk])).content
    DS.dossier_photo_set(actor=tree.admin, member=member, upload=SimpleUploadedFile("a.png", image_bytes()))
    with_photo = client.get(reverse("members:print_pdf", args=[member.pk])).content
    assert with_photo.startswith(b"%PDF") and b"/Subtype /Image" in with_photo
    assert b"/Subtype /Image" not in without


# ---- documents as an event's evidence ------------------------------------------------------------------

def test_event_with_its_document_is_one_write(tree, media):
    member = new_candidate(tree, serial=31)
    event = MS.member_event_record(actor=tree.admin, member=member, kind=K.APPLICATION, on=D(2024, 2, 1),
                                   documents=[("don_xin_vao_dang", "Đơn ngày 01/02/2024",
                                               SimpleUploadedFile("don.pdf", PDF))])
    attachment = Attachment.objects.get(member=member)
    assert attachment.event == event and attachment.doc_type == "don_xin_vao_dang"
    assert AuditEntry.objects.filter(action="member.attachment.add", after__event_id=event.pk).exists()


def test_a_bad_document_refuses_the_event_and_nothing_is_half_saved(tree, media):
    member = new_candidate(tree, serial=32)
    before = (MemberEvent.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        MS.member_event_record(actor=tree.admin, member=member, kind=K.APPLICATION, on=D(2024, 2, 1),
                               documents=[("don_xin_vao_dang", "", SimpleUploadedFile("don.exe", b"MZ..."))])
    assert "Chỉ nhận tệp PDF, JPEG hoặc PNG" in exc.value.errors["file"][0]
    assert (MemberEvent.objects.count(), AuditEntry.objects.count()) == before
    assert files_in(media) == []
    # A valid document with an invalid event: neither is kept.
    with pytest.raises(ValidationFailed):
        MS.member_event_record(actor=tree.admin, member=member, kind=K.CEREMONY, on=D(2024, 2, 1),
                               documents=[("khac", "", SimpleUploadedFile("a.pdf", PDF))])
    assert not Attachment.objects.filter(member=member).exists()
    assert MemberEvent.objects.count() == before[0]


def test_wizard_uploads_the_evidence_and_the_events_tab_links_it(tree, users, media):
    member = new_candidate(tree, serial=33)
    client = login(users)
    page = client.get(reverse("members:event_create", args=[member.pk, "application"])).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert '<option value="don_xin_vao_dang" selected>' in page  # the evidence this event usually has
    bad = client.post(reverse("members:event_create", args=[member.pk, "application"]),
                      {"on": "01/02/2024", "doc_type": "don_xin_vao_dang", "file": SimpleUploadedFile("x.pdf", b"no")})
    assert bad.status_code == 200 and "Nội dung tệp không phải PDF" in bad.content.decode()
    assert not MemberEvent.objects.filter(member=member, kind="application").exists()
    ok = client.post(reverse("members:event_create", args=[member.pk, "application"]),
                     {"on": "01/02/2024", "doc_type": "don_xin_vao_dang", "file": SimpleUploadedFile("d.pdf", PDF)})
    assert ok.status_code == 302
    event = MemberEvent.objects.get(member=member, kind="application")
    events_tab = client.get(reverse("members:detail", args=[member.pk]), {"tab": "su-kien"}).content.decode()
    attachment = Attachment.objects.get(event=event)
    assert reverse("members:attachment_download", args=[attachment.pk]) in events_tab
    documents_tab = client.get(reverse("members:detail", args=[member.pk]), {"tab": "tai-lieu"}).content.decode()
    assert "kèm sự kiện đơn xin vào đảng ngày 01/02/2024" in documents_tab.lower()


def test_attachment_form_links_an_existing_event_of_the_same_member_only(tree, users, media):
    member = new_candidate(tree, serial=34)
    other = new_candidate(tree, serial=35)
    event = MS.member_event_record(actor=tree.admin, member=member, kind=K.APPLICATION, on=D(2024, 2, 1))
    foreign = MS.member_event_record(actor=tree.admin, member=other, kind=K.APPLICATION, on=D(2024, 2, 1))
    with pytest.raises(ValidationFailed) as exc:
        DS.dossier_attachment_add(actor=tree.admin, member=member, doc_type="khac",
                                  upload=SimpleUploadedFile("a.pdf", PDF), event=foreign)
    assert "không thuộc hồ sơ này" in exc.value.errors["event"][0]
    client = login(users)
    form_page = client.get(reverse("members:attachment_add", args=[member.pk]), {"su-kien": event.pk})
    assert f'<option value="{event.pk}" selected>' in form_page.content.decode()
    assert f'value="{foreign.pk}"' not in form_page.content.decode()
    response = client.post(reverse("members:attachment_add", args=[member.pk]),
                           {"doc_type": "don_xin_vao_dang", "event": event.pk,
                            "file": SimpleUploadedFile("d.pdf", PDF)})
    assert response.status_code == 302
    assert Attachment.objects.get(member=member).event == event
    # Another member's event id posted by hand is not a choice.
    response = client.post(reverse("members:attachment_add", args=[member.pk]),
                           {"doc_type": "khac", "event": foreign.pk, "file": SimpleUploadedFile("e.pdf", PDF)})
    assert response.status_code == 200 and Attachment.objects.filter(member=member).count() == 1


def test_binary_uploads_pass_the_nul_guard_but_typed_fields_do_not(tree, users, media):
    member = new_candidate(tree, serial=36)
    client = login(users)
    png = image_bytes()
    assert b"\x00" in png
    ok = client.post(reverse("members:attachment_add", args=[member.pk]),
                     {"doc_type": "khac", "file": SimpleUploadedFile("scan.png", png)})
    assert ok.status_code == 302
    refused = client.post(reverse("members:attachment_add", args=[member.pk]),
                          {"doc_type": "khac", "title": "a\x00b", "file": SimpleUploadedFile("b.pdf", PDF)})
    assert refused.status_code == 400 and "NUL" in refused.content.decode()
    assert Attachment.objects.filter(member=member).count() == 1
