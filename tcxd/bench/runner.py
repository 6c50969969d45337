"""Time one benchmark against its raw-SQL floor and produce the JSON result line."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import connection


class BenchMismatch(AssertionError):
    """A raw-SQL floor does not give the same answer as the code under test."""


@dataclass(frozen=True)
class Benchmark:
    name: str
    n: int  # rows the answer covers
    run: Callable[[], object]  # the code under test
    floors: Mapping[str, Callable[[], object]]  # hand-written raw SQL candidates; the fastest is the floor
    expected: object  # the answer of ``run`` in comparable form; every floor must return exactly this
    prepare: Callable[[], object] | None = None  # untimed, before every call of ``run`` (e.g. undo its writes)
    # more fields of the result line (e.g. rows/s, peak memory), measured after the timing from the result so far
    extra: Callable[[dict[str, object]], Mapping[str, object]] | None = None


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(fns: list[Callable[[], object]], *, repeat: int, warmup: int,
            prepare: Mapping[int, Callable[[], object]] | None = None) -> list[list[float]]:
    """Times of each of ``fns``, interleaved round by round so that load from other processes
    on the machine hits the code under test and its floors alike. ``prepare[i]``, if any, runs
    untimed before each call of ``fns[i]``."""
    prepare = prepare or {}
    for _ in range(warmup):
        for i, fn in enumerate(fns):
            if i in prepare:
                prepare[i]()
            fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for i, (fn, out) in enumerate(zip(fns, times, strict=True)):
            if i in prepare:
                prepare[i]()
            out.append(_timed(fn))
    return times


def p95(times: list[float]) -> float:
    """95th percentile by nearest rank: the smallest value with at least 95 % of samples at or below it."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def verify(bench: Benchmark) -> None:
    for label, floor in bench.floors.items():
        got = floor()
        if got != bench.expected:
            raise BenchMismatch(f"{bench.name}: floor {label!r} gives {got!r}, expected {bench.expected!r}")


def run_benchmark(bench: Benchmark, *, size: str, repeat: int = 15, warmup: int = 3) -> dict[str, object]:
    verify(bench)
    times, *floor_times = measure([bench.run, *bench.floors.values()], repeat=repeat, warmup=warmup,
                                  prepare={0: bench.prepare} if bench.prepare else None)
    floor = min(statistics.median(t) for t in floor_times)
    median_s = round(statistics.median(times), 7)
    floor_s = round(floor, 7)
    result = {"bench": bench.name, "backend": connection.vendor, "size": size, "n": bench.n,
              "median_s": median_s, "p95_s": round(p95(times), 7), "floor_s": floor_s,
              "ratio": median_s / floor_s}
    if bench.extra is not None:
        result.update(bench.extra(result))
    return result
