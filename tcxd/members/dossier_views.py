"""Pages for the repeating dossier rows, the dossier documents and the printable phiếu đảng viên.

Every page finds the member through ``selectors.member_get`` (out of scope → 404) before anything
else; writes go through ``dossier_services`` (read-only role → 403). Downloads and prints are
personal-data exports and are audited as such.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tcxd.audit.services import audit_export
from tcxd.authz.guards import require_write_role
from tcxd.common.errors import DomainError, NotFound
from tcxd.common.errors import PermissionDenied as DomainPermissionDenied
from tcxd.common.forms import apply_domain_error

from . import dossier_services as DS
from . import printing
from . import selectors as S
from .codes import DocumentType
from .dossier_forms import AttachmentForm, PhotoForm, ReasonForm, RowForm
from .models import Attachment


def _tab(member, tab: str) -> str:
    return f"{reverse('members:detail', args=[member.pk])}?tab={tab}"


def _writable(request, member):
    require_write_role(request.user)
    return member


def _spec(kind: str) -> DS.RowKind:
    spec = DS.ROW_KINDS.get(kind)
    if spec is None:
        raise Http404
    return spec


def _row(request, kind: str, pk):
    """The row and its member, scoped: a row of a member out of scope is 'not found'."""
    spec = _spec(kind)
    row = spec.model.objects.filter(pk=pk).first()
    if row is None:
        raise Http404
    return spec, row, S.member_get(actor=request.user, pk=row.member_id)


def _confirm_removal(request, member, *, remove, done: str, back: str, title: str, what: str, explain: str):
    """The confirm page of a removal with a reason for the log; on POST ``remove(note)`` (a service call),
    then back to ``back`` with ``done``. Out of scope / read-only refusals become the 404 / 403 page."""
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            remove(form.cleaned_data["note"])
        except (NotFound, DomainPermissionDenied):
            raise  # → the 404 / 403 page (common.middleware.DomainErrorMiddleware)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(back)
    return render(request, "members/dossier/confirm_delete.html", {
        "member": member, "form": form, "title": title, "what": what, "back": back, "explain": explain})


# ---- history rows ----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def row_add(request, pk, kind):
    spec = _spec(kind)
    member = _writable(request, S.member_get(actor=request.user, pk=pk))
    form = RowForm(request.POST or None, kind=kind, sensitive=S.can_see_sensitive(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            DS.dossier_row_add(actor=request.user, member=member, kind=kind, data=form.data_for_service())
        except (NotFound, DomainPermissionDenied):
            raise  # → the 404 / 403 page (common.middleware.DomainErrorMiddleware)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã thêm {spec.label}.")
            return redirect(_tab(member, "qua-trinh"))
    return render(request, "members/dossier/row_form.html", {
        "member": member, "form": form, "title": f"Thêm {spec.label}", "spec": spec})


@login_required
@require_http_methods(["GET", "POST"])
def row_edit(request, pk, kind):
    spec, row, member = _row(request, kind, pk)
    _writable(request, member)
    sensitive = S.can_see_sensitive(request.user)
    initial = {name: getattr(row, name) for name in spec.fields}
    form = RowForm(request.POST or None, kind=kind, sensitive=sensitive, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            DS.dossier_row_update(actor=request.user, row=row, data=form.data_for_service())
        except (NotFound, DomainPermissionDenied):
            raise  # → the 404 / 403 page (common.middleware.DomainErrorMiddleware)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã sửa {spec.label}.")
            return redirect(_tab(member, "qua-trinh"))
    return render(request, "members/dossier/row_form.html", {
        "member": member, "form": form, "title": f"Sửa {spec.label}", "spec": spec, "row": row})


@login_required
@require_http_methods(["GET", "POST"])
def row_delete(request, pk, kind):
    spec, row, member = _row(request, kind, pk)
    _writable(request, member)
    return _confirm_removal(
        request, member, back=_tab(member, "qua-trinh"), title=f"Xóa {spec.label}", what=str(row),
        remove=lambda note: DS.dossier_row_delete(actor=request.user, row=row, note=note),
        done=f"Đã xóa {spec.label}; nhật ký thay đổi vẫn lưu nội dung cũ.",
        explain="Dòng này sẽ bị xóa khỏi hồ sơ. Nhật ký thay đổi của hồ sơ giữ lại nội dung trước khi xóa.")


# ---- documents -------------------------------------------------------------------------------------

def _attachment(request, pk):
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment, S.member_get(actor=request.user, pk=attachment.member_id)


@login_required
@require_http_methods(["GET", "POST"])
def attachment_add(request, pk):
    member = _writable(request, S.member_get(actor=request.user, pk=pk))
    initial = {}
    if request.GET.get("loai") in DocumentType.values:
        initial["doc_type"] = request.GET["loai"]
    events = list(S.member_events(member=member, include_voided=False))
    if request.GET.get("su-kien", "").isdigit():
        initial["event"] = int(request.GET["su-kien"])
    form = AttachmentForm(request.POST or None, request.FILES or None, initial=initial, events=events)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        event = next((e for e in events if e.pk == cd.get("event")), None)
        try:
            attachment = DS.dossier_attachment_add(actor=request.user, member=member, doc_type=cd["doc_type"],
                                                   title=cd["title"], upload=cd["file"], event=event)
        except (NotFound, DomainPermissionDenied):
            raise  # → the 404 / 403 page (common.middleware.DomainErrorMiddleware)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã tải lên: {attachment}.")
            return redirect(_tab(member, "tai-lieu"))
    return render(request, "members/dossier/attachment_form.html", {"member": member, "form": form})


@login_required
@require_GET
def attachment_download(request, pk):
    """The stored file, for organization-commission roles (scans hold the restricted parts too)."""
    attachment, member = _attachment(request, pk)
    if not S.can_see_sensitive(request.user):
        raise PermissionDenied("Chỉ Ban Tổ chức được tải tài liệu hồ sơ.")
    if not attachment.file:
        raise Http404("Tài liệu chưa có tệp.")
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("Không tìm thấy tệp của tài liệu.")
    audit_export(actor=request.user, what=f"tai-lieu-ho-so/{attachment.pk}", scope_org=member.org, rows=1,
                 note=f"{member.full_name} (#{member.pk}): {attachment.get_doc_type_display()}"
                      f"{' — ' + attachment.title if attachment.title else ''}")
    ext = attachment.file.name.rsplit(".", 1)[-1].lower()
    return FileResponse(handle, as_attachment=True, filename=f"{attachment.doc_type}-{attachment.pk}.{ext}",
                        content_type=DS.attachment_content_type(attachment))


@login_required
@require_http_methods(["GET", "POST"])
def attachment_remove(request, pk):
    attachment, member = _attachment(request, pk)
    _writable(request, member)
    return _confirm_removal(
        request, member, back=_tab(member, "tai-lieu"), title="Gỡ tài liệu hồ sơ",
        what=f"{attachment.get_doc_type_display()}{' — ' + attachment.title if attachment.title else ''}",
        remove=lambda note: DS.dossier_attachment_remove(actor=request.user, attachment=attachment, note=note),
        done=f"Đã gỡ tài liệu: {attachment}.",
        explain="Tài liệu và tệp đính kèm sẽ bị gỡ khỏi hồ sơ; danh mục tài liệu còn thiếu được tính lại. "
                "Nhật ký thay đổi ghi lại loại, tên tài liệu và người gỡ.")


# ---- photo ---------------------------------------------------------------------------------------

@login_required
@require_GET
def photo(request, pk):
    """The member's portrait, for anyone who may open the member page."""
    member = S.member_get(actor=request.user, pk=pk)
    if not member.photo:
        raise Http404
    try:
        handle = member.photo.open("rb")
    except OSError:
        raise Http404
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def photo_set(request, pk):
    member = _writable(request, S.member_get(actor=request.user, pk=pk))
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            DS.dossier_photo_set(actor=request.user, member=member, upload=form.cleaned_data["photo"])
        except (NotFound, DomainPermissionDenied):
            raise
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Đã cập nhật ảnh.")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/dossier/photo_form.html", {"member": member, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def photo_remove(request, pk):
    member = _writable(request, S.member_get(actor=request.user, pk=pk))
    return _confirm_removal(
        request, member, back=reverse("members:detail", args=[member.pk]), title="Gỡ ảnh đảng viên",
        what=f"Ảnh của {member.full_name}", done="Đã gỡ ảnh.",
        remove=lambda note: DS.dossier_photo_remove(actor=request.user, member=member, note=note),
        explain="Ảnh sẽ bị gỡ khỏi hồ sơ; nhật ký thay đổi ghi lại việc này.")


# ---- print / PDF -----------------------------------------------------------------------------------

@login_required
@require_GET
def member_print(request, pk):
    member = S.member_get(actor=request.user, pk=pk)
    context = printing.dossier_context(actor=request.user, member=member, on=timezone.localdate())
    audit_export(actor=request.user, what=f"phieu-dang-vien/{member.pk}", scope_org=member.org, rows=1,
                 note=f"In phiếu đảng viên (trang in): {member.full_name}")
    html = printing.render_html({**context, "pdf_available": printing.pdf_available()}, for_pdf=False,
                                request=request)
    return HttpResponse(html)


@login_required
@require_GET
def member_print_pdf(request, pk):
    member = S.member_get(actor=request.user, pk=pk)
    if not printing.pdf_available():
        messages.warning(request, "Máy chủ chưa cài bộ dựng PDF (WeasyPrint); dùng trang in của trình duyệt "
                                  "(In → Lưu dưới dạng PDF).")
        return redirect("members:print", pk=member.pk)
    context = printing.dossier_context(actor=request.user, member=member, on=timezone.localdate())
    pdf = printing.render_pdf(context)
    audit_export(actor=request.user, what=f"phieu-dang-vien/{member.pk}.pdf", scope_org=member.org, rows=1,
                 note=f"Tải PDF phiếu đảng viên: {member.full_name}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="phieu-dang-vien-{member.pk}.pdf"'
    return response
