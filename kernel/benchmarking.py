"""Tools for `make bench`: times as ratios to a baseline measured in the same run, and query counts.

Each app may have a ``bench`` module with ``MEASURES``: functions that take no argument, run against
the benchmark database (the 197 countries and the rounds are loaded), and return ``Result``s.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Result:
    name: str
    ratio: float
    target: float
    queries: int
    baseline: str

    @property
    def passed(self) -> bool:
        return self.ratio <= self.target

    def as_dict(self) -> dict:
        return {
            "ratio": round(self.ratio, 3),
            "target": self.target,
            "queries": self.queries,
            "baseline": self.baseline,
        }


def best_time(fn: Callable[[], object], *, repeat: int = 7, number: int = 3) -> float:
    """The fastest of ``repeat`` runs of ``number`` calls, per call: the least disturbed by noise."""
    fn()  # warm caches and connections
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def query_count(fn: Callable[[], object]) -> int:
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
) -> Result:
    """Times ``measured`` and ``baseline`` alternately, so both see the same machine load."""
    measured_times, baseline_times = [], []
    for _ in range(3):
        baseline_times.append(best_time(baseline, repeat=repeat, number=number))
        measured_times.append(best_time(measured, repeat=repeat, number=number))
    return Result(
        name=name,
        ratio=min(measured_times) / min(baseline_times),
        target=target,
        queries=query_count(measured),
        baseline=baseline_name,
    )
