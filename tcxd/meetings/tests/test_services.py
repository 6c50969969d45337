"""Meeting services: valid and invalid records and updates, scope and role, one audit row each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tcxd.audit.models import AuditEntry
from tcxd.common.errors import NotFound, PermissionDenied, ValidationFailed
from tcxd.fees.tests.factories import make_member
from tcxd.meetings import services as S
from tcxd.meetings.models import Attendance, CellMeeting

D = dt.date


def marks(cell, **over):
    base = {cell["an"].pk: ("present", ""), cell["binh"].pk: ("present", "")}
    base.update({cell[k].pk: v for k, v in over.items()})
    return base


def test_record_with_attendance_and_default_topic(tree, cell):
    meeting = S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=D(2026, 3, 5),
                               attendance=marks(cell, binh=("absent_excused", "Đi công tác")))
    assert meeting.topic == "Sinh hoạt chi bộ thường kỳ tháng 03/2026"
    rows = {a.member_id: (a.status, a.reason) for a in Attendance.objects.filter(meeting=meeting)}
    assert rows == {cell["an"].pk: ("present", ""), cell["binh"].pk: ("absent_excused", "Đi công tác")}
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "meeting.record" and entry.after["counts"]["absent_excused"] == 1


def test_exempted_member_may_be_marked_or_left_out(tree, cell):
    meeting = S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=D(2026, 3, 5),
                               attendance=marks(cell, cuong=("absent_excused", "Miễn sinh hoạt")))
    assert meeting.attendance.count() == 3


def test_every_problem_at_once_and_nothing_saved(tree, cell):
    with pytest.raises(ValidationFailed) as exc:
        S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=D(2026, 3, 5), kind="extraordinary",
                         attendance={cell["an"].pk: ("absent_excused", " "), cell["out"].pk: ("present", ""),
                                     999999: ("maybe", "")})
    errors = exc.value.errors
    assert errors["topic"] == ["Buổi sinh hoạt bất thường cần ghi nội dung."]
    assert errors[f"member_{cell['an'].pk}"] == ["Nguyễn Văn An: vắng có lý do cần ghi lý do."]
    assert "không sinh hoạt tại chi bộ vào ngày 05/03/2026" in errors[f"member_{cell['out'].pk}"][0]
    assert errors["attendance"] == ["Chưa điểm danh: Trần Thị Bình."]
    assert CellMeeting.objects.count() == 0 and Attendance.objects.count() == 0


def test_future_date_refused(tree, cell):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=tomorrow, attendance=marks(cell))
    assert "ở tương lai" in exc.value.errors["held_on"][0]
    assert S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=timezone.localdate(),
                            attendance=marks(cell)).pk


def test_one_meeting_a_day_and_one_regular_a_month(tree, cell):
    S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=D(2026, 3, 5), attendance=marks(cell))
    with pytest.raises(ValidationFailed) as exc:
        S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=D(2026, 3, 5), attendance=marks(cell))
    assert exc.value.errors["held_on"] == ["Chi bộ đã có buổi sinh hoạt ngày 05/03/2026."]
    with pytest.raises(ValidationFailed) as exc:
        S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=D(2026, 3, 20), attendance=marks(cell))
    assert "đã có buổi sinh hoạt thường kỳ ngày 05/03/2026" in exc.value.errors["kind"][0]
    extra = S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=D(2026, 3, 20), kind="extraordinary",
                             topic="Kiểm điểm đột xuất", attendance=marks(cell))
    assert extra.kind == "extraordinary"


def test_only_cells_and_only_while_the_cell_exists(tree, cell):
    with pytest.raises(ValidationFailed) as exc:
        S.meeting_record(actor=tree.admin, org=tree.commune_a, held_on=D(2026, 3, 5), attendance={})
    assert "Chỉ ghi sổ sinh hoạt của chi bộ" in exc.value.errors["org"][0]
    with pytest.raises(ValidationFailed) as exc:
        S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=D(2025, 6, 30), attendance={})
    assert "chưa thành lập" in exc.value.errors["held_on"][0]


def test_members_admitted_after_the_day_are_not_on_the_roster(tree, cell):
    newcomer = make_member(tree.cell_a1, "Dự Bị Mới", status="probationary", ceremony_on=D(2026, 4, 1))
    S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=D(2026, 3, 5), attendance=marks(cell))
    with pytest.raises(ValidationFailed) as exc:
        S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=D(2026, 4, 2), attendance=marks(cell))
    assert exc.value.errors["attendance"] == ["Chưa điểm danh: Dự Bị Mới."]
    assert newcomer.pk


def test_scope_and_role(tree, users, cell):
    with pytest.raises(NotFound):
        S.meeting_record(actor=users["commune_officer"], org=tree.cell_b1, held_on=D(2026, 3, 5),
                         attendance={cell["out"].pk: ("present", "")})
    with pytest.raises(PermissionDenied):
        S.meeting_record(actor=users["cell"], org=tree.cell_a1, held_on=D(2026, 3, 5), attendance=marks(cell))


def test_update_marks_date_and_audit_before_after(tree, cell):
    meeting = S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=D(2026, 3, 5), attendance=marks(cell))
    S.meeting_update(actor=tree.admin, meeting=meeting, held_on=D(2026, 3, 6),
                     attendance={cell["binh"].pk: ("absent_unexcused", "ignored")})
    meeting.refresh_from_db()
    assert meeting.held_on == D(2026, 3, 6)
    binh = Attendance.objects.get(meeting=meeting, member=cell["binh"])
    assert (binh.status, binh.reason) == ("absent_unexcused", "ignored")
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "meeting.update" and entry.before["held_on"] == "2026-03-05"
    # a member who moved away since keeps his mark editable
    an = cell["an"]
    an.org = tree.cell_b1
    an.save(update_fields=["org"])
    S.meeting_update(actor=tree.admin, meeting=meeting, attendance={an.pk: ("absent_excused", "Ốm")})
    with pytest.raises(ValidationFailed) as exc:
        S.meeting_update(actor=tree.admin, meeting=meeting, attendance={an.pk: ("absent_excused", "")})
    assert f"member_{an.pk}" in exc.value.errors
    with pytest.raises(ValidationFailed):
        S.meeting_update(actor=tree.admin, meeting=meeting, held_on=timezone.localdate() + dt.timedelta(days=2))
