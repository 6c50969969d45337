"""The rules a target must meet, as Vietnamese messages per field (all problems at once). Pure."""

from __future__ import annotations

import datetime as dt

from tcxd.common.fmt import fmt_int

from .models import Indicator

FIRST_YEAR = 1930  # the Party was founded in 1930: no earlier year is a typing mistake we accept
YEARS_AHEAD = 5  # a target may be set up to one congress term ahead
MAX_PLANNED = 10_000_000  # more than the whole Party: a typing mistake
MAX_NOTE = 500


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def year_errors(year, *, today: dt.date) -> list[str]:
    last = today.year + YEARS_AHEAD
    if year is None or year == "":
        return ["Chưa nhập năm của chỉ tiêu."]
    if not _is_int(year) or not FIRST_YEAR <= year <= last:
        return [f"Năm của chỉ tiêu phải là một năm từ {FIRST_YEAR} đến {last} "
                f"(không quá {YEARS_AHEAD} năm sau năm hiện tại); đã nhập “{year}”."]
    return []


def indicator_errors(indicator) -> list[str]:
    if not indicator:
        return ["Chưa chọn chỉ tiêu."]
    if indicator not in Indicator.values:
        known = "; ".join(f"{label} ({value})" for value, label in Indicator.choices)
        return [f"Chỉ tiêu “{indicator}” không có trong danh mục chỉ tiêu; chọn một trong: {known}."]
    return []


def planned_errors(planned) -> list[str]:
    if planned is None or planned == "":
        return ["Chưa nhập số kế hoạch."]
    if not _is_int(planned) or planned <= 0:
        return [f"Số kế hoạch phải là số nguyên dương (lớn hơn 0), ví dụ 1.300; đã nhập “{planned}”."]
    if planned > MAX_PLANNED:
        return [f"Số kế hoạch không được vượt quá {fmt_int(MAX_PLANNED)}; đã nhập {fmt_int(planned)}."]
    return []


def target_errors(*, year, indicator, planned=None, note: str = "", today: dt.date,
                  check_planned: bool = True) -> dict[str, list[str]]:
    """Every problem of a target's fields, keyed by field name (empty when all is well)."""
    errors = {"year": year_errors(year, today=today), "indicator": indicator_errors(indicator)}
    if check_planned:
        errors["planned"] = planned_errors(planned)
        if len(note or "") > MAX_NOTE:
            errors["note"] = [f"Ghi chú tối đa {MAX_NOTE} ký tự."]
    return {field: messages for field, messages in errors.items() if messages}
