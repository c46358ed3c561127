"""The lab's pages: who may use them, creating a variant, its comparison with the official results
of a round (page and workbook), and a variant never leaking into what the public sees."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from geography.models import Country, Region
from lab.models import Variant
from lab.rules import official_rules
from lab.services import VariantRefused, create_variant
from review.services import rounds as round_services
from scoring.models import Release, ReleaseResult, ScoreRecord
from tests.factories import (
    AdministratorFactory,
    AnalystFactory,
    CountryFactory,
    FocalPointFactory,
    RoundFactory,
)
from tests.scoring.factories import answers_for_overall, validated_submission

pytestmark = pytest.mark.django_db

# The README example of the methodology (78.3, Partially meets) with "yes, legal status only"
# valued 0 gives 23 of 30 and 76.7: Meets once Meets starts at 75.
AT_78_3 = {
    **{code: "yes_all" for code in ("1a", "1b", "1c", "1d")},
    "1e": "yes_legal",
    **{f"2{letter}": "yes" for letter in "abcd"},
    "2e": "no",
    **{f"3{letter}": "yes" for letter in "abcde"},
    **{f"4{letter}": "yes" for letter in "abcd"},
    "4e": "no",
    "5a": "yes",
    **{f"5{letter}": "no" for letter in "bcde"},
    **{f"6{letter}": "yes" for letter in "abcde"},
}


def threshold_75_rules() -> dict:
    rules = official_rules()
    rules["values"]["1"]["yes_legal"] = "0"
    rules["thresholds"] = ["40", "75", "100"]
    return rules


def lab_urls(variant, round_code):
    return [
        reverse("lab:index"),
        reverse("lab:new"),
        reverse("lab:variant", kwargs={"pk": variant.pk}),
        reverse("lab:comparison", kwargs={"pk": variant.pk, "round_code": round_code}),
        reverse("lab:comparison-workbook", kwargs={"pk": variant.pk, "round_code": round_code}),
    ]


@pytest.fixture
def analyst():
    return AnalystFactory(first_name="Amina")


@pytest.fixture
def variant(analyst):
    return create_variant(
        by=analyst, name="Meets from 75", reason="Is 80 too strict?", rules=threshold_75_rules()
    )


@pytest.fixture
def round_2021(instrument, all_countries):
    """A closed round with validated submissions: Senegal at 78.3 (Partially meets), Mali fully
    meets, Ghana requires further progress, and Kenya's result an imported UN category."""
    round_ = RoundFactory(version=instrument, code="2021", name="2021", reference_year=2021)
    validated_submission(round=round_, country=Country.objects.get(iso3="SEN"), answers=AT_78_3)
    validated_submission(
        round=round_, country=Country.objects.get(iso3="MLI"), answers=answers_for_overall(4)
    )
    validated_submission(
        round=round_, country=Country.objects.get(iso3="GHA"), answers=answers_for_overall(1)
    )
    from tests.scoring.factories import PublishedResultFactory

    PublishedResultFactory(
        round=round_, country=Country.objects.get(iso3="KEN"), breakdown="_T", category=3
    )
    round_services.round_close(round=round_, by=None, reason="test")
    round_.refresh_from_db()
    return round_


# --- Access ------------------------------------------------------------------------------------


def test_analysts_and_administrators_use_the_lab_focal_points_get_404_anonymous_log_in(
    client, instrument, variant
):
    RoundFactory(version=instrument, code="2021")
    urls = lab_urls(variant, "2021")
    client.force_login(FocalPointFactory(countries=[CountryFactory()]))
    assert [client.get(url).status_code for url in urls] == [404] * 5
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    for user in (AnalystFactory(), AdministratorFactory()):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [200] * 5


def test_a_focal_point_cannot_create_a_variant(client):
    focal_point = FocalPointFactory(countries=[CountryFactory()])
    client.force_login(focal_point)
    response = client.post(reverse("lab:new"), {"name": "x", "reason": "y"})
    assert response.status_code == 404
    with pytest.raises(VariantRefused):
        create_variant(by=focal_point, name="x", reason="y", rules=official_rules())
    assert not Variant.objects.exists()


def test_the_nav_links_the_lab_for_analysts_only(client):
    client.force_login(AnalystFactory())
    assert reverse("lab:index").encode() in client.get(reverse("home")).content
    client.force_login(FocalPointFactory(countries=[CountryFactory()]))
    assert reverse("lab:index").encode() not in client.get(reverse("home")).content


