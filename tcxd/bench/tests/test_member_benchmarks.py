"""Member and fee benchmarks on XS: each raw-SQL floor gives exactly the answer of the code under
test, the pages and the API answer as the officer of the province, the runner's untimed ``prepare``."""

from __future__ import annotations

import datetime as dt

import pytest

from tcxd.bench.runner import Benchmark, measure, run_benchmark, verify
from tcxd.bench.suites import REGISTRY, fees, members, select
from tcxd.bench.suites.orgs import biggest_province
from tcxd.fees.models import FeePayment
from tcxd.fees.services import fee_month_compute
from tcxd.members.models import Member
from tcxd.rules.pure.retirement import pension_start

MEMBER_BENCHES = [n for n in REGISTRY if n.startswith(("members.", "fees."))]


@pytest.mark.parametrize("name", MEMBER_BENCHES)
def test_floors_give_the_answer_of_the_code(xs_members, name):
    bench = REGISTRY[name]()
    verify(bench)
    assert bench.n > 0
    if bench.prepare:
        bench.prepare()
    bench.run()


def test_search_folds_accents_and_stays_in_scope(xs_members):
    province = biggest_province()
    for name, text in members.SEARCHES.items():
        bench = members.search(name, text)
        term, _ = members.search_bounds(text)
        found = Member.objects.filter(pk__in=bench.expected)
        assert len(bench.expected) == found.count() <= members.SEARCH_LIMIT
        for m in found.select_related("org"):
            assert m.org.path.startswith(province.path)
            assert m.name_norm.startswith(term) or m.given_name_norm.startswith(term) or f" {term}" in m.name_norm
    assert len(members.search("nguyen_van", "Nguyễn Văn").expected) == members.SEARCH_LIMIT


def test_worklist_shortlists_cover_every_section(xs_members):
    bench = members.worklist_page()
    main, events, badge = bench.expected
    assert isinstance(main, list) and main and events >= len(main)
    assert badge
    sections = {i.section for i in members.worklist(actor=members.bench_officer(biggest_province()),
                                                    on=dt.date.today())}
    assert {"Quyết định kết nạp", "Tổ chức lễ kết nạp", "Huy hiệu Đảng đến dịp trao"} <= sections


def test_fees_month_recreates_the_ledger_lines_each_run(xs_members):
    bench = fees.month()
    month = fees.bench_month()
    assert FeePayment.objects.filter(month=month).count() == bench.n
    bench.prepare()
    assert not FeePayment.objects.filter(month=month).exists()
    bench.run()
    assert FeePayment.objects.filter(month=month).count() == bench.n
    members_, missing, total = bench.expected
    assert 0 < missing < members_ and total > 0
    exempt = FeePayment.objects.filter(month=month, exempt=True).count()
    assert exempt > 0  # party age ≥ 50 years and exemption decisions are exercised


def test_the_fee_floor_follows_a_changed_ledger(xs_members):
    """Recomputed after a new basis, the code and the floor still agree (and differ from before)."""
    bench = fees.month()
    province = biggest_province()
    member = Member.objects.filter(status="official", fee_group="salary", fee_bases__isnull=False).first()
    month = fees.bench_month()
    member.fee_bases.update(base_amount=123_456_789)
    result = fee_month_compute(actor=members.bench_officer(province), org=province, month=month)
    again = fees.month()
    assert again.expected == (result.members, result.not_computable, result.total_due) != bench.expected
    verify(again)


def test_retirement_cutoff_matches_pension_start():
    month = dt.date(2026, 10, 1)
    for sex in ("M", "F"):
        cut = fees.retirement_cutoff(sex, month)
        before = dt.date(cut.year - (cut.month == 1), (cut.month - 2) % 12 + 1, 15)
        assert pension_start(before, sex) <= month < pension_start(cut, sex)


def test_prepare_runs_untimed_before_every_run(db):
    calls: list[str] = []
    bench = Benchmark("x", 1, lambda: calls.append("run"), {"f": lambda: 1}, 1, prepare=lambda: calls.append("prep"))
    run_benchmark(bench, size="XS", repeat=2, warmup=1)
    assert calls == ["prep", "run"] * 3
    times = measure([lambda: None], repeat=2, warmup=0, prepare={0: lambda: calls.append("p")})
    assert len(times[0]) == 2 and calls[-2:] == ["p", "p"]


def test_selection_by_prefix():
    assert select(["members.search"]) == [f"members.search.{n}" for n in members.SEARCHES]
    assert select(["fees.month"]) == ["fees.month", "fees.month.recompute"]


def test_bench_asks_for_members_when_the_dataset_has_none(db):
    import io

    from django.core.management import CommandError, call_command

    from tcxd.bench.dataset import build_dataset

    build_dataset("XS", seed=7, members=False)
    with pytest.raises(CommandError, match="--replace"):
        call_command("bench", "--size", "XS", "--only", "members.page", stdout=io.StringIO(), stderr=io.StringIO())
    out = io.StringIO()
    call_command("bench", "--size", "XS", "--only", "orgs.page", "--repeat", "1", "--warmup", "0", stdout=out,
                 stderr=io.StringIO())
    assert out.getvalue().count("\n") == 1
