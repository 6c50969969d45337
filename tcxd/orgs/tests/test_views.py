"""Pages: forms show Vietnamese messages on bad input and save nothing; good input saves."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tcxd.orgs.models import Org


def login(users, who="commune_officer"):
    client = Client()
    client.force_login(users[who])
    return client


def test_create_cell_bad_then_good(tree, users):
    client = login(users)
    url = reverse("orgs:create", args=[tree.commune_a.pk])
    count = Org.objects.count()
    bad = client.post(url, {"code": "", "name": "", "kind": "cell", "valid_from": "31/02/2025"})
    html = bad.content.decode()
    assert bad.status_code == 200
    assert "Ngày không hợp lệ" in html
    assert Org.objects.count() == count
    empty = client.post(url, {"code": "", "name": "", "kind": "cell", "valid_from": "01/09/2025"}).content.decode()
    assert "Mã tổ chức không được để trống." in empty and "Tên tổ chức không được để trống." in empty
    assert Org.objects.count() == count
    bad2 = client.post(url, {"code": "XA1", "name": "Chi bộ trùng mã", "kind": "cell", "valid_from": "01/09/2025"})
    assert "đã được dùng" in bad2.content.decode()
    assert Org.objects.count() == count
    good = client.post(url, {"code": "XA7", "name": "Chi bộ Khối 7", "kind": "cell", "valid_from": "01/09/2025"})
    assert good.status_code == 302
    assert Org.objects.filter(code="XA7", name="Chi bộ Khối 7").exists()


def test_org_page_shows_dates_and_numbers_the_vietnamese_way(tree, users):
    from tcxd.orgs import services as S

    S.org_headcount_set(actor=tree.admin, org=tree.gcell_a2, official=1793, probationary=2)
    html = login(users, "province_officer").get(reverse("orgs:detail", args=[tree.gcell_a2.pk])).content.decode()
    assert "1.793 chính thức" in html and "01/07/2025" in html


def test_security_headers(tree, users):
    response = login(users).get(reverse("home"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_login_page_and_throttling(db, users):
    client = Client()
    assert "Đăng nhập" in client.get(reverse("login")).content.decode()
    for _ in range(4):
        response = client.post(reverse("login"), {"username": "xa", "password": "sai-mat-khau"})
        assert "không đúng" in response.content.decode()
    fifth = client.post(reverse("login"), {"username": "xa", "password": "sai-mat-khau"})
    assert fifth.status_code == 429 and "Tạm khóa" in fifth.content.decode()
    # locked out: even the right password is refused for the cool-off period
    locked = client.post(reverse("login"), {"username": "xa", "password": "matkhau-Rat-Manh-2026"})
    assert locked.status_code == 429 and "_auth_user_id" not in client.session


def test_csv_exports_and_personal_data_export_is_audited(tree, users):
    from tcxd.audit.models import AuditEntry
    from tcxd.orgs import committee as C

    C.committee_member_add(actor=tree.admin, org=tree.commune_a, role="secretary", person_name="Đỗ Thị Hoa",
                           from_date=__import__("datetime").date(2025, 9, 1), method="elected", ballot_round=1)
    client = login(users)
    body = b"".join(client.get(reverse("orgs:children_csv", args=[tree.commune_a.pk])).streaming_content)
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Mã,Tên,Loại") and "Chi bộ Khối 1" in text
    roster = b"".join(client.get(reverse("orgs:committee_csv", args=[tree.commune_a.pk])).streaming_content)
    assert "Đỗ Thị Hoa" in roster.decode("utf-8-sig")
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == users["commune_officer"] and entry.after == {"rows": 1}
    warnings = client.get(reverse("orgs:warnings"), {"tai": "csv"})
    assert warnings["Content-Type"].startswith("text/csv")


def test_create_with_admin_unit_code(tree, users):
    from tcxd.geo.models import AdminUnit

    unit = AdminUnit.objects.get(map_version="2025", code="00004")
    client = login(users, "province_officer")
    url = reverse("orgs:create", args=[tree.province.pk])
    bad = client.post(url, {"code": "XN", "name": "Đảng bộ phường Ba Đình", "kind": "commune",
                            "valid_from": "01/07/2025", "admin_unit": "99999"})
    assert "Không có đơn vị hành chính mã “99999”" in bad.content.decode()
    good = client.post(url, {"code": "XN", "name": "Đảng bộ phường Ba Đình", "kind": "commune",
                             "valid_from": "01/07/2025", "admin_unit": f"{unit.code} — {unit.name}"})
    assert good.status_code == 302
    assert Org.objects.get(code="XN").admin_unit == unit


def test_password_change_applies_the_policy(users):
    client = login(users)
    url = reverse("password_change")
    weak = client.post(url, {"old_password": "matkhau-Rat-Manh-2026", "new_password1": "12345678",
                             "new_password2": "12345678"}).content.decode()
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in weak and "quá phổ biến" in weak
    ok = client.post(url, {"old_password": "matkhau-Rat-Manh-2026", "new_password1": "Song-Hong-chay-2026",
                           "new_password2": "Song-Hong-chay-2026"})
    assert ok.status_code == 302
    users["commune_officer"].refresh_from_db()
    assert users["commune_officer"].check_password("Song-Hong-chay-2026")