# --- The official methodology and variants -----------------------------------------------------


def test_the_lab_shows_the_official_methodology_with_option_labels_and_the_variants(
    client, instrument, analyst, variant
):
    client.force_login(analyst)
    page = client.get(reverse("lab:index")).content.decode()
    assert "The official methodology" in page
    assert "10.7.2/2021-03-01/1" in page
    assert "Yes, only for those with legal immigration status" in page
    assert "Meets from 75" in page and "Is 80 too strict?" in page
    assert "New variant" in page


def form_data(rules=None, **changes) -> dict:
    rules = rules or official_rules()
    data = {
        "name": "Partially meets counts",
        "reason": "What if partial counted?",
        "imputation": rules["imputation"],
        "aggregate": [str(c) for c in rules["aggregate"]],
        "threshold_2": rules["thresholds"][0],
        "threshold_3": rules["thresholds"][1],
        "threshold_4": rules["thresholds"][2],
    }
    for number, options in rules["values"].items():
        for code, value in options.items():
            data[f"value_{number}_{code}"] = value
        data[f"weight_{number}"] = rules["weights"][number]
    data.update(changes)
    return data


def test_an_analyst_creates_a_variant_reading_numbers_exactly(client, instrument, analyst):
    client.force_login(analyst)
    response = client.post(
        reverse("lab:new"),
        form_data(
            value_1_yes_legal="0.25", weight_2="3/2", threshold_3="75", aggregate=["2", "3", "4"]
        ),
    )
    variant = Variant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lab:variant", kwargs={"pk": variant.pk})
    assert variant.rules["values"]["1"]["yes_legal"] == "1/4"
    assert variant.rules["weights"]["2"] == "3/2"
    assert variant.rules["thresholds"] == ["40", "75", "100"]
    assert variant.rules["aggregate"] == [2, 3, 4]
    assert variant.created_by == analyst and variant.based_on == "10.7.2/2021-03-01/1"
    page = client.get(response["Location"]).content.decode()
    assert "Variant, not official" in page
    assert page.count("<strong>changed</strong>") == 4


