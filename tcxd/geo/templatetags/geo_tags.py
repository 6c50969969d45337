from django import template

from tcxd.geo.selectors import unit_label as _unit_label

register = template.Library()


@register.filter
def unit_label(unit) -> str:
    """An administrative unit with its parents, "" for none."""
    return _unit_label(unit) if unit is not None else ""
