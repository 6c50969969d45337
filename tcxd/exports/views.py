"""Pages of the exports: start an export of a list (a small one downloads at once; a big one asks, then runs in
the background), the user's own export files, one export with its progress bar (htmx polling), its download and
its removal. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.common.export import file_download

from . import selectors as Sel
from . import services as S
from .conf import conf
from .models import ExportFormat

PAGE_SIZE = 25


def _query(request) -> str:
    params = request.GET.copy()
    for key in ("tai", "trang", "dinh_dang"):
        params.pop(key, None)
    return params.urlencode()


@login_required
def export_start(request, source):
    """GET ?<the list's filters>&tai=xlsx|csv: a list up to EXPORTS["BACKGROUND_ABOVE"] rows is written and sent
    at once; a bigger one shows what will be exported and a button that starts it in the background (POST)."""
    fmt = request.POST.get("tai") or request.GET.get("tai") or ExportFormat.XLSX
    src = S.SOURCES.get(source)
    if src is None:
        raise Http404
    if request.method == "POST":
        try:
            job = S.export_job_create(actor=request.user, source=source, fmt=fmt, params=request.GET)
        except ValidationFailed as exc:
            return _refused(request, src, exc)
        return redirect("exports:detail", pk=job.pk)
    try:
        plan = Sel.export_plan(actor=request.user, source=source, params=request.GET)
        if not plan["background"]:
            out = S.export_write(actor=request.user, source=source, fmt=fmt, params=request.GET)
            return file_download(out.path, out.filename, out.content_type)
    except ValidationFailed as exc:
        return _refused(request, src, exc)
    return render(request, "exports/confirm.html", {
        "source": src, "plan": plan, "fmt": fmt if fmt in ExportFormat.values else ExportFormat.XLSX,
        "formats": ExportFormat.choices, "query": _query(request),
        "filters": plan["prepared"].filters_label})


def _refused(request, src, exc: ValidationFailed):
    return render(request, "exports/confirm.html", {"source": src, "errors": exc.errors, "message": exc.message,
                                                    "query": _query(request)}, status=400)


@login_required
def export_list(request):
    page = Paginator(Sel.export_job_list(actor=request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "exports/list.html", {"page": page, "keep_days": conf("KEEP_DAYS")})


@login_required
def export_detail(request, pk):
    job = Sel.export_job_get(actor=request.user, pk=pk)
    return render(request, "exports/detail.html", {"job": job, "progress": Sel.job_progress(job),
                                                   "source": S.SOURCES.get(job.source),
                                                   "keep_days": conf("KEEP_DAYS")})


@login_required
def export_progress(request, pk):
    """htmx fragment polled every second while the export waits or runs; once it has finished, the page is
    reloaded (it then shows the download link or the error)."""
    job = Sel.export_job_get(actor=request.user, pk=pk)
    progress = Sel.job_progress(job)
    if progress["finished"] and request.htmx:
        return HttpResponseClientRefresh()
    return render(request, "exports/_progress.html", {"job": job, "progress": progress})


@login_required
def export_download(request, pk):
    job = Sel.export_job_get(actor=request.user, pk=pk)
    path = S.job_path(job) if job.file_name else None
    if path is None or not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.download_name,
                        content_type=S.content_type(job.format))


@login_required
@require_POST
def export_remove(request, pk):
    job = Sel.export_job_get(actor=request.user, pk=pk)
    try:
        S.export_job_remove(actor=request.user, job=job)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("exports:detail", pk=job.pk)
    messages.success(request, "Đã xóa tệp xuất dữ liệu.")
    return redirect("exports:list")
