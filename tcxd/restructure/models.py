"""Restructuring of the apparatus (A-01, A-03, E-01): operations on the tree (merge, split, dissolve, move,
rename, re-type, abolish a level) drafted, previewed, applied in one transaction and undone; plans with
their targets (units to merge, dissolve, reduce) and progress by date."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OperationKind(models.TextChoices):
    MERGE = "merge", "Hợp nhất, sáp nhập"
    SPLIT = "split", "Chia tách"
    DISSOLVE = "dissolve", "Giải thể"
    MOVE = "move", "Chuyển trực thuộc"
    RENAME = "rename", "Đổi tên, đổi mã"
    RETYPE = "retype", "Đổi loại hình tổ chức"
    ABOLISH_LEVEL = "abolish_level", "Bỏ một cấp tổ chức"
    REFORM_2025 = "reform_2025", "Sắp xếp theo đơn vị hành chính 2025"


class OperationStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    QUEUED = "queued", "Đang chờ thực hiện"
    RUNNING = "running", "Đang thực hiện"
    APPLIED = "applied", "Đã thực hiện"
    FAILED = "failed", "Không thực hiện được"
    UNDONE = "undone", "Đã hoàn tác"


class PreviewState(models.TextChoices):
    """Where the draft's preview (a dry run in the background, rolled back) stands."""

    NONE = "", "Chưa xem trước"
    QUEUED = "queued", "Đang chờ xem trước"
    RUNNING = "running", "Đang xem trước"
    DONE = "done", "Đã xem trước"
    INTERRUPTED = "interrupted", "Xem trước chưa hoàn thành"


class RestructurePlan(models.Model):
    """A restructuring plan (đề án sắp xếp) of one org's subtree with its targets; its operations count
    towards them on their effective dates."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="cấp ủy chủ trì")
    code = models.CharField("số hiệu", max_length=60)
    title = models.CharField("tên đề án", max_length=255)
    decision_no = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    start_on = models.DateField("từ ngày")
    deadline = models.DateField("hạn hoàn thành")
    target_reduced = models.PositiveIntegerField("số đầu mối phải giảm", default=0)
    target_merged = models.PositiveIntegerField("số tổ chức phải hợp nhất, sáp nhập", default=0)
    target_dissolved = models.PositiveIntegerField("số tổ chức phải giải thể", default=0)
    note = models.TextField("ghi chú", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "đề án sắp xếp"
        verbose_name_plural = "đề án sắp xếp"
        ordering = ["-start_on", "code"]
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="restructure_plan_code")]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class RestructureOperation(models.Model):
    """One operation on the tree: its parameters (``spec``), its last preview, and once applied the journal
    that undoes it."""

    kind = models.CharField("loại sắp xếp", max_length=20, choices=OperationKind.choices)
    status = models.CharField("trạng thái", max_length=10, choices=OperationStatus.choices,
                              default=OperationStatus.DRAFT)
    title = models.CharField("nội dung", max_length=255)
    # the org whose write scope the operation needs and under which it is listed (the common ancestor)
    scope_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="thuộc")
    plan = models.ForeignKey(RestructurePlan, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="operations", verbose_name="đề án")
    spec = models.JSONField("tham số", default=dict)
    effective_on = models.DateField("ngày hiệu lực", null=True, blank=True)
    decision_no = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decision_issuer = models.CharField("cơ quan ban hành", max_length=255, blank=True)
    note = models.TextField("ghi chú", blank=True)
    preview = models.JSONField("xem trước", null=True, blank=True)
    previewed_at = models.DateTimeField(null=True, blank=True)
    # the preview runs as a background task: its state, the request it answers (a task whose key is no longer
    # the operation's drops its result), who asked and when, and the latest tree change it saw (staleness)
    preview_state = models.CharField("xem trước", max_length=12, choices=PreviewState.choices, blank=True,
                                     default=PreviewState.NONE)
    preview_key = models.CharField(max_length=32, blank=True)
    preview_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    preview_requested_at = models.DateTimeField(null=True, blank=True)
    preview_change_id = models.PositiveBigIntegerField(null=True, blank=True)
    # what applying did: Journal of the tree, counts, the orgs closed (for the plan's progress)
    journal = models.JSONField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    last_change_id = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField("lỗi", blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    applied_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.CharField("lý do hoàn tác", max_length=500, blank=True)

    class Meta:
        verbose_name = "thao tác sắp xếp"
        verbose_name_plural = "thao tác sắp xếp"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "applied_at"], name="restructure_op_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class ClosedOrg(models.Model):
    """An org an applied operation closed (what a plan's progress counts), by how."""

    operation = models.ForeignKey(RestructureOperation, on_delete=models.CASCADE, related_name="closed")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=OperationKind.choices)
    effective_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["effective_on"], name="restructure_closed_on")]

    def __str__(self) -> str:
        return f"{self.org_id} ({self.get_kind_display()}, {self.effective_on:%d/%m/%Y})"
