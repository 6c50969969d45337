"""Pages of periodic report packages (báo cáo định kỳ): the list with filters, generate, a package (its stored
figures, narrative, .docx, submit, diff), the consolidation of subordinate orgs, and the administrators'
templates. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tcxd.audit.services import audit_export
from tcxd.authz.guards import require_write_role
from tcxd.authz.models import Role
from tcxd.authz.scope import can_write, scope_for
from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.common.fmt import parse_date
from tcxd.common.forms import BootstrapFormMixin, apply_domain_error
from tcxd.orgs import selectors as org_selectors

from . import package_docx as PD
from . import package_exports as PE
from . import package_services as S
from . import packages as PK
from .forms import parse_int
from .models import PackageKind, PackageStatus, ReportForm, ReportPackageTemplate
from .package_api import consolidation_for, default_year

PAGE_SIZE = 25


def _problems(exc: ValidationFailed) -> list[str]:
    return [m for ms in exc.errors.values() for m in ms]


def _package(request, pk):
    return PK.package_get(actor=request.user, pk=pk)


def _writable(request, pk):
    package = _package(request, pk)
    require_write_role(request.user)
    return package


def _detail_url(package) -> str:
    return reverse("reports:package_detail", args=[package.pk])


# -- the list ------------------------------------------------------------------------------------------------
@login_required
def packages_page(request):
    """Báo cáo định kỳ: the packages in scope (of ?to_chuc='s subtree), filtered by year, template, status."""
    problems: list[str] = []
    templates = list(PK.package_templates())
    year = parse_int(request.GET.get("nam", ""))
    if year is not None and not isinstance(year, int):
        problems.append(f"Năm “{year}” không phải một năm; đang hiện mọi năm.")
        year = None
    code = request.GET.get("mau", "").strip()
    if code and code not in {t.code for t in templates}:
        problems.append(f"Không có mẫu báo cáo mã “{code}”; đang hiện mọi mẫu.")
        code = ""
    status = request.GET.get("trang_thai", "").strip()
    if status and status not in PackageStatus.values:
        problems.append(f"Trạng thái “{status}” không có; đang hiện mọi trạng thái.")
        status = ""
    org = None
    if request.GET.get("to_chuc", "").strip():
        org = org_selectors.org_get(actor=request.user, pk=request.GET["to_chuc"].strip())
    roots = list(org_selectors.org_scope_roots(actor=request.user))
    qs = PK.packages_list(actor=request.user, year=year, template_code=code or None, status=status or None, org=org)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    query = urlencode({k: v for k, v in {"nam": year or "", "mau": code, "trang_thai": status,
                                         "to_chuc": org.pk if org else ""}.items() if v})
    target = org or (roots[0] if roots else None)
    return render(request, "reports/packages/list.html", {
        "page": page, "templates": templates, "year": year, "code": code, "status": status, "org": org,
        "roots": roots, "target": target, "statuses": PackageStatus.choices, "problems": problems, "query": query,
        "can_write": scope_for(request.user).can_write, "today": timezone.localdate(),
        "items": [(p, PK.STANDING_LABELS[_standing(p)], _standing(p)) for p in page.object_list]})


def _standing(p) -> str:
    standing = PK.submission_standing(submitted_on=p.submitted_on if p.is_frozen else None, deadline=p.deadline,
                                      today=timezone.localdate())
    return PK.DRAFT_LATE if standing == PK.MISSING else standing


# -- generate --------------------------------------------------------------------------------------------------
class GenerateForm(BootstrapFormMixin, forms.Form):
    template = forms.ChoiceField(label="Mẫu báo cáo", required=False)
    year = forms.CharField(label="Năm báo cáo", required=False, max_length=10,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.code, f"{t.title} ({t.code})") for t in templates]
        self.fields["template"].widget.attrs["class"] = "form-select"

    def clean_year(self):
        return parse_int(self.cleaned_data.get("year"))


