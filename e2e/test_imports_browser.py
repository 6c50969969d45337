"""Imports in a real browser: the commune officer uploads a messy .xlsx (title rows, a hidden sheet, an empty row, an
upper-case name, text dates, a month-and-year date, a duplicate CCCD, a cell of another commune, an update of an
existing member, a column whose header is not recognized), maps that column by hand, watches the check's progress
bar until the verdicts show, leaves one row out, applies with the progress bar, reads the result and downloads the
error report, whose rows are exactly the rejected and the skipped ones.

Background tasks wait in a queue nobody works (DummyBackend): the test runs the check and the apply itself while
the page polls. Screenshots of every page land in /tmp/imports-*.png.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tcxd.common import progress
from tcxd.imports import services as S
from tcxd.imports.models import BatchStatus, ImportBatch
from tcxd.imports.tests.conftest import HEADERS, cccd, person, xlsx_bytes
from tcxd.members.models import Member

pytestmark = pytest.mark.browser
SHOTS = "/tmp/imports-{}.png"
JOB = "Việc làm"  # a header the recognizer does not know: mapped by hand
FILE_HEADERS = [JOB if h == "Nghề nghiệp" else h for h in HEADERS]


def shot(page: Page, name: str) -> None:
    page.screenshot(path=SHOTS.format(name), full_page=True)


def _row(data: dict) -> dict:
    data = dict(data)
    data[JOB] = data.pop("Nghề nghiệp")
    return data


@pytest.fixture
def existing(tree, users):
    """Person 1 is already a member of cell Khối 1 (a teacher), imported from an earlier file."""
    officer = users["commune_officer"]
    batch = S.import_batch_upload(actor=officer, root=tree.commune_a, filename="dot-1.xlsx",
                                  data=xlsx_bytes([person(1)]))
    S.import_batch_map(actor=officer, batch=batch, mapping={int(c): k for c, k in batch.mapping.items()})
    S.import_check_run(batch.pk)
    S.import_batch_apply(actor=officer, batch=ImportBatch.objects.get(pk=batch.pk), mode="accepted")
    S.import_apply_run(batch.pk)
    assert Member.objects.get(cccd=cccd(1)).occupation == "Giáo viên"


@pytest.fixture
def queued_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def messy_file(tmp_path):
    rows = [_row(person(1, occupation="Nông dân")),  # row 4: update of the existing member
            _row(person(2, name="TRẦN THỊ HOA", sex="Nữ", **{"Ngày sinh": "15/3/1980"})),  # 5: new, upper case
            _row(person(3, **{"Ngày vào Đảng": "3/2005"})),  # 6: month and year only → invalid
            _row(person(2, name="Trần Thị Hoa", sex="Nữ")),  # 8 (row 7 is empty): same CCCD as row 5
            _row(person(7, org="Chi bộ Thôn Bản Cắm")),  # 9: a cell of commune B → out of scope
            _row(person(9, name="Hoàng Văn Chín"))]  # 10: new (left out on the preview)
    path = tmp_path / "Danh sach dang vien dot 2.xlsx"
    path.write_bytes(xlsx_bytes(rows, headers=FILE_HEADERS, hidden_sheet=True, empty_rows_at=(3,),
                                title_rows=["ĐẢNG BỘ PHƯỜNG ĐÔNG KINH", "DANH SÁCH ĐẢNG VIÊN"]))
    return path


def test_upload_map_check_apply_and_the_error_report(app, page: Page, tree, users, existing, queued_tasks,
                                                     messy_file, tmp_path):
    # given the commune officer on the imports page, from the menu
    app.login("xa")
    page.get_by_role("button", name="Đảng viên", exact=True).click()
    page.get_by_test_id("nav-imports").click()
    expect(page.get_by_role("heading", name="Nhập dữ liệu từ tệp")).to_be_visible()
    expect(page.get_by_test_id("batch-list")).to_contain_text("dot-1.xlsx")
    shot(page, "01-list")

    # when the upload form is sent without a file, it says so and nothing is stored
    page.get_by_test_id("upload-link").click()
    expect(page.get_by_label("Đơn vị nhận dữ liệu")).to_have_value("XA — Đảng bộ phường Đông Kinh")
    page.get_by_test_id("upload-button").click()
    expect(page.get_by_test_id("error-file")).to_contain_text("Chưa chọn tệp")
    shot(page, "02-upload-error")
    assert ImportBatch.objects.count() == 1

    # when the messy workbook is uploaded
    page.get_by_label("Tệp dữ liệu").set_input_files(str(messy_file))
    shot(page, "03-upload")
    page.get_by_test_id("upload-button").click()

    # then its columns are mapped from their headers, except the one it does not know, which is mapped by hand
    expect(page.get_by_test_id("batch-title")).to_contain_text("Ghép cột")
    expect(page.get_by_test_id("batch-notes")).to_contain_text("Bỏ qua trang tính ẩn: «Ghi chú»")
    expect(page.get_by_label("Số CCCD")).to_have_value("cccd")
    job = page.get_by_label(JOB, exact=True)
    expect(job).to_have_value("")
    expect(page.locator('tr[data-column="11"]')).to_contain_text("Nông dân")  # a sample value
    job.select_option(label="Nghề nghiệp")
    shot(page, "04-mapping")
    page.get_by_test_id("check-button").click()

    # then the check waits in the queue, with a progress bar polling the server
    batch = ImportBatch.objects.exclude(filename="dot-1.xlsx").get()
    assert batch.status == BatchStatus.CHECKING and batch.mapping["11"] == "occupation"
    expect(page.get_by_test_id("progress-label")).to_have_text("Đang chờ kiểm tra")
    key = S.progress_key(batch.pk)
    with progress.running(key):  # the worker takes it and reports
        progress.report(key, "Đang kiểm tra từng dòng", 3, 6)
        expect(page.get_by_test_id("progress-label")).to_have_text("Đang kiểm tra từng dòng (3/6 dòng)")
        expect(page.get_by_test_id("progress-percent")).to_have_text("50 %")
        shot(page, "05-checking")
    S.import_check_run(batch.pk)

    # then the page reloads by itself with a verdict for every row
    expect(page.get_by_test_id("verdict-counts")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("batch-progress")).to_have_count(0)
    for verdict, n in (("new", "2"), ("update", "1"), ("invalid", "1"), ("duplicate", "1"), ("out_of_scope", "1"),
                       ("unchanged", "0"), ("conflict", "0")):
        expect(page.get_by_test_id(f"count-{verdict}")).to_have_text(n)
    rows = page.get_by_test_id("row-table")
    expect(rows.locator('tr[data-row="4"]')).to_contain_text("Nghề nghiệp: Giáo viên → Nông dân")
    expect(rows.locator('tr[data-row="5"]')).to_contain_text("viết hoa toàn bộ, ghi thành «Trần Thị Hoa»")
    expect(rows.locator('tr[data-row="6"]')).to_contain_text("chỉ có tháng và năm")
    expect(rows.locator('tr[data-row="8"]')).to_contain_text("Trùng số CCCD")
    expect(rows.locator('tr[data-row="9"]')).to_contain_text("ngoài phạm vi")
    shot(page, "06-preview")

    # when row 10 is left out (htmx: saved at once)
    rows.locator('tr[data-row="10"]').get_by_test_id("skip-row").check()
    expect(rows.locator('tr[data-row="10"]')).to_have_class("row-skipped")
    expect(rows.locator('tr[data-row="10"]').get_by_test_id("row-skipped")).to_be_visible()
    assert batch.rows.get(row_no=10).skip

    # the rows can be filtered by verdict
    page.get_by_test_id("row-filter").get_by_role("link", name="Không hợp lệ").click()
    expect(rows.locator("tbody tr")).to_have_count(1)
    expect(rows.locator('tr[data-row="6"]')).to_be_visible()
    shot(page, "07-filter-invalid")

    # when it is applied, only the accepted rows
    page.get_by_test_id("apply-link").click()
    expect(page.get_by_test_id("plan-new")).to_have_text("1")
    expect(page.get_by_test_id("plan-update")).to_have_text("1")
    expect(page.get_by_test_id("plan-rejected")).to_have_text("3")
    expect(page.get_by_test_id("plan-skipped")).to_have_text("1")
    expect(page.get_by_label("Chỉ áp dụng các dòng hợp lệ, bỏ qua dòng lỗi")).to_be_checked()
    shot(page, "08-apply")
    page.get_by_test_id("confirm-apply").click()

    # then it waits in the queue with a progress bar, which follows the worker
    expect(page.get_by_test_id("progress-label")).to_have_text("Đang chờ áp dụng")
    with progress.running(key):
        progress.report(key, "Đang ghi hồ sơ mới", 1, 2)
        expect(page.get_by_test_id("progress-label")).to_have_text("Đang ghi hồ sơ mới (1/2 dòng)")
        shot(page, "09-applying")
    S.import_apply_run(batch.pk)

    # then the result
    expect(page.get_by_test_id("batch-result")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("batch-status")).to_have_text("Đã áp dụng")
    for name, n in (("created", "1"), ("updated", "1"), ("unchanged", "0"), ("rejected", "3"), ("skipped", "1")):
        expect(page.get_by_test_id(f"result-{name}")).to_have_text(n)
    shot(page, "10-applied")
    assert Member.objects.get(cccd=cccd(1)).occupation == "Nông dân"
    assert Member.objects.get(cccd=cccd(2, "F")).full_name == "Trần Thị Hoa"
    assert not Member.objects.filter(cccd=cccd(9)).exists()

    # when the error report is downloaded, it lists exactly the rejected and the skipped rows, with their reasons
    with page.expect_download() as info:
        page.get_by_test_id("report-link").click()
    download = info.value
    assert download.suggested_filename == f"bao-cao-loi-lo-{batch.pk}.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    sheet = load_workbook(target).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:3] == ("Dòng", "Kết quả", "Lý do") and lines[0][3:] == tuple(FILE_HEADERS)
    assert [line[:2] for line in lines[1:]] == [(6, "Không hợp lệ"), (8, "Trùng trong tệp"),
                                                (9, "Ngoài phạm vi quản lý"), (10, "Thêm mới (bỏ qua)")]
    assert "chỉ có tháng và năm" in lines[1][2] and "Trùng số CCCD" in lines[2][2]
    assert lines[4][3 + FILE_HEADERS.index("Họ và tên")] == "Hoàng Văn Chín"

    # and the list shows the batch applied
    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="Nhập dữ liệu").click()
    expect(page.locator(f'tr[data-batch="{batch.pk}"]')).to_contain_text("Đã áp dụng")
    shot(page, "11-list")


def test_organizations_import_in_the_browser(app, page: Page, tree, users, queued_tasks, tmp_path):
    """A list of party units: mapped to the organization fields, checked (nothing founded), applied in order."""
    from tcxd.imports.tests.test_orgs import HEADERS as ORG_HEADERS
    from tcxd.imports.tests.test_orgs import ROWS as ORG_ROWS
    from tcxd.orgs.models import Org

    path = tmp_path / "to-chuc.xlsx"
    path.write_bytes(xlsx_bytes(ORG_ROWS, headers=ORG_HEADERS))
    app.login("xa")
    app.goto("/nhap-du-lieu/")
    page.get_by_test_id("upload-link").click()
    page.get_by_label("Danh sách tổ chức đảng").check()
    page.get_by_label("Tệp dữ liệu").set_input_files(str(path))
    page.get_by_test_id("upload-button").click()
    expect(page.get_by_label("Tổ chức cấp trên", exact=True)).to_have_value("parent")
    expect(page.get_by_label("Mã tổ chức", exact=True)).to_have_value("code")
    shot(page, "12-orgs-mapping")
    page.get_by_test_id("check-button").click()
    batch = ImportBatch.objects.get(kind="orgs")
    S.import_check_run(batch.pk)
    expect(page.get_by_test_id("verdict-counts")).to_be_visible(timeout=15_000)
    for verdict, n in (("new", "3"), ("unchanged", "1"), ("conflict", "1"), ("duplicate", "1"),
                       ("out_of_scope", "1"), ("invalid", "3")):
        expect(page.get_by_test_id(f"count-{verdict}")).to_have_text(n)
    assert not Org.objects.filter(code="XA9").exists()  # the check founds nothing
    shot(page, "13-orgs-preview")
    page.get_by_test_id("apply-link").click()
    page.get_by_test_id("confirm-apply").click()
    S.import_apply_run(batch.pk)
    expect(page.get_by_test_id("batch-result")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("result-created")).to_have_text("3")
    shot(page, "14-orgs-applied")
    assert Org.objects.filter(code__in=["XA9", "XA-DN", "XA-DN1"]).count() == 3
