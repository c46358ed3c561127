"""The story of the round, phase by phase, each run by a bounded pool of virtual users.

(a) drafts: the two or three focal points of a country load the page and save their own items and
    a shared comment at once; a conflict (409 with the conflict form) is counted, resolved by
    loading the page again and saving again; twice over;
(b) submission: one focal point submits (save, confirmation page, confirm);
(c) review: an analyst opens the review page; some countries get a query (from a consistency
    flag, else on an item), some of those are returned;
(d) answers: a focal point replies to each query; a returned country changes an answer and
    submits again;
(e) validation: another analyst of the region closes the open queries and validates;
(f) publication: the administrator closes and publishes the round.

Every outcome is read back from the page (the state shown), not from a message, so a request
answered 503 and sent again is still counted once.
"""

import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from loadtest.htmlform import Form, parse_forms

from .traffic import Ledger, Metrics, MissingRoute, StepFailed, VirtualUser

EVIDENCE = ("policy_name", "policy_year", "link", "citation", "comment")
STATE = re.compile(r'id="state"[^>]*>\s*([^<]+?)\s*<')
ROUND_STATE = re.compile(r'id="round-state"[^>]*>\s*([^<]+?)\s*<')


@dataclass
class Country:
    iso3: str
    index: int
    focal_points: list[VirtualUser]
    analysts: list[VirtualUser]
    queried: bool = False
    returned: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def reviewer(self) -> VirtualUser:
        return self.analysts[self.index % len(self.analysts)]

    @property
    def validator(self) -> VirtualUser:
        """Another analyst of the region than the reviewer."""
        return self.analysts[(self.index + 1) % len(self.analysts)]


