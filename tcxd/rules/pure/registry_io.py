"""Read the registry JSON (``tcxd/rules/data/regulations.json``) into pure objects.

File layout: ``{"regulations": [...], "parameters": [{"key", "unit", "description_vi",
"configurable", "versions": [{"regulation", "value", "confidence", "effective_from"?,
"effective_to"?, "description_vi"?}]}]}``. Dates are ISO strings.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from .registry import Confidence, Regulation, RuleBook, RuleParameter


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def regulations_from_data(data: dict[str, Any]) -> Iterator[Regulation]:
    for row in data["regulations"]:
        start = _date(row["effective_from"])
        assert start is not None, row["code"]
        yield Regulation(
            code=row["code"],
            title=row["title"],
            issuer=row["issuer"],
            signed_on=_date(row.get("signed_on")),
            effective_from=start,
            effective_to=_date(row.get("effective_to")),
            supersedes=tuple(row.get("supersedes", ())),
            confidence=Confidence(row["confidence"]),
        )


def parameters_from_data(data: dict[str, Any]) -> Iterator[RuleParameter]:
    for entry in data["parameters"]:
        for version in entry["versions"]:
            yield RuleParameter(
                key=entry["key"],
                regulation_code=version["regulation"],
                value=version["value"],
                effective_from=_date(version.get("effective_from")),
                effective_to=_date(version.get("effective_to")),
                confidence=Confidence(version["confidence"]),
                unit=entry.get("unit", ""),
                description_vi=version.get("description_vi") or entry["description_vi"],
            )


def rulebook_from_data(data: dict[str, Any]) -> RuleBook:
    return RuleBook(regulations_from_data(data), parameters_from_data(data))
