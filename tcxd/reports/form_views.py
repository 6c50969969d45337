"""Pages of report forms (biểu thống kê): choose a form, an org in scope and a day (a period for movement
forms), see the table, download it as .xlsx or PDF; administrators add and change forms. Thin: parse,
call one selector or service, render."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tcxd.audit.services import audit_export
from tcxd.authz.models import Role
from tcxd.authz.scope import scope_for
from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.common.fmt import fmt_date, parse_date
from tcxd.common.forms import BootstrapFormMixin, apply_domain_error
from tcxd.orgs import selectors as org_selectors
from tcxd.orgs.models import Org

from . import exports
from . import report_forms as RF
from .form_services import ADMIN_ONLY, report_form_save
from .models import FormKind, ReportForm


# -- parameters ----------------------------------------------------------------------------------------
def _day(raw: str, default: dt.date, label: str, problems: list[str]) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        return default
    try:
        return parse_date(raw)
    except ValueError as exc:
        problems.append(f"{label}: {exc}")
        return None


def _params(request, form: ReportForm | None, today: dt.date) -> tuple[dict, list[str]]:
    """The day (or period) of the page from ?ngay= or ?tu_ngay=&den_ngay=, defaults today and
    01/01 of this year, with a Vietnamese message for each value that could not be read."""
    problems: list[str] = []
    if form is not None and form.kind == FormKind.MOVEMENTS:
        start = _day(request.GET.get("tu_ngay", ""), dt.date(today.year, 1, 1), "Từ ngày", problems)
        end = _day(request.GET.get("den_ngay", ""), today, "Đến ngày", problems)
        return {"start": start, "end": end}, problems
    return {"on": _day(request.GET.get("ngay", ""), today, "Ngày", problems)}, problems


def _query(form: ReportForm, org: Org, when: dict) -> str:
    q = {"bieu": form.code, "to_chuc": org.pk}
    if "on" in when:
        q["ngay"] = fmt_date(when["on"])
    else:
        q["tu_ngay"], q["den_ngay"] = fmt_date(when["start"]), fmt_date(when["end"])
    return urlencode(q)


def _messages(exc: ValidationFailed) -> list[str]:
    return [m for messages_ in exc.errors.values() for m in messages_]


def _is_admin(user) -> bool:
    return scope_for(user).role == Role.ADMIN


def _chosen(request, forms_: list[ReportForm], problems: list[str]) -> ReportForm | None:
    code = request.GET.get("bieu", "").strip()
    form = next((f for f in forms_ if f.code == code), None)
    if code and form is None:
        problems.append(f"Không có biểu thống kê mã “{code}”; đang hiển thị biểu đầu tiên.")
    return form or (forms_[0] if forms_ else None)


def _org(request, pk=None) -> Org | None:
    raw = pk if pk is not None else request.GET.get("to_chuc", "").strip()
    if raw:
        return org_selectors.org_get(actor=request.user, pk=raw)
    return org_selectors.org_scope_roots(actor=request.user).first()


def _rendered(request, form: ReportForm, org: Org, today: dt.date):
    """(rendered form or None, the day/period used, problems)."""
    when, problems = _params(request, form, today)
    if problems:
        return None, when, problems
    try:
        rendered = RF.render_form(actor=request.user, form=form, org=org, today=today, **when)
    except ValidationFailed as exc:
        return None, when, _messages(exc)
    return rendered, when, []


# -- the page ------------------------------------------------------------------------------------------
@login_required
def forms_page(request):
    """Biểu thống kê: the list of forms and the chosen one filled for an org in scope on a day."""
    today = timezone.localdate()
    problems: list[str] = []
    forms_ = list(RF.report_forms_list())
    form = _chosen(request, forms_, problems)
    org = _org(request)
    context = {"forms": forms_, "form": form, "org": org, "today": today, "is_admin": _is_admin(request.user),
               "kinds": FormKind}
    if form is None or org is None:
        return render(request, "reports/forms/page.html", {**context, "problems": problems})
    rendered, when, more = _rendered(request, form, org, today)
    context.update({
        "rendered": rendered, "when": when, "problems": problems + more,
        "query": _query(form, org, {k: v or today for k, v in when.items()}),
        "roots": list(org_selectors.org_scope_roots(actor=request.user)),
        "children": list(org_selectors.org_children(org=org)),
        "ancestors": org_selectors.org_ancestors(actor=request.user, org=org),
        "pdf": exports.pdf_available(),
    })
    return render(request, "reports/forms/page.html", context)


def _export_target(request, pk):
    today = timezone.localdate()
    problems: list[str] = []
    forms_ = list(RF.report_forms_list())
    form = _chosen(request, forms_, problems)
    org = _org(request, pk)
    if form is None:
        return None, None, ["Chưa có biểu thống kê nào."]
    rendered, when, more = _rendered(request, form, org, today)
    return rendered, f"{reverse('reports:forms')}?{request.GET.urlencode()}", problems + more


def _back_with(request, url: str, problems: list[str]):
    for p in problems:
        messages.error(request, p)
    return redirect(url or reverse("reports:forms"))


@login_required
def form_xlsx(request, pk):
    """The chosen form for org ``pk`` as an .xlsx download in the form's layout."""
    rendered, back, problems = _export_target(request, pk)
    if rendered is None:
        return _back_with(request, back, problems)
    audit_export(actor=request.user, what=exports.filename(rendered, "xlsx"),
                 scope_org=Org.objects.only("path").get(pk=rendered.org_id), rows=len(rendered.rows),
                 note=f"Biểu thống kê {rendered.code} của {rendered.org_name} (.xlsx)")
    response = HttpResponse(exports.xlsx_bytes(rendered), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(rendered, "xlsx")}"'
    return response


