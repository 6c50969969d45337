"""Reference-data lookups for forms: the administrative-unit picker (accent-insensitive, both maps)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .models import MapVersion

MIN_CHARS = 2


@login_required
@require_GET
def unit_suggest(request):
    """htmx fragment: up to 12 units of one map whose name matches what the user typed.

    ``ten`` names the query parameter holding the text (the picker's own input name, which htmx sends),
    ``ban-do`` the map (``2025`` or ``pre2025``), ``o`` the id of the input to fill.
    """
    version = request.GET.get("ban-do", MapVersion.V2025)
    if version not in MapVersion.values:
        version = MapVersion.V2025
    text = request.GET.get(request.GET.get("ten", "q"), "") or request.GET.get("q", "")
    code = text.split(" — ")[0].strip()
    units = []
    if len(text.strip()) >= MIN_CHARS and not (code.isdigit() and " — " in text):
        units = selectors.unit_search(text, map_version=version, limit=12)
    successors = selectors.successors_of_units(units) if version == MapVersion.PRE2025 and units else {}
    rows = [{"unit": u, "label": selectors.unit_label(u), "parents": selectors.unit_label(u.parent) if u.parent else "",
             "successors": successors.get(u.pk, [])[:3]} for u in units]
    return render(request, "geo/_unit_suggestions.html", {
        "rows": rows, "target": request.GET.get("o", ""), "typed": text.strip(), "min_chars": MIN_CHARS,
        "too_short": 0 < len(text.strip()) < MIN_CHARS})
