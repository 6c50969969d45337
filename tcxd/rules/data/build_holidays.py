"""Regenerate ``holidays.json`` from the pure holiday rules.

Usage (from the repository root):  python tcxd/rules/data/build_holidays.py [FIRST_YEAR LAST_YEAR]

The output is committed; the 0002 data migration loads it into ``rules.PublicHoliday``, where
administrators maintain later changes (announced swaps, new holidays).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tcxd.rules.pure.holidays import holidays_for_years  # noqa: E402

OUTPUT = Path(__file__).resolve().parent / "holidays.json"
DEFAULT_YEARS = (2015, 2035)


def build(first_year: int, last_year: int) -> dict:
    return {
        "_comment": "Sinh tự động bởi tcxd/rules/data/build_holidays.py — không sửa tay.",
        "first_year": first_year,
        "last_year": last_year,
        "holidays": [
            {"date": h.date.isoformat(), "name": h.name_vi, "kind": h.kind.value}
            for h in holidays_for_years(first_year, last_year)
        ],
    }


def render(first_year: int = DEFAULT_YEARS[0], last_year: int = DEFAULT_YEARS[1]) -> str:
    return json.dumps(build(first_year, last_year), ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str]) -> None:
    years = (int(argv[0]), int(argv[1])) if len(argv) == 2 else DEFAULT_YEARS
    OUTPUT.write_text(render(*years), encoding="utf-8")
    print(f"{OUTPUT}: {years[0]}–{years[1]}")


if __name__ == "__main__":
    main(sys.argv[1:])
