"""Open deadlines of one member as of a day (B-04, B-06, B-07, B-09, B-11, B-15, B-16, B-21).

Each deadline's length is the rule in force on its trigger date (the cell vote, the decision, the
probation end, the transfer). A rule not in force on that date yields no deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from ..calendar import add_months
from .codes import as_date, fmt, hd, qd
from .common import vote_passed, working_day_after
from .derive import EXIT_STATUSES, current_ceremony, cycle_events, latest, ordered, track_of
from .screening import help_period_end, on_help_list
from .types import Calendar, Deadline, Event, EventKind, Lookup, Status

K = EventKind


def _param(lookup: Lookup, key: str, on: date) -> Any:
    try:
        return lookup(key, on)
    except LookupError:
        return None


def open_deadlines(history: Sequence[Event], on: date, lookup: Lookup, calendar: Calendar) -> list[Deadline]:
    """Deadlines still open on ``on`` (events dated after ``on`` are ignored); ``overdue`` when
    ``on`` is past the due date. Sorted by due date."""
    events = [e for e in ordered(history) if e.on <= on]
    track = track_of(events)
    status = track.state.status
    out: list[Deadline] = []

    def add(code: str, due: date, message: str, rule: str) -> None:
        out.append(Deadline(code=code, due=due, message=message, rule=rule, overdue=on > due))

    readmitting = status in EXIT_STATUSES and track.ever_official
    if status == Status.CANDIDATE or readmitting:
        _admission_deadlines(events, lookup, calendar, add, readmitting)
    if status == Status.ADMITTED:
        decision = next((e for e in reversed(events) if e.kind in (K.ADMISSION_DECISION, K.READMISSION_DECISION)), None)
        n = None if decision is None else _param(lookup, "admission.ceremony_deadline_working_days", decision.on)
        if decision is not None and n is not None:
            start = as_date(decision.data.get("received_on")) or decision.on
            due = working_day_after(calendar, start, n)
            add(
                "ceremony_due",
                due,
                f"Tổ chức lễ kết nạp trong {n} ngày làm việc kể từ ngày nhận quyết định ({fmt(start)}): hạn "
                f"{fmt(due)}; chậm hơn phải được cấp ủy cấp trên đồng ý ({qd(decision.on)} điểm 4.1).",
                "B-07",
            )
    if status == Status.PROBATIONARY:
        _recognition_deadlines(events, lookup, calendar, add)
    pending = track.state.pending_transfer
    if track.state.status in (Status.PROBATIONARY, Status.OFFICIAL) and pending and pending.to_org is not None:
        n = _param(lookup, "transfer.official_deadline_working_days", pending.sent_on)
        if n is not None:
            due = working_day_after(calendar, pending.sent_on, n)
            add(
                "transfer_receipt_due",
                due,
                f"Giấy giới thiệu chuyển sinh hoạt đảng ngày {fmt(pending.sent_on)} chưa được tiếp nhận; thủ tục "
                f"chuyển sinh hoạt phải xong trong {n} ngày làm việc: hạn {fmt(due)} ({qd(pending.sent_on)} điểm "
                "6.3.1).",
                "B-15",
            )
    temp = track.state.temporary_transfer
    if track.state.status in (Status.PROBATIONARY, Status.OFFICIAL) and temp is not None:
        opened = latest(events, K.TEMP_TRANSFER_OUT)
        until = as_date(opened.data.get("until")) if opened else None
        if until is not None:
            add(
                "temp_transfer_return_due",
                until,
                f"Sinh hoạt tạm thời từ {fmt(temp.sent_on)}, dự kiến trở lại sinh hoạt chính thức ngày {fmt(until)} "
                f"({qd(temp.sent_on)} điểm 6.3.2).",
                "B-16",
            )
    listed = on_help_list(events, lookup) if track.state.status in (Status.PROBATIONARY, Status.OFFICIAL) else None
    if listed is not None:
        due = help_period_end(listed, lookup)
        add(
            "screening_review_due",
            due,
            f"Đảng viên trong danh sách cần giáo dục, giúp đỡ từ ngày {fmt(listed.on)}: chi bộ đánh giá kết quả "
            f"giúp đỡ khi hết thời gian giúp đỡ, ngày {fmt(due)} (CT 28-CT/TW; HD 02-HD/BTCTW).",
            "B-21",
        )
    return sorted(out, key=lambda d: (d.due, d.code))


def _admission_deadlines(events: list[Event], lookup: Lookup, calendar: Calendar, add: Any, readmitting: bool) -> None:
    cycle = cycle_events(events)
    if readmitting and not cycle:
        return  # out of the Party, no readmission procedure under way
    cell = latest(cycle, K.CELL_VOTE)
    passed = cell is not None and vote_passed(lookup, cell, "admission.cell_vote_threshold")
    if cell is not None and passed:
        n = _param(lookup, "admission.decision_deadline_working_days", cell.on)
        if n is not None:
            due = working_day_after(calendar, cell.on, n)
            what = "kết nạp lại" if readmitting else "kết nạp"
            add(
                "admission_decision_due",
                due,
                f"Cấp ủy có thẩm quyền phải ra quyết định {what} trong {n} ngày làm việc kể từ ngày chi bộ có nghị "
                f"quyết đề nghị ({fmt(cell.on)}): hạn {fmt(due)} ({qd(cell.on)} điểm 4.3).",
                "B-06",
            )
        return
    cert = latest(events, K.AWARENESS_COURSE)
    if cert is None:
        return
    months = _param(lookup, "admission.awareness_certificate_valid_months", cert.on)
    if months is not None:
        due = add_months(cert.on, months)
        add(
            "awareness_certificate_expiry",
            due,
            f"Giấy chứng nhận bồi dưỡng nhận thức về Đảng cấp ngày {fmt(cert.on)} có giá trị {months} tháng: chi bộ "
            f"phải xét kết nạp chậm nhất ngày {fmt(due)}, sau đó phải học lại ({hd(cert.on)} điểm 5.4).",
            "B-04",
        )


def _recognition_deadlines(events: list[Event], lookup: Lookup, calendar: Calendar, add: Any) -> None:
    ceremony = current_ceremony(events)
    if ceremony is None:
        return
    months = _param(lookup, "probation.months", ceremony.on)
    if months is None:
        return
    end = add_months(ceremony.on, months)
    vote = latest((e for e in events if e.on >= ceremony.on), K.RECOGNITION_VOTE)
    if vote is not None and vote_passed(lookup, vote, "recognition.cell_vote_threshold"):
        n = _param(lookup, "recognition.decision_deadline_working_days", vote.on)
        if n is not None:
            due = working_day_after(calendar, vote.on, n)
            add(
                "recognition_decision_due",
                due,
                f"Cấp ủy có thẩm quyền phải quyết định công nhận đảng viên chính thức trong {n} ngày làm việc kể từ "
                f"ngày chi bộ có nghị quyết ({fmt(vote.on)}): hạn {fmt(due)}; quyết định vẫn có hiệu lực từ ngày "
                f"hết 12 tháng dự bị {fmt(end)} ({qd(vote.on)} điểm 4.2, 4.3).",
                "B-11",
            )
        return
    n = _param(lookup, "recognition.cell_review_working_days", end)
    if n is not None:
        due = working_day_after(calendar, end, n)
        add(
            "recognition_review_due",
            due,
            f"Thời kỳ dự bị hết ngày {fmt(end)}: chi bộ phải xét công nhận đảng viên chính thức (hoặc đề nghị xóa "
            f"tên) trong {n} ngày làm việc, hạn {fmt(due)} (Điều lệ Đảng, Điều 5; {qd(end)} điểm 4.2).",
            "B-11",
        )


def party_cv_deadline(history: Sequence[Event], on: date, lookup: Lookup, calendar: Calendar) -> Deadline | None:
    """B-09: the new member's party CV (lý lịch đảng viên) is completed within N working days after the
    ceremony. The engine knows events, not documents: the caller drops this deadline once the CV is on
    file. None when there is no current ceremony or no rule in force on its date."""
    events = [e for e in ordered(history) if e.on <= on]
    status = track_of(events).state.status
    ceremony = current_ceremony(events)
    if ceremony is None or status not in (Status.PROBATIONARY, Status.OFFICIAL):
        return None
    n = _param(lookup, "admission.party_cv_deadline_working_days", ceremony.on)
    if n is None:
        return None
    due = working_day_after(calendar, ceremony.on, n)
    return Deadline(
        code="party_cv_due", due=due, overdue=on > due, rule="B-09",
        message=f"Hoàn thành lý lịch đảng viên trong {n} ngày làm việc sau lễ kết nạp ({fmt(ceremony.on)}): hạn "
                f"{fmt(due)} (HD 12-HD/BTCTW, điểm 2.2).",
    )
