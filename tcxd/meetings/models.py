"""The cell meeting attendance register (sổ sinh hoạt chi bộ — điểm danh): one row per meeting of a
cell and one per member invited. Enough for the striking-off ground (B-19 a) and the statistics; the
full meeting workflow (agenda, minutes, resolutions) comes later."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MeetingKind(models.TextChoices):
    REGULAR = "regular", "Thường kỳ"
    EXTRAORDINARY = "extraordinary", "Bất thường"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Có mặt"
    ABSENT_EXCUSED = "absent_excused", "Vắng có lý do"
    ABSENT_UNEXCUSED = "absent_unexcused", "Vắng không lý do"


class CellMeeting(models.Model):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="meetings", verbose_name="chi bộ",
                            db_index=False)  # the (org, held_on) unique constraint indexes it
    held_on = models.DateField("ngày sinh hoạt")
    kind = models.CharField("loại", max_length=16, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    topic = models.CharField("nội dung", max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField("ghi lúc", auto_now_add=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)

    class Meta:
        verbose_name = "buổi sinh hoạt chi bộ"
        verbose_name_plural = "buổi sinh hoạt chi bộ"
        ordering = ["org", "held_on"]
        constraints = [models.UniqueConstraint(fields=["org", "held_on"], name="meeting_org_day")]

    def __str__(self) -> str:
        return f"Sinh hoạt {self.get_kind_display().lower()} ngày {self.held_on:%d/%m/%Y}"


class Attendance(models.Model):
    # (meeting, member) unique and (member, status) cover both foreign keys
    meeting = models.ForeignKey(CellMeeting, on_delete=models.PROTECT, related_name="attendance",
                                verbose_name="buổi sinh hoạt", db_index=False)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="attendances",
                               verbose_name="đảng viên", db_index=False)
    status = models.CharField("điểm danh", max_length=20, choices=AttendanceStatus.choices)
    reason = models.CharField("lý do vắng", max_length=255, blank=True)

    class Meta:
        verbose_name = "điểm danh"
        verbose_name_plural = "điểm danh"
        ordering = ["meeting", "member"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_meeting_member")]
        indexes = [models.Index(fields=["member", "status"], name="attendance_member_status")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} — {self.member_id}"
