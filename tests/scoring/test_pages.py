"""The results pages: a round's aggregates and the explanation of a country's score."""

import pytest
from django.urls import reverse

from geography.models import Country
from questionnaire.models import Round
from tests.factories import (
    AdministratorFactory,
    AnalystFactory,
    FocalPointFactory,
    RoundFactory,
)
from tests.scoring.factories import (
    PublishedResultFactory,
    answers_for_overall,
    answers_with,
    validated_submission,
)
from tests.workflow import revalidate_with


@pytest.fixture
def round_(instrument, all_countries):
    return RoundFactory(
        version=instrument, reference_year=2021, code="inquiry-13", state=Round.State.CLOSED
    )


@pytest.fixture
def kenya():
    return Country.objects.get(iso3="KEN")


def score(round_, country, answers, *, by=None, reason=""):
    """Validates the country's answers (by ``by``, with ``reason``); returns the score record."""
    submission = validated_submission(
        round=round_, country=country, answers=answers, validated_by=by, note=reason
    )
    return submission.score_records.get()


def country_page(client, round_, iso3):
    return client.get(reverse("scoring:country", args=[round_.code, iso3]))


def test_the_explanation_shows_answers_sums_thresholds_and_imputed_items(client, round_, kenya):
    analyst = AnalystFactory(username="amara")
    answers = answers_with(legal=("1a",), no=("2a", "4a", "5a", "5b", "5c", "5d"), missing=("6e",))
    score(round_, kenya, answers, by=analyst, reason="Validated after review")
    client.force_login(analyst)

    page = country_page(client, round_, "KEN")

    html = page.content.decode()
    assert page.status_code == 200
    assert "computed from validated answers" in html
    assert "22.5 / 30" in html  # the overall sum (23.5 less the imputed 6e)
    assert "Partially meets" in html and "40 ≤ score &lt; 80" in html
    assert "Yes, only for those with legal immigration status" in html and "yes_legal" in html
    assert "Not answered: counted as 0" in html and "6e." in html
    assert "Domain 5: sum 1 of 5, score 20.0, Requires further progress (score &lt; 40)" in html
    assert "Domain 1: sum 4.5 of 5, score 90.0, Meets (80 ≤ score &lt; 100)" in html
    assert "10.7.2/" in html  # the methodology version
    assert "Validated after review" in html and "amara" in html


def test_the_explanation_lists_every_score_record_newest_first(client, round_, kenya):
    first = score(round_, kenya, answers_for_overall(4), reason="First validation")
    revalidate_with(first.submission, {"2a": "no"}, note="Corrected answer")
    client.force_login(AdministratorFactory())

    html = country_page(client, round_, "KEN").content.decode()

    assert html.index("Corrected answer") < html.index("First validation")


def test_an_imported_result_shows_the_import_it_came_from(client, round_, kenya):
    PublishedResultFactory(
        country=kenya, round=round_, category=3, result_import__file_name="un-2021.csv"
    )
    client.force_login(AnalystFactory())
    html = country_page(client, round_, "KEN").content.decode()
    assert "published by the UN, imported" in html
    assert "un-2021.csv" in html and "Meets" in html


def test_a_focal_point_sees_their_own_country_only(client, round_, kenya):
    score(round_, kenya, answers_for_overall(3))
    score(round_, Country.objects.get(iso3="DNK"), answers_for_overall(1))
    client.force_login(FocalPointFactory(countries=[kenya]))
    assert country_page(client, round_, "KEN").status_code == 200
    other = country_page(client, round_, "DNK")
    assert other.status_code == 404 and "Denmark" not in other.content.decode()


