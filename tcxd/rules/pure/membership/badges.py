"""Party badges (Huy hiệu Đảng, B-23 … B-25): award validation and the next badge due."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from ..calendar import add_months
from .codes import BADGE_REASONS, DISCIPLINE_FORMS, fmt, hd, qd
from .common import Ctx
from .derive import AgeBasis, age_basis, state_on
from .types import BadgeDue, Event, EventKind, Lookup, Status

K = EventKind


def _years(event: Event) -> int | None:
    value = event.data.get("years")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def awarded_years(events: Iterable[Event]) -> set[int]:
    return {y for e in events if e.kind == K.BADGE and (y := _years(e)) is not None}


def early_months(reason: str, years: int, illness_table: Any, posthumous: Any) -> int:
    """How many months before the milestone the badge may be awarded (B-24)."""
    if reason == "posthumous":
        return int(posthumous or 0)
    if reason == "serious_illness" and isinstance(illness_table, list):
        for row in illness_table:
            if isinstance(row, Mapping) and row.get("from_years", 0) <= years <= row.get("to_years", 0):
                return int(row.get("months", 0))
    return 0


def deferral_end(events: Iterable[Event], table: Any, until: date) -> tuple[date | None, Event | None]:
    """The first day after every discipline's badge deferral (B-25); (None, None) if none applies."""
    best: tuple[date | None, Event | None] = (None, None)
    if not isinstance(table, Mapping):
        return best
    for event in events:
        if event.kind != K.DISCIPLINE or event.on > until:
            continue
        months = table.get(str(event.data.get("form")), 0)
        if not isinstance(months, int) or months <= 0:
            continue
        end = add_months(event.on, months)
        if best[0] is None or end > best[0]:
            best = (end, event)
    return best


def check_badge(ctx: Ctx) -> None:
    on = ctx.new.on
    rule = f"{qd(on)}; {hd(on)} điểm 18 (Huy hiệu Đảng)"
    years = _years(ctx.new)
    reason = str(ctx.data.get("reason", "normal"))
    milestones = ctx.param("badge.milestones_years")
    if reason not in BADGE_REASONS:
        listed = ", ".join(f"{code} ({label})" for code, label in BADGE_REASONS.items())
        ctx.add("badge_reason_invalid", f"Lý do tặng phải là một trong: {listed} ({rule}).", "B-24", "reason")
        return
    if years is None or (milestones is not None and years not in milestones):
        ctx.add(
            "badge_milestone_invalid",
            f"Mốc Huy hiệu Đảng {ctx.data.get('years')!r} không hợp lệ; các mốc: "
            f"{', '.join(str(m) for m in milestones or [])} năm tuổi đảng ({rule}).",
            rule="B-23",
            field="years",
        )
        return
    status = ctx.state.status
    if reason == "posthumous" and status != Status.DECEASED:
        ctx.add("badge_posthumous_not_deceased", f"Chỉ truy tặng cho đảng viên đã từ trần ({rule}).", "B-24", "reason")
    if reason != "posthumous" and status != Status.OFFICIAL:
        ctx.add(
            "badge_not_official",
            f"Người đã từ trần chỉ được xét truy tặng (reason = posthumous) ({rule}).",
            rule="B-24",
            field="reason",
        )
    awarded = awarded_years(ctx.events)
    if years in awarded:
        ctx.add("badge_already_awarded", f"Đã được tặng Huy hiệu {years} năm tuổi đảng ({rule}).", "B-23", "years")
    elif awarded and years < max(awarded):
        ctx.add(
            "badge_below_awarded",
            f"Đã được tặng Huy hiệu {max(awarded)} năm tuổi đảng; không tặng mốc thấp hơn ({years} năm) ({rule}).",
            rule="B-23",
            field="years",
        )
    basis = age_basis(ctx.events, on)
    if basis is None:
        ctx.add(
            "badge_no_party_age",
            f"Chưa có tuổi đảng: tuổi đảng chỉ tính cho người đã được công nhận đảng viên chính thức ({qd(on)}).",
            rule="B-12",
        )
    else:
        _check_party_age(ctx, basis, years, reason, rule)
    _check_deferral(ctx, rule)


