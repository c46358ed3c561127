"""Virtual users over HTTP, the figures of their requests and the ledger of what they were told.

Each virtual user is one person with their own browser (``loadtest.client.Browser``: loopback
only, its own cookies). A 503 (the database is not reachable: "try again") is counted apart from
errors and the same request is sent again after a pause, a bounded number of times.
"""

import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from loadtest.client import Browser, Reply, RequestFailed

SESSION_COOKIE = "sessionid"


class StepFailed(Exception):
    """A step of the story went wrong: ``kind`` names it in the error counts."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail


class MissingRoute(StepFailed):
    """A page or form the story needs is not there (a route not merged yet)."""


def percentile(samples: list[float], q: int) -> float:
    """Nearest rank; 0 for no sample."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


@dataclass
class Metrics:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    unavailable: Counter = field(default_factory=Counter)  # 503 "try again" answers per request
    errors: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    conflicts: int = 0
    conflicts_resolved: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times[kind].append(seconds)

    def record_unavailable(self, kind: str) -> None:
        with self.lock:
            self.unavailable[kind] += 1

    def error(self, kind: str, detail: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.examples) < 12:
                self.examples.append(f"{kind}: {detail}"[:400])

    def conflict(self, *, resolved: bool = False) -> None:
        with self.lock:
            if resolved:
                self.conflicts_resolved += 1
            else:
                self.conflicts += 1

    @property
    def requests(self) -> int:
        return sum(len(samples) for samples in self.times.values())

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def figures(self, seconds: float) -> dict:
        figures = {
            "requests": self.requests,
            "seconds": round(seconds, 2),
            "requests_per_s": round(self.requests / seconds, 2) if seconds else 0.0,
            "errors": self.error_count,
            "conflicts": self.conflicts,
            "conflicts_resolved": self.conflicts_resolved,
            "unavailable_503": sum(self.unavailable.values()),
            "requests_by_kind": {},
        }
        for kind in sorted(self.times):
            samples = self.times[kind]
            figures["requests_by_kind"][kind] = {
                "count": len(samples),
                "errors": self.errors.get(kind, 0),
                "unavailable_503": self.unavailable.get(kind, 0),
                **{f"p{q}_ms": round(percentile(samples, q) * 1000, 1) for q in (50, 95, 99)},
            }
        if self.errors:
            figures["error_kinds"] = dict(self.errors)
            figures["error_examples"] = list(self.examples)
        return figures


@dataclass
class Retry:
    pause: float = 1.0  # seconds between two tries of a request answered 503
    within: float = 120.0  # seconds: after this, a 503 is an error


class VirtualUser:
    def __init__(self, person: dict, *, port: int, timeout: float, metrics: Metrics, retry: Retry):
        self.username = person["username"]
        self.role = person["role"]
        self.person = person
        self.metrics, self.retry = metrics, retry
        self.browser = Browser("127.0.0.1", port, timeout=timeout)
        self.browser.cookies[SESSION_COOKIE] = person["session"]
        self.lock = threading.Lock()  # one request at a time per person

    def request(self, kind: str, method: str, path: str, data: dict | None = None) -> Reply:
        """The reply that is not a 503, the same request sent again while it is (bounded)."""
        deadline = time.monotonic() + self.retry.within
        with self.lock:
            for _attempt in range(10_000):
                try:
                    if method == "GET":
                        reply = self.browser.get(path)
                    else:
                        reply = self.browser.post(path, data or {})
                except RequestFailed as error:
                    raise StepFailed(f"{kind}: no answer", str(error)) from error
                if reply.status != 503:
                    self.metrics.record(kind, reply.seconds)
                    if reply.status >= 500:
                        raise StepFailed(f"{kind}: {reply.status}", f"{method} {path}")
                    return reply
                self.metrics.record_unavailable(kind)
                if time.monotonic() + self.retry.pause > deadline:
                    break
                time.sleep(self.retry.pause)
        raise StepFailed(f"{kind}: still 503", f"{method} {path} after {self.retry.within:g} s")

    def get(self, kind: str, path: str, *, expect: int = 200) -> Reply:
        reply = self.request(kind, "GET", path)
        if reply.status != expect:
            if reply.status == 404:
                raise MissingRoute(f"{kind}: 404", f"GET {path} (route missing?)")
            raise StepFailed(f"{kind}: {reply.status}", f"GET {path}")
        return reply

    def post(self, kind: str, path: str, data: dict, *, expect=(302,)) -> Reply:
        reply = self.request(kind, "POST", path, data)
        if reply.status not in expect:
            if reply.status == 404:
                raise MissingRoute(f"{kind}: 404", f"POST {path} (route missing?)")
            raise StepFailed(f"{kind}: {reply.status}", f"POST {path}")
        return reply

    def close(self) -> None:
        self.browser.close()


@dataclass
class Ledger:
    """What the virtual users were told: each value they saved, each state change they made."""

    saves: list[dict] = field(default_factory=list)
    transitions: list[dict] = field(default_factory=list)
    round_events: list[dict] = field(default_factory=list)
    queries: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saved(self, iso3: str, user: str, fields: dict[str, str]) -> None:
        with self.lock:
            self.saves.append({"iso3": iso3, "user": user, "fields": dict(fields)})

    def transition(self, iso3: str, action: str, actor: str) -> None:
        with self.lock:
            self.transitions.append({"iso3": iso3, "action": action, "actor": actor})

    def round_event(self, action: str, actor: str) -> None:
        with self.lock:
            self.round_events.append({"action": action, "actor": actor})

    def query(self, what: str) -> None:
        with self.lock:
            self.queries[what] += 1

    def as_dict(self) -> dict:
        return {
            "saves": self.saves,
            "transitions": self.transitions,
            "round_events": self.round_events,
            "queries": dict(self.queries),
        }
