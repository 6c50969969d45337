"""Screening (B-21) through the services and the wizard, and B-09's party-CV deadline on the member page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tcxd.common.errors import ValidationFailed
from tcxd.members import dossier_services as DS
from tcxd.members import selectors as S
from tcxd.members import services as MS
from tcxd.members.models import MemberEvent
from tcxd.members.tests.conftest import admit, new_candidate
from tcxd.rules.pure.membership import EventKind as K

D = dt.date


def login(users, who="commune_officer"):
    client = Client()
    client.force_login(users[who])
    return client


@pytest.fixture
def probationary(tree):
    member = new_candidate(tree, serial=71)
    admit(tree, member)
    return member


def test_screening_vote_and_result_through_the_wizard(tree, users, probationary):
    client = login(users)
    url = reverse("members:event_create", args=[probationary.pk, K.SCREENING_VOTE.value])
    page = client.get(url).content.decode()
    assert "chỉ ghi số phiếu" in page and "Số phiếu tán thành đưa vào danh sách" in page
    bad = client.post(url, {"on": "04/06/2024", "d_summoned_official": "9", "d_yes": "10"})
    assert bad.status_code == 200 and "lớn hơn tổng số dùng để tính tỷ lệ" in bad.content.decode()
    assert not MemberEvent.objects.filter(member=probationary, kind=K.SCREENING_VOTE).exists()
    ok = client.post(url, {"on": "04/06/2024", "d_summoned_official": "10", "d_exempted_absent": "1", "d_yes": "6"})
    assert ok.status_code == 302
    event = MemberEvent.objects.get(member=probationary, kind=K.SCREENING_VOTE)
    assert event.regulation == "HD 02-HD/BTCTW"
    facts = S.member_facts(member=probationary, on=D(2024, 7, 1))
    assert [(d.code, d.due) for d in facts.deadlines if d.code == "screening_review_due"] == [
        ("screening_review_due", D(2025, 6, 4))]
    result_url = reverse("members:event_create", args=[probationary.pk, K.SCREENING_RESULT.value])
    early = client.post(result_url, {"on": "03/06/2025", "d_outcome": "improved"})
    assert "chỉ đánh giá kết quả từ ngày 04/06/2025" in early.content.decode()
    assert client.post(result_url, {"on": "04/06/2025", "d_outcome": "improved"}).status_code == 302
    assert not [d for d in S.member_facts(member=probationary, on=D(2025, 7, 1)).deadlines
                if d.code == "screening_review_due"]


def test_result_without_a_listing_is_refused_by_the_service(tree, probationary):
    with pytest.raises(ValidationFailed) as exc:
        MS.member_event_record(actor=tree.admin, member=probationary, kind=K.SCREENING_RESULT, on=D(2025, 6, 4),
                               data={"outcome": "improved"})
    assert "không ở trong danh sách cần giáo dục, giúp đỡ" in exc.value.message


def test_party_cv_deadline_shows_until_the_cv_is_on_file(tree, probationary, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    ceremony = probationary.events.get(kind=K.CEREMONY).on
    facts = S.member_facts(member=probationary, on=ceremony + dt.timedelta(days=3))
    cv = [d for d in facts.deadlines if d.code == "party_cv_due"]
    assert len(cv) == 1 and cv[0].rule == "B-09" and not cv[0].overdue
    DS.dossier_attachment_add(actor=tree.admin, member=probationary, doc_type="ly_lich_dang_vien",
                              upload=SimpleUploadedFile("ll.pdf", b"%PDF-1.4\n%%EOF\n"))
    facts = S.member_facts(member=probationary, on=ceremony + dt.timedelta(days=3))
    assert not [d for d in facts.deadlines if d.code == "party_cv_due"]


def test_help_period_is_a_configurable_unverified_parameter(db):
    from tcxd.rules.models import RuleParameter
    from tcxd.rules.selectors import param

    assert param("screening.help_period_months", on=D(2026, 11, 1)) == 12
    row = RuleParameter.objects.get(key="screening.help_period_months")
    assert row.is_configurable and row.confidence == "unverified"
