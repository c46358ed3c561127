"""The public results pages: anyone sees published rounds, from their frozen release; nothing else."""

import re
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from geography.models import Region
from policyindex.templatetags.localized_numbers import percent
from questionnaire.models import Submission
from review.services import rounds as round_services
from scoring.services.releases import freeze_release
from tests.factories import CountryFactory, FocalPointFactory, RegionFactory, RoundFactory
from tests.questionnaire.factories import SubmissionFactory, answer_all
from tests.workflow import move_submission_to

pytestmark = pytest.mark.django_db


def publish(round_):
    round_services.round_close(round=round_, by=None, reason="test")
    round_services.round_publish(round=round_, by=None, reason="test")
    round_.refresh_from_db()
    return round_


def validated(round_, country, policy_name):
    submission = SubmissionFactory(round=round_, country=country)
    answer_all(submission, policy_name=policy_name, link="https://laws.example.org/act")
    return move_submission_to(submission, Submission.State.VALIDATED)


@pytest.fixture
def rounds(instrument):
    """A published round with Kenya's validated answers, a later round not published yet (Kenya's
    answers validated there too) and a published demo round."""
    RegionFactory(kind=Region.Kind.WORLD, m49="001", name="World")
    kenya = CountryFactory(name="Kenya", iso3="KEN", m49="404")
    ghana = CountryFactory(name="Ghana", iso3="GHA", m49="288")
    published = RoundFactory(
        version=instrument, code="round-2027", name="Published round", reference_year=2027
    )
    validated(published, kenya, "Kenya Migration Act")
    publish(published)
    later = RoundFactory(
        version=instrument, code="round-2029", name="Later round", reference_year=2029
    )
    validated(later, kenya, "Draft Act not yet public")
    demo = RoundFactory(
        version=instrument,
        code="demo-2028",
        name="Made-up round",
        reference_year=2028,
        is_demo=True,
    )
    validated(demo, ghana, "Invented Act")
    publish(demo)
    return {"published": published, "later": later, "demo": demo, "kenya": kenya}


