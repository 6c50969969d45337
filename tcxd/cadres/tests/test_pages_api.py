"""The register's pages and JSON API: list with filters and exports, a new decision (and a refusal with its
rule), a decision, voiding; the same scoping as the services."""

from __future__ import annotations

import datetime as dt
import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tcxd.authz.services import api_token_create
from tcxd.cadres.models import CadreMove
from tcxd.cadres.selectors import member_label, org_label

from .conftest import cadre, record

D = dt.date


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_filters_pages_and_exports(tree, users, cadre_a):
    for i in range(3):
        record(tree.admin, cadre_a, tree.commune_a, decision_no=f"{i}-QĐ/ĐU", effective_on=D(2026, 3, 1 + i))
    record(tree.admin, cadre_a, tree.commune_b, decision_no="9-QĐ/ĐU")
    client = _client(users["commune_officer"])
    page = client.get(reverse("cadres:list"))
    html = page.content.decode()
    assert page.status_code == 200 and html.count("Hoàng Văn Quyết</a>") == 3 and "9-QĐ/ĐU" not in html
    assert "03/03/2026" in html and "01/03/2031" in html  # dates dd/mm/yyyy; term end of a 02/03/2026 appointment
    assert "<strong>3</strong> lượt cán bộ" in html
    filtered = client.get(reverse("cadres:list"), {"tu": "02/03/2026", "den": "02/03/2026", "q": "quyet"})
    assert filtered.content.decode().count("Hoàng Văn Quyết</a>") == 1
    bad = client.get(reverse("cadres:list"), {"tu": "31/02/2026"})
    assert "Ngày không hợp lệ" in bad.content.decode()
    csv = client.get(reverse("cadres:list"), {"tai": "csv"}, follow=True)  # to the exports
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("Ngày hiệu lực,Loại quyết định,Họ và tên") and body.count("Bổ nhiệm") == 3
    xlsx = client.get(reverse("cadres:list"), {"tai": "xlsx", "loai": "bo_nhiem"}, follow=True)
    rows = list(load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.values)
    assert len(rows) == 4 and rows[1][0].date() == D(2026, 3, 3) and rows[1][2] == "Hoàng Văn Quyết"


def test_create_records_and_shows_the_rule_refusal(tree, users):
    near = cadre(tree, serial=321, birth=D(1968, 12, 5), full_name="Lương Văn Hưu")
    client = _client(users["province_officer"])
    form = client.get(reverse("cadres:create"))
    assert form.status_code == 200 and org_label(tree.province) in form.content.decode()  # the officer's committee
    data = {"member": member_label(near), "kind": "bo_nhiem", "managing_org": org_label(tree.province),
            "decision_no": "20-QĐ/TU", "decision_date": "20/02/2026", "effective_on": "01/03/2026",
            "to_position": "Phó Giám đốc Sở", "higher_post": "on", "file_received_on": "02/01/2026"}
    refused = client.post(reverse("cadres:create"), data)
    html = refused.content.decode()
    assert refused.status_code == 200 and not CadreMove.objects.exists()
    assert ("Chưa đủ 60 tháng công tác đến tuổi nghỉ hưu (QĐ 377-QĐ/TW, HD 06-HD/BTCTW): còn 59 tháng" in html)
    done = client.post(reverse("cadres:create"), {**data, "file_received_on": "01/01/2026"})
    move = CadreMove.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("cadres:detail", args=[move.pk])
    detail = client.get(done["Location"]).content.decode()
    assert "Lương Văn Hưu" in detail and "28/02/2031" in detail and "QĐ 377-QĐ/TW" in detail
    missing = client.post(reverse("cadres:create"), {"member": "Lương Văn Hưu", "kind": "bo_nhiem"})
    text = missing.content.decode()
    assert "Gõ họ tên rồi chọn cán bộ trong danh sách gợi ý" in text and "Chưa chọn cấp ủy quản lý cán bộ." in text


