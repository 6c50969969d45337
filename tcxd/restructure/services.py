"""Writes of the restructure context. Each public function is one transaction that checks the scope, validates
(Vietnamese messages naming the rule), writes and leaves one audit row.

- ``restructure_draft`` / ``restructure_update``: an operation as a draft plan (kind, parameters, date,
  decision);
- ``restructure_preview``: queue a preview (background task, ``restructure_preview_run``): a dry run of the
  operation, rolled back: what moves, the counts, the warnings and the refusals, stored on the draft; stale
  once the tree changes under it (``selectors.preview_staleness``), and applying then asks for a fresh one;
- ``restructure_apply``: queue the operation (background task, ``restructure_run``) — one transaction with a
  decision number and an effective date; a failure leaves nothing;
- ``restructure_undo``: the last operation, while nothing newer depends on it;
- ``restructure_plan_save``: a restructuring plan (đề án) with its targets.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from tcxd.audit.services import audit_record
from tcxd.authz.guards import require_write
from tcxd.common.errors import DomainError, NotFound, ValidationFailed
from tcxd.common.fmt import fmt_date, fmt_int
from tcxd.members import reassign
from tcxd.orgs import restructuring as R
from tcxd.orgs.checks import org_warnings
from tcxd.orgs.kinds import OrgKind
from tcxd.orgs.models import CommitteeMember, Org, OrgChange
from tcxd.rules.selectors import param

from . import progress as P
from .engine import Outcome, Run
from .models import ClosedOrg, OperationKind, OperationStatus, PreviewState, RestructureOperation, RestructurePlan
from .selectors import preview_staleness, preview_state

log = logging.getLogger(__name__)
EDITABLE = (OperationStatus.DRAFT, OperationStatus.FAILED)
ID_KEYS = ("sources", "target_id", "parent_id", "source_id", "children_to_id", "members_to_id", "org_id",
           "new_parent_id", "root_id", "children")


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _today() -> dt.date:
    return timezone.localdate()


def spec_org_ids(spec) -> set[int]:
    """Every org id a spec names (not members)."""
    out: set[int] = set()
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in ID_KEYS:
                for v in value if isinstance(value, list) else [value]:
                    try:
                        out.add(int(v))
                    except (TypeError, ValueError):
                        pass
            elif isinstance(value, (dict, list)):
                out |= spec_org_ids(value)
    elif isinstance(spec, list):
        for item in spec:
            out |= spec_org_ids(item)
    return out


def _scope_org(actor, spec: dict) -> Org:
    """The deepest org above (or at) every org the spec names; the actor must be able to write there."""
    orgs = list(Org.objects.filter(pk__in=spec_org_ids(spec)))
    if not orgs:
        raise ValidationFailed({"spec": ["Chưa chọn tổ chức nào."]})
    for o in orgs:
        require_write(actor, o.path)
    paths = [o.path for o in orgs]
    common = paths[0]
    for p in paths[1:]:
        while not p.startswith(common):
            common = common[:-Org.steplen]
    return Org.objects.filter(path=common).first() or orgs[0]


def _validate(kind: str, title: str, spec, effective_on, decision_date, decision_no: str = "",
              decision_issuer: str = "") -> None:
    """Every problem of the draft's own fields at once (with "no org chosen" when the spec names none)."""
    errors: dict[str, list[str]] = {}
    if kind not in OperationKind.values:
        errors["kind"] = ["Chọn loại sắp xếp: " + "; ".join(label for _v, label in OperationKind.choices) + "."]
    if not (title or "").strip() or len(title) > 255:
        errors["title"] = ["Chưa nhập nội dung thao tác (tối đa 255 ký tự)."]
    if not isinstance(spec, dict):
        errors["spec"] = ["Tham số sắp xếp không hợp lệ."]
    elif not Org.objects.filter(pk__in=spec_org_ids(spec)).exists():
        errors["spec"] = ["Chưa chọn tổ chức nào."]
    if effective_on is not None and effective_on > _today():
        errors["effective_on"] = [f"Ngày hiệu lực {fmt_date(effective_on)} ở tương lai: chỉ thực hiện sắp xếp đã có "
                                  "quyết định và hiệu lực."]
    if decision_date is not None and decision_date > _today():
        errors["decision_date"] = ["Ngày quyết định ở tương lai."]
    if len((decision_no or "").strip()) > 60:
        errors["decision_no"] = ["Số quyết định tối đa 60 ký tự."]
    if len((decision_issuer or "").strip()) > 255:
        errors["decision_issuer"] = ["Cơ quan ban hành tối đa 255 ký tự."]
    if errors:
        raise ValidationFailed(errors)


