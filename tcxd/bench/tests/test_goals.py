"""The goals table: each goal judged only on its own size, rates at least, times at most, at the boundary."""

from __future__ import annotations

from tcxd.bench.goals import Goal, goals_of, table


def test_a_time_goal_holds_up_to_its_limit_on_its_size_only():
    goal = Goal("median_s", 0.5)
    assert goal.holds({"size": "L", "median_s": 0.5}) is True
    assert goal.holds({"size": "L", "median_s": 0.5001}) is False
    assert goal.holds({"size": "M", "median_s": 0.1}) is None  # stated for L: shown, not judged


def test_a_rate_goal_holds_from_its_limit():
    goal = Goal("rows_per_s", 20_000, at_least=True)
    assert goal.holds({"size": "L", "rows_per_s": 20_000}) is True
    assert goal.holds({"size": "L", "rows_per_s": 19_999}) is False
    anywhere = Goal("rows_per_s", 20_000, at_least=True, size=None)
    assert anywhere.holds({"size": "M", "rows_per_s": 19_999}) is False
    assert anywhere.text() == "≥ 20 000 rows/s"


def test_search_goals_cover_every_search_and_unknown_benchmarks_have_none():
    assert goals_of("members.search.thi_h") == (Goal("p95_s", 0.020),)
    assert goals_of("members.searching") == ()
    assert goals_of("fees.month") == ()


def test_the_table_marks_each_line():
    lines = table([
        {"bench": "reports.national_form", "size": "L", "backend": "postgresql", "n": 5, "median_s": 0.42,
         "p95_s": 0.61, "floor_s": 0.2, "ratio": 2.1},
        {"bench": "imports.members_100k", "size": "L", "backend": "postgresql", "n": 100000, "median_s": 150.0,
         "p95_s": 150.0, "floor_s": 10.0, "ratio": 15.0, "rows_per_s": 667, "peak_rss_mb": 384},
        {"bench": "fees.month", "size": "M", "backend": "postgresql", "n": 9, "median_s": 1.5, "p95_s": 1.6,
         "floor_s": 1.0, "ratio": 1.5},
    ]).splitlines()
    assert lines[2].startswith("| `reports.national_form` | L |") and "420,0 ms" in lines[2]
    assert lines[2].endswith("| median ≤ 500 ms (L) | ✓ |")
    assert "667 rows/s, 384 MB" in lines[3] and lines[3].endswith("| ✗ |")  # the rate fails, memory holds
    assert lines[4].endswith("| — | — |")
