"""The JSON API: token exchange, errors as JSON with Vietnamese messages, the same rules."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tcxd.audit.models import AuditEntry


@pytest.fixture
def officer_client(users):
    client = Client()
    response = client.post("/api/auth/token", json.dumps({"username": "xa", "password": "matkhau-Rat-Manh-2026"}),
                           content_type="application/json")
    assert response.status_code == 200
    return Client(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")


def post(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_token_exchange_refuses_bad_credentials(users):
    response = post(Client(), "/api/auth/token", {"username": "xa", "password": "sai"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_me(officer_client, tree):
    me = officer_client.get("/api/auth/me").json()
    assert me["username"] == "xa" and me["org_id"] == tree.commune_a.id and me["role"] == "officer"


def test_create_then_validation_errors_as_json(officer_client, tree):
    ok = post(officer_client, "/api/orgs", {"parent_id": tree.commune_a.id, "code": "API-1",
                                            "name": "Chi bộ Khu phố 5", "kind": "cell", "valid_from": "2025-09-01"})
    assert ok.status_code == 201, ok.content
    assert ok.json()["path"].startswith(tree.commune_a.path)
    bad = post(officer_client, "/api/orgs", {"parent_id": tree.commune_a.id, "code": "API-1",
                                             "name": "", "kind": "cell", "valid_from": "2025-09-01"})
    assert bad.status_code == 400
    body = bad.json()
    assert body["code"] == "validation_failed"
    assert "đã được dùng" in body["errors"]["code"][0] and body["errors"]["name"]
    malformed = post(officer_client, "/api/orgs", {"parent_id": "x"})
    assert malformed.status_code == 422 and malformed.json()["code"] == "invalid_input"
    assert AuditEntry.objects.filter(action="org.create", channel="api").count() == 1


def test_move_and_tree_as_of(officer_client, tree):
    response = post(officer_client, f"/api/orgs/{tree.cell_a1.id}/move",
                    {"new_parent_id": tree.gcell_a2.id, "effective_on": "2025-10-01"})
    assert response.status_code == 400  # a cell cannot sit under a grassroots cell
    assert "không thể trực thuộc" in json.dumps(response.json(), ensure_ascii=False)
    old = officer_client.get(f"/api/orgs/{tree.commune_a.id}/tree", {"on": "2025-06-30"})
    assert old.status_code == 200 and old.json() == []


def test_paginated_list_and_search(officer_client, tree):
    page = officer_client.get("/api/orgs").json()
    codes = {o["code"] for o in page["items"]}
    assert codes == {"XA", "XA1", "XA2"} and page["count"] == 3
    found = officer_client.get("/api/orgs", {"q": "tieu hoc"}).json()
    assert [o["code"] for o in found["items"]] == ["XA2"]


def test_openapi_and_local_docs(client, db):
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "TCXD API"
    docs = client.get("/api/docs").content.decode()
    assert "cdn." not in docs and "unpkg" not in docs and "jsdelivr" not in docs


def test_rule_parameter_in_force(officer_client):
    response = officer_client.get("/api/rules/parameters/org.cell_min_official_members", {"on": "2025-08-01"})
    assert response.status_code == 200
    assert response.json()["value"] == 3


def test_unknown_rule_parameter_is_404(officer_client):
    response = officer_client.get("/api/rules/parameters/khong.ton.tai")
    assert response.status_code == 404 and response.json()["code"] == "rule_not_in_force"
    assert "không có trong sổ quy định" in response.json()["message"]


def test_token_endpoint_is_throttled_with_a_json_answer(users):
    client = Client()
    for _ in range(5):
        response = post(client, "/api/auth/token", {"username": "xa", "password": "sai"})
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"


def test_nul_characters_are_refused_up_front(officer_client):
    response = officer_client.get("/api/orgs", {"q": "a\x00b"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_characters"
    response = post(officer_client, "/api/orgs", {"name": "x\u0000y"})
    assert response.status_code == 400
