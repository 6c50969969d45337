"""Annual targets per org (chỉ tiêu năm). Progress against them is derived, never stored
(tcxd.reports.progress)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Indicator(models.TextChoices):
    """What a target counts. Each indicator's achieved figure is computed in reports.progress."""

    ADMISSIONS = "admissions", "Kết nạp đảng viên mới"
    CELL_CONGRESS = "cell_congress", "Chi bộ tổ chức đại hội"


# The noun a figure of the indicator counts: "934 đảng viên, đạt 71,85 %".
INDICATOR_UNITS = {Indicator.ADMISSIONS: "đảng viên", Indicator.CELL_CONGRESS: "chi bộ"}


class Target(models.Model):
    """The planned figure of one indicator for one org and one year.

    Rows are never edited or deleted: setting a new figure ends the live row (``ended_at``) and adds
    a new one, removing a target ends it; so the table keeps every figure that was ever in force.
    At most one live row per (org, year, indicator).
    """

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức")
    year = models.PositiveSmallIntegerField("năm")
    indicator = models.CharField("chỉ tiêu", max_length=24, choices=Indicator.choices)
    planned = models.PositiveIntegerField("số kế hoạch")
    note = models.CharField("ghi chú", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="người đặt")
    created_at = models.DateTimeField("đặt lúc")
    ended_at = models.DateTimeField("hết hiệu lực lúc", null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="người thay, xóa")

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["org", "year", "indicator", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year", "indicator"], condition=models.Q(ended_at__isnull=True),
                                    name="target_live_unique"),
            models.CheckConstraint(condition=models.Q(planned__gt=0), name="target_planned_positive"),
        ]
        indexes = [models.Index(fields=["year", "indicator", "ended_at"], name="target_year_indicator")]

    def __str__(self) -> str:
        return f"Chỉ tiêu {self.get_indicator_display().lower()} năm {self.year}: {self.planned}"

    @property
    def unit(self) -> str:
        return INDICATOR_UNITS[Indicator(self.indicator)]


class FormKind(models.TextChoices):
    """What the cells of a report form count (tcxd.reports.report_forms)."""

    MEMBERS = "members", "Đảng viên"
    ORGANIZATIONS = "organizations", "Tổ chức đảng"
    MOVEMENTS = "movements", "Biến động đảng viên trong kỳ"


class ReportForm(models.Model):
    """A statistical report form (biểu thống kê) defined as data: its rows, columns and totals are the
    ``definition`` (a JSON document, see tcxd.reports.report_forms), so an administrator can add or
    change a form without code. Changed only through ``report_form_save`` (validated, audited)."""

    code = models.CharField("mã biểu", max_length=40, unique=True)
    title = models.CharField("tên biểu", max_length=300)
    description = models.TextField("mô tả", blank=True)
    family = models.CharField("họ biểu (ví dụ 1-TCTW)", max_length=40, blank=True)
    kind = models.CharField("loại số liệu", max_length=16, choices=FormKind.choices)
    definition = models.JSONField("định nghĩa (dòng, cột, tổng)")
    active = models.BooleanField("đang dùng", default=True)
    position = models.PositiveSmallIntegerField("thứ tự", default=100)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="người sửa")
    updated_at = models.DateTimeField("sửa lúc", null=True, blank=True)

    class Meta:
        verbose_name = "biểu thống kê"
        verbose_name_plural = "biểu thống kê"
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"
