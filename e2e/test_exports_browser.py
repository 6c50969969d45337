"""Exports in a real browser: the commune officer filters the member list, asks for Excel; the list is bigger than
the (lowered) threshold, so a page says what will be exported and starts it in the background; the progress bar
follows the worker until the download link shows; the file downloaded holds the whole filtered list, in scope only.
A small list downloads at once; another user's export is 404.

The worker is played by the test (tasks wait in a queue nobody works: DummyBackend), as for restructuring."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tcxd.exports import progress as P
from tcxd.exports import services as S
from tcxd.exports.models import ExportJob, ExportStatus
from tcxd.exports.tests.conftest import bulk_members

pytestmark = pytest.mark.browser
SHOTS = "/tmp/exports-{}.png"


def shot(page: Page, name: str) -> None:
    page.screenshot(path=SHOTS.format(name), full_page=True)


@pytest.fixture
def queued_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.EXPORTS = {**settings.EXPORTS, "ROOT": str(tmp_path / "exports"), "BACKGROUND_ABOVE": 40}


def test_big_export_runs_in_the_background_with_a_progress_bar_and_downloads(app, page: Page, users, tree,
                                                                               queued_tasks):
    bulk_members(tree.cell_a1, 60, prefix="Trong Phạm Vi")
    bulk_members(tree.cell_b1, 5, prefix="Ngoài Phạm Vi")
    # given the commune officer on the member list, women only
    app.login("xa")
    app.goto("/dang-vien/")
    page.locator("select[name=sex]").select_option("F")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page.get_by_test_id("member-table")).to_contain_text("Trong Phạm Vi")
    # when Excel is asked for: 30 rows, under the threshold (40), come at once
    with page.expect_download() as small:
        page.get_by_test_id("export-xlsx").click()
    with open(small.value.path(), "rb") as fh:
        rows = list(load_workbook(io.BytesIO(fh.read()), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 31 and all(r[1] == "Nữ" for r in rows[1:])

    # when the whole list (65 in the tree, 60 in scope) is asked for as Excel: over the threshold
    page.locator("select[name=sex]").select_option("")
    page.get_by_test_id("export-xlsx").click()
    expect(page.get_by_test_id("export-size")).to_contain_text("60")
    expect(page.get_by_test_id("export-filters")).to_contain_text("không lọc")
    shot(page, "01-confirm")
    page.get_by_test_id("export-start").click()

    # then the export waits in the queue, with a progress bar that polls the server
    expect(page.get_by_test_id("export-progress")).to_contain_text("Đang chờ")
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.QUEUED
    shot(page, "02-queued")

    # the worker takes it (holding the job's lock, as the real one does) and reports its rows: the bar follows
    with P.running(job.pk):
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)
        P.report(job.pk, 30, 60)
        expect(page.get_by_test_id("progress-label")).to_have_text("Đang xuất (30/60 dòng)")
        expect(page.get_by_test_id("progress-percent")).to_have_text("50 %")
        shot(page, "03-running")
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.QUEUED)

    # when the worker has finished, the page finds out by itself and offers the file
    S.export_job_run(job.pk)
    expect(page.get_by_test_id("export-download")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("export-progress")).to_have_count(0)
    expect(page.get_by_test_id("export-rows")).to_have_text("60")
    shot(page, "04-done")
    with page.expect_download() as big:
        page.get_by_test_id("export-download").click()
    assert big.value.suggested_filename == "danh-sach-dang-vien.xlsx"
    with open(big.value.path(), "rb") as fh:
        wb = load_workbook(io.BytesIO(fh.read()), read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Họ và tên", "Giới tính", "Ngày sinh")
    assert len(rows) == 61 and all(r[0].startswith("Trong Phạm Vi") for r in rows[1:])

    # the officer's export files list it; another user gets 404 for it
    app.goto("/xuat-du-lieu/")
    expect(page.get_by_test_id("export-row")).to_have_count(1)
    shot(page, "05-list")
    page.context.clear_cookies()
    app.login("tinh")
    response = page.goto(app.url(f"/xuat-du-lieu/tep/{job.pk}/"))
    assert response.status == 404


def test_a_failed_export_says_why(app, page: Page, users, tree, queued_tasks, monkeypatch):
    bulk_members(tree.cell_a1, 45)
    app.login("xa")
    app.goto("/dang-vien/")
    page.get_by_test_id("export-csv").click()
    page.get_by_test_id("export-start").click()
    expect(page.get_by_test_id("export-progress")).to_be_visible()
    job = ExportJob.objects.get()
    assert job.format == "csv"

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(S, "write_csv", broken)
    S.export_job_run(job.pk)
    expect(page.get_by_test_id("export-error")).to_contain_text("Xuất dữ liệu không thành công", timeout=15_000)
    shot(page, "06-failed")
