"""The fast monthly computation of many members at once (``compute.dues_for`` / ``fee_month_compute``:
one query per kind of data, party age by the engine only for gap members, retirement per birth
month, one calculation per distinct input) gives exactly what the straightforward calculation gives
member by member: its basis, its decision, its whole event history through the lifecycle engine, its
own pension start. On a generated set covering every fee group, exemptions, reductions, gap members,
members without a lifecycle on file and temporary transfers, over the regulation switch."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db.models import Q

from tcxd.fees import calc
from tcxd.fees import services as S
from tcxd.fees.compute import dues_for, fee_org_id, member_of_month_q, payer_q
from tcxd.fees.models import FeeBasis, FeeDecision, FeePayment
from tcxd.fees.rates import fee_rates
from tcxd.members.lifecycle import history_of
from tcxd.members.models import Member
from tcxd.members.namewords import name_words_place
from tcxd.rules.pure import membership as M
from tcxd.rules.pure.calendar import add_months, whole_months_between
from tcxd.rules.pure.retirement import pension_start

from .factories import admitted, make_member, with_history

D = dt.date
MONTHS = [D(2026, 1, 1), D(2026, 2, 1), D(2026, 10, 1)]  # QĐ 342, the first month of QĐ 01, a later one
pytestmark = pytest.mark.django_db


def reference_due(member: Member, month: dt.date) -> calc.FeeDue:
    """The fee of one member for one month, computed the plain way."""
    rates = fee_rates(month)
    basis = FeeBasis.objects.filter(member=member, valid_from__lte=month).order_by("valid_from", "id").last()
    group, base = (basis.group, basis.base_amount) if basis else (member.fee_group, None)
    decision = (FeeDecision.objects.filter(member=member, from_month__lte=month)
                .filter(Q(to_month__isnull=True) | Q(to_month__gte=month)).order_by("from_month", "id").last())
    exemption, reduction = None, 0
    if decision is not None and decision.kind == "exempt":
        exemption = f"{decision.get_ground_display().lower()}, quyết định số {decision.decision_no}"
    elif decision is not None:
        reduction = decision.percent
    history = history_of(member)
    if history:
        age = M.party_age(history, month)
        years = age.years if age else None
    elif member.status == "official" and member.admitted_on and member.admitted_on <= month:
        years = whole_months_between(member.admitted_on, month) // 12
    else:
        years = None
    past = group == calc.OTHER and pension_start(member.birth_date, member.sex) <= month
    return calc.monthly_fee(group, base, rates=rates, party_age_years=years, exemption=exemption,
                            reduction_pct=reduction, past_retirement_age=past)


def _day(rng: random.Random, first: int, last: int) -> dt.date:
    return D(rng.randint(first, last), rng.randint(1, 12), rng.randint(1, 28))


GAPS = {  # after the first admission: events that open (and maybe close) a gap
    "struck_off": lambda a: [("struck_off", a + dt.timedelta(days=4000)),
                             ("readmission_decision", a + dt.timedelta(days=4700)),
                             ("ceremony", a + dt.timedelta(days=4730)), ("recognition", a + dt.timedelta(days=5100))],
    "expelled_back_on_probation": lambda a: [("expelled", a + dt.timedelta(days=3000)),
                                             ("readmission_decision", D(2025, 3, 1)), ("ceremony", D(2025, 4, 1))],
    "left_restored": lambda a: [("left", a + dt.timedelta(days=2000)), ("restored", a + dt.timedelta(days=2500))],
    "khai_tru": lambda a: [("discipline", a + dt.timedelta(days=5000), {"data": {"form": "khai_tru"}}),
                           ("readmission_decision", a + dt.timedelta(days=5400)),
                           ("ceremony", a + dt.timedelta(days=5430)), ("recognition", a + dt.timedelta(days=5800))],
    "reprimand": lambda a: [("discipline", a + dt.timedelta(days=5000), {"data": {"form": "khien_trach"}})],
    "struck_off_for_good": lambda a: [("struck_off", D(2020, 5, 5))],
    "died": lambda a: [("died", D(2024, 5, 5))],
}


def generated(tree, n: int = 160, seed: int = 20260201) -> list[Member]:
    rng = random.Random(seed)
    cells = [tree.cell_a1, tree.gcell_a2, tree.cell_b1]
    out = []
    for i in range(n):
        cell = rng.choice(cells)
        group = rng.choice(calc.GROUPS)
        lifecycle = rng.random() < 0.7
        admission = _day(rng, 1958, 2024) if rng.random() < 0.6 else _day(rng, 1974, 1977)  # many near 50 years
        member = make_member(cell, f"Đảng Viên Số {i}", fee_group=group, sex=rng.choice("MF"),
                             birth_date=_day(rng, 1935, 2004), admitted_on=admission,
                             status="official" if lifecycle or rng.random() < 0.8 else "probationary",
                             temporary_org=rng.choice(cells) if rng.random() < 0.1 else None)
        if lifecycle:
            events = admitted(admission)
            if admission.year < 2000 and rng.random() < 0.45:
                events += GAPS[rng.choice(sorted(GAPS))](admission)
            member = with_history(member, events)
            if member.temporary_org_id is None and rng.random() < 0.1:
                member.temporary_org = rng.choice(cells)
                member.save()
                name_words_place([member.pk])  # as the projection keeps the name index
        for _ in range(rng.choice((0, 1, 1, 2))):
            basis_group = group if rng.random() < 0.8 else rng.choice(calc.GROUPS)
            amount = None if basis_group in (calc.STUDENT, calc.ABROAD) else rng.choice(
                (rng.randint(1_000_000, 40_000_000), 4_960_000, 8_500_050, 1_000_050))
            FeeBasis.objects.create(member=member, valid_from=add_months(D(2025, 9, 1), rng.randint(0, 12)),
                                    group=basis_group, base_amount=amount)
        if rng.random() < 0.25:
            kind = rng.choice(("exempt", "reduce", "reduce"))
            first = add_months(D(2025, 10, 1), rng.randint(0, 10))
            FeeDecision.objects.create(
                member=member, kind=kind, ground=rng.choice(("hardship", "social_pension")) if kind == "exempt"
                else "hardship", percent=100 if kind == "exempt" else rng.choice((30, 50, 70)), from_month=first,
                to_month=None if rng.random() < 0.3 else add_months(first, rng.randint(0, 11)), reason="Khó khăn",
                decision_no=f"{i}-QĐ/ĐU")
        out.append(member)
    return out


@pytest.fixture
def population(tree):
    return generated(tree)


def test_the_generated_set_covers_every_case(population):
    members = Member.objects.filter(pk__in=[m.pk for m in population])
    assert set(members.values_list("fee_group", flat=True)) == set(calc.GROUPS)
    assert set(FeeDecision.objects.values_list("kind", "percent")) >= {("exempt", 100), ("reduce", 30),
                                                                       ("reduce", 50), ("reduce", 70)}
    assert members.filter(temporary_org__isnull=False).count() >= 5
    assert members.filter(last_event_on__isnull=True).count() >= 20
    assert set(members.values_list("status", flat=True)) >= {"official", "probationary", "struck_off", "deceased"}
    kinds = set(members.values_list("events__kind", flat=True))
    assert kinds >= {"struck_off", "expelled", "left", "restored", "readmission_decision", "discipline", "died"}
    dues = [reference_due(m, D(2026, 10, 1)) for m in members.filter(member_of_month_q(D(2026, 10, 1)))]
    texts = " | ".join(d.rule_text for d in dues)
    assert "tuổi đảng" in texts and "hưu trí xã hội" in texts and "giảm 70 %" in texts
    assert "sau tuổi nghỉ hưu" in texts and "trước tuổi nghỉ hưu" in texts and "ở nước ngoài" in texts
    assert any(d.amount_vnd is None for d in dues) and "Học sinh" in texts


def test_gap_members_near_the_threshold_are_in_the_set(population):
    """Some members past the 50-year bound lose the exemption to their gap (the engine decides)."""
    feb = D(2026, 2, 1)
    bound_only = [m for m in population if m.status == "official" and m.admitted_on
                  and whole_months_between(m.admitted_on, feb) >= 600]
    by_engine = [m for m in bound_only if (a := M.party_age(history_of(m), feb)) is not None and a.years < 50]
    assert by_engine and len(by_engine) < len(bound_only)


@pytest.mark.parametrize("month", MONTHS)
def test_fast_dues_equal_the_member_by_member_calculation(tree, population, month):
    payers = Member.objects.filter(payer_q(tree.province) & member_of_month_q(month))
    member_q = payer_q(tree.province, "member__") & member_of_month_q(month, "member__")
    fast = {member_id: due for member_id, _org, due in dues_for(payers, month, member_q)}
    members = Member.objects.filter(member_of_month_q(month))
    assert len(fast) == members.count() > 100
    for member in members:
        assert fast[member.pk] == reference_due(member, month), member.full_name


@pytest.mark.parametrize("month", MONTHS)
def test_month_computation_writes_the_reference_lines_where_members_pay(tree, population, month):
    result = S.fee_month_compute(actor=tree.admin, org=tree.province, month=month)
    lines = {p.member_id: p for p in FeePayment.objects.filter(month=month)}
    members = list(Member.objects.filter(member_of_month_q(month)))
    assert result.members == len(lines) == len(members)
    expected = {m.pk: reference_due(m, month) for m in members}
    for member in members:
        line, due = lines[member.pk], expected[member.pk]
        assert (line.org_id, line.amount_due, line.rule_text, line.exempt, line.regulation) == (
            fee_org_id(member), due.amount_vnd, due.rule_text, due.exempt, fee_rates(month).regulation)
    assert result.total_due == sum(d.amount_vnd or 0 for d in expected.values())
    assert result.not_computable == sum(d.amount_vnd is None for d in expected.values())
    again = S.fee_month_compute(actor=tree.admin, org=tree.province, month=month)
    assert (again.created, again.updated, again.total_due) == (0, 0, result.total_due)
