from __future__ import annotations

from django.conf import settings
from django.db import models

from . import labels


class AuditEntry(models.Model):
    """One write made through a service: who, when, from where, what (before/after).

    Rows are only ever inserted by ``audit_record``; the app offers no way to edit them.
    """

    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thực hiện", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    actor_name = models.CharField("tên người thực hiện", max_length=150, blank=True)
    ip = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    user_agent = models.CharField("trình duyệt", max_length=300, blank=True)
    channel = models.CharField("kênh", max_length=10, default="system")
    action = models.CharField("thao tác", max_length=60, db_index=True)
    object_type = models.CharField("loại đối tượng", max_length=60)
    object_id = models.CharField("mã đối tượng", max_length=40)
    object_repr = models.CharField("đối tượng", max_length=300, blank=True)
    org_path = models.CharField("thuộc tổ chức (path)", max_length=255, blank=True, db_index=True)
    org_id = models.BigIntegerField("mã tổ chức liên quan", null=True, blank=True, db_index=True)
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau", null=True, blank=True)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "bản ghi nhật ký"
        verbose_name_plural = "nhật ký thay đổi"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-at"], name="audit_obj_idx")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field that differs."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    @property
    def action_label(self) -> str:
        return labels.action_label(self.action)

    def labeled_changes(self) -> list[tuple[str, str, str]]:
        """Like changes(), in Vietnamese: (field label, before, after); empty→empty pairs dropped."""
        return [(labels.field_label(k), labels.value_label(k, b), labels.value_label(k, a))
                for k, b, a in self.changes() if k != "path" and (b not in (None, "") or a not in (None, ""))]

    @property
    def channel_label(self) -> str:
        return {"web": "giao diện web", "api": "API", "system": "hệ thống", "command": "lệnh quản trị"}.get(
            self.channel, self.channel)
