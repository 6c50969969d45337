"""Writes of periodic report packages (báo cáo định kỳ) and their templates. One transaction each: check the
scope and role, validate (all problems at once, Vietnamese messages naming the rule), write, exactly one
audit row.

- ``package_template_save`` (administrators): a new version of a template; the live one is superseded;
- ``package_generate``: a draft for an org, a template and a year (the figures computed and stored as a
  snapshot), or, for an existing draft, a new version of its figures (old versions kept);
- ``package_update_narrative``: the narrative parts of a draft;
- ``package_submit``: the package is frozen: the figures of its current version and the .docx are stored
  and never recomputed;
- ``package_reopen``: the superior level (write scope over the org's parent, not the org's own officers)
  returns a submitted package to draft, with a reason.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from tcxd.audit.services import audit_record
from tcxd.authz.guards import require_write
from tcxd.authz.models import Role
from tcxd.authz.scope import scope_for
from tcxd.common.errors import NotFound, PermissionDenied, ValidationFailed
from tcxd.common.fmt import fmt_date
from tcxd.orgs.models import Org
from tcxd.orgs.selectors import org_version_on

from . import package_docx as PD
from . import packages as PK
from .models import PackageKind, PackageStatus, ReportForm, ReportPackage, ReportPackageTemplate, ReportPackageVersion

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ADMIN_ONLY = "Chỉ quản trị hệ thống được thêm hoặc sửa mẫu báo cáo định kỳ."
MAX_NARRATIVE = 20_000
MAX_SECTIONS = 20


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# -- templates -----------------------------------------------------------------------------------------------
def _template_snapshot(t: ReportPackageTemplate | None) -> dict | None:
    if t is None:
        return None
    return {"code": t.code, "version": t.version, "kind": t.kind, "title": t.title, "form_codes": t.form_codes,
            "cutoff": f"{t.cutoff_day:02d}/{t.cutoff_month:02d}", "start": f"{t.start_day:02d}/{t.start_month:02d}",
            "deadline_days": t.deadline_days, "sections": t.sections, "docx_name": t.docx_name,
            "docx_bytes": len(bytes(t.docx or b""))}


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _day_month_errors(day, month, label: str) -> list[str]:
    if not _is_int(month) or not 1 <= month <= 12:
        return [f"Tháng của {label} là số từ 1 đến 12; đã nhập “{month}”."]
    last = 29 if month == 2 else [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    if not _is_int(day) or not 1 <= day <= last:
        return [f"Ngày của {label} phải từ 1 đến {last} (tháng {month}); đã nhập “{day}”."]
    return []


def template_errors(*, code, title, kind, form_codes, cutoff_day, cutoff_month, start_day, start_month,
                    deadline_days, sections, existing_code: str | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not CODE_RE.match(code or ""):
        errors["code"] = ["Mã mẫu gồm chữ không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới, tối đa 40 ký tự, "
                          f"ví dụ BC-NAM; đã nhập “{code}”."]
    elif existing_code is None and ReportPackageTemplate.objects.filter(code=code).exists():
        errors["code"] = [f"Đã có mẫu báo cáo mã “{code}”: sửa mẫu đó (mỗi lần sửa là một phiên bản mới)."]
    elif existing_code is not None and code != existing_code:
        errors["code"] = [f"Không đổi được mã của mẫu ({existing_code}): các báo cáo đã tạo theo mẫu dùng mã này."]
    if not title or len(title) > 300:
        errors["title"] = ["Chưa nhập tên mẫu (tối đa 300 ký tự)."]
    if kind not in PackageKind.values:
        errors["kind"] = [f"Loại báo cáo “{kind}” không có; chọn một trong: "
                          + "; ".join(f"{label} ({v})" for v, label in PackageKind.choices) + "."]
    if not isinstance(form_codes, list) or not form_codes or not all(isinstance(c, str) for c in form_codes):
        errors["form_codes"] = ["Mẫu báo cáo phải gồm ít nhất một biểu thống kê."]
    else:
        known = set(ReportForm.objects.filter(active=True).values_list("code", flat=True))
        unknown = [c for c in form_codes if c not in known]
        if unknown:
            errors["form_codes"] = [f"Không có biểu thống kê đang dùng mã {', '.join(unknown)}."]
        elif len(set(form_codes)) != len(form_codes):
            errors["form_codes"] = ["Mỗi biểu thống kê chỉ chọn một lần."]
    cutoff = _day_month_errors(cutoff_day, cutoff_month, "ngày chốt số liệu")
    if cutoff:
        errors["cutoff"] = cutoff
    start = _day_month_errors(start_day, start_month, "ngày bắt đầu kỳ báo cáo")
    if start:
        errors["start"] = start
    if not _is_int(deadline_days) or not 0 <= deadline_days <= 366:
        errors["deadline_days"] = ["Hạn nộp là số ngày sau ngày chốt số liệu, từ 0 đến 366; "
                                   f"đã nhập “{deadline_days}”."]
    section_errors = []
    if not isinstance(sections, list) or not all(isinstance(s, dict) for s in sections):
        section_errors.append("Các phần lời văn phải là danh sách {key, label}.")
    else:
        if len(sections) > MAX_SECTIONS:
            section_errors.append(f"Tối đa {MAX_SECTIONS} phần lời văn.")
        keys = [s.get("key") for s in sections]
        for s in sections:
            if not isinstance(s.get("key"), str) or not KEY_RE.match(s["key"]):
                section_errors.append(f"Mã phần lời văn “{s.get('key')}” chỉ gồm chữ thường không dấu, số và gạch "
                                      "dưới, bắt đầu bằng chữ, ví dụ danh_gia_chung.")
            if not isinstance(s.get("label"), str) or not s["label"].strip() or len(s["label"]) > 200:
                section_errors.append(f"Phần lời văn “{s.get('key')}” thiếu tiêu đề (tối đa 200 ký tự).")
        if len(set(map(str, keys))) != len(keys):
            section_errors.append("Mã các phần lời văn bị trùng.")
    if section_errors:
        errors["sections"] = section_errors
    return errors


def parse_sections(text: str) -> list[dict] | str:
    """'danh_gia_chung: Đánh giá chung' one a line → [{key, label}]; a line without ':' comes back as typed."""
    out = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        key, sep, label = line.partition(":")
        if not sep:
            out.append({"key": line.strip(), "label": ""})
            continue
        out.append({"key": key.strip(), "label": label.strip()})
    return out


@transaction.atomic
def package_template_save(*, actor, template: ReportPackageTemplate | None = None, code: str, title: str,
                          kind: str, form_codes: list, cutoff_day: int, cutoff_month: int, deadline_days: int,
                          start_day: int = 1, start_month: int = 1, sections: list | None = None,
                          docx: bytes | None = None, docx_name: str = "", note: str = "",
                          position: int = 100) -> ReportPackageTemplate:
    """Add a template (``template`` None) or save the next version of ``template`` (its live version is
    superseded; packages made from it keep it). ``docx`` None keeps the previous version's .docx."""
    if scope_for(actor).role != Role.ADMIN:
        raise PermissionDenied(ADMIN_ONLY)
    code, title = (code or "").strip(), (title or "").strip()
    sections = sections if sections is not None else (template.sections if template else [])
    errors = template_errors(code=code, title=title, kind=kind, form_codes=form_codes, cutoff_day=cutoff_day,
                             cutoff_month=cutoff_month, start_day=start_day, start_month=start_month,
                             deadline_days=deadline_days, sections=sections,
                             existing_code=template.code if template else None)
    if docx is None and template is None:
        docx, docx_name = PD.default_template_docx(), f"{code or 'mau'}.docx"
    if docx is not None and "sections" not in errors:
        problems = PD.template_problems(docx, sections)
        if problems:
            errors["docx"] = problems
    if len(note or "") > 2000:
        errors["note"] = ["Ghi chú tối đa 2.000 ký tự."]
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    previous = None
    version = 1
    if template is not None:
        previous = ReportPackageTemplate.objects.select_for_update().get(pk=template.pk)
        if previous.superseded_at is not None:
            raise ValidationFailed({"template": [
                f"Phiên bản {previous.version} của mẫu {previous.code} đã được thay bằng phiên bản sau: "
                "mở lại mẫu để sửa phiên bản đang dùng."]})
        version = (ReportPackageTemplate.objects.filter(code=code).order_by("-version")
                   .values_list("version", flat=True).first() or 0) + 1
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
        if docx is None:
            docx, docx_name = bytes(previous.docx), previous.docx_name
    saved = ReportPackageTemplate.objects.create(
        code=code, version=version, kind=kind, title=title, form_codes=list(form_codes), cutoff_day=cutoff_day,
        cutoff_month=cutoff_month, start_day=start_day, start_month=start_month, deadline_days=deadline_days,
        sections=sections, docx=docx, docx_name=(docx_name or f"{code}.docx")[:200], note=(note or "").strip(),
        position=position, created_by=_user(actor), created_at=now)
    audit_record(actor=actor, action="package_template.create" if previous is None else "package_template.update",
                 obj=saved, before=_template_snapshot(previous), after=_template_snapshot(saved))
    return saved


