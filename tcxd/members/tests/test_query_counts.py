"""No N+1: the member pages and endpoints that show rows run as many queries with a few rows as with many.

Each test measures its pages at a small number of rows, adds rows whose relations differ (other orgs, cells,
target orgs, events with documents), measures again and wants the same counts."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tcxd.common.tests.queries import api_client, assert_flat, measure, session_client, warm
from tcxd.conftest import make_org
from tcxd.members import dossier_services as DS
from tcxd.members import services as MS
from tcxd.members import worklist_queries as WQ
from tcxd.members import worklists as W
from tcxd.members.tests.conftest import admit, new_candidate
from tcxd.orgs.kinds import OrgKind
from tcxd.rules.pure.membership import EventKind as K

D = dt.date
_serials = itertools.count(5000)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _forget():
    """The work lists keep the engine's answers per member in memory; measured cold, both times."""
    W.DEADLINES.clear()
    W.NEXT_BADGES.clear()
    WQ.OFF_DAY_DECISIONS.clear()


@pytest.fixture(autouse=True)
def cold_memos():
    _forget()
    yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _grow(tree, n):
    """``n`` members in turn in cell A1, grassroots cell A2 and cell B1: probationary members on their way to
    another cell (a pending transfer, seen on both sides) and, every fourth, a candidate."""
    orgs = [tree.cell_a1, tree.gcell_a2, tree.cell_b1]
    targets = {tree.cell_a1.pk: tree.cell_b1, tree.gcell_a2.pk: tree.cell_a1, tree.cell_b1.pk: tree.gcell_a2}
    for i in range(n):
        org = orgs[i % 3]
        member = new_candidate(tree, org=org, serial=next(_serials), sex="F" if i % 2 else "M")
        if i % 4 == 3:
            continue
        admit(tree, member)
        if i % 3 != 1 or i < 4:
            MS.member_event_record(actor=tree.admin, member=member, kind=K.TRANSFER_OUT, on=D(2024, 9, 1),
                                   target_org=targets[org.pk], decision_no=f"GT-{i}")


def _flat(client, tree, urls, small=4, large=16):
    _grow(tree, small)
    warm(client, urls)
    _forget()
    before = measure(client, urls)
    _grow(tree, large - small)
    _forget()
    assert_flat(before, measure(client, urls))


def test_member_list_queries_do_not_grow_with_rows(tree, users):
    url = reverse("members:list")
    _flat(session_client(users["province_officer"]), tree,
          [url, (url, {"q": "nguyen van"}), (url, {"status": "probationary"}), (url, {"to_chuc": tree.commune_a.pk})])


def test_transfers_page_queries_do_not_grow_with_rows(tree, users):
    _flat(session_client(users["commune_officer"]), tree, [reverse("members:transfers")])


def test_work_list_queries_do_not_grow_with_rows(tree, users):
    url = reverse("members:worklist")
    _flat(session_client(users["province_officer"]), tree,
          [url, (url, {"muc": "ho-so-chua-du"}), (url, {"muc": "chuyen-sinh-hoat"})])


def test_home_summary_queries_do_not_grow_with_rows(tree, users):
    _flat(session_client(users["province_officer"]), tree, [reverse("members:home_summary")])


def test_member_list_api_queries_do_not_grow_with_rows(tree, users):
    _flat(api_client(users["province_officer"]), tree,
          ["/api/members", ("/api/members", {"q": "nguyen"}), ("/api/members", {"org_id": tree.commune_b.pk})])


def test_work_list_api_queries_do_not_grow_with_rows(tree, users):
    _flat(api_client(users["province_officer"]), tree,
          ["/api/members/worklist", ("/api/members/worklist", {"section": "ho-so-chua-du"})])


def test_transfers_api_queries_do_not_grow_with_rows(tree, users):
    _flat(api_client(users["commune_officer"]), tree, ["/api/members/transfers"])


# -- one member's rows: events, dossier rows, documents, change history --------------------------------------
ROWS = {
    "work": lambda i: {"from_date": D(2000 + i, 1, 1), "position": f"Công việc {i}", "unit": f"Đơn vị {i}"},
    "training": lambda i: {"from_date": D(2000 + i, 9, 1), "school": f"Trường {i}"},
    "travel": lambda i: {"from_date": D(2010 + i, 3, 1), "country": "Lào", "purpose": "Học tập"},
    "reward": lambda i: {"form": "Giấy khen", "level": "Huyện", "decided_on": D(2015 + i, 5, 1)},
    "family": lambda i: {"relation": "con", "full_name": f"Con {i}", "birth_year": 2015 + i,
                         "political_notes": "Không"},
}


def _dossier_rows(tree, member, start, n, *, media=None):
    for i in range(start, start + n):
        for kind, data in ROWS.items():
            DS.dossier_row_add(actor=tree.admin, member=member, kind=kind, data=data(i % 8))
        MS.member_update(actor=tree.admin, member=member, phone=f"09120000{i:02d}")  # a row of the change history
        if media is not None:
            event = member.events.order_by("-on", "-seq").first() if i % 2 else None
            DS.dossier_attachment_add(actor=tree.admin, member=member, doc_type="khac", title=f"Tài liệu {i}",
                                      upload=SimpleUploadedFile(f"t{i}.pdf", PDF), event=event)


def _away_and_back(tree, member, year, target):
    """Two events naming another cell (temporarily attending it, then back)."""
    MS.member_event_record(actor=tree.admin, member=member, kind=K.TEMP_TRANSFER_OUT, on=D(year, 7, 1),
                           target_org=target, data={"until": f"{year}-12-31"})
    MS.member_event_record(actor=tree.admin, member=member, kind=K.TEMP_TRANSFER_RETURN, on=D(year, 8, 1))


@pytest.fixture
def member(tree):
    m = new_candidate(tree, serial=4999)
    admit(tree, m)
    m.refresh_from_db()
    return m


def test_member_page_tabs_and_print_queries_do_not_grow_with_rows(tree, users, member, media):
    client = session_client(users["commune_officer"])
    url = reverse("members:detail", args=[member.pk])
    urls = [(url, {"tab": tab}) for tab in ("ho-so", "qua-trinh", "su-kien", "tai-lieu", "lich-su")]
    urls.append(reverse("members:print", args=[member.pk]))
    _dossier_rows(tree, member, 0, 1, media=media)
    warm(client, urls)
    before = measure(client, urls)
    _away_and_back(tree, member, 2024, tree.cell_b1)
    other = make_org(tree.admin, tree.commune_a, OrgKind.CELL)
    _away_and_back(tree, member, 2025, other)
    _dossier_rows(tree, member, 1, 6, media=media)
    assert_flat(before, measure(client, urls))


def test_member_rows_api_queries_do_not_grow_with_rows(tree, users, member, media):
    client = api_client(users["commune_officer"])
    base = f"/api/members/{member.pk}"
    urls = [f"{base}/events", f"{base}/facts", f"{base}/attachments", *(f"{base}/rows/{kind}" for kind in ROWS)]
    _dossier_rows(tree, member, 0, 1, media=media)
    warm(client, urls)
    before = measure(client, urls)
    _away_and_back(tree, member, 2024, tree.cell_b1)
    _away_and_back(tree, member, 2025, tree.gcell_a2)
    _dossier_rows(tree, member, 1, 6, media=media)
    assert_flat(before, measure(client, urls))
