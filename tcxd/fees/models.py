"""The party-fee ledger (sổ thu đảng phí, B-27 … B-30).

* ``FeeBasis``: what a member's fee is computed from, from a month on (group and base amount — e.g.
  the previous month's insured salary). A change is a new row; rows are never overwritten, so the
  basis of any past month can be read back.
* ``FeeDecision``: an exemption or reduction decision for a range of months (B-28).
* ``FeePayment``: one ledger line per member and month: the amount due (computed, with the rule
  that produced it and the regulation in force) and what was paid, when and how.

Months are stored as their first day. Amounts are whole đồng.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tcxd.members.codes import FeeGroup


class FeeChannel(models.TextChoices):
    CASH = "cash", "Tiền mặt tại chi bộ"
    PORTAL = "portal", "Cổng Dịch vụ công quốc gia"


class DecisionKind(models.TextChoices):
    EXEMPT = "exempt", "Miễn đóng đảng phí"
    REDUCE = "reduce", "Giảm đảng phí"


class DecisionGround(models.TextChoices):
    SOCIAL_PENSION = "social_pension", "Hưởng trợ cấp hưu trí xã hội"
    HARDSHIP = "hardship", "Hoàn cảnh khó khăn (hộ nghèo, cận nghèo, ốm đau nặng…)"


class FeeBasis(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="fee_bases",
                               verbose_name="đảng viên", db_index=False)  # (member, valid_from) index
    valid_from = models.DateField("áp dụng từ tháng")
    group = models.CharField("nhóm đóng đảng phí", max_length=24, choices=FeeGroup.choices)
    base_amount = models.PositiveBigIntegerField("căn cứ tính (đồng)", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("ghi lúc", auto_now_add=True)

    class Meta:
        verbose_name = "căn cứ tính đảng phí"
        verbose_name_plural = "căn cứ tính đảng phí"
        ordering = ["member", "valid_from", "id"]
        indexes = [models.Index(fields=["member", "valid_from"], name="feebasis_member_from")]

    def __str__(self) -> str:
        return f"{self.get_group_display()} từ {self.valid_from:%m/%Y}"


class FeeDecision(models.Model):
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="fee_decisions",
                               verbose_name="đảng viên", db_index=False)  # (member, from_month) index
    kind = models.CharField("loại", max_length=10, choices=DecisionKind.choices)
    ground = models.CharField("căn cứ", max_length=20, choices=DecisionGround.choices)
    percent = models.PositiveSmallIntegerField("mức miễn/giảm (%)")
    from_month = models.DateField("từ tháng")
    to_month = models.DateField("đến tháng", null=True, blank=True)
    reason = models.CharField("lý do", max_length=500)
    decision_no = models.CharField("số quyết định", max_length=60)
    decided_on = models.DateField("ngày quyết định", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("ghi lúc", auto_now_add=True)

    class Meta:
        verbose_name = "quyết định miễn, giảm đảng phí"
        verbose_name_plural = "quyết định miễn, giảm đảng phí"
        ordering = ["member", "from_month", "id"]
        indexes = [models.Index(fields=["member", "from_month"], name="feedecision_member_from")]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=1, percent__lte=100), name="feedecision_percent"),
            models.CheckConstraint(condition=Q(to_month__isnull=True) | Q(to_month__gte=models.F("from_month")),
                                   name="feedecision_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.percent} % — {self.decision_no}"


class FeePayment(models.Model):
    # Indexes: (member, month) unique and (org, month) cover the foreign keys; fewer indexes keep the
    # monthly computation of a province (200 000 inserts) fast.
    # Only the member is a foreign-key constraint in the database. ``org`` (where the member paid that
    # month) and ``recorded_by`` are checked by the code that writes them (ids read in the same
    # transaction) and protected from deletion by the ORM (PROTECT); orgs and users are never deleted,
    # only closed or deactivated. On PostgreSQL each constraint costs one deferred check per inserted
    # line at commit: about 1 s of a province's month (200 000 lines) for these two.
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="fee_payments",
                               verbose_name="đảng viên", db_index=False)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+",
                            verbose_name="nơi sinh hoạt (tháng đó)", db_index=False, db_constraint=False)
    month = models.DateField("tháng")
    amount_due = models.PositiveBigIntegerField("phải đóng (đồng)", null=True, blank=True)
    rule_text = models.CharField("cách tính", max_length=300, blank=True)
    regulation = models.CharField("văn bản áp dụng", max_length=64, blank=True)
    exempt = models.BooleanField("được miễn", default=False)
    computed_at = models.DateTimeField("tính lúc", null=True, blank=True)
    amount_paid = models.PositiveBigIntegerField("đã đóng (đồng)", null=True, blank=True)
    paid_on = models.DateField("ngày đóng", null=True, blank=True)
    channel = models.CharField("hình thức", max_length=10, choices=FeeChannel.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", db_index=False, db_constraint=False)
    recorded_at = models.DateTimeField("ghi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "sổ thu đảng phí (dòng tháng)"
        verbose_name_plural = "sổ thu đảng phí"
        ordering = ["month", "member"]
        indexes = [models.Index(fields=["org", "month"], name="feepayment_org_month")]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="feepayment_member_month"),
            models.CheckConstraint(condition=Q(amount_paid__isnull=True, paid_on__isnull=True, channel="")
                                   | Q(amount_paid__isnull=False, paid_on__isnull=False) & ~Q(channel=""),
                                   name="feepayment_paid_complete"),
        ]

    def __str__(self) -> str:
        return f"Đảng phí {self.month:%m/%Y} — {self.member_id}"

    @property
    def is_paid(self) -> bool:
        return self.amount_paid is not None

    @property
    def is_unpaid(self) -> bool:
        """Something was due and nothing was paid (the striking-off ground counts these months)."""
        return not self.is_paid and bool(self.amount_due)
