"""Vietnamese display filters: {{ n|vn_int }} → 1.793; {{ a|vn_ratio:b }} → 1.793/2.900 (61,83 %)."""

from __future__ import annotations

from django import template

from tcxd.common import fmt

register = template.Library()


@register.filter
def vn_int(value):
    try:
        return fmt.fmt_int(int(value))
    except (TypeError, ValueError):
        return value


@register.filter
def vn_date(value):
    return fmt.fmt_date(value) if value else ""


@register.filter
def vn_ratio(numerator, denominator):
    try:
        return fmt.fmt_ratio(int(numerator), int(denominator))
    except (TypeError, ValueError):
        return ""


@register.filter
def vn_pct(numerator, denominator):
    try:
        return fmt.fmt_percent(int(numerator), int(denominator))
    except (TypeError, ValueError):
        return ""


@register.filter
def pct_width(numerator, denominator):
    """Integer percentage 0..100 for progress bars."""
    try:
        n, d = int(numerator), int(denominator)
    except (TypeError, ValueError):
        return 0
    return 0 if d <= 0 else max(0, min(100, (n * 100) // d))


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def vn_value(value):
    """A rule value for reading: lists joined, mappings as 'key: value', decimals with a comma."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {vn_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(vn_value(v)) for v in value)
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int):
        return fmt.fmt_int(value)
    if isinstance(value, str) and value.replace(".", "", 1).isdigit() and "." in value:
        return value.replace(".", ",")
    return value
