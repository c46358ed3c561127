"""The Excel reports, read back as a user's spreadsheet program would open them."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from geography.models import Country, Region
from questionnaire.models import Round
from questionnaire.services.submissions import start_submission
from results.report_data import round_report_data
from review.services import rounds as round_services
from tests.factories import AnalystFactory, FocalPointFactory, RoundFactory
from tests.scoring.factories import PublishedResultFactory, answers_with
from tests.workflow import move_submission_to

pytestmark = pytest.mark.django_db

FORMULA_LIKE = {
    "policy_name": '=HYPERLINK("http://attacker.example","Click")',
    "citation": "+44 20 7946 0000",
    "comment": "@SUM(A1:A9)",
}
MORE_FORMULA_LIKE = {"policy_name": "-2+3", "citation": "\tcmd|' /C calc'!A0", "comment": "\rX"}


@pytest.fixture
def round_(instrument, all_countries):
    return RoundFactory(
        version=instrument, reference_year=2021, code="inquiry-13", state=Round.State.CLOSED
    )


def answered(round_, iso3, answers, evidence=None):
    """A validated submission of the country, with evidence per item code."""
    submission = start_submission(round=round_, country=Country.objects.get(iso3=iso3))
    for answer in submission.answers.select_related("item"):
        answer.option_code = answers.get(answer.item.code) or ""
        for name, value in (evidence or {}).get(answer.item.code, {}).items():
            setattr(answer, name, value)
        answer.save()
    return move_submission_to(submission, "validated")


def publish(round_):
    round_services.round_publish(round=round_, by=None, reason="test")
    round_.refresh_from_db()


@pytest.fixture
def published(round_):
    """Kenya answered (one No: overall 96.7, Meets; domain 2 scores 80) with formula-like
    evidence; France has an imported UN result (Partially meets)."""
    answered(round_, "KEN", answers_with(no=("2a",)), {"1a": FORMULA_LIKE, "3b": MORE_FORMULA_LIKE})
    PublishedResultFactory(country=Country.objects.get(iso3="FRA"), round=round_, category=2)
    publish(round_)
    return round_


def download(client, round_, **headers):
    return client.get(reverse("results:round-report", args=[round_.code]), **headers)


def profile(client, round_, iso3, **headers):
    return client.get(reverse("results:country-profile", args=[round_.code, iso3]), **headers)


def workbook_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def row_of(sheet, iso3, column=1):
    return next(r for r in sheet.iter_rows() if r[column].value == iso3)


def test_the_public_report_has_its_sheets_and_no_internal_history(client, published):
    workbook = workbook_of(download(client, published))

    assert workbook.sheetnames == ["Overview", "Countries", "Answers", "Methodology"]


def test_the_countries_sheet_holds_scores_categories_and_sources(client, published):
    sheet = workbook_of(download(client, published))["Countries"]

    header = rows(sheet)[0]
    assert header[:8] == [
        "M49",
        "ISO3",
        "Country",
        "SDG region",
        "Source",
        "Round of the result",
        "Overall score",
        "Overall category",
    ]
    assert header[8:10] == ["Domain 1 score", "Domain 1 category"]
    kenya = [c.value for c in row_of(sheet, "KEN")]
    assert kenya[:3] == ["404", "KEN", "Kenya"]
    assert kenya[4] == "computed from validated answers"
    assert round(kenya[6], 2) == 96.67 and kenya[7] == "Meets"
    assert (kenya[10], kenya[11]) == (80, "Meets")  # domain 2: one No of five
    assert (kenya[8], kenya[9]) == (100, "Fully meets")
    france = [c.value for c in row_of(sheet, "FRA")]
    assert france[4] == "published by the UN, imported"
    assert france[6] is None and france[7] == "Partially meets"  # imports carry no score
    assert len(rows(sheet)) == 3


def test_the_countries_sheet_is_frozen_filtered_formatted_and_coloured(client, published):
    sheet = workbook_of(download(client, published))["Countries"]

    assert sheet.freeze_panes == "D2"
    assert sheet.auto_filter.ref == "A1:T3"
    kenya = row_of(sheet, "KEN")
    assert kenya[6].number_format == "0.0"
    assert kenya[7].fill.fgColor.rgb.endswith("92C5DE")  # Meets, as on the web pages
    assert row_of(sheet, "FRA")[7].fill.fgColor.rgb.endswith("F4A582")  # Partially meets
    assert sheet.column_dimensions["C"].width >= len("Kenya")
    assert sheet.column_dimensions["E"].width > len("Source")


def test_the_overview_counts_every_grouping_with_shares_and_a_chart(client, published):
    sheet = workbook_of(download(client, published))["Overview"]

    header, *lines = rows(sheet)
    assert header[:6] == [
        "Grouping",
        "M49",
        "Name",
        "Measure",
        "Countries invited",
        "Countries with a result",
    ]
    assert header[-1] == "Share meeting or fully meeting"
    world = next(line for line in lines if line[1] == "001" and line[3] == "Overall")
    assert world[4:6] == [197, 2]
    assert world[6:10] == [0, 1, 1, 0]  # France partially meets, Kenya meets
    assert world[10:14] == [0, 0.5, 0.5, 0]
    assert world[14:] == [1, 0.5]
    africa = next(
        line
        for line in lines
        if line[0] == "SDG region" and line[1] == "202" and line[3] == "Overall"
    )
    assert africa[5] == 1
    domain_kinds = {line[3] for line in lines}
    assert len(domain_kinds) == 7  # overall and six domains
    assert sheet.freeze_panes == "E2"
    assert sheet.auto_filter.ref.startswith("A1:P")

    [chart] = sheet._charts
    assert chart.grouping == "stacked" and chart.type == "bar"
    assert len(chart.series) == 4
    sdg_regions = Region.objects.filter(kind=Region.Kind.SDG).count()
    first_series = chart.series[0].val.numRef.f
    assert first_series.startswith("'Overview'!$K$") or first_series.startswith("Overview!$K$")
    assert chart.series[0].tx.v == "Requires further progress"
    colour = chart.series[0].graphicalProperties.solidFill.srgbClr
    # The colour of category 1 on the web pages.
    assert getattr(colour, "val", colour) == "B2182B"
    rows_in_chart = chart.series[0].val.numRef.f.split("$")
    assert int(rows_in_chart[-1]) - int(rows_in_chart[2].rstrip(":")) + 1 == sdg_regions


def test_the_answers_sheet_keeps_formula_like_evidence_as_text(client, published):
    sheet = workbook_of(download(client, published))["Answers"]

    header = rows(sheet)[0]
    assert header == [
        "ISO3",
        "Country",
        "Item",
        "Item text",
        "Answer",
        "Answer code",
        "Law, policy or strategy",
        "Year",
        "Link",
        "Citation",
        "Comment",
    ]
    kenya = [r for r in sheet.iter_rows(min_row=2) if r[0].value == "KEN"]
    assert len(kenya) == 30
    item_1a = next(r for r in kenya if r[2].value == "1a")
    item_2a = next(r for r in kenya if r[2].value == "2a")
    assert item_2a[5].value == "no" and item_2a[4].value == "No"
    item_3b = next(r for r in kenya if r[2].value == "3b")
    for row, evidence in ((item_1a, FORMULA_LIKE), (item_3b, MORE_FORMULA_LIKE)):
        cells = {"policy_name": row[6], "citation": row[9], "comment": row[10]}
        for name, text in evidence.items():
            assert cells[name].value == text
            assert cells[name].data_type == "s"
            assert cells[name].quotePrefix
    france = [r for r in sheet.iter_rows(min_row=2) if r[0].value == "FRA"]
    assert [c.value for c in france[0]][:5] == [
        "FRA",
        "France",
        None,
        None,
        "No answers: an imported UN result carries categories only.",
    ]
    formulas = [
        c.coordinate
        for ws in sheet.parent
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []


def test_the_methodology_sheet_says_what_the_figures_are(client, published):
    values = [
        v for row in rows(workbook_of(download(client, published))["Methodology"]) for v in row
    ]

    assert "10.7.2/2021-03-01/1" in values
    assert "inquiry-13" in values and 2021 in values
    assert (
        "Release 2 of the published round" in values or "Release 1 of the published round" in values
    )
    assert "A visitor (public download)" in values
    assert "40 ≤ score < 80" in values
    assert "0.5" in values  # "Yes, only for those with legal immigration status"


def test_analysts_get_the_history_sheet(client, published):
    client.force_login(AnalystFactory(username="amara"))

    sheet = workbook_of(download(client, published))["History"]

    values = [v for row in rows(sheet) for v in row]
    assert "Published" in values and "Closed" in values
    assert "Kenya (KEN)" in values  # its score record
    assert "amara" not in values  # generated by is on the Methodology sheet
    methodology = [v for row in rows(sheet.parent["Methodology"]) for v in row]
    assert "amara" in methodology


def test_the_file_names_say_what_and_when(client, published):
    today = timezone.localdate().isoformat()

    report = download(client, published)
    country = profile(client, published, "KEN")

    assert f'filename="10.7.2-2021-round-report-{today}.xlsx"' in report["Content-Disposition"]
    assert (
        f'filename="10.7.2-2021-KEN-country-profile-{today}.xlsx"' in country["Content-Disposition"]
    )


def test_a_french_request_gets_french_headers_and_labels(client, published):
    workbook = workbook_of(download(client, published, HTTP_ACCEPT_LANGUAGE="fr"))

    header = rows(workbook["Countries"])[0]
    assert header[2] == "Pays" and header[3] == "Région ODD"
    assert header[7] == "Catégorie globale"
    kenya = [c.value for c in row_of(workbook["Countries"], "KEN")]
    assert kenya[7] == "Satisfait"
    assert rows(workbook["Answers"])[0][10] == "Commentaire"


# --- Who may download what ---------------------------------------------------------------------


@pytest.fixture
def unpublished(round_):
    answered(round_, "KEN", answers_with(no=("2a",)))
    answered(round_, "FRA", answers_with(no=("1a", "1b")))
    return round_


def test_nobody_outside_takes_an_unpublished_round_report(client, unpublished):
    assert download(client, unpublished).status_code == 404
    client.force_login(FocalPointFactory(countries=[Country.objects.get(iso3="KEN")]))
    assert download(client, unpublished).status_code == 404


def test_an_analyst_outside_the_region_gets_only_their_countries_before_publication(
    client, unpublished
):
    europe = Country.objects.get(iso3="FRA").sdg_region
    client.force_login(AnalystFactory(regions=[europe]))

    workbook = workbook_of(download(client, unpublished))

    countries = [r[1] for r in rows(workbook["Countries"])[1:]]
    assert countries == ["FRA"]
    assert {r[0] for r in rows(workbook["Answers"])[1:]} == {"FRA"}
    groupings = {r[1] for r in rows(workbook["Overview"])[1:]}
    assert "001" not in groupings  # World would reveal Kenya's category
    assert europe.m49 in groupings
    history = [v for row in rows(workbook["History"]) for v in row]
    assert "France (FRA)" in history and "Kenya (KEN)" not in history


def test_unpublished_country_profiles_are_for_the_countrys_people_only(client, unpublished):
    kenya = Country.objects.get(iso3="KEN")
    assert profile(client, unpublished, "KEN").status_code == 404
    client.force_login(FocalPointFactory(countries=[Country.objects.get(iso3="FRA")]))
    assert profile(client, unpublished, "KEN").status_code == 404
    client.force_login(AnalystFactory(regions=[Country.objects.get(iso3="FRA").sdg_region]))
    assert profile(client, unpublished, "KEN").status_code == 404
    client.force_login(FocalPointFactory(countries=[kenya]))
    assert profile(client, unpublished, "KEN").status_code == 200
    assert profile(client, unpublished, "ZZZ").status_code == 404
    assert (
        client.get(reverse("results:country-profile", args=["no-such-round", "KEN"])).status_code
        == 404
    )


def test_anyone_takes_a_published_country_profile(client, published):
    assert profile(client, published, "KEN").status_code == 200


# --- The country profile -----------------------------------------------------------------------


def test_the_country_profile_compares_with_the_previous_published_round(
    client, instrument, published
):
    kenya = Country.objects.get(iso3="KEN")
    earlier = RoundFactory(
        version=instrument, reference_year=2019, code="inquiry-12", state=Round.State.CLOSED
    )
    PublishedResultFactory(country=kenya, round=earlier, category=2)
    PublishedResultFactory(country=kenya, round=earlier, breakdown="PD_2", category=4)
    publish(earlier)

    workbook = workbook_of(profile(client, published, "KEN"))

    assert workbook.sheetnames == ["Profile", "Answers", "Methodology"]
    sheet = workbook["Profile"]
    values = rows(sheet)
    assert values[0][0] == "Kenya (KEN)"
    header_at = next(i for i, r in enumerate(values) if r[0] == "Measure")
    assert values[header_at] == [
        "Measure",
        "Score",
        "Category",
        "Previous score",
        "Previous category",
        "Change",
    ]
    overall = values[header_at + 1]
    assert overall[0] == "Overall" and round(overall[1], 2) == 96.67
    assert overall[2:] == ["Meets", None, "Partially meets", "Higher category"]
    domain_2 = values[header_at + 3]
    assert domain_2[1:] == [80, "Meets", None, "Fully meets", "Lower category"]
    assert sheet.freeze_panes == f"B{header_at + 2}"
    answers = workbook["Answers"]
    item_1a = next(r for r in answers.iter_rows(min_row=2) if r[2].value == "1a")
    assert item_1a[6].value == FORMULA_LIKE["policy_name"] and item_1a[6].data_type == "s"


def test_an_imported_result_profile_says_it_has_no_answers(client, published):
    workbook = workbook_of(profile(client, published, "FRA"))

    answers = rows(workbook["Answers"])
    assert answers[1][4] == "No answers: an imported UN result carries categories only."
    assert "No earlier published result to compare with." in [
        v for row in rows(workbook["Profile"]) for v in row
    ]


# --- Cost ---------------------------------------------------------------------------------------


def test_the_report_data_cost_the_same_queries_whatever_the_number_of_countries(round_):
    answered(round_, "KEN", answers_with(no=("2a",)))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            round_report_data(round_=round_, internal=True)
        return len(captured)

    one_country = queries()
    for iso3 in ("FRA", "BRA", "IND"):
        answered(round_, iso3, answers_with(no=("1a",)))

    assert queries() == one_country


def test_after_publication_an_analyst_still_gets_only_the_history_of_their_countries(
    client, published
):
    europe = Country.objects.get(iso3="FRA").sdg_region
    client.force_login(AnalystFactory(regions=[europe]))

    workbook = workbook_of(download(client, published))

    # The published figures are everyone's; the history (reviews, every score record) is not.
    assert "KEN" in [r[1] for r in rows(workbook["Countries"])[1:]]
    history = [v for row in rows(workbook["History"]) for v in row]
    assert "Kenya (KEN)" not in history
