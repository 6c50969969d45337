"""Party age for the 50-year exemption (B-12, B-28): the lifecycle engine's age, gaps subtracted."""

from __future__ import annotations

import datetime as dt

import pytest

from tcxd.fees import party_age as P
from tcxd.fees import services as S
from tcxd.fees.models import FeePayment
from tcxd.rules.pure.calendar import whole_months_between

from .factories import admitted, make_member, with_history

D = dt.date
JAN, FEB = D(2026, 1, 1), D(2026, 2, 1)
pytestmark = pytest.mark.django_db


def rows_of(*members):
    return [(m.pk, m.status, m.admitted_on, m.official_on, m.last_event_on) for m in members]


def gap_of_two_years(member):
    """Admitted 10/01/1976, struck off 1990, readmitted two years later (730 days)."""
    return with_history(member, [*admitted(D(1976, 1, 10)),
                                 ("struck_off", D(1990, 1, 1)), ("readmission_decision", D(1992, 1, 1)),
                                 ("ceremony", D(1992, 2, 1)), ("recognition", D(1993, 2, 1))])


@pytest.fixture
def pensioners(tree):
    """Two pensioners admitted 10/01/1976; one was out of the Party for two years."""
    kept = with_history(make_member(tree.cell_a1, "Hoàng Văn Liền", fee_group="pension", birth_date=D(1950, 1, 1)),
                        admitted(D(1976, 1, 10)))
    gap = gap_of_two_years(make_member(tree.cell_a1, "Hoàng Văn Gián", fee_group="pension",
                                       birth_date=D(1950, 1, 1)))
    for m in (kept, gap):
        S.fee_basis_set(actor=tree.admin, member=m, valid_from=JAN, group="pension", base_amount=6_000_000)
    return kept, gap


def test_the_projection_is_the_bound_and_the_engine_subtracts_the_gap(pensioners):
    kept, gap = pensioners
    assert kept.admitted_on == gap.admitted_on == D(1976, 1, 10)  # same bound: 50 years on 01/02/2026
    assert kept.status == gap.status == "official"
    assert P.party_age_years(rows_of(kept, gap), FEB, 50) == {kept.pk: 50}
    assert P.gap_members([kept.pk, gap.pk]) == {gap.pk}
    assert P.engine_years(P.histories([gap.pk])[gap.pk], FEB) == 48


def test_a_member_with_a_two_year_gap_is_not_exempt_without_the_gap_is(tree, pensioners):
    kept, gap = pensioners
    S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=FEB)
    line_kept, line_gap = (FeePayment.objects.get(member=m, month=FEB) for m in (kept, gap))
    assert (line_kept.amount_due, line_kept.exempt) == (0, True)
    assert "tuổi đảng 50 năm" in line_kept.rule_text
    assert (line_gap.amount_due, line_gap.exempt) == (30_000, False)


def test_no_party_age_exemption_under_qd_342(tree, pensioners):
    S.fee_month_compute(actor=tree.admin, org=tree.cell_a1, month=JAN)
    assert sorted(FeePayment.objects.filter(month=JAN).values_list("amount_due", flat=True)) == [30_000, 30_000]


@pytest.mark.parametrize(("on", "years"), [(D(2026, 1, 9), None), (D(2026, 1, 10), 50)])
def test_boundary_day_before_and_day_of_the_50th_anniversary(pensioners, on, years):
    kept, _gap = pensioners
    assert P.party_age_years(rows_of(kept), on, 50).get(kept.pk) == years


@pytest.mark.parametrize(("on", "years"), [(D(2028, 1, 8), None), (D(2028, 1, 9), 50)])
def test_boundary_with_the_gap_is_730_days_later(pensioners, on, years):
    _kept, gap = pensioners  # 10/01/1976 + 730 days (29/02/1976 in between) = 09/01/1978 → 50 years on 09/01/2028
    assert P.party_age_years(rows_of(gap), on, 50).get(gap.pk) == years


def test_restored_member_keeps_a_continuous_party_age(tree):
    restored = with_history(make_member(tree.cell_a1, "Đặng Văn Phục"),
                            [*admitted(D(1975, 3, 1)), ("struck_off", D(1990, 1, 1)), ("restored", D(1993, 1, 1))])
    assert restored.status == "official"
    assert P.party_age_years(rows_of(restored), FEB, 50) == {restored.pk: 50}


def test_members_without_events_keep_the_bound_others_need_recognition(tree):
    typed_in = make_member(tree.cell_a1, "Lý Văn Cũ", admitted_on=D(1970, 5, 1))  # no lifecycle on file
    probationary = make_member(tree.cell_a1, "Lý Văn Dự", status="probationary", admitted_on=D(1970, 5, 1))
    not_yet = with_history(make_member(tree.cell_a1, "Lý Văn Mới"), admitted(D(1975, 6, 1)))
    ages = P.party_age_years(rows_of(typed_in, probationary, not_yet), D(1976, 1, 1), 0)
    assert ages == {typed_in.pk: 5}  # Mới is recognised only on 01/06/1976
    assert P.party_age_years(rows_of(typed_in, probationary, not_yet), FEB, 50) == {typed_in.pk: 55, not_yet.pk: 50}
    assert P.party_age_years(rows_of(typed_in), FEB, None) == {}


def test_readmitted_member_on_probation_again_counts_the_first_membership(tree):
    again = with_history(make_member(tree.cell_a1, "Tô Văn Lại", status="probationary"),
                         [*admitted(D(1970, 1, 1)), ("left", D(2000, 1, 1)), ("readmission_decision", D(2001, 1, 1)),
                          ("ceremony", D(2025, 6, 1))])
    assert again.status == "probationary"
    assert P.party_age_years(rows_of(again), FEB, 50) == {again.pk: 55}
    assert P.party_age_years(rows_of(again), FEB, 56) == {}


def test_whole_years_by_calendar_months():
    assert P.whole_years(D(1976, 2, 2), FEB) == 49
    assert P.whole_years(D(1976, 2, 1), FEB) == 50
    assert P.whole_years(D(1976, 2, 29), D(2026, 2, 28)) == 50  # the engine's month arithmetic (clamped)


def test_whole_months_is_the_calendar_function():
    start = D(1975, 12, 25)
    days = [start + dt.timedelta(days=i) for i in range(0, 800, 3)]
    ends = [D(2026, 2, d) for d in (1, 27, 28)] + [D(2028, 2, 29), D(2026, 3, 31), D(2026, 4, 30), D(1976, 2, 29)]
    for since in days:
        for on in ends:
            assert P.whole_months(since, on) == whole_months_between(since, on), (since, on)
