"""JSON API of the dossier's repeating parts, documents and photo: the same selectors and services as
the pages (``dossier_views``), the same scoping (out of scope → 404, read-only role → 403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, Http404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from tcxd.audit.services import audit_export
from tcxd.authz.guards import require_write_role
from tcxd.common.errors import DomainError, ValidationFailed
from tcxd.common.schemas import ERRORS, READ_ERRORS

from . import dossier_services as DS
from . import selectors as S
from .models import Attachment

router = Router(tags=["Hồ sơ đảng viên: quá trình, tài liệu, ảnh"])
KIND_DOC = "Loại dòng: work (công tác), training (đào tạo), travel (đi nước ngoài), reward (khen thưởng), family."


class RowOut(Schema):
    id: int
    kind: str
    data: dict[str, Any]


class RowIn(Schema):
    data: dict[str, Any]


class ReasonIn(Schema):
    note: str = ""


class AttachmentOut(Schema):
    id: int
    doc_type: str
    doc_type_label: str
    title: str
    event_id: int | None
    uploaded_at: dt.datetime
    has_file: bool


def _spec(kind: str) -> DS.RowKind:
    spec = DS.ROW_KINDS.get(kind)
    if spec is None:
        raise DomainError("unknown_row_kind", f"Loại dòng không hợp lệ. {KIND_DOC}", field="kind")
    return spec


def _row(request, kind: str, row_id: int):
    spec = _spec(kind)
    row = spec.model.objects.filter(pk=row_id).first()
    if row is None:
        raise Http404
    member = S.member_get(actor=request.auth, pk=row.member_id)
    return spec, row, member


def _parsed(spec: DS.RowKind, data: dict) -> dict:
    """JSON values → the service's types: ISO dates for the date fields (a bad one is named, in Vietnamese)."""
    out, errors = dict(data), {}
    for name in spec.dates:
        value = out.get(name)
        if isinstance(value, str) and value.strip():
            try:
                out[name] = dt.date.fromisoformat(value.strip())
            except ValueError:
                errors[name] = [f"Ngày không hợp lệ: “{value}” (định dạng YYYY-MM-DD)."]
    if errors:
        raise ValidationFailed(errors)
    return out


def _row_out(request, member, kind: str, row_id: int) -> dict:
    return next(r for r in S.dossier_rows(actor=request.auth, member=member, kind=kind) if r["id"] == row_id)


def _attachment(request, attachment_id: int):
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment, S.member_get(actor=request.auth, pk=attachment.member_id)


def _attachment_out(a: Attachment) -> dict:
    return {"id": a.pk, "doc_type": a.doc_type, "doc_type_label": a.get_doc_type_display(), "title": a.title,
            "event_id": a.event_id, "uploaded_at": a.uploaded_at, "has_file": bool(a.file)}


# ---- repeating rows --------------------------------------------------------------------------------

@router.get("/{member_id}/rows/{kind}", response={200: list[RowOut], **READ_ERRORS},
            summary="Các dòng quá trình / quan hệ gia đình", description=KIND_DOC)
def row_list(request, member_id: int, kind: str):
    _spec(kind)
    return S.dossier_rows(actor=request.auth, member=S.member_get(actor=request.auth, pk=member_id), kind=kind)


@router.post("/{member_id}/rows/{kind}", response={201: RowOut, **ERRORS}, summary="Thêm một dòng",
             description=KIND_DOC)
def row_add(request, member_id: int, kind: str, payload: RowIn):
    _spec(kind)
    member = S.member_get(actor=request.auth, pk=member_id)
    require_write_role(request.auth)
    row = DS.dossier_row_add(actor=request.auth, member=member, kind=kind, data=_parsed(DS.ROW_KINDS[kind],
                                                                                        payload.data))
    return Status(201, _row_out(request, member, kind, row.pk))


@router.patch("/rows/{kind}/{row_id}", response={200: RowOut, **ERRORS}, summary="Sửa một dòng",
              description=KIND_DOC)
def row_update(request, kind: str, row_id: int, payload: RowIn):
    spec, row, member = _row(request, kind, row_id)
    require_write_role(request.auth)
    DS.dossier_row_update(actor=request.auth, row=row, data=_parsed(spec, payload.data))
    return _row_out(request, member, kind, row_id)


