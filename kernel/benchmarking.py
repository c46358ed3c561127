"""Tools for `make bench`: times as ratios to a baseline measured in the same run, and query counts.

Each app may have a ``bench`` module with ``MEASURES``: functions that take no argument, run against
the benchmark database (the 197 countries and the rounds are loaded), and return ``Result``s.

A result passes when its ratio is within the target and, when it records the query counts of the
same work under different data (``query_counts``, e.g. with 200 and with 100,000 history rows), all
those counts are equal: a count that grows with the data is a query per row waiting to happen.
"""

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Result:
    name: str
    ratio: float
    target: float
    queries: int
    baseline: str
    # Absolute times (best per call) and the baseline's queries, for context only.
    measured_ms: float | None = None
    baseline_ms: float | None = None
    baseline_queries: int | None = None
    # The queries of the same work under different data: they must all be equal.
    query_counts: Mapping[str, int] = field(default_factory=dict)
    note: str = ""
    # Further figures for context (e.g. peak memory), reported as they are.
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def queries_constant(self) -> bool:
        return len(set(self.query_counts.values())) <= 1

    @property
    def passed(self) -> bool:
        return self.ratio <= self.target and self.queries_constant

    @property
    def problems(self) -> list[str]:
        found = []
        if self.ratio > self.target:
            found.append(f"ratio {self.ratio:.2f} > {self.target:g}")
        if not self.queries_constant:
            found.append(
                "queries differ: " + ", ".join(f"{k}={v}" for k, v in self.query_counts.items())
            )
        return found

    def as_dict(self) -> dict:
        figures = {
            "ratio": round(self.ratio, 3),
            "target": self.target,
            "queries": self.queries,
            "baseline": self.baseline,
            "passed": self.passed,
        }
        if self.measured_ms is not None:
            figures["measured_ms"] = round(self.measured_ms, 3)
        if self.baseline_ms is not None:
            figures["baseline_ms"] = round(self.baseline_ms, 3)
        if self.baseline_queries is not None:
            figures["baseline_queries"] = self.baseline_queries
        if self.query_counts:
            figures["query_counts"] = dict(self.query_counts)
        if self.note:
            figures["note"] = self.note
        if self.extra:
            figures["extra"] = dict(self.extra)
        return figures


def best_time(
    fn: Callable[[], object],
    *,
    repeat: int = 7,
    number: int = 3,
    prepare: Callable[[], object] | None = None,
) -> float:
    """The fastest of ``repeat`` runs of ``number`` calls, per call: the least disturbed by noise.

    ``prepare``, when given, runs before every call outside the timer (e.g. a save before timing
    the page it leaves uncached).
    """
    if prepare:
        prepare()
    fn()  # warm caches and connections
    best = float("inf")
    for _ in range(repeat):
        elapsed = 0.0
        for _ in range(number):
            if prepare:
                prepare()
            start = time.perf_counter()
            fn()
            elapsed += time.perf_counter() - start
        best = min(best, elapsed / number)
    return best


def query_count(fn: Callable[[], object], *, prepare: Callable[[], object] | None = None) -> int:
    if prepare:
        prepare()
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def compare(
    name: str,
    measured: Callable[[], object],
    baseline: Callable[[], object],
    *,
    target: float,
    baseline_name: str,
    repeat: int = 7,
    number: int = 3,
    rounds: int = 3,
    prepare: Callable[[], object] | None = None,
    baseline_prepare: Callable[[], object] | None = None,
    query_counts: Mapping[str, int] | None = None,
    note: str = "",
) -> Result:
    """Times ``measured`` and ``baseline`` alternately, so both see the same machine load."""
    measured_times, baseline_times = [], []
    for _ in range(rounds):
        baseline_times.append(
            best_time(baseline, repeat=repeat, number=number, prepare=baseline_prepare)
        )
        measured_times.append(best_time(measured, repeat=repeat, number=number, prepare=prepare))
    return Result(
        name=name,
        ratio=min(measured_times) / min(baseline_times),
        target=target,
        queries=query_count(measured, prepare=prepare),
        baseline=baseline_name,
        measured_ms=min(measured_times) * 1000,
        baseline_ms=min(baseline_times) * 1000,
        baseline_queries=query_count(baseline, prepare=baseline_prepare),
        query_counts=dict(query_counts or {}),
        note=note,
    )
