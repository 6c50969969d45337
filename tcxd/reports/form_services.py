"""Writes of report forms (biểu thống kê): administrators add or change a form. One transaction: check
the role, validate every field and the definition (all problems at once, Vietnamese messages naming
them), write, exactly one audit row."""

from __future__ import annotations

import json
import re

from django.db import transaction
from django.utils import timezone

from tcxd.audit.services import audit_record
from tcxd.authz.models import Role
from tcxd.authz.scope import scope_for
from tcxd.common.errors import PermissionDenied, ValidationFailed

from .models import FormKind, ReportForm
from .report_forms import definition_errors

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
ADMIN_ONLY = "Chỉ quản trị hệ thống được thêm hoặc sửa biểu thống kê."


def _snapshot(form: ReportForm | None) -> dict | None:
    if form is None:
        return None
    return {"code": form.code, "title": form.title, "description": form.description, "family": form.family,
            "kind": form.kind, "definition": form.definition, "active": form.active, "position": form.position}


def _require_admin(actor) -> None:
    if scope_for(actor).role != Role.ADMIN:
        raise PermissionDenied(ADMIN_ONLY)


@transaction.atomic
def report_form_save(*, actor, form: ReportForm | None = None, code: str, title: str, kind: str, definition,
                     description: str = "", family: str = "", active: bool = True,
                     position: int = 100) -> ReportForm:
    """Add a report form (``form`` None) or change ``form``. ``definition`` is a dict or its JSON text."""
    _require_admin(actor)
    code, title = (code or "").strip(), (title or "").strip()
    description, family = (description or "").strip(), (family or "").strip()
    errors: dict[str, list[str]] = {}
    if not CODE_RE.match(code):
        errors["code"] = ["Mã biểu gồm chữ không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới, tối đa 40 ký tự, "
                          f"ví dụ 3-TCTW; đã nhập “{code}”."]
    elif ReportForm.objects.filter(code=code).exclude(pk=getattr(form, "pk", None)).exists():
        errors["code"] = [f"Đã có biểu mã “{code}”: mỗi biểu một mã riêng."]
    if not title or len(title) > 300:
        errors["title"] = ["Chưa nhập tên biểu (tối đa 300 ký tự)."]
    if len(family) > 40:
        errors["family"] = ["Họ biểu tối đa 40 ký tự."]
    if len(description) > 5000:
        errors["description"] = ["Mô tả tối đa 5.000 ký tự."]
    if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position <= 32767:
        errors["position"] = ["Thứ tự là số nguyên từ 0 đến 32.767."]
    if kind not in FormKind.values:
        errors["kind"] = [f"Loại số liệu “{kind}” không có; chọn một trong: "
                          + "; ".join(f"{label} ({v})" for v, label in FormKind.choices) + "."]
    else:
        problems = definition_errors(kind, definition, on=timezone.localdate())
        if problems:
            errors["definition"] = problems
    if errors:
        raise ValidationFailed(errors)
    if isinstance(definition, str):
        definition = json.loads(definition)
    before = _snapshot(form)
    if form is None:
        form = ReportForm()
    else:
        form = ReportForm.objects.select_for_update().get(pk=form.pk)
    form.code, form.title, form.description, form.family = code, title, description, family
    form.kind, form.definition, form.active, form.position = kind, definition, active, position
    form.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    form.updated_at = timezone.now()
    form.save()
    audit_record(actor=actor, action="report_form.create" if before is None else "report_form.update", obj=form,
                 before=before, after=_snapshot(form))
    return form
