"""Restructuring in a real browser: the commune officer drafts the merge of two cells (one with members) picking
the orgs by typing their names, is stopped by a bad date, previews it (the dry run waits in the background queue:
the progress bar follows it until the preview shows), applies it with the confirm and watches the progress bar until
the background task has run, finds the moved member's history and the lineage on the org page,
then undoes it (a reason is required). A second test drafts a split (members chosen per part) and a plan whose
progress is read as of a date.

Screenshots of every page land in /tmp/restructure-*.png.

Fixtures `tree` and `users` come from tcxd/conftest.py (province Lạng Sơn → communes Đông Kinh, Cao Lộc).
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tcxd.conftest import make_org
from tcxd.members.models import Member
from tcxd.orgs.kinds import OrgKind, OrgStatus
from tcxd.orgs.models import Org
from tcxd.restructure import progress as P
from tcxd.restructure import services as S
from tcxd.restructure.models import OperationStatus, PreviewState, RestructureOperation, RestructurePlan
from tcxd.restructure.tests.conftest import apply, member

pytestmark = pytest.mark.browser
SHOTS = "/tmp/restructure-{}.png"


def shot(page: Page, name: str) -> None:
    page.screenshot(path=SHOTS.format(name), full_page=True)


@pytest.fixture
def cells(tree):
    """Cell A1 (one member) and cell “Khối 2” of commune A (two members), cell B1 of commune B (one member)."""
    khoi2 = make_org(tree.admin, tree.commune_a, OrgKind.CELL, name="Chi bộ Khối 2", code="XA3")
    return {"khoi2": khoi2, "a1": [member(tree.cell_a1)], "moved": [member(khoi2), member(khoi2)],
            "b1": [member(tree.cell_b1)]}


@pytest.fixture
def queued_tasks(settings):
    """Tasks wait in a queue nobody works: the test runs the preview and the operation itself while the page
    polls."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_merge_two_cells_preview_apply_watch_it_finish_and_undo(app, page: Page, users, tree, cells, queued_tasks):
    khoi2, moved = cells["khoi2"], cells["moved"]
    # given the commune officer on the restructuring list, from the menu
    app.login("xa")
    page.get_by_role("button", name="Tổ chức", exact=True).click()
    page.get_by_role("link", name="Sắp xếp tổ chức").click()
    expect(page.get_by_role("heading", name="Sắp xếp tổ chức")).to_be_visible()
    expect(page.get_by_test_id("operation-empty")).to_be_visible()
    shot(page, "01-list-empty")

    # when a merge is drafted, the orgs picked by typing part of their names (no accents)
    page.get_by_test_id("operation-create-link").click()
    shot(page, "02-choose-kind")
    page.get_by_test_id("kind-merge").click()
    page.get_by_label("Nội dung thao tác").fill("Hợp nhất Chi bộ Khối 2 vào Chi bộ Khối 1")
    source = page.get_by_label("Tổ chức hợp nhất 1")
    source.fill("khoi 2")
    page.get_by_test_id("sg-source_1").get_by_test_id("org-option").filter(has_text="Chi bộ Khối 2").click()
    expect(source).to_have_value("XA3 — Chi bộ Khối 2")
    target = page.get_by_label("Tổ chức tiếp nhận (đang có)")
    target.fill("khoi 1")
    page.get_by_test_id("sg-target").get_by_test_id("org-option").filter(has_text="Chi bộ Khối 1").click()
    expect(target).to_have_value("XA1 — Chi bộ Khối 1")
    page.get_by_label("Ngày hiệu lực").fill("31/02/2026")
    page.get_by_label("Số quyết định").fill("12-QĐ/ĐU")
    page.get_by_label("Ngày quyết định").fill("20/12/2025")
    page.get_by_label("Cơ quan ban hành").fill("Đảng ủy phường Đông Kinh")
    page.get_by_test_id("save-draft").click()

    # then the bad date is named on its field, and nothing is saved
    expect(page.get_by_test_id("error-effective_on")).to_contain_text("Ngày không hợp lệ")
    expect(source).to_have_value("XA3 — Chi bộ Khối 2")
    shot(page, "03-form-error")
    assert not RestructureOperation.objects.exists()
    page.get_by_label("Ngày hiệu lực").fill("01/01/2026")
    page.get_by_test_id("save-draft").click()

    # then the draft, in words, not previewed: applying is not offered yet
    expect(page.get_by_test_id("operation-title")).to_have_text("Hợp nhất Chi bộ Khối 2 vào Chi bộ Khối 1")
    expect(page.get_by_test_id("operation-status")).to_have_text("Dự thảo")
    expect(page.get_by_test_id("operation-params")).to_contain_text("Các tổ chức hợp nhất, sáp nhập")
    expect(page.get_by_test_id("preview-none")).to_be_visible()
    expect(page.get_by_test_id("apply-disabled")).to_be_disabled()
    shot(page, "04-draft")

    # when it is previewed: the dry run waits in the queue, with a progress bar that polls the server
    page.get_by_test_id("preview-button").click()
    expect(page.get_by_test_id("operation-progress")).to_contain_text("Đang chờ xem trước")
    expect(page.get_by_test_id("preview-running")).to_be_visible()
    expect(page.get_by_test_id("apply-disabled")).to_be_disabled()
    expect(page.get_by_test_id("preview-busy")).to_be_disabled()
    shot(page, "05a-preview-queued")
    op = RestructureOperation.objects.get()
    assert op.preview_state == PreviewState.QUEUED and op.preview is None

    # the worker takes it (holding the preview's lock) and reports the engine's phases: the bar follows
    RestructureOperation.objects.filter(pk=op.pk).update(preview_state=PreviewState.RUNNING)
    with P.preview_running(op.pk):
        P.report(op.pk, "Chuyển sinh hoạt đảng viên theo sắp xếp", 1, 2)
        expect(page.get_by_test_id("progress-label")).to_have_text(
            "Đang xem trước: Chuyển sinh hoạt đảng viên theo sắp xếp (1/2)")
        expect(page.get_by_test_id("progress-percent")).to_have_text("50 %")
        shot(page, "05b-preview-running")
        RestructureOperation.objects.filter(pk=op.pk).update(preview_state=PreviewState.QUEUED)

    # when the background worker has run it, the page finds out by itself and shows the preview
    S.restructure_preview_run(op.pk, op.preview_key)
    expect(page.get_by_test_id("preview-ok")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("operation-progress")).to_have_count(0)
    expect(page.get_by_test_id("count-closed")).to_have_text("1")
    expect(page.get_by_test_id("count-members")).to_have_text("2")
    expect(page.get_by_test_id("members-by-source")).to_contain_text("Chi bộ Khối 2")
    shot(page, "05c-preview")

    # when it is applied, after the confirm page naming the decision and the date
    page.get_by_test_id("apply-link").click()
    expect(page.get_by_test_id("operation-decision")).to_have_text(
        "Số 12-QĐ/ĐU ngày 20/12/2025 của Đảng ủy phường Đông Kinh")
    expect(page.get_by_test_id("operation-effective")).to_have_text("01/01/2026")
    expect(page.get_by_test_id("apply-summary")).to_contain_text("2 đảng viên chuyển sinh hoạt")
    shot(page, "06-apply-confirm")
    page.get_by_test_id("confirm-button").click()

    # then it waits in the queue, with a progress bar that polls the server
    expect(page.get_by_test_id("operation-status")).to_have_text("Đang chờ thực hiện")
    expect(page.get_by_test_id("operation-progress")).to_contain_text("Trang tự cập nhật mỗi giây")
    shot(page, "07-queued")
    op.refresh_from_db()
    assert op.status == OperationStatus.QUEUED

    # when the background worker runs it, the page finds out by itself and shows the result
    S.restructure_run(op.pk)
    expect(page.get_by_test_id("operation-status")).to_have_text("Đã thực hiện", timeout=15_000)
    expect(page.get_by_test_id("operation-progress")).to_have_count(0)
    expect(page.get_by_test_id("operation-result")).to_contain_text("Đảng viên chuyển sinh hoạt theo sắp xếp")
    expect(page.get_by_test_id("count-members")).to_have_text("2")
    shot(page, "08-applied")

    # then the moved member's history shows the move
    app.goto(f"/dang-vien/{moved[0].pk}/?tab=su-kien")
    expect(page.get_by_text("Chuyển sinh hoạt theo sắp xếp tổ chức").first).to_be_visible()
    shot(page, "09-member-history")
    assert Member.objects.get(pk=moved[0].pk).org_id == tree.cell_a1.pk

    # and the lineage on the receiving org's page
    app.goto(app.org_path(tree.cell_a1))
    expect(page.get_by_test_id("predecessor")).to_contain_text(
        "Hình thành từ Chi bộ Khối 2 (toàn bộ), từ ngày 01/01/2026")
    shot(page, "10-org-lineage")
    page.get_by_test_id("predecessor").get_by_role("link", name="Chi bộ Khối 2").click()
    expect(page.get_by_test_id("successor")).to_contain_text("Toàn bộ chuyển thành Chi bộ Khối 1")

    # when it is undone: first without a reason, then with one
    app.goto(f"/sap-xep/{op.pk}/")
    page.get_by_test_id("undo-link").click()
    page.get_by_test_id("confirm-button").click()
    expect(page.get_by_test_id("error-reason")).to_have_text("Chưa nhập lý do hoàn tác.")
    page.get_by_label("Lý do hoàn tác").fill("Quyết định bị thu hồi")
    shot(page, "11-undo-confirm")
    page.get_by_test_id("confirm-button").click()

    # then everything is as before
    expect(page.get_by_test_id("operation-status")).to_have_text("Đã hoàn tác")
    expect(page.get_by_test_id("operation-undone")).to_contain_text("Quyết định bị thu hồi")
    expect(page.get_by_test_id("operation-result-undone")).to_contain_text("Chi bộ Khối 2")
    shot(page, "12-undone")
    khoi2.refresh_from_db()
    assert khoi2.status == OrgStatus.ACTIVE
    assert set(Member.objects.filter(pk__in=[m.pk for m in moved]).values_list("org_id", flat=True)) == {khoi2.pk}
    page.get_by_role("link", name="Sắp xếp tổ chức").first.click()
    expect(page.get_by_test_id("operation-list")).to_contain_text("Đã hoàn tác")
    shot(page, "13-list")


