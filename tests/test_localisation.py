"""Numbers, percentages and dates are written the way the page's language writes them."""

import datetime
import re
from fractions import Fraction
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from geography.models import Country
from questionnaire.models import Round
from scoring import engine
from scoring.rule_labels import RULE_LABELS
from scoring.services.scores import score_validated_submission
from tests.factories import AnalystFactory, FocalPointFactory, RoundFactory
from tests.scoring.factories import answers_for_overall, answers_with, validated_submission

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def in_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def round_(instrument, all_countries):
    return RoundFactory(
        version=instrument, reference_year=2021, code="inquiry-13", state=Round.State.CLOSED
    )


def score(round_, iso3, answers):
    submission = validated_submission(
        round=round_, country=Country.objects.get(iso3=iso3), answers=answers
    )
    return score_validated_submission(submission=submission, by=None, reason="").record


@pytest.fixture
def two_of_three_meeting(round_):
    score(round_, "KEN", answers_for_overall(4))
    score(round_, "SEN", answers_for_overall(3))
    score(round_, "NGA", answers_for_overall(1))
    return round_


@pytest.mark.parametrize(
    "language, headline, region",
    [
        ("en", "66.7% of responding countries meet or fully meet (2 of 3).", "Western Africa"),
        (
            "fr",
            f"66,7{NARROW_NBSP}% des pays ayant répondu satisfont ou satisfont pleinement aux "
            "critères (2 sur 3).",
            "Afrique occidentale",
        ),
        (
            "es",
            f"El 66,7{NBSP}% de los países que respondieron cumplen o cumplen plenamente los "
            "criterios (2 de 3).",
            "África occidental",
        ),
    ],
)
def test_the_round_page_writes_shares_and_region_names_in_the_page_language(
    client, two_of_three_meeting, language, headline, region
):
    client.force_login(AnalystFactory())
    page = in_language(client, language).get(reverse("scoring:round", args=["inquiry-13"]))
    html = page.content.decode()
    assert headline in html
    assert region in html
    # Every share in the table too: 1 of 3 is 33.3% in the language's writing.
    one_third = {"en": "(33.3%)", "fr": f"(33,3{NARROW_NBSP}%)", "es": f"(33,3{NBSP}%)"}
    assert one_third[language] in html


@pytest.mark.parametrize(
    "language, sum_text, caption",
    [
        ("en", "22.5 / 30", "Domain 1: sum 4.5 of 5, score 90.0, Meets (80 ≤ score &lt; 100)"),
        (
            "fr",
            "22,5 / 30",
            "Domaine 1 : somme de 4,5 sur 5, score de 90,0, Satisfait (80 ≤ score &lt; 100)",
        ),
        (
            "es",
            "22,5 / 30",
            "Ámbito 1: suma de 4,5 sobre 5, puntuación de 90,0, Cumple (80 ≤ puntuación &lt; 100)",
        ),
    ],
)
def test_the_country_page_writes_sums_and_scores_in_the_page_language(
    client, round_, language, sum_text, caption
):
    score(
        round_,
        "KEN",
        answers_with(legal=("1a",), no=("2a", "4a", "5a", "5b", "5c", "5d"), missing=("6e",)),
    )
    client.force_login(AnalystFactory())
    page = in_language(client, language).get(reverse("scoring:country", args=["inquiry-13", "KEN"]))
    html = page.content.decode()
    assert f'id="overall-sum">{sum_text}<' in html
    assert caption in html


@pytest.mark.parametrize(
    "language, date, moment",
    [
        ("en", "31 Dec 2030", "31 Dec 2030, 14:05"),
        ("fr", "31 déc. 2030", "31 déc. 2030, 14:05"),
        ("es", "31 dic. 2030", "31 dic. 2030, 14:05"),
    ],
)
def test_each_language_has_one_date_format_whatever_name_a_template_uses(language, date, moment):
    template = Template(
        '{{ day|date:"DATE_FORMAT" }}|{{ day|date:"SHORT_DATE_FORMAT" }}|{{ day|date }}|'
        '{{ at|date:"DATETIME_FORMAT" }}|{{ at|date:"SHORT_DATETIME_FORMAT" }}'
    )
    context = Context(
        {"day": datetime.date(2030, 12, 31), "at": datetime.datetime(2030, 12, 31, 14, 5)}
    )
    with translation.override(language):
        assert template.render(context) == "|".join([date, date, date, moment, moment])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, text", [("en", "31 Dec 2030"), ("fr", "31 déc. 2030"), ("es", "31 dic. 2030")]
)
def test_the_home_page_shows_the_closing_date_in_the_page_language(
    client, instrument, all_countries, language, text
):
    kenya = Country.objects.get(iso3="KEN")
    RoundFactory(version=instrument, closes_on=datetime.date(2030, 12, 31))
    client.force_login(FocalPointFactory(countries=[kenya]))
    html = in_language(client, language).get(reverse("home")).content.decode()
    assert text in html


@pytest.mark.parametrize(
    "language, share, text",
    [
        ("en", Fraction(623, 1000), "62.3%"),
        ("fr", Fraction(623, 1000), f"62,3{NARROW_NBSP}%"),
        ("es", Fraction(623, 1000), f"62,3{NBSP}%"),
        ("fr", Fraction(2, 3), f"66,7{NARROW_NBSP}%"),
        ("en", Fraction(1, 8), "12.5%"),  # half up, as the engine rounds for display
        ("en", None, "—"),
    ],
)
def test_the_percent_filter_follows_the_language(language, share, text):
    with translation.override(language):
        rendered = Template("{% load localized_numbers %}{{ share|percent:1 }}").render(
            Context({"share": share})
        )
    assert rendered == text


def test_the_pages_show_the_engine_threshold_rules_translated_from_the_same_english():
    for code, label in RULE_LABELS.items():
        with translation.override("en"):
            assert str(label) == engine.threshold_rule(code)


def test_no_template_spells_out_a_date_format():
    """Dates use the named formats of policyindex/formats/, never a literal like "Y-m-d"."""
    named = {"DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"}
    named |= {"TIME_FORMAT", "MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT"}
    root = Path(settings.BASE_DIR)
    literal = []
    for template in root.glob("*/templates/**/*.html"):
        for fmt in re.findall(
            r"\|(?:date|time):\"([^\"]*)\"", template.read_text(encoding="utf-8")
        ):
            if fmt not in named:
                literal.append(f"{template.relative_to(root)}: {fmt}")
    assert literal == []
