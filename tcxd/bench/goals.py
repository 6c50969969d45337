"""The performance goals of the issues, per benchmark, and a Markdown table of a run's JSON lines against them.

``python -m tcxd.bench.goals results.jsonl`` (or ``manage.py bench … | python -m tcxd.bench.goals``) prints the
table used in docs/performance.md: median, p95, the raw-SQL floor, the ratio, the goal and whether it holds.
Goals are set for the size the issue names (a goal at L is shown, not judged, on a smaller dataset).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Goal:
    metric: str  # a field of the result line
    limit: float
    at_least: bool = False  # True: the metric must be ≥ limit (a rate); else ≤ limit (a time)
    size: str | None = "L"  # the dataset size the goal is stated for (None: any)

    def holds(self, result: dict) -> bool | None:
        """Whether the result meets the goal; None when it was measured on another size or lacks the metric."""
        value = result.get(self.metric)
        if value is None or self.size not in (None, result.get("size")):
            return None
        return value >= self.limit if self.at_least else value <= self.limit

    def text(self) -> str:
        unit = {"median_s": "median", "p95_s": "p95", "rows_per_s": "rows/s", "peak_rss_mb": "MB"}[self.metric]
        if self.metric in ("median_s", "p95_s"):
            amount = f"{self.limit * 1000:g} ms" if self.limit < 1 else f"{self.limit:g} s"
            return f"{unit} ≤ {amount}{self._at()}"
        return f"{'≥' if self.at_least else '≤'} {_number(self.limit)} {unit}{self._at()}"

    def _at(self) -> str:
        return f" ({self.size})" if self.size else ""


# Issue 7 (national scale) and issue 6 (data in and out). Name search: every members.search.* line.
GOALS: dict[str, tuple[Goal, ...]] = {
    "reports.national_form": (Goal("median_s", 0.5),),
    "reports.national_form_past": (Goal("median_s", 3.0),),
    "reports.province_form": (Goal("median_s", 0.15),),
    "members.search": (Goal("p95_s", 0.020),),
    "members.page": (Goal("median_s", 0.1),),
    "orgs.page": (Goal("median_s", 0.1),),
    # issue 6 states these for any dataset (issue 7 repeats the rate at L)
    "imports.members_100k": (Goal("rows_per_s", 20_000, at_least=True, size=None), Goal("peak_rss_mb", 500, size=None)),
    "restructure.merge_provinces": (Goal("median_s", 10.0),),
    "exports.members_100k": (Goal("median_s", 10.0, size=None),),
}


def goals_of(name: str) -> tuple[Goal, ...]:
    for key, goals in GOALS.items():
        if name == key or name.startswith(key + "."):
            return goals
    return ()


def _number(value: float, decimals: int = 0) -> str:
    """20 000 / 1,5: thousands by a space, a decimal comma."""
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{_number(value * 1000, 1)} ms" if value < 1 else f"{_number(value, 2)} s"


def table(results: Iterable[dict]) -> str:
    """Markdown rows: benchmark, size, backend, n, median, p95, floor, ratio, goal, verdict."""
    lines = ["| benchmark | size | backend | n | median | p95 | raw-SQL floor | ratio | goal | met |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        goals = goals_of(r["bench"])
        verdicts = [g.holds(r) for g in goals]
        met = "—" if not goals or None in verdicts else ("✓" if all(verdicts) else "✗")
        extra = f" ({_number(r['rows_per_s'])} rows/s, {r.get('peak_rss_mb', '?')} MB)" if "rows_per_s" in r else ""
        ratio = r.get("ratio")
        lines.append(f"| `{r['bench']}` | {r.get('size', '')} | {r.get('backend', '')} | {r.get('n', '')} | "
                     f"{_seconds(r.get('median_s'))}{extra} | {_seconds(r.get('p95_s'))} | "
                     f"{_seconds(r.get('floor_s'))} | {_number(ratio, 2 if ratio < 1 else 1) if ratio else '—'} | "
                     f"{'; '.join(g.text() for g in goals) or '—'} | {met} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    source = open(argv[1], encoding="utf-8") if len(argv) > 1 else sys.stdin  # noqa: SIM115
    with source:
        results = [json.loads(line) for line in source if line.strip().startswith("{")]
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
