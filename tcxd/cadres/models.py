"""The register of cadre decisions (công tác cán bộ): one dated decision about one cadre — kiện toàn,
điều động, luân chuyển, biệt phái, bổ nhiệm, bổ nhiệm lại, giới thiệu ứng cử — of the cadres a party
committee's standing committee manages ("thuộc diện Ban Thường vụ … quản lý", ``managing_org``).

Rows are written only by ``tcxd.cadres.services`` (the rules in force on the decision's dates judge
each one, ``tcxd.rules.pure.cadres``); a mistaken entry is voided with a reason, never deleted.
``term_end`` is derived (C-07), never typed in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tcxd.rules.pure.cadres import KIND_LABELS, MoveKind

MoveKindChoices = models.TextChoices("MoveKindChoices", [(k.name, (k.value, KIND_LABELS[k])) for k in MoveKind])


class CadreMove(models.Model):
    member = models.ForeignKey("members.Member", verbose_name="cán bộ (đảng viên)", on_delete=models.PROTECT,
                               related_name="cadre_moves")
    kind = models.CharField("loại quyết định", max_length=24, choices=MoveKindChoices.choices)
    effective_on = models.DateField("ngày hiệu lực")
    decision_no = models.CharField("số quyết định", max_length=60)
    decision_date = models.DateField("ngày quyết định")
    decision_issuer = models.CharField("cơ quan quyết định", max_length=255, blank=True)
    managing_org = models.ForeignKey("orgs.Org", verbose_name="cấp ủy quản lý cán bộ (diện Ban Thường vụ)",
                                     on_delete=models.PROTECT, related_name="+")
    from_position = models.CharField("chức vụ trước", max_length=255, blank=True)
    from_unit = models.CharField("đơn vị trước", max_length=255, blank=True)
    to_position = models.CharField("chức vụ mới", max_length=255, blank=True)
    to_unit = models.CharField("đơn vị mới", max_length=255, blank=True)
    to_org = models.ForeignKey("orgs.Org", verbose_name="tổ chức đảng nơi đến", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    higher_post = models.BooleanField("bổ nhiệm lần đầu hoặc chức vụ cao hơn", default=False)
    file_received_on = models.DateField("ngày cơ quan tổ chức cán bộ nhận đủ hồ sơ", null=True, blank=True)
    term_end = models.DateField("hết thời hạn giữ chức vụ", null=True, blank=True, editable=False)
    regulation = models.CharField("văn bản áp dụng", max_length=200, blank=True, editable=False)
    note = models.TextField("ghi chú", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("ghi lúc", auto_now_add=True)
    voided_at = models.DateTimeField("hủy lúc", null=True, blank=True)
    void_reason = models.CharField("lý do hủy", max_length=255, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        verbose_name = "quyết định công tác cán bộ"
        verbose_name_plural = "quyết định công tác cán bộ"
        ordering = ["-effective_on", "-id"]
        indexes = [
            models.Index(fields=["managing_org", "effective_on"], name="cadre_move_org_on"),
            models.Index(fields=["member", "effective_on"], name="cadre_move_member_on"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.member} ({self.effective_on:%d/%m/%Y})"

    @property
    def voided(self) -> bool:
        return self.voided_at is not None
