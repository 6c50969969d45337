"""Fee pages: 200 in scope / 404 out of scope; the ledger form shows Vietnamese messages on bad input
and saves nothing; numbers and months the Vietnamese way; query counts do not grow with members."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tcxd.fees import services as S
from tcxd.fees.models import FeeBasis, FeeDecision, FeePayment

from .factories import make_member

D = dt.date
FEB = D(2026, 2, 1)
ORG_PAGES = ["fees:ledger", "fees:year", "fees:bases", "fees:compute", "fees:basis_create", "fees:decision_create"]


def login(users, who="commune_officer") -> Client:
    client = Client()
    client.force_login(users[who])
    return client


@pytest.mark.parametrize("name", ORG_PAGES)
def test_pages_in_and_out_of_scope(tree, users, cell_members, name):
    client = login(users)
    assert client.get(reverse(name, args=[tree.cell_a1.pk])).status_code == 200
    out = client.get(reverse(name, args=[tree.cell_b1.pk]))
    assert out.status_code == 404 and tree.cell_b1.name not in out.content.decode()


def test_read_only_roles_see_but_cannot_write(tree, users, cell_members):
    client = login(users, "leader")
    page = client.get(reverse("fees:ledger", args=[tree.cell_a1.pk]))
    assert page.status_code == 200 and 'name="paid_' not in page.content.decode()
    assert client.get(reverse("fees:compute", args=[tree.cell_a1.pk])).status_code == 403
    response = client.post(reverse("fees:ledger", args=[tree.cell_a1.pk]) + "?thang=02/2026",
                           {f"paid_{cell_members['cuong'].pk}": "5.000", "paid_on_all": "05/02/2026"})
    assert response.status_code == 403 and FeePayment.objects.count() == 0


def test_ledger_bad_input_then_good_input(tree, users, cell_members):
    client = login(users)
    url = reverse("fees:ledger", args=[tree.cell_a1.pk]) + "?thang=02/2026"
    an, cuong = cell_members["an"], cell_members["cuong"]
    S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=FEB)
    bad = client.post(url, {f"paid_{cuong.pk}": "5,5", f"date_{cuong.pk}": "", f"channel_{cuong.pk}": "cash",
                            f"paid_{an.pk}": "", f"date_{an.pk}": "31/02/2026"})
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "Số tiền không hợp lệ: “5,5”" in html and "Có ngày đóng nhưng chưa nhập số tiền." in html
    assert "Chưa lưu" in html and 'value="5,5"' in html
    low = client.post(url, {f"paid_{cuong.pk}": "4.000", f"date_{cuong.pk}": "05/02/2026",
                            f"channel_{cuong.pk}": "cash"})
    assert "thấp hơn số phải đóng tháng 02/2026 (5.000 đ)" in low.content.decode()
    assert FeePayment.objects.filter(amount_paid__isnull=False).count() == 0
    good = client.post(url, {f"paid_{cuong.pk}": "5.000", f"channel_{cuong.pk}": "portal",
                             "paid_on_all": "05/02/2026"})
    assert good.status_code == 302
    paid = FeePayment.objects.get(member=cuong, month=FEB)
    assert (paid.amount_paid, paid.paid_on, paid.channel) == (5_000, D(2026, 2, 5), "portal")
    page = client.get(url).content.decode()
    assert "Đã ghi 1 khoản đảng phí tháng 02/2026." in page and "5.000 đ" in page and "đã đóng" in page


def test_ledger_shows_month_navigation_and_uncomputed_notice(tree, users, cell_members):
    html = login(users).get(reverse("fees:ledger", args=[tree.cell_a1.pk]) + "?thang=02/2026").content.decode()
    assert "Sổ thu đảng phí tháng 02/2026" in html and "?thang=01/2026" in html and "?thang=03/2026" in html
    assert "Mới tính 0/3 đảng viên" in html
    bad_month = login(users).get(reverse("fees:ledger", args=[tree.cell_a1.pk]) + "?thang=13/2026")
    assert "Tháng không hợp lệ" in bad_month.content.decode()


def test_compute_page(tree, users, cell_members):
    client = login(users)
    url = reverse("fees:compute", args=[tree.commune_a.pk])
    bad = client.post(url, {"month": "2026/02"})
    assert "Tháng không hợp lệ" in bad.content.decode() and FeePayment.objects.count() == 0
    good = client.post(url, {"month": "02/2026"})
    assert good.status_code == 302 and "to_chuc=" in good["Location"]
    assert FeePayment.objects.filter(month=FEB).count() == 3
    cell = client.post(reverse("fees:compute", args=[tree.cell_a1.pk]), {"month": "03/2026"})
    assert cell["Location"].endswith("?thang=03/2026")


def test_report_page_and_csv(tree, users, cell_members):
    S.fee_month_compute(actor=tree.admin, org=tree.province, month=FEB)
    S.fee_payment_record(actor=tree.admin, member=cell_members["cuong"], month=FEB, amount_paid=5_000,
                         paid_on=FEB, channel="cash")
    client = login(users)
    html = client.get(reverse("fees:report"), {"thang": "02/2026"}).content.decode()
    assert "Báo cáo thu đảng phí tháng 02/2026" in html and "Chi bộ Khối 1" in html
    assert tree.cell_b1.name not in html  # outside the commune officer's scope
    assert "1/3 (33,33 %)" in html
    assert client.get(reverse("fees:report"), {"to_chuc": tree.cell_b1.pk}).status_code == 404
    csv = client.get(reverse("fees:report"), {"thang": "02/2026", "tai": "csv"})
    body = b"".join(csv.streaming_content).decode()
    assert csv["Content-Type"].startswith("text/csv") and body.startswith("\ufeffTổ chức,")
    assert "Chi bộ Khối 1,3,3,0,5000,1,5000,0,0,2" in body and "Tổng cộng" in body


def test_basis_and_decision_forms(tree, users, cell_members):
    client = login(users)
    an = cell_members["an"]
    url = reverse("fees:basis_create", args=[tree.cell_a1.pk])
    bad = client.post(url, {"member": an.pk, "valid_from": "02/2026", "group": "salary", "base_amount": "abc"})
    assert "Số tiền không hợp lệ" in bad.content.decode() and FeeBasis.objects.count() == 0
    missing = client.post(url, {"member": an.pk, "valid_from": "02/2026", "group": "salary", "base_amount": ""})
    assert "Chưa nhập căn cứ tính" in missing.content.decode() and FeeBasis.objects.count() == 0
    good = client.post(url, {"member": an.pk, "valid_from": "02/2026", "group": "salary",
                             "base_amount": "8.500.000"})
    assert good.status_code == 302 and FeeBasis.objects.get().base_amount == 8_500_000
    assert client.post(url, {"member": cell_members["out"].pk, "valid_from": "02/2026", "group": "salary",
                             "base_amount": "1"}).status_code == 200  # not a choice: form error
    assert FeeBasis.objects.count() == 1
    durl = reverse("fees:decision_create", args=[tree.cell_a1.pk])
    long = client.post(durl, {"member": an.pk, "kind": "reduce", "ground": "hardship", "percent": "50",
                              "from_month": "03/2026", "to_month": "03/2027", "decision_no": "5-QĐ/ĐU",
                              "reason": "Ốm đau"})
    assert "tối đa 12 tháng" in long.content.decode() and FeeDecision.objects.count() == 0
    ok = client.post(durl, {"member": an.pk, "kind": "reduce", "ground": "hardship", "percent": "50",
                            "from_month": "03/2026", "to_month": "02/2027", "decision_no": "5-QĐ/ĐU",
                            "reason": "Ốm đau"})
    assert ok.status_code == 302 and FeeDecision.objects.get().percent == 50
    page = client.get(reverse("fees:bases", args=[tree.cell_a1.pk]), {"thang": "03/2026"}).content.decode()
    assert "8.500.000 đ" in page and "Giảm đảng phí 50 %" in page and "03/2026–02/2027" in page


def test_year_page(tree, users, cell_members):
    S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=FEB)
    html = login(users).get(reverse("fees:year", args=[tree.cell_a1.pk]), {"nam": "2026"}).content.decode()
    assert "Đảng phí năm 2026" in html and "Lê Văn Cường: 1 tháng (02/2026), 5.000 đ" in html


def _ledger_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_ledger_page_query_count_does_not_grow_with_members(tree, users):
    client = login(users)
    url = reverse("fees:ledger", args=[tree.cell_a1.pk]) + "?thang=02/2026"
    for i in range(3):
        make_member(tree.cell_a1, f"Đảng Viên {i}", fee_group="student")
    S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=FEB)
    before = _ledger_queries(client, url)
    for i in range(3, 30):
        make_member(tree.cell_a1, f"Đảng Viên {i}", fee_group="student")
    S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=FEB)
    assert _ledger_queries(client, url) == before
    assert before <= 12


def test_month_compute_query_count_does_not_grow_with_members(tree):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            S.fee_month_compute(actor=tree.admin, org=tree.province, month=FEB)
        return len(ctx.captured_queries)

    for i in range(3):
        make_member(tree.cell_a1, f"Đảng Viên {i}", fee_group="student")
    small = queries()
    FeePayment.objects.all().delete()
    for i in range(3, 60):
        make_member(tree.cell_b1 if i % 2 else tree.cell_a1, f"Đảng Viên {i}", fee_group="student")
    assert queries() == small