def _check_party_age(ctx: Ctx, basis: AgeBasis, years: int, reason: str, rule: str) -> None:
    early = early_months(
        reason,
        years,
        ctx.param("badge.early_award_serious_illness_months") if reason == "serious_illness" else None,
        ctx.param("badge.posthumous_early_months") if reason == "posthumous" else None,
    )
    reach = basis.reaches(12 * years - early)
    if reach <= basis.end:
        return
    age_years, age_months = divmod(basis.months, 12)
    counted = "tại ngày từ trần" if reason == "posthumous" else f"tại ngày {fmt(ctx.new.on)}"
    window = f", được tặng sớm tối đa {early} tháng" if early else ""
    ctx.add(
        "badge_party_age_short",
        f"Tuổi đảng {counted} là {age_years} năm {age_months} tháng (tính từ {fmt(basis.since)}, đã trừ "
        f"{basis.excluded_days} ngày gián đoạn), chưa đủ {years} năm{window}; sớm nhất ngày {fmt(reach)} ({rule}).",
        rule="B-24" if early else "B-23",
        field="years",
    )


def _check_deferral(ctx: Ctx, rule: str) -> None:
    on = ctx.new.on
    end, discipline = deferral_end(ctx.events, ctx.param("badge.discipline_deferral_months"), on)
    if end is not None and discipline is not None and end > on:
        form = DISCIPLINE_FORMS.get(str(discipline.data.get("form")), "kỷ luật")
        ctx.add(
            "badge_deferred_discipline",
            f"Đảng viên bị kỷ luật {form} ngày {fmt(discipline.on)}: chưa xét tặng Huy hiệu Đảng trước ngày "
            f"{fmt(end)} ({rule}).",
            rule="B-25",
        )


def _occasion(reached_on: date, occasions: Any) -> date:
    """First award occasion ("MM-DD") on or after ``reached_on``."""
    days: list[tuple[int, int]] = []
    for text in occasions if isinstance(occasions, list) else []:
        month, day = (int(part) for part in str(text).split("-"))
        days.append((month, day))
    if not days:
        return reached_on
    for year in (reached_on.year, reached_on.year + 1):
        for month, day in sorted(days):
            candidate = date(year, month, day)
            if candidate >= reached_on:
                return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def next_badge(history: Sequence[Event], on: date, lookup: Lookup) -> BadgeDue | None:
    """The next badge for an official member: among milestones above the highest already awarded,
    the highest one already reached on ``on`` (overdue) or else the next one to reach. ``reached_on``
    accounts for gaps; ``occasion`` is the first award occasion on or after it; ``deferred_until`` is
    set when a discipline defers the award past both the occasion and ``on`` (B-25)."""
    if state_on(history, on).status != Status.OFFICIAL:
        return None
    basis = age_basis(history, on)
    if basis is None:
        return None
    try:
        milestones = list(lookup("badge.milestones_years", on))
        occasions = lookup("badge.award_occasions", on)
        table = lookup("badge.discipline_deferral_months", on)
    except LookupError:
        return None
    past = [e for e in history if e.on <= on]
    top = max(awarded_years(past), default=0)
    candidates = sorted(m for m in milestones if m > top)
    if not candidates:
        return None
    reached = [m for m in candidates if basis.reaches(12 * m) <= on]
    years = max(reached) if reached else candidates[0]
    reached_on = basis.reaches(12 * years)
    occasion = _occasion(reached_on, occasions)
    end, _ = deferral_end(past, table, on)
    deferred = end if end is not None and end > max(occasion, on) else None
    return BadgeDue(years=years, reached_on=reached_on, occasion=occasion, deferred_until=deferred)
