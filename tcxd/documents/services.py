"""Writes of the documents context: uploading a decision template and going back to the inherited one. Each in
one transaction with one audit row; the level (the whole system, or the actor's org) comes from the actor's role
(``selectors.manager_level``: other roles → 403)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tcxd.audit.services import audit_record
from tcxd.common.errors import ValidationFailed

from .kinds import DocumentKind
from .models import DocumentTemplate
from .rendering import template_problems
from .selectors import Level, manager_level, require_kind

MAX_NOTE = 2000


def _snapshot(row: DocumentTemplate | None) -> dict | None:
    if row is None:
        return None
    return {"kind": row.kind, "org": row.org_id, "version": row.version, "file_name": row.file_name,
            "has_file": bool(row.docx), "note": row.note}


def _next_version(kind: str, level: Level) -> tuple[DocumentTemplate | None, int]:
    """The level's live version (locked) and the number of the next one."""
    rows = DocumentTemplate.objects.filter(kind=kind)
    rows = rows.filter(org__isnull=True) if level.org is None else rows.filter(org=level.org)
    live = rows.select_for_update().filter(superseded_at__isnull=True).first()
    last = rows.order_by("-version").values_list("version", flat=True).first() or 0
    return live, last + 1


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def document_template_upload(*, actor, kind: str, content: bytes | None, file_name: str = "",
                             note: str = "") -> DocumentTemplate:
    """Save an edited .docx as the template of ``kind`` at the actor's level: refused, with every reason in
    Vietnamese, unless it is a Word document that renders with a sample record and uses only the document's
    placeholders."""
    level = manager_level(actor)
    require_kind(kind)
    errors: dict[str, list[str]] = {}
    problems = template_problems(content, kind)
    if problems:
        errors["file"] = problems
    if len(note or "") > MAX_NOTE:
        errors["note"] = ["Ghi chú tối đa 2.000 ký tự."]
    if errors:
        raise ValidationFailed(errors, message="Không lưu được mẫu: " + " ".join(problems or errors["note"]))
    live, version = _next_version(kind, level)
    now = timezone.now()
    if live is not None:
        live.superseded_at = now
        live.save(update_fields=["superseded_at"])
    saved = DocumentTemplate.objects.create(
        kind=kind, org=level.org, version=version, docx=content, file_name=(file_name or "mau.docx")[:200],
        note=(note or "").strip(), created_by=_user(actor), created_at=now)
    audit_record(actor=actor, action="document_template.upload", obj=saved, before=_snapshot(live),
                 after=_snapshot(saved), org=level.org,
                 note=f"Tải lên mẫu “{DocumentKind(kind).label}” ({level.label}), phiên bản {version}")
    return saved


@transaction.atomic
def document_template_revert(*, actor, kind: str, note: str = "") -> DocumentTemplate:
    """Stop using the level's own template of ``kind``: documents use the template of the level above, else the
    shipped default. Kept as a version without a file (the history shows it)."""
    level = manager_level(actor)
    require_kind(kind)
    live, version = _next_version(kind, level)
    if live is None or not live.docx:
        raise ValidationFailed({"kind": [f"Cấp {level.label} chưa có mẫu riêng cho “{DocumentKind(kind).label}”: "
                                         "văn bản đang dùng mẫu chung hoặc mẫu mặc định."]},
                               message="Không có mẫu riêng để khôi phục.")
    now = timezone.now()
    live.superseded_at = now
    live.save(update_fields=["superseded_at"])
    saved = DocumentTemplate.objects.create(kind=kind, org=level.org, version=version, docx=None,
                                            note=(note or "").strip()[:MAX_NOTE], created_by=_user(actor),
                                            created_at=now)
    audit_record(actor=actor, action="document_template.revert", obj=saved, before=_snapshot(live),
                 after=_snapshot(saved), org=level.org,
                 note=f"Khôi phục mẫu “{DocumentKind(kind).label}” ({level.label}) về mẫu chung / mặc định")
    return saved
