from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tcxd.authz.models import Role
from tcxd.conftest import make_user


@pytest.fixture
def client_officer(db):
    client = Client()
    client.force_login(make_user("xem", Role.LEADER))
    return client


def test_rules_in_force_follow_the_date(client_officer):
    def params_table(day):
        html = client_officer.get(reverse("rules:in_force"), {"ngay": day, "q": "admission.age_min"})
        return html.content.decode().split("Văn bản quy định")[0]

    after, before = params_table("01/08/2025"), params_table("01/08/2024")
    assert "QĐ 294-QĐ/TW" in after and "QĐ 24-QĐ/TW" not in after
    assert "QĐ 24-QĐ/TW" in before and "QĐ 294-QĐ/TW" not in before
    bad = client_officer.get(reverse("rules:in_force"), {"ngay": "32/13/2025"})
    assert "Ngày không hợp lệ" in bad.content.decode()


def test_holiday_calendar_page(client_officer):
    html = client_officer.get(reverse("rules:holidays"), {"nam": "2026"}).content.decode()
    assert "17/02/2026" in html  # Tết Bính Ngọ
    assert "02/09/2026" in html
