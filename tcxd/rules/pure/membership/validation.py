"""``validate(history, new, facts, lookup, calendar) -> list[Problem]``: every reason the new event
cannot be recorded (empty list = valid). Rules are those in force on ``new.on``.

Order of checks: event ordering, the status the member must be in for this kind of event, then the
kind's own rules (``admission``, ``member``, ``badges``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from . import admission, badges, member, screening
from .codes import KIND_LABELS, fmt, qd, status_label
from .common import Ctx
from .derive import EXIT_STATUSES, Track, latest, probation_end
from .types import Calendar, Event, EventKind, Facts, Lookup, Problem, Status

K, S = EventKind, Status
_PRE = frozenset({None, S.NOT_ADMITTED})
_MEMBER = frozenset({S.PROBATIONARY, S.OFFICIAL})
_PIPELINE = frozenset({S.CANDIDATE}) | EXIT_STATUSES  # exit statuses: readmission procedure (B-08)

ALLOWED_FROM: dict[EventKind, frozenset[Status | None]] = {
    K.CANDIDATE: _PRE | {S.STRUCK_OFF},  # STRUCK_OFF only after PROBATION_STRUCK_OFF, never official
    K.AWARENESS_COURSE: _PRE | _PIPELINE,
    K.APPLICATION: _PIPELINE,
    K.INTRODUCERS: _PIPELINE,
    K.BACKGROUND_CHECK: _PIPELINE,
    K.CELL_VOTE: _PIPELINE,
    K.COMMITTEE_VOTE: _PIPELINE,
    K.ADMISSION_DECISION: frozenset({S.CANDIDATE}),
    K.CEREMONY: frozenset({S.ADMITTED}),
    K.CANDIDATE_DROPPED: frozenset({S.CANDIDATE}),
    K.RECOGNITION_VOTE: frozenset({S.PROBATIONARY}),
    K.RECOGNITION: frozenset({S.PROBATIONARY}),
    K.PROBATION_STRUCK_OFF: frozenset({S.PROBATIONARY}),
    K.TRANSFER_OUT: _MEMBER,
    K.TRANSFER_IN: _MEMBER,
    K.TRANSFER_CANCELLED: _MEMBER,
    K.TEMP_TRANSFER_OUT: _MEMBER,
    K.TEMP_TRANSFER_RETURN: _MEMBER,
    K.ORG_RESTRUCTURED: _MEMBER,
    K.EXEMPTION_START: _MEMBER,
    K.EXEMPTION_END: _MEMBER,
    K.TEMP_EXEMPTION_START: _MEMBER,
    K.TEMP_EXEMPTION_END: _MEMBER,
    K.STRUCK_OFF: frozenset({S.OFFICIAL}),
    K.EXPELLED: frozenset({S.OFFICIAL}),
    K.LEFT: _MEMBER,
    K.DIED: frozenset({S.CANDIDATE, S.NOT_ADMITTED, S.ADMITTED, S.PROBATIONARY, S.OFFICIAL}),
    K.READMISSION_DECISION: EXIT_STATUSES,
    K.RESTORED: frozenset({S.STRUCK_OFF, S.EXPELLED}),
    K.CARD_ISSUED: frozenset({S.OFFICIAL}),
    K.CARD_REPLACED: frozenset({S.OFFICIAL}),
    K.BADGE: frozenset({S.OFFICIAL, S.DECEASED}),
    K.DISCIPLINE: _MEMBER,
    K.SCREENING_VOTE: _MEMBER,
    K.SCREENING_RESULT: _MEMBER,
}

RULE_OF_KIND: dict[EventKind, str] = {
    K.CANDIDATE: "B-01", K.AWARENESS_COURSE: "B-04", K.APPLICATION: "B-01", K.INTRODUCERS: "B-03",
    K.BACKGROUND_CHECK: "B-01", K.CELL_VOTE: "B-05", K.COMMITTEE_VOTE: "B-05", K.ADMISSION_DECISION: "B-06",
    K.CEREMONY: "B-07", K.CANDIDATE_DROPPED: "B-05", K.RECOGNITION_VOTE: "B-11", K.RECOGNITION: "B-11",
    K.PROBATION_STRUCK_OFF: "B-10", K.TRANSFER_OUT: "B-15", K.TRANSFER_IN: "B-15", K.TRANSFER_CANCELLED: "B-15",
    K.TEMP_TRANSFER_OUT: "B-16", K.TEMP_TRANSFER_RETURN: "B-16", K.ORG_RESTRUCTURED: "E-01", K.EXEMPTION_START: "B-18",
    K.EXEMPTION_END: "B-18", K.TEMP_EXEMPTION_START: "B-17", K.TEMP_EXEMPTION_END: "B-17", K.STRUCK_OFF: "B-19",
    K.EXPELLED: "B-20", K.LEFT: "B-20", K.DIED: "B-20", K.READMISSION_DECISION: "B-08", K.RESTORED: "B-12",
    K.CARD_ISSUED: "B-13", K.CARD_REPLACED: "B-13", K.BADGE: "B-23", K.DISCIPLINE: "B-22",
    K.SCREENING_VOTE: "B-21", K.SCREENING_RESULT: "B-21",
}

CHECKS: dict[EventKind, Callable[[Ctx], None]] = {
    K.CANDIDATE: admission.check_candidate,
    K.INTRODUCERS: admission.check_introducers_event,
    K.CELL_VOTE: admission.check_cell_vote,
    K.COMMITTEE_VOTE: admission.check_committee_vote,
    K.ADMISSION_DECISION: admission.check_admission_decision,
    K.CEREMONY: admission.check_ceremony,
    K.RECOGNITION_VOTE: admission.check_recognition_vote,
    K.RECOGNITION: admission.check_recognition,
    K.PROBATION_STRUCK_OFF: member.check_probation_struck_off,
    K.READMISSION_DECISION: admission.check_readmission,
    K.TRANSFER_OUT: member.check_transfer_out,
    K.TRANSFER_IN: member.check_transfer_in,
    K.TRANSFER_CANCELLED: member.check_transfer_cancelled,
    K.TEMP_TRANSFER_OUT: member.check_temp_transfer_out,
    K.TEMP_TRANSFER_RETURN: member.check_temp_transfer_return,
    K.ORG_RESTRUCTURED: member.check_org_restructured,
    K.EXEMPTION_START: member.check_exemption,
    K.EXEMPTION_END: member.check_exemption,
    K.TEMP_EXEMPTION_START: member.check_exemption,
    K.TEMP_EXEMPTION_END: member.check_exemption,
    K.STRUCK_OFF: member.check_struck_off,
    K.EXPELLED: member.check_expelled,
    K.CARD_ISSUED: member.check_card,
    K.CARD_REPLACED: member.check_card,
    K.BADGE: badges.check_badge,
    K.DISCIPLINE: member.check_discipline,
    K.SCREENING_VOTE: screening.check_screening_vote,
    K.SCREENING_RESULT: screening.check_screening_result,
}


def validate(history: Sequence[Event], new: Event, facts: Facts, lookup: Lookup, calendar: Calendar,
             track: Track | None = None) -> list[Problem]:
    """All problems with recording ``new`` after ``history`` (empty list = valid). ``track``: ``track_of(history)``
    when the caller keeps it while appending events in order (it is not derived again)."""
    try:
        kind = EventKind(new.kind)
    except ValueError:
        return [Problem("unknown_kind", f"Loại sự kiện không hợp lệ: {new.kind!r}.", field="kind")]
    ctx = Ctx(history, new, facts, lookup, calendar, track)
    _check_order(ctx)
    if new.data.get("historical"):
        _check_historical(ctx, kind)
    elif _check_status(ctx, kind):
        CHECKS.get(kind, _no_check)(ctx)
    return list(ctx.problems)


# A historical record is a fact copied from the paper dossier (a 1975 admission, a 1990 badge): the
# procedure of the time is not re-judged by today's rule values, only the order of the facts is.
HISTORICAL_FROM: dict[EventKind, frozenset[Status | None]] = {
    K.ADMISSION_DECISION: _PRE | {S.CANDIDATE},
    K.CEREMONY: frozenset({S.ADMITTED}),
    K.RECOGNITION: frozenset({S.PROBATIONARY}),
    K.READMISSION_DECISION: EXIT_STATUSES,
    K.BADGE: frozenset({S.OFFICIAL, S.DECEASED}),
    K.DISCIPLINE: _MEMBER,
    K.STRUCK_OFF: _MEMBER,
    K.EXPELLED: _MEMBER,
    K.LEFT: _MEMBER,
    K.CARD_ISSUED: frozenset({S.OFFICIAL}),
}


def _check_historical(ctx: Ctx, kind: EventKind) -> None:
    allowed = HISTORICAL_FROM.get(kind)
    status = ctx.state.status
    if allowed is None:
        ctx.add("historical_kind_not_allowed",
                f"«{ctx.label}» không ghi được dưới dạng hồ sơ lịch sử; hãy ghi nhận như một sự kiện thông thường.",
                rule="I.5", field="kind")
        return
    if status not in allowed:
        wanted = ", ".join(sorted(status_label(s) for s in allowed))
        ctx.add("status_not_allowed",
                f"Hồ sơ lịch sử: không thể ghi «{ctx.label}» khi người này đang ở trạng thái «{status_label(status)}»; "
                f"chỉ áp dụng khi: {wanted}.", rule=RULE_OF_KIND[kind], field="kind")
        return
    if kind == K.RECOGNITION:
        end = probation_end(ctx.events)
        if end is not None and ctx.new.on != end:
            ctx.add("recognition_not_at_probation_end",
                    f"Ngày công nhận chính thức phải là ngày hết 12 tháng dự bị ({fmt(end)}), kể cả với hồ sơ lịch "
                    "sử (Điều lệ Đảng, Điều 5).", rule="B-11", field="on")


def _no_check(ctx: Ctx) -> None:
    return None


def _check_order(ctx: Ctx) -> None:
    """Events are appended in date order (same day allowed); RECOGNITION is dated back to the
    probation end by rule (B-11) and is checked against that date instead."""
    if not ctx.events or ctx.new.kind == K.RECOGNITION:
        return
    last = ctx.events[-1]
    if (ctx.new.on, ctx.new.seq) < (last.on, last.seq):
        ctx.add(
            "event_out_of_order",
            f"Ngày của sự kiện «{ctx.label}» ({fmt(ctx.new.on)}) trước sự kiện đã ghi gần nhất "
            f"«{KIND_LABELS[last.kind]}» ngày {fmt(last.on)}: không được ghi lùi ngày; hãy ghi các sự kiện "
            "theo đúng trình tự thời gian (quy tắc ghi hồ sơ của hệ thống; riêng quyết định công nhận chính "
            "thức được ghi lùi về ngày hết dự bị theo Điều lệ Đảng, Điều 5).",
            rule="I.5",
            field="on",
        )


def _check_status(ctx: Ctx, kind: EventKind) -> bool:
    """False when the member's status forbids the event (then kind-specific checks are skipped)."""
    status = ctx.state.status
    rule = RULE_OF_KIND[kind]
    if status == S.DECEASED and kind != K.BADGE:
        death = latest(ctx.events, K.DIED)
        when = f" ngày {fmt(death.on)}" if death else ""
        ctx.add(
            "member_deceased",
            f"Người này đã từ trần{when}: không thể ghi nhận «{ctx.label}»; sau khi từ trần chỉ còn xét "
            f"truy tặng Huy hiệu Đảng (Điều lệ Đảng; {qd(ctx.new.on)}).",
            rule="B-20",
            field="kind",
        )
        return False
    allowed = ALLOWED_FROM[kind]
    ok = status in allowed
    if kind == K.CANDIDATE and status == S.STRUCK_OFF:
        exit_event = ctx.track.exit_event
        ok = not ctx.track.ever_official and exit_event is not None and exit_event.kind == K.PROBATION_STRUCK_OFF
    if kind in (K.APPLICATION, K.INTRODUCERS, K.BACKGROUND_CHECK, K.CELL_VOTE, K.COMMITTEE_VOTE) and status in (
        EXIT_STATUSES
    ):
        ok = ctx.track.ever_official  # readmission procedure: only for former official members
    if kind == K.AWARENESS_COURSE and status in EXIT_STATUSES:
        ok = ctx.track.ever_official
    if not ok:
        wanted = ", ".join(sorted(status_label(s) for s in allowed))
        ctx.add(
            "status_not_allowed",
            f"Không thể ghi nhận «{ctx.label}» khi người này đang ở trạng thái «{status_label(status)}»; "
            f"sự kiện này chỉ áp dụng khi: {wanted} (trình tự theo Điều lệ Đảng và {qd(ctx.new.on)}).",
            rule=rule,
            field="kind",
        )
    return ok
