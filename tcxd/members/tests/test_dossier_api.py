"""The dossier's repeating rows, documents and photo through the JSON API (the pages' services and scope)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tcxd.audit.models import AuditEntry
from tcxd.authz.services import api_token_create
from tcxd.members import services as MS
from tcxd.members.models import Attachment, FamilyMember, WorkHistory
from tcxd.members.tests.conftest import new_candidate
from tcxd.rules.pure.membership import EventKind as K

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def api(users, who="commune_officer") -> Client:
    key, _ = api_token_create(actor=users[who], user=users[who])
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 160), "gray").save(out, format="PNG")
    return out.getvalue()


def test_rows_add_list_update_delete_with_the_services_rules(tree, users):
    member = new_candidate(tree, serial=41)
    client = api(users)
    base = f"/api/members/{member.pk}/rows"
    bad = client.post(f"{base}/work", {"data": {"from_date": "2015-09-01", "to_date": "2014-09-01"}},
                      content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["errors"]["position"] == ["Chưa nhập chức vụ, công việc."]
    assert WorkHistory.objects.count() == 0
    bad_date = client.post(f"{base}/work", {"data": {"from_date": "01/09/2015", "position": "Giáo viên"}},
                           content_type="application/json")
    assert bad_date.status_code == 400 and "Ngày không hợp lệ" in bad_date.json()["errors"]["from_date"][0]
    created = client.post(f"{base}/work", {"data": {"from_date": "2015-09-01", "position": "Giáo viên"}},
                          content_type="application/json")
    assert created.status_code == 201
    row = created.json()
    assert row["kind"] == "work" and row["data"]["position"] == "Giáo viên" and row["data"]["from_date"] == "2015-09-01"
    updated = client.patch(f"/api/members/rows/work/{row['id']}", {"data": {"position": "Hiệu trưởng"}},
                           content_type="application/json").json()
    assert updated["data"]["position"] == "Hiệu trưởng" and updated["data"]["from_date"] == "2015-09-01"
    assert [r["data"]["position"] for r in client.get(f"{base}/work").json()] == ["Hiệu trưởng"]
    unknown = client.get(f"{base}/pets")
    assert unknown.status_code == 400 and "Loại dòng không hợp lệ" in unknown.json()["message"]
    deleted = client.post(f"/api/members/rows/work/{row['id']}/delete", {"note": "Nhập trùng"},
                          content_type="application/json")
    assert deleted.status_code == 204 and not WorkHistory.objects.exists()
    assert AuditEntry.objects.filter(action="member.row.delete", note="Nhập trùng").exists()


def test_family_political_notes_are_masked_for_roles_outside_the_commission(tree, users):
    member = new_candidate(tree, serial=42)
    FamilyMember.objects.create(member=member, relation="cha", full_name="Lê Văn Cha", birth_year=1960,
                                political_notes="Có người thân ở nước ngoài")
    officer = api(users).get(f"/api/members/{member.pk}/rows/family").json()
    leader = api(users, "leader").get(f"/api/members/{member.pk}/rows/family").json()
    assert officer[0]["data"]["political_notes"] == "Có người thân ở nước ngoài"
    assert leader[0]["data"]["political_notes"] == "***"
    assert leader[0]["data"]["full_name"] == "Lê Văn Cha"


def test_documents_upload_with_event_list_download_and_remove(tree, users, media):
    member = new_candidate(tree, serial=43)
    event = MS.member_event_record(actor=tree.admin, member=member, kind=K.APPLICATION, on=dt.date(2024, 2, 1))
    client = api(users)
    url = f"/api/members/{member.pk}/attachments"
    missing = client.post(url, {"doc_type": "don_xin_vao_dang"})
    assert missing.status_code == 400 and missing.json()["errors"]["file"] == ["Chưa chọn tệp."]
    wrong_event = client.post(url, {"doc_type": "khac", "event_id": 999999, "file": SimpleUploadedFile("a.pdf", PDF)})
    assert wrong_event.status_code == 400 and "không thuộc hồ sơ này" in wrong_event.json()["message"]
    created = client.post(url, {"doc_type": "don_xin_vao_dang", "title": "Đơn", "event_id": event.pk,
                                "file": SimpleUploadedFile("don.pdf", PDF)})
    assert created.status_code == 201
    body = created.json()
    assert body["event_id"] == event.pk and body["doc_type_label"] == "Đơn xin vào Đảng"
    assert [a["id"] for a in client.get(url).json()] == [body["id"]]
    download = client.get(f"/api/members/attachments/{body['id']}/file")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert AuditEntry.objects.filter(action="export", note__contains="Đơn xin vào Đảng").exists()
    # The province's leader reads the list but may not download the scan nor remove it.
    leader = api(users, "leader")
    assert leader.get(url).status_code == 200
    assert leader.get(f"/api/members/attachments/{body['id']}/file").status_code == 403
    assert leader.post(f"/api/members/attachments/{body['id']}/delete", {}, content_type="application/json"
                       ).status_code == 403
    removed = client.post(f"/api/members/attachments/{body['id']}/delete", {"note": "Tải nhầm"},
                          content_type="application/json")
    assert removed.status_code == 204 and not Attachment.objects.exists()


def test_photo_set_get_and_remove(tree, users, media):
    member = new_candidate(tree, serial=44)
    client = api(users)
    url = f"/api/members/{member.pk}/photo"
    assert client.get(url).status_code == 404
    bad = client.post(url, {"photo": SimpleUploadedFile("a.png", PDF)})
    assert bad.status_code == 400 and "không phải ảnh" in bad.json()["errors"]["photo"][0]
    assert client.post(url, {"photo": SimpleUploadedFile("a.png", png())}).status_code == 204
    got = client.get(url)
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert client.get(f"/api/members/{member.pk}").json()["has_photo"] is True
    assert api(users, "cell").post(url, {"photo": SimpleUploadedFile("b.png", png())}).status_code == 403
    assert client.post(f"{url}/delete", {"note": ""}, content_type="application/json").status_code == 204
    again = client.post(f"{url}/delete", {"note": ""}, content_type="application/json")
    assert again.status_code == 400 and again.json()["message"] == "Hồ sơ chưa có ảnh."