def test_anyone_sees_a_published_round_with_its_countries_charts_and_map(client, rounds):
    response = client.get(reverse("results:round", args=["round-2027"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Published round" in html
    assert re.search(
        r'<th scope="row"[^>]*data-sort="Kenya"><a href="/published/countries/KEN/">', html
    )
    assert 'id="world-map"' in html and 'id="map-data"' in html
    assert 'id="data-t"' in html and 'id="data-pd1"' in html and 'id="data-pd6"' in html
    assert reverse("results:round-report", args=["round-2027"]) in html
    for fmt in ("csv", "aggregates-csv", "sdmx-csv", "open-sdg"):
        assert reverse("results:download", kwargs={"round_code": "round-2027", "fmt": fmt}) in html


@pytest.mark.parametrize("code", ["round-2029", "no-such-round", "round-2027x"])
def test_a_round_not_published_or_unknown_is_not_found(client, rounds, code):
    assert client.get(reverse("results:round", args=[code])).status_code == 404


def test_the_2021_headline_is_written_in_the_page_language(client):
    call_command("load_reference_data", verbosity=0)
    url = reverse("results:round", args=["inquiry-13-2021"])

    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "<strong>62.3%</strong> of 138 countries" in english
    with translation.override("fr"):
        french_share = percent(Fraction(86, 138))
    assert french_share.startswith("62,3") and french_share.endswith("%")
    assert f"<strong>{french_share}</strong>" in french
    assert "Treizième Enquête (2021)" in french


def test_demo_rounds_are_listed_apart_and_labelled(client, rounds):
    html = client.get(reverse("results:rounds")).content.decode()

    real, demo = html.split('id="demo-rounds"')
    assert "Published round" in real and "Made-up round" not in real
    assert "Made-up round" in demo and "Demo data" in demo
    assert "Later round" not in html
    demo_page = client.get(reverse("results:round", args=["demo-2028"])).content.decode()
    assert "Demo data" in demo_page


def test_a_country_page_shows_answers_of_published_rounds_only(client, rounds):
    html = client.get(reverse("results:country", args=["ken"])).content.decode()

    assert "Published round" in html
    assert "Kenya Migration Act" in html and "https://laws.example.org/act" in html
    assert "Later round" not in html and "Draft Act not yet public" not in html
    assert reverse("results:country-download", kwargs={"iso3": "KEN", "fmt": "csv"}) in html
    assert reverse("results:country-profile", args=["round-2027", "KEN"]) in html


def test_imported_un_results_say_they_come_without_answers(client):
    call_command("load_reference_data", verbosity=0)

    html = client.get(reverse("results:country", args=["MEX"])).content.decode()

    assert "Thirteenth Inquiry (2021)" in html and "Twelfth Inquiry (2019)" in html
    assert "come without the answers behind them" in html


def test_an_unknown_country_is_not_found(client, rounds):
    assert client.get(reverse("results:country", args=["ZZZ"])).status_code == 404


def test_the_country_page_runs_the_same_queries_with_more_countries(client, rounds):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("results:country", args=["KEN"])).status_code == 200
        return len(captured)

    queries()  # the questionnaire's wording is then kept in memory
    few = queries()
    for _ in range(5):
        CountryFactory()
    assert queries() == few


def test_the_round_page_runs_the_same_queries_with_more_countries(client, rounds, instrument):
    from django.core.cache import cache

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("results:round", args=["round-2027"])).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(5):
        CountryFactory()
    assert queries() == few


def test_anonymous_visitors_get_a_landing_page_with_the_published_rounds(client, rounds):
    html = client.get(reverse("home")).content.decode()

    assert "SDG indicator 10.7.2" in html
    assert "Published round" in html and "Later round" not in html
    assert f'href="{reverse("login")}"' in html
    assert reverse("results:rounds") in html


def test_signed_in_people_keep_their_home_page(client, rounds):
    client.force_login(FocalPointFactory(first_name="Wanjiru", countries=[rounds["kenya"]]))

    html = client.get(reverse("home")).content.decode()

    assert "Welcome, Wanjiru" in html and 'id="sign-in"' not in html


def test_each_anonymous_visitor_gets_the_cached_round_page_with_a_token_of_their_own(rounds):
    url = reverse("results:round", args=["round-2027"])
    first = Client().get(url)
    visitor = Client(enforce_csrf_checks=True)
    with CaptureQueriesContext(connection) as queries:
        page = visitor.get(url).content.decode()

    assert len(queries) == 1  # the newest release's id; the rest comes from the cache
    assert "__csrf-token-placeholder__" not in page
    token = csrf_token_in(page)
    assert token != csrf_token_in(first.content.decode())
    # The language form of the cached page works with the visitor's own token.
    switched = visitor.post(
        reverse("set_language"), {"language": "fr", "next": url, "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    assert '<html lang="fr"' in visitor.get(url).content.decode()


def test_a_revision_of_the_release_shows_at_once_on_the_cached_page(client, rounds):
    url = reverse("results:round", args=["round-2027"])
    assert "release 1 " in client.get(url).content.decode()

    freeze_release(round=rounds["published"], by=None, reason="a correction")

    assert "release 2 " in client.get(url).content.decode()


def csrf_token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_evidence_that_is_not_a_web_address_is_shown_as_text_never_as_a_link(client, instrument):
    RegionFactory(kind=Region.Kind.WORLD, m49="001", name="World")
    kenya = CountryFactory(name="Kenya", iso3="KEN", m49="404")
    round_ = RoundFactory(version=instrument, code="round-2033", reference_year=2033)
    submission = SubmissionFactory(round=round_, country=kenya)
    answer_all(submission, policy_name="Act", link="javascript:alert(1)")
    move_submission_to(submission, Submission.State.VALIDATED)
    publish(round_)

    html = client.get(reverse("results:country", args=["KEN"])).content.decode()

    assert "javascript:alert(1)" in html
    assert 'href="javascript:' not in html
    assert '<a href="https://laws' not in html
