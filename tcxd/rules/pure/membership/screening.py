"""Screening of members (rà soát, sàng lọc đảng viên — CT 28-CT/TW 2019, HD 02-HD/BTCTW 2021, B-21).

The cell votes by secret ballot on each member its committee proposes; only the tally is kept
(official members counted, exempted members excluded, votes in favour). With ≥ 2/3 the member goes on
the list of members needing education and help; after the help period (``screening.help_period_months``,
unverified → configurable, default 12 months as in B-19c) the cell records the result: the member has
improved and leaves the list, or has not and the cell proposes striking off (or another form).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..calendar import add_months
from .codes import fmt
from .common import Ctx, tally, vote_passed
from .derive import ordered
from .types import Event, EventKind

K = EventKind
THRESHOLD_KEY = "screening.help_list_vote_threshold"
PERIOD_KEY = "screening.help_period_months"
DEFAULT_PERIOD_MONTHS = 12
OUTCOMES = {
    "improved": "tiến bộ, đưa ra khỏi danh sách cần giáo dục, giúp đỡ",
    "not_improved": "không tiến bộ, đề nghị xóa tên hoặc hình thức khác",
}


def _rule(on) -> str:
    return "CT 28-CT/TW; HD 02-HD/BTCTW, bước 1" if on is None else f"CT 28-CT/TW; HD 02-HD/BTCTW (ngày {fmt(on)})"


def on_help_list(history: Sequence[Event], lookup) -> Event | None:
    """The screening vote that put the member on the help list, while no result has closed it."""
    listed: Event | None = None
    for event in ordered(history):
        if event.kind == K.SCREENING_VOTE:
            if vote_passed(lookup, event, THRESHOLD_KEY):
                listed = event
        elif event.kind == K.SCREENING_RESULT:
            listed = None
    return listed


def help_period_end(vote: Event, lookup) -> object:
    try:
        months = lookup(PERIOD_KEY, vote.on)
    except LookupError:
        months = DEFAULT_PERIOD_MONTHS
    return add_months(vote.on, int(months))


def check_screening_vote(ctx: Ctx) -> None:
    rule = "CT 28-CT/TW; HD 02-HD/BTCTW, bước 1"
    listed = on_help_list(ctx.events, ctx.lookup)
    if listed is not None:
        ctx.add(
            "screening_already_listed",
            f"Đảng viên đã ở trong danh sách cần giáo dục, giúp đỡ từ ngày {fmt(listed.on)}: ghi kết quả giúp đỡ "
            f"trước khi rà soát lại ({rule}).",
            rule="B-21",
        )
    counts, errors = tally(ctx.data)
    for field, complaint in errors:
        ctx.add("vote_data_invalid", f"Kết quả bỏ phiếu kín: {complaint} ({rule}).", "B-21", field)
    ctx.threshold(THRESHOLD_KEY)


def check_screening_result(ctx: Ctx) -> None:
    rule = "CT 28-CT/TW; HD 02-HD/BTCTW, bước 2–3"
    outcome = ctx.data.get("outcome")
    if outcome not in OUTCOMES:
        listed_outcomes = "; ".join(f"{code} = {label}" for code, label in OUTCOMES.items())
        ctx.add("screening_outcome_invalid", f"Kết quả phải là một trong: {listed_outcomes} ({rule}).", "B-21",
                "outcome")
    listed = on_help_list(ctx.events, ctx.lookup)
    if listed is None:
        ctx.add(
            "screening_not_listed",
            f"Đảng viên không ở trong danh sách cần giáo dục, giúp đỡ (chưa có nghị quyết chi bộ bỏ phiếu kín đạt "
            f"2/3) nên không có kết quả giúp đỡ để ghi ({rule}).",
            rule="B-21",
        )
        return
    months = ctx.param(PERIOD_KEY, listed.on, fallback=DEFAULT_PERIOD_MONTHS)
    if months is None:
        return
    end = add_months(listed.on, int(months))
    if ctx.new.on < end:
        ctx.add(
            "screening_result_too_early",
            f"Thời gian giáo dục, giúp đỡ là {months} tháng kể từ ngày chi bộ đưa vào danh sách ({fmt(listed.on)}): "
            f"chỉ đánh giá kết quả từ ngày {fmt(end)} ({rule}).",
            rule="B-21",
            field="on",
        )
