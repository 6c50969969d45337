"""Writes to the repeating parts of the dossier (2-HSĐV G/H: quá trình công tác, đào tạo, đi nước
ngoài, khen thưởng, quan hệ gia đình) and to its documents (tài liệu hồ sơ).

Same contract as ``services``: keyword-only ``actor``, one transaction, scope first (out of scope →
404, read-only role → 403), every error at once (``ValidationFailed``), exactly one audit row. A
history row may be deleted: it corrects a typed list, and the audit row keeps the before-values.
The audit rows are written against the member, so they show on the member's change history; the
family's political notes never reach the audit trail in clear (that history is readable by roles
that may not see them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone

from tcxd.audit import labels
from tcxd.audit.services import audit_record
from tcxd.authz.guards import require_write
from tcxd.common.errors import DomainError, PermissionDenied, ValidationFailed
from tcxd.common.fmt import fmt_date

from .codes import DocumentType, Relation
from .models import Attachment, FamilyMember, ForeignTravel, Member, Reward, TrainingHistory, WorkHistory
from .selectors import can_see_sensitive

MASK = "***"


@dataclass(frozen=True)
class RowKind:
    """One kind of repeating dossier row: its model, editable fields and what it requires."""

    code: str
    model: type[models.Model]
    label: str  # "quá trình công tác" (lower case, used inside sentences)
    fields: tuple[str, ...]
    required: dict[str, str] = field(default_factory=dict)  # field → message when missing
    dates: tuple[str, ...] = ()
    period: tuple[str, str] | None = None  # (from, to) with from ≤ to

    def verbose(self, name: str) -> str:
        return str(self.model._meta.get_field(name).verbose_name)


ROW_KINDS: dict[str, RowKind] = {k.code: k for k in (
    RowKind("work", WorkHistory, "quá trình công tác", ("from_date", "to_date", "position", "unit"),
            {"from_date": "Chưa nhập thời gian bắt đầu.", "position": "Chưa nhập chức vụ, công việc."},
            dates=("from_date", "to_date"), period=("from_date", "to_date")),
    RowKind("training", TrainingHistory, "quá trình đào tạo, bồi dưỡng",
            ("from_date", "to_date", "school", "field_of_study", "mode", "diploma"),
            {"from_date": "Chưa nhập thời gian bắt đầu.", "school": "Chưa nhập tên trường, cơ sở đào tạo."},
            dates=("from_date", "to_date"), period=("from_date", "to_date")),
    RowKind("travel", ForeignTravel, "lần đi nước ngoài", ("from_date", "to_date", "country", "purpose"),
            {"from_date": "Chưa nhập thời gian đi.", "country": "Chưa nhập nước đến."},
            dates=("from_date", "to_date"), period=("from_date", "to_date")),
    RowKind("reward", Reward, "khen thưởng", ("form", "level", "decision_no", "decided_on"),
            {"form": "Chưa nhập hình thức khen thưởng.", "decided_on": "Chưa nhập ngày quyết định."},
            dates=("decided_on",)),
    RowKind("family", FamilyMember, "quan hệ gia đình",
            ("relation", "full_name", "birth_year", "hometown", "residence", "occupation", "is_party_member",
             "political_notes"),
            {"relation": "Chưa chọn quan hệ.", "full_name": "Chưa nhập họ và tên."}),
)}
SENSITIVE_ROW_FIELDS = {"family": {"political_notes"}}

# Relatives whose birth year must be before (−) or after (+) the member's by at least this many years.
PARENT_GAP, GRANDPARENT_GAP = 12, 24
OLDEST_YEARS = 130

# Documents: PDF, JPEG, PNG only, by extension and by content.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
FILE_TYPES = {  # extension → (content type, magic prefix)
    "pdf": ("application/pdf", b"%PDF-"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
}

labels.register(
    actions={
        "member.row.add": "Thêm dòng quá trình / quan hệ gia đình",
        "member.row.update": "Sửa dòng quá trình / quan hệ gia đình",
        "member.row.delete": "Xóa dòng quá trình / quan hệ gia đình",
        "member.attachment.add": "Tải lên tài liệu hồ sơ",
        "member.attachment.remove": "Gỡ tài liệu hồ sơ",
        "member.photo.set": "Cập nhật ảnh đảng viên",
        "member.photo.remove": "Gỡ ảnh đảng viên",
    },
    fields={
        "row_kind": "Mục", "row_id": "Mã dòng", "from_date": "Từ", "to_date": "Đến",
        "position": "Chức vụ, công việc", "unit": "Đơn vị", "school": "Trường, cơ sở đào tạo",
        "field_of_study": "Ngành học", "mode": "Hình thức", "diploma": "Văn bằng, chứng chỉ", "country": "Nước",
        "purpose": "Mục đích", "form": "Hình thức khen thưởng", "level": "Cấp khen", "decision_no": "Số quyết định",
        "decided_on": "Ngày quyết định", "relation": "Quan hệ", "birth_year": "Năm sinh",
        "residence": "Nơi ở", "is_party_member": "Là đảng viên", "political_notes": "Đặc điểm chính trị",
        "attachment_id": "Mã tài liệu", "doc_type": "Loại tài liệu", "title": "Tên tài liệu",
        "file_name": "Tệp gốc", "size": "Dung lượng (byte)", "sha256": "SHA-256", "photo": "Ảnh",
        "event_id": "Sự kiện",
    },
    values={
        "row_kind": {k.code: k.label for k in ROW_KINDS.values()},
        "relation": dict(Relation.choices),
        "doc_type": dict(DocumentType.choices),
    },
)


def _today() -> dt.date:
    return timezone.localdate()


def row_kind(kind: str) -> RowKind:
    try:
        return ROW_KINDS[kind]
    except KeyError:
        raise DomainError("unknown_row_kind", "Loại quá trình không hợp lệ.", field="kind")


def _kind_of(row) -> RowKind:
    for spec in ROW_KINDS.values():
        if isinstance(row, spec.model):
            return spec
    raise DomainError("unknown_row_kind", "Loại quá trình không hợp lệ.")


def _snapshot(spec: RowKind, row) -> dict:
    data = {"row_kind": spec.code, "row_id": row.pk}
    for name in spec.fields:
        value = getattr(row, name)
        if name in SENSITIVE_ROW_FIELDS.get(spec.code, ()):
            value = MASK if value else ""
        data[name] = value
    return data


def _clean(spec: RowKind, data: dict) -> dict:
    """Strip text, turn blanks into the model's empty value."""
    out = {}
    for name, value in data.items():
        model_field = spec.model._meta.get_field(name)
        if isinstance(value, str):
            value = value.strip()
        if value in ("", None):
            value = None if model_field.null else ("" if isinstance(model_field, models.CharField | models.TextField)
                                                    else value)
        if isinstance(model_field, models.BooleanField):
            value = bool(value)
        out[name] = value
    return out


