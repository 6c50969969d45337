"""The member rows of the benchmark dataset are what the engine and the services would write: every
event of a sample is replayed through the lifecycle engine (``validate`` in record order, as the bulk
loader does) and the projection recomputed by ``lifecycle.project``; headcounts recounted by
``lifecycle.headcounts_refresh``; fee inputs checked against the fee rules. XS size."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count, Q

from tcxd.bench import membergen as MG
from tcxd.bench.dataset import TABLES, build_dataset, dataset_info
from tcxd.common import cccd as cccd_rules
from tcxd.common.text import fold
from tcxd.fees import calc
from tcxd.fees.compute import ACTIVE_STATUSES
from tcxd.fees.models import FeeBasis, FeeDecision
from tcxd.fees.periods import month_end, months_inclusive
from tcxd.fees.rates import decision_max_months, reduction_percents
from tcxd.members import lifecycle
from tcxd.members.models import Member, MemberEvent, MemberSensitive
from tcxd.members.spells import dossier_values, rows_of, stored_rows
from tcxd.orgs.kinds import CELL_KINDS
from tcxd.orgs.models import Org, OrgHeadcount
from tcxd.rules.pure import membership as M

PROJECTED = ("status", "org_id", "temporary_org_id", "transfer_to_id", "exempted", "card_no", "admitted_on",
             "ceremony_on", "official_on", "last_event_on")
SAMPLE = 250


def _replay(member: Member) -> list[str]:
    """Problems the engine finds with the member's events, taken in record order (seq)."""
    facts, lookup, calendar = lifecycle.facts_of(member), lifecycle.lookup, lifecycle.calendar()
    history: list[M.Event] = []
    for row in MemberEvent.objects.filter(member=member).order_by("seq", "id"):
        event = lifecycle.to_event(row)
        problems = M.validate(history, event, facts, lookup, calendar)
        if problems:
            return [f"#{member.pk} {event.kind} {event.on}: {p.message}" for p in problems]
        history.append(event)
    return []


def _sample(n: int) -> list[Member]:
    """Every member in an unusual state, the page member, and a random sample of the rest."""
    special = Member.objects.filter(
        Q(transfer_to__isnull=False) | Q(temporary_org__isnull=False) | Q(exempted=True)
        | ~Q(status__in=[M.Status.OFFICIAL, M.Status.PROBATIONARY])
        | Q(pk=int(dataset_info()["page_member"])))
    ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    chosen = set(special.values_list("pk", flat=True)) | set(random.Random(3).sample(ids, min(n, len(ids))))
    return list(Member.objects.filter(pk__in=chosen).order_by("pk"))


def test_histories_are_valid_and_the_projection_is_the_engines(xs_members):
    sample = _sample(SAMPLE)
    kinds = Counter()
    for member in sample:
        assert _replay(member) == []
        before = {f: getattr(member, f) for f in PROJECTED}
        history = lifecycle.history_of(member)
        kinds.update(e.kind for e in history)
        # the generator's spells are the engine's (members.spells)
        assert stored_rows([member.pk]).get(member.pk, []) == rows_of(member.pk, dossier_values(member), history)
        lifecycle.project(member, history)  # what the services write after each event
        member.refresh_from_db()
        assert {f: getattr(member, f) for f in PROJECTED} == before, member.pk
        state = M.state_on(history, dt.date.today())
        assert state.status == member.status and state.official_org == member.org_id
    # the sample covers the generator's repertoire, not only historical admissions
    for kind in (M.EventKind.CANDIDATE, M.EventKind.CELL_VOTE, M.EventKind.CEREMONY, M.EventKind.RECOGNITION,
                 M.EventKind.CARD_ISSUED, M.EventKind.BADGE, M.EventKind.TRANSFER_OUT,
                 M.EventKind.TEMP_TRANSFER_OUT, M.EventKind.EXEMPTION_START, M.EventKind.DIED,
                 M.EventKind.STRUCK_OFF):
        assert kinds[kind] > 0, kind


def test_member_rows_are_the_headcounts(xs_members):
    people = xs_members.people
    counted = Member.objects.filter(status__in=[M.Status.OFFICIAL, M.Status.PROBATIONARY])
    assert counted.count() == xs_members.stats.members == people.by_status["official"] + people.by_status[
        "probationary"]
    assert Member.objects.count() == people.members == xs_members.rows["members"] > counted.count()
    assert MemberSensitive.objects.count() == Member.objects.count()
    assert MemberEvent.objects.count() == people.events == xs_members.rows["events"]
    before = dict(OrgHeadcount.objects.values_list("org_id", "official"))
    before_p = dict(OrgHeadcount.objects.values_list("org_id", "probationary"))
    cells = list(Org.objects.filter(kind__in=CELL_KINDS).values_list("id", flat=True))
    lifecycle.headcounts_refresh(cells)  # the services' recount changes nothing
    assert dict(OrgHeadcount.objects.values_list("org_id", "official")) == before
    assert dict(OrgHeadcount.objects.values_list("org_id", "probationary")) == before_p
    assert set(Member.objects.values_list("org__kind", flat=True)) <= set(CELL_KINDS)


