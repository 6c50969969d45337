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


# -- periodic report packages (báo cáo định kỳ, issue 4 §4–§5) -------------------------------------------
class PackageKind(models.TextChoices):
    HALF_YEAR = "half_year", "Báo cáo 6 tháng"
    NINE_MONTHS = "nine_months", "Báo cáo 9 tháng"
    ANNUAL = "annual", "Báo cáo năm"


class ReportPackageTemplate(models.Model):
    """One version of a periodic report template (mẫu báo cáo định kỳ): which report forms it holds,
    the cut-off day of its figures (G-01: configurable, the reporting calendar is unverified), the
    start of its period, the submission deadline and the Word (.docx, docxtpl) template of the document.

    Rows are never edited: saving a template (``package_template_save``) ends the live version
    (``superseded_at``) and adds the next one; packages keep the version they were generated from.
    """

    code = models.CharField("mã mẫu", max_length=40)
    version = models.PositiveIntegerField("phiên bản")
    kind = models.CharField("loại báo cáo", max_length=16, choices=PackageKind.choices)
    title = models.CharField("tên mẫu", max_length=300)
    form_codes = models.JSONField("các biểu thống kê (mã biểu)", default=list)
    cutoff_month = models.PositiveSmallIntegerField("tháng chốt số liệu")
    cutoff_day = models.PositiveSmallIntegerField("ngày chốt số liệu")
    start_month = models.PositiveSmallIntegerField("tháng bắt đầu kỳ", default=1)
    start_day = models.PositiveSmallIntegerField("ngày bắt đầu kỳ", default=1)
    deadline_days = models.PositiveSmallIntegerField("hạn nộp (số ngày sau ngày chốt)")
    sections = models.JSONField("các phần lời văn", default=list)
    docx = models.BinaryField("mẫu Word (.docx)")
    docx_name = models.CharField("tên tệp mẫu", max_length=200)
    note = models.TextField("ghi chú", blank=True)
    position = models.PositiveSmallIntegerField("thứ tự", default=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="người lưu")
    created_at = models.DateTimeField("lưu lúc")
    superseded_at = models.DateTimeField("thay bằng phiên bản sau lúc", null=True, blank=True)

    class Meta:
        verbose_name = "mẫu báo cáo định kỳ"
        verbose_name_plural = "mẫu báo cáo định kỳ"
        ordering = ["position", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="pkgtpl_code_version"),
            models.UniqueConstraint(fields=["code"], condition=models.Q(superseded_at__isnull=True),
                                    name="pkgtpl_live_code"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (mẫu {self.code}, phiên bản {self.version})"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class PackageStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Đã nộp"


class ReportPackage(models.Model):
    """A periodic report (báo cáo định kỳ) of one org for one template and year. Its figures are in
    its versions (``ReportPackageVersion``): each generation adds one; once submitted the package is
    frozen — its figures and its .docx are stored and never recomputed."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="tổ chức")
    template_code = models.CharField("mã mẫu", max_length=40)
    template = models.ForeignKey(ReportPackageTemplate, on_delete=models.PROTECT, related_name="packages",
                                 verbose_name="phiên bản mẫu dùng")
    year = models.PositiveSmallIntegerField("năm")
    period_start = models.DateField("từ ngày")
    cutoff = models.DateField("ngày chốt số liệu")
    deadline = models.DateField("hạn nộp")
    org_name = models.CharField("tên tổ chức tại ngày chốt", max_length=255)
    status = models.CharField("trạng thái", max_length=10, choices=PackageStatus.choices, default=PackageStatus.DRAFT)
    narrative = models.JSONField("lời văn", default=dict)
    current_version = models.PositiveIntegerField("lần tạo số liệu", default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="người tạo")
    created_at = models.DateTimeField("tạo lúc")
    updated_at = models.DateTimeField("sửa lúc")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="người nộp")
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    submitted_on = models.DateField("ngày nộp", null=True, blank=True)

    class Meta:
        verbose_name = "báo cáo định kỳ"
        verbose_name_plural = "báo cáo định kỳ"
        ordering = ["-year", "template_code", "org_id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "template_code", "year"], name="package_org_template_year"),
        ]
        indexes = [models.Index(fields=["template_code", "year", "status"], name="package_tpl_year")]

    def __str__(self) -> str:
        return f"{self.template.title} năm {self.year} — {self.org_name}"

    @property
    def is_frozen(self) -> bool:
        return self.status == PackageStatus.SUBMITTED


class ReportPackageVersion(models.Model):
    """The figures of one generation of a package: a JSON snapshot of every rendered form (cells as
    exact integers, the form definitions used), and, once the package is submitted, the .docx bytes."""

    package = models.ForeignKey(ReportPackage, on_delete=models.PROTECT, related_name="versions",
                                verbose_name="báo cáo")
    number = models.PositiveIntegerField("lần tạo")
    template = models.ForeignKey(ReportPackageTemplate, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="phiên bản mẫu")
    figures = models.JSONField("số liệu (các biểu)")
    docx = models.BinaryField("tệp Word đã nộp", null=True, blank=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="người tạo")
    generated_at = models.DateTimeField("tạo lúc")

    class Meta:
        verbose_name = "lần tạo số liệu của báo cáo"
        verbose_name_plural = "các lần tạo số liệu của báo cáo"
        ordering = ["package", "-number"]
        constraints = [models.UniqueConstraint(fields=["package", "number"], name="pkgver_package_number")]

    def __str__(self) -> str:
        return f"Lần tạo số liệu {self.number} của báo cáo {self.package_id}"
