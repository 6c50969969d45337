"""JSON API of the imports: upload (a replayed key → 409), the batch, mapping, rows, per-row choices, apply (twice
→ 409), the error report; another commune's batch → 404; read-only roles → 403."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tcxd.authz.services import api_token_create
from tcxd.imports.models import BatchStatus, ImportBatch, Verdict
from tcxd.members.models import Member

from .conftest import apply, cccd, person, upload_and_check, xlsx_bytes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def api_for(users):
    def make(role):
        key, _ = api_token_create(actor=users[role], user=users[role])
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    return make


@pytest.fixture
def api(api_for):
    return api_for("commune_officer")


def _upload(client, org, data, name="ds.xlsx", **extra):
    return client.post("/api/imports/batches", {"file": SimpleUploadedFile(name, data), "root_id": org.pk,
                                                "kind": "members", **extra})


def test_upload_map_check_rows_decide_apply(api, tree, officer, django_capture_on_commit_callbacks):
    apply(officer, upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1)])))
    response = _upload(api, tree.commune_a, xlsx_bytes([person(1, occupation="Nông dân"), person(2),
                                                        person(3, **{"Ngày sinh": "1980"})]))
    assert response.status_code == 201, response.content
    batch = response.json()
    assert batch["status"] == "uploaded" and batch["rows_total"] == 3 and batch["headers"][1] == "Họ và tên"
    assert batch["mapping"]["4"] == "cccd"
    fields = api.get("/api/imports/fields").json()
    assert {"key": "cccd", "label": "Số CCCD", "kind": "cccd", "required_new": True, "event": False} in fields

    with django_capture_on_commit_callbacks(execute=True):
        response = api.put(f"/api/imports/batches/{batch['id']}/mapping", {"mapping": batch["mapping"]},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    body = api.get(f"/api/imports/batches/{batch['id']}").json()
    assert body["status"] == "ready" and body["progress"]["finished"]
    assert body["counts"] == {"new": 1, "update": 1, "unchanged": 0, "duplicate": 0, "conflict": 0,
                              "out_of_scope": 0, "invalid": 1}

    rows = api.get(f"/api/imports/batches/{batch['id']}/rows", {"verdict": "update"}).json()
    assert rows["count"] == 1
    update = rows["items"][0]
    assert update["diff"] == [{"field": "occupation", "label": "Nghề nghiệp", "before": "Giáo viên",
                               "after": "Nông dân"}]
    invalid = api.get(f"/api/imports/batches/{batch['id']}/rows", {"verdict": "rejected"}).json()["items"]
    assert [r["row_no"] for r in invalid] == [4] and "chỉ có năm" in invalid[0]["reasons"][0]
    bad = api.get(f"/api/imports/batches/{batch['id']}/rows", {"verdict": "la"})
    assert bad.status_code == 400 and "verdict" in bad.json()["errors"]

    decided = api.post(f"/api/imports/rows/{update['id']}/decide", {"declined": ["occupation"]},
                       content_type="application/json")
    assert decided.status_code == 200 and decided.json()["declined"] == ["occupation"]
    wrong = api.post(f"/api/imports/rows/{update['id']}/decide", {"declined": ["sex"]},
                     content_type="application/json")
    assert wrong.status_code == 400 and "không có thay đổi ở trường" in wrong.json()["errors"]["declined"][0]

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/imports/batches/{batch['id']}/apply", {"mode": "accepted"},
                            content_type="application/json")
    assert response.status_code == 202, response.content
    body = api.get(f"/api/imports/batches/{batch['id']}").json()
    assert body["status"] == "applied"
    assert body["result"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 1, "skipped": 0}
    assert Member.objects.get(cccd=cccd(1)).occupation == "Giáo viên"  # the field the user kept
    assert Member.objects.filter(cccd=cccd(2)).exists()

    again = api.post(f"/api/imports/batches/{batch['id']}/apply", {"mode": "accepted"},
                     content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "batch_replayed"


def test_a_replayed_key_is_refused_with_409(api, tree):
    key = str(uuid.uuid4())
    first = _upload(api, tree.commune_a, xlsx_bytes([person(1)]), key=key)
    assert first.status_code == 201 and first.json()["key"] == key
    second = _upload(api, tree.commune_a, xlsx_bytes([person(1)]), key=key)
    assert second.status_code == 409 and second.json()["code"] == "batch_replayed"
    assert ImportBatch.objects.count() == 1


@pytest.mark.parametrize("data,name,message", [
    (b"\x89PNG\r\n\x1a\n", "anh.png", "chỉ nhận tệp Excel"),
    (b"PK\x03\x04 broken", "hong.xlsx", "tệp hỏng"),
])
def test_unreadable_files_are_400_and_nothing_is_written(api, tree, data, name, message):
    response = _upload(api, tree.commune_a, data, name=name)
    assert response.status_code == 400 and message in response.json()["errors"]["file"][0]
    assert not ImportBatch.objects.exists()


def test_bad_mappings_are_400(api, tree, officer):
    batch = _upload(api, tree.commune_a, xlsx_bytes([person(1)])).json()
    url = f"/api/imports/batches/{batch['id']}/mapping"
    twice = api.put(url, {"mapping": {**batch["mapping"], "0": "full_name"}}, content_type="application/json")
    assert twice.status_code == 400 and "ghép nhiều cột: Họ và tên" in twice.json()["errors"]["mapping"][0]
    no_cccd = api.put(url, {"mapping": {"1": "full_name"}}, content_type="application/json")
    assert "Chưa ghép cột Số CCCD" in " ".join(no_cccd.json()["errors"]["mapping"])
    letters = api.put(url, {"mapping": {"B": "full_name"}}, content_type="application/json")
    assert letters.status_code == 400
    assert ImportBatch.objects.get().status == BatchStatus.UPLOADED


def test_error_report_download(api, tree, officer):
    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1), person(2, **{"Ngày sinh": "1980"})]))
    response = api.get(f"/api/imports/batches/{batch.pk}/error-report")
    assert response.status_code == 200
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert [r[:2] for r in rows[1:]] == [(3, "Không hợp lệ")]


def test_scope_and_roles(api_for, tree, users, officer):
    other = upload_and_check(users["admin"], tree.commune_b, xlsx_bytes([person(1, org="Chi bộ Thôn Bản Cắm")]))
    mine = upload_and_check(officer, tree.commune_a, xlsx_bytes([person(2)]))
    api = api_for("commune_officer")
    row = other.rows.first()
    for response in (api.get(f"/api/imports/batches/{other.pk}"), api.get(f"/api/imports/batches/{other.pk}/rows"),
                     api.get(f"/api/imports/batches/{other.pk}/error-report"),
                     api.post(f"/api/imports/batches/{other.pk}/apply", {"mode": "accepted"},
                              content_type="application/json"),
                     api.post(f"/api/imports/rows/{row.pk}/decide", {}, content_type="application/json"),
                     _upload(api, tree.commune_b, xlsx_bytes([person(3)]))):
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    listed = api.get("/api/imports/batches").json()
    assert [b["id"] for b in listed["items"]] == [mine.pk]
    leader = api_for("leader")
    assert leader.get(f"/api/imports/batches/{mine.pk}").status_code == 200
    assert leader.post(f"/api/imports/batches/{mine.pk}/apply", {"mode": "accepted"},
                       content_type="application/json").status_code == 403
    assert _upload(leader, tree.commune_a, xlsx_bytes([person(3)])).status_code == 403
    assert {b["id"] for b in leader.get("/api/imports/batches").json()["items"]} == {mine.pk, other.pk}
    assert Verdict.NEW in mine.counts
