"""Administrative units on two maps (domain E-01): the 63-province three-level map valid until
30/6/2025 and the 34-province two-level map from 1/7/2025, linked by merge lineage.

Reference data: rows are loaded by migration 0002 from ``tcxd/geo/data/*.json``.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from tcxd.common.text import fold

REFORM_DATE = dt.date(2025, 7, 1)
PRE2025_END = dt.date(2025, 6, 30)


class MapVersion(models.TextChoices):
    V2025 = "2025", "Bản đồ 2025 (34 tỉnh, 2 cấp)"
    PRE2025 = "pre2025", "Bản đồ trước 2025 (63 tỉnh, 3 cấp)"


class Level(models.TextChoices):
    PROVINCE = "province", "cấp tỉnh"
    DISTRICT = "district", "cấp huyện"
    COMMUNE = "commune", "cấp xã"


class UnitType(models.TextChoices):
    TINH = "tinh", "tỉnh"
    TP_TW = "tp_tw", "thành phố trung ương"
    QUAN = "quan", "quận"
    HUYEN = "huyen", "huyện"
    THI_XA = "thi_xa", "thị xã"
    TP_THUOC_TINH = "tp_thuoc_tinh", "thành phố thuộc tỉnh"
    XA = "xa", "xã"
    PHUONG = "phuong", "phường"
    THI_TRAN = "thi_tran", "thị trấn"
    DAC_KHU = "dac_khu", "đặc khu"


class LineageKind(models.TextChoices):
    WHOLE = "whole", "toàn bộ"
    PART = "part", "một phần"


class AdminUnit(models.Model):
    """One province, district or commune on one map version. ``code`` is the GSO/NSO code
    (2 digits for provinces, 3 for districts, 5 for communes), unique within a map version."""

    code = models.CharField("mã đơn vị (TCTK)", max_length=10)
    map_version = models.CharField("bản đồ", max_length=8, choices=MapVersion.choices)
    level = models.CharField("cấp", max_length=10, choices=Level.choices)
    unit_type = models.CharField("loại đơn vị", max_length=16, choices=UnitType.choices)
    name = models.CharField("tên đầy đủ", max_length=100)
    short_name = models.CharField("tên rút gọn", max_length=100)
    name_norm = models.CharField("tên không dấu", max_length=100, editable=False)
    parent = models.ForeignKey(
        "self", verbose_name="đơn vị cấp trên", null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)

    class Meta:
        verbose_name = "đơn vị hành chính"
        verbose_name_plural = "đơn vị hành chính"
        ordering = ["map_version", "code"]
        constraints = [
            models.UniqueConstraint(fields=["map_version", "code"], name="geo_unit_version_code_uniq"),
        ]
        indexes = [
            models.Index(fields=["map_version", "level"], name="geo_unit_version_level_idx"),
            models.Index(fields=["name_norm"], name="geo_unit_name_norm_idx"),
        ]
        # ``parent`` is indexed by its ForeignKey.

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_norm = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        """"Phường Ba Đình, Thành phố Hà Nội" (walks up the tree; select_related parents first)."""
        parts = [self.name]
        unit = self.parent
        while unit is not None:
            parts.append(unit.name)
            unit = unit.parent
        return ", ".join(parts)


class AdminUnitLineage(models.Model):
    """A pre-2025 unit (wholly or partly) became part of a 2025 unit on ``effective_on``."""

    predecessor = models.ForeignKey(
        AdminUnit, verbose_name="đơn vị cũ", on_delete=models.CASCADE, related_name="successor_links",
        limit_choices_to={"map_version": MapVersion.PRE2025},
    )
    successor = models.ForeignKey(
        AdminUnit, verbose_name="đơn vị mới", on_delete=models.CASCADE, related_name="predecessor_links",
        limit_choices_to={"map_version": MapVersion.V2025},
    )
    kind = models.CharField("hình thức", max_length=8, choices=LineageKind.choices, default=LineageKind.WHOLE)
    effective_on = models.DateField("ngày hiệu lực", default=REFORM_DATE)

    class Meta:
        verbose_name = "quan hệ sắp xếp đơn vị hành chính"
        verbose_name_plural = "quan hệ sắp xếp đơn vị hành chính"
        ordering = ["successor_id", "predecessor_id"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="geo_lineage_pair_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
