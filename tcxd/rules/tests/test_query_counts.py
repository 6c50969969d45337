"""No N+1: the rules in force (parameters and regulations), the holiday calendar and the regulations endpoint run
as many queries with a few rows as with many. Reference rows are written to the tables as the other rules tests
do (the administrators enter them in the admin site)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.urls import reverse

from tcxd.common.tests.queries import api_client, assert_flat, measure, session_client, warm
from tcxd.rules.models import PublicHoliday, Regulation, RuleParameter
from tcxd.rules.selectors import rules_cache_clear

D = dt.date
_n = itertools.count(1)


def _grow(n):
    """``n`` more regulations, each superseding the one before and carrying two parameters; ``n`` more days off
    in 2090."""
    previous = Regulation.objects.order_by("-id").first()
    for _ in range(n):
        i = next(_n)
        regulation = Regulation.objects.create(code=f"{i}-QĐ/TW-THU", title=f"Quy định thử {i}", issuer="Ban Bí thư",
                                               effective_from=D(2020, 1, 1) + dt.timedelta(days=i))
        if previous is not None:
            regulation.supersedes.add(previous)
        for suffix in ("a", "b"):
            RuleParameter.objects.create(key=f"test.param_{i}_{suffix}", regulation=regulation, value=i,
                                         unit="tháng", description_vi=f"Tham số thử {i}{suffix}")
        PublicHoliday.objects.create(date=D(2090, 2, 1) + dt.timedelta(days=3 * i), name=f"Nghỉ {i}",
                                     kind=PublicHoliday.Kind.COMPENSATORY)
        previous = regulation
    rules_cache_clear()


def test_rules_pages_and_regulations_api_queries_do_not_grow_with_rows(users):
    pages = [reverse("rules:in_force"), (reverse("rules:in_force"), {"q": "test", "ngay": "01/06/2026"}),
             (reverse("rules:holidays"), {"nam": "2090"})]
    endpoints = ["/api/rules/regulations"]
    session, api = session_client(users["commune_officer"]), api_client(users["commune_officer"])
    _grow(2)
    warm(session, pages)
    warm(api, endpoints)
    rules_cache_clear()
    before = {**measure(session, pages), **measure(api, endpoints)}
    _grow(10)
    assert_flat(before, {**measure(session, pages), **measure(api, endpoints)})
