"""The "Chỉ tiêu và tiến độ" page and the API: the same figures, the same scoping (out of scope → 404,
read-only → 403) and the same Vietnamese validation."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from tcxd.conftest import make_org, make_user
from tcxd.orgs.kinds import OrgKind
from tcxd.reports.models import Indicator, Target
from tcxd.reports.services import target_set
from tcxd.reports.tests.clients import api_client, session_client

from .factories import bulk_admissions

D = dt.date
ADM = Indicator.ADMISSIONS
PAGE = reverse("reports:targets")


@pytest.fixture
def figures(tree):
    """The province's 2026 plan of 1.300 and 934 admissions by 15/10/2026 (the seed), 20 after."""
    bulk_admissions(tree.cell_a1, [D(2026, 3, 1)] * 700)
    bulk_admissions(tree.cell_b1, [D(2026, 10, 15)] * 234)
    bulk_admissions(tree.cell_b1, [D(2026, 10, 20)] * 20)
    target_set(actor=tree.admin, org=tree.province, year=2026, indicator=ADM, planned=1300)
    target_set(actor=tree.admin, org=tree.commune_a, year=2026, indicator=ADM, planned=1000)
    return tree


def test_page_shows_the_ratio_the_vietnamese_way(figures, users):
    page = session_client(users["province_officer"]).get(PAGE, {"nam": "2026", "ngay": "15/10/2026", "chi_tieu": ADM})
    html = page.content.decode()
    assert page.status_code == 200
    assert "934 đảng viên, đạt 71,85 %" in html
    assert "1.300" in html and "tự đặt" in html
    assert "Đảng bộ phường Đông Kinh" in html and "đạt 70,00 %" in html  # 700 of 1.000
    assert "Đảng bộ xã Cao Lộc" in html and "chưa có chỉ tiêu" in html
    assert "Tính từ 01/01/2026 đến 15/10/2026." in html
    assert 'class="progress-bar pb-71"' in html
    assert "Lưu chỉ tiêu" in html  # an officer may set targets
    later = session_client(users["province_officer"]).get(PAGE, {"nam": "2026", "ngay": "01/11/2026"})
    assert "954 đảng viên, đạt 73,38 %" in later.content.decode()


def test_page_defaults_to_the_scope_root_and_stays_inside_it(figures, users):
    html = session_client(users["commune_officer"]).get(PAGE, {"nam": "2026", "ngay": "15/10/2026"}).content.decode()
    assert "700 đảng viên, đạt 70,00 %" in html
    assert "Đảng bộ xã Cao Lộc" not in html and "Đảng bộ tỉnh Lạng Sơn" not in html
    leader = session_client(users["leader"]).get(PAGE, {"nam": "2026", "ngay": "15/10/2026"}).content.decode()
    assert "934 đảng viên, đạt 71,85 %" in leader
    assert "Lưu chỉ tiêu" not in leader and "Đặt chỉ tiêu" not in leader  # read-only role: no forms


def test_page_bad_parameters_give_vietnamese_messages(figures, users):
    client = session_client(users["province_officer"])
    html = client.get(PAGE, {"nam": "hai nghìn", "ngay": "31/02/2026", "chi_tieu": "xyz"}).content.decode()
    assert "Năm của chỉ tiêu phải là một năm từ 1930" in html
    assert "Ngày không hợp lệ: “31/02/2026”" in html
    assert "Chỉ tiêu “xyz” không có trong danh mục chỉ tiêu" in html


def test_officer_of_another_province_gets_404(figures):
    other = make_org(figures.admin, figures.root, OrgKind.PROVINCIAL, name="Đảng bộ tỉnh Cao Bằng", code="T04")
    other_province = make_user("tinh2", "officer", other)
    client = session_client(other_province)
    assert client.get(PAGE, {"to_chuc": figures.province.pk}).status_code == 404
    assert client.get(reverse("reports:target_set", args=[figures.province.pk])).status_code == 404
    assert client.post(reverse("reports:target_set", args=[figures.province.pk]),
                       {"year": "2026", "indicator": ADM, "planned": "5"}).status_code == 404
    assert client.post(reverse("reports:target_remove", args=[figures.province.pk]),
                       {"year": "2026", "indicator": ADM}).status_code == 404
    api = api_client(other_province)
    response = api.get(f"/api/reports/orgs/{figures.province.pk}/progress")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert "Lạng Sơn" not in response.content.decode()
    url = f"/api/reports/orgs/{figures.province.pk}/targets/2026/{ADM}"
    assert api.put(url, json.dumps({"planned": 5}), content_type="application/json").status_code == 404
    assert api.delete(url).status_code == 404
    assert Target.objects.get(org=figures.province, ended_at__isnull=True).planned == 1300


def test_read_only_role_cannot_set_a_target(figures, users):
    for role in ("leader", "cell"):
        client = session_client(users[role])
        org = figures.province if role == "leader" else figures.cell_a1
        assert client.get(reverse("reports:target_set", args=[org.pk])).status_code == 403
        assert client.post(reverse("reports:target_set", args=[org.pk]),
                           {"year": "2026", "indicator": ADM, "planned": "5"}).status_code == 403
        api = api_client(users[role])
        url = f"/api/reports/orgs/{org.pk}/targets/2026/{ADM}"
        response = api.put(url, json.dumps({"planned": 5}), content_type="application/json")
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
        assert api.delete(url).status_code == 403
    assert Target.objects.filter(ended_at__isnull=True).count() == 2