@dataclass
class Story:
    round_code: str
    countries: list[Country]
    administrator: VirtualUser
    metrics: Metrics
    ledger: Ledger
    concurrency: int
    phase_seconds: float
    draft_rounds: int = 2
    query_share: float = 0.3
    return_share: float = 0.5  # of the countries queried
    phases: dict = field(default_factory=dict)
    half_drafts_done: threading.Event = field(default_factory=threading.Event)

    # --- addresses ------------------------------------------------------------------------------

    def questionnaire(self, iso3: str) -> str:
        return f"/rounds/{self.round_code}/countries/{iso3}/questionnaire/"

    def review(self, iso3: str) -> str:
        return f"/review/rounds/{self.round_code}/countries/{iso3}/"

    @property
    def manage(self) -> str:
        return f"/review/rounds/{self.round_code}/manage/"

    # --- running a phase ------------------------------------------------------------------------

    def run_phase(self, name: str, work, countries: list[Country]) -> None:
        """``work(country)`` for each country, ``concurrency`` at a time; a country not started
        when the phase's time is up counts as an error."""
        start = time.monotonic()
        deadline = start + self.phase_seconds
        done = [0]
        lock = threading.Lock()

        def job(country: Country):
            if time.monotonic() >= deadline:
                self.metrics.error(f"{name}: not started in time", country.iso3)
                return
            try:
                work(country)
            except MissingRoute as missing:
                self.metrics.error(missing.kind, missing.detail)
                raise
            except StepFailed as failure:
                self.metrics.error(failure.kind, f"{country.iso3}: {failure.detail}")
            except Exception as error:  # counted: one country's failure never stops the run
                self.metrics.error(f"{name}: {type(error).__name__}", f"{country.iso3}: {error}")
            finally:
                with lock:
                    done[0] += 1
                    if done[0] * 2 >= len(countries):
                        self.half_drafts_done.set()

        requests_before = self.metrics.requests
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            futures = [pool.submit(job, c) for c in countries]
            finished, pending = wait(futures, timeout=self.phase_seconds + 300)
            for future in pending:
                future.cancel()
            missing = [f.exception() for f in finished if isinstance(f.exception(), MissingRoute)]
        seconds = time.monotonic() - start
        self.phases[name] = {
            "countries": len(countries),
            "seconds": round(seconds, 2),
            "requests": self.metrics.requests - requests_before,
        }
        print(f"  {name}: {len(countries)} countries in {seconds:.1f} s")
        if missing:
            raise SystemExit(
                f"simround: phase {name} needs a route that is not there: {missing[0]}. "
                "Merge main once the analyst pages have landed."
            )

    def run(self) -> None:
        everyone = self.countries
        self.run_phase("a_drafts", self.drafts, everyone)
        self.run_phase("b_submit", lambda c: self.submit(c, c.focal_points[0]), everyone)
        self.run_phase("c_review", self.review_step, everyone)
        queried = [c for c in everyone if c.queried]
        self.run_phase("d_answers", self.answer_queries, queried)
        self.run_phase("e_validate", self.validate, everyone)
        self.run_phase("f_publish", lambda _c: self.publish(), everyone[:1])

    # --- (a) drafts -----------------------------------------------------------------------------

    def _values(self, country: Country, form: Form, k: int, n: int, turn: int) -> dict[str, str]:
        """What focal point ``k`` of ``n`` enters in draft turn ``turn``: their share of the items
        (all of an item's fields in the first turn, a comment later) and the shared comments."""
        rng = random.Random(f"{country.iso3}-{k}-{turn}")
        codes = [
            name.removesuffix("-option_code")
            for name in form.fields
            if name.endswith("-option_code")
        ]
        mine = [code for i, code in enumerate(codes) if i % n == k]
        bare = codes[country.index % len(codes)]  # a "yes" without evidence: a consistency flag
        values: dict[str, str] = {}
        for code in mine:
            if turn == 0:
                choices = [c for c in form.fields[f"{code}-option_code"].choices if c]
                values[f"{code}-option_code"] = choices[0] if code == bare else rng.choice(choices)
                if code == bare:
                    continue
                values[f"{code}-policy_name"] = f"{country.iso3} Migration Act, section {code}"
                values[f"{code}-policy_year"] = str(rng.randint(1995, 2024))
                values[f"{code}-link"] = f"https://laws.example.org/{country.iso3}/{code}"
                values[f"{code}-citation"] = f"Official Gazette No. {rng.randint(1, 400)}"
            if code != bare:
                values[f"{code}-comment"] = f"Checked by focal point {k + 1}, turn {turn + 1}."
        shared = codes[0]
        values[f"{shared}-comment"] = f"Coordinated by focal point {k + 1}, turn {turn + 1}."
        values["general_comment"] = (
            f"Draft of focal point {k + 1} of {country.iso3}, turn {turn + 1}"
        )
        return values

    def _save_until_saved(self, country: Country, user: VirtualUser, values, form: Form) -> None:
        """Saves ``values`` on ``form``; after a conflict, loads the page again and saves again."""
        page = self.questionnaire(country.iso3)
        for attempt in range(6):
            data = form.values() | values | {"action": "save"}
            reply = user.post("save", page + "save/", data, expect=(302, 409))
            if reply.status == 302:
                user.get("page after save", reply.location)
                if attempt:
                    self.metrics.conflict(resolved=True)
                self.ledger.saved(country.iso3, user.username, _ledger_fields(values))
                return
            self.metrics.conflict()
            form = _questionnaire_form(user.get("page", page).body, page)
        raise StepFailed("save: conflicts not resolved", f"{country.iso3} {user.username}")

    def drafts(self, country: Country) -> None:
        page = self.questionnaire(country.iso3)
        for turn in range(self.draft_rounds):
            # Everyone loads the page, then everyone saves at once.
            forms = [
                _questionnaire_form(fp.get("page", page).body, page) for fp in country.focal_points
            ]
            errors: list[BaseException] = []
            threads = [
                threading.Thread(
                    target=self._colleague_saves,
                    args=(country, k, forms[k], turn, errors),
                    daemon=True,
                )
                for k in range(len(country.focal_points))
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=600)
            if errors:
                raise errors[0]

    def _colleague_saves(self, country: Country, k: int, form: Form, turn: int, errors: list):
        try:
            values = self._values(country, form, k, len(country.focal_points), turn)
            self._save_until_saved(country, country.focal_points[k], values, form)
        except BaseException as error:  # raised again by drafts()
            errors.append(error)

    # --- (b) and (d) submission -----------------------------------------------------------------

    def submit(self, country: Country, fp: VirtualUser) -> None:
        page = self.questionnaire(country.iso3)
        form = _questionnaire_form(fp.get("page", page).body, page)
        confirm_page = fp.post("submit", page + "submit/", form.values(), expect=(200,))
        confirm = _form_with_action(
            confirm_page.body, r"/submit/confirm/$", "the confirmation form"
        )
        reply = fp.post("confirm submission", confirm.action, confirm.values())
        after = fp.get("page after submission", reply.location)
        if 'id="read-only-reason"' not in after.body:
            raise StepFailed("submission not applied", f"{country.iso3}: the page is not read-only")
        self.ledger.transition(country.iso3, "submitted", fp.username)

    # --- (c) review -----------------------------------------------------------------------------

    def review_step(self, country: Country) -> None:
        analyst = country.reviewer
        page = analyst.get("review page", self.review(country.iso3))
        state = _state(page.body)
        if state != "Submitted":
            raise StepFailed("review page: unexpected state", f"{country.iso3}: {state!r}")
        rng = random.Random(f"review-{country.iso3}")
        if rng.random() >= self.query_share:
            return
        self._raise_query(country, analyst, page.body)
        country.queried = True
        if rng.random() < self.return_share:
            body = analyst.get("review page", self.review(country.iso3)).body
            form = _form_with_action(body, r"/return/$", "the return form")
            data = form.values() | {"reason": f"Please check the evidence of {country.iso3}."}
            analyst.post("return", form.action, data)
            after = analyst.get("review page", self.review(country.iso3)).body
            if _state(after) != "Returned to the country":
                raise StepFailed("return not applied", f"{country.iso3}: {_state(after)!r}")
            self.ledger.transition(country.iso3, "returned", analyst.username)
            country.returned = True

    def _raise_query(self, country: Country, analyst: VirtualUser, body: str) -> None:
        before = len(_forms_with_action(body, r"/queries/\d+/close/$"))
        flag_form = next((f for f in parse_forms(body) if f.id == "flag-query"), None)
        flags = [
            value for name, value in (flag_form.buttons if flag_form else []) if name == "flag"
        ]
        if flags:
            data = flag_form.values() | {"flag": flags[0]}
            analyst.post("raise query (flag)", flag_form.action, data)
            what = "raised from a flag"
        else:
            form = _form_with_field_and_action(body, "text", r"/queries/$", "the query form")
            items = [c for c in form.fields["item"].choices if c] if "item" in form.fields else []
            data = form.values() | {"text": f"Could {country.iso3} send the text of the law?"}
            if items:
                data["item"] = items[country.index % len(items)]
            analyst.post("raise query", form.action, data)
            what = "raised on an item"
        after = analyst.get("review page", self.review(country.iso3)).body
        if len(_forms_with_action(after, r"/queries/\d+/close/$")) != before + 1:
            raise StepFailed("query not raised", f"{country.iso3}: no new open query on the page")
        self.ledger.query(what)

    # --- (d) answers ----------------------------------------------------------------------------

    def answer_queries(self, country: Country) -> None:
        fp = country.focal_points[-1]
        page = self.questionnaire(country.iso3)
        body = fp.get("page", page).body
        replies = _forms_with_action(body, r"/queries/\d+/reply/$")
        if not replies:
            raise MissingRoute(
                "reply form missing", f"{country.iso3}: no query reply form on the questionnaire"
            )
        for form in replies:
            data = form.values() | {"text": f"The law of {country.iso3} is attached; see the link."}
            fp.post("reply to query", form.action, data)
            self.ledger.query("replied")
        if country.returned:
            form = _questionnaire_form(fp.get("page", page).body, page)
            k = len(country.focal_points) - 1
            codes = [
                n.removesuffix("-option_code") for n in form.fields if n.endswith("-option_code")
            ]
            code = codes[(country.index + 7) % len(codes)]
            values = {
                f"{code}-comment": f"Corrected after the query (focal point {k + 1}).",
                f"{code}-citation": f"Official Gazette No. {500 + country.index}",
            }
            self._save_until_saved(country, fp, values, form)
            self.submit(country, fp)

    # --- (e) validation -------------------------------------------------------------------------

    def validate(self, country: Country) -> None:
        analyst = country.validator
        address = self.review(country.iso3)
        body = analyst.get("review page", address).body
        for _round in range(5):  # close every open query (each closing reloads the page)
            closes = _forms_with_action(body, r"/queries/\d+/close/$")
            if not closes:
                break
            analyst.post("close query", closes[0].action, closes[0].values())
            self.ledger.query("closed")
            body = analyst.get("review page", address).body
        form = _form_with_action(
            body,
            r"/validate/$",
            "the validate form",
            refusal=r'id="validate-refusal"[^>]*>([^<]+)<',
        )
        analyst.post("validate", form.action, form.values())
        after = analyst.get("review page", address).body
        if _state(after) != "Validated":
            raise StepFailed("validation not applied", f"{country.iso3}: {_state(after)!r}")
        self.ledger.transition(country.iso3, "validated", analyst.username)

    # --- (f) publication ------------------------------------------------------------------------

    def _round_action(self, action: str, expected: str) -> None:
        admin = self.administrator
        body = admin.get("round page", self.manage).body
        form = _form_with_action(body, rf"/manage/{action}/$", f"the {action} form")
        data = form.values()
        for name, control in form.fields.items():
            if control.kind == "checkbox":
                data[name] = control.choices[0] if control.choices else "on"
            elif "reason" in name and not data.get(name):
                data[name] = f"Simulated round: {action}, every country validated."
        admin.post(f"round {action}", form.action, data)
        after = admin.get("round page", self.manage).body
        found = ROUND_STATE.search(after)
        state = found.group(1) if found else None
        if state != expected:
            raise StepFailed(f"round {action} not applied", f"the round is {state!r}")
        self.ledger.round_event({"close": "closed", "publish": "published"}[action], admin.username)

    def publish(self) -> None:
        self._round_action("close", "Closed")
        self._round_action("publish", "Published")


