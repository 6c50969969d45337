"""Read-only pages: the rules in force on a date and the holiday calendar of a year."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from tcxd.common.fmt import parse_date

from . import selectors
from .models import Regulation


@login_required
def rules_in_force(request):
    raw = request.GET.get("ngay", "").strip()
    error = None
    day = timezone.localdate()
    if raw:
        try:
            day = parse_date(raw)
        except ValueError as exc:
            error = str(exc)
    q = request.GET.get("q", "").strip().lower()
    versions = selectors.parameters_in_force(on=day)
    if q:
        versions = [v for v in versions if q in v.parameter.key.lower() or q in v.parameter.description_vi.lower()]
    regulations = Regulation.objects.prefetch_related("supersedes").order_by("-effective_from", "code")
    return render(request, "rules/in_force.html", {"day": day, "error": error, "versions": versions, "q": q,
                                                   "regulations": regulations})


@login_required
def holidays(request):
    try:
        year = int(request.GET.get("nam", timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    return render(request, "rules/holidays.html", {"year": year, "rows": selectors.holidays_of_year(year)})
