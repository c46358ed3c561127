"""A small run of the simulation's story over HTTP against the test server: three countries,
their focal points, two analysts and an administrator, then the end checks."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import NoReverseMatch, reverse

from geography.models import Region
from simround import checks
from simround.scenario import Country, Story
from simround.seed import logged_in_session
from simround.traffic import Ledger, Metrics, Retry, VirtualUser
from tests.factories import (
    AdministratorFactory,
    AnalystFactory,
    CountryFactory,
    FocalPointFactory,
    RegionFactory,
    RoundFactory,
)


def _has_route(name: str, **kwargs) -> bool:
    try:
        reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return False
    return True


@pytest.mark.django_db(transaction=True)
def test_three_countries_go_through_a_round_over_http(live_server, instrument):
    RegionFactory(kind=Region.Kind.WORLD, m49="001", name="World")
    region = RegionFactory(kind=Region.Kind.SDG, m49="419", name="Latin America")
    round_ = RoundFactory(version=instrument, code="sim-smoke", reference_year=2032)
    port = int(live_server.url.rsplit(":", 1)[1])
    metrics, ledger = Metrics(), Ledger()

    def user(django_user, **extra):
        session = logged_in_session(django_user)
        Session.objects.bulk_create([session])
        person = {"username": django_user.username, "role": django_user.role, **extra}
        person["session"] = session.session_key
        retry = Retry(pause=0.2, within=10)
        return VirtualUser(person, port=port, timeout=30, metrics=metrics, retry=retry)

    analysts = [user(AnalystFactory(username=f"an-{k}", regions=[region])) for k in (1, 2)]
    countries = []
    for index, iso3 in enumerate(("XAA", "XBB", "XCC")):
        country = CountryFactory(iso3=iso3, sdg_region=region)
        focal = [
            user(FocalPointFactory(username=f"fp-{iso3.lower()}-{k}", countries=[country]))
            for k in range(1, 3 if index else 4)
        ]
        countries.append(Country(iso3, index, focal, analysts))
    story = Story(
        round_code=round_.code,
        countries=countries,
        administrator=user(AdministratorFactory(username="sim-admin")),
        metrics=metrics,
        ledger=ledger,
        concurrency=3,
        phase_seconds=60,
        draft_rounds=1,
        query_share=0.7,
    )
    publishes = _has_route("review:round", round_code=round_.code)
    story.run_phase("a_drafts", story.drafts, countries)
    story.run_phase("b_submit", lambda c: story.submit(c, c.focal_points[0]), countries)
    story.run_phase("c_review", story.review_step, countries)
    story.run_phase("d_answers", story.answer_queries, [c for c in countries if c.queried])
    story.run_phase("e_validate", story.validate, countries)
    if publishes:
        story.run_phase("f_publish", lambda _c: story.publish(), countries[:1])

    assert metrics.error_count == 0, metrics.examples
    assert metrics.conflicts >= 1  # three colleagues saved the shared comment at once
    assert any(c.queried for c in countries)
    findings = checks.run({"round": round_.code, **ledger.as_dict()})
    assert findings["lost_answers"] == []
    assert findings["history_mismatches"] == []
    assert findings["event_mismatches"] == []
    if publishes:
        assert findings["release_mismatches"] == []
    assert findings["transitions_checked"] >= 6 + (2 if publishes else 0)
