"""Read side of the rules app: the rule book in force on a date and the working-day calendar.

Both the rule book and the holiday sets are built once per process and cached. The cache is keyed
by a version counter kept in Django's cache (``rules_cache_clear`` bumps it; the services call it
on every change) and is also rebuilt after ``LOCAL_TTL_SECONDS`` as a safety net for deployments
whose cache backend is not shared between processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.core.cache import cache

from .pure import calendar as cal
from .pure.registry import Confidence, ParameterVersion, RuleBook
from .pure.registry import Regulation as PureRegulation
from .pure.registry import RuleParameter as PureParameter
from .pure.thresholds import Threshold, parse_threshold

VERSION_KEY = "tcxd.rules.version"
LOCAL_TTL_SECONDS = 300
_MISSING: Any = object()
_state: dict[str, tuple[int, float, Any]] = {}
T = TypeVar("T")


def rules_cache_clear() -> None:
    """Forget the cached rule book and holiday sets here and, via the version, in other processes."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)
    _state.clear()


def _cached(name: str, build: Callable[[], T]) -> T:
    version = cache.get(VERSION_KEY, 0)
    entry = _state.get(name)
    now = time.monotonic()
    if entry is not None and entry[0] == version and now - entry[1] < LOCAL_TTL_SECONDS:
        return entry[2]
    value = build()
    _state[name] = (version, now, value)
    return value


def _build_rulebook() -> RuleBook:
    from .models import Regulation, RuleParameter

    regulations = [
        PureRegulation(
            code=r.code, title=r.title, issuer=r.issuer, signed_on=r.signed_on,
            effective_from=r.effective_from, effective_to=r.effective_to,
            supersedes=tuple(sorted(s.code for s in r.supersedes.all())),
            confidence=Confidence(r.confidence),
        )
        for r in Regulation.objects.prefetch_related("supersedes")
    ]
    parameters = [
        PureParameter(
            key=p.key, regulation_code=p.regulation.code, value=p.value,
            effective_from=p.effective_from, effective_to=p.effective_to,
            confidence=Confidence(p.confidence), unit=p.unit, description_vi=p.description_vi,
        )
        for p in RuleParameter.objects.select_related("regulation")
    ]
    return RuleBook(regulations, parameters)


def rulebook() -> RuleBook:
    """The whole registry as a pure ``RuleBook`` (cached)."""
    return _cached("rulebook", _build_rulebook)


def param(key: str, *, on: date, default: Any = _MISSING) -> Any:
    """Value of ``key`` in force on ``on``.

    Raises ``RuleNotInForce`` (a ``LookupError`` with a Vietnamese message) unless ``default`` is given.
    """
    try:
        return rulebook().value_in_force(key, on)
    except LookupError:
        if default is _MISSING:
            raise
        return default


def param_version(key: str, *, on: date) -> ParameterVersion:
    """The parameter version in force (value, regulation, resolved dates) — store it with results."""
    return rulebook().version_in_force(key, on)


def regulation_for(key: str, *, on: date) -> PureRegulation:
    """The regulation version whose parameter ``key`` is in force on ``on``."""
    return rulebook().regulation_in_force(key, on)


def threshold(key: str, *, on: date) -> Threshold:
    """A vote-threshold parameter (e.g. ``admission.cell_vote_threshold``) parsed for exact use."""
    return parse_threshold(str(param(key, on=on)))


def _build_holiday_set() -> tuple[frozenset[date], frozenset[date]]:
    from .models import PublicHoliday

    off: set[date] = set()
    working: set[date] = set()
    for day, kind in PublicHoliday.objects.values_list("date", "kind"):
        (working if kind == PublicHoliday.Kind.SWAP_WORKING_DAY else off).add(day)
    return frozenset(off), frozenset(working)


def holiday_set() -> tuple[frozenset[date], frozenset[date]]:
    """(days off, official working weekend days) from ``PublicHoliday`` (cached)."""
    return _cached("holidays", _build_holiday_set)


def is_working_day(d: date) -> bool:
    return cal.is_working_day(d, *holiday_set())


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start`` (domain I.1), using the maintained holiday calendar."""
    return cal.add_working_days(start, n, *holiday_set())


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end] using the maintained holiday calendar."""
    return cal.working_days_between(start, end, *holiday_set())


def parameters_in_force(*, on: date) -> list[ParameterVersion]:
    """Every rule parameter as in force on ``on`` (keys with no version that day are left out)."""
    book = rulebook()
    out: list[ParameterVersion] = []
    for key in book.keys():
        try:
            out.append(book.version_in_force(key, on))
        except LookupError:
            continue
    return out


def holidays_of_year(year: int):
    from .models import PublicHoliday

    return PublicHoliday.objects.filter(date__year=year).order_by("date")
