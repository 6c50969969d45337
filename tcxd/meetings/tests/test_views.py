"""Meeting pages: 200 in scope / 404 out of scope, the attendance form (radio buttons per member) with
Vietnamese messages and nothing saved on bad input, the register with the striking-off list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tcxd.fees.tests.factories import make_member
from tcxd.meetings import services as S
from tcxd.meetings.models import Attendance, CellMeeting

D = dt.date


def login(users, who="commune_officer") -> Client:
    client = Client()
    client.force_login(users[who])
    return client


@pytest.fixture
def meetings(tree, cell):
    inside = S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=D(2026, 3, 5), attendance={
        cell["an"].pk: ("present", ""), cell["binh"].pk: ("absent_unexcused", "")})
    outside = S.meeting_record(actor=tree.admin, org=tree.cell_b1, held_on=D(2026, 3, 5),
                               attendance={cell["out"].pk: ("present", "")})
    return inside, outside


@pytest.mark.parametrize("name", ["meetings:cell", "meetings:record", "meetings:register"])
def test_cell_pages_in_and_out_of_scope(tree, users, cell, name):
    client = login(users)
    assert client.get(reverse(name, args=[tree.cell_a1.pk])).status_code == 200
    out = client.get(reverse(name, args=[tree.cell_b1.pk]))
    assert out.status_code == 404 and tree.cell_b1.name not in out.content.decode()


@pytest.mark.parametrize("name", ["meetings:detail", "meetings:edit"])
def test_meeting_pages_in_and_out_of_scope(tree, users, meetings, name):
    inside, outside = meetings
    client = login(users)
    assert client.get(reverse(name, args=[inside.pk])).status_code == 200
    assert client.get(reverse(name, args=[outside.pk])).status_code == 404
    assert client.post(reverse(name, args=[outside.pk]), {}).status_code in (404, 405)


def test_index_lists_cells_in_scope(tree, users, meetings):
    html = login(users).get(reverse("meetings:index")).content.decode()
    assert "Chi bộ Khối 1" in html and "05/03/2026" in html and tree.cell_b1.name not in html
    assert "Chi bộ Khối 1" not in login(users).get(reverse("meetings:index"), {"q": "truong"}).content.decode()


def test_record_form_bad_then_good(tree, users, cell):
    client = login(users)
    url = reverse("meetings:record", args=[tree.cell_a1.pk])
    form = client.get(url).content.decode()
    assert form.count('type="radio"') == 9  # 3 members × 3 choices; the exempted member pre-marked excused
    assert "Miễn công tác và sinh hoạt đảng" in form
    an, binh = cell["an"], cell["binh"]
    bad = client.post(url, {"held_on": "05/03/2026", "kind": "regular", f"status_{an.pk}": "absent_excused",
                            f"reason_{an.pk}": ""})
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "Nguyễn Văn An: vắng có lý do cần ghi lý do." in html and "Chưa điểm danh: Trần Thị Bình." in html
    assert CellMeeting.objects.count() == 0
    bad_date = client.post(url, {"held_on": "32/03/2026", "kind": "regular"})
    assert "Ngày không hợp lệ" in bad_date.content.decode() and CellMeeting.objects.count() == 0
    good = client.post(url, {"held_on": "05/03/2026", "kind": "regular", f"status_{an.pk}": "absent_excused",
                             f"reason_{an.pk}": "Đi công tác", f"status_{binh.pk}": "present"})
    assert good.status_code == 302
    meeting = CellMeeting.objects.get()
    assert Attendance.objects.filter(meeting=meeting).count() == 2
    detail = client.get(good["Location"]).content.decode()
    assert "Đã ghi buổi sinh hoạt ngày 05/03/2026." in detail and "Đi công tác" in detail


def test_edit_form(tree, users, cell, meetings):
    inside, _ = meetings
    client = login(users)
    html = client.get(reverse("meetings:edit", args=[inside.pk])).content.decode()
    assert f'value="absent_unexcused" id="s{cell["binh"].pk}-absent_unexcused" checked' in html
    response = client.post(reverse("meetings:edit", args=[inside.pk]), {
        "held_on": "05/03/2026", "kind": "regular", f"status_{cell['an'].pk}": "present",
        f"status_{cell['binh'].pk}": "absent_excused", f"reason_{cell['binh'].pk}": "Ốm"})
    assert response.status_code == 302
    assert Attendance.objects.get(meeting=inside, member=cell["binh"]).reason == "Ốm"


def test_read_only_roles(tree, users, meetings):
    client = login(users, "cell")
    assert client.get(reverse("meetings:cell", args=[tree.cell_a1.pk])).status_code == 200
    assert client.get(reverse("meetings:record", args=[tree.cell_a1.pk])).status_code == 403
    assert client.get(reverse("meetings:edit", args=[meetings[0].pk])).status_code == 403


def test_register_page_with_candidates_and_readings(tree, users, cell, meetings):
    for day in (D(2026, 4, 2), D(2026, 5, 7)):
        S.meeting_record(actor=tree.admin, org=tree.cell_a1, held_on=day, attendance={
            cell["an"].pk: ("present", ""), cell["binh"].pk: ("absent_unexcused", "")})
    client = login(users)
    html = client.get(reverse("meetings:register", args=[tree.cell_a1.pk]), {"nam": "2026"}).content.decode()
    assert "Trần Thị Bình</strong>: 3 tháng" in html and "vắng không lý do tháng 03/2026, 04/2026, 05/2026" in html
    assert "Tính từ tháng 01/2026 đến tháng 12/2026" in html and "3/6 (50,00 %)" in html
    rolling = client.get(reverse("meetings:register", args=[tree.cell_a1.pk]),
                         {"nam": "2026", "cach_tinh": "rolling"}).content.decode()
    assert "12 tháng liên tiếp gần nhất" in rolling
    meeting_list = client.get(reverse("meetings:cell", args=[tree.cell_a1.pk]), {"nam": "2026"}).content.decode()
    assert "1/2 (50,00 %)" in meeting_list


def test_register_query_count_does_not_grow(tree, users, cell, meetings):
    client = login(users)
    url = reverse("meetings:register", args=[tree.cell_a1.pk]) + "?nam=2026"

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(10):
        make_member(tree.cell_a1, f"Thêm {i}")
    assert count() == before