def test_set_target_through_the_page(figures, users):
    client = session_client(users["commune_officer"])
    url = reverse("reports:target_set", args=[figures.cell_a1.pk])
    form = client.get(url, {"nam": "2026", "chi_tieu": ADM})
    assert form.status_code == 200 and "Số kế hoạch" in form.content.decode()
    response = client.post(url, {"year": "2026", "indicator": ADM, "planned": "1.200", "note": "NQ chi bộ"})
    assert response.status_code == 302
    assert Target.objects.get(org=figures.cell_a1, ended_at__isnull=True).planned == 1200
    html = client.get(response["Location"]).content.decode()
    assert "Đã đặt chỉ tiêu kết nạp đảng viên mới năm 2026 của Chi bộ Khối 1: 1.200 đảng viên." in html


def test_bad_input_on_the_page_is_named_and_nothing_is_saved(figures, users):
    client = session_client(users["commune_officer"])
    url = reverse("reports:target_set", args=[figures.cell_a1.pk])
    response = client.post(url, {"year": "20x6", "indicator": "tang_truong", "planned": "-3", "note": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Năm của chỉ tiêu phải là một năm từ 1930" in html
    assert "Chỉ tiêu “tang_truong” không có trong danh mục chỉ tiêu" in html
    assert "Số kế hoạch phải là số nguyên dương (lớn hơn 0)" in html
    assert 'data-testid="error-planned"' in html and 'data-testid="error-year"' in html
    response = client.post(url, {"year": "2026", "indicator": ADM, "planned": ""})
    assert "Chưa nhập số kế hoạch." in response.content.decode()
    response = client.post(url, {"year": "2026", "indicator": ADM, "planned": "12,5"})
    assert "Số kế hoạch phải là số nguyên dương" in response.content.decode()
    assert not Target.objects.filter(org=figures.cell_a1).exists()


def test_remove_through_the_page(figures, users):
    client = session_client(users["province_officer"])
    url = reverse("reports:target_remove", args=[figures.commune_a.pk])
    assert "1.000 đảng viên" in client.get(url, {"nam": "2026", "chi_tieu": ADM}).content.decode()
    response = client.post(url, {"year": "2026", "indicator": ADM, "note": "Giao lại"})
    assert response.status_code == 302
    assert not Target.objects.filter(org=figures.commune_a, ended_at__isnull=True).exists()
    again = client.post(url, {"year": "2026", "indicator": ADM})
    assert again.status_code == 200 and "chưa tự đặt chỉ tiêu kết nạp đảng viên mới năm 2026" in again.content.decode()


def test_api_progress_has_the_page_figures(figures, users):
    api = api_client(users["province_officer"])
    data = api.get(f"/api/reports/orgs/{figures.province.pk}/progress",
                   {"year": 2026, "indicator": ADM, "on": "2026-10-15"}).json()
    assert (data["achieved"], data["planned"], data["planned_source"]) == (934, 1300, "own")
    assert data["ratio_text"] == "71,85 %" and data["text"] == "934 đảng viên, đạt 71,85 %"
    assert (data["period_start"], data["period_end"]) == ("2026-01-01", "2026-10-15")
    assert [(c["code"], c["achieved"], c["planned"], c["planned_source_label"], c["ratio_text"])
            for c in data["children"]] == [("XA", 700, 1000, "tự đặt", "70,00 %"),
                                           ("XB", 234, None, "chưa có chỉ tiêu", "–")]


def test_api_sets_and_removes_with_the_same_validation(figures, users):
    api = api_client(users["commune_officer"])
    url = f"/api/reports/orgs/{figures.cell_a1.pk}/targets/2026/{ADM}"
    response = api.put(url, json.dumps({"planned": 40, "note": "NQ"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["planned"] == 40
    response = api.post(url, json.dumps({"planned": 45}), content_type="application/json")
    assert response.status_code == 200 and response.json()["planned"] == 45
    progress = api.get(f"/api/reports/orgs/{figures.commune_a.pk}/progress", {"year": 2026}).json()
    assert progress["children"][0]["planned"] == 45

    bad = api.put(f"/api/reports/orgs/{figures.cell_a1.pk}/targets/1800/khac", json.dumps({"planned": 0}),
                  content_type="application/json")
    assert bad.status_code == 400
    body = bad.json()
    assert body["code"] == "validation_failed" and set(body["errors"]) == {"year", "indicator", "planned"}
    assert body["errors"]["planned"][0].startswith("Số kế hoạch phải là số nguyên dương")
    typed = api.put(url, json.dumps({"planned": "nhiều"}), content_type="application/json")
    assert typed.status_code == 422 and typed.json()["message"] == "Dữ liệu gửi lên không đúng định dạng."

    deleted = api.delete(url)
    assert deleted.status_code == 200 and deleted.json()["ended_at"]
    again = api.delete(url)
    assert again.status_code == 400 and "không có gì để xóa" in again.json()["errors"]["indicator"][0]
    wrong = api.get(f"/api/reports/orgs/{figures.cell_a1.pk}/progress", {"year": 1800, "indicator": "x"})
    assert wrong.status_code == 400 and set(wrong.json()["errors"]) == {"year", "indicator"}
