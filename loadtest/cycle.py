"""The focal points and their save cycle, run by virtual users for a bounded time."""

import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from .client import Browser, RequestFailed
from .htmlform import form_with_field
from .payload import draft_save

ROUND = "demo-2025"
MAX_CYCLES_PER_USER = 5000  # per phase: a bound besides the time
REQUEST_BOUND = 120.0  # seconds: no request waits longer (see --timeout)


# --- the focal points ---------------------------------------------------------------------------


@dataclass
class FocalPoint:
    iso3: str
    browser: Browser

    @property
    def page(self) -> str:
        return f"/rounds/{ROUND}/countries/{self.iso3}/questionnaire/"


def _log_in(browser: Browser, username: str, password: str) -> None:
    page = browser.get("/accounts/login/")
    if page.status != 200:
        raise RequestFailed(f"login page answered {page.status}")
    data = form_with_field(page.body, "username").values()
    data.update(username=username, password=password)
    reply = browser.post("/accounts/login/", data)
    if reply.status != 302 or "sessionid" not in browser.cookies:
        raise RequestFailed(f"login of {username} answered {reply.status}")


def log_in_all(
    port: int, password: str, iso3s: list[str], login: "Phase", *, timeout: float
) -> list[FocalPoint]:
    """Each focal point through the login form, a few at a time; ``login`` gets the times."""
    started = time.monotonic()
    focal_points = [FocalPoint(iso3, Browser("127.0.0.1", port, timeout=timeout)) for iso3 in iso3s]
    failures: list[str] = []
    jobs = iter(focal_points)
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                focal_point = next(jobs, None)
            if focal_point is None:
                return
            start = time.perf_counter()
            try:
                _log_in(focal_point.browser, f"fp-{focal_point.iso3.lower()}", password)
            except RequestFailed as error:
                with lock:
                    failures.append(str(error))
            else:
                login.record({"login": time.perf_counter() - start})

    _run_threads(work, login.concurrency)
    login.elapsed = time.monotonic() - started
    if failures:
        raise SystemExit(f"loadtest: {len(failures)} logins failed, e.g. {failures[0]}")
    return focal_points


# --- the save cycle -----------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    concurrency: int
    times: dict[str, list[float]] = field(
        default_factory=lambda: {"cycle": [], "get": [], "save": [], "redirect_get": []}
    )
    cycle_name: str = "cycles"
    errors: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    conflicts: int = 0
    cycles: int = 0
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, sample: dict[str, float]) -> None:
        with self.lock:
            self.cycles += 1
            for name, seconds in sample.items():
                self.times.setdefault(name, []).append(seconds)

    def fail(self, kind: str, detail: str, *, conflict: bool = False) -> None:
        with self.lock:
            self.errors[kind] += 1
            self.conflicts += conflict
            if len(self.examples) < 5:
                self.examples.append(detail)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def figures(self) -> dict:
        figures = {
            "concurrency": self.concurrency,
            "seconds": round(self.elapsed, 2),
            self.cycle_name: self.cycles,
            f"{self.cycle_name}_per_s": round(self.cycles / self.elapsed, 2)
            if self.elapsed
            else 0.0,
            "errors": self.error_count,
            "conflicts": self.conflicts,
        }
        for name, samples in self.times.items():
            if not samples:
                continue
            figures[f"{name}_ms"] = {
                f"p{q}": round(_percentile(samples, q) * 1000, 1) for q in (50, 95, 99)
            }
        if self.errors:
            figures["error_kinds"] = dict(self.errors)
            figures["error_examples"] = self.examples
        return figures


def _percentile(samples: list[float], q: int) -> float:
    """Nearest rank; 0 for no sample."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


class SaveTarget:
    """The save URL: the page's save/ URL, or the page itself where save/ answers 404."""

    saves_to_page = False

    @classmethod
    def url(cls, page: str) -> str:
        return page if cls.saves_to_page else page + "save/"


_variants = itertools.count(1)  # every save sets values never saved before


def cycle(focal_point: FocalPoint, phase: Phase) -> None:
    browser = focal_point.browser
    start = time.perf_counter()
    page = browser.get(focal_point.page)
    if page.status != 200:
        return phase.fail(f"GET page {page.status}", f"{focal_point.page}: {page.status}")
    try:
        form = form_with_field(page.body, "revision")
    except ValueError:
        return phase.fail("GET page without the form", focal_point.page)
    data = draft_save(form, next(_variants))
    url = SaveTarget.url(focal_point.page)
    saved = browser.post(url, data)
    if saved.status == 404 and url != focal_point.page:
        SaveTarget.saves_to_page = True  # before the rewrite: the page itself takes the save
        saved = browser.post(focal_point.page, data)
    if saved.status == 409:
        return phase.fail("save refused as a conflict", focal_point.iso3, conflict=True)
    if saved.status != 302 or not saved.location:
        return phase.fail(f"save answered {saved.status}", f"{focal_point.iso3}: {saved.status}")
    after = browser.get(saved.location)
    if after.status != 200:
        return phase.fail(f"redirect GET {after.status}", f"{saved.location}: {after.status}")
    phase.record(
        {
            "cycle": time.perf_counter() - start,
            "get": page.seconds,
            "save": saved.seconds,
            "redirect_get": after.seconds,
        }
    )


def run_phase(phase: Phase, focal_points: list[FocalPoint], *, seconds: float) -> None:
    """Each virtual user cycles over its own focal points (no two users share a country).

    A cycle is started until ``seconds`` have passed, and the phase ends when the started cycles
    end (each request waits at most --timeout).
    """
    users = min(phase.concurrency, len(focal_points))
    start = time.monotonic()
    deadline = start + seconds

    def virtual_user(mine: list[FocalPoint]):
        turns = itertools.islice(itertools.cycle(mine), MAX_CYCLES_PER_USER)
        for focal_point in turns:
            if time.monotonic() >= deadline:
                return
            try:
                cycle(focal_point, phase)
            except RequestFailed as error:
                phase.fail("no answer (timeout or connection)", str(error))
            except Exception as error:  # counted as an error: a run never crashes on one
                phase.fail(type(error).__name__, str(error))

    threads = [
        threading.Thread(target=virtual_user, args=(focal_points[k::users],), daemon=True)
        for k in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + 2 * REQUEST_BOUND)
    phase.elapsed = time.monotonic() - start


def _run_threads(work, count: int) -> None:
    threads = [threading.Thread(target=work, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=1800)
