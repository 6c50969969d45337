"""Forms of the meeting pages: parse input only (business rules stay in the services)."""

from __future__ import annotations

from django import forms

from tcxd.common.forms import BootstrapFormMixin, VnDateField

from .models import AttendanceStatus, MeetingKind


class MeetingForm(BootstrapFormMixin, forms.Form):
    held_on = VnDateField(label="Ngày sinh hoạt")
    kind = forms.ChoiceField(label="Loại", choices=MeetingKind.choices)
    topic = forms.CharField(label="Nội dung", max_length=500, required=False,
                            help_text="Để trống với sinh hoạt thường kỳ: ghi “Sinh hoạt chi bộ thường kỳ tháng …”.")


def parse_attendance(data, member_ids: list[int]) -> tuple[dict[int, tuple[str, str]], dict[int, str]]:
    """The radio buttons and reasons of the attendance table → (marks, values shown again).

    A row left without a choice is left out (the service then names the member as not marked).
    """
    marks: dict[int, tuple[str, str]] = {}
    for member_id in member_ids:
        status = (data.get(f"status_{member_id}") or "").strip()
        reason = (data.get(f"reason_{member_id}") or "").strip()
        if status:
            marks[member_id] = (status, reason)
    return marks, {k: v[0] for k, v in marks.items()}


STATUS_CHOICES = AttendanceStatus.choices
