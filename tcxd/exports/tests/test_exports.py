"""Exports of the member list and the cadre register: the whole filtered list (no row cap), only rows in the
user's scope, the CCCD masked per the viewer's rights, small lists downloaded at once, big ones as background jobs
with a progress page, split into sheets, audited with the row count and the filters; a user's jobs are theirs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tracemalloc

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tcxd.audit.models import AuditEntry
from tcxd.authz.services import api_token_create
from tcxd.exports import services as S
from tcxd.exports.maintenance import exports_purge
from tcxd.exports.models import ExportJob, ExportStatus
from tcxd.exports.sources import MEMBER_COLUMNS, SOURCES, mask_cccd
from tcxd.members.models import Member

from .conftest import bulk_members


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sheets(content: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_mask_is_the_members_own():
    assert mask_cccd("020090000555") == Member(cccd="020090000555").cccd_masked


@pytest.mark.django_db
def test_small_member_list_downloads_at_once_whole_in_scope_and_audited(tree, users, export_root):
    bulk_members(tree.cell_a1, 30, prefix="Trong Xã")
    bulk_members(tree.cell_b1, 7, prefix="Ngoài Xã")
    officer = users["commune_officer"]
    # the list page's button goes to the exports (no silent cap in between)
    response = _client(officer).get(reverse("members:list"), {"sex": "F", "tai": "xlsx"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("exports:start", args=["dang-vien"]))
    response = _client(officer).get(response["Location"])
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="danh-sach-dang-vien.xlsx"')
    rows = _sheets(_body(response))["Danh sách"]
    assert rows[0] == tuple(c.title for c in MEMBER_COLUMNS)
    names = {r[0] for r in rows[1:]}
    assert len(names) == 15 and all(n.startswith("Trong Xã") for n in names)  # women of commune A only
    assert all(r[1] == "Nữ" and r[3] == "Đảng viên chính thức" for r in rows[1:])
    assert all(r[10].startswith("0") and len(r[10]) == 12 for r in rows[1:])  # an officer sees the whole CCCD
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.actor == officer and entry.after == {"rows": 15}
    assert "Giới tính: Nữ" in entry.note and "15 dòng" in entry.note


@pytest.mark.django_db
def test_csv_round_trip_and_masked_cccd_for_a_leader(tree, users, export_root):
    members = bulk_members(tree.cell_a1, 12)
    response = _client(users["leader"]).get(reverse("exports:start", args=["dang-vien"]), {"tai": "csv"})
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == [c.title for c in MEMBER_COLUMNS]
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {m.full_name for m in members}
    m = members[0]
    assert by_name[m.full_name][2] == m.birth_date.strftime("%d/%m/%Y")
    assert by_name[m.full_name][10] == "••••••••" + m.cccd[-4:]  # a leader does not see the whole CCCD
    assert by_name[m.full_name][11] == m.card_no and by_name[m.full_name][12] == m.profile_no


@pytest.mark.django_db
def test_big_export_runs_in_the_background_with_progress_and_download(tree, users, export_root, settings,
                                                                      django_capture_on_commit_callbacks):
    settings.EXPORTS = {**settings.EXPORTS, "BACKGROUND_ABOVE": 20}
    bulk_members(tree.cell_a1, 25)
    bulk_members(tree.cell_b1, 5)
    officer = users["commune_officer"]
    client = _client(officer)
    url = reverse("exports:start", args=["dang-vien"])
    page = client.get(url, {"tai": "xlsx", "status": "official"})
    assert page.status_code == 200 and "25" in page.content.decode() and "Bắt đầu xuất" in page.content.decode()
    assert not ExportJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}?status=official", {"tai": "csv"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exports:detail", args=[job.pk])
    assert (job.status, job.rows_done, job.format, job.params) == (ExportStatus.DONE, 25, "csv",
                                                                    {"status": "official"})
    detail = client.get(response["Location"]).content.decode()
    assert "Đã xong" in detail and reverse("exports:download", args=[job.pk]) in detail
    assert client.get(reverse("exports:progress", args=[job.pk]), HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    download = client.get(reverse("exports:download", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(_body(download).decode("utf-8-sig"))))
    assert len(rows) == 26
    created, exported = AuditEntry.objects.filter(actor=officer).order_by("id")
    assert created.action == "create" and created.after["filters"] == {"status": "official"}
    assert exported.action == "export" and exported.after == {"rows": 25}
    assert "Trạng thái: Đảng viên chính thức" in exported.note
    assert exported.org_path == officer.org.path
    assert client.get(reverse("exports:list")).content.decode().count('data-testid="export-row"') == 1


@pytest.mark.django_db
def test_2500_members_with_a_sheet_limit_of_1000_give_three_sheets_each_row_once(tree, users, export_root):
    members = bulk_members(tree.cell_a1, 2500)
    job = S.export_job_create(actor=tree.admin, source="dang-vien", fmt="xlsx", params={})
    job = S.export_job_run(job.pk, sheet_rows=1000)
    assert (job.status, job.rows_done, job.sheets) == (ExportStatus.DONE, 2500, 3)
    sheets = _sheets(S.job_path(job).read_bytes())
    assert list(sheets) == ["Danh sách", "Danh sách (2)", "Danh sách (3)"]
    cccds = [r[10] for rows in sheets.values() for r in rows[1:]]
    assert sorted(cccds) == sorted(m.cccd for m in members)


@pytest.mark.django_db
def test_memory_does_not_grow_with_the_rows(tree, export_root, tmp_path):
    bulk_members(tree.cell_a1, 20_000)
    source = SOURCES["dang-vien"]

    def peak(n: int) -> int:
        prepared = source.prepare(tree.admin, {})
        tracemalloc.start()
        S.write_file(source=source, prepared=prepared, fmt="xlsx", path=tmp_path / f"{n}.xlsx", total=n, limit=n)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, big = peak(5_000), peak(20_000)
    assert big < small * 1.5, (small, big)


@pytest.mark.django_db
def test_out_of_scope_org_filter_is_404_and_a_bad_filter_is_named(tree, users, export_root):
    client = _client(users["commune_officer"])
    url = reverse("exports:start", args=["dang-vien"])
    assert client.get(url, {"to_chuc": tree.commune_b.pk, "tai": "xlsx"}).status_code == 404
    refused = client.get(url, {"born_from": "18", "tai": "xlsx"})
    assert refused.status_code == 400 and "Bộ lọc chưa hợp lệ" in refused.content.decode()
    assert client.get(reverse("exports:start", args=["khong-co"])).status_code == 404


@pytest.mark.django_db
def test_another_users_job_is_404_everywhere(tree, users, export_root):
    bulk_members(tree.cell_a1, 3)
    job = S.export_job_run(S.export_job_create(actor=users["commune_officer"], source="dang-vien", fmt="xlsx",
                                               params={}).pk)
    for role in ("admin", "province_officer", "leader"):
        client = _client(users[role])
        for name in ("exports:detail", "exports:progress", "exports:download"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (role, name)
        assert client.post(reverse("exports:remove", args=[job.pk])).status_code == 404
        assert job.title not in client.get(reverse("exports:list")).content.decode()
        key, _ = api_token_create(actor=users[role], user=users[role])
        api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        for path in (f"/api/exports/{job.pk}", f"/api/exports/{job.pk}/file"):
            response = api.get(path)
            assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert api.post(f"/api/exports/{job.pk}/remove").status_code == 404
        assert api.get("/api/exports").json() == []
    assert S.job_path(job).exists()


@pytest.mark.django_db
def test_a_failed_export_says_so_in_vietnamese(tree, users, export_root, monkeypatch):
    bulk_members(tree.cell_a1, 3)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(S, "write_xlsx", broken)
    officer = users["commune_officer"]
    job = S.export_job_run(S.export_job_create(actor=officer, source="dang-vien", fmt="xlsx", params={}).pk)
    assert job.status == ExportStatus.FAILED and not list(export_root.rglob("*.xlsx"))
    page = _client(officer).get(reverse("exports:detail", args=[job.pk])).content.decode()
    assert "Xuất dữ liệu không thành công" in page and "vui lòng thử lại" in page
    assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_cadre_register_export(tree, users, export_root):
    from tcxd.authz.tests.test_scope_urls import objects  # noqa: F401 - the same records, in and out of scope
    from tcxd.cadres import services as cadre_services
    from tcxd.members.tests.conftest import admit, new_candidate

    moves = []
    for cell, committee, serial in ((tree.cell_a1, tree.commune_a, 931), (tree.cell_b1, tree.commune_b, 932)):
        cadre = new_candidate(tree, org=cell, serial=serial, full_name=f"Cán Bộ {serial}")
        admit(tree, cadre)
        moves.append(cadre_services.cadre_move_record(
            actor=tree.admin, member=cadre, managing_org=committee, kind="dieu_dong", effective_on=dt.date(2026, 3, 1),
            decision_no="7-QĐ/ĐU", decision_date=dt.date(2026, 2, 20), to_position="Phó Bí thư",
            to_unit="Văn phòng Đảng ủy"))
    response = _client(users["commune_officer"]).get(reverse("exports:start", args=["can-bo"]), {"tai": "xlsx"})
    rows = _sheets(_body(response))["Công tác cán bộ"]
    assert [r[2] for r in rows[1:]] == ["Cán Bộ 931"]
    assert rows[1][1] == "Điều động" and rows[1][6] == "Phó Bí thư" and rows[1][0].date() == dt.date(2026, 3, 1)


@pytest.mark.django_db
def test_api_create_follow_download_and_remove(tree, users, export_root, django_capture_on_commit_callbacks):
    bulk_members(tree.cell_a1, 4)
    key, _ = api_token_create(actor=users["commune_officer"], user=users["commune_officer"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/exports", {"source": "dang-vien", "format": "xlsx", "params": {"sex": "F"}},
                            content_type="application/json")
    assert response.status_code == 201
    job_id = response.json()["id"]
    detail = api.get(f"/api/exports/{job_id}").json()
    assert (detail["status"], detail["rows_done"], detail["percent"]) == ("done", 2, 100)
    assert detail["filters_label"] == "Giới tính: Nữ"
    assert len(_sheets(_body(api.get(detail["download_url"])))["Danh sách"]) == 3
    assert api.post("/api/exports", {"source": "x", "format": "xlsx"}, content_type="application/json"
                    ).status_code == 404
    bad = api.post("/api/exports", {"source": "dang-vien", "format": "pdf"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"]["format"]
    direct = api.get("/api/exports/sources/dang-vien/file", {"format": "csv", "sex": "M"})
    assert len(list(csv.reader(io.StringIO(_body(direct).decode("utf-8-sig"))))) == 3
    removed = api.post(f"/api/exports/{job_id}/remove").json()
    assert removed["status"] == "removed" and api.get(f"/api/exports/{job_id}/file").status_code == 404


@pytest.mark.django_db
def test_purge_removes_old_files(tree, export_root):

    from django.utils import timezone

    bulk_members(tree.cell_a1, 2)
    job = S.export_job_run(S.export_job_create(actor=tree.admin, source="dang-vien", fmt="csv", params={}).pk)
    path = S.job_path(job)
    assert exports_purge(days=7) == 0 and path.exists()
    assert exports_purge(days=7, now=timezone.now() + dt.timedelta(days=8)) == 1
    job.refresh_from_db()
    assert job.status == ExportStatus.REMOVED and not path.exists()


@pytest.mark.django_db
def test_small_lists_of_orgs_and_fees_as_excel(tree, users):
    from tcxd.orgs import committee as C

    C.committee_member_add(actor=tree.admin, org=tree.commune_a, role="secretary", person_name="Vũ Văn Nam",
                           from_date=dt.date(2025, 9, 1), method="elected", ballot_round=1)
    client = _client(users["commune_officer"])
    children = _sheets(_body(client.get(reverse("orgs:children_csv", args=[tree.commune_a.pk]), {"tai": "xlsx"})))
    rows = children["Tổ chức trực thuộc"]
    assert rows[0][:3] == ("Mã", "Tên", "Loại") and {r[1] for r in rows[1:]} >= {tree.cell_a1.name}
    assert isinstance(rows[1][4], dt.datetime) and isinstance(rows[1][8], int | float)  # a date, a number
    seats = _sheets(_body(client.get(reverse("orgs:committee_csv", args=[tree.commune_a.pk]), {"tai": "xlsx"})))
    assert seats["Cấp ủy"][1][:2] == ("Vũ Văn Nam", "Bí thư") and seats["Cấp ủy"][1][2].date() == dt.date(2025, 9, 1)
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.object_id.endswith(".xlsx") and entry.after == {"rows": 1}
    fees = client.get(reverse("fees:report"), {"thang": "02/2026", "tai": "xlsx", "to_chuc": tree.commune_a.pk})
    sheet = next(iter(_sheets(_body(fees)).values()))
    assert sheet[0][:2] == ("Tổ chức", "Số đảng viên") and all(isinstance(v, int | float) for v in sheet[-1][1:9])


@pytest.mark.django_db
def test_report_form_and_consolidation_downloads_are_audited(tree, users):
    officer = users["province_officer"]
    client = _client(officer)
    response = client.get(reverse("reports:form_xlsx", args=[tree.province.pk]),
                          {"bieu": "3-TCTW", "ngay": dt.date.today().strftime("%d/%m/%Y")})
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="export", actor=officer).latest("id")
    assert entry.object_repr.startswith("3-TCTW_") and entry.org_id == tree.province.pk and entry.after["rows"] > 0
    response = client.get(reverse("reports:consolidation_xlsx", args=[tree.province.pk]), {"mau": "BC-NAM",
                                                                                          "nam": "2025"})
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="export", actor=officer).latest("id")
    assert entry.object_repr.startswith("tong-hop_") and "BC-NAM" in entry.note
    key, _ = api_token_create(actor=officer, user=officer)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    before = AuditEntry.objects.filter(action="export").count()
    assert api.get(f"/api/reports/orgs/{tree.province.pk}/consolidation/xlsx",
                   {"template": "BC-NAM", "year": 2025}).status_code == 200
    assert api.get(f"/api/reports/orgs/{tree.province.pk}/forms/3-TCTW/xlsx").status_code == 200
    assert AuditEntry.objects.filter(action="export").count() == before + 2


def test_a_job_whose_worker_was_killed_says_so(db):
    """Running, but nobody holds its lock: the worker died (kill -9) and no file will come."""
    from types import SimpleNamespace

    from tcxd.exports import progress as export_progress
    from tcxd.exports.models import ExportStatus
    from tcxd.exports.selectors import job_progress

    job = SimpleNamespace(pk=987654, status=ExportStatus.RUNNING, rows_done=0, rows_total=50_000, finished=False,
                          error="", get_status_display=lambda: "Đang xuất")
    shown = job_progress(job)
    assert shown["finished"] and "dừng trước khi xuất xong" in shown["error"]
    with export_progress.running(job.pk):  # a live worker: the bar goes on
        assert not job_progress(job)["finished"]