@router.post("/rows/{kind}/{row_id}/delete", response={204: None, **ERRORS}, summary="Xóa một dòng",
             description=KIND_DOC + " Nhật ký thay đổi giữ nội dung cũ.")
def row_delete(request, kind: str, row_id: int, payload: ReasonIn):
    _spec_, row, _member = _row(request, kind, row_id)
    require_write_role(request.auth)
    DS.dossier_row_delete(actor=request.auth, row=row, note=payload.note)
    return Status(204, None)


# ---- documents -------------------------------------------------------------------------------------

@router.get("/{member_id}/attachments", response={200: list[AttachmentOut], **READ_ERRORS},
            summary="Tài liệu hồ sơ")
def attachment_list(request, member_id: int):
    member = S.member_get(actor=request.auth, pk=member_id)
    return [_attachment_out(a) for a in member.attachments.order_by("doc_type", "id")]


@router.post("/{member_id}/attachments", response={201: AttachmentOut, **ERRORS},
             summary="Tải lên tài liệu hồ sơ (multipart: doc_type, title, event_id, file — PDF/JPEG/PNG ≤ 10 MB)")
def attachment_add(request, member_id: int, doc_type: Form[str] = "", title: Form[str] = "",
                   event_id: Form[int | None] = None, file: File[UploadedFile | None] = None):
    member = S.member_get(actor=request.auth, pk=member_id)
    require_write_role(request.auth)
    event = None
    if event_id is not None:
        event = member.events.filter(pk=event_id).first()
        if event is None:
            raise DomainError("unknown_event", "Sự kiện không thuộc hồ sơ này.", field="event_id")
    attachment = DS.dossier_attachment_add(actor=request.auth, member=member, doc_type=doc_type, title=title,
                                           upload=file, event=event)
    return Status(201, _attachment_out(attachment))


@router.get("/attachments/{attachment_id}/file", response={200: None, **READ_ERRORS},
            summary="Tải về tài liệu (chỉ Ban Tổ chức; được ghi nhật ký)")
def attachment_download(request, attachment_id: int):
    attachment, member = _attachment(request, attachment_id)
    if not S.can_see_sensitive(request.auth):
        from tcxd.common.errors import PermissionDenied

        raise PermissionDenied("Chỉ Ban Tổ chức được tải tài liệu hồ sơ.")
    if not attachment.file:
        raise Http404
    audit_export(actor=request.auth, what=f"tai-lieu-ho-so/{attachment.pk}", scope_org=member.org, rows=1,
                 note=f"{member.full_name} (#{member.pk}): {attachment.get_doc_type_display()}")
    return FileResponse(attachment.file.open("rb"), as_attachment=True,
                        content_type=DS.attachment_content_type(attachment))


@router.post("/attachments/{attachment_id}/delete", response={204: None, **ERRORS}, summary="Gỡ tài liệu")
def attachment_remove(request, attachment_id: int, payload: ReasonIn):
    attachment, _member = _attachment(request, attachment_id)
    require_write_role(request.auth)
    DS.dossier_attachment_remove(actor=request.auth, attachment=attachment, note=payload.note)
    return Status(204, None)


# ---- photo -----------------------------------------------------------------------------------------

@router.get("/{member_id}/photo", response={200: None, **READ_ERRORS}, summary="Ảnh chân dung (JPEG)")
def photo_get(request, member_id: int):
    member = S.member_get(actor=request.auth, pk=member_id)
    if not member.photo:
        raise Http404
    return FileResponse(member.photo.open("rb"), content_type="image/jpeg")


@router.post("/{member_id}/photo", response={204: None, **ERRORS},
             summary="Đặt ảnh chân dung (multipart: photo — JPEG/PNG ≤ 5 MB; thu nhỏ, bỏ EXIF)")
def photo_set(request, member_id: int, photo: File[UploadedFile | None] = None):
    member = S.member_get(actor=request.auth, pk=member_id)
    require_write_role(request.auth)
    DS.dossier_photo_set(actor=request.auth, member=member, upload=photo)
    return Status(204, None)


@router.post("/{member_id}/photo/delete", response={204: None, **ERRORS}, summary="Gỡ ảnh chân dung")
def photo_remove(request, member_id: int, payload: ReasonIn):
    member = S.member_get(actor=request.auth, pk=member_id)
    require_write_role(request.auth)
    DS.dossier_photo_remove(actor=request.auth, member=member, note=payload.note)
    return Status(204, None)