@login_required
def form_pdf(request, pk):
    """The chosen form for org ``pk`` as a PDF (A4 landscape)."""
    rendered, back, problems = _export_target(request, pk)
    if rendered is None:
        return _back_with(request, back, problems)
    if not exports.pdf_available():
        messages.warning(request, "Máy chủ chưa cài bộ dựng PDF (WeasyPrint); dùng bản .xlsx hoặc chức năng in "
                                  "của trình duyệt.")
        return redirect(back)
    response = HttpResponse(exports.pdf_bytes(rendered), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(rendered, "pdf")}"'
    return response


# -- administrators: add or change a form -----------------------------------------------------------------
class ReportFormForm(BootstrapFormMixin, forms.Form):
    """Parses only: the definition is handed to the service as typed, which names every problem."""

    code = forms.CharField(label="Mã biểu", required=False, max_length=60)
    title = forms.CharField(label="Tên biểu", required=False, max_length=400)
    family = forms.CharField(label="Họ biểu (ví dụ 1-TCTW)", required=False, max_length=60)
    kind = forms.ChoiceField(label="Loại số liệu", required=False, choices=FormKind.choices)
    position = forms.IntegerField(label="Thứ tự trong danh sách", required=False, min_value=0, max_value=32767,
                                  error_messages={"invalid": "Thứ tự là số nguyên từ 0 đến 32.767."})
    active = forms.BooleanField(label="Đang dùng", required=False)
    description = forms.CharField(label="Mô tả", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    definition = forms.CharField(label="Định nghĩa (JSON: dòng, cột, tổng)", required=False,
                                 widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "false",
                                                              "class": "form-control font-monospace small"}))


def _require_admin(request) -> None:
    if not _is_admin(request.user):
        raise PermissionDenied(ADMIN_ONLY)


def _initial(form: ReportForm | None) -> dict:
    if form is None:
        return {"kind": FormKind.MEMBERS, "active": True, "position": 100,
                "definition": json.dumps({"row_header": "Chỉ tiêu", "columns": [
                    {"key": "so_luong", "label": "Tổng số", "total": "all"}], "rows": [
                    {"key": "tong", "label": "Tổng số đảng viên", "total": "all"},
                    {"key": "nu", "label": "Nữ", "filter": {"sex": "F"}, "indent": 1}]}, ensure_ascii=False, indent=2)}
    return {"code": form.code, "title": form.title, "family": form.family, "kind": form.kind,
            "position": form.position, "active": form.active, "description": form.description,
            "definition": json.dumps(form.definition, ensure_ascii=False, indent=2)}


def _edit(request, instance: ReportForm | None):
    _require_admin(request)
    form = ReportFormForm(request.POST or None, initial=_initial(instance))
    preview = None
    org = _org(request)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        fields = {"code": cd["code"], "title": cd["title"], "family": cd["family"], "kind": cd["kind"],
                  "description": cd["description"], "definition": cd["definition"], "active": cd["active"],
                  "position": 100 if cd["position"] is None else cd["position"]}
        if request.POST.get("action") == "preview":
            today = timezone.localdate()
            when = ({"start": dt.date(today.year, 1, 1), "end": today} if cd["kind"] == FormKind.MOVEMENTS
                    else {"on": today})
            try:
                preview = RF.render_form(actor=request.user, form=fields, org=org, today=today, **when)
            except DomainError as exc:
                apply_domain_error(form, exc)
        else:
            try:
                saved = report_form_save(actor=request.user, form=instance, **fields)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, f"Đã lưu biểu {saved.code} — {saved.title}.")
                return redirect(f"{reverse('reports:forms')}?{urlencode({'bieu': saved.code})}")
    return render(request, "reports/forms/edit.html", {
        "form": form, "instance": instance, "preview": preview, "org": org,
        "dimensions": [(kind, label, RF.dimensions_of(kind)) for kind, label in FormKind.choices],
        "movements": RF.movement_values()})


@login_required
@require_http_methods(["GET", "POST"])
def form_create(request):
    return _edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def form_edit(request, pk):
    _require_admin(request)
    instance = ReportForm.objects.filter(pk=pk).first()
    if instance is None:
        from django.http import Http404

        raise Http404
    return _edit(request, instance)
