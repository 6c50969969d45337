"""Pages of the documents context: a member's lý lịch (print page, PDF, Word), the phiếu as Word, the decision
documents filled from the record, and the management of the decision templates.

Every member page finds the member through ``members.selectors.member_get`` (out of scope → 404) first. Every
download is an export of personal data and is audited (``audit_export``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from tcxd.audit.services import audit_export
from tcxd.common.errors import DomainError, NotFound
from tcxd.common.errors import PermissionDenied as DomainPermissionDenied
from tcxd.common.forms import apply_domain_error
from tcxd.members import printing
from tcxd.members import selectors as MS

from . import selectors as S
from . import services
from .context import placeholders
from .defaults import default_template_docx
from .dossier_docx import RENDERERS
from .forms import RevertForm, TemplateUploadForm
from .kinds import SPECS, DocumentKind
from .rendering import DOCX_TYPE


def _download(content: bytes, file_name: str, content_type: str = DOCX_TYPE) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _kind(kind: str) -> str:
    if kind not in DocumentKind.values:
        raise Http404
    return kind


# ---- the lý lịch đảng viên and the Word renderings ---------------------------------------------------

@login_required
@require_GET
def cv_print(request, pk):
    member = MS.member_get(actor=request.user, pk=pk)
    context = S.dossier_document_context(actor=request.user, member=member)
    audit_export(actor=request.user, what=f"ly-lich-dang-vien/{member.pk}", scope_org=member.org, rows=1,
                 note=f"In lý lịch đảng viên (trang in): {member.full_name}")
    html = printing.render_html({**context, "pdf_available": printing.pdf_available()}, for_pdf=False,
                                request=request, document=printing.LY_LICH)
    return HttpResponse(html)


@login_required
@require_GET
def cv_pdf(request, pk):
    member = MS.member_get(actor=request.user, pk=pk)
    if not printing.pdf_available():
        messages.warning(request, "Máy chủ chưa cài bộ dựng PDF (WeasyPrint); dùng trang in của trình duyệt "
                                  "(In → Lưu dưới dạng PDF).")
        return redirect("documents:cv_print", pk=member.pk)
    context = S.dossier_document_context(actor=request.user, member=member)
    pdf = printing.render_pdf(context, document=printing.LY_LICH)
    audit_export(actor=request.user, what=f"ly-lich-dang-vien/{member.pk}.pdf", scope_org=member.org, rows=1,
                 note=f"Tải PDF lý lịch đảng viên: {member.full_name}")
    return _download(pdf, f"ly-lich-dang-vien-{member.pk}.pdf", "application/pdf")


def _dossier_docx(request, pk, document: str, stem: str):
    member = MS.member_get(actor=request.user, pk=pk)
    context = S.dossier_document_context(actor=request.user, member=member)
    content = RENDERERS[document](context)
    audit_export(actor=request.user, what=f"{stem}/{member.pk}.docx", scope_org=member.org, rows=1,
                 note=f"Tải Word {printing.TITLES[document].lower()}: {member.full_name}")
    return _download(content, f"{stem}-{member.pk}.docx")


@login_required
@require_GET
def cv_docx(request, pk):
    return _dossier_docx(request, pk, printing.LY_LICH, "ly-lich-dang-vien")


@login_required
@require_GET
def phieu_docx(request, pk):
    return _dossier_docx(request, pk, printing.PHIEU, "phieu-dang-vien")


# ---- decision documents ------------------------------------------------------------------------------

@login_required
@require_GET
def decision(request, pk, kind):
    """The filled .docx; without a fitting event, a page that says which event to record first."""
    member = MS.member_get(actor=request.user, pk=pk)
    _kind(kind)
    try:
        filled = S.decision_document(actor=request.user, member=member, kind=kind, event_id=request.GET.get("su-kien"))
    except (NotFound, DomainPermissionDenied):
        raise
    except DomainError as exc:
        return render(request, "documents/no_event.html", {
            "member": member, "title": DocumentKind(kind).label,
            "message": exc.errors.get("event_id", [exc.message])[0] if hasattr(exc, "errors") else exc.message})
    audit_export(actor=request.user, what=f"{SPECS[kind].file_stem}/{member.pk}", scope_org=member.org, rows=1,
                 note=f"Soạn {filled.title.lower()} (sự kiện ngày {filled.event.on:%d/%m/%Y}): {member.full_name}")
    return _download(filled.content, filled.file_name)


# ---- the decision templates ------------------------------------------------------------------------------

@login_required
@require_GET
def templates_index(request):
    level = S.manager_level(request.user)
    return render(request, "documents/templates.html", {"level": level, "rows": S.templates_overview(level=level)})


@login_required
@require_http_methods(["GET", "POST"])
def template_detail(request, kind):
    level = S.manager_level(request.user)
    _kind(kind)
    posted = request.method == "POST"
    form = TemplateUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.document_template_upload(actor=request.user, kind=kind, content=form.content(),
                                                      file_name=form.file_name(), note=form.cleaned_data["note"])
        except (NotFound, DomainPermissionDenied):
            raise
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã lưu mẫu “{DocumentKind(kind).label}”, phiên bản {saved.version}; "
                                      "từ nay văn bản mới dùng mẫu này.")
            return redirect("documents:template_detail", kind=kind)
    effective = S.effective_template(kind=kind, org=level.org)
    own = effective.row is not None and effective.row.org_id == (level.org.pk if level.org else None)
    return render(request, "documents/template_detail.html", {
        "level": level, "kind": kind, "title": DocumentKind(kind).label, "form": form, "effective": effective,
        "own": own, "placeholders": placeholders(kind), "history": S.own_history(level=level, kind=kind)})


@login_required
@require_GET
def template_download(request, kind):
    """The template in use at the actor's level (to edit in Word)."""
    level = S.manager_level(request.user)
    effective = S.effective_template(kind=_kind(kind), org=level.org)
    audit_export(actor=request.user, what=f"mau-van-ban/{kind}", scope_org=level.org, rows=0,
                 note=f"Tải mẫu “{DocumentKind(kind).label}” ({effective.source})")
    return _download(effective.docx, effective.file_name)


@login_required
@require_GET
def template_default(request, kind):
    """The shipped default template."""
    level = S.manager_level(request.user)
    audit_export(actor=request.user, what=f"mau-van-ban/{_kind(kind)}/mac-dinh", scope_org=level.org, rows=0,
                 note=f"Tải mẫu mặc định “{DocumentKind(kind).label}”")
    return _download(default_template_docx(kind), f"mau-mac-dinh-{SPECS[kind].file_stem}.docx")


@login_required
@require_http_methods(["GET", "POST"])
def template_revert(request, kind):
    level = S.manager_level(request.user)
    _kind(kind)
    form = RevertForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_template_revert(actor=request.user, kind=kind, note=form.cleaned_data["note"])
        except (NotFound, DomainPermissionDenied):
            raise
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã khôi phục mẫu “{DocumentKind(kind).label}”: văn bản dùng mẫu chung "
                                      "hoặc mẫu mặc định.")
            return redirect("documents:template_detail", kind=kind)
    return render(request, "documents/template_revert.html", {
        "level": level, "kind": kind, "title": DocumentKind(kind).label, "form": form,
        "back": reverse("documents:template_detail", args=[kind])})
