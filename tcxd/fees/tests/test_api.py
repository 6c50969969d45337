"""The fee API: same services, JSON errors with a stable code and Vietnamese messages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from tcxd.authz.services import api_token_create
from tcxd.fees.models import FeeBasis, FeeDecision, FeePayment

D = dt.date


@pytest.fixture
def api(users):
    def client(who="commune_officer") -> Client:
        key, _ = api_token_create(actor=users[who], user=users[who])
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_compute_pay_and_read_back(tree, api, cell_members):
    client = api()
    a1 = tree.cell_a1.pk
    cuong = cell_members["cuong"]
    computed = post(client, f"/api/fees/orgs/{a1}/compute", {"month": "2026-02-14"})
    assert computed.status_code == 200 and computed.json()["members"] == 3
    paid = post(client, f"/api/fees/orgs/{a1}/payments", {"member_id": cuong.pk, "month": "2026-02-01",
                                                          "amount_paid": 5000, "paid_on": "2026-02-03",
                                                          "channel": "portal"})
    assert paid.status_code == 201 and paid.json()["amount_due"] == 5000
    ledger = client.get(f"/api/fees/orgs/{a1}/ledger", {"month": "2026-02-01"}).json()
    assert (ledger["members"], ledger["paid"], ledger["total_paid"], ledger["regulation"]) == (3, 1, 5000,
                                                                                             "QĐ 01-QĐ/TW")
    assert ledger["lines"][2]["full_name"] == "Lê Văn Cường" and ledger["lines"][2]["channel"] == "portal"
    report = client.get(f"/api/fees/orgs/{tree.commune_a.pk}/report", {"month": "2026-02-01"}).json()
    assert report["total"]["paid"] == 5000 and report["rows"][0]["name"] == "Chi bộ Khối 1"
    post(client, f"/api/fees/orgs/{a1}/compute", {"month": "2026-03-01"})
    arrears = client.get(f"/api/fees/orgs/{a1}/arrears", {"year": 2026}).json()
    assert arrears == [{"member_id": cuong.pk, "full_name": "Lê Văn Cường", "unpaid_months": ["2026-03-01"],
                        "owed": 5000}]


def test_basis_and_decision(tree, api, cell_members):
    client = api()
    an = cell_members["an"]
    basis = post(client, f"/api/fees/orgs/{tree.cell_a1.pk}/bases",
                 {"member_id": an.pk, "valid_from": "2026-02-01", "group": "salary", "base_amount": 9000000})
    assert basis.status_code == 201 and FeeBasis.objects.get().base_amount == 9_000_000
    too_long = post(client, f"/api/fees/orgs/{tree.cell_a1.pk}/decisions",
                    {"member_id": an.pk, "kind": "reduce", "ground": "hardship", "percent": 30,
                     "from_month": "2026-03-01", "to_month": "2027-03-01", "reason": "Ốm", "decision_no": "7"})
    assert too_long.status_code == 400 and "tối đa 12 tháng" in too_long.json()["errors"]["to_month"][0]
    ok = post(client, f"/api/fees/orgs/{tree.cell_a1.pk}/decisions",
              {"member_id": an.pk, "kind": "reduce", "ground": "hardship", "percent": 30,
               "from_month": "2026-03-01", "to_month": "2027-02-01", "reason": "Ốm", "decision_no": "7"})
    assert ok.status_code == 201 and FeeDecision.objects.get().percent == 30


def test_errors(tree, api, cell_members):
    client = api()
    out = post(client, f"/api/fees/orgs/{tree.cell_b1.pk}/compute", {"month": "2026-02-01"})
    assert out.status_code == 404 and out.json()["code"] == "not_found"
    stranger = post(client, f"/api/fees/orgs/{tree.cell_a1.pk}/payments",
                    {"member_id": cell_members["out"].pk, "month": "2026-02-01", "amount_paid": 5000,
                     "paid_on": "2026-02-03", "channel": "cash"})
    assert stranger.status_code == 400 and stranger.json()["errors"] == {
        "member_id": ["Không có đảng viên này trong tổ chức."]}
    low = post(client, f"/api/fees/orgs/{tree.cell_a1.pk}/payments",
               {"member_id": cell_members["cuong"].pk, "month": "2026-02-01", "amount_paid": 10,
                "paid_on": "2026-02-03", "channel": "cash"})
    assert low.status_code == 400 and "thấp hơn số phải đóng" in low.json()["message"]
    assert FeePayment.objects.filter(amount_paid__isnull=False).count() == 0
    read_only = post(api("leader"), f"/api/fees/orgs/{tree.cell_a1.pk}/compute", {"month": "2026-02-01"})
    assert read_only.status_code == 403
    bad_year = client.get(f"/api/fees/orgs/{tree.cell_a1.pk}/arrears", {"year": 99999})
    assert bad_year.status_code == 422
    bad_month = client.get(f"/api/fees/orgs/{tree.cell_a1.pk}/ledger", {"month": "0001-01-01"})
    assert bad_month.status_code == 422