def test_the_round_page_shows_regions_with_counts_and_share_meeting(client, round_, kenya):
    score(round_, kenya, answers_for_overall(4))
    score(round_, Country.objects.get(iso3="SEN"), answers_for_overall(3))
    score(round_, Country.objects.get(iso3="NGA"), answers_for_overall(1))
    client.force_login(AnalystFactory())

    page = client.get(reverse("scoring:round", args=[round_.code]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "66.7% of responding countries meet or fully meet (2 of 3)" in html
    assert "Sub-Saharan Africa" in html and "<caption>" in html
    assert 'scope="col"' in html


def test_the_round_page_shows_each_domain_on_request(client, round_, kenya):
    score(round_, kenya, answers_with(no=("5a", "5b", "5c", "5d")))
    client.force_login(AnalystFactory())
    overall = client.get(reverse("scoring:round", args=[round_.code])).context["rows"][0]
    domain = client.get(reverse("scoring:round", args=[round_.code]), {"measure": "PD_5"})
    assert overall["percent_meeting"] == "100.0"
    assert domain.context["rows"][0]["percent_meeting"] == "0.0"
    assert domain.context["rows"][0]["cells"][0]["count"] == 1


def test_a_focal_point_sees_aggregates_only_of_published_rounds(client, round_):
    client.force_login(FocalPointFactory())
    assert client.get(reverse("scoring:round", args=[round_.code])).status_code == 404
    published = RoundFactory(version=round_.version, state=Round.State.PUBLISHED)
    assert client.get(reverse("scoring:round", args=[published.code])).status_code == 200


def test_the_results_pages_need_a_login(client, round_):
    response = client.get(reverse("scoring:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_results_index_lists_rounds_and_the_navigation_links_to_it(client, round_):
    client.force_login(AnalystFactory())
    html = client.get(reverse("scoring:index")).content.decode()
    assert round_.name in html
    assert f'href="{reverse("scoring:round", args=[round_.code])}"' in html
    assert f'href="{reverse("scoring:index")}"' in client.get(reverse("home")).content.decode()


def test_the_results_pages_are_translated(client, round_, kenya):
    score(round_, kenya, answers_for_overall(4))
    client.force_login(AnalystFactory())
    page = client.get(
        reverse("scoring:country", args=[round_.code, "KEN"]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert page.status_code == 200
    assert 'lang="fr"' in page.content.decode()
    assert "Kenya" in page.content.decode()


def test_before_publication_a_regional_analyst_sees_only_regions_wholly_within_their_own(
    client, round_, kenya
):
    from geography.models import Region

    score(round_, kenya, answers_for_overall(4))
    score(round_, Country.objects.get(iso3="DNK"), answers_for_overall(1))
    ssa = Region.objects.get(kind=Region.Kind.SDG, m49="202")
    client.force_login(AnalystFactory(regions=[ssa]))

    page = client.get(reverse("scoring:round", args=[round_.code]))

    shown = {row["region"].m49 for row in page.context["rows"]}
    assert "202" in shown and "014" in shown  # Sub-Saharan Africa and Eastern Africa
    assert not shown & {"001", "513", "154", "002"}  # World, Europe..., Northern Europe, Africa
    assert "Denmark" not in page.content.decode()
    assert 'id="headline"' not in page.content.decode()

    round_.state = Round.State.PUBLISHED
    round_.save()
    published = client.get(reverse("scoring:round", args=[round_.code]))
    assert "001" in {row["region"].m49 for row in published.context["rows"]}


# --- One country's page reads one country; the long tables; the links to downloads -------------


@pytest.fixture
def carrying(round_):
    """The 2019 round, carried forward by the 2021 round (``round_``)."""
    earlier = RoundFactory(
        version=round_.version, reference_year=2019, code="inquiry-12", state=Round.State.CLOSED
    )
    round_.carries_forward.set([earlier])
    return earlier


def test_a_country_without_a_result_of_its_own_shows_its_carried_forward_result(
    client, round_, carrying, kenya
):
    score(carrying, kenya, answers_for_overall(3))
    for iso3 in ("SEN", "NGA", "DNK"):  # other countries' results of both rounds
        score(round_, Country.objects.get(iso3=iso3), answers_for_overall(4))
        score(carrying, Country.objects.get(iso3=iso3), answers_for_overall(2))
    client.force_login(AnalystFactory())

    html = country_page(client, round_, "KEN").content.decode()

    assert "No result for this round" in html
    carried_url = reverse("scoring:country", args=[carrying.code, "KEN"])
    assert "carried forward" in html and f'<a href="{carried_url}">' in html
    assert country_page(client, round_, "SEN").context["explanation"].result.overall == 4


def test_a_published_round_carries_forward_what_its_release_froze(
    client, instrument, all_countries, kenya
):
    from tests.workflow import move_round_to

    earlier = RoundFactory(version=instrument, reference_year=2019, state=Round.State.CLOSED)
    later = RoundFactory(version=instrument, reference_year=2021, state=Round.State.PLANNED)
    later.carries_forward.set([earlier])
    senegal = Country.objects.get(iso3="SEN")
    score(earlier, senegal, answers_for_overall(3))
    move_round_to(later, Round.State.PUBLISHED)
    score(earlier, kenya, answers_for_overall(3))  # after the release: not in its figures
    client.force_login(AnalystFactory())

    frozen = country_page(client, later, "SEN").context["explanation"]
    late = country_page(client, later, "KEN").context["explanation"]

    assert frozen.result is None and frozen.carried_round == earlier
    assert late.result is None and late.carried_round is None


def test_one_countrys_results_read_only_that_country(round_, carrying, kenya):
    from scoring.selectors import combined_country_results, results_for_rounds

    score(round_, kenya, answers_for_overall(4))
    score(round_, Country.objects.get(iso3="SEN"), answers_for_overall(2))
    PublishedResultFactory(country=Country.objects.get(iso3="NGA"), round=round_, category=3)
    score(carrying, Country.objects.get(iso3="DNK"), answers_for_overall(1))

    assert set(results_for_rounds(rounds=[round_], country=kenya)) == {(round_.pk, kenya.pk)}
    assert set(combined_country_results(round=round_, country=kenya)[1]) == {kenya.pk}
    denmark = Country.objects.get(iso3="DNK")
    _, combined = combined_country_results(round=round_, country=denmark)
    assert combined[denmark.pk].round_id == carrying.pk


def test_the_countries_table_links_each_country_to_the_round_of_its_result(
    client, round_, carrying, kenya
):
    score(round_, Country.objects.get(iso3="SEN"), answers_for_overall(4))
    score(carrying, kenya, answers_for_overall(1))
    client.force_login(AnalystFactory())

    html = client.get(reverse("scoring:round", args=[round_.code])).content.decode()

    own = reverse("scoring:country", args=[round_.code, "SEN"])
    carried = reverse("scoring:country", args=[carrying.code, "KEN"])
    assert f'<a href="{own}">Senegal</a></th><td>Fully meets</td>' in html
    assert f'<a href="{carried}">Kenya</a></th><td>Requires further progress</td>' in html
    assert html.count('<th scope="row" class="fw-normal"><a href=') == 2


def test_the_round_tables_write_numbers_in_the_pages_language(client, round_, kenya):
    score(round_, kenya, answers_for_overall(4))
    score(round_, Country.objects.get(iso3="SEN"), answers_for_overall(3))
    score(round_, Country.objects.get(iso3="NGA"), answers_for_overall(1))
    client.force_login(AnalystFactory())

    html = client.get(
        reverse("scoring:round", args=[round_.code]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()

    assert "2 (66,7\u202f%)" in html  # the world's countries meeting or fully meeting
    assert '<th scope="rowgroup" colspan="8">' in html
    # A region without respondents shows its zero counts and a dash, no share.
    assert '<td class="text-end">0</td><td class="text-end fw-semibold">—</td>' in html


def test_the_answer_tables_write_each_answer_and_its_value(client, round_, kenya):
    score(round_, kenya, answers_with(legal=("1a",), missing=("6e",)))
    client.force_login(AnalystFactory())

    html = country_page(client, round_, "KEN").content.decode()
    french = client.get(
        reverse("scoring:country", args=[round_.code, "KEN"]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()

    assert '<code class="small">yes_legal</code></td><td class="text-end">0.5</td>' in html
    assert '<code class="small">yes_legal</code></td><td class="text-end">0,5</td>' in french
    assert (
        '<tr class="table-warning"><th scope="row">6e</th>' in html
        and '<strong>Not answered: counted as 0</strong></td><td class="text-end">0</td>' in html
    )


def test_names_in_the_long_tables_are_escaped(client, round_, kenya):
    Country.objects.filter(pk=kenya.pk).update(name="Kenya <b>&</b>")
    score(round_, kenya, answers_for_overall(4))
    client.force_login(AnalystFactory())

    html = client.get(reverse("scoring:round", args=[round_.code])).content.decode()

    assert "Kenya &lt;b&gt;&amp;&lt;/b&gt;</a>" in html and "<b>&</b>" not in html


def test_analysts_find_the_round_report_on_the_round_and_index_pages(client, round_):
    report = reverse("results:round-report", kwargs={"round_code": round_.code})
    client.force_login(AnalystFactory())

    page = client.get(reverse("scoring:round", args=[round_.code])).content.decode()
    index = client.get(reverse("scoring:index")).content.decode()

    assert f'<a href="{report}">Round report (Excel)</a>' in page
    assert f'<a href="{report}">Round report (Excel)</a>' in index
    # Not published: no public page, no open data.
    assert reverse("results:round", kwargs={"round_code": round_.code}) not in page + index
    assert "/download/" not in page + index


def test_a_published_round_links_to_its_public_page_and_open_data(client, round_):
    round_.state = Round.State.PUBLISHED
    round_.save()
    client.force_login(FocalPointFactory())

    page = client.get(reverse("scoring:round", args=[round_.code])).content.decode()
    index = client.get(reverse("scoring:index")).content.decode()

    for html in (page, index):
        assert reverse("results:round-report", kwargs={"round_code": round_.code}) in html
        assert f'href="{reverse("results:round", kwargs={"round_code": round_.code})}"' in html
        for fmt in ("csv", "aggregates-csv", "sdmx-csv", "open-sdg"):
            url = reverse("results:download", kwargs={"round_code": round_.code, "fmt": fmt})
            assert f'href="{url}"' in html


def test_a_focal_point_finds_no_report_of_a_round_not_yet_published(client, round_):
    client.force_login(FocalPointFactory())
    index = client.get(reverse("scoring:index")).content.decode()
    assert round_.name in index
    assert reverse("results:round-report", kwargs={"round_code": round_.code}) not in index


def test_the_country_page_links_to_the_country_profile(client, round_, kenya):
    score(round_, kenya, answers_for_overall(4))
    client.force_login(FocalPointFactory(countries=[kenya]))

    html = country_page(client, round_, "KEN").content.decode()

    profile = reverse("results:country-profile", kwargs={"round_code": round_.code, "iso3": "KEN"})
    assert f'<a href="{profile}" id="country-profile">Country profile (Excel)</a>' in html


def test_the_page_number_format_writes_what_the_filters_write():
    from decimal import Decimal
    from fractions import Fraction

    from django.template.defaultfilters import floatformat
    from django.utils import translation

    from policyindex.templatetags.localized_numbers import percent
    from scoring.tables import NumberFormat

    shares = [None, Fraction(0), Fraction(2, 3), Fraction(1, 8), Fraction(1, 2000), Fraction(1)]
    for language in ("en", "fr", "es"):
        with translation.override(language):
            numbers = NumberFormat.active()
            for share in shares:
                assert numbers.percent(share) == percent(share, 1)
            for value in ("0.0", "0.5", "1.0"):
                assert numbers.option_value(Decimal(value)) == floatformat(Decimal(value), "-1")
