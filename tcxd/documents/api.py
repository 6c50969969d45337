"""JSON API of the documents: a member's phiếu and lý lịch (Word, PDF), the decision documents filled from the record,
and the decision templates (download, upload, revert). The same selectors and services as the pages, the same
scoping (member out of scope → 404; decisions and templates: organization-commission roles, else 403); every
download of personal data audited."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from tcxd.audit.services import audit_export
from tcxd.common.errors import DomainError
from tcxd.common.schemas import ERRORS, READ_ERRORS, ErrorOut
from tcxd.members import printing
from tcxd.members import selectors as MS

from . import selectors as S
from . import services
from .context import placeholders
from .dossier_docx import RENDERERS
from .kinds import SPECS, DocumentKind
from .models import DocumentTemplate
from .rendering import DOCX_TYPE, MAX_TEMPLATE_BYTES

router = Router(tags=["Văn bản: lý lịch, phiếu, quyết định theo mẫu"])
GUARDED_READ = {**READ_ERRORS, 403: ErrorOut}
KIND_DOC = "Văn bản: " + "; ".join(f"{v} ({label})" for v, label in DocumentKind.choices) + "."


class DocumentPlaceholderOut(Schema):
    name: str
    description: str


class DocumentTemplateOut(Schema):
    kind: str
    label: str
    level: str
    source: str
    own: bool
    version: int | None
    placeholders: list[DocumentPlaceholderOut]


class DocumentTemplateVersionOut(Schema):
    kind: str
    version: int
    org_id: int | None
    file_name: str
    reverted: bool
    note: str
    created_at: dt.datetime


class DocumentTemplateNoteIn(Schema):
    note: str = ""


def _file(content: bytes, name: str, content_type: str = DOCX_TYPE) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _template_out(level: S.Level, kind: str) -> dict:
    effective = S.effective_template(kind=kind, org=level.org)
    own = effective.row is not None and effective.row.org_id == (level.org.pk if level.org else None)
    return {"kind": kind, "label": DocumentKind(kind).label, "level": level.label, "source": effective.source,
            "own": own, "version": effective.row.version if effective.row else None,
            "placeholders": [{"name": k, "description": v} for k, v in placeholders(kind).items()]}


def _version_out(row: DocumentTemplate) -> dict:
    return {"kind": row.kind, "version": row.version, "org_id": row.org_id, "file_name": row.file_name,
            "reverted": row.is_revert, "note": row.note, "created_at": row.created_at}


# ---- a member's documents ------------------------------------------------------------------------------

def _dossier_file(request, member_id: int, document: str, fmt: str):
    member = MS.member_get(actor=request.auth, pk=member_id)
    context = S.dossier_document_context(actor=request.auth, member=member)
    stem = "phieu-dang-vien" if document == printing.PHIEU else "ly-lich-dang-vien"
    if fmt == "pdf":
        if not printing.pdf_available():
            raise DomainError("pdf_unavailable", "Máy chủ chưa cài bộ dựng PDF (WeasyPrint).")
        content, content_type = printing.render_pdf(context, document=document), "application/pdf"
    else:
        content, content_type = RENDERERS[document](context), DOCX_TYPE
    audit_export(actor=request.auth, what=f"{stem}/{member.pk}.{fmt}", scope_org=member.org, rows=1,
                 note=f"Tải {fmt.upper()} {printing.TITLES[document].lower()} (API): {member.full_name}")
    return _file(content, f"{stem}-{member.pk}.{fmt}", content_type)


@router.get("/members/{member_id}/phieu/docx", response={200: None, **READ_ERRORS},
            summary="Phiếu đảng viên (2-HSĐV), Word")
def phieu_docx(request, member_id: int):
    return _dossier_file(request, member_id, printing.PHIEU, "docx")


@router.get("/members/{member_id}/phieu/pdf", response={200: None, **READ_ERRORS},
            summary="Phiếu đảng viên (2-HSĐV), PDF")
def phieu_pdf(request, member_id: int):
    return _dossier_file(request, member_id, printing.PHIEU, "pdf")


@router.get("/members/{member_id}/ly-lich/docx", response={200: None, **READ_ERRORS},
            summary="Lý lịch đảng viên (1-HSĐV), Word")
def cv_docx(request, member_id: int):
    return _dossier_file(request, member_id, printing.LY_LICH, "docx")


@router.get("/members/{member_id}/ly-lich/pdf", response={200: None, **READ_ERRORS},
            summary="Lý lịch đảng viên (1-HSĐV), PDF")
def cv_pdf(request, member_id: int):
    return _dossier_file(request, member_id, printing.LY_LICH, "pdf")


@router.get("/members/{member_id}/decisions/{doc_kind}", response={200: None, **GUARDED_READ},
            summary="Văn bản theo mẫu (Word) về một sự kiện của đảng viên",
            description=KIND_DOC + " event_id: sự kiện (mặc định sự kiện gần nhất phù hợp). Chỉ Ban Tổ chức.")
def decision(request, member_id: int, doc_kind: str, event_id: int | None = None):
    member = MS.member_get(actor=request.auth, pk=member_id)
    filled = S.decision_document(actor=request.auth, member=member, kind=doc_kind, event_id=event_id)
    audit_export(actor=request.auth, what=f"{SPECS[doc_kind].file_stem}/{member.pk}", scope_org=member.org, rows=1,
                 note=f"Soạn {filled.title.lower()} (API, sự kiện ngày {filled.event.on:%d/%m/%Y}): {member.full_name}")
    return _file(filled.content, filled.file_name)


# ---- the templates ---------------------------------------------------------------------------------------

@router.get("/templates", response={200: list[DocumentTemplateOut], **GUARDED_READ},
            summary="Mẫu văn bản đang dùng ở cấp của người dùng, với danh sách thẻ")
def templates_list(request):
    level = S.manager_level(request.auth)
    return [_template_out(level, kind) for kind in DocumentKind.values]


@router.get("/templates/{doc_kind}/versions", response={200: list[DocumentTemplateVersionOut], **GUARDED_READ},
            summary="Các phiên bản mẫu ở cấp của người dùng", description=KIND_DOC)
def template_versions(request, doc_kind: str):
    level = S.manager_level(request.auth)
    return [_version_out(r) for r in S.own_history(level=level, kind=S.require_kind(doc_kind))]


@router.get("/templates/{doc_kind}/docx", response={200: None, **GUARDED_READ},
            summary="Tải mẫu đang dùng (Word, thẻ docxtpl)", description=KIND_DOC)
def template_docx(request, doc_kind: str):
    level = S.manager_level(request.auth)
    effective = S.effective_template(kind=S.require_kind(doc_kind), org=level.org)
    audit_export(actor=request.auth, what=f"mau-van-ban/{doc_kind}", scope_org=level.org, rows=0,
                 note=f"Tải mẫu “{DocumentKind(doc_kind).label}” (API, {effective.source})")
    return _file(effective.docx, effective.file_name)


@router.post("/templates/{doc_kind}", response={201: DocumentTemplateOut, **ERRORS},
             summary=f"Tải lên mẫu đã sửa (multipart: file .docx ≤ {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB, note)",
             description=KIND_DOC + " Mẫu được thử với một hồ sơ mẫu; thẻ lạ bị từ chối (400, nêu tên thẻ).")
def template_upload(request, doc_kind: str, note: Form[str] = "", file: File[UploadedFile | None] = None):
    level = S.manager_level(request.auth)
    content = file.read(MAX_TEMPLATE_BYTES + 1) if file is not None else None
    services.document_template_upload(actor=request.auth, kind=doc_kind, content=content,
                                      file_name=file.name if file is not None else "", note=note)
    return Status(201, _template_out(level, doc_kind))


@router.post("/templates/{doc_kind}/revert", response={200: DocumentTemplateOut, **ERRORS},
             summary="Khôi phục về mẫu chung / mẫu mặc định", description=KIND_DOC)
def template_revert(request, doc_kind: str, payload: DocumentTemplateNoteIn):
    level = S.manager_level(request.auth)
    services.document_template_revert(actor=request.auth, kind=doc_kind, note=payload.note)
    return _template_out(level, doc_kind)
