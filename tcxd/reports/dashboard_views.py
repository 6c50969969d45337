"""The dashboard page (Tổng quan). Thin: parse, call the dashboard selector, render; the charts are drawn by
static/tcxd/dashboard.js from the data the page carries (json_script: no inline script under the CSP)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from tcxd.orgs import selectors as org_selectors

from . import dashboard as D


@login_required
def dashboard(request):
    """?to_chuc= (an org in scope; default the user's own), ?ngay= (dd/mm/yyyy, default today, not after
    today), ?nam= (year of the targets, default the day's year)."""
    today = timezone.localdate()
    day, year, errors = D.dashboard_params(request.GET.get("ngay"), request.GET.get("nam"), today=today)
    problems = [message for messages in errors.values() for message in messages]
    org_id = request.GET.get("to_chuc", "").strip()
    org = org_selectors.org_get(actor=request.user, pk=org_id) if org_id else D.dashboard_org_default(
        actor=request.user)
    context = {"org": org, "day": day, "year": year, "problems": problems, "raw_day": request.GET.get("ngay")}
    if org is None:
        return render(request, "reports/dashboard.html", context)
    data = D.dashboard(actor=request.user, org=org, day=day, year=year)
    return render(request, "reports/dashboard.html", {
        **context, "dashboard": data, "chart_data": data.as_dict(),
        "roots": list(org_selectors.org_scope_roots(actor=request.user).order_by("path")),
        "ancestors": org_selectors.org_ancestors(actor=request.user, org=org),
        "children": list(org_selectors.org_children(org=org)),
    })