def test_split_with_members_per_part_and_a_plan_with_its_progress(app, page: Page, users, tree, cells):
    moved = cells["moved"]
    app.login("xa")
    # a plan of the commune, its targets refused first when they cannot be read
    app.goto("/sap-xep/de-an/")
    shot(page, "20-plans-empty")
    page.get_by_test_id("plan-create-link").click()
    expect(page.get_by_label("Cấp ủy chủ trì (cây tổ chức của đề án)")).to_have_value(
        "XA — Đảng bộ phường Đông Kinh")
    page.get_by_label("Số hiệu đề án").fill("ĐA-01")
    page.get_by_label("Tên đề án").fill("Sắp xếp chi bộ khu dân cư phường Đông Kinh")
    page.get_by_label("Từ ngày").fill("01/07/2025")
    page.get_by_label("Hạn hoàn thành").fill("30/06/2026")
    page.get_by_label("Số tổ chức phải hợp nhất, sáp nhập").fill("hai")
    page.get_by_test_id("plan-save").click()
    expect(page.get_by_test_id("error-target_merged")).to_have_text("Chỉ tiêu là số nguyên không âm.")
    shot(page, "21-plan-form-error")
    page.get_by_label("Số tổ chức phải hợp nhất, sáp nhập").fill("2")
    page.get_by_label("Số đầu mối phải giảm").fill("1")
    page.get_by_test_id("plan-save").click()
    expect(page.get_by_test_id("plan-title")).to_contain_text("Đề án ĐA-01")
    expect(page.get_by_test_id("progress-text-merged")).to_have_text("0/2 (0,0 %)")
    shot(page, "22-plan")

    # a split of “Khối 2”: one member to cell A1, the other to a new cell; the old cell closes
    app.goto("/sap-xep/moi/?loai=split")
    page.get_by_label("Nội dung thao tác").fill("Chia tách Chi bộ Khối 2")
    source = page.get_by_label("Tổ chức chia tách")
    source.fill("khoi 2")
    page.get_by_test_id("sg-source").get_by_test_id("org-option").filter(has_text="Chi bộ Khối 2").click()
    page.get_by_label("Ngày hiệu lực").fill("01/01/2026")
    page.get_by_test_id("load-lists").click()
    matrix = page.get_by_test_id("split-matrix")
    expect(matrix).to_contain_text(moved[0].full_name)
    page.get_by_label("Tổ chức cũ chấm dứt hoạt động sau chia tách").check()
    part1 = page.get_by_label("Phần 1: tổ chức tiếp nhận (đang có)")
    part1.fill("khoi 1")
    page.get_by_test_id("sg-part_1_target").get_by_test_id("org-option").filter(has_text="Chi bộ Khối 1").click()
    part2 = page.get_by_test_id("part-2")
    parent = part2.get_by_label("Phần 2, tổ chức mới: trực thuộc")
    parent.fill("dong kinh")
    page.get_by_test_id("sg-part_2_new_parent").get_by_test_id("org-option").filter(
        has_text="Đảng bộ phường Đông Kinh").click()
    part2.get_by_label("Mã tổ chức").fill("XA8")
    part2.get_by_label("Tên tổ chức", exact=True).fill("Chi bộ Khối 8")
    part2.get_by_label("Loại tổ chức").select_option("cell")
    page.get_by_label(f"{moved[0].full_name}: phần 1").check()
    page.get_by_label(f"{moved[1].full_name}: phần 2").check()
    page.get_by_label("Số quyết định").fill("15-QĐ/ĐU")
    page.get_by_label("Thuộc đề án (không bắt buộc)").select_option(label="ĐA-01 — Sắp xếp chi bộ khu dân cư phường "
                                                                          "Đông Kinh (Đảng bộ phường Đông Kinh)")
    shot(page, "23-split-form")
    page.get_by_test_id("save-draft").click()
    expect(page.get_by_test_id("operation-params")).to_contain_text("nhận 0 tổ chức trực thuộc và 1 đảng viên")
    page.get_by_test_id("preview-button").click()
    expect(page.get_by_test_id("preview-ok")).to_be_visible()
    expect(page.get_by_test_id("count-founded")).to_have_text("1")
    expect(page.get_by_test_id("preview-warnings")).to_contain_text("Chi bộ Khối 8")
    shot(page, "24-split-preview")
    page.get_by_test_id("apply-link").click()
    page.get_by_test_id("confirm-button").click()  # the immediate backend: done when the page comes back
    expect(page.get_by_test_id("operation-status")).to_have_text("Đã thực hiện")
    shot(page, "25-split-applied")
    assert Org.objects.get(code="XA8").status == OrgStatus.ACTIVE

    # a month later the new cell is merged into cell A1 (recorded here through the services)
    plan = RestructurePlan.objects.get()
    later = apply(users["commune_officer"], "merge", {"sources": [Org.objects.get(code="XA8").pk],
                                                      "target_id": tree.cell_a1.pk}, on=dt.date(2026, 2, 1),
                  title="Hợp nhất Chi bộ Khối 8 vào Chi bộ Khối 1", plan=plan)
    assert later.status == OperationStatus.APPLIED, later.error

    # the plan's progress as of today: two orgs closed, one founded; as of 31/01/2026: only the split
    page.get_by_role("link", name="Đề án ĐA-01").click()
    expect(page.get_by_test_id("plan-operations")).to_contain_text("Chia tách Chi bộ Khối 2")
    expect(page.get_by_test_id("progress-text-merged")).to_have_text("1/2 (50,0 %)")
    expect(page.get_by_test_id("progress-text-reduced")).to_have_text("1/1 (100,0 %)")
    shot(page, "26-plan-progress")
    page.get_by_label("Tính đến ngày").fill("31/01/2026")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_test_id("progress-text-merged")).to_have_text("0/2 (0,0 %)")
    expect(page.get_by_test_id("progress-text-reduced")).to_have_text("0/1 (0,0 %)")
    shot(page, "27-plan-progress-date")