def _validate(spec: RowKind, member: Member, values: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    today = _today()
    for name, message in spec.required.items():
        if values.get(name) in (None, ""):
            add(name, message)
    for name in spec.fields:
        model_field = spec.model._meta.get_field(name)
        value = values.get(name)
        if isinstance(value, str) and model_field.max_length and len(value) > model_field.max_length:
            add(name, f"{spec.verbose(name).capitalize()}: tối đa {model_field.max_length} ký tự.")
    for name in spec.dates:
        value = values.get(name)
        if value is None:
            continue
        if not isinstance(value, dt.date):
            add(name, "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm.")
        elif value > today:
            add(name, f"Ngày {fmt_date(value)} ở tương lai: chỉ ghi những việc đã diễn ra.")
        elif value < member.birth_date:
            add(name, f"Ngày {fmt_date(value)} trước ngày sinh của đảng viên ({fmt_date(member.birth_date)}).")
    if spec.period:
        start, end = (values.get(n) for n in spec.period)
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start and spec.period[1] not in errors:
            add(spec.period[1], f"Thời gian kết thúc ({fmt_date(end)}) trước thời gian bắt đầu ({fmt_date(start)}).")
    if spec.code == "family":
        relation = values.get("relation")
        if relation not in (None, "") and relation not in Relation.values:
            add("relation", "Quan hệ không hợp lệ.")
        errors.update(_birth_year_errors(member, relation, values.get("birth_year")))
    return errors


def _birth_year_errors(member: Member, relation: str | None, year) -> dict[str, list[str]]:
    if year is None:
        return {}
    today, own = _today(), member.birth_date.year
    if not isinstance(year, int) or not today.year - OLDEST_YEARS <= year <= today.year:
        return {"birth_year": [f"Năm sinh phải trong khoảng {today.year - OLDEST_YEARS}–{today.year}."]}
    if relation in (Relation.FATHER, Relation.MOTHER) and year > own - PARENT_GAP:
        return {"birth_year": [f"Cha, mẹ phải sinh trước đảng viên (năm {own}) ít nhất {PARENT_GAP} năm."]}
    if relation == Relation.GRANDPARENT and year > own - GRANDPARENT_GAP:
        return {"birth_year": [f"Ông, bà phải sinh trước đảng viên (năm {own}) ít nhất {GRANDPARENT_GAP} năm."]}
    if relation == Relation.CHILD and year <= own:
        return {"birth_year": [f"Con phải sinh sau đảng viên (năm {own})."]}
    return {}


def _check_keys(spec: RowKind, actor, data: dict) -> None:
    unknown = set(data) - set(spec.fields)
    if unknown:
        raise DomainError("unknown_field", f"Không có trường: {', '.join(sorted(unknown))}.")
    restricted = SENSITIVE_ROW_FIELDS.get(spec.code, set()) & set(data)
    if restricted and not can_see_sensitive(actor):
        raise PermissionDenied("Chỉ Ban Tổ chức được ghi đặc điểm chính trị của người thân.")


# ---- history rows ----------------------------------------------------------------------------------

@transaction.atomic
def dossier_row_add(*, actor, member: Member, kind: str, data: dict):
    """Add one row of a repeating dossier list (``kind``: work, training, travel, reward, family)."""
    spec = row_kind(kind)
    require_write(actor, member.org.path)
    _check_keys(spec, actor, data)
    values = _clean(spec, {name: None for name in spec.fields} | data)
    errors = _validate(spec, member, values)
    if errors:
        raise ValidationFailed(errors)
    row = spec.model.objects.create(member=member, **values)
    audit_record(actor=actor, action="member.row.add", obj=member, after=_snapshot(spec, row), org=member.org)
    return row


@transaction.atomic
def dossier_row_update(*, actor, row, data: dict):
    """Correct one row; fields absent from ``data`` keep their value."""
    spec = _kind_of(row)
    member = Member.objects.select_related("org").get(pk=row.member_id)
    require_write(actor, member.org.path)
    _check_keys(spec, actor, data)
    row = spec.model.objects.select_for_update().get(pk=row.pk)
    before = _snapshot(spec, row)
    old = {name: getattr(row, name) for name in spec.fields}
    values = old | _clean(spec, data)
    errors = _validate(spec, member, values)
    if errors:
        raise ValidationFailed(errors)
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    after = _snapshot(spec, row)
    for name in SENSITIVE_ROW_FIELDS.get(spec.code, ()):
        if after[name] == before[name] == MASK and values[name] != old[name]:
            after[name] = MASK + " (đã sửa)"
    audit_record(actor=actor, action="member.row.update", obj=member, before=before, after=after,
                 org=member.org)
    return row


@transaction.atomic
def dossier_row_delete(*, actor, row, note: str = "") -> None:
    """Remove one typed row (a correction); the audit row keeps what it held."""
    spec = _kind_of(row)
    member = Member.objects.select_related("org").get(pk=row.member_id)
    require_write(actor, member.org.path)
    row = spec.model.objects.select_for_update().get(pk=row.pk)
    before = _snapshot(spec, row)
    row.delete()
    audit_record(actor=actor, action="member.row.delete", obj=member, before=before, after={"row_kind": spec.code},
                 org=member.org, note=note.strip())


# ---- documents -------------------------------------------------------------------------------------

def _file_extension(name: str) -> str:
    base = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _fmt_mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " MB"


def _upload_errors(upload) -> list[str]:
    if upload is None:
        return ["Chưa chọn tệp."]
    name = getattr(upload, "name", "") or ""
    ext = _file_extension(name)
    errors = []
    if ext not in FILE_TYPES:
        errors.append(f"Chỉ nhận tệp PDF, JPEG hoặc PNG (tệp “{name}” không được nhận).")
    size = upload.size
    if size == 0:
        errors.append("Tệp rỗng.")
    elif size > MAX_UPLOAD_BYTES:
        errors.append(f"Tệp quá lớn: {_fmt_mb(size)}; tối đa {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    if ext in FILE_TYPES and size:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(FILE_TYPES[ext][1]):
            errors.append(f"Nội dung tệp không phải {ext.upper()} như phần mở rộng “.{ext}” cho biết; chỉ nhận "
                          "tệp PDF, JPEG hoặc PNG thật.")
    return errors


def attachment_content_type(attachment: Attachment) -> str:
    return FILE_TYPES.get(_file_extension(attachment.file.name), ("application/octet-stream",))[0]


def attachment_errors(*, doc_type: str, title: str, upload) -> dict[str, list[str]]:
    """Everything wrong with one document before anything is stored (catalogue type, title, file)."""
    errors: dict[str, list[str]] = {}
    if doc_type not in DocumentType.values:
        errors["doc_type"] = ["Chưa chọn loại tài liệu trong danh mục."]
    if len((title or "").strip()) > 255:
        errors["title"] = ["Tên tài liệu: tối đa 255 ký tự."]
    file_errors = _upload_errors(upload)
    if file_errors:
        errors["file"] = file_errors
    return errors


def attachment_store(*, actor, member: Member, doc_type: str, title: str, upload, event=None) -> Attachment:
    """Store one checked document (``attachment_errors`` empty) under a random name, with its audit row.
    The caller holds the transaction and has checked the actor's right to write."""
    title = (title or "").strip()
    ext = _file_extension(upload.name)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(member=member, doc_type=doc_type, title=title, event=event,
                            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None)
    attachment.file.save(f"{uuid.uuid4().hex}.{'jpg' if ext == 'jpeg' else ext}", upload, save=False)
    stored = attachment.file.name
    try:
        attachment.save()
        audit_record(actor=actor, action="member.attachment.add", obj=member, org=member.org, after={
            "attachment_id": attachment.pk, "doc_type": doc_type, "title": title,
            "event_id": event.pk if event else None, "file_name": (upload.name or "")[-120:], "size": upload.size,
            "sha256": digest.hexdigest()})
    except Exception:
        attachment.file.storage.delete(stored)
        raise
    return attachment


@transaction.atomic
def dossier_attachment_add(*, actor, member: Member, doc_type: str, title: str = "", upload,
                           event=None) -> Attachment:
    """Store one document of the catalogue (PDF/JPEG/PNG, ≤ 10 MB), optionally as evidence of one of the
    member's events (the decision, the minutes…)."""
    require_write(actor, member.org.path)
    errors = attachment_errors(doc_type=doc_type, title=title, upload=upload)
    if event is not None and (event.member_id != member.pk or event.voided_at is not None):
        errors["event"] = ["Sự kiện không thuộc hồ sơ này hoặc đã bị hủy."]
    if errors:
        raise ValidationFailed(errors)
    return attachment_store(actor=actor, member=member, doc_type=doc_type, title=title, upload=upload, event=event)


@transaction.atomic
def dossier_attachment_remove(*, actor, attachment: Attachment, note: str = "") -> None:
    """Remove a document from the dossier; the stored file goes once the transaction commits."""
    member = Member.objects.select_related("org").get(pk=attachment.member_id)
    require_write(actor, member.org.path)
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    storage, name = attachment.file.storage, attachment.file.name
    before = {"attachment_id": attachment.pk, "doc_type": attachment.doc_type, "title": attachment.title,
              "file_name": name, "uploaded_at": attachment.uploaded_at}
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    audit_record(actor=actor, action="member.attachment.remove", obj=member, before=before,
                 after={"doc_type": None}, org=member.org, note=note.strip())


# ---- photo -----------------------------------------------------------------------------------------

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 800  # pixels; a 3×4 portrait needs far less
PHOTO_MIN_SIDE = 60


def _photo_image(upload):
    """The uploaded portrait as a checked Pillow image, or the reasons it is refused."""
    from PIL import Image, UnidentifiedImageError

    if upload is None:
        return None, ["Chưa chọn tệp ảnh."]
    name = getattr(upload, "name", "") or ""
    ext = _file_extension(name)
    if ext not in ("jpg", "jpeg", "png"):
        return None, [f"Ảnh chỉ nhận tệp JPEG hoặc PNG (tệp “{name}” không được nhận)."]
    if upload.size == 0:
        return None, ["Tệp rỗng."]
    if upload.size > PHOTO_MAX_BYTES:
        return None, [f"Ảnh quá lớn: {_fmt_mb(upload.size)}; tối đa {PHOTO_MAX_BYTES // (1024 * 1024)} MB."]
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None, ["Tệp không phải ảnh JPEG/PNG đọc được."]
    finally:
        upload.seek(0)
    if image.format not in ("JPEG", "PNG"):
        return None, [f"Ảnh chỉ nhận JPEG hoặc PNG (tệp là {image.format})."]
    if min(image.size) < PHOTO_MIN_SIDE:
        return None, [f"Ảnh quá nhỏ ({image.size[0]} × {image.size[1]} điểm ảnh); cần ít nhất "
                      f"{PHOTO_MIN_SIDE} điểm ảnh mỗi chiều."]
    return image, []


def _photo_jpeg(image) -> bytes:
    """Upright, RGB, at most PHOTO_MAX_SIDE px, re-encoded: no EXIF (location, device) is kept."""
    import io

    from PIL import ImageOps

    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()


@transaction.atomic
def dossier_photo_set(*, actor, member: Member, upload) -> Member:
    """Put (or replace) the member's 3×4 portrait; the previous file goes once the transaction commits."""
    from django.core.files.base import ContentFile

    require_write(actor, member.org.path)
    image, errors = _photo_image(upload)
    if errors:
        raise ValidationFailed({"photo": errors})
    data = _photo_jpeg(image)
    member = Member.objects.select_for_update(of=("self",)).select_related("org").get(pk=member.pk)
    storage, old = member.photo.storage, member.photo.name
    member.photo.save(f"{uuid.uuid4().hex}.jpg", ContentFile(data), save=False)
    new = member.photo.name
    transaction.on_commit(lambda: old and storage.delete(old))
    try:
        member.save(update_fields=["photo"])
        audit_record(actor=actor, action="member.photo.set", obj=member, org=member.org,
                     before={"photo": old or None}, after={
                         "photo": new, "file_name": (upload.name or "")[-120:], "size": len(data),
                         "sha256": hashlib.sha256(data).hexdigest()})
    except Exception:
        storage.delete(new)
        raise
    return member


@transaction.atomic
def dossier_photo_remove(*, actor, member: Member, note: str = "") -> Member:
    member = Member.objects.select_for_update(of=("self",)).select_related("org").get(pk=member.pk)
    require_write(actor, member.org.path)
    if not member.photo:
        raise DomainError("no_photo", "Hồ sơ chưa có ảnh.")
    storage, old = member.photo.storage, member.photo.name
    member.photo = ""
    member.save(update_fields=["photo"])
    transaction.on_commit(lambda: storage.delete(old))
    audit_record(actor=actor, action="member.photo.remove", obj=member, org=member.org, before={"photo": old},
                 after={"photo": None}, note=note.strip())
    return member


def photo_data_uri(member: Member) -> str:
    """The portrait inlined for the PDF renderer (which fetches nothing)."""
    import base64

    if not member.photo:
        return ""
    try:
        with member.photo.open("rb") as fh:
            return "data:image/jpeg;base64," + base64.b64encode(fh.read()).decode("ascii")
    except OSError:
        return ""
