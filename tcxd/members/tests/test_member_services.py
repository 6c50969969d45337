"""Member services: dossier validation, CCCD identity, events through the engine, projections,
headcounts, transfers across communes, undo, sensitive data."""

from __future__ import annotations

import datetime as dt

import pytest

from tcxd.audit.models import AuditEntry
from tcxd.common.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from tcxd.members import lifecycle
from tcxd.members import selectors as MSel
from tcxd.members import services as MS
from tcxd.members.models import Member, MemberEvent
from tcxd.members.tests.conftest import admit, cccd_for, new_candidate
from tcxd.orgs.models import OrgHeadcount
from tcxd.rules.pure.calendar import add_months
from tcxd.rules.pure.membership import EventKind as K
from tcxd.rules.pure.membership import Status

D = dt.date


class TestDossier:
    def test_candidate_created_with_first_event_and_audit(self, tree, candidate):
        assert candidate.status == Status.CANDIDATE and candidate.org == tree.cell_a1
        assert list(candidate.events.values_list("kind", flat=True)) == ["candidate"]
        entry = AuditEntry.objects.get(action="member.create")
        assert entry.after["cccd"] == "***" and candidate.cccd not in str(entry.after)

    @pytest.mark.parametrize("cccd, message", [
        ("12345", "12 chữ số"),
        ("020185000009", "giới tính"),  # 4th digit 1 = female, dossier says male
        ("020086000009", "năm sinh"),
    ])
    def test_bad_cccd_refused(self, tree, cccd, message):
        with pytest.raises(ValidationFailed) as exc:
            MS.member_create(actor=tree.admin, org=tree.cell_a1, on=D(2024, 1, 1), full_name="Lê Văn A", sex="M",
                             birth_date=D(1985, 1, 1), cccd=cccd)
        assert message in " ".join(exc.value.errors["cccd"])
        assert Member.objects.count() == 0

    def test_duplicate_cccd_points_to_the_record_in_scope_and_is_neutral_out_of_scope(self, tree, users, candidate):
        with pytest.raises(ValidationFailed) as exc:
            MS.member_create(actor=users["commune_officer"], org=tree.cell_a1, on=D(2024, 2, 1), full_name="Khác",
                             sex="M", birth_date=D(1990, 5, 20), cccd=candidate.cccd)
        assert candidate.full_name in exc.value.errors["cccd"][0]
        officer_b = __import__("tcxd.conftest", fromlist=["make_user"]).make_user("xb", "officer", tree.commune_b)
        with pytest.raises(ValidationFailed) as exc:
            MS.member_create(actor=officer_b, org=tree.cell_b1, on=D(2024, 2, 1), full_name="Khác", sex="M",
                             birth_date=D(1990, 5, 20), cccd=candidate.cccd)
        assert candidate.full_name not in exc.value.errors["cccd"][0]
        assert "đã được đăng ký" in exc.value.errors["cccd"][0]

    def test_candidate_must_be_proposed_to_a_cell(self, tree):
        with pytest.raises(ValidationFailed) as exc:
            new_candidate(tree, org=tree.commune_a)
        assert "org" in exc.value.errors

    def test_update_is_audited_and_masks_cccd(self, tree, candidate):
        MS.member_update(actor=tree.admin, member=candidate, phone="0912345678")
        entry = AuditEntry.objects.get(action="member.update")
        assert entry.after["phone"] == "0912345678" and candidate.cccd not in str(entry.before)

    def test_scope_and_role(self, tree, users, candidate):
        with pytest.raises(NotFound):
            MS.member_update(actor=__import__("tcxd.conftest", fromlist=["make_user"]).make_user(
                "xb2", "officer", tree.commune_b), member=candidate, phone="1")
        with pytest.raises(PermissionDenied):
            MS.member_update(actor=users["leader"], member=candidate, phone="1")


