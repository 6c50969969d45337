"""Import batches: an uploaded file, how its columns map to fields, a verdict per row, and the apply.

A batch is identified by its ``key`` (a UUID the client may choose): applying a batch twice, or creating
a second batch under a key already used, is refused, so a replayed request changes nothing.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    MEMBERS = "members", "Danh sách đảng viên"
    CSDL3 = "csdl3", "Đối chiếu với CSDL đảng viên 3.0"
    ORGS = "orgs", "Danh sách tổ chức đảng"


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", "Đã tải lên, chờ ghép cột"
    CHECKING = "checking", "Đang kiểm tra"
    READY = "ready", "Đã kiểm tra, chờ áp dụng"
    QUEUED = "queued", "Đang áp dụng"
    APPLIED = "applied", "Đã áp dụng"
    REFUSED = "refused", "Không áp dụng (còn dòng lỗi, chế độ tất cả hoặc không)"
    FAILED = "failed", "Lỗi khi xử lý"


class Mode(models.TextChoices):
    ALL_OR_NOTHING = "all", "Tất cả hoặc không: chỉ áp dụng khi mọi dòng hợp lệ"
    ACCEPTED = "accepted", "Chỉ áp dụng các dòng hợp lệ, bỏ qua dòng lỗi"


class Verdict(models.TextChoices):
    NEW = "new", "Thêm mới"
    UPDATE = "update", "Cập nhật"
    UNCHANGED = "unchanged", "Không thay đổi"
    DUPLICATE = "duplicate", "Trùng trong tệp"
    CONFLICT = "conflict", "Xung đột với hồ sơ đã có"
    OUT_OF_SCOPE = "out_of_scope", "Ngoài phạm vi quản lý"
    INVALID = "invalid", "Không hợp lệ"


WRITING = (Verdict.NEW, Verdict.UPDATE)
REJECTED = (Verdict.DUPLICATE, Verdict.CONFLICT, Verdict.OUT_OF_SCOPE, Verdict.INVALID)


class ImportBatch(models.Model):
    key = models.UUIDField("mã lô", default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("loại", max_length=16, choices=Kind.choices, default=Kind.MEMBERS)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    root = models.ForeignKey("orgs.Org", verbose_name="đơn vị nhận", on_delete=models.PROTECT, related_name="+")
    file = models.FileField("tệp", upload_to="imports/")
    filename = models.CharField("tên tệp", max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField(default=0)
    sheet = models.CharField("trang tính", max_length=100, blank=True)
    header_row = models.PositiveIntegerField(default=1)
    headers = models.JSONField(default=list)
    mapping = models.JSONField("ghép cột", default=dict)  # str(column index) → field key
    notes = models.JSONField(default=list)  # conversions made while reading the file
    status = models.CharField("trạng thái", max_length=10, choices=BatchStatus.choices,
                              default=BatchStatus.UPLOADED, db_index=True)
    mode = models.CharField("chế độ", max_length=10, choices=Mode.choices, default=Mode.ACCEPTED)
    rows_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)  # verdict → rows
    result = models.JSONField(default=dict)  # created / updated / skipped, when applied
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "lô nhập dữ liệu"

    def __str__(self) -> str:
        return f"Lô #{self.pk} ({self.filename})"


class ImportRow(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    row_no = models.PositiveIntegerField("dòng")
    verdict = models.CharField("kết quả", max_length=16, choices=Verdict.choices)
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", db_constraint=False)
    values = models.JSONField(default=dict)  # cleaned values (dates ISO), for the preview and the report
    diff = models.JSONField(default=list)  # [[field, label, old shown, new shown], …] for an update
    reasons = models.JSONField(default=list)  # every reason the row is rejected
    notes = models.JSONField(default=list)  # conversions made on the row's cells
    skip = models.BooleanField("không áp dụng dòng này", default=False)
    declined = models.JSONField(default=list)  # fields of an update the user chose not to apply
    applied = models.BooleanField(default=False)

    class Meta:
        ordering = ["batch", "row_no"]
        constraints = [models.UniqueConstraint(fields=["batch", "row_no"], name="import_row_unique")]
        indexes = [models.Index(fields=["batch", "verdict", "row_no"], name="import_row_verdict")]

    def __str__(self) -> str:
        return f"Dòng {self.row_no}: {self.get_verdict_display()}"


class ColumnMapping(models.Model):
    """A saved way to map a file's headers, reused when a file with the same headers comes again."""

    name = models.CharField("tên", max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MEMBERS)
    org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    by_header = models.JSONField(default=dict)  # folded header → field key
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    used_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-used_at"]
        constraints = [models.UniqueConstraint(fields=["org", "kind", "name"], name="import_mapping_name")]

    def __str__(self) -> str:
        return self.name
