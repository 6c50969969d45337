"""The meeting API: record, read, correct; register; striking-off candidates."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client

from tcxd.authz.services import api_token_create
from tcxd.meetings.models import CellMeeting

D = dt.date


def client_for(user) -> Client:
    key, _ = api_token_create(actor=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def send(client, method, url, body):
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def test_record_read_update_register_candidates(tree, users, cell):
    client = client_for(users["commune_officer"])
    a1 = tree.cell_a1.pk
    an, binh = cell["an"].pk, cell["binh"].pk
    created = send(client, "POST", f"/api/meetings/orgs/{a1}", {"held_on": "2026-03-05", "attendance": [
        {"member_id": an, "status": "present"}, {"member_id": binh, "status": "absent_unexcused"}]})
    assert created.status_code == 201, created.content
    meeting_id = created.json()["id"]
    assert created.json()["topic"] == "Sinh hoạt chi bộ thường kỳ tháng 03/2026"
    for day in ("2026-04-02", "2026-05-07"):
        send(client, "POST", f"/api/meetings/orgs/{a1}", {"held_on": day, "attendance": [
            {"member_id": an, "status": "present"}, {"member_id": binh, "status": "absent_unexcused"}]})
    listed = client.get(f"/api/meetings/orgs/{a1}", {"year": 2026}).json()
    assert [m["held_on"] for m in listed] == ["2026-03-05", "2026-04-02", "2026-05-07"]
    assert listed[0]["unexcused"] == 1
    found = client.get(f"/api/meetings/orgs/{a1}/striking-off", {"year": 2026}).json()
    assert [c["full_name"] for c in found] == ["Trần Thị Bình"] and len(found[0]["absent_months"]) == 3
    patched = send(client, "PATCH", f"/api/meetings/{meeting_id}", {"attendance": [
        {"member_id": binh, "status": "absent_excused", "reason": "Ốm"}]})
    assert patched.status_code == 200
    assert client.get(f"/api/meetings/orgs/{a1}/striking-off", {"year": 2026}).json() == []
    register = client.get(f"/api/meetings/orgs/{a1}/register", {"year": 2026}).json()
    assert register["rows"][1]["marks"] == ["absent_excused", "absent_unexcused", "absent_unexcused"]
    detail = client.get(f"/api/meetings/{meeting_id}").json()
    assert {m["full_name"]: m["reason"] for m in detail["attendance"]}["Trần Thị Bình"] == "Ốm"


def test_errors(tree, users, cell):
    client = client_for(users["commune_officer"])
    future = send(client, "POST", f"/api/meetings/orgs/{tree.cell_a1.pk}", {"held_on": "2099-01-01"})
    assert future.status_code == 400 and "tương lai" in future.json()["errors"]["held_on"][0]
    out = send(client, "POST", f"/api/meetings/orgs/{tree.cell_b1.pk}", {"held_on": "2026-03-05"})
    assert out.status_code == 404 and out.json()["code"] == "not_found"
    read_only = send(client_for(users["leader"]), "POST", f"/api/meetings/orgs/{tree.cell_a1.pk}",
                     {"held_on": "2026-03-05"})
    assert read_only.status_code == 403
    assert client.get(f"/api/meetings/orgs/{tree.cell_a1.pk}/striking-off", {"reading": "weekly"}).status_code == 422
    assert CellMeeting.objects.count() == 0