class TestLifecycle:
    def test_admission_pipeline_then_recognition_on_the_exact_end_date(self, tree, candidate):
        ceremony = admit(tree, candidate)
        candidate.refresh_from_db()
        assert candidate.status == Status.PROBATIONARY and candidate.ceremony_on == ceremony
        head = OrgHeadcount.objects.get(org=tree.cell_a1)
        assert (head.official, head.probationary) == (0, 1)
        end = add_months(ceremony, 12)
        MS.member_event_record(actor=tree.admin, member=candidate, kind=K.RECOGNITION_VOTE,
                               on=end + dt.timedelta(days=10), data={"summoned_official": 9, "yes": 6,
                                                                     "temp_transferred_out": 0, "exempted_absent": 0})
        with pytest.raises(ValidationFailed):  # not on the probation end date
            MS.member_event_record(actor=tree.admin, member=candidate, kind=K.RECOGNITION,
                                   on=end + dt.timedelta(days=1), decision_no="5", decision_date=end)
        MS.member_event_record(actor=tree.admin, member=candidate, kind=K.RECOGNITION, on=end,
                               decision_no="05-QĐ/ĐU", decision_date=end + dt.timedelta(days=40))
        candidate.refresh_from_db()
        assert candidate.status == Status.OFFICIAL and candidate.official_on == end
        facts = MSel.member_facts(member=candidate, on=end)
        assert facts.state.status == Status.OFFICIAL
        assert MSel.member_facts(member=candidate, on=end - dt.timedelta(days=1)).state.status == Status.PROBATIONARY
        head = OrgHeadcount.objects.get(org=tree.cell_a1)
        assert (head.official, head.probationary) == (1, 0)
        assert MemberEvent.objects.get(member=candidate, kind="recognition").regulation

    def test_impossible_sequence_is_refused_and_nothing_saved(self, tree, candidate):
        before = MemberEvent.objects.count()
        with pytest.raises(ValidationFailed):
            MS.member_event_record(actor=tree.admin, member=candidate, kind=K.CEREMONY, on=D(2024, 3, 1))
        with pytest.raises(ValidationFailed):
            MS.member_event_record(actor=tree.admin, member=candidate, kind=K.RECOGNITION, on=D(2024, 3, 1))
        assert MemberEvent.objects.count() == before
        candidate.refresh_from_db()
        assert candidate.status == Status.CANDIDATE

    def test_future_date_refused(self, tree, candidate):
        with pytest.raises(ValidationFailed) as exc:
            MS.member_event_record(actor=tree.admin, member=candidate, kind=K.APPLICATION,
                                   on=dt.date.today() + dt.timedelta(days=1))
        assert "tương lai" in exc.value.errors["on"][0]

    def test_unknown_kind(self, tree, candidate):
        with pytest.raises(DomainError):
            MS.member_event_record(actor=tree.admin, member=candidate, kind="nope", on=D(2024, 3, 1))

    def test_transfer_handshake_across_communes(self, tree, users, candidate):
        admit(tree, candidate)
        sent = D(2024, 9, 1)
        MS.member_event_record(actor=users["commune_officer"], member=candidate, kind=K.TRANSFER_OUT, on=sent,
                               target_org=tree.cell_b1, decision_no="GT-01")
        candidate.refresh_from_db()
        assert candidate.transfer_to == tree.cell_b1 and candidate.org == tree.cell_a1
        officer_b = __import__("tcxd.conftest", fromlist=["make_user"]).make_user("xb3", "officer", tree.commune_b)
        # both sides see the member while "đang chuyển"
        assert MSel.member_queryset(actor=users["commune_officer"]).filter(pk=candidate.pk).exists()
        assert MSel.member_queryset(actor=officer_b).filter(pk=candidate.pk).exists()
        assert OrgHeadcount.objects.get(org=tree.cell_a1).probationary == 1  # counted at the sender
        with pytest.raises(NotFound):  # the sender cannot receive on the receiver's behalf
            MS.member_event_record(actor=users["commune_officer"], member=candidate, kind=K.TRANSFER_IN,
                                   on=D(2024, 9, 10))
        MS.member_event_record(actor=officer_b, member=candidate, kind=K.TRANSFER_IN, on=D(2024, 9, 10))
        candidate.refresh_from_db()
        assert candidate.org == tree.cell_b1 and candidate.transfer_to is None
        assert OrgHeadcount.objects.get(org=tree.cell_a1).probationary == 0
        assert OrgHeadcount.objects.get(org=tree.cell_b1).probationary == 1
        assert not MSel.member_queryset(actor=users["commune_officer"]).filter(pk=candidate.pk).exists()

    def test_void_latest_event_only(self, tree, candidate):
        MS.member_event_record(actor=tree.admin, member=candidate, kind=K.APPLICATION, on=D(2024, 2, 1))
        second = MS.member_event_record(actor=tree.admin, member=candidate, kind=K.BACKGROUND_CHECK,
                                        on=D(2024, 2, 5))
        first = MemberEvent.objects.get(member=candidate, kind="application")
        with pytest.raises(DomainError):
            MS.member_event_void(actor=tree.admin, event=first, reason="nhầm")
        with pytest.raises(ValidationFailed):
            MS.member_event_void(actor=tree.admin, event=second, reason=" ")
        MS.member_event_void(actor=tree.admin, event=second, reason="Nhập nhầm ngày")
        second.refresh_from_db()
        assert second.voided_at is not None
        assert [e.kind for e in lifecycle.history_of(candidate)] == ["candidate", "application"]