@login_required
@require_http_methods(["GET", "POST"])
def package_create(request, pk):
    """Generate a package of org ``pk`` (write roles): a draft, or new figures for an existing draft."""
    org = org_selectors.org_get(actor=request.user, pk=pk)
    require_write_role(request.user)
    templates = list(PK.package_templates())
    today = timezone.localdate()
    first = next((t for t in templates if t.code == request.GET.get("mau")), templates[0] if templates else None)
    form = GenerateForm(request.POST or None, templates=templates,
                        initial={"template": first.code if first else "",
                                 "year": default_year(first, today) if first else today.year})
    if request.method == "POST" and form.is_valid():
        try:
            package = S.package_generate(actor=request.user, org=org, template_code=form.cleaned_data["template"],
                                         year=form.cleaned_data["year"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã tạo số liệu lần {package.current_version} của báo cáo "
                                      f"{package.template.title.lower()} {package.year}.")
            return redirect(_detail_url(package))
    return render(request, "reports/packages/create.html", {
        "org": org, "form": form, "templates": templates,
        "ancestors": org_selectors.org_ancestors(actor=request.user, org=org),
        "periods": [(t, PK.package_period(t, default_year(t, today))) for t in templates]})


# -- one package -----------------------------------------------------------------------------------------------
class NarrativeForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        for s in sections:
            self.fields[s["key"]] = forms.CharField(label=s["label"], required=False, max_length=S.MAX_NARRATIVE + 1,
                                                    widget=forms.Textarea(attrs={"rows": 5}))


@login_required
def package_detail(request, pk):
    package = _package(request, pk)
    version = PK.package_current_version(package=package)
    writable = can_write(request.user, package.org.path)
    return render(request, "reports/packages/detail.html", {
        "package": package, "version": version, "forms": PK.figures_forms(version.figures),
        "versions": list(PK.package_versions(package=package)), "can_write": writable,
        "sections": [{"key": s["key"], "label": s["label"], "text": (package.narrative or {}).get(s["key"], "")}
                     for s in package.template.sections],
        "standing": _standing(package), "standing_label": PK.STANDING_LABELS[_standing(package)],
        "can_reopen": package.is_frozen and _may_reopen(request.user, package),
        "ancestors": org_selectors.org_ancestors(actor=request.user, org=package.org)})


def _may_reopen(user, package) -> bool:
    scope = scope_for(user)
    parent = package.org.path[:-4]
    return scope.can_write and (scope.is_everything or bool(parent) and scope.contains(parent))


@login_required
@require_http_methods(["GET", "POST"])
def package_narrative(request, pk):
    package = _writable(request, pk)
    sections = package.template.sections
    form = NarrativeForm(request.POST or None, sections=sections,
                         initial={s["key"]: (package.narrative or {}).get(s["key"], "") for s in sections})
    if package.is_frozen and request.method == "GET":
        messages.warning(request, "Báo cáo đã nộp, số liệu và lời văn đã khóa: không sửa được.")
    if request.method == "POST" and form.is_valid():
        try:
            S.package_update_narrative(actor=request.user, package=package,
                                       narrative={s["key"]: form.cleaned_data[s["key"]] for s in sections})
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Đã lưu lời văn của báo cáo.")
            return redirect(_detail_url(package))
    return render(request, "reports/packages/narrative.html", {"package": package, "form": form})


def _confirm(request, pk, *, action: str, title: str, text: str, button: str, done, reason: bool = False):
    """A confirm page (GET) and the service call (POST); a refusal comes back on the page."""
    package = _writable(request, pk)
    problems: list[str] = []
    if request.method == "POST":
        try:
            kwargs = {"reason": request.POST.get("reason", "")} if reason else {}
            package = done(actor=request.user, package=package, **kwargs)
        except ValidationFailed as exc:
            problems = _problems(exc)
        except DomainError as exc:
            problems = [exc.message]
        else:
            messages.success(request, title + ": xong.")
            return redirect(_detail_url(package))
    return render(request, "reports/packages/confirm.html", {
        "package": package, "action": action, "title": title, "text": text, "button": button, "problems": problems,
        "reason": reason, "reason_value": request.POST.get("reason", "")})


@login_required
@require_http_methods(["GET", "POST"])
def package_submit(request, pk):
    return _confirm(request, pk, action="submit", title="Nộp báo cáo",
                    text="Sau khi nộp, số liệu và tệp Word của báo cáo được khóa: không sửa, không tạo lại số liệu "
                         "được nữa (chỉ cấp ủy cấp trên mở lại được, kèm lý do).",
                    button="Nộp báo cáo", done=S.package_submit)


def _regenerate(*, actor, package):
    return S.package_generate(actor=actor, org=package.org, template_code=package.template_code, year=package.year)


@login_required
@require_http_methods(["GET", "POST"])
def package_regenerate(request, pk):
    return _confirm(request, pk, action="regenerate", title="Tạo lại số liệu",
                    text="Số liệu được tính lại từ dữ liệu hiện hành (theo phiên bản mẫu đang dùng) thành một lần "
                         "tạo mới; các lần trước vẫn được lưu, lời văn giữ nguyên.",
                    button="Tạo lại số liệu", done=_regenerate)


@login_required
@require_http_methods(["GET", "POST"])
def package_reopen(request, pk):
    return _confirm(request, pk, action="reopen", title="Mở lại báo cáo đã nộp",
                    text="Báo cáo trở về dự thảo; bản đã nộp (số liệu và tệp Word) vẫn được lưu nguyên. Chỉ cấp ủy "
                         "cấp trên mở lại được, phải ghi lý do.",
                    button="Mở lại báo cáo", done=S.package_reopen, reason=True)


@login_required
def package_docx(request, pk):
    package = _package(request, pk)
    response = HttpResponse(S.package_docx_bytes(package=package), content_type=PD.DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{PE.package_filename(package)}"'
    return response


@login_required
def package_diff(request, pk):
    package = _package(request, pk)
    today = timezone.localdate()
    problems: list[str] = []
    day = None
    raw = request.GET.get("ngay", "").strip()
    if raw:
        try:
            day = parse_date(raw)
        except ValueError as exc:
            problems.append(str(exc))
    diff = None
    try:
        diff = PK.package_diff(actor=request.user, package=package, day=day, today=today)
    except ValidationFailed as exc:
        problems += _problems(exc)
    return render(request, "reports/packages/diff.html", {"package": package, "diff": diff, "problems": problems,
                                                          "today": today, "raw_day": raw})


# -- consolidation ----------------------------------------------------------------------------------------------
def _consolidation_params(request):
    problems: list[str] = []
    code = request.GET.get("mau", "").strip() or None
    year = parse_int(request.GET.get("nam", ""))
    if year is not None and not isinstance(year, int):
        problems.append(f"Năm “{year}” không phải một năm; đang hiện năm gần nhất đã qua ngày chốt số liệu.")
        year = None
    return code, year, problems


@login_required
def consolidation_page(request):
    """Tổng hợp báo cáo: an org in scope (?to_chuc=, default the scope's root), a template and a year."""
    code, year, problems = _consolidation_params(request)
    roots = list(org_selectors.org_scope_roots(actor=request.user))
    raw_org = request.GET.get("to_chuc", "").strip()
    org = org_selectors.org_get(actor=request.user, pk=raw_org) if raw_org else (roots[0] if roots else None)
    templates = list(PK.package_templates())
    data = None
    if org is not None and templates:
        try:
            data = consolidation_for(request.user, org, code, year)
        except ValidationFailed as exc:
            problems += _problems(exc)
        except DomainError as exc:
            problems.append(exc.message)
    query = ""
    if data is not None:
        query = urlencode({"mau": data.template.code, "nam": data.year})
    return render(request, "reports/packages/consolidation.html", {
        "org": org, "roots": roots, "templates": templates, "data": data, "problems": problems, "query": query,
        "code": code or (data.template.code if data else ""), "year": data.year if data else (year or ""),
        "children": list(org_selectors.org_children(org=org)) if org else [],
        "ancestors": org_selectors.org_ancestors(actor=request.user, org=org) if org else [],
        "can_write": scope_for(request.user).can_write, "live_label": PK.LIVE_LABEL})


@login_required
def consolidation_xlsx(request, pk):
    org = org_selectors.org_get(actor=request.user, pk=pk)
    code, year, problems = _consolidation_params(request)
    back = f"{reverse('reports:consolidation')}?{urlencode({'to_chuc': org.pk, **request.GET.dict()})}"
    try:
        data = consolidation_for(request.user, org, code, year)
    except DomainError as exc:
        problems += _problems(exc) if isinstance(exc, ValidationFailed) else [exc.message]
        data = None
    if data is None or problems:
        for p in problems:
            messages.error(request, p)
        return redirect(back)
    audit_export(actor=request.user, what=PE.consolidation_filename(data), scope_org=data.org,
                 rows=len(data.children), note=f"Tổng hợp báo cáo {data.template.code} năm {data.year} (.xlsx)")
    response = HttpResponse(PE.consolidation_xlsx(data), content_type=PE.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{PE.consolidation_filename(data)}"'
    return response


# -- administrators: templates -----------------------------------------------------------------------------------
def _require_admin(request) -> None:
    if scope_for(request.user).role != Role.ADMIN:
        raise PermissionDenied(S.ADMIN_ONLY)


class TemplateForm(BootstrapFormMixin, forms.Form):
    """Parses only: the service names every problem."""

    code = forms.CharField(label="Mã mẫu", required=False, max_length=60)
    title = forms.CharField(label="Tên mẫu (sau chữ “Báo cáo”, năm được thêm vào cuối)", required=False,
                            max_length=400)
    kind = forms.ChoiceField(label="Loại báo cáo", required=False, choices=PackageKind.choices)
    form_codes = forms.MultipleChoiceField(label="Các biểu thống kê", required=False,
                                           widget=forms.CheckboxSelectMultiple)
    cutoff = forms.CharField(label="Ngày chốt số liệu (ngày/tháng, ví dụ 15/11)", required=False, max_length=10)
    start = forms.CharField(label="Ngày bắt đầu kỳ (ngày/tháng; sau ngày chốt thì thuộc năm trước)", required=False,
                            max_length=10)
    deadline_days = forms.CharField(label="Hạn nộp: số ngày sau ngày chốt", required=False, max_length=10)
    sections = forms.CharField(label="Các phần lời văn (mỗi dòng “mã: tiêu đề”)", required=False,
                               widget=forms.Textarea(attrs={"rows": 6, "class": "form-control font-monospace small"}))
    docx = forms.FileField(label="Tệp mẫu Word (.docx, docxtpl); để trống thì giữ tệp hiện có", required=False)
    position = forms.CharField(label="Thứ tự", required=False, max_length=6)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form_codes"].choices = [(f.code, f"{f.code} — {f.title}") for f in
                                             ReportForm.objects.filter(active=True)]
        self.fields["form_codes"].widget.attrs.pop("class", None)


def _day_month(text: str):
    """'15/11' → (15, 11); what cannot be read comes back as typed (the service names it)."""
    day, _sep, month = (text or "").strip().partition("/")
    d, m = parse_int(day), parse_int(month)
    return (d if d is not None else text), (m if m is not None else text)


def _template_initial(t: ReportPackageTemplate | None) -> dict:
    if t is None:
        return {"kind": PackageKind.ANNUAL, "cutoff": "15/11", "start": "01/01", "deadline_days": "15",
                "position": "100", "sections": "danh_gia_chung: Đánh giá chung tình hình\nphuong_huong: "
                                                "Phương hướng, nhiệm vụ kỳ tới"}
    return {"code": t.code, "title": t.title, "kind": t.kind, "form_codes": t.form_codes,
            "cutoff": f"{t.cutoff_day:02d}/{t.cutoff_month:02d}", "start": f"{t.start_day:02d}/{t.start_month:02d}",
            "deadline_days": str(t.deadline_days), "position": str(t.position), "note": t.note,
            "sections": "\n".join(f"{s['key']}: {s['label']}" for s in t.sections)}


@login_required
def templates_page(request):
    _require_admin(request)
    return render(request, "reports/packages/templates.html", {
        "templates": [(t, PK.package_period(t, default_year(t, timezone.localdate())))
                      for t in PK.package_templates()],
        "old": PK.package_templates(include_old=True).filter(superseded_at__isnull=False)})


def _template_edit(request, instance: ReportPackageTemplate | None):
    _require_admin(request)
    form = TemplateForm(request.POST or None, request.FILES or None, initial=_template_initial(instance))
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        cutoff_day, cutoff_month = _day_month(cd["cutoff"])
        start_day, start_month = _day_month(cd["start"] or "01/01")
        upload = cd.get("docx")
        position = parse_int(cd["position"])
        try:
            saved = S.package_template_save(
                actor=request.user, template=instance, code=cd["code"], title=cd["title"], kind=cd["kind"],
                form_codes=list(cd["form_codes"]), cutoff_day=cutoff_day, cutoff_month=cutoff_month,
                start_day=start_day, start_month=start_month, deadline_days=parse_int(cd["deadline_days"]),
                sections=S.parse_sections(cd["sections"]), docx=upload.read() if upload else None,
                docx_name=upload.name if upload else "", note=cd["note"],
                position=position if isinstance(position, int) and 0 <= position <= 32767 else 100)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Đã lưu mẫu {saved.code}, phiên bản {saved.version}.")
            return redirect("reports:package_templates")
    return render(request, "reports/packages/template_edit.html", {"form": form, "instance": instance})


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request):
    return _template_edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, pk):
    _require_admin(request)
    instance = ReportPackageTemplate.objects.filter(pk=pk, superseded_at__isnull=True).first()
    if instance is None:
        raise Http404
    return _template_edit(request, instance)


@login_required
def template_docx(request, pk):
    """The .docx of any version of a template: to edit in Word and upload again (administrators)."""
    _require_admin(request)
    instance = ReportPackageTemplate.objects.filter(pk=pk).first()
    if instance is None:
        raise Http404
    response = HttpResponse(bytes(instance.docx), content_type=PD.DOCX_TYPE)
    name = PE._slug(instance.code)
    response["Content-Disposition"] = f'attachment; filename="mau_{name}_v{instance.version}.docx"'
    return response

