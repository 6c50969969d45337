"""Pages of the imports (nhập dữ liệu): the batches in scope, upload a file, map its columns, the check with a
progress bar and a verdict per row (accept or leave out rows and fields of an update), apply (background task,
progress bar), the error report (.xlsx). Thin: parse, call one selector or service, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from tcxd.authz.guards import require_write_role
from tcxd.authz.scope import can_write, scope_for
from tcxd.common.errors import Conflict, ValidationFailed
from tcxd.common.fmt import fmt_int
from tcxd.common.forms import apply_domain_error

from . import report
from . import selectors as Sel
from . import services as S
from .forms import ApplyForm, DecideForm, MappingForm, UploadForm
from .models import REJECTED, BatchStatus, Kind, Mode, Verdict

PAGE_SIZE = 25
ROWS_PAGE = 50
ROW_FILTERS = [("", "Mọi dòng"), *Verdict.choices, ("rejected", "Mọi dòng bị từ chối"), ("skipped", "Dòng bỏ qua")]


def _detail_url(batch) -> str:
    return reverse("imports:detail", args=[batch.pk])


def _writable(request, pk):
    batch = Sel.batch_get(actor=request.user, pk=pk)
    require_write_role(request.user)
    return batch


def _problems(exc) -> list[str]:
    if isinstance(exc, ValidationFailed):
        return [m for ms in exc.errors.values() for m in ms]
    return [exc.message]


# -- the list -----------------------------------------------------------------------------------------------------
@login_required
def batch_list(request):
    """Nhập dữ liệu: the batches whose receiving unit is in scope, newest first."""
    page = Paginator(Sel.batch_list(actor=request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "imports/list.html", {"page": page, "can_write": scope_for(request.user).can_write})


@login_required
@require_GET
def org_suggest(request):
    """htmx fragment: up to 12 active orgs in scope matching what was typed (``ten`` names the parameter that
    holds the text, ``o`` the id of the input to fill)."""
    text = (request.GET.get(request.GET.get("ten", "q"), "") or "").strip()[:100]
    picked = Sel.ORG_SEPARATOR in text
    rows = Sel.org_suggestions(actor=request.user, text=text) if len(text) >= 2 and not picked else []
    return render(request, "imports/_org_suggestions.html", {
        "rows": rows, "target": request.GET.get("o", "")[:80], "typed": text, "picked": picked,
        "too_short": 0 < len(text) < 2})


# -- upload -------------------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def batch_upload(request):
    require_write_role(request.user)
    root = Sel.default_root(actor=request.user)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None, actor=request.user,
                      initial={"root": root, "kind": Kind.MEMBERS})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = S.import_batch_upload(actor=request.user, root=form.cleaned_data["root"], filename=upload.name,
                                          data=upload.read(), kind=form.cleaned_data["kind"],
                                          sheet=form.cleaned_data["sheet"].strip())
        except (ValidationFailed, Conflict) as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã tải lên tệp «{batch.filename}»: {fmt_int(batch.rows_total)} dòng dữ liệu. "
                                      "Xem lại cách ghép cột rồi bấm “Kiểm tra dữ liệu”.")
            return redirect("imports:map", pk=batch.pk)
    return render(request, "imports/upload.html", {"form": form})


# -- mapping ------------------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def batch_map(request, pk):
    batch = _writable(request, pk)
    columns = Sel.mapping_columns(batch)
    form = MappingForm(request.POST if request.method == "POST" else None, columns=columns, kind=batch.kind)
    problems: list[str] = []
    mappable = S.mappable(batch)
    if request.method == "POST" and form.is_valid():
        try:
            S.import_batch_map(actor=request.user, batch=batch, mapping=form.mapping(),
                               save_as=form.cleaned_data["save_as"])
        except (ValidationFailed, Conflict) as exc:
            problems = _problems(exc)
        else:
            batch.refresh_from_db()
            if batch.status == BatchStatus.READY:
                messages.success(request, "Đã kiểm tra xong từng dòng: xem kết quả dưới đây trước khi áp dụng.")
            elif batch.status == BatchStatus.FAILED:
                messages.error(request, "Không kiểm tra được tệp; không có gì được ghi.")
            else:
                messages.success(request, "Đã đưa việc kiểm tra vào hàng đợi chạy nền; trang tự cập nhật tiến độ.")
            return redirect(_detail_url(batch))
    elif request.method == "GET" and not mappable:
        problems = [f"Lô đang ở trạng thái «{batch.get_status_display()}»: không ghép cột lại được."]
    return render(request, "imports/map.html", {
        "batch": batch, "form": form, "problems": problems, "mappable": mappable,
        "labels": Sel.field_labels(batch.kind)})


# -- one batch: check, preview, result ----------------------------------------------------------------------------
@login_required
def batch_detail(request, pk):
    batch = Sel.batch_get(actor=request.user, pk=pk)
    verdict = request.GET.get("ket_qua", "").strip()
    problems = []
    if verdict and verdict not in dict(ROW_FILTERS):
        problems.append(f"Kết quả “{verdict}” không có; đang hiện mọi dòng.")
        verdict = ""
    writable = can_write(request.user, batch.root.path)
    progress = Sel.batch_progress(batch)
    has_rows = batch.status in (BatchStatus.READY, BatchStatus.QUEUED, BatchStatus.APPLIED, BatchStatus.REFUSED) \
        or (batch.status == BatchStatus.FAILED and batch.checked_at is not None)
    rows = (Paginator(Sel.batch_rows(batch=batch, verdict=verdict), ROWS_PAGE).get_page(request.GET.get("trang"))
            if has_rows else None)
    query = urlencode({"ket_qua": verdict}) if verdict else ""
    return render(request, "imports/detail.html", {
        "batch": batch, "can_write": writable, "progress": progress, "running": not progress.finished,
        "interrupted": progress.interrupted, "problems": problems,
        "counts": Sel.verdict_counts(batch) if batch.counts else [], "rows": rows, "verdict": verdict,
        "query": query, "filters": ROW_FILTERS, "labels": Sel.field_labels(batch.kind),
        "mapped": {int(c): k for c, k in (batch.mapping or {}).items()},
        "decidable": writable and batch.status == BatchStatus.READY,
        "applicable": writable and S.apply_blocker(batch) is None,
        "mappable": writable and S.mappable(batch),
        "rejected_total": sum(int((batch.counts or {}).get(v, 0)) for v in REJECTED),
        "same_file": Sel.same_file_applied(batch) if batch.status != BatchStatus.APPLIED else None})


@login_required
def batch_progress(request, pk):
    """htmx fragment polled every second while the check or the apply is queued or running; once it has
    finished the page is reloaded (it then shows the verdicts, the result or the error)."""
    batch = Sel.batch_get(actor=request.user, pk=pk)
    progress = Sel.batch_progress(batch)
    if (progress.finished or progress.interrupted) and request.htmx:
        return HttpResponseClientRefresh()
    return render(request, "imports/_progress.html", {"batch": batch, "progress": progress})


@login_required
@require_http_methods(["GET", "POST"])
def row_decide(request, pk):
    """One row of the preview (htmx: the table row); POST: keep or leave out the row, or some fields of an update."""
    row = Sel.row_get(actor=request.user, pk=pk)
    batch = row.batch
    require_write_role(request.user)
    problems: list[str] = []
    if request.method == "POST":
        form = DecideForm(request.POST, row=row)
        if form.is_valid():
            try:
                row = S.import_row_decide(actor=request.user, row=row, skip=form.cleaned_data["skip"],
                                          declined=form.declined())
            except (ValidationFailed, Conflict) as exc:
                problems = _problems(exc)
        else:
            problems = ["Lựa chọn không hợp lệ: tải lại trang rồi chọn lại."]
        if not request.htmx:
            for p in problems:
                messages.error(request, p)
            return redirect(_detail_url(batch) + f"#dong-{row.row_no}")
    return render(request, "imports/_row.html", {
        "row": row, "batch": batch, "headers": batch.headers, "labels": Sel.field_labels(batch.kind),
        "decidable": can_write(request.user, batch.root.path) and batch.status == BatchStatus.READY,
        "row_problems": problems})


# -- apply --------------------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def batch_apply(request, pk):
    """Áp dụng: choose the mode, then the batch is queued (or run again after an interrupted run)."""
    batch = _writable(request, pk)
    form = ApplyForm(request.POST if request.method == "POST" else None, initial={"mode": batch.mode or Mode.ACCEPTED})
    problems: list[str] = []
    interrupted = S.interrupted(batch)
    if request.method == "POST" and form.is_valid():
        try:
            S.import_batch_apply(actor=request.user, batch=batch, mode=form.cleaned_data["mode"])
        except (ValidationFailed, Conflict) as exc:
            problems = _problems(exc)
        else:
            batch.refresh_from_db()
            if batch.status == BatchStatus.APPLIED:
                messages.success(request, "Đã áp dụng lô dữ liệu.")
            elif batch.status == BatchStatus.REFUSED:
                messages.error(request, "Lô không được áp dụng: không có gì được ghi.")
            elif batch.status == BatchStatus.FAILED:
                messages.error(request, "Lỗi khi áp dụng lô; không có gì được ghi.")
            else:
                messages.success(request, "Đã đưa lô vào hàng đợi áp dụng; trang tự cập nhật tiến độ.")
            return redirect(_detail_url(batch))
    elif request.method == "GET" and (blocker := S.apply_blocker(batch)) is not None:
        problems.append(blocker[1])
    return render(request, "imports/apply.html", {
        "batch": batch, "form": form, "problems": problems, "plan": Sel.apply_plan(batch),
        "interrupted": interrupted, "disabled": bool(problems) and request.method == "GET",
        "same_file": Sel.same_file_applied(batch), "modes": Mode.choices})


# -- the error report ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def batch_report(request, pk):
    """Báo cáo lỗi (.xlsx): every rejected row and every row left out, with its reasons and the file's values."""
    batch = Sel.batch_get(actor=request.user, pk=pk)
    return report.error_report_response(actor=request.user, batch=batch)
