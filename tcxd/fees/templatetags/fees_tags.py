"""Display filters of the fee and meeting pages: {{ month|vn_month }} → 02/2026; {{ n|vnd }} → 85.000 đ."""

from __future__ import annotations

import datetime as dt

from django import template

from tcxd.common.fmt import fmt_int
from tcxd.rules.pure.calendar import add_months

from ..periods import fmt_month

register = template.Library()


@register.filter
def vn_month(value):
    return fmt_month(value) if isinstance(value, dt.date) else ""


@register.filter
def vnd(value):
    """Whole đồng with thousands dots; '—' when unknown."""
    if value is None or value == "":
        return "—"
    try:
        return f"{fmt_int(int(value))} đ"
    except (TypeError, ValueError):
        return value


@register.filter
def shift_month(value, n):
    """The month ``n`` months away, as mm/yyyy (for previous/next links)."""
    try:
        return fmt_month(add_months(value, int(n)))
    except (TypeError, ValueError, AttributeError):
        return ""