def test_void_page(tree, users, cadre_a):
    move = record(tree.admin, cadre_a, tree.commune_a)
    assert _client(users["leader"]).post(reverse("cadres:void", args=[move.pk]), {"reason": "x"}).status_code == 403
    client = _client(users["commune_officer"])
    empty = client.post(reverse("cadres:void", args=[move.pk]), {"reason": ""})
    assert "Cần ghi lý do hủy." in empty.content.decode()
    done = client.post(reverse("cadres:void", args=[move.pk]), {"reason": "Nhập nhầm"})
    assert done.status_code == 302
    move.refresh_from_db()
    assert move.voided and move.void_reason == "Nhập nhầm"
    detail = client.get(reverse("cadres:detail", args=[move.pk])).content.decode()
    assert "Đã hủy" in detail and "Nhập nhầm" in detail and reverse("cadres:void", args=[move.pk]) not in detail
    listed = client.get(reverse("cadres:list")).content.decode()
    assert "Hoàng Văn Quyết</a>" not in listed
    assert "Hoàng Văn Quyết</a>" in client.get(reverse("cadres:list"), {"da_huy": "on"}).content.decode()


def test_suggestions_stay_in_scope(tree, users, cadre_a):
    cadre(tree, serial=322, org=tree.cell_b1, full_name="Hoàng Thị Ngoài")
    client = _client(users["commune_officer"])
    found = client.get(reverse("cadres:member_suggest"), {"ten": "member", "o": "id_member", "member": "hoang"})
    html = found.content.decode()
    assert "Hoàng Văn Quyết" in html and "Hoàng Thị Ngoài" not in html and 'data-fill="id_member"' in html
    orgs = client.get(reverse("cadres:org_suggest"), {"ten": "managing_org", "managing_org": "dang bo"}).content
    assert "Đảng bộ phường Đông Kinh" in orgs.decode() and "Cao Lộc" not in orgs.decode()
    assert "ít nhất 2 ký tự" in client.get(reverse("cadres:member_suggest"), {"q": "h"}).content.decode()


def test_api_create_list_detail_void_and_counts(tree, users, cadre_a):
    key, _ = api_token_create(actor=users["commune_officer"], user=users["commune_officer"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = {"member_id": cadre_a.pk, "managing_org_id": tree.commune_a.pk, "kind": "dieu_dong",
            "effective_on": "2026-04-01", "decision_no": "5-QĐ/ĐU", "decision_date": "2026-03-28",
            "to_unit": "Văn phòng Đảng ủy", "to_org_code": "XB"}
    created = api.post("/api/cadres", body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["kind_label"], data["member_name"], data["voided"]) == ("Điều động", "Hoàng Văn Quyết", False)
    assert data["to_org_id"] == tree.commune_b.pk  # the unit sent to may lie outside the scope
    refused = api.post("/api/cadres", {**body, "kind": "bo_nhiem", "to_position": ""}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["errors"]["to_position"]
    outside = api.post("/api/cadres", {**body, "managing_org_id": tree.commune_b.pk}, content_type="application/json")
    assert outside.status_code == 404
    bad_day = api.post("/api/cadres", {**body, "effective_on": 0}, content_type="application/json")
    assert bad_day.status_code == 422
    listed = api.get("/api/cadres", {"kind": "dieu_dong", "q": "quyet"}).json()
    assert [m["id"] for m in listed["items"]] == [data["id"]] and listed["next_offset"] is None
    assert api.get(f"/api/cadres/{data['id']}").json()["decision_no"] == "5-QĐ/ĐU"
    counts = api.get(f"/api/cadres/orgs/{tree.commune_a.pk}/counts", {"start": "2026-04-01", "end": "2026-04-01"})
    assert counts.json()["total"] == 1 and counts.json()["by_kind"]["dieu_dong"] == 1
    assert api.get(f"/api/cadres/orgs/{tree.commune_a.pk}/counts",
                   {"start": "2026-04-02", "end": "2026-04-01"}).status_code == 400
    voided = api.post(f"/api/cadres/{data['id']}/void", {"reason": "Nhập nhầm"}, content_type="application/json")
    assert voided.status_code == 200 and voided.json()["voided"] is True
    assert api.get(f"/api/cadres/orgs/{tree.commune_a.pk}/counts",
                   {"start": "2026-01-01", "end": "2026-12-31"}).json()["total"] == 0
