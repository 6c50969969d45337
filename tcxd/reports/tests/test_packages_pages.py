"""Consolidation up the tree (issue 4 §5) and the pages and API of periodic report packages: the province sees
which communes submitted (on time, late, not), the consolidated figures = the submitted frozen figures + the
live figures of the others, labeled, exported as .xlsx; pages and API are scoped (404 out of scope, 403 for
read-only roles) and name every bad input in Vietnamese."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tcxd.members import services as MS
from tcxd.reports import package_services as S
from tcxd.reports import package_views
from tcxd.reports import packages as PK
from tcxd.reports.models import PackageStatus, ReportPackage
from tcxd.rules.pure import membership as M

from .clients import api_client, session_client
from .test_packages import NARRATIVE, _tpl, people  # noqa: F401  (the people fixture)

D = dt.date


@pytest.fixture
def submitted_a(tree, users, people, monkeypatch):  # noqa: F811
    """Commune A submitted its annual 2025 package (3 members) on 20/11/2025, before the deadline (30/11/2025);
    afterwards a death dated before the cut-off is recorded in commune A; commune B (2 members) did not submit."""
    officer = users["province_officer"]
    package = S.package_generate(actor=officer, org=tree.commune_a, template_code="BC-NAM", year=2025)
    S.package_update_narrative(actor=officer, package=package, narrative=NARRATIVE)
    at = timezone.make_aware(dt.datetime(2025, 11, 20, 9, 0))
    monkeypatch.setattr(timezone, "now", lambda: at)
    package = S.package_submit(actor=officer, package=package)
    monkeypatch.undo()
    MS.member_event_record(actor=tree.admin, member=people["a"][1], kind=M.EventKind.DIED.value, on=D(2025, 9, 1))
    return package


def _rows(form) -> dict[str, tuple[list[int], list[int]]]:
    return {r.key: (r.frozen, r.live) for r in form.rows}


def test_consolidation_is_the_frozen_figures_plus_the_live_ones_labeled(tree, users, submitted_a):
    data = PK.consolidation(actor=users["province_officer"], org=tree.province, template=_tpl(), year=2025)
    standing = {line.org_id: line.standing for line in data.children}
    assert standing == {tree.commune_a.pk: PK.ON_TIME, tree.commune_b.pk: PK.MISSING}
    assert data.submitted_count == 1
    forms = {f.rendered.code: f for f in data.forms}
    members = _rows(forms["1-TCTW-DV"])
    assert members["tong"] == ([3, 0, 0], [2, 0, 0])  # commune A's frozen 3 (today: 2) + commune B's live 2
    assert forms["1-TCTW-DV"].rendered.rows[0].values == [5, 0, 0]
    by_child = _rows(forms["1-TCTW-TH"])
    assert by_child[f"child:{tree.commune_a.pk}"][0][0] == 3 and by_child[f"child:{tree.commune_a.pk}"][1][0] == 0
    frozen_b, live_b = by_child[f"child:{tree.commune_b.pk}"]
    assert not any(frozen_b) and live_b[0] == 2
    movements = _rows(forms["BD-KY"])
    assert movements["tu_tran"] == ([0, 0], [0, 0])  # the death is in commune A's part, frozen before it
    # the live figures of the province today: 4; the consolidation keeps commune A's submitted 3
    live = PK.render_package_forms(actor=users["province_officer"], template=_tpl(), org=tree.province,
                                   period=data.period)
    assert next(r for f, r in live if f.code == "1-TCTW-DV").rows[0].values[0] == 4
    assert "số liệu trực tiếp, chưa nộp báo cáo" in forms["1-TCTW-DV"].rendered.notes[-1]
    assert forms["1-TCTW-DV"].live_rendered.notes == ["Trong đó: số liệu trực tiếp, chưa nộp báo cáo"]


def test_with_nothing_changed_the_consolidation_equals_the_live_figures(tree, users, people):  # noqa: F811
    officer = users["province_officer"]
    for commune in (tree.commune_a, tree.commune_b):
        package = S.package_generate(actor=officer, org=commune, template_code="BC-NAM", year=2025)
        S.package_update_narrative(actor=officer, package=package, narrative=NARRATIVE)
        S.package_submit(actor=officer, package=package)
    data = PK.consolidation(actor=officer, org=tree.province, template=_tpl(), year=2025)
    live = dict(PK.render_package_forms(actor=officer, template=_tpl(), org=tree.province, period=data.period))
    live_by_code = {f.code: r for f, r in live.items()}
    for form in data.forms:
        assert [r.values for r in form.rendered.rows] == [r.values for r in live_by_code[form.rendered.code].rows]
    assert sum(sum(r.frozen) for r in data.forms[0].rows) > 0


def test_consolidation_page_and_xlsx(tree, users, submitted_a):
    client = session_client(users["province_officer"])
    response = client.get(reverse("reports:consolidation"), {"to_chuc": tree.province.pk, "mau": "BC-NAM",
                                                             "nam": "2025"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nộp đúng hạn" in html and "Chưa nộp (quá hạn)" in html and "đã nộp 1/2" in html
    assert "số liệu trực tiếp, chưa nộp báo cáo" in html
    assert reverse("reports:package_detail", args=[submitted_a.pk]) in html
    assert 'data-frozen="3" data-live="2"' in html
    response = client.get(reverse("reports:consolidation_xlsx", args=[tree.province.pk]), {"mau": "BC-NAM",
                                                                                          "nam": "2025"})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[:2] == ["Tình hình nộp", "1-TCTW-DV"]
    status = wb["Tình hình nộp"]
    assert [status.cell(row=r, column=2).value for r in (6, 7)] == ["Nộp đúng hạn", "Chưa nộp (quá hạn)"]
    sheet = wb["1-TCTW-DV"]
    values = [c.value for c in sheet["B"] if isinstance(c.value, int)]
    assert values[:1] == [5] and 3 in values and 2 in values
    labels = [c.value for c in sheet["A"] if isinstance(c.value, str)]
    assert "Trong đó: số liệu trực tiếp, chưa nộp báo cáo" in labels
    bad = client.get(reverse("reports:consolidation"), {"mau": "BC-NAM", "nam": "abc"})
    assert "Năm “abc” không phải một năm" in bad.content.decode()
    future = client.get(reverse("reports:consolidation"), {"mau": "BC-NAM", "nam": "2099"})
    assert "Năm báo cáo phải là một năm từ 1930" in future.content.decode()


def test_generate_submit_and_diff_through_the_pages(tree, users, people):  # noqa: F811
    client = session_client(users["commune_officer"])
    url = reverse("reports:package_create", args=[tree.commune_a.pk])
    assert client.get(url).status_code == 200
    for year, message in (("abc", "Năm báo cáo phải là một năm"), ("", "Chưa nhập năm báo cáo"),
                          ("2099", "Năm báo cáo phải là một năm từ 1930")):
        response = client.post(url, {"template": "BC-NAM", "year": year})
        assert response.status_code == 200 and message in response.content.decode(), year
    response = client.post(url, {"template": "BC-NAM", "year": "2025"})
    package = ReportPackage.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:package_detail",
                                                                            args=[package.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "Dự thảo" in detail and 'data-form="3-TCTW"' in detail and "Nộp báo cáo" in detail
    submit = reverse("reports:package_submit", args=[package.pk])
    refused = client.post(submit)
    assert "Chưa viết phần lời văn" in refused.content.decode()
    narrative = reverse("reports:package_narrative", args=[package.pk])
    too_long = client.post(narrative, {**NARRATIVE, "kien_nghi": "x" * (S.MAX_NARRATIVE + 1)})
    assert "tối đa 20.000 ký tự" in too_long.content.decode()
    assert client.post(narrative, NARRATIVE).status_code == 302
    assert client.post(submit).status_code == 302
    package.refresh_from_db()
    assert package.status == PackageStatus.SUBMITTED
    detail = client.get(reverse("reports:package_detail", args=[package.pk])).content.decode()
    assert "Đã nộp, số liệu đã khóa" in detail and "Nộp báo cáo</a>" not in detail
    assert "đã khóa số liệu" in client.post(submit).content.decode()
    docx = client.get(reverse("reports:package_docx", args=[package.pk]))
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert docx["Content-Disposition"].endswith('_v1.docx"')
    MS.member_event_record(actor=tree.admin, member=people["a"][0], kind=M.EventKind.DIED.value, on=D(2025, 9, 1))
    diff = client.get(reverse("reports:package_diff", args=[package.pk])).content.decode()
    assert "ô thay đổi" in diff and 'data-changed="1"' in diff and "table-warning" in diff
    assert client.get(reverse("reports:package_docx", args=[package.pk])).content == docx.content
    bad = client.get(reverse("reports:package_diff", args=[package.pk]), {"ngay": "31/02/2026"})
    assert "Ngày không hợp lệ" in bad.content.decode()
    early = client.get(reverse("reports:package_diff", args=[package.pk]), {"ngay": "01/01/2025"})
    assert "trước ngày chốt số liệu" in early.content.decode()


def test_list_filters_and_pagination(tree, users, people, monkeypatch):  # noqa: F811
    officer = users["province_officer"]
    for org in (tree.province, tree.commune_a, tree.commune_b):
        S.package_generate(actor=officer, org=org, template_code="BC-NAM", year=2025)
    S.package_generate(actor=officer, org=tree.commune_a, template_code="BC-6T", year=2026)
    monkeypatch.setattr(package_views, "PAGE_SIZE", 2)
    client = session_client(officer)
    url = reverse("reports:packages")
    page = client.get(url).content.decode()
    assert "Trang 1/2" in page and page.count("data-package=") == 2
    assert client.get(url, {"mau": "BC-6T"}).content.decode().count("data-package=") == 1
    assert client.get(url, {"nam": "2026"}).content.decode().count("data-package=") == 1
    assert client.get(url, {"trang_thai": "submitted"}).content.decode().count("data-package=") == 0
    assert client.get(url, {"to_chuc": tree.commune_b.pk}).content.decode().count("data-package=") == 1
    messages = client.get(url, {"nam": "x", "mau": "KHONG", "trang_thai": "z"}).content.decode()
    assert "Năm “x” không phải một năm" in messages and "Không có mẫu báo cáo mã “KHONG”" in messages
    assert "Trạng thái “z” không có" in messages
    commune = session_client(users["commune_officer"]).get(url).content.decode()
    assert commune.count("data-package=") == 2  # commune A's own two packages, not the others
    assert tree.commune_b.name not in commune


def test_scope_and_roles_on_pages_and_api(tree, users, people):  # noqa: F811
    package_b = S.package_generate(actor=users["province_officer"], org=tree.commune_b, template_code="BC-NAM",
                                   year=2025)
    commune = session_client(users["commune_officer"])
    assert commune.get(reverse("reports:package_detail", args=[package_b.pk])).status_code == 404
    assert commune.get(reverse("reports:package_docx", args=[package_b.pk])).status_code == 404
    assert commune.post(reverse("reports:package_submit", args=[package_b.pk])).status_code == 404
    api = api_client(users["commune_officer"])
    assert api.get(f"/api/reports/packages/{package_b.pk}").status_code == 404
    assert api.get("/api/reports/packages").json()["count"] == 0
    leader = session_client(users["leader"])
    assert leader.get(reverse("reports:package_detail", args=[package_b.pk])).status_code == 200
    assert leader.post(reverse("reports:package_submit", args=[package_b.pk])).status_code == 403
    assert leader.get(reverse("reports:package_create", args=[tree.province.pk])).status_code == 403
    leader_api = api_client(users["leader"])
    assert leader_api.post(f"/api/reports/orgs/{tree.province.pk}/packages", {"template": "BC-NAM", "year": 2025},
                           content_type="application/json").status_code == 403
    assert leader_api.post(f"/api/reports/packages/{package_b.pk}/submit").status_code == 403


def test_the_api_round_trip(tree, users, people):  # noqa: F811
    api = api_client(users["province_officer"])
    bad = api.post(f"/api/reports/orgs/{tree.commune_a.pk}/packages", {"template": "BC-NAM", "year": 2099},
                   content_type="application/json")
    assert bad.status_code == 400 and "Năm báo cáo phải là một năm" in bad.json()["errors"]["year"][0]
    created = api.post(f"/api/reports/orgs/{tree.commune_a.pk}/packages", {"template": "BC-NAM", "year": 2025},
                       content_type="application/json")
    assert created.status_code == 200, created.content
    body = created.json()
    package_id = body["id"]
    assert body["status"] == "draft" and body["version"] == 1 and body["cutoff"] == "2025-11-15"
    assert [f["code"] for f in body["forms"]] == _tpl().form_codes
    assert body["forms"][0]["rows"][0]["values"][0] == 3
    refused = api.post(f"/api/reports/packages/{package_id}/submit")
    assert refused.status_code == 400 and "Chưa viết phần lời văn" in refused.json()["errors"]["narrative"][0]
    assert api.post(f"/api/reports/packages/{package_id}/narrative", {"narrative": NARRATIVE},
                    content_type="application/json").status_code == 200
    submitted = api.post(f"/api/reports/packages/{package_id}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    listing = api.get("/api/reports/packages", {"year": 2025, "status": "submitted"}).json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == package_id
    assert api.get("/api/reports/packages", {"status": "x"}).status_code == 400
    docx = api.get(f"/api/reports/packages/{package_id}/docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    diff = api.get(f"/api/reports/packages/{package_id}/diff").json()
    assert diff["changed_cells"] == 0 and diff["same_day"] is True
    consolidation = api.get(f"/api/reports/orgs/{tree.province.pk}/consolidation",
                            {"template": "BC-NAM", "year": 2025}).json()
    assert consolidation["submitted"] == 1 and consolidation["children_count"] == 2
    assert consolidation["forms"][0]["rows"][0]["frozen"][0] == 3
    assert consolidation["forms"][0]["rows"][0]["live"][0] == 2
    xlsx = api.get(f"/api/reports/orgs/{tree.province.pk}/consolidation/xlsx", {"template": "BC-NAM", "year": 2025})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    templates = api.get("/api/reports/package-templates").json()
    assert {t["code"] for t in templates} == {"BC-6T", "BC-9T", "BC-NAM"}
    schema = api.get("/api/openapi.json").json()
    assert {"/api/reports/orgs/{org_id}/packages", "/api/reports/packages/{package_id}/diff",
            "/api/reports/orgs/{org_id}/consolidation"} <= set(schema["paths"])


def test_templates_admin_pages(tree, users):
    client = session_client(tree.admin)
    template = _tpl("BC-6T")
    url = reverse("reports:package_template_edit", args=[template.pk])
    response = client.post(url, {"code": "BC-6T", "title": template.title, "kind": "half_year",
                                 "form_codes": ["1-TCTW-DV"], "cutoff": "31/06", "start": "01/01",
                                 "deadline_days": "abc", "sections": "danh_gia_chung: Đánh giá", "position": "10"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngày của ngày chốt số liệu phải từ 1 đến 30 (tháng 6)" in html and "Hạn nộp là số ngày" in html
    response = client.post(url, {"code": "BC-6T", "title": template.title, "kind": "half_year",
                                 "form_codes": ["1-TCTW-DV", "BD-KY"], "cutoff": "30/06", "start": "01/01",
                                 "deadline_days": "10", "sections": "danh_gia_chung: Đánh giá", "position": "10"})
    assert response.status_code == 302
    new = _tpl("BC-6T")
    assert (new.version, new.cutoff_day, new.cutoff_month, new.deadline_days) == (2, 30, 6, 10)
    assert "phiên bản 2" in client.get(reverse("reports:package_templates")).content.decode()
    docx = client.get(reverse("reports:package_template_docx", args=[new.pk]))
    assert docx.status_code == 200 and docx.content == bytes(new.docx)