# -- packages ----------------------------------------------------------------------------------------------
def _package_snapshot(p: ReportPackage | None) -> dict | None:
    if p is None:
        return None
    return {"org": p.org_id, "template": p.template_code, "template_version": p.template.version, "year": p.year,
            "status": p.status, "version": p.current_version, "cutoff": p.cutoff.isoformat(),
            "deadline": p.deadline.isoformat(), "narrative_chars": {k: len(v) for k, v in (p.narrative or {}).items()}}


def _require_draft(package: ReportPackage, doing: str) -> None:
    if package.is_frozen:
        raise ValidationFailed({"status": [
            f"Báo cáo đã nộp ngày {fmt_date(package.submitted_on)} và đã khóa số liệu: không {doing} được nữa "
            "(cấp ủy cấp trên có thể mở lại, kèm lý do)."]})


def _locked(package: ReportPackage) -> ReportPackage:
    return ReportPackage.objects.select_for_update().select_related("template", "org").get(pk=package.pk)


@transaction.atomic
def package_generate(*, actor, org: Org, template_code: str, year) -> ReportPackage:
    """A draft package of ``org`` for the live template ``template_code`` and ``year``, its figures computed
    on the cut-off day and stored; if a draft exists, a new version of its figures from the live template
    (the narrative is kept). A submitted package is not generated again."""
    require_write(actor, org.path)
    template = ReportPackageTemplate.objects.filter(code=template_code, superseded_at__isnull=True).first()
    today = timezone.localdate()
    if template is None:
        raise ValidationFailed({"template": [f"Không có mẫu báo cáo định kỳ mã “{template_code}”; chọn một trong: "
                                             + ", ".join(PK.package_templates().values_list("code", flat=True))
                                             + "."]})
    problems = PK.year_problems(template, year, today=today)
    if problems:
        raise ValidationFailed({"year": problems})
    period = PK.package_period(template, year)
    version = org_version_on(org=org, day=period.cutoff)
    if version is None:
        raise ValidationFailed({"org": [f"{org.name} chưa thành lập hoặc đã giải thể tại ngày chốt số liệu "
                                        f"{fmt_date(period.cutoff)}: không có báo cáo kỳ này."]})
    Org.objects.select_for_update().filter(pk=org.pk).first()  # one writer per org at a time
    package = ReportPackage.objects.filter(org=org, template_code=template.code, year=year).first()
    before = None
    if package is not None:
        package = _locked(package)
        before = _package_snapshot(package)
        _require_draft(package, "tạo lại số liệu")
    figures = PK.build_figures(actor=actor, template=template, org=org, period=period, today=today)
    now = timezone.now()
    if package is None:
        package = ReportPackage.objects.create(
            org=org, template_code=template.code, template=template, year=year, period_start=period.start,
            cutoff=period.cutoff, deadline=period.deadline, org_name=version.name, narrative={},
            current_version=1, created_by=_user(actor), created_at=now, updated_at=now)
    else:
        package.current_version += 1
        package.template = template
        package.period_start, package.cutoff, package.deadline = period.start, period.cutoff, period.deadline
        package.org_name, package.updated_at = version.name, now
        package.save(update_fields=["current_version", "template", "period_start", "cutoff", "deadline", "org_name",
                                    "updated_at"])
    ReportPackageVersion.objects.create(package=package, number=package.current_version, template=template,
                                        figures=figures, generated_by=_user(actor), generated_at=now)
    audit_record(actor=actor, action="package.generate" if before is None else "package.regenerate", obj=package,
                 org=org, before=before, after=_package_snapshot(package))
    return package