def _snapshot(op: RestructureOperation) -> dict:
    return {"kind": op.kind, "title": op.title, "spec": op.spec, "effective_on": op.effective_on,
            "decision_no": op.decision_no, "decision_date": op.decision_date, "status": op.status}


@transaction.atomic
def restructure_draft(*, actor, kind: str, title: str, spec: dict, effective_on: dt.date | None = None,
                      decision_no: str = "", decision_date: dt.date | None = None, decision_issuer: str = "",
                      note: str = "", plan: RestructurePlan | None = None) -> RestructureOperation:
    """A new operation, as a draft."""
    _validate(kind, title, spec, effective_on, decision_date, decision_no, decision_issuer)
    scope = _scope_org(actor, spec)
    if plan is not None:
        require_write(actor, plan.org.path)
    op = RestructureOperation.objects.create(
        kind=kind, title=title.strip(), spec=spec, scope_org=scope, plan=plan, effective_on=effective_on,
        decision_no=decision_no.strip(), decision_date=decision_date, decision_issuer=decision_issuer.strip(),
        note=note.strip(), created_by=_user(actor))
    audit_record(actor=actor, action="restructure.draft", obj=op, after=_snapshot(op), org=scope)
    return op


@transaction.atomic
def restructure_update(*, actor, operation: RestructureOperation, **fields) -> RestructureOperation:
    """Change a draft (or a failed operation, to try again); its preview is dropped."""
    op = RestructureOperation.objects.select_for_update().get(pk=operation.pk)
    require_write(actor, op.scope_org.path)
    if op.status not in EDITABLE:
        raise DomainError("not_draft", f"Thao tác đang ở trạng thái «{op.get_status_display()}»: không sửa được.")
    allowed = {"title", "spec", "effective_on", "decision_no", "decision_date", "decision_issuer", "note", "plan"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError("unknown_field", f"Không sửa được: {', '.join(sorted(unknown))}.")
    before = _snapshot(op)
    for k, v in fields.items():
        setattr(op, k, v.strip() if isinstance(v, str) else v)
    _validate(op.kind, op.title, op.spec, op.effective_on, op.decision_date, op.decision_no, op.decision_issuer)
    op.scope_org = _scope_org(actor, op.spec)
    if op.plan_id:
        require_write(actor, op.plan.org.path)
    op.preview, op.previewed_at, op.status, op.error = None, None, OperationStatus.DRAFT, ""
    op.preview_state, op.preview_key, op.preview_change_id = PreviewState.NONE, "", None
    op.save()
    audit_record(actor=actor, action="restructure.update", obj=op, before=before, after=_snapshot(op),
                 org=op.scope_org)
    return op


# -- preview --------------------------------------------------------------------------------------------------
class _Rollback(Exception):
    pass


def _names(ids) -> dict[int, str]:
    return dict(Org.objects.filter(pk__in=list(ids)).values_list("id", "name"))


def _warnings(run: Run, outcome: Outcome) -> list[dict]:
    """What the operation leaves to do (inside the dry run, after it)."""
    day = run.day
    out: list[dict] = list(getattr(outcome, "warnings", []))  # an operation's own (the 2025 reform's)
    codes = {"cell_below_minimum", "grassroots_cell_too_big", "cell_committee_without_quorum"}
    for pk in outcome.successors:
        org = Org.objects.get(pk=pk)
        for w in org_warnings(org=org, day=max(day, _today()), only_self=True):
            if w.code in codes:
                out.append({"code": w.code, "org": w.org_name, "message": w.message, "rule": w.rule})
    for pk in outcome.founded:
        org = Org.objects.get(pk=pk)
        if org.kind != OrgKind.GROUP:
            out.append({"code": "committee_to_form", "org": org.name,
                        "message": f"{org.name} mới thành lập: cấp ủy cấp trên chỉ định cấp ủy lâm thời và tổ chức "
                                   "đại hội nhiệm kỳ đầu.", "rule": "Điều lệ Đảng, Điều 13; QĐ 294-QĐ/TW"})
    seats = (CommitteeMember.objects.filter(org_id__in=outcome.closed, from_date__lte=day)
             .exclude(to_date__lt=day).values_list("org__name").order_by())
    counted: dict[str, int] = {}
    for (name,) in seats:
        counted[name] = counted.get(name, 0) + 1
    for name, n in sorted(counted.items()):
        out.append({"code": "committee_ends", "org": name,
                    "message": f"Cấp ủy {name} ({fmt_int(n)} đồng chí) kết thúc nhiệm vụ khi tổ chức chấm dứt hoạt "
                               "động: cần kiện toàn cấp ủy của tổ chức kế thừa.",
                    "rule": "Điều lệ Đảng, Điều 13; QĐ 294-QĐ/TW"})
    if run.op.kind == OperationKind.RETYPE:
        org = Org.objects.get(pk=outcome.edited[0])
        head = getattr(org, "headcount", None)
        total = head.total if head else 0
        big = int(param("org.grassroots_party_committee_min_members", on=day))
        if org.kind == OrgKind.GRASSROOTS_COMMITTEE and total < big:
            out.append({"code": "committee_too_small", "org": org.name,
                        "message": f"{org.name} có {fmt_int(total)} đảng viên, dưới {big}: đảng bộ cơ sở cần từ {big} "
                                   "đảng viên trở lên (trừ trường hợp đặc thù do cấp ủy cấp trên quyết định).",
                        "rule": "Điều lệ Đảng, Điều 21"})
    return out


def _errors_of(exc: DomainError) -> list[str]:
    if isinstance(exc, ValidationFailed):
        return [m for messages in exc.errors.values() for m in messages]
    return [str(exc)]


def _describe(outcome: Outcome) -> dict:
    names = _names({*outcome.founded, *outcome.closed, *outcome.edited, *outcome.members_by_source,
                    *outcome.successors})
    return {**outcome.as_json(),
            "founded_names": [names.get(i, "") for i in outcome.founded],
            "closed_names": [names.get(i, "") for i in outcome.closed],
            "successor_names": [names.get(i, "") for i in outcome.successors],
            "members_by_source_named": [{"org": names.get(k, ""), "members": v}
                                        for k, v in outcome.members_by_source.items()],
            "moves": outcome.moves[:500], "moves_total": len(outcome.moves)}


def dry_run(*, actor, operation: RestructureOperation, progress=None) -> dict:
    """Apply inside a transaction that is rolled back; what it did, or why it was refused. ``progress`` (label,
    done, total) hears the engine's phases."""
    report = progress or (lambda label, done, total: None)
    result: dict = {}
    try:
        with transaction.atomic():
            if operation.effective_on is None:
                raise ValidationFailed({"effective_on": ["Chưa nhập ngày hiệu lực."]})
            run = Run(actor=actor, operation=operation, progress=report)
            outcome = run.run()
            report("Kiểm tra cảnh báo sau sắp xếp", 0, 1)
            result = {"ok": True, "errors": [], "outcome": _describe(outcome), "warnings": _warnings(run, outcome)}
            report("Hủy bỏ lần chạy thử (không ghi gì)", 1, 1)
            raise _Rollback
    except _Rollback:
        pass
    except DomainError as exc:
        result = {"ok": False, "errors": _errors_of(exc), "outcome": None, "warnings": [],
                  "field_errors": dict(exc.errors) if isinstance(exc, ValidationFailed) else {}}
    return result


@transaction.atomic
def restructure_preview(*, actor, operation: RestructureOperation) -> RestructureOperation:
    """Ask for a preview of a draft: queued (once this transaction commits) as a background task
    (``restructure_preview_run``: a dry run, rolled back, its result stored on the draft). The previous result
    is dropped; a preview still queued is replaced by this one."""
    op = RestructureOperation.objects.select_for_update().get(pk=operation.pk)
    require_write(actor, op.scope_org.path)
    if op.status not in EDITABLE:
        raise DomainError("not_draft", f"Thao tác đang ở trạng thái «{op.get_status_display()}»: không xem trước lại.")
    if op.preview_state == PreviewState.RUNNING and P.preview_alive(op.pk):
        raise DomainError("previewing", "Thao tác đang được xem trước: chờ lần xem trước này xong.")
    op.preview, op.previewed_at, op.preview_change_id = None, None, None
    op.preview_state, op.preview_key = PreviewState.QUEUED, uuid.uuid4().hex
    op.preview_by, op.preview_requested_at = _user(actor), timezone.now()
    op.save(update_fields=["preview", "previewed_at", "preview_change_id", "preview_state", "preview_key",
                           "preview_by", "preview_requested_at"])
    audit_record(actor=actor, action="restructure.preview_queue", obj=op, org=op.scope_org, after=_snapshot(op))
    P.report(op.pk, "Đang chờ xem trước", 0, 1)
    from .tasks import preview_operation

    pk, key = op.pk, op.preview_key
    transaction.on_commit(lambda: preview_operation.enqueue(pk, key))
    return op


def restructure_preview_run(operation_id: int, key: str) -> RestructureOperation:
    """The preview task's body: the dry run of the draft as it was asked for (``key``), its result or its
    refusals stored on the draft. A request that was replaced (a newer preview, a changed draft) does nothing
    or drops its result; a crash stores "interrupted" (and nothing stays: the dry run is rolled back anyway)."""
    with P.preview_running(operation_id):
        claimed = (RestructureOperation.objects.filter(pk=operation_id, preview_key=key,
                                                       preview_state=PreviewState.QUEUED)
                   .update(preview_state=PreviewState.RUNNING))
        if not claimed:
            return RestructureOperation.objects.get(pk=operation_id)
        op = RestructureOperation.objects.select_related("scope_org", "preview_by").get(pk=operation_id)
        actor = op.preview_by
        mark = OrgChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
        P.report(op.pk, "Đang xem trước", 0, 1)
        result, state = None, PreviewState.INTERRUPTED
        try:
            result = dry_run(actor=actor, operation=op, progress=lambda label, done, total: P.report(
                operation_id, label, done, total))
            state = PreviewState.DONE
        except Exception:  # noqa: BLE001 — the preview must end, never stay "running"
            log.exception("restructure preview %s failed", operation_id)
        finally:  # also when the worker is told to stop mid-way (SystemExit): the page offers to run it again
            with transaction.atomic():
                op = RestructureOperation.objects.select_for_update().select_related("scope_org").get(
                    pk=operation_id)
                if op.preview_key == key and op.preview_state == PreviewState.RUNNING:
                    op.preview_state = state
                    op.preview, op.previewed_at = result, timezone.now() if result is not None else None
                    op.preview_change_id = mark if result is not None else None
                    op.save(update_fields=["preview_state", "preview", "previewed_at", "preview_change_id"])
                    audit_record(actor=actor, action="restructure.preview", obj=op, org=op.scope_org,
                                 after={"state": state, "ok": bool(result and result["ok"]),
                                        "errors": (result or {}).get("errors", [])[:20]})
            P.clear(operation_id)
    return op


# -- apply ----------------------------------------------------------------------------------------------------
@transaction.atomic
def restructure_apply(*, actor, operation: RestructureOperation) -> RestructureOperation:
    """Queue a previewed draft for applying (``restructure_run`` in the background)."""
    op = RestructureOperation.objects.select_for_update().get(pk=operation.pk)
    require_write(actor, op.scope_org.path)
    errors: dict[str, list[str]] = {}
    if op.status not in EDITABLE:
        raise DomainError("not_draft", f"Thao tác đang ở trạng thái «{op.get_status_display()}».")
    if not op.decision_no:
        errors["decision_no"] = ["Chưa nhập số quyết định sắp xếp: thao tác chỉ thực hiện theo quyết định của cấp có "
                                 "thẩm quyền."]
    if op.effective_on is None:
        errors["effective_on"] = ["Chưa nhập ngày hiệu lực."]
    if errors:
        raise ValidationFailed(errors)
    if preview_state(op) in (PreviewState.QUEUED, PreviewState.RUNNING):  # (a killed worker's: not running)
        raise DomainError("previewing", "Thao tác đang được xem trước: chờ kết quả xem trước rồi thực hiện.")
    if op.preview_state != PreviewState.DONE or not op.preview or not op.preview.get("ok"):
        raise DomainError("not_previewed", "Hãy xem trước thao tác (và xử lý các lỗi) trước khi thực hiện.")
    stale = preview_staleness(op)
    if stale:
        raise DomainError("preview_stale", stale)
    op.status, op.error = OperationStatus.QUEUED, ""
    op.applied_by = _user(actor)
    op.save(update_fields=["status", "error", "applied_by"])
    audit_record(actor=actor, action="restructure.queue", obj=op, org=op.scope_org, after=_snapshot(op))
    P.report(op.pk, "Đang chờ thực hiện", 0, 1)
    from .tasks import run_operation

    transaction.on_commit(lambda: _enqueue(run_operation, op.pk))
    return op


def _enqueue(task, pk: int) -> None:
    result = task.enqueue(pk)
    RestructureOperation.objects.filter(pk=pk).exclude(task_id__gt="").update(task_id=str(result.id)[:64])


def restructure_run(operation_id: int) -> RestructureOperation:
    """The background task's body: the operation in one transaction, or nothing and the reason."""
    op = RestructureOperation.objects.get(pk=operation_id)
    if op.status != OperationStatus.QUEUED:
        return op
    RestructureOperation.objects.filter(pk=op.pk).update(status=OperationStatus.RUNNING)
    actor = op.applied_by
    try:
        with transaction.atomic():
            op = RestructureOperation.objects.select_for_update().get(pk=operation_id)
            run = Run(actor=actor, operation=op, progress=lambda label, done, total: P.report(op.pk, label, done,
                                                                                              total))
            outcome = run.run()
            op.journal = run.journal.as_json()
            op.result = _describe(outcome)
            op.last_change_id = OrgChange.objects.order_by("-id").values_list("id", flat=True).first()
            op.status, op.applied_at, op.error = OperationStatus.APPLIED, timezone.now(), ""
            op.save()
            ClosedOrg.objects.bulk_create([ClosedOrg(operation=op, org_id=pk, kind=op.kind,
                                                     effective_on=op.effective_on) for pk in outcome.closed])
            audit_record(actor=actor, action="restructure.apply", obj=op, org=op.scope_org,
                         after={**_snapshot(op), "closed": len(outcome.closed), "founded": len(outcome.founded),
                                "moves": len(outcome.moves), "members_moved": outcome.members_moved})
    except DomainError as exc:
        message = "; ".join(_errors_of(exc))
        RestructureOperation.objects.filter(pk=operation_id).update(status=OperationStatus.FAILED, error=message)
        op.refresh_from_db()
    except Exception as exc:  # noqa: BLE001 — the operation must end FAILED, never stuck RUNNING
        log.exception("restructure operation %s failed", operation_id)
        RestructureOperation.objects.filter(pk=operation_id).update(
            status=OperationStatus.FAILED,
            error=f"Lỗi hệ thống khi thực hiện; không có thay đổi nào được ghi ({exc.__class__.__name__}).")
        op.refresh_from_db()
    P.clear(operation_id)
    return op


# -- undo -----------------------------------------------------------------------------------------------------
@transaction.atomic
def restructure_undo(*, actor, operation: RestructureOperation, reason: str) -> RestructureOperation:
    """Undo an applied operation: the latest applied, with nothing newer recorded on what it touched."""
    op = RestructureOperation.objects.select_for_update().get(pk=operation.pk)
    require_write(actor, op.scope_org.path)
    if op.status != OperationStatus.APPLIED:
        raise DomainError("not_applied",
                          f"Thao tác đang ở trạng thái «{op.get_status_display()}»: không hoàn tác được.")
    if not (reason or "").strip():
        raise ValidationFailed({"reason": ["Chưa nhập lý do hoàn tác."]}, message="Chưa nhập lý do hoàn tác.")
    later = RestructureOperation.objects.filter(status=OperationStatus.APPLIED, applied_at__gt=op.applied_at).first()
    if later:
        raise DomainError("newer_operation",
                          f"Đã có thao tác sắp xếp thực hiện sau («{later.title}»): hoàn tác thao tác đó trước.")
    journal = R.Journal.from_json(op.journal)
    newer = R.newer_changes(journal, op.last_change_id or 0)
    if newer:
        c = newer[0]
        raise DomainError("newer_changes", f"Sau thao tác này đã ghi nhận thay đổi khác ({c.get_kind_display()} — "
                                           f"{c.org.name}, hiệu lực {fmt_date(c.effective_on)}): không hoàn tác được.")
    # the voided moves into orgs this operation founded go with those orgs (the audit keeps the trace)
    reassign.members_reassign_undo(actor=actor, operation_id=op.pk, reason=reason.strip(), forget_orgs=journal.created)
    # operations listed under an org this one founded are listed under its parent from now on
    for org in Org.objects.filter(pk__in=journal.created):
        parent = Org.objects.filter(path=org.path[:-Org.steplen]).first()
        RestructureOperation.objects.filter(scope_org=org).update(scope_org=parent)
    try:
        with transaction.atomic():
            R.journal_undo(journal, last_change_id=op.last_change_id or 0, operation_id=op.pk)
    except ProtectedError:
        raise DomainError("newer_records", "Tổ chức được thành lập theo thao tác này đã có hồ sơ khác (đại hội, cấp "
                                           "ủy, đảng viên, quyết định cán bộ…) ghi nhận sau: không hoàn tác được.")
    ClosedOrg.objects.filter(operation=op).delete()
    op.status, op.undone_at, op.undone_by, op.undo_reason = (OperationStatus.UNDONE, timezone.now(), _user(actor),
                                                             reason.strip())
    op.save(update_fields=["status", "undone_at", "undone_by", "undo_reason"])
    audit_record(actor=actor, action="restructure.undo", obj=op, org=op.scope_org, note=reason.strip(),
                 after=_snapshot(op))
    return op


# -- plans ----------------------------------------------------------------------------------------------------
@transaction.atomic
def restructure_plan_save(*, actor, org: Org, code: str, title: str, start_on: dt.date | None,
                          deadline: dt.date | None, target_reduced: int = 0, target_merged: int = 0,
                          target_dissolved: int = 0, decision_no: str = "", decision_date: dt.date | None = None,
                          note: str = "", plan: RestructurePlan | None = None) -> RestructurePlan:
    """Create or change a restructuring plan (đề án sắp xếp) of ``org`` with its targets."""
    require_write(actor, org.path)
    errors: dict[str, list[str]] = {}
    code, title = (code or "").strip(), (title or "").strip()
    if not code or len(code) > 60:
        errors["code"] = ["Chưa nhập số hiệu đề án (tối đa 60 ký tự)."]
    elif RestructurePlan.objects.filter(org=org, code=code).exclude(pk=getattr(plan, "pk", None)).exists():
        errors["code"] = [f"{org.name} đã có đề án số hiệu “{code}”."]
    if not title or len(title) > 255:
        errors["title"] = ["Chưa nhập tên đề án (tối đa 255 ký tự)."]
    if start_on is None:
        errors["start_on"] = ["Chưa nhập ngày bắt đầu."]
    if deadline is None:
        errors["deadline"] = ["Chưa nhập hạn hoàn thành."]
    elif start_on is not None and deadline < start_on:
        errors["deadline"] = ["Hạn hoàn thành phải sau ngày bắt đầu."]
    for key, value in (("target_reduced", target_reduced), ("target_merged", target_merged),
                       ("target_dissolved", target_dissolved)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[key] = ["Chỉ tiêu là số nguyên không âm."]
    if not errors and not (target_reduced or target_merged or target_dissolved):
        errors["target_reduced"] = ["Đề án cần ít nhất một chỉ tiêu (số đầu mối giảm, hợp nhất hoặc giải thể)."]
    if errors:
        raise ValidationFailed(errors)
    if plan is not None:
        plan = RestructurePlan.objects.select_for_update().get(pk=plan.pk)
        if plan.org_id != org.pk:
            raise NotFound()
    before = None
    if plan is None:
        plan = RestructurePlan(org=org, created_by=_user(actor))
    else:
        before = {"code": plan.code, "title": plan.title, "targets": [plan.target_reduced, plan.target_merged,
                                                                         plan.target_dissolved]}
    plan.code, plan.title, plan.start_on, plan.deadline = code, title, start_on, deadline
    plan.target_reduced, plan.target_merged, plan.target_dissolved = target_reduced, target_merged, target_dissolved
    plan.decision_no, plan.decision_date, plan.note = decision_no.strip(), decision_date, note.strip()
    plan.save()
    audit_record(actor=actor, action="restructure.plan", obj=plan, org=org, before=before,
                 after={"code": plan.code, "title": plan.title,
                        "targets": [plan.target_reduced, plan.target_merged, plan.target_dissolved]})
    return plan
