"""The restructuring API: every endpoint scoped (in scope, 404 out of scope, 403 for read-only roles on writes),
malformed parameters refused in Vietnamese, and create → preview → apply → progress → undo; plans with their
progress by date; the lineage of an org; all of it in the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from tcxd.authz.services import api_token_create
from tcxd.conftest import make_org
from tcxd.members.models import MemberEvent
from tcxd.orgs import services as OS
from tcxd.orgs.kinds import OrgKind
from tcxd.restructure import services as S
from tcxd.restructure.models import OperationStatus, PreviewState, RestructureOperation, RestructurePlan

from .conftest import member

pytestmark = pytest.mark.django_db
D = dt.date
ON = D(2026, 1, 1)
BASE = "/api/restructure"


class Api:
    def __init__(self, user):
        key, _ = api_token_create(actor=user, user=user)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    def get(self, path, params=None):
        return self.client.get(BASE + path, params or {})

    def send(self, method, path, body=None):
        return self.client.generic(method, BASE + path, json.dumps(body or {}), content_type="application/json")

    def post(self, path, body=None):
        return self.send("POST", path, body)

    def patch(self, path, body=None):
        return self.send("PATCH", path, body)


@pytest.fixture
def cell_a2(tree):
    return make_org(tree.admin, tree.commune_a, OrgKind.CELL, name="Chi bộ Khối 2", code="XA3")


def merge_body(tree, cell, **extra) -> dict:
    return {"kind": "merge", "title": "Hợp nhất Chi bộ Khối 2 vào Chi bộ Khối 1",
            "spec": {"sources": [cell.pk], "target_id": tree.cell_a1.pk}, "effective_on": "2026-01-01",
            "decision_no": "12-QĐ/ĐU", "decision_date": "2025-12-20", **extra}


def test_create_preview_apply_progress_undo(tree, users, cell_a2, django_capture_on_commit_callbacks):
    moved = [member(cell_a2), member(cell_a2)]
    member(tree.cell_a1)
    api = Api(users["commune_officer"])
    plan = api.post("/plans", {"org_id": tree.commune_a.pk, "code": "ĐA-01", "title": "Sắp xếp chi bộ",
                               "start_on": "2025-07-01", "deadline": "2026-06-30", "target_merged": 2})
    assert plan.status_code == 201, plan.content
    plan_id = plan.json()["id"]
    assert plan.json()["progress"]["targets"] == [{"key": "merged", "label": "Hợp nhất, sáp nhập", "done": 0,
                                                   "target": 2, "text": "0/2 (0,0 %)", "percent": 0.0}]
    created = api.post("/operations", merge_body(tree, cell_a2, plan_id=plan_id))
    assert created.status_code == 201, created.content
    op = created.json()
    assert op["status"] == "draft" and op["scope_org_id"] == tree.commune_a.pk and op["plan_id"] == plan_id
    assert op["preview"] is None and op["undoable"] is False
    assert {"label": "Các tổ chức hợp nhất, sáp nhập", "text": "Chi bộ Khối 2"} in op["description"]
    assert {"label": "Tổ chức tiếp nhận", "text": "Chi bộ Khối 1"} in op["description"]
    # applying before a preview is refused
    refused = api.post(f"/operations/{op['id']}/apply")
    assert refused.status_code == 400 and "xem trước" in refused.json()["message"]
    # the preview is queued (202) with where to follow it; the task runs once the request has committed
    with django_capture_on_commit_callbacks(execute=True):
        queued = api.post(f"/operations/{op['id']}/preview")
    assert queued.status_code == 202, queued.content
    assert queued.json()["preview_state"] == "queued" and queued.json()["preview"] is None
    assert queued.json()["progress_url"] == f"{BASE}/operations/{op['id']}/progress"
    progress = api.client.get(queued.json()["progress_url"]).json()
    assert (progress["job"], progress["preview_state"], progress["finished"], progress["percent"]) == (
        "preview", "done", True, 100)
    previewed = api.get(f"/operations/{op['id']}").json()
    assert previewed["preview_state"] == "done" and previewed["preview_stale"] == ""
    body = previewed["preview"]
    assert body["ok"] and body["errors"] == []
    assert body["outcome"]["closed_names"] == ["Chi bộ Khối 2"] and body["outcome"]["members_moved"] == 2
    assert body["outcome"]["members_by_source_named"] == [{"org": "Chi bộ Khối 2", "members": 2}]
    with django_capture_on_commit_callbacks(execute=True):
        applied = api.post(f"/operations/{op['id']}/apply")
    assert applied.status_code == 200, applied.content
    assert applied.json()["status"] == "queued"  # the task runs once the request's transaction has committed
    applied = api.get(f"/operations/{op['id']}")
    assert applied.json()["status"] == "applied" and applied.json()["undoable"] is True
    assert applied.json()["result"]["members_moved"] == 2 and applied.json()["preview"] is None
    progress = api.get(f"/operations/{op['id']}/progress").json()
    assert progress["finished"] is True and progress["percent"] == 100 and progress["status"] == "applied"
    for m in moved:
        assert MemberEvent.objects.filter(member=m, kind="org_restructured", voided_at__isnull=True).exists()
    lineage = api.get(f"/orgs/{tree.cell_a1.pk}/lineage").json()
    assert lineage["predecessors"] == [{"org_id": cell_a2.pk, "name": "Chi bộ Khối 2", "effective_on": "2026-01-01",
                                        "whole": True, "operation_id": op["id"]}] and lineage["successors"] == []
    assert api.get(f"/orgs/{cell_a2.pk}/lineage").json()["successors"][0]["org_id"] == tree.cell_a1.pk
    # the plan's progress by date
    assert api.get(f"/plans/{plan_id}/progress", {"on": "2026-01-01"}).json()["targets"][0]["text"] == "1/2 (50,0 %)"
    assert api.get(f"/plans/{plan_id}/progress", {"on": "2025-12-31"}).json()["targets"][0]["done"] == 0
    detail = api.get(f"/plans/{plan_id}").json()
    assert [o["id"] for o in detail["operations"]] == [op["id"]]
    # the list, filtered
    assert api.get("/operations", {"status": "applied"}).json()["count"] == 1
    assert api.get("/operations", {"status": "draft"}).json()["count"] == 0
    assert api.get("/operations", {"q": "Khối 2", "kind": "merge"}).json()["items"][0]["id"] == op["id"]
    # undo: a reason is needed
    assert api.post(f"/operations/{op['id']}/undo", {"reason": " "}).json()["errors"]["reason"] == [
        "Chưa nhập lý do hoàn tác."]
    undone = api.post(f"/operations/{op['id']}/undo", {"reason": "Nhập nhầm"})
    assert undone.status_code == 200 and undone.json()["status"] == "undone"
    assert undone.json()["undo_reason"] == "Nhập nhầm"
    assert {m.org_id for m in type(moved[0]).objects.filter(pk__in=[m.pk for m in moved])} == {cell_a2.pk}
    assert api.get(f"/orgs/{tree.cell_a1.pk}/lineage").json()["predecessors"] == []


def test_update_and_refusals(tree, users, cell_a2, django_capture_on_commit_callbacks):
    api = Api(users["commune_officer"])
    op = api.post("/operations", merge_body(tree, cell_a2)).json()
    changed = api.patch(f"/operations/{op['id']}", {"title": "Hợp nhất (sửa)", "decision_no": None,
                                                     "spec": {"sources": [tree.cell_a1.pk, cell_a2.pk], "new": {
                                                         "parent_id": tree.commune_a.pk, "code": "XA9",
                                                         "name": "Chi bộ Khối 9", "kind": "cell"}}})
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["title"] == "Hợp nhất (sửa)" and body["decision_no"] == ""
    assert body["spec"] == {"sources": [tree.cell_a1.pk, cell_a2.pk], "new": {
        "parent_id": tree.commune_a.pk, "code": "XA9", "name": "Chi bộ Khối 9", "kind": "cell", "grassroots_type": "",
        "short_name": ""}}
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/operations/{op['id']}/preview").status_code == 202
    preview = api.get(f"/operations/{op['id']}").json()["preview"]
    assert preview["ok"], preview["errors"]
    assert preview["outcome"]["founded_names"] == ["Chi bộ Khối 9"]
    assert any(w["code"] == "committee_to_form" for w in preview["warnings"])
    no_decision = api.post(f"/operations/{op['id']}/apply")
    assert no_decision.status_code == 400 and "số quyết định" in no_decision.json()["errors"]["decision_no"][0]
    # parameters the engine could not read are refused in Vietnamese, naming the parameter
    for spec, message in (({"sources": ["a"]}, "Tham số “sources.0”: phải là số nguyên."),
                          ({"sources": [cell_a2.pk], "target": 1}, "Tham số “target”: không dùng cho loại sắp xếp"),
                          ({"target_id": tree.cell_a1.pk}, "Tham số “sources”: thiếu."),
                          ({"sources": [0]}, "Tham số “sources.0”: phải là số dương.")):
        response = api.post("/operations", merge_body(tree, cell_a2, spec=spec))
        assert response.status_code == 400 and message in response.json()["errors"]["spec"][0], response.content
    wrong_kind = api.post("/operations", merge_body(tree, cell_a2, kind="gop"))
    assert wrong_kind.status_code == 400 and "merge (Hợp nhất, sáp nhập)" in wrong_kind.json()["errors"]["kind"][0]
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = api.post("/operations", merge_body(tree, cell_a2, effective_on=future, title=""))
    assert response.status_code == 400 and set(response.json()["errors"]) == {"effective_on", "title"}
    assert api.get("/operations", {"status": "x"}).status_code == 400
    plan = api.post("/plans", {"org_id": tree.commune_a.pk, "code": "", "title": "X", "start_on": "2026-01-01",
                               "deadline": "2025-01-01"})
    assert plan.status_code == 400 and set(plan.json()["errors"]) == {"code", "deadline"}
    assert RestructurePlan.objects.count() == 0 and RestructureOperation.objects.count() == 1


def test_every_endpoint_is_scoped(tree, users, cell_a2):
    op_b = S.restructure_draft(actor=tree.admin, kind="rename", title="Đổi tên Chi bộ Thôn Bản Cắm",
                               spec={"org_id": tree.cell_b1.pk, "name": "Chi bộ Mới"}, effective_on=ON,
                               decision_no="3")
    plan_b = S.restructure_plan_save(actor=tree.admin, org=tree.commune_b, code="ĐA-B", title="Đề án xã Cao Lộc",
                                     start_on=D(2025, 7, 1), deadline=D(2026, 6, 30), target_dissolved=1)
    commune = Api(users["commune_officer"])
    reads = [f"/operations/{op_b.pk}", f"/operations/{op_b.pk}/progress", f"/plans/{plan_b.pk}",
             f"/plans/{plan_b.pk}/progress", f"/orgs/{tree.cell_b1.pk}/lineage"]
    writes = [("PATCH", f"/operations/{op_b.pk}", {"title": "x"}), ("POST", f"/operations/{op_b.pk}/preview", {}),
              ("POST", f"/operations/{op_b.pk}/apply", {}), ("POST", f"/operations/{op_b.pk}/undo", {"reason": "x"}),
              ("PATCH", f"/plans/{plan_b.pk}", {"title": "x"}),
              ("POST", "/operations", merge_body(tree, tree.cell_b1)),
              ("POST", "/operations", merge_body(tree, cell_a2, plan_id=plan_b.pk)),
              ("POST", "/plans", {"org_id": tree.commune_b.pk, "code": "X", "title": "X", "start_on": "2025-07-01",
                                  "deadline": "2026-01-01", "target_merged": 1})]
    for path in reads:
        response = commune.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found", path
        assert "Bản Cắm" not in response.content.decode() and "Cao Lộc" not in response.content.decode()
    for method, path, body in writes:
        response = commune.send(method, path, body)
        assert response.status_code == 404 and response.json()["code"] == "not_found", (method, path, response.content)
    assert commune.get("/operations").json()["count"] == 0 and commune.get("/plans").json() == []
    leader = Api(users["leader"])
    for path in reads:
        assert leader.get(path).status_code == 200, path
    for method, path, body in writes:
        response = leader.send(method, path, body)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied", (method, path)
    assert leader.get("/operations").json()["count"] == 1 and len(leader.get("/plans").json()) == 1
    op_b.refresh_from_db()
    assert op_b.status == OperationStatus.DRAFT and op_b.title == "Đổi tên Chi bộ Thôn Bản Cắm"
    assert RestructurePlan.objects.count() == 1 and RestructureOperation.objects.count() == 1


def test_the_openapi_document_lists_the_endpoints(tree, users):
    api = Api(users["admin"])
    paths = api.client.get("/api/openapi.json").json()["paths"]
    expected = {"/api/restructure/operations": {"get", "post"},
                "/api/restructure/operations/{operation_id}": {"get", "patch"},
                "/api/restructure/operations/{operation_id}/preview": {"post"},
                "/api/restructure/operations/{operation_id}/apply": {"post"},
                "/api/restructure/operations/{operation_id}/progress": {"get"},
                "/api/restructure/operations/{operation_id}/undo": {"post"},
                "/api/restructure/plans": {"get", "post"}, "/api/restructure/plans/{plan_id}": {"get", "patch"},
                "/api/restructure/plans/{plan_id}/progress": {"get"},
                "/api/restructure/orgs/{org_id}/lineage": {"get"}}
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            assert paths[path][method]["tags"] == ["Sắp xếp tổ chức"]


def test_the_preview_is_queued_followed_and_stale_once_the_tree_changes(tree, users, cell_a2,
                                                                         django_capture_on_commit_callbacks):
    member(cell_a2)
    api = Api(users["commune_officer"])
    op = api.post("/operations", merge_body(tree, cell_a2)).json()
    # queued: the request's transaction has not committed here, so the task waits
    queued = api.post(f"/operations/{op['id']}/preview")
    assert queued.status_code == 202 and queued.json()["preview_state"] == "queued"
    assert queued.json()["preview_state_label"] == "Đang chờ xem trước"
    progress = api.get(f"/operations/{op['id']}/progress").json()
    assert (progress["job"], progress["job_label"], progress["finished"], progress["status"]) == (
        "preview", "Đang chờ xem trước", False, "draft")
    refused = api.post(f"/operations/{op['id']}/apply")
    assert refused.status_code == 400 and refused.json()["code"] == "previewing"
    # a killed worker: the preview did not finish, nothing to show, and it may be asked for again
    RestructureOperation.objects.filter(pk=op["id"]).update(preview_state=PreviewState.RUNNING)
    detail = api.get(f"/operations/{op['id']}").json()
    assert detail["preview_state"] == "interrupted" and detail["preview"] is None
    assert "Xem trước chưa hoàn thành" in api.get(f"/operations/{op['id']}/progress").json()["error"]
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/operations/{op['id']}/preview").status_code == 202
    detail = api.get(f"/operations/{op['id']}").json()
    assert detail["preview_state"] == "done" and detail["preview"]["ok"] and detail["preview_stale"] == ""
    # the tree under it changes: the preview is stale and applying is refused until a fresh one
    OS.org_update(actor=tree.admin, org=tree.gcell_a2, effective_on=D(2026, 2, 1), name="Chi bộ Trường Mới")
    detail = api.get(f"/operations/{op['id']}").json()
    assert "Chi bộ Trường Mới" in detail["preview_stale"]
    refused = api.post(f"/operations/{op['id']}/apply")
    assert refused.status_code == 400 and refused.json()["code"] == "preview_stale"
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/operations/{op['id']}/preview")
    with django_capture_on_commit_callbacks(execute=True):
        applied = api.post(f"/operations/{op['id']}/apply")
    assert applied.status_code == 200 and api.get(f"/operations/{op['id']}").json()["status"] == "applied"