def narrative_errors(template: ReportPackageTemplate, narrative) -> dict[str, list[str]]:
    if not isinstance(narrative, dict):
        return {"narrative": ["Lời văn là một đối tượng {mã phần: nội dung}."]}
    keys = {s["key"]: s["label"] for s in template.sections}
    errors: dict[str, list[str]] = {}
    for key, text in narrative.items():
        if key not in keys:
            errors.setdefault("narrative", []).append(
                f"Mẫu {template.code} không có phần lời văn “{key}”; các phần: {', '.join(keys) or '(không có)'}.")
        elif not isinstance(text, str):
            errors[key] = [f"Nội dung phần “{keys[key]}” phải là văn bản."]
        elif len(text) > MAX_NARRATIVE:
            errors[key] = [f"Phần “{keys[key]}” dài {len(text)} ký tự; tối đa {MAX_NARRATIVE:,} ký tự."
                           .replace(",", ".")]
    return errors


@transaction.atomic
def package_update_narrative(*, actor, package: ReportPackage, narrative: dict) -> ReportPackage:
    """Set the narrative parts named in ``narrative`` (the others are kept) of a draft."""
    require_write(actor, package.org.path)
    package = _locked(package)
    _require_draft(package, "sửa lời văn")
    errors = narrative_errors(package.template, narrative)
    if errors:
        raise ValidationFailed(errors)
    before = _package_snapshot(package)
    cleaned = {k: v.replace("\r\n", "\n").strip() for k, v in narrative.items()}
    package.narrative = {**(package.narrative or {}), **cleaned}
    package.updated_at = timezone.now()
    package.save(update_fields=["narrative", "updated_at"])
    audit_record(actor=actor, action="package.narrative", obj=package, org=package.org, before=before,
                 after=_package_snapshot(package))
    return package


