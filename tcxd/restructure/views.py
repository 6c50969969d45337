"""Pages of the restructuring of the apparatus (sắp xếp tổ chức): the operations in scope with filters, a new or
changed draft (a form per kind), an operation (its parameters in words, the preview, apply with a confirm and a
progress bar that polls, undo with a reason), and the plans (đề án) with their progress by date. Thin: parse,
call one selector or service, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from tcxd.authz.guards import require_write_role
from tcxd.authz.scope import can_write, scope_for
from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.common.fmt import fmt_date, parse_date
from tcxd.common.forms import apply_domain_error

from . import queries as Q
from . import selectors as Sel
from . import services as S
from .forms import FORM_KINDS, KIND_HELP, OperationForm, PlanForm, UndoForm, initial_from
from .models import OperationKind, OperationStatus, PreviewState

PAGE_SIZE = 25
MOVES_PAGE = 50
REFRESH_BUTTONS = {"source", "part", "load"}


def _problems(exc: DomainError) -> list[str]:
    if isinstance(exc, ValidationFailed):
        return [m for ms in exc.errors.values() for m in ms]
    return [exc.message]


def _detail_url(op) -> str:
    return reverse("restructure:detail", args=[op.pk])


def _writable(request, pk):
    op = Sel.operation_get(actor=request.user, pk=pk)
    require_write_role(request.user)
    return op


# -- the list ------------------------------------------------------------------------------------------------
@login_required
def operation_list(request):
    """Sắp xếp tổ chức: the operations in scope, filtered by status, kind and text (content, decision number)."""
    problems: list[str] = []
    status = request.GET.get("trang_thai", "").strip()
    if status and status not in OperationStatus.values:
        problems.append(f"Trạng thái “{status}” không có; đang hiện mọi trạng thái.")
        status = ""
    kind = request.GET.get("loai", "").strip()
    if kind and kind not in OperationKind.values:
        problems.append(f"Loại sắp xếp “{kind}” không có; đang hiện mọi loại.")
        kind = ""
    text = request.GET.get("q", "").strip()[:100]
    qs = Sel.operation_list(actor=request.user, status=status, kind=kind, q=text)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    query = urlencode({k: v for k, v in {"trang_thai": status, "loai": kind, "q": text}.items() if v})
    return render(request, "restructure/list.html", {
        "page": page, "status": status, "kind": kind, "q": text, "query": query, "problems": problems,
        "statuses": OperationStatus.choices, "kinds": OperationKind.choices,
        "can_write": scope_for(request.user).can_write})


@login_required
@require_GET
def org_suggest(request):
    """htmx fragment: up to 12 active orgs in scope matching what was typed (``ten`` names the parameter that
    holds the text, ``o`` the id of the input to fill)."""
    text = (request.GET.get(request.GET.get("ten", "q"), "") or "").strip()[:100]
    picked = Q.SEPARATOR in text
    rows = Q.org_suggestions(actor=request.user, text=text) if len(text) >= 2 and not picked else []
    return render(request, "restructure/_org_suggestions.html", {
        "rows": rows, "target": request.GET.get("o", "")[:80], "typed": text, "picked": picked,
        "too_short": 0 < len(text) < 2})


# -- a draft ---------------------------------------------------------------------------------------------------
def _form_page(request, *, form, kind, operation=None):
    return render(request, "restructure/form.html", {
        "form": form, "kind": kind, "kind_label": OperationKind(kind).label, "kind_help": KIND_HELP[kind],
        "operation": operation})


@login_required
@require_http_methods(["GET", "POST"])
def operation_create(request):
    """A new operation: choose its kind (?loai=), then its form; saved as a draft."""
    require_write_role(request.user)
    kind = request.GET.get("loai", "").strip()
    if kind not in FORM_KINDS:
        problems = [f"Loại sắp xếp “{kind}” không lập được trên trang này: hãy chọn một loại dưới đây."] if kind else []
        return render(request, "restructure/choose_kind.html", {
            "kinds": [(value, OperationKind(value).label, KIND_HELP[value]) for value in FORM_KINDS],
            "problems": problems})
    plans = Q.plans_for_choice(actor=request.user)
    more = request.POST.get("them", "") if request.method == "POST" else ""
    form = OperationForm(request.POST if request.method == "POST" else None, kind=kind, actor=request.user,
                         plans=plans, more=more)
    if request.method == "POST" and more not in REFRESH_BUTTONS and form.is_valid():
        try:
            op = S.restructure_draft(actor=request.user, kind=kind,
                                     **form.service_fields({p.pk: p for p in plans}))
        except DomainError as exc:
            form.show_refusal(exc)
        else:
            messages.success(request, "Đã lưu dự thảo thao tác sắp xếp. Hãy xem trước trước khi thực hiện.")
            return redirect(_detail_url(op))
    return _form_page(request, form=form, kind=kind)


@login_required
@require_http_methods(["GET", "POST"])
def operation_edit(request, pk):
    op = _writable(request, pk)
    if op.status not in S.EDITABLE:
        messages.warning(request, f"Thao tác đang ở trạng thái «{op.get_status_display()}»: không sửa được.")
        return redirect(_detail_url(op))
    if op.kind not in FORM_KINDS:
        messages.warning(request, f"Thao tác loại «{op.get_kind_display()}» không sửa trên trang này (dùng API).")
        return redirect(_detail_url(op))
    plans = Q.plans_for_choice(actor=request.user)
    if op.plan_id and op.plan not in plans:
        plans.append(op.plan)
    initial, sources, parts = initial_from(op)
    more = request.POST.get("them", "") if request.method == "POST" else ""
    form = OperationForm(request.POST if request.method == "POST" else None, kind=op.kind, actor=request.user,
                         plans=plans, initial=initial, sources=sources, parts=parts, more=more)
    if request.method == "POST" and more not in REFRESH_BUTTONS and form.is_valid():
        try:
            S.restructure_update(actor=request.user, operation=op, **form.service_fields({p.pk: p for p in plans}))
        except DomainError as exc:
            form.show_refusal(exc)
        else:
            messages.success(request, "Đã lưu thay đổi; kết quả xem trước cũ đã bỏ: hãy xem trước lại.")
            return redirect(_detail_url(op))
    return _form_page(request, form=form, kind=op.kind, operation=op)


# -- one operation -----------------------------------------------------------------------------------------------
def _outcome_context(request, outcome: dict | None) -> dict:
    if not outcome:
        return {}
    moves = outcome.get("moves") or []
    return {"moves": Paginator(moves, MOVES_PAGE).get_page(request.GET.get("trang")),
            "moves_total": outcome.get("moves_total", len(moves))}


@login_required
def operation_detail(request, pk):
    op = Sel.operation_get(actor=request.user, pk=pk)
    writable = can_write(request.user, op.scope_org.path)
    editable = op.status in S.EDITABLE
    progress = Sel.operation_progress(actor=request.user, operation=op)
    preview_state = progress["preview_state"]
    preview = op.preview if editable and preview_state == PreviewState.DONE else None
    stale = Sel.preview_staleness(op) if preview else ""
    shown = (op.result if op.status in (OperationStatus.APPLIED, OperationStatus.UNDONE)
             else preview and preview.get("outcome"))
    return render(request, "restructure/detail.html", {
        "op": op, "lines": Q.describe(op), "can_write": writable, "editable": editable,
        "has_form": op.kind in FORM_KINDS,
        "preview": preview, "outcome": shown, **_outcome_context(request, shown), "stale": stale,
        "preview_state": preview_state, "previewing": editable and preview_state in Sel.PREVIEWING,
        "interrupted": editable and preview_state == PreviewState.INTERRUPTED,
        "can_apply": bool(preview and preview.get("ok")) and editable and not stale,
        "undoable": writable and Sel.undoable(op),
        "running": not progress["finished"], "progress": progress})


@login_required
def operation_progress(request, pk):
    """htmx fragment polled every second while the operation, or its preview, is queued or running; once it has
    finished, the page is reloaded (it then shows the result, the preview or the error)."""
    op = Sel.operation_get(actor=request.user, pk=pk)
    progress = Sel.operation_progress(actor=request.user, operation=op)
    if progress["finished"] and request.htmx:
        return HttpResponseClientRefresh()
    return render(request, "restructure/_progress.html", {"op": op, "progress": progress})


def _confirm(request, op, *, template: str, extra: dict | None = None):
    return render(request, template, {"op": op, "lines": Q.describe(op), **(extra or {})})


@login_required
@require_http_methods(["GET", "POST"])
def operation_preview(request, pk):
    """Xem trước: a dry run of the draft (nothing stays), its result stored on the draft."""
    op = _writable(request, pk)
    problems: list[str] = []
    if request.method == "POST":
        try:
            op = S.restructure_preview(actor=request.user, operation=op)
        except DomainError as exc:
            problems = _problems(exc)
        else:
            op.refresh_from_db()
            if op.preview_state != PreviewState.DONE:
                messages.success(request, "Đã đưa việc xem trước vào hàng đợi chạy nền; trang tự cập nhật tiến độ "
                                          "và hiện kết quả khi xong.")
            elif op.preview.get("ok"):
                messages.success(request, "Xem trước: thao tác thực hiện được. Xem lại các thay đổi và cảnh báo "
                                          "dưới đây trước khi thực hiện.")
            else:
                messages.error(request, "Xem trước: thao tác chưa thực hiện được — xem các lỗi dưới đây.")
            return redirect(_detail_url(op) + "#xem-truoc")
    elif op.status not in S.EDITABLE:
        problems = [f"Thao tác đang ở trạng thái «{op.get_status_display()}»: không xem trước lại."]
    return _confirm(request, op, template="restructure/confirm.html", extra={
        "title": "Xem trước thao tác", "button": "Xem trước", "problems": problems, "action": "preview",
        "text": "Thao tác được chạy thử (chạy nền, có thanh tiến độ) trong một giao dịch rồi hủy bỏ: không có gì "
                "thay đổi. Kết quả (tổ chức thành lập, chấm dứt, chuyển trực thuộc, đảng viên chuyển sinh hoạt, "
                "cảnh báo, lỗi) được lưu cùng dự thảo.",
        "disabled": op.status not in S.EDITABLE})


@login_required
@require_http_methods(["GET", "POST"])
def operation_apply(request, pk):
    """Thực hiện: a confirm page (decision and date), then the operation is queued."""
    op = _writable(request, pk)
    problems: list[str] = []
    if request.method == "POST":
        try:
            op = S.restructure_apply(actor=request.user, operation=op)
        except DomainError as exc:
            problems = _problems(exc)
        else:
            op.refresh_from_db()
            if op.status == OperationStatus.APPLIED:
                messages.success(request, "Đã thực hiện thao tác sắp xếp.")
            elif op.status == OperationStatus.FAILED:
                messages.error(request, "Không thực hiện được thao tác sắp xếp; không có thay đổi nào được ghi.")
            else:
                messages.success(request, "Đã đưa thao tác vào hàng đợi thực hiện; trang tự cập nhật tiến độ.")
            return redirect(_detail_url(op))
    else:
        if op.status not in S.EDITABLE:
            problems.append(f"Thao tác đang ở trạng thái «{op.get_status_display()}»: không thực hiện lại được.")
        elif Sel.preview_state(op) in Sel.PREVIEWING:
            problems.append("Thao tác đang được xem trước: chờ kết quả xem trước rồi thực hiện.")
        elif op.preview_state != PreviewState.DONE or not op.preview:
            problems.append("Chưa xem trước thao tác: hãy xem trước (và xử lý các lỗi) trước khi thực hiện.")
        elif not op.preview.get("ok"):
            problems += ["Xem trước còn lỗi: " + e for e in op.preview.get("errors", [])]
        elif stale := Sel.preview_staleness(op):
            problems.append(stale)
        if not op.decision_no:
            problems.append("Chưa nhập số quyết định sắp xếp: thao tác chỉ thực hiện theo quyết định của cấp có "
                            "thẩm quyền.")
    return _confirm(request, op, template="restructure/confirm.html", extra={
        "title": "Thực hiện thao tác sắp xếp", "button": "Thực hiện", "problems": problems, "action": "apply",
        "text": "Thao tác được thực hiện trong một giao dịch, theo quyết định và ngày hiệu lực dưới đây: tổ chức, "
                "lịch sử tổ chức và đảng viên được cập nhật cùng lúc; nếu có lỗi thì không có thay đổi nào được "
                "ghi. Chỉ hoàn tác được khi chưa có thay đổi nào mới hơn.",
        "disabled": bool(problems) and request.method == "GET"})


@login_required
@require_http_methods(["GET", "POST"])
def operation_undo(request, pk):
    """Hoàn tác: the latest applied operation, with a reason."""
    op = _writable(request, pk)
    form = UndoForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            op = S.restructure_undo(actor=request.user, operation=op, reason=form.cleaned_data["reason"])
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        except DomainError as exc:
            problems = [exc.message]
        else:
            messages.success(request, "Đã hoàn tác thao tác sắp xếp: tổ chức và đảng viên trở lại như trước.")
            return redirect(_detail_url(op))
    elif request.method == "GET" and not Sel.undoable(op):
        problems.append("Chỉ hoàn tác được thao tác đã thực hiện gần nhất." if op.status == OperationStatus.APPLIED
                        else f"Thao tác đang ở trạng thái «{op.get_status_display()}»: không hoàn tác được.")
    return _confirm(request, op, template="restructure/confirm.html", extra={
        "title": "Hoàn tác thao tác sắp xếp", "button": "Hoàn tác", "problems": problems, "action": "undo",
        "form": form, "disabled": bool(problems) and request.method == "GET",
        "text": "Tổ chức, lịch sử tổ chức và sinh hoạt đảng của đảng viên trở lại như trước thao tác; sự kiện "
                "chuyển sinh hoạt theo sắp xếp được hủy (vẫn lưu trong lịch sử, kèm lý do)."})


# -- plans -------------------------------------------------------------------------------------------------------
@login_required
def plan_list(request):
    page = Paginator(Sel.plan_list(actor=request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "restructure/plans.html", {"page": page,
                                                      "can_write": scope_for(request.user).can_write})


def _plan_fields(form) -> dict:
    cd = form.cleaned_data
    return {k: cd[k] for k in ("code", "title", "start_on", "deadline", "target_reduced", "target_merged",
                               "target_dissolved", "decision_no", "decision_date", "note")}


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    require_write_role(request.user)
    roots = Q.scope_roots(actor=request.user)
    form = PlanForm(request.POST or None, actor=request.user,
                    initial={"org": roots[0] if len(roots) == 1 else None})
    if request.method == "POST" and form.is_valid():
        try:
            plan = S.restructure_plan_save(actor=request.user, org=form.cleaned_data["org"], **_plan_fields(form))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã lưu đề án {plan.code}.")
            return redirect("restructure:plan_detail", pk=plan.pk)
    return render(request, "restructure/plan_form.html", {"form": form, "plan": None})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = Sel.plan_get(actor=request.user, pk=pk)
    require_write_role(request.user)
    initial = {k: getattr(plan, k) for k in ("code", "title", "start_on", "deadline", "decision_no",
                                             "decision_date", "note")}
    initial.update({k: str(getattr(plan, k)) for k in ("target_reduced", "target_merged", "target_dissolved")})
    form = PlanForm(request.POST or None, actor=request.user, fixed_org=plan.org, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            S.restructure_plan_save(actor=request.user, org=plan.org, plan=plan, **_plan_fields(form))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã lưu đề án {plan.code}.")
            return redirect("restructure:plan_detail", pk=plan.pk)
    return render(request, "restructure/plan_form.html", {"form": form, "plan": plan})


@login_required
def plan_detail(request, pk):
    plan = Sel.plan_get(actor=request.user, pk=pk)
    today = timezone.localdate()
    raw = request.GET.get("ngay", "").strip()
    day, problems = today, []
    if raw:
        try:
            day = parse_date(raw)
        except ValueError as exc:
            problems.append(f"{exc} Đang tính tiến độ đến hôm nay.")
    page = Paginator(Q.plan_operations(actor=request.user, plan=plan), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "restructure/plan_detail.html", {
        "plan": plan, "day": day, "day_text": raw if problems else fmt_date(day), "problems": problems, "today": today,
        "progress": Sel.plan_progress(actor=request.user, plan=plan, on=day), "page": page,
        "can_write": can_write(request.user, plan.org.path)})