# --- reading pages --------------------------------------------------------------------------------


def _ledger_fields(values: dict[str, str]) -> dict[str, str]:
    """``1a-comment`` to ``1a|comment``; the general comment to ``|general_comment``."""
    fields = {}
    for name, value in values.items():
        code, _sep, field_name = name.rpartition("-")
        fields[f"{code}|{field_name}" if code else f"|{name}"] = value.strip()
    return fields


def _state(body: str) -> str | None:
    found = STATE.search(body)
    return found.group(1) if found else None


def _questionnaire_form(body: str, page: str) -> Form:
    for form in parse_forms(body):
        if "revision" in form.fields and any(n.endswith("-option_code") for n in form.fields):
            return form
    raise StepFailed("page without the questionnaire form", page)


def _forms_with_action(body: str, pattern: str) -> list[Form]:
    return [f for f in parse_forms(body) if re.search(pattern, f.action)]


def _form_with_action(body: str, pattern: str, what: str, *, refusal: str = "") -> Form:
    forms = _forms_with_action(body, pattern)
    if forms:
        return forms[0]
    if refusal and (found := re.search(refusal, body)):
        raise StepFailed(f"{what} refused", found.group(1).strip())
    raise MissingRoute(f"{what} missing", f"no form posting to {pattern} on the page")


def _form_with_field_and_action(body: str, name: str, pattern: str, what: str) -> Form:
    for form in _forms_with_action(body, pattern):
        if name in form.fields:
            return form
    raise MissingRoute(f"{what} missing", f"no form with {name!r} posting to {pattern}")
