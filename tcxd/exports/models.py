"""An export of a list to a file (ExportJob): who asked for what, with which filters, and how far it got."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel (.xlsx)"
    CSV = "csv", "CSV (UTF-8)"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang xuất"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Không thành công"
    REMOVED = "removed", "Đã xóa tệp"


class ExportJob(models.Model):
    """One export of a list (members, cadre decisions, …) run in the background; only its owner sees it."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người xuất", on_delete=models.PROTECT,
                              related_name="export_jobs")
    source = models.CharField("danh sách", max_length=30)
    title = models.CharField("tên", max_length=200)
    params = models.JSONField("tham số lọc", default=dict, blank=True)
    filters_label = models.TextField("bộ lọc", blank=True)
    format = models.CharField("định dạng", max_length=4, choices=ExportFormat.choices)
    status = models.CharField("trạng thái", max_length=10, choices=ExportStatus.choices,
                              default=ExportStatus.QUEUED)
    rows_total = models.PositiveIntegerField("số dòng", null=True, blank=True)
    rows_done = models.PositiveIntegerField("số dòng đã xuất", default=0)
    sheets = models.PositiveSmallIntegerField("số trang tính", default=0)
    file_name = models.CharField("tệp (trong thư mục xuất)", max_length=255, blank=True)
    download_name = models.CharField("tên tệp tải về", max_length=255)
    size = models.PositiveBigIntegerField("dung lượng (byte)", default=0)
    error = models.TextField("lỗi", blank=True)
    scope_org = models.ForeignKey("orgs.Org", verbose_name="tổ chức", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    ip = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    user_agent = models.CharField("trình duyệt", max_length=300, blank=True)
    channel = models.CharField("kênh", max_length=10, default="web")
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    started_at = models.DateTimeField("bắt đầu", null=True, blank=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)

    class Meta:
        verbose_name = "tệp xuất dữ liệu"
        verbose_name_plural = "tệp xuất dữ liệu"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["actor", "-created_at"], name="export_actor_created"),
                   models.Index(fields=["status", "finished_at"], name="export_status_finished")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_format_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.REMOVED)
