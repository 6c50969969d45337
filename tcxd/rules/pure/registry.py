"""Effective-dated rule registry (domain §0, I.5).

Every numeric rule is a ``RuleParameter`` attached to the ``Regulation`` version it comes from.
A parameter's effective range is its own ``effective_from``/``effective_to`` where set, each bound
falling back to its regulation's range. Events are evaluated against the parameter version in force
on the event date, and callers store which regulation was used (``regulation_in_force``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any


class Confidence(StrEnum):
    VERIFIED = "verified"
    PROBABLE = "probable"
    UNVERIFIED = "unverified"


@dataclass(frozen=True)
class Regulation:
    code: str
    title: str
    issuer: str
    signed_on: date | None
    effective_from: date
    effective_to: date | None = None
    supersedes: tuple[str, ...] = ()
    confidence: Confidence = Confidence.VERIFIED


@dataclass(frozen=True)
class RuleParameter:
    key: str
    regulation_code: str
    value: Any
    effective_from: date | None = None
    effective_to: date | None = None
    confidence: Confidence = Confidence.VERIFIED
    unit: str = ""
    description_vi: str = ""


@dataclass(frozen=True)
class ParameterVersion:
    """A parameter with its resolved effective range and regulation."""

    parameter: RuleParameter
    regulation: Regulation
    effective_from: date
    effective_to: date | None

    def covers(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class RuleNotInForce(LookupError):
    def __init__(self, key: str, on: date) -> None:
        self.key, self.on = key, on
        super().__init__(
            f"Không có quy định nào đang có hiệu lực cho tham số «{key}» vào ngày {on:%d/%m/%Y}."
        )


class UnknownRuleKey(RuleNotInForce):
    def __init__(self, key: str, on: date) -> None:
        super().__init__(key, on)
        self.args = (f"Tham số «{key}» không có trong sổ quy định.",)


class RuleBook:
    def __init__(self, regulations: Iterable[Regulation], parameters: Iterable[RuleParameter]) -> None:
        self.regulations: dict[str, Regulation] = {r.code: r for r in regulations}
        self._versions: dict[str, list[ParameterVersion]] = {}
        for p in parameters:
            regulation = self.regulations.get(p.regulation_code)
            if regulation is None:
                raise ValueError(f"Tham số «{p.key}» gắn với văn bản không tồn tại: {p.regulation_code}")
            start = p.effective_from or regulation.effective_from
            end = p.effective_to if p.effective_to is not None else regulation.effective_to
            self._versions.setdefault(p.key, []).append(ParameterVersion(p, regulation, start, end))
        for versions in self._versions.values():
            versions.sort(key=lambda v: (v.effective_from, v.regulation.code))

    def keys(self) -> list[str]:
        return sorted(self._versions)

    def history(self, key: str) -> list[ParameterVersion]:
        """All versions of ``key``, oldest first (empty list for an unknown key)."""
        return list(self._versions.get(key, ()))

    def version_in_force(self, key: str, on: date) -> ParameterVersion:
        """The version covering ``on``; if ranges overlap, the most recently started one wins."""
        versions = self._versions.get(key)
        if not versions:
            raise UnknownRuleKey(key, on)
        for version in reversed(versions):
            if version.covers(on):
                return version
        raise RuleNotInForce(key, on)

    def value_in_force(self, key: str, on: date) -> Any:
        """The parameter value in force on ``on`` (a copy: callers may not mutate the book)."""
        return copy.deepcopy(self.version_in_force(key, on).parameter.value)

    def regulation_in_force(self, key: str, on: date) -> Regulation:
        return self.version_in_force(key, on).regulation

    def predecessors(self, code: str) -> list[str]:
        """Codes this regulation supersedes, transitively, nearest first."""
        seen: list[str] = []
        queue = list(self.regulations[code].supersedes)
        while queue:
            current = queue.pop(0)
            if current in seen:
                continue
            seen.append(current)
            if current in self.regulations:
                queue.extend(self.regulations[current].supersedes)
        return seen

    def problems(self) -> list[str]:
        """Data-quality findings: inverted ranges and overlapping versions of one key."""
        found: list[str] = []
        for key, versions in self._versions.items():
            for v in versions:
                if v.effective_to is not None and v.effective_to < v.effective_from:
                    found.append(f"{key} @ {v.regulation.code}: hết hiệu lực trước khi có hiệu lực")
            for older, newer in zip(versions, versions[1:], strict=False):
                if older.effective_to is None or older.effective_to >= newer.effective_from:
                    found.append(f"{key}: {older.regulation.code} chồng lấn {newer.regulation.code}")
        return found
