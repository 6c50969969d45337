"""User-editable decision templates (mẫu văn bản), with their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .kinds import DocumentKind


class DocumentTemplate(models.Model):
    """One version of the Word template (.docx, docxtpl placeholders) of a decision document, for the whole
    system (``org`` empty: the administrators') or for an org's subtree (its Organization Commission's).

    Rows are never edited: an upload ends the live version of that level (``superseded_at``) and adds the next
    one; going back to the inherited template (the level above, else the shipped default) is a version without
    a file (``docx`` empty). The template used for a member is the live one with a file at the deepest level
    above the member's org.
    """

    kind = models.CharField("văn bản", max_length=24, choices=DocumentKind.choices)
    org = models.ForeignKey("orgs.Org", verbose_name="áp dụng cho tổ chức (trống: toàn hệ thống)", null=True,
                            blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField("phiên bản")
    docx = models.BinaryField("mẫu Word (.docx)", null=True, blank=True)
    file_name = models.CharField("tên tệp", max_length=200, blank=True)
    note = models.TextField("ghi chú", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="người lưu")
    created_at = models.DateTimeField("lưu lúc")
    superseded_at = models.DateTimeField("thay bằng phiên bản sau lúc", null=True, blank=True)

    class Meta:
        verbose_name = "mẫu văn bản"
        verbose_name_plural = "mẫu văn bản"
        ordering = ["kind", "org", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], condition=Q(org__isnull=True),
                                    name="doctpl_system_version"),
            models.UniqueConstraint(fields=["kind", "org", "version"], condition=Q(org__isnull=False),
                                    name="doctpl_org_version"),
            models.UniqueConstraint(fields=["kind"], condition=Q(org__isnull=True, superseded_at__isnull=True),
                                    name="doctpl_system_live"),
            models.UniqueConstraint(fields=["kind", "org"], condition=Q(org__isnull=False, superseded_at__isnull=True),
                                    name="doctpl_org_live"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — phiên bản {self.version}"

    @property
    def is_revert(self) -> bool:
        has_docx = self.__dict__.get("has_docx")  # annotated where the file is deferred (selectors.own_history)
        return not has_docx if has_docx is not None else not self.docx