def test_bad_numbers_are_refused_with_messages_and_nothing_is_saved(client, instrument, analyst):
    client.force_login(analyst)
    response = client.post(
        reverse("lab:new"),
        form_data(
            value_2_yes="1.5",
            weight_3="0",
            value_4_no="0.1e1",
            threshold_2="90",
            aggregate=[],
            reason="",
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A value lies between 0 and 1." in page
    assert "A weight is greater than 0." in page
    assert "Give an exact number, such as 0.5 or 1/2." in page
    assert "The variant was not saved" in page
    assert not Variant.objects.exists()
    # Once the numbers are right, thresholds out of order are said too.
    response = client.post(reverse("lab:new"), form_data(threshold_2="90"))
    assert "The thresholds must rise" in response.content.decode()
    assert not Variant.objects.exists()


def test_change_prefills_a_new_variant_and_leaves_the_old_one(client, instrument, analyst, variant):
    client.force_login(analyst)
    page = client.get(reverse("lab:new"), {"from": variant.pk}).content.decode()
    assert 'value="75"' in page and "Meets from 75 (changed)" in page
    client.post(
        reverse("lab:new"), form_data(threshold_rules := threshold_75_rules(), threshold_3="70")
    )
    assert Variant.objects.count() == 2
    variant.refresh_from_db()
    assert variant.rules == threshold_rules


# --- The comparison ----------------------------------------------------------------------------


def comparison_url(variant, round_code="2021"):
    return reverse("lab:comparison", kwargs={"pk": variant.pk, "round_code": round_code})


def test_the_comparison_moves_a_country_at_76_7_up_with_threshold_75(
    client, round_2021, analyst, variant
):
    client.force_login(analyst)
    detail = client.get(reverse("lab:variant", kwargs={"pk": variant.pk})).content.decode()
    assert comparison_url(variant) in detail
    response = client.get(comparison_url(variant))
    page = response.content.decode()
    assert "Variant, not official" in page
    senegal = re.search(
        r"<tr class=\"table-warning\">\s*<th scope=\"row\"><a [^>]*>Senegal</a></th>(.*?)</tr>",
        page,
        re.S,
    )
    assert senegal, "Senegal is marked as moving"
    cells = senegal.group(1)
    assert "78.3" in cells and "76.7" in cells
    assert "Partially meets" in cells and "Meets" in cells and "<strong>up</strong>" in cells
    # The transition matrix: Partially meets (row) to Meets (column) holds Senegal.
    matrix = re.search(r'<table[^>]*id="transitions".*?</table>', page, re.S).group(0)
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", matrix, re.S)
    counts = {label: re.findall(r">(?:<strong>)?(\d+)", cells) for label, cells in rows}
    assert counts["Partially meets"] == ["0", "0", "1", "0"]
    assert counts["Fully meets"] == ["0", "0", "0", "1"]
    assert counts["Requires further progress"] == ["1", "0", "0", "0"]
    # Kenya's imported category cannot be rescored, and the page says so.
    assert "1 country counted in the round cannot be rescored" in page
    assert "Kenya" in page


def test_the_cached_comparison_page_is_each_person_s_own_with_their_own_token(
    client, round_2021, analyst, variant
):
    colleague = AnalystFactory(username="colleague", first_name="Baraka")
    first, second = Client(), Client(enforce_csrf_checks=True)
    first.force_login(analyst)
    second.force_login(colleague)

    first_page = first.get(comparison_url(variant)).content.decode()
    second_page = second.get(comparison_url(variant)).content.decode()

    assert "Baraka" in second_page and "Baraka" not in first_page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', second_page).group(1)
    assert "placeholder" not in token
    # The language form of the cached page works with the person's own token.
    switched = second.post(
        reverse("set_language"),
        {"language": "fr", "next": comparison_url(variant), "csrfmiddlewaretoken": token},
    )
    assert switched.status_code == 302
    assert '<html lang="fr"' in second.get(comparison_url(variant)).content.decode()


def test_the_comparison_aggregates_world_regions_and_groupings_under_both(
    client, round_2021, analyst, variant
):
    client.force_login(analyst)
    page = client.get(comparison_url(variant)).content.decode()
    table = re.search(r'<table[^>]*id="lab-aggregates".*?</table>', page, re.S).group(0)
    rows = {
        name: re.findall(r'<td class="text-end">([^<]*)</td>', cells)
        for name, cells in re.findall(r"<th scope=\"row\">(.*?)</th>(.*?)</tr>", table, re.S)
    }
    # World: 3 rescored; officially 1 of 3 (Mali), under the variant 2 of 3 (Mali, Senegal).
    assert rows["World"] == ["3", "33.3%", "66.7%"]
    africa = Country.objects.get(iso3="SEN").sdg_region.display_name
    assert rows[africa] == ["3", "33.3%", "66.7%"]
    groupings = [r.display_name for r in Region.objects.filter(kind=Region.Kind.GROUPING)]
    assert groupings and all(name in rows for name in groupings)
    assert 'id="robustness"' in page


def test_the_comparison_workbook_says_variant_not_official_first(
    client, round_2021, analyst, variant
):
    client.force_login(analyst)
    response = client.get(
        reverse("lab:comparison-workbook", kwargs={"pk": variant.pk, "round_code": "2021"})
    )
    assert response.status_code == 200
    assert re.search(
        rf'filename="10\.7\.2-2021-variant-{variant.pk}-comparison-\d{{4}}-\d\d-\d\d\.xlsx"',
        response["Content-Disposition"],
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Summary",
        "Countries",
        "Transitions",
        "Aggregates",
        "Robustness",
    ]
    summary = workbook["Summary"]
    assert summary["A1"].value == "Variant, not official"
    assert summary["B4"].value == "Meets from 75"
    values = [[c.value for c in row] for row in workbook["Transitions"].iter_rows()]
    assert values[4][1:] == [0, 0, 1, 0]
    countries = [[c.value for c in row] for row in workbook["Countries"].iter_rows()]
    senegal = next(row for row in countries if row[0] == "Senegal")
    assert senegal[4:7] == ["Partially meets", "Meets", "up"]


def test_the_variants_name_never_runs_as_a_formula_in_the_workbook(client, round_2021, analyst):
    variant = create_variant(
        by=analyst, name='=HYPERLINK("x")', reason="+1", rules=threshold_75_rules()
    )
    client.force_login(analyst)
    response = client.get(
        reverse("lab:comparison-workbook", kwargs={"pk": variant.pk, "round_code": "2021"})
    )
    summary = load_workbook(io.BytesIO(response.content))["Summary"]
    assert summary["B4"].data_type == "s" and summary["B4"].value == '=HYPERLINK("x")'
    assert summary["B5"].data_type == "s"


# --- Nothing leaks -----------------------------------------------------------------------------


def public_bytes(client, code: str) -> list[bytes]:
    client.logout()
    answers = [
        client.get(reverse("results:round", kwargs={"round_code": code})),
        client.get(reverse("results:download", args=[code, "csv"])),
        client.get(reverse("results:api-round-countries", kwargs={"round_code": code})),
        client.get(reverse("results:api-round-aggregates", kwargs={"round_code": code})),
    ]
    assert [a.status_code for a in answers] == [200] * 4
    # The page's language form carries a fresh CSRF token each time: not a result.
    return [re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", a.content) for a in answers]


def test_a_variant_never_leaks_into_public_pages_downloads_or_the_api(client, round_2021, analyst):
    round_services.round_publish(round=round_2021, by=None, reason="test")
    before = public_bytes(client, "2021")
    records, releases, released = (
        ScoreRecord.objects.count(),
        Release.objects.count(),
        ReleaseResult.objects.count(),
    )
    client.force_login(analyst)
    client.post(reverse("lab:new"), form_data(threshold_75_rules(), name="Leak test"))
    variant = Variant.objects.get(name="Leak test")
    page = client.get(comparison_url(variant))
    assert b"<strong>up</strong>" in page.content
    assert (
        client.get(
            reverse("lab:comparison-workbook", kwargs={"pk": variant.pk, "round_code": "2021"})
        ).status_code
        == 200
    )
    assert public_bytes(client, "2021") == before
    assert (
        ScoreRecord.objects.count(),
        Release.objects.count(),
        ReleaseResult.objects.count(),
    ) == (records, releases, released)


def test_a_newly_validated_submission_shows_in_the_comparison_at_once(
    client, round_2021, analyst, variant
):
    client.force_login(analyst)
    assert "3 countries rescored" in client.get(comparison_url(variant)).content.decode()
    validated_submission(
        round=round_2021, country=Country.objects.get(iso3="FRA"), answers=answers_for_overall(4)
    )
    page = client.get(comparison_url(variant)).content.decode()
    assert "4 countries rescored" in page


def test_an_analyst_scoped_to_some_regions_runs_the_lab_only_on_published_rounds(
    client, round_2021, variant
):
    from geography.models import Region

    africa = Region.objects.get(kind=Region.Kind.SDG, m49=202)
    client.force_login(AnalystFactory(regions=[africa]))

    # Before publication a comparison would show countries and regions outside their scope.
    assert client.get(comparison_url(variant)).status_code == 403
    assert client.get(comparison_url(variant) + "comparison.xlsx").status_code == 403
    detail = client.get(reverse("lab:variant", kwargs={"pk": variant.pk})).content.decode()
    assert comparison_url(variant) not in detail

    round_services.round_publish(round=round_2021, by=None, reason="test")
    assert client.get(comparison_url(variant)).status_code == 200


def test_a_countrys_page_says_which_answers_its_category_rests_on_under_both(
    client, round_2021, analyst, variant
):
    client.force_login(analyst)
    comparison = client.get(comparison_url(variant)).content.decode()
    url = reverse("lab:country", kwargs={"pk": variant.pk, "round_code": "2021", "iso3": "SEN"})
    assert url in comparison

    html = client.get(url).content.decode()

    assert "Variant, not official" in html
    # At 78.3: officially one answer from "Meets"; under threshold 75 it already meets, and
    # one answer from falling back.
    official = html[html.index('id="official-sensitivity"') :]
    assert "Up to “Meets”: 1 answer would have to change" in official
    under_variant = html[
        html.index('id="variant-sensitivity"') : html.index('id="official-sensitivity"')
    ]
    assert "Up to “Fully meets”" in under_variant and "Down to “Partially meets”" in under_variant
    assert client.get(url.replace("SEN", "KEN")).status_code == 404  # imported: no answers


def test_rules_are_shown_with_the_languages_decimal_separator(client, instrument, analyst, variant):
    client.force_login(analyst)
    client.cookies["django_language"] = "fr"
    html = client.get(reverse("lab:variant", kwargs={"pk": variant.pk})).content.decode()
    assert ">0,5<" in html and ">0.5<" not in html
