"""Admin pages: holidays and configurable parameters editable, fixed parameters view-only."""

from __future__ import annotations

from datetime import date as D

import pytest
from django.urls import reverse

from tcxd.rules.models import PublicHoliday, Regulation, RuleParameter

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_rules(client, rules_admin):
    client.force_login(rules_admin)
    return client


@pytest.mark.parametrize("model", ["regulation", "ruleparameter", "publicholiday"])
def test_changelists_load(admin_client_rules, model):
    assert admin_client_rules.get(reverse(f"admin:rules_{model}_changelist")).status_code == 200


def test_fixed_parameter_is_view_only(admin_client_rules):
    fixed = RuleParameter.objects.get(key="probation.months")
    url = reverse("admin:rules_ruleparameter_change", args=[fixed.pk])
    assert admin_client_rules.get(url).status_code == 200
    response = admin_client_rules.post(url, {"value": "6", "change_note": "x"})
    assert response.status_code == 403
    assert RuleParameter.objects.get(pk=fixed.pk).value == 12


def test_configurable_parameter_is_edited_through_the_service(admin_client_rules):
    p = RuleParameter.objects.get(key="vote.confidence_denominator")
    url = reverse("admin:rules_ruleparameter_change", args=[p.pk])
    response = admin_client_rules.post(url, {"value": '"valid"', "change_note": "Quyết định của Ban Thường vụ"})
    assert response.status_code == 302
    assert RuleParameter.objects.get(pk=p.pk).value == "valid"


def test_holiday_added_in_admin(admin_client_rules):
    url = reverse("admin:rules_publicholiday_add")
    response = admin_client_rules.post(url, {"date": "23/11/2035", "name": "Ngày nghỉ bổ sung",
                                             "kind": "statutory", "note": ""})
    assert response.status_code == 302, response.content[:500]
    assert PublicHoliday.objects.get(date=D(2035, 11, 23)).name == "Ngày nghỉ bổ sung"


def test_regulation_only_note_editable(admin_client_rules):
    reg = Regulation.objects.get(code="QĐ 294-QĐ/TW")
    url = reverse("admin:rules_regulation_change", args=[reg.pk])
    rows = list(reg.parameters.order_by("key", "effective_from").values_list("pk", flat=True))
    data = {"note": "Đã đối chiếu văn bản gốc.", "code": "X", "parameters-TOTAL_FORMS": len(rows),
            "parameters-INITIAL_FORMS": len(rows), "parameters-MIN_NUM_FORMS": 0, "parameters-MAX_NUM_FORMS": 1000}
    for i, pk in enumerate(rows):
        data[f"parameters-{i}-id"], data[f"parameters-{i}-regulation"] = pk, reg.pk
    response = admin_client_rules.post(url, data)
    assert response.status_code == 302
    reg.refresh_from_db()
    assert (reg.code, reg.note) == ("QĐ 294-QĐ/TW", "Đã đối chiếu văn bản gốc.")