def test_a_preview_that_did_not_finish_and_a_stale_one_ask_for_a_fresh_preview(app, page: Page, users, tree, cells):
    officer = users["commune_officer"]
    op = S.restructure_draft(actor=officer, kind="merge", title="Hợp nhất Chi bộ Khối 2 vào Chi bộ Khối 1",
                             spec={"sources": [cells["khoi2"].pk], "target_id": tree.cell_a1.pk},
                             effective_on=dt.date(2026, 1, 1), decision_no="12-QĐ/ĐU")
    # given a worker killed mid-preview: the row still says running, nobody holds the preview's lock
    S.restructure_preview(actor=officer, operation=op)  # the immediate backend runs it …
    RestructureOperation.objects.filter(pk=op.pk).update(preview_state=PreviewState.RUNNING, preview=None)  # … cut
    app.login("xa")
    app.goto(f"/sap-xep/{op.pk}/")
    expect(page.get_by_test_id("preview-interrupted")).to_contain_text("Xem trước chưa hoàn thành")
    expect(page.get_by_test_id("operation-progress")).to_have_count(0)
    expect(page.get_by_test_id("apply-disabled")).to_be_disabled()
    shot(page, "14-preview-interrupted")
    # when it is run again (the immediate backend: done when the page comes back)
    page.get_by_test_id("preview-again").click()
    expect(page.get_by_test_id("preview-ok")).to_be_visible()
    expect(page.get_by_test_id("apply-link")).to_be_visible()

    # when another operation in the commune is applied after the preview, the preview is stale
    apply(officer, "rename", {"org_id": tree.gcell_a2.pk, "name": "Chi bộ Trường Tiểu học Mới"},
          on=dt.date(2025, 12, 1), title="Đổi tên chi bộ trường")
    page.reload()
    expect(page.get_by_test_id("preview-stale")).to_contain_text("«Đổi tên chi bộ trường» đã được thực hiện")
    expect(page.get_by_test_id("apply-disabled")).to_be_disabled()
    shot(page, "15-preview-stale")
    page.get_by_test_id("preview-again").click()
    expect(page.get_by_test_id("preview-stale")).to_have_count(0)
    expect(page.get_by_test_id("apply-link")).to_be_visible()
    shot(page, "16-preview-fresh")
