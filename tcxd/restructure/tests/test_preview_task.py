"""The preview as a background task: asked for, it waits in the queue until the request commits, then runs (the
engine's phases reported to the progress cache) and stores what applying would do, or the rules' refusals in
Vietnamese; a crash or a killed worker leaves nothing and says the preview did not finish; a replaced request or
an edit drops its result; a preview is stale once the tree under it changes, and applying then asks for a fresh
one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import TestCase

from tcxd.audit.models import AuditEntry
from tcxd.common.errors import DomainError
from tcxd.conftest import make_org
from tcxd.orgs import services as OS
from tcxd.orgs.kinds import OrgKind
from tcxd.restructure import engine
from tcxd.restructure import progress as P
from tcxd.restructure import selectors as Sel
from tcxd.restructure import services as S
from tcxd.restructure.models import OperationStatus, PreviewState, RestructureOperation

from .conftest import apply, member, preview, state

pytestmark = pytest.mark.django_db
D = dt.date
ON = D(2026, 1, 1)


@pytest.fixture
def cell_a2(tree):
    """A second cell of commune A with two members."""
    cell = make_org(tree.admin, tree.commune_a, OrgKind.CELL, name="Chi bộ Khối 2", code="XA3")
    member(cell), member(cell)
    return cell


def merge(tree, cell, **kw) -> RestructureOperation:
    return S.restructure_draft(actor=kw.pop("actor", tree.admin), kind="merge", title="Hợp nhất Chi bộ Khối 2",
                               spec={"sources": [cell.pk], "target_id": tree.cell_a1.pk}, effective_on=ON,
                               decision_no="12-QĐ/ĐU", **kw)


def actions(op) -> list[str]:
    return list(AuditEntry.objects.filter(object_type="restructure.restructureoperation", object_id=str(op.pk))
                .order_by("id").values_list("action", flat=True))


# -- queued → running → done ------------------------------------------------------------------------------------
def test_a_preview_waits_for_the_commit_then_runs_in_the_background(tree, users, cell_a2, monkeypatch):
    officer = users["commune_officer"]
    op = merge(tree, cell_a2, actor=officer)
    before = state()
    heard: list[tuple[str, int, int]] = []
    real_report = P.report
    monkeypatch.setattr(P, "report", lambda pk, label, done, total: (heard.append((label, done, total)),
                                                                     real_report(pk, label, done, total)))
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        S.restructure_preview(actor=officer, operation=op)
        # given the request not yet committed: queued, nothing run, the bar at its start
        op.refresh_from_db()
        assert (op.preview_state, op.preview, op.preview_by) == (PreviewState.QUEUED, None, officer)
        progress = Sel.operation_progress(actor=officer, operation=op)
        assert (progress["job"], progress["job_label"], progress["finished"], progress["percent"]) == (
            "preview", "Đang chờ xem trước", False, 0)
        assert progress["label"] == "Đang chờ xem trước" and progress["status"] == OperationStatus.DRAFT
    assert len(callbacks) == 1
    # then the task ran: the result stored, nothing else changed, the bar full
    op.refresh_from_db()
    assert op.preview_state == PreviewState.DONE and op.preview["ok"], op.preview
    assert op.preview["outcome"]["members_moved"] == 2 and op.preview["outcome"]["closed_names"] == ["Chi bộ Khối 2"]
    assert op.previewed_at is not None and op.preview_change_id is not None and op.status == OperationStatus.DRAFT
    assert state() == before
    progress = Sel.operation_progress(actor=officer, operation=op)
    assert (progress["job"], progress["finished"], progress["percent"], progress["error"]) == ("preview", True, 100, "")
    assert P.read(op.pk) is None
    # the engine's phases were reported while it ran, and the rollback last
    labels = [label for label, _d, _t in heard]
    assert labels[:2] == ["Đang chờ xem trước", "Đang xem trước"]
    assert "Chuyển sinh hoạt đảng viên theo sắp xếp" in labels and labels[-1] == "Hủy bỏ lần chạy thử (không ghi gì)"
    # one audit row for the request, one for the result
    assert actions(op) == ["restructure.draft", "restructure.preview_queue", "restructure.preview"]
    assert AuditEntry.objects.filter(action="restructure.preview").get().after["ok"] is True
    # and applying it works
    with TestCase.captureOnCommitCallbacks(execute=True):
        S.restructure_apply(actor=officer, operation=op)
    op.refresh_from_db()
    assert op.status == OperationStatus.APPLIED, op.error


def test_a_refusal_is_stored_in_vietnamese_and_applying_is_refused(tree, cell_a2):
    op = S.restructure_draft(actor=tree.admin, kind="merge", title="Một mình", spec={"sources": [cell_a2.pk]},
                             effective_on=ON, decision_no="1")
    op = preview(tree.admin, op)
    assert op.preview_state == PreviewState.DONE and op.preview["ok"] is False
    assert op.preview["errors"] == ["Chọn tổ chức tiếp nhận hoặc nhập tổ chức mới."]
    assert "target_id" in op.preview["field_errors"] and op.preview["outcome"] is None
    assert Sel.operation_progress(actor=tree.admin, operation=op)["error"] == ""  # a refusal is a finished preview
    with pytest.raises(DomainError, match="Hãy xem trước thao tác"):
        S.restructure_apply(actor=tree.admin, operation=op)


def test_only_drafts_are_previewed_and_applying_waits_for_the_preview(tree, cell_a2):
    op = merge(tree, cell_a2)
    S.restructure_preview(actor=tree.admin, operation=op)  # queued: this transaction never commits
    with pytest.raises(DomainError, match="đang được xem trước") as exc:
        S.restructure_apply(actor=tree.admin, operation=op)
    assert exc.value.code == "previewing"
    op = apply(tree.admin, "merge", {"sources": [cell_a2.pk], "target_id": tree.cell_a1.pk}, on=ON)
    with pytest.raises(DomainError, match="không xem trước lại"):
        S.restructure_preview(actor=tree.admin, operation=op)


# -- crashes: nothing stays, the page offers to run it again ----------------------------------------------------
def test_a_crash_in_the_task_leaves_nothing_and_says_the_preview_did_not_finish(tree, cell_a2, monkeypatch):
    op = merge(tree, cell_a2)
    before = state()

    def boom(self):
        self.relocate([])  # something written first …
        raise RuntimeError("disk full")  # … then the crash

    monkeypatch.setattr(engine.Run, "run", boom)
    op = preview(tree.admin, op)
    assert op.preview_state == PreviewState.INTERRUPTED and op.preview is None and op.previewed_at is None
    assert state() == before
    progress = Sel.operation_progress(actor=tree.admin, operation=op)
    assert progress["finished"] and "Xem trước chưa hoàn thành" in progress["error"]
    assert "disk full" not in progress["error"]  # no stack trace, no exception text
    with pytest.raises(DomainError, match="Hãy xem trước"):
        S.restructure_apply(actor=tree.admin, operation=op)
    # run again, without the crash
    monkeypatch.undo()
    op = preview(tree.admin, op)
    assert op.preview_state == PreviewState.DONE and op.preview["ok"]


def test_a_worker_told_to_stop_mid_way_records_the_interruption(tree, cell_a2, monkeypatch):
    op = merge(tree, cell_a2)
    S.restructure_preview(actor=tree.admin, operation=op)
    op.refresh_from_db()

    def stop(self):
        raise SystemExit(1)

    monkeypatch.setattr(engine.Run, "run", stop)
    with pytest.raises(SystemExit):
        S.restructure_preview_run(op.pk, op.preview_key)
    op.refresh_from_db()
    assert op.preview_state == PreviewState.INTERRUPTED and op.preview is None


def test_a_killed_worker_is_noticed_by_its_released_lock(tree, cell_a2):
    op = merge(tree, cell_a2)
    S.restructure_preview(actor=tree.admin, operation=op)
    RestructureOperation.objects.filter(pk=op.pk).update(preview_state=PreviewState.RUNNING)
    op.refresh_from_db()
    # while a process holds the preview's lock, it is running: no second preview, no applying
    with P.preview_running(op.pk):
        assert Sel.preview_state(op) == PreviewState.RUNNING
        assert not Sel.operation_progress(actor=tree.admin, operation=op)["finished"]
        with pytest.raises(DomainError, match="đang được xem trước"):
            S.restructure_preview(actor=tree.admin, operation=op)
    # the process died (SIGKILL): the system released its lock, the row still says running
    assert op.preview_state == PreviewState.RUNNING and Sel.preview_state(op) == PreviewState.INTERRUPTED
    progress = Sel.operation_progress(actor=tree.admin, operation=op)
    assert progress["finished"] and progress["preview_state"] == PreviewState.INTERRUPTED
    with pytest.raises(DomainError) as exc:
        S.restructure_apply(actor=tree.admin, operation=op)
    assert exc.value.code == "not_previewed"
    # then it may be asked for again, and that one runs
    op = preview(tree.admin, op)
    assert op.preview_state == PreviewState.DONE and op.preview["ok"]


# -- a replaced request, an edit ------------------------------------------------------------------------------------
def test_a_replaced_request_and_an_edit_drop_the_older_result(tree, cell_a2, monkeypatch):
    op = merge(tree, cell_a2)
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        S.restructure_preview(actor=tree.admin, operation=op)
        S.restructure_preview(actor=tree.admin, operation=op)  # asked twice before the worker came
    assert len(callbacks) == 2
    op.refresh_from_db()
    assert op.preview_state == PreviewState.DONE and actions(op).count("restructure.preview") == 1
    # an edit while queued: the task finds nothing to do
    with TestCase.captureOnCommitCallbacks(execute=True):
        S.restructure_preview(actor=tree.admin, operation=op)
        S.restructure_update(actor=tree.admin, operation=op, title="Hợp nhất (sửa)")
    op.refresh_from_db()
    assert (op.preview_state, op.preview, op.preview_key) == (PreviewState.NONE, None, "")
    # an edit while it runs: its result is dropped
    real = S.dry_run

    def edited_meanwhile(*, actor, operation, progress=None):
        result = real(actor=actor, operation=operation, progress=progress)
        RestructureOperation.objects.filter(pk=operation.pk).update(preview_state="", preview_key="")
        return result

    monkeypatch.setattr(S, "dry_run", edited_meanwhile)
    op = preview(tree.admin, op)
    assert (op.preview_state, op.preview) == (PreviewState.NONE, None)


# -- stale ------------------------------------------------------------------------------------------------------
def test_a_changed_draft_drops_its_preview(tree, cell_a2):
    op = preview(tree.admin, merge(tree, cell_a2))
    assert op.preview["ok"]
    op = S.restructure_update(actor=tree.admin, operation=op, spec={"sources": [cell_a2.pk],
                                                                    "target_id": tree.gcell_a2.pk})
    assert (op.preview_state, op.preview) == (PreviewState.NONE, None)
    with pytest.raises(DomainError, match="Hãy xem trước"):
        S.restructure_apply(actor=tree.admin, operation=op)


def test_a_preview_is_stale_once_the_tree_under_it_changes(tree, cell_a2):
    op = preview(tree.admin, merge(tree, cell_a2))
    assert Sel.preview_staleness(op) == ""
    # a change elsewhere (another commune) or a rename above does not matter
    OS.org_update(actor=tree.admin, org=tree.cell_b1, effective_on=D(2026, 2, 1), name="Chi bộ Thôn Bản Cắm Mới")
    OS.org_update(actor=tree.admin, org=tree.province, effective_on=D(2026, 2, 1), name="Đảng bộ tỉnh Lạng Sơn (mới)")
    assert Sel.preview_staleness(op) == ""
    # a change inside the operation's subtree does
    OS.org_update(actor=tree.admin, org=tree.gcell_a2, effective_on=D(2026, 2, 1), name="Chi bộ Trường Tiểu học Mới")
    stale = Sel.preview_staleness(op)
    assert "Chi bộ Trường Tiểu học Mới" in stale and "hãy xem trước lại" in stale
    with pytest.raises(DomainError, match="hãy xem trước lại") as exc:
        S.restructure_apply(actor=tree.admin, operation=op)
    assert exc.value.code == "preview_stale"
    # a fresh preview may be applied
    op = preview(tree.admin, op)
    assert Sel.preview_staleness(op) == ""
    with TestCase.captureOnCommitCallbacks(execute=True):
        S.restructure_apply(actor=tree.admin, operation=op)
    op.refresh_from_db()
    assert op.status == OperationStatus.APPLIED, op.error


def test_a_preview_is_stale_once_an_operation_over_its_orgs_is_applied_or_undone(tree, cell_a2):
    other = apply(tree.admin, "rename", {"org_id": tree.gcell_a2.pk, "name": "Chi bộ Trường Tiểu học Mới"},
                  on=D(2025, 12, 1), title="Đổi tên chi bộ trường")
    op = preview(tree.admin, merge(tree, cell_a2))
    assert Sel.preview_staleness(op) == ""
    S.restructure_undo(actor=tree.admin, operation=other, reason="Nhầm")  # its tree change is deleted
    assert Sel.preview_staleness(op) == "Sau lần xem trước, thao tác «Đổi tên chi bộ trường» đã được hoàn tác: " \
                                        "hãy xem trước lại."
    op = preview(tree.admin, op)
    assert Sel.preview_staleness(op) == ""
    moved = apply(tree.admin, "move", {"org_id": tree.gcell_a2.pk, "new_parent_id": tree.commune_b.pk},
                  on=D(2026, 1, 15), title="Chuyển chi bộ trường sang xã Cao Lộc")
    assert Sel.preview_staleness(op) == ("Sau lần xem trước, thao tác «Chuyển chi bộ trường sang xã Cao Lộc» đã "
                                         "được thực hiện: hãy xem trước lại.")
    S.restructure_undo(actor=tree.admin, operation=moved, reason="Nhầm")
    assert "«Chuyển chi bộ trường sang xã Cao Lộc» đã được hoàn tác" in Sel.preview_staleness(op)


def test_an_org_moved_out_of_the_subtree_makes_the_preview_stale(tree, cell_a2):
    op = preview(tree.admin, merge(tree, cell_a2))
    OS.org_move(actor=tree.admin, org=tree.gcell_a2, new_parent=tree.commune_b, effective_on=D(2026, 2, 1))
    assert "chuyển trực thuộc — Chi bộ Trường Tiểu học Đông Kinh" in Sel.preview_staleness(op)


def test_a_preview_from_before_the_background_previews_is_stale(tree, cell_a2):
    op = preview(tree.admin, merge(tree, cell_a2))
    RestructureOperation.objects.filter(pk=op.pk).update(preview_change_id=None)  # as the migration leaves it
    op.refresh_from_db()
    assert "hãy xem trước lại" in Sel.preview_staleness(op)
    with pytest.raises(DomainError, match="hãy xem trước lại"):
        S.restructure_apply(actor=tree.admin, operation=op)
