"""Pages of the imports: upload, mapping, the check with its verdicts, per-row choices, apply, the error report,
the list; bad input on every form answers in Vietnamese and writes nothing; another commune's batch is 404."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tcxd.audit.models import AuditEntry
from tcxd.common import progress
from tcxd.imports import report
from tcxd.imports import services as S
from tcxd.imports.models import BatchStatus, ColumnMapping, ImportBatch, ImportRow, Verdict
from tcxd.members.models import Member

from .conftest import apply, cccd, person, upload_and_check, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def client_for(users):
    def make(role):
        client = Client()
        client.force_login(users[role])
        return client
    return make


@pytest.fixture
def officer_client(client_for):
    return client_for("commune_officer")


def mixed_rows():
    """Row 2 new, 3 update (person 1 exists: occupation changes), 4 invalid (month/year), 5 duplicate of row 2,
    6 out of scope (a cell of commune B), 7 unchanged (person 8 exists as it is)."""
    return [person(2), person(1, occupation="Nông dân"), person(3, **{"Ngày vào Đảng": "3/2005"}),
            person(2, name="Nguyễn Văn Nhập 2"), person(7, org="Chi bộ Thôn Bản Cắm"), person(8)]


@pytest.fixture
def checked(tree, officer):
    """A checked batch of the commune officer with every kind of verdict."""
    apply(officer, upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1), person(8)])))
    return upload_and_check(officer, tree.commune_a, xlsx_bytes(mixed_rows()), filename="dot-2.xlsx")


def _upload(client, tree, data, name="danh-sach.xlsx", **extra):
    return client.post(reverse("imports:upload"), {
        "file": SimpleUploadedFile(name, data), "root": f"{tree.commune_a.code} — {tree.commune_a.name}",
        "kind": "members", **extra})


# ---- upload ------------------------------------------------------------------------------------------------------
def test_upload_page_renders_with_the_users_unit_and_the_kinds(officer_client, tree):
    response = officer_client.get(reverse("imports:upload"))
    text = response.content.decode()
    assert response.status_code == 200
    assert f'value="XA — {tree.commune_a.name}"' in text
    assert "Danh sách đảng viên" in text and "Đối chiếu với CSDL đảng viên 3.0" in text


def test_upload_then_mapping_preselected_from_the_headers(officer_client, tree):
    response = _upload(officer_client, tree, xlsx_bytes([person(1), person(2)]))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:map", args=[batch.pk])
    assert batch.status == BatchStatus.UPLOADED and batch.rows_total == 2
    page = officer_client.get(response["Location"]).content.decode()
    assert "Nguyễn Văn Nhập 1" in page  # a sample value
    assert '<option value="cccd" selected>Số CCCD</option>' in page
    assert "— không nhập —" in page


@pytest.mark.parametrize("case,data,name,message", [
    ("no file", None, "", "Chưa chọn tệp"),
    ("png", b"\x89PNG\r\n\x1a\n0000", "anh.png", "chỉ nhận tệp Excel (.xlsx, .xls), .ods hoặc .csv"),
    ("broken xlsx", b"PK\x03\x04 not a workbook", "hong.xlsx", "tệp hỏng hoặc không phải bảng tính Excel"),
    ("empty csv", b"", "trong.csv", "Tệp rỗng"),
])
def test_bad_files_are_refused_on_the_form_and_nothing_is_written(officer_client, tree, case, data, name, message):
    payload = {"root": "XA", "kind": "members"}
    if data is not None:
        payload["file"] = SimpleUploadedFile(name, data)
    response = officer_client.post(reverse("imports:upload"), payload)
    assert response.status_code == 200
    assert message in response.content.decode(), case
    assert not ImportBatch.objects.exists()


def test_upload_refuses_a_unit_out_of_scope_or_unknown(officer_client, tree):
    response = officer_client.post(reverse("imports:upload"), {
        "file": SimpleUploadedFile("a.xlsx", xlsx_bytes([person(1)])), "root": "XB — Đảng bộ xã Cao Lộc",
        "kind": "members"})
    assert "Không tìm thấy tổ chức mã “XB” trong phạm vi quản lý" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_read_only_roles_cannot_upload(client_for):
    assert client_for("leader").get(reverse("imports:upload")).status_code == 403
    assert client_for("cell").post(reverse("imports:upload"), {}).status_code == 403


# ---- mapping -----------------------------------------------------------------------------------------------------
def _mapping_post(batch, **changes):
    data = {f"col_{c}": k for c, k in batch.mapping.items()}
    data.update(changes)
    return data


@pytest.mark.parametrize("change,message", [
    ({"col_0": "full_name"}, "Mỗi trường chỉ ghép với một cột; ghép nhiều cột: Họ và tên."),
    ({"col_4": ""}, "Chưa ghép cột Số CCCD"),
    ({"col_1": "khong_co"}, "Trường không có trong danh mục."),
])
def test_bad_mappings_say_why_and_write_nothing(officer_client, tree, officer, change, message):
    batch = S.import_batch_upload(actor=officer, root=tree.commune_a, filename="a.xlsx", data=xlsx_bytes([person(1)]))
    before = dict(batch.mapping)
    response = officer_client.post(reverse("imports:map", args=[batch.pk]), _mapping_post(batch, **change))
    assert response.status_code == 200
    assert message in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.UPLOADED and batch.mapping == before
    assert not ImportRow.objects.exists()


def test_mapping_runs_the_check_and_can_be_saved_for_reuse(officer_client, tree, officer,
                                                           django_capture_on_commit_callbacks):
    batch = S.import_batch_upload(actor=officer, root=tree.commune_a, filename="a.xlsx",
                                  data=xlsx_bytes([person(1), person(2)]))
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("imports:map", args=[batch.pk]),
                                       _mapping_post(batch, col_11="", save_as="Mẫu của xã"))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY and "11" not in batch.mapping
    assert ColumnMapping.objects.get().name == "Mẫu của xã"
    assert batch.counts[Verdict.NEW] == 2


# ---- the check and the preview -----------------------------------------------------------------------------------
def test_the_preview_shows_every_verdict_the_reasons_the_diff_and_the_notes(officer_client, checked):
    response = officer_client.get(reverse("imports:detail", args=[checked.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    for label in ("Thêm mới", "Cập nhật", "Không thay đổi", "Trùng trong tệp", "Ngoài phạm vi quản lý",
                  "Không hợp lệ"):
        assert label in text
    assert 'data-testid="count-new">1<' in text and 'data-testid="count-invalid">1<' in text
    assert "chỉ có tháng và năm" in text  # a reason
    assert "Nghề nghiệp</span>: <span class=\"old\">Giáo viên</span> → <span class=\"new\">Nông dân" in text
    assert "Trùng số CCCD" in text
    assert "Tệp này giống hệt" not in text


def test_the_preview_filters_by_verdict(officer_client, checked):
    text = officer_client.get(reverse("imports:detail", args=[checked.pk]), {"ket_qua": "invalid"}).content.decode()
    assert 'data-row="4"' in text and 'data-row="2"' not in text
    text = officer_client.get(reverse("imports:detail", args=[checked.pk]), {"ket_qua": "rejected"}).content.decode()
    assert {f'data-row="{n}"' in text for n in (4, 5, 6)} == {True} and 'data-row="3"' not in text
    bad = officer_client.get(reverse("imports:detail", args=[checked.pk]), {"ket_qua": "la"}).content.decode()
    assert "Kết quả “la” không có" in bad


def test_the_preview_page_costs_the_same_queries_whatever_the_rows(officer_client, tree, officer,
                                                                   django_assert_max_num_queries):
    small = upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1)]))
    big = upload_and_check(officer, tree.commune_a, xlsx_bytes([person(n) for n in range(1, 41)]), filename="b.xlsx")
    with django_assert_max_num_queries(20) as small_queries:
        officer_client.get(reverse("imports:detail", args=[small.pk]))
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        response = officer_client.get(reverse("imports:detail", args=[big.pk]))
    assert response.content.decode().count('<tr id="dong-') == 40


def test_the_same_file_applied_before_is_named(officer_client, tree, officer):
    data = xlsx_bytes([person(1)])
    first = apply(officer, upload_and_check(officer, tree.commune_a, data))
    second = upload_and_check(officer, tree.commune_a, data)
    text = officer_client.get(reverse("imports:detail", args=[second.pk])).content.decode()
    assert f"Tệp này giống hệt tệp của <a href=\"/nhap-du-lieu/{first.pk}/\">lô #{first.pk}</a> đã áp dụng ngày " \
           f"{first.applied_at:%d/%m/%Y}" in text.replace("\n", "")


def test_a_row_is_left_out_or_some_fields_kept_through_htmx(officer_client, checked):
    update = checked.rows.get(verdict=Verdict.UPDATE)
    url = reverse("imports:row", args=[update.pk])
    response = officer_client.post(url, {}, HTTP_HX_REQUEST="true")  # the occupation unticked: kept as it was
    assert response.status_code == 200 and "giữ như cũ" in response.content.decode()
    update.refresh_from_db()
    assert (update.skip, update.declined) == (False, ["occupation"])
    response = officer_client.post(url, {"skip": "on", "apply_field": ["occupation"]}, HTTP_HX_REQUEST="true")
    assert 'class="row-skipped"' in response.content.decode()
    update.refresh_from_db()
    assert (update.skip, update.declined) == (True, [])
    bad = officer_client.post(url, {"apply_field": ["khong_co"]}, HTTP_HX_REQUEST="true")
    assert "Lựa chọn không hợp lệ" in bad.content.decode()


def test_the_progress_bar_polls_while_checking_then_reloads(officer_client, tree, officer):
    batch = S.import_batch_upload(actor=officer, root=tree.commune_a, filename="a.xlsx", data=xlsx_bytes([person(1)]))
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.CHECKING)
    page = officer_client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "Đang chờ kiểm tra" in page and 'hx-trigger="every 1s"' in page
    key = S.progress_key(batch.pk)
    with progress.running(key):
        progress.report(key, "Đang kiểm tra từng dòng", 1, 4)
        fragment = officer_client.get(reverse("imports:progress", args=[batch.pk]), HTTP_HX_REQUEST="true")
        assert "Đang kiểm tra từng dòng (1/4 dòng)" in fragment.content.decode()
        assert "25 %" in fragment.content.decode()
    progress.clear(key)
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.READY)
    done = officer_client.get(reverse("imports:progress", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert done.headers.get("HX-Refresh") == "true"


# ---- apply -------------------------------------------------------------------------------------------------------
def test_apply_page_then_the_result(officer_client, checked, django_capture_on_commit_callbacks):
    page = officer_client.get(reverse("imports:apply", args=[checked.pk])).content.decode()
    assert "Tất cả hoặc không" in page and 'data-testid="plan-rejected">3<' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("imports:apply", args=[checked.pk]), {"mode": "accepted"})
    assert response.status_code == 302
    checked.refresh_from_db()
    assert checked.status == BatchStatus.APPLIED
    text = officer_client.get(reverse("imports:detail", args=[checked.pk])).content.decode()
    assert 'data-testid="result-created">1<' in text and 'data-testid="result-updated">1<' in text
    assert Member.objects.get(cccd=cccd(1)).occupation == "Nông dân"
    again = officer_client.post(reverse("imports:apply", args=[checked.pk]), {"mode": "accepted"})
    assert "đã được áp dụng" in again.content.decode()


def test_apply_without_a_mode_and_all_or_nothing_refused(officer_client, checked, django_capture_on_commit_callbacks):
    response = officer_client.post(reverse("imports:apply", args=[checked.pk]), {})
    assert "Chọn chế độ áp dụng." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(reverse("imports:apply", args=[checked.pk]), {"mode": "all"})
    checked.refresh_from_db()
    assert checked.status == BatchStatus.REFUSED
    text = officer_client.get(reverse("imports:detail", args=[checked.pk])).content.decode()
    assert "Lô không được áp dụng" in text and "còn 3 dòng bị từ chối" in text
    assert Member.objects.get(cccd=cccd(1)).occupation == "Giáo viên"


def test_an_interrupted_apply_says_nothing_was_written_and_offers_to_run_again(officer_client, checked):
    key = S.progress_key(checked.pk)
    ImportBatch.objects.filter(pk=checked.pk).update(status=BatchStatus.QUEUED)
    progress.report(key, "Đang ghi hồ sơ mới", 1, 2)  # left behind by a worker that was killed
    try:
        text = officer_client.get(reverse("imports:detail", args=[checked.pk])).content.decode()
        assert "Lần áp dụng bị ngắt giữa chừng" in text and "không có gì được ghi" in text
        assert 'data-testid="apply-again"' in text
        page = officer_client.get(reverse("imports:apply", args=[checked.pk])).content.decode()
        assert "Lần áp dụng trước bị ngắt giữa chừng" in page and "disabled" not in page.split("confirm-apply")[1][:20]
    finally:
        progress.clear(key)


# ---- the error report --------------------------------------------------------------------------------------------
def _sheet(content: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content)).active


def test_the_error_report_lists_exactly_the_rejected_and_skipped_rows_with_their_reasons(officer_client, checked):
    update = checked.rows.get(verdict=Verdict.UPDATE)
    S.import_row_decide(actor=update.batch.actor, row=update, skip=True, declined=[])
    response = officer_client.get(reverse("imports:report", args=[checked.pk]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert f'filename="bao-cao-loi-lo-{checked.pk}.xlsx"' in response["Content-Disposition"]
    sheet = _sheet(b"".join(response.streaming_content))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Dòng", "Kết quả", "Lý do", "STT") and sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert [r[:2] for r in rows[1:]] == [(3, "Cập nhật (bỏ qua)"), (4, "Không hợp lệ"), (5, "Trùng trong tệp"),
                                         (6, "Ngoài phạm vi quản lý")]
    by_row = {r[0]: r for r in rows[1:]}
    assert "chỉ có tháng và năm" in by_row[4][2]
    assert "Trùng số CCCD" in by_row[5][2]
    assert by_row[3][2] == report.SKIPPED_REASON
    assert by_row[6][rows[0].index("Chi bộ")] == "Chi bộ Thôn Bản Cắm"
    assert by_row[4][rows[0].index("Ngày vào Đảng")] == "3/2005"
    entry = AuditEntry.objects.get(action="export", object_id=f"bao-cao-loi-nhap/{checked.pk}")
    assert entry.after == {"rows": 4}


def test_the_error_report_keeps_formulas_as_text(officer_client, tree, officer):
    batch = upload_and_check(officer, tree.commune_a, xlsx_bytes([person(1, occupation="'=HYPERLINK(1)",
                                                                        **{"Ngày sinh": "1980"})]))
    response = officer_client.get(reverse("imports:report", args=[batch.pk]))
    sheet = _sheet(b"".join(response.streaming_content))
    cell = sheet.cell(row=2, column=3 + 12)
    assert cell.value.endswith("=HYPERLINK(1)") and cell.data_type == "s"


# ---- list and scope ----------------------------------------------------------------------------------------------
def test_the_list_shows_the_batches_in_scope_newest_first(client_for, tree, officer, checked, users):
    text = client_for("commune_officer").get(reverse("imports:list")).content.decode()
    assert text.index("dot-2.xlsx") < text.index("danh-sach.xlsx")
    assert "Nhập dữ liệu" in text and 'data-testid="nav-imports"' in text
    leader = client_for("leader").get(reverse("imports:list")).content.decode()
    assert "dot-2.xlsx" in leader and 'data-testid="upload-link"' not in leader
    assert 'data-testid="nav-imports"' not in leader
    other = S.import_batch_upload(actor=users["admin"], root=tree.commune_b, filename="xa-b.xlsx",
                                  data=xlsx_bytes([person(1, org="Chi bộ Thôn Bản Cắm")]))
    assert "xa-b.xlsx" not in client_for("commune_officer").get(reverse("imports:list")).content.decode()
    assert "xa-b.xlsx" in client_for("province_officer").get(reverse("imports:list")).content.decode()
    assert other.pk


def test_another_communes_batch_is_not_found(client_for, tree, users, checked):
    other = S.import_batch_upload(actor=users["admin"], root=tree.commune_b, filename="xa-b.xlsx",
                                  data=xlsx_bytes([person(1, org="Chi bộ Thôn Bản Cắm")]))
    client = client_for("commune_officer")
    for name in ("detail", "map", "progress", "apply", "report"):
        assert client.get(reverse(f"imports:{name}", args=[other.pk])).status_code == 404, name
    assert client.post(reverse("imports:apply", args=[other.pk]), {"mode": "accepted"}).status_code == 404
    other_b = client_for("commune_officer")
    assert other_b.get(reverse("imports:detail", args=[checked.pk])).status_code == 200


def test_read_only_roles_see_but_cannot_change(client_for, checked):
    client = client_for("leader")
    text = client.get(reverse("imports:detail", args=[checked.pk])).content.decode()
    assert "Không hợp lệ" in text and 'data-testid="apply-link"' not in text and 'data-testid="row-decide"' not in text
    assert client.get(reverse("imports:apply", args=[checked.pk])).status_code == 403
    assert client.post(reverse("imports:apply", args=[checked.pk]), {"mode": "accepted"}).status_code == 403
    assert client.get(reverse("imports:map", args=[checked.pk])).status_code == 403
    row = checked.rows.get(verdict=Verdict.UPDATE)
    assert client.post(reverse("imports:row", args=[row.pk]), {"skip": "on"}).status_code == 403
    assert client.get(reverse("imports:report", args=[checked.pk])).status_code == 200


def test_org_suggestions_stay_in_scope(officer_client, tree):
    text = officer_client.get(reverse("imports:org_suggest"), {"ten": "root", "root": "cao loc"}).content.decode()
    assert "Không tìm thấy" in text
    text = officer_client.get(reverse("imports:org_suggest"), {"ten": "root", "root": "dong kinh"}).content.decode()
    assert "Đảng bộ phường Đông Kinh" in text


def test_unused_key_is_a_new_batch(tree, officer):
    assert S.import_batch_upload(actor=officer, root=tree.commune_a, filename="a.xlsx",
                                 data=xlsx_bytes([person(1)]), key=uuid.uuid4()).status == BatchStatus.UPLOADED
