"""Regulation registry, rule parameters and the public-holiday calendar (domain §0, I.1, I.5)."""

from __future__ import annotations

from django.db import models


class Confidence(models.TextChoices):
    VERIFIED = "verified", "Đã kiểm chứng"
    PROBABLE = "probable", "Có khả năng đúng"
    UNVERIFIED = "unverified", "Chưa kiểm chứng"


class Regulation(models.Model):
    """One version of a Party/State instrument (Quy định, Hướng dẫn, Chỉ thị, luật…)."""

    code = models.CharField("số, ký hiệu", max_length=64, unique=True)
    title = models.CharField("trích yếu", max_length=300)
    issuer = models.CharField("cơ quan ban hành", max_length=200)
    signed_on = models.DateField("ngày ký", null=True, blank=True)
    effective_from = models.DateField("hiệu lực từ ngày")
    effective_to = models.DateField("hiệu lực đến hết ngày", null=True, blank=True)
    supersedes = models.ManyToManyField(
        "self", symmetrical=False, related_name="superseded_by", blank=True, verbose_name="thay thế văn bản"
    )
    confidence = models.CharField(
        "độ tin cậy", max_length=16, choices=Confidence.choices, default=Confidence.VERIFIED
    )
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "văn bản quy định"
        verbose_name_plural = "văn bản quy định"
        ordering = ["effective_from", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="rules_regulation_range_ok",
            )
        ]

    def __str__(self) -> str:
        return self.code


class RuleParameter(models.Model):
    """A numeric/text rule value attached to the regulation version it comes from."""

    key = models.CharField("mã tham số", max_length=100, db_index=True)
    regulation = models.ForeignKey(
        Regulation, on_delete=models.PROTECT, related_name="parameters", verbose_name="văn bản quy định"
    )
    value = models.JSONField("giá trị", null=True, blank=True)
    effective_from = models.DateField("hiệu lực từ ngày", null=True, blank=True,
                                      help_text="Để trống: theo hiệu lực của văn bản.")
    effective_to = models.DateField("hiệu lực đến hết ngày", null=True, blank=True,
                                    help_text="Để trống: theo hiệu lực của văn bản.")
    confidence = models.CharField(
        "độ tin cậy", max_length=16, choices=Confidence.choices, default=Confidence.VERIFIED
    )
    unit = models.CharField("đơn vị", max_length=50, blank=True)
    description_vi = models.TextField("mô tả")
    is_configurable = models.BooleanField("được phép điều chỉnh", default=False)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "tham số quy định"
        verbose_name_plural = "tham số quy định"
        ordering = ["key", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "regulation"], name="rules_parameter_key_regulation_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.regulation_id and self.regulation.code})"


class PublicHoliday(models.Model):
    """A day off (holiday, compensatory day) or an official working weekend day."""

    class Kind(models.TextChoices):
        STATUTORY = "statutory", "Ngày lễ (dương lịch)"
        LUNAR = "lunar", "Ngày lễ, Tết (âm lịch)"
        COMPENSATORY = "compensatory", "Ngày nghỉ bù, nghỉ hoán đổi"
        SWAP_WORKING_DAY = "swap_working_day", "Ngày làm bù (thứ Bảy/Chủ nhật đi làm)"

    date = models.DateField("ngày", unique=True)
    name = models.CharField("tên", max_length=200)
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "ngày nghỉ lễ, Tết"
        verbose_name_plural = "lịch nghỉ lễ, Tết"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.name}"

    @property
    def is_day_off(self) -> bool:
        return self.kind != self.Kind.SWAP_WORKING_DAY