def package_docx_bytes(*, package: ReportPackage, version: ReportPackageVersion | None = None) -> bytes:
    """The package's Word document: the stored one once submitted; a draft's rendered from its stored figures
    and narrative (nothing recomputed) through its template version."""
    version = version or PK.package_current_version(package=package)
    if version.docx:
        return bytes(version.docx)
    template = version.template
    context = PD.docx_context(
        title=template.title, kind_label=PackageKind(template.kind).label, org_name=package.org_name,
        year=package.year, period_start=package.period_start, cutoff=package.cutoff, deadline=package.deadline,
        status_label=package.get_status_display(), version=version.number,
        issued=timezone.localtime(version.generated_at).date(), sections=template.sections,
        narrative=package.narrative, forms=PK.figures_forms(version.figures))
    return PD.render_docx(bytes(template.docx), context)


@transaction.atomic
def package_submit(*, actor, package: ReportPackage) -> ReportPackage:
    """Submit the draft: it is frozen — the current version's figures and the .docx are stored and never
    recomputed; the day of submission decides on time (on or before the deadline) or late."""
    require_write(actor, package.org.path)
    package = _locked(package)
    _require_draft(package, "nộp lại")
    missing = [s["label"] for s in package.template.sections if not (package.narrative or {}).get(s["key"], "").strip()]
    if missing:
        raise ValidationFailed({"narrative": [f"Chưa viết phần lời văn: {', '.join(missing)}. Báo cáo nộp phải đủ "
                                              "các phần lời văn của mẫu."]})
    before = _package_snapshot(package)
    now = timezone.now()
    package.status, package.submitted_by, package.submitted_at = PackageStatus.SUBMITTED, _user(actor), now
    package.submitted_on, package.updated_at = timezone.localdate(now), now
    version = PK.package_current_version(package=package)
    version.docx = package_docx_bytes(package=package, version=version)
    version.save(update_fields=["docx"])
    package.save(update_fields=["status", "submitted_by", "submitted_at", "submitted_on", "updated_at"])
    audit_record(actor=actor, action="package.submit", obj=package, org=package.org, before=before,
                 after=_package_snapshot(package))
    return package


@transaction.atomic
def package_reopen(*, actor, package: ReportPackage, reason: str) -> ReportPackage:
    """Return a submitted package to draft (the superior level only: write scope over the org's parent),
    with a reason. The submitted version stays stored as it was; the draft goes on in a new version holding
    the same figures (nothing recomputed until someone generates again)."""
    scope = scope_for(actor)
    if not scope.contains(package.org.path):
        raise NotFound()
    parent_path = package.org.path[:-4] if package.org.depth > 1 else ""
    if not scope.can_write or not (scope.is_everything or (parent_path and scope.contains(parent_path))):
        raise PermissionDenied("Chỉ cấp ủy cấp trên (phạm vi gồm tổ chức cấp trên của đơn vị báo cáo) được mở lại "
                               "báo cáo đã nộp.")
    reason = (reason or "").strip()
    package = _locked(package)
    errors = {}
    if not package.is_frozen:
        errors["status"] = ["Báo cáo chưa nộp: không có gì để mở lại."]
    if not reason or len(reason) > 500:
        errors["reason"] = ["Phải ghi lý do mở lại báo cáo (tối đa 500 ký tự)."]
    if errors:
        raise ValidationFailed(errors)
    before = _package_snapshot(package)
    package.status, package.submitted_by, package.submitted_at, package.submitted_on = (
        PackageStatus.DRAFT, None, None, None)
    submitted = PK.package_current_version(package=package)
    now = timezone.now()
    package.current_version += 1
    package.updated_at = now
    package.save(update_fields=["status", "submitted_by", "submitted_at", "submitted_on", "current_version",
                                "updated_at"])
    ReportPackageVersion.objects.create(package=package, number=package.current_version, template=submitted.template,
                                        figures=submitted.figures, generated_by=_user(actor), generated_at=now)
    audit_record(actor=actor, action="package.reopen", obj=package, org=package.org, before=before,
                 after=_package_snapshot(package), note=reason)
    return package