def test_dossier_columns(xs_members):
    rows = list(Member.objects.values_list("full_name", "name_norm", "given_name_norm", "cccd", "sex",
                                           "birth_date", "card_no", "status"))
    assert len({r[3] for r in rows}) == len(rows)
    for full, norm, given, cccd, sex, birth, card, status in rows:
        assert norm == fold(full) and given == norm.split(" ")[-1]
        assert cccd_rules.problems(cccd, sex=sex, birth_year=birth.year) == []
        assert bool(card) == (status in (M.Status.OFFICIAL, M.Status.DECEASED)), status  # the dead were official
    assert len({r[6] for r in rows if r[6]}) == sum(1 for r in rows if r[6])


def test_the_page_member_has_its_events(xs_members):
    info = dataset_info()
    member = Member.objects.get(pk=int(info["page_member"]))
    assert info["size"] == "XS" and int(info["members"]) == Member.objects.count()
    assert info["as_of"] == dt.date.today().isoformat()
    assert member.events.count() == MG.PAGE_EVENTS
    assert member.status == M.Status.OFFICIAL and member.temporary_org_id is None and member.transfer_to_id is None
    assert _replay(member) == []
    top = MemberEvent.objects.values("member_id").annotate(n=Count("id")).order_by("-n").first()
    assert top["n"] == MG.PAGE_EVENTS
    assert MemberEvent.objects.filter(on__gt=dt.date.today()).count() == 0


def test_fee_inputs_are_what_the_services_accept(xs_members):
    this_month = dt.date.today().replace(day=1)
    bases = list(FeeBasis.objects.select_related("member"))
    assert len(bases) > 0.9 * Member.objects.filter(status__in=["official", "probationary"]).count()
    for b in bases:  # fee_basis_set: a past month in which the person is a member (member_of_month_q)
        assert b.valid_from.day == 1 and b.valid_from <= this_month
        m = b.member
        assert m.status in ACTIVE_STATUSES and (m.ceremony_on is None or m.ceremony_on <= month_end(b.valid_from))
        if b.group in calc.GROUPS_WITH_BASE:
            assert b.base_amount and b.base_amount > 0
        else:
            assert b.base_amount is None
    decisions = list(FeeDecision.objects.all())
    assert decisions and len({d.member_id for d in decisions}) == len(decisions)  # no overlaps
    for d in decisions:  # fee_decision_create
        assert d.decided_on <= dt.date.today()
        if d.kind == "reduce":
            assert d.percent in reduction_percents(d.from_month) and d.ground == "hardship"
        else:
            assert d.percent == 100
        if d.ground == "hardship":
            assert d.to_month and months_inclusive(d.from_month, d.to_month) <= decision_max_months(d.from_month)


def test_replace_rebuilds_members_and_ledger(xs_members):
    from tcxd.bench.suites.fees import month
    from tcxd.fees.models import FeePayment

    month()  # a month computed: ledger lines, and audit rows of the bench officer, who has the province
    assert FeePayment.objects.exists()
    again = build_dataset("XS", seed=8, replace=True)
    assert Member.objects.count() == again.people.members
    assert dataset_info()["seed"] == "8"
    assert not Member.objects.filter(pk__gt=again.people.members).exists()


def test_indexes_are_built_again_as_they_were(db):
    """The load drops the plain indexes and rebuilds them from their own definitions."""
    tables = [model._meta.db_table for _, model, _ in TABLES]

    def schema() -> dict:
        with connection.cursor() as cursor:
            return {t: connection.introspection.get_constraints(cursor, t) for t in tables}

    before = schema()
    build_dataset("XS", seed=7)
    assert schema() == before


def test_the_generator_is_deterministic_and_pure():
    def rows(seed: int) -> MG.MemberRows:
        gen = MG.MemberGenerator(seed=seed, stamp="t", as_of=dt.date(2026, 11, 21))
        out = MG.MemberRows()
        for i in range(40):
            gen.cell(out, 100 + i, 12, 2, sibling=99 + i if i else None)
        return out

    one, two, other = rows(1), rows(1), rows(2)
    assert one == two and one != other
    assert len(one.members) >= 40 * 14 and len(one.sensitive) == len(one.members)
    by_member = Counter(r[MG.E_COL["member_id"]] for r in one.events)
    assert max(by_member.values()) == MG.PAGE_EVENTS
    with pytest.raises(ValueError):
        MG.project([MG.Ev(M.EventKind.EXPELLED.value, dt.date(2020, 1, 1), 1)])
