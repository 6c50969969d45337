"""Member pages: bad input gets Vietnamese messages and saves nothing; good input saves."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from tcxd.members.models import Member, MemberEvent
from tcxd.members.tests.conftest import admit, cccd_for, new_candidate
from tcxd.rules.pure.calendar import add_months


def login(users, who="commune_officer"):
    client = Client()
    client.force_login(users[who])
    return client


def test_create_candidate_bad_then_good(tree, users):
    client = login(users)
    url = reverse("members:create", args=[tree.cell_a1.pk])
    assert "Lập hồ sơ quần chúng ưu tú" in client.get(url).content.decode()
    bad = client.post(url, {"full_name": "", "sex": "M", "birth_date": "31/02/1990", "cccd": "123", "on": ""})
    html = bad.content.decode()
    assert "Ngày không hợp lệ" in html and Member.objects.count() == 0
    bad = client.post(url, {"full_name": "", "sex": "M", "birth_date": "20/05/1990", "cccd": "123",
                            "on": "10/01/2024", "ethnicity": "01", "religion": "none"}).content.decode()
    assert "Chưa nhập họ và tên." in bad and "12 chữ số" in bad and Member.objects.count() == 0
    good = client.post(url, {"full_name": "Hoàng Văn Bình", "sex": "M", "birth_date": "20/05/1990",
                             "cccd": cccd_for(77), "on": "10/01/2024", "ethnicity": "02", "religion": "none",
                             "general_education": "thpt", "professional_level": "dai_hoc",
                             "academic_title": "none", "political_theory": "none", "occupation_group": "khac",
                             "fee_group": "other"})
    assert good.status_code == 302, good.content.decode()[:3000]
    member = Member.objects.get(full_name="Hoàng Văn Bình")
    assert member.status == "candidate" and member.ethnicity == "02"


def test_event_wizard_explains_the_rule_and_refuses_bad_input(tree, users, candidate):
    client = login(users)
    url = reverse("members:event_create", args=[candidate.pk, "cell_vote"])
    page = client.get(url).content.decode()
    assert "Quy định áp dụng" in page and "2/3" in page
    count = MemberEvent.objects.count()
    refused = client.post(url, {"on": "01/04/2024", "d_summoned_official": "9", "d_yes": "5"}).content.decode()
    assert MemberEvent.objects.count() == count
    assert "2/3" in refused or "giấy chứng nhận" in refused.lower()


def test_member_page_tabs_and_facts(tree, users, candidate):
    ceremony = admit(tree, candidate)
    client = login(users)
    url = reverse("members:detail", args=[candidate.pk])
    html = client.get(url).content.decode()
    assert "Đảng viên dự bị" in html and add_months(ceremony, 12).strftime("%d/%m/%Y") in html
    for tab in ("ho-so", "qua-trinh", "su-kien", "tai-lieu", "lich-su"):
        assert client.get(url, {"tab": tab}).status_code == 200
    assert "Lễ kết nạp" in client.get(url, {"tab": "su-kien"}).content.decode()
    leader = login(users, "leader").get(url).content.decode()
    assert candidate.cccd not in leader and candidate.cccd[-4:] in leader


def test_list_search_and_csv_export_is_audited(tree, users):
    new_candidate(tree, serial=31, full_name="Đinh Thị Lan", sex="F")
    client = login(users)
    html = client.get(reverse("members:list"), {"q": "dinh thi"}).content.decode()
    assert "Đinh Thị Lan" in html
    response = client.get(reverse("members:list"), {"q": "lan", "tai": "csv"}, follow=True)  # to the exports
    assert "Đinh Thị Lan" in b"".join(response.streaming_content).decode("utf-8-sig")
    from tcxd.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="export", actor=users["commune_officer"]).exists()


def test_void_page_and_worklist(tree, users, candidate):
    client = login(users)
    event = MemberEvent.objects.get(member=candidate)
    assert "Không hủy sự kiện đầu tiên" in client.post(reverse("members:event_void", args=[event.pk]),
                                                          {"reason": "x"}).content.decode()
    admit(tree, candidate, start=dt.date(2024, 1, 10))
    html = client.get(reverse("members:worklist")).content.decode()
    assert candidate.full_name in html and "Xét công nhận đảng viên chính thức" in html


def test_wizard_says_why_a_step_is_blocked_before_input(tree, users, candidate):
    client = login(users)
    html = client.get(reverse("members:event_create", args=[candidate.pk, "ceremony"])).content.decode()
    assert "Hiện chưa thể ghi nhận" in html  # no admission decision yet
    html = client.get(reverse("members:event_create", args=[candidate.pk, "application"])).content.decode()
    assert "Hiện chưa thể ghi nhận" not in html


def test_saved_searches_are_per_user(tree, users):
    client = login(users)
    response = client.post(reverse("members:saved_search_save"), {"name": "Nữ dân tộc Tày",
                                                                  "query": "sex=F&ethnicity=02&bogus=1"})
    assert response.status_code == 302
    saved = users["commune_officer"].saved_searches.get()
    assert saved.query == "sex=F&ethnicity=02"
    assert "Nữ dân tộc Tày" in client.get(reverse("members:list")).content.decode()
    client.post(reverse("members:saved_search_save"), {"name": "", "query": ""})
    assert users["commune_officer"].saved_searches.count() == 1
    other = login(users, "leader")
    assert other.post(reverse("members:saved_search_remove", args=[saved.pk])).status_code == 404
    assert client.post(reverse("members:saved_search_remove", args=[saved.pk])).status_code == 302
    assert not users["commune_officer"].saved_searches.exists()


def test_worklist_and_transfers_api_are_scoped(tree, users, candidate):
    import json

    from tcxd.authz.services import api_token_create

    admit(tree, candidate)
    key, _ = api_token_create(actor=users["commune_officer"], user=users["commune_officer"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    items = client.get("/api/members/worklist").json()
    assert any(i["member_id"] == candidate.pk and i["section"].startswith("Xét công nhận") for i in items)
    other_key, _ = api_token_create(actor=tree.admin, user=__import__("tcxd.conftest", fromlist=["make_user"])
                                    .make_user("xb9", "officer", tree.commune_b))
    other = Client(HTTP_AUTHORIZATION=f"Bearer {other_key}")
    assert all(i["member_id"] != candidate.pk for i in other.get("/api/members/worklist").json())
    assert json.loads(client.get("/api/members/transfers").content) == []


def test_temporary_transfer_wizard_takes_the_return_date_as_typed(tree, users, candidate):
    admit(tree, candidate)
    client = login(users)
    url = reverse("members:event_create", args=[candidate.pk, "temp_transfer_out"])
    response = client.post(url, {"on": "01/09/2024", "target_code": tree.cell_b1.code, "d_until": "01/03/2025",
                                 "decision_no": "GTT-1"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    event = MemberEvent.objects.get(member=candidate, kind="temp_transfer_out")
    assert event.data["until"] == "2025-03-01"
    candidate.refresh_from_db()
    assert candidate.temporary_org == tree.cell_b1 and candidate.org == tree.cell_a1


def test_vote_errors_land_on_the_field_with_its_label(tree, users, candidate):
    ceremony = admit(tree, candidate)
    client = login(users)
    url = reverse("members:event_create", args=[candidate.pk, "recognition_vote"])
    day = add_months(ceremony, 12) + dt.timedelta(days=3)
    html = client.post(url, {"on": day.strftime("%d/%m/%Y"), "d_yes": "3"}).content.decode()
    assert "«Số đảng viên chính thức được triệu tập»" in html and "«summoned_official»" not in html


def test_failed_vote_is_recorded_with_a_warning(tree, users, candidate):
    from tcxd.members import services as MS
    from tcxd.rules.pure.membership import EventKind as K

    rec = MS.member_event_record
    rec(actor=tree.admin, member=candidate, kind=K.AWARENESS_COURSE, on=dt.date(2024, 1, 20))
    rec(actor=tree.admin, member=candidate, kind=K.APPLICATION, on=dt.date(2024, 1, 25))
    rec(actor=tree.admin, member=candidate, kind=K.INTRODUCERS, on=dt.date(2024, 1, 26),
        data={"introducers": [{"name": "A", "official": True, "months_together": 24},
                              {"name": "B", "official": True, "months_together": 24}]})
    client = login(users)
    url = reverse("members:event_create", args=[candidate.pk, "cell_vote"])
    response = client.post(url, {"on": "01/03/2024", "d_summoned_official": "9", "d_yes": "5",
                                 "d_temp_transferred_out": "0", "d_exempted_absent": "0", "d_ballot_round": "1"},
                           follow=True)
    assert "chưa đạt tỷ lệ" in response.content.decode()


def test_excel_export_of_the_list(tree, users):
    import io

    from openpyxl import load_workbook

    new_candidate(tree, serial=51, full_name="Lương Thị Mận", sex="F")
    response = login(users).get(reverse("members:list"), {"q": "luong", "tai": "xlsx"}, follow=True)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Họ và tên" and rows[1][0] == "Lương Thị Mận"


def test_member_fee_tab(tree, users, candidate):
    from tcxd.fees.models import FeePayment

    admit(tree, candidate)
    FeePayment.objects.create(member=candidate, org=tree.cell_a1, month=dt.date(2026, 3, 1), amount_due=85_000,
                              amount_paid=85_000, paid_on=dt.date(2026, 3, 10), channel="cash",
                              rule_text="1 % × 8.500.000 đ")
    client = login(users)
    page = client.get(reverse("members:detail", args=[candidate.pk]), {"tab": "dang-phi"}).content.decode()
    assert reverse("fees:member_fees", args=[candidate.pk]) in page
    html = client.get(reverse("fees:member_fees", args=[candidate.pk])).content.decode()
    assert "85.000 đ" in html and "03/2026" in html
