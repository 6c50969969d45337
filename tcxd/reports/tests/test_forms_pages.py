"""The "Biểu thống kê" page, its .xlsx and PDF downloads, the administrators' form editor and the API:
the same numbers as ``render_form``, the same scoping (out of scope → 404, read-only roles view but do
not edit) and Vietnamese messages for bad input. The .xlsx is read back cell by cell."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.urls import reverse

from tcxd.authz.models import Role
from tcxd.conftest import make_org, make_user
from tcxd.orgs.kinds import OrgKind
from tcxd.reports import exports
from tcxd.reports.models import ReportForm
from tcxd.reports.report_forms import render_form
from tcxd.reports.tests.clients import api_client, session_client

from .test_stats import TODAY, _official

D = dt.date
PAGE = reverse("reports:forms")


@pytest.fixture
def members(tree):
    """1.200 official members in cell A1 would be slow; a handful is enough to see every figure."""
    for birth in (D(1960, 1, 1), D(1985, 6, 1), D(1995, 3, 1)):
        _official(tree.cell_a1, birth, D(2016, 1, 4))
    _official(tree.cell_b1, D(1990, 1, 1), D(2016, 1, 4))
    return tree


@pytest.fixture
def other(tree):
    return make_org(tree.admin, tree.root, OrgKind.PROVINCIAL, name="Đảng bộ tỉnh Cao Bằng", code="T04",
                    valid_from=D(2015, 1, 1))


def test_the_page_shows_the_chosen_form_for_an_org_and_a_day(members, users):
    client = session_client(users["province_officer"])
    response = client.get(PAGE, {"bieu": "1-TCTW-TH", "to_chuc": members.province.pk, "ngay": fmt(TODAY)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Số lượng đảng viên theo đơn vị trực thuộc (tổng hợp)" in html
    assert f'data-row="child:{members.commune_a.pk}"' in html and "Đảng bộ xã Cao Lộc" in html
    assert f"Tính đến ngày {fmt(TODAY)}" in html
    assert 'colspan="5"' in html and "Trong tổng số" in html  # a merged header group
    rendered = render_form(actor=users["province_officer"], form=ReportForm.objects.get(code="1-TCTW-TH"),
                           org=members.province, on=TODAY)
    assert rendered.rows[0].values[0] == 4
    # the menu links the page
    assert f'href="{PAGE}"' in html


def fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.mark.parametrize(("params", "message"), [
    ({"ngay": "32/01/2026"}, "Ngày: Ngày không hợp lệ: “32/01/2026”."),
    ({"ngay": "01/01/2999"}, "Ngày 01/01/2999 chưa tới"),
    ({"bieu": "BD-KY", "tu_ngay": "01/05/2026", "den_ngay": "01/04/2026"},
     "Từ ngày 01/05/2026 sau đến ngày 01/04/2026: kỳ báo cáo không hợp lệ."),
    ({"bieu": "KHONG-CO"}, "Không có biểu thống kê mã “KHONG-CO”"),
])
def test_bad_input_is_said_in_vietnamese(members, users, params, message):
    response = session_client(users["province_officer"]).get(PAGE, params)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_out_of_scope_is_not_found_and_read_only_roles_view_but_do_not_edit(members, users, other):
    officer = session_client(users["commune_officer"])
    assert officer.get(PAGE, {"to_chuc": members.commune_b.pk}).status_code == 404
    assert officer.get(reverse("reports:form_xlsx", args=[members.commune_b.pk])).status_code == 404
    assert officer.get(reverse("reports:form_pdf", args=[members.commune_b.pk])).status_code == 404
    assert session_client(users["province_officer"]).get(PAGE, {"to_chuc": other.pk}).status_code == 404
    leader = session_client(users["leader"])
    page = leader.get(PAGE, {"bieu": "3-TCTW"})
    assert page.status_code == 200 and "Chất lượng đảng viên" in page.content.decode()
    assert "form-edit-link" not in page.content.decode()
    form = ReportForm.objects.get(code="3-TCTW")
    for role in ("leader", "province_officer", "cell"):
        client = session_client(users[role])
        assert client.get(reverse("reports:form_edit", args=[form.pk])).status_code == 403
        assert client.post(reverse("reports:form_edit", args=[form.pk]), {"title": "x"}).status_code == 403
        assert client.get(reverse("reports:form_create")).status_code == 403
    assert ReportForm.objects.get(code="3-TCTW").title == "Chất lượng đảng viên"


def test_the_xlsx_reads_back_as_the_screen(members, users):
    from openpyxl import load_workbook

    user = users["province_officer"]
    for code, params in (("3-TCTW", {"ngay": fmt(TODAY)}), ("1-TCTW-TH", {"ngay": fmt(TODAY)}),
                         ("BD-KY", {"tu_ngay": "01/01/2016", "den_ngay": fmt(TODAY)})):
        response = session_client(user).get(reverse("reports:form_xlsx", args=[members.province.pk]),
                                             {"bieu": code, **params})
        assert response.status_code == 200
        assert response["Content-Type"] == exports.XLSX_TYPE
        assert f"{code}_{members.province.pk}_" in response["Content-Disposition"]
        form = ReportForm.objects.get(code=code)
        when = ({"start": D(2016, 1, 1), "end": TODAY} if form.kind == "movements" else {"on": TODAY})
        rendered = render_form(actor=user, form=form, org=members.province, **when)
        ws = load_workbook(io.BytesIO(response.content)).active
        assert ws["A2"].value == rendered.title.upper()
        assert ws["A3"].value == "Đảng bộ tỉnh Lạng Sơn" and ws["A4"].value == rendered.period_text
        first = exports.body_top(rendered)
        for i, row in enumerate(rendered.rows):
            assert ws.cell(row=first + i, column=1).value.strip() == row.label
            assert ws.cell(row=first + i, column=1).font.bold == row.is_total
            for j, value in enumerate(row.values):
                cell = ws.cell(row=first + i, column=2 + j)
                assert cell.value == value, (code, row.key, j)
                assert cell.number_format == exports.NUMBER_FORMAT
        assert ws.cell(row=first + len(rendered.rows), column=2).value is None
        # the header: every leaf label in the last header row or spanning down to it; groups merged
        top = exports.header_top(rendered)
        merged = {str(r) for r in ws.merged_cells.ranges}
        for r, cells in enumerate(rendered.header_rows):
            for h in cells:
                if h.colspan > 1 or h.rowspan > 1:
                    assert any(ws.cell(row=top + r, column=c).value == h.label for c in range(1, rendered.width + 1))
        assert len(merged) >= sum(1 for cells in rendered.header_rows for h in cells if h.colspan > 1 or h.rowspan > 1)
    # 3-TCTW: "Tuổi đời" spans the configured age bands
    ws = load_workbook(io.BytesIO(session_client(user).get(reverse("reports:form_xlsx", args=[members.province.pk]),
                                                    {"bieu": "3-TCTW"}).content)).active
    top = exports.header_top(rendered)
    assert ws.cell(row=top, column=3).value == "Tuổi đời"
    assert f"C{top}:H{top}" in {str(r) for r in ws.merged_cells.ranges}


def test_the_pdf_is_a_landscape_pdf_with_the_title(members, users):
    if not exports.pdf_available():
        pytest.skip("WeasyPrint chưa cài")
    response = session_client(users["province_officer"]).get(reverse("reports:form_pdf", args=[members.province.pk]),
                                                      {"bieu": "3-TCTW"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    html = exports.form_html(render_form(actor=users["province_officer"], form=ReportForm.objects.get(code="3-TCTW"),
                                         org=members.province, on=TODAY), for_pdf=True)
    assert "size: A4 landscape" in html and "Chất lượng đảng viên" in html
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    assert "CHẤT LƯỢNG ĐẢNG VIÊN" in text.decode().upper()


def test_an_administrator_edits_a_form_with_messages_next_to_the_field_and_a_preview(members, users):
    client = session_client(users["admin"])
    form = ReportForm.objects.get(code="1-TCTW-DV")
    url = reverse("reports:form_edit", args=[form.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Tổng số đảng viên" in page.content.decode()
    data = {"code": "1-TCTW-DV", "title": "Số lượng đảng viên", "family": "1-TCTW", "kind": "members",
            "position": "10", "active": "on", "description": "",
            "definition": '{"rows": [{"key": "a", "label": "A", "filter": {"sex": "X"}}], '
                          '"columns": [{"key": "c", "label": "Cột", "total": "all"}]}'}
    response = client.post(url, {**data, "action": "save"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-definition"' in html and "“X” không phải giá trị của giới tính (sex)" in html
    data["definition"] = data["definition"].replace('"X"', '"F"')
    preview = client.post(url, {**data, "action": "preview"})
    assert 'data-testid="report-preview"' in preview.content.decode()
    assert ReportForm.objects.get(pk=form.pk).definition != {"rows": []}  # a preview saves nothing
    saved = client.post(url, {**data, "action": "save"})
    assert saved.status_code == 302
    assert ReportForm.objects.get(pk=form.pk).definition["rows"][0]["filter"] == {"sex": "F"}
    created = client.post(reverse("reports:form_create"), {**data, "code": "MOI", "action": "save"})
    assert created.status_code == 302 and ReportForm.objects.filter(code="MOI").exists()


def test_api_lists_renders_and_exports_the_same_numbers(members, users, other):
    user = users["province_officer"]
    api = api_client(user)
    listed = api.get("/api/reports/forms").json()
    assert {f["code"] for f in listed} >= {"1-TCTW-DV", "3-TCTW", "BD-KY"}
    data = api.get(f"/api/reports/orgs/{members.province.pk}/forms/1-TCTW-DV", {"on": TODAY.isoformat()}).json()
    rendered = render_form(actor=user, form=ReportForm.objects.get(code="1-TCTW-DV"), org=members.province, on=TODAY)
    assert [r["values"] for r in data["rows"]] == [r.values for r in rendered.rows]
    assert data["rows"][0] == {"key": "tong", "label": "Tổng số đảng viên", "indent": 0, "is_total": True,
                               "values": [4, 0, 0]}
    assert data["header_rows"][0][2] == {"label": "Trong đó", "colspan": 2, "rowspan": 1, "key": ""}
    moves = api.get(f"/api/reports/orgs/{members.province.pk}/forms/BD-KY",
                    {"start": "2016-01-01", "end": TODAY.isoformat()}).json()
    assert moves["previous_start"] == "2015-01-01" and moves["rows"][1]["values"][0] == 4  # 4 admitted
    xlsx = api.get(f"/api/reports/orgs/{members.province.pk}/forms/1-TCTW-DV/xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == exports.XLSX_TYPE
    # errors: out of scope 404, unknown form 404, bad day 400 in Vietnamese
    assert api.get(f"/api/reports/orgs/{other.pk}/forms/1-TCTW-DV").status_code == 404
    missing = api.get(f"/api/reports/orgs/{members.province.pk}/forms/KHONG-CO")
    assert missing.status_code == 404 and missing.json()["message"] == "Không có biểu thống kê mã “KHONG-CO”."
    future = api.get(f"/api/reports/orgs/{members.province.pk}/forms/1-TCTW-DV", {"on": "2999-01-01"})
    assert future.status_code == 400 and "chưa tới" in future.json()["errors"]["on"][0]
    officer_b = make_user("xa-b", Role.OFFICER, members.commune_b)
    assert api_client(officer_b).get(f"/api/reports/orgs/{members.commune_a.pk}/forms/3-TCTW/xlsx").status_code == 404