def test_sensitive_parts_only_for_commission_roles(tree, users, candidate):
    assert MSel.cccd_display(actor=users["commune_officer"], member=candidate) == candidate.cccd
    leader_view = MSel.cccd_display(actor=users["leader"], member=candidate)
    assert leader_view != candidate.cccd and leader_view.endswith(candidate.cccd[-4:])
    assert not MSel.can_see_sensitive(users["cell"])


def test_search_accent_insensitive_prefix_and_cccd(tree, users):
    new_candidate(tree, serial=11, full_name="Đặng Thị Hạnh", sex="F")
    new_candidate(tree, serial=12, full_name="Nguyễn Văn Đức")
    f = MSel.MemberFilters
    names = lambda q: [m.full_name for m in MSel.member_search(actor=users["commune_officer"], filters=f(q=q))]  # noqa: E731
    assert names("dang thi") == ["Đặng Thị Hạnh"]
    assert names("hanh") == ["Đặng Thị Hạnh"]
    assert names("duc") == ["Nguyễn Văn Đức"]
    assert names(cccd_for(12)) == ["Nguyễn Văn Đức"]
    assert names("van") == ["Nguyễn Văn Đức"]  # a middle-name word


def test_age_and_party_age_bands(tree, users):
    today = dt.date.today()
    young = new_candidate(tree, serial=41, birth=dt.date(today.year - 25, 1, 1))
    older = new_candidate(tree, serial=42, birth=dt.date(today.year - 45, 1, 1))
    f = MSel.MemberFilters
    ids = lambda **kw: {m.pk for m in MSel.member_search(actor=users["commune_officer"], filters=f(**kw))}  # noqa: E731
    assert young.pk in ids(age_band="18-30") and older.pk not in ids(age_band="18-30")
    assert older.pk in ids(age_band="41-50") and young.pk not in ids(age_band="41-50")
    assert ids(party_age_band="50-") == set()  # candidates have no admission date


def test_bulk_load_refuses_an_event_dated_after_today(tree):
    """As the services: only what has happened is recorded (a future ceremony would count a member
    who is not yet one)."""
    import datetime as dt

    from tcxd.members.bulk import EventSpec, MemberRecord, members_bulk_load
    from tcxd.members.models import Member
    from tcxd.members.tests.conftest import cccd_for
    from tcxd.rules.pure import membership as M

    today = dt.date.today()
    records = [MemberRecord(dossier={"full_name": f"Lê Văn Hẹn {i}", "sex": "M", "birth_date": dt.date(1990, 1, 1),
                                     "cccd": cccd_for(4100 + i)},
                            events=[EventSpec(kind=M.EventKind.CANDIDATE, on=day, org_id=tree.cell_a1.id)])
               for i, day in enumerate((today, today + dt.timedelta(days=1)))]
    result = members_bulk_load(actor=tree.admin, records=records)
    assert result.created == 1 and [i for i, _ in result.rejected] == [1]
    assert "tương lai" in result.rejected[0][1][0]
    assert not Member.objects.filter(cccd=records[1].dossier["cccd"]).exists()
