"""The analysts' dashboard of a round: every country of their scope, where it stands, what waits."""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from geography.models import Region
from review.services.rounds import round_exclude_country
from tests.factories import (
    AdministratorFactory,
    AnalystFactory,
    CountryFactory,
    FocalPointFactory,
    RegionFactory,
    RoundFactory,
)
from tests.test_security_headers import inline_code

from . import dashboard_states as states

pytestmark = pytest.mark.django_db

# The codes of the row states: none may ever be shown as text.
CODES = ("not_started", "in_progress", "draft", "submitted", "returned", "validated", "excluded")


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    """Users are made by the dozen here: a slow password hash would be most of the time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def africa(db):
    return RegionFactory(kind=Region.Kind.SDG, m49="202", name="Sub-Saharan Africa")


@pytest.fixture
def americas(db):
    return RegionFactory(kind=Region.Kind.SDG, m49="419", name="Latin America and the Caribbean")


@pytest.fixture
def round_(instrument):
    return RoundFactory(version=instrument, code="r2030", name="Round 2030", reference_year=2030)


@pytest.fixture
def world(round_, africa, americas):
    """Six countries, one in each state a row can show."""
    countries = {
        iso3: CountryFactory(iso3=iso3, name=name, name_fr=f"{name} (fr)", sdg_region=region)
        for iso3, name, region in (
            ("AGO", "Angola", africa),
            ("BEN", "Benin", africa),
            ("KEN", "Kenya", africa),
            ("MEX", "Mexico", americas),
            ("SEN", "Senegal", africa),
            ("TZA", "Tanzania", africa),
        )
    }
    states.draft(round_, countries["BEN"])
    states.submitted(round_, countries["KEN"])
    states.returned(round_, countries["MEX"])
    states.validated(round_, countries["SEN"])
    states.draft(round_, countries["TZA"])
    round_exclude_country(
        round=round_, country=countries["TZA"], by=AdministratorFactory(), reason="No answer."
    )
    return countries


def dashboard_url(round_, **params):
    url = reverse("review:dashboard", kwargs={"round_code": round_.code})
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def rows(html: str) -> dict[str, str]:
    """ISO3 to the row's HTML, in the order shown."""
    return dict(re.findall(r'<tr data-country="(\w+)">(.*?)</tr>', html, re.S))


def cell_texts(row_html: str) -> list[str]:
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cells]


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "option"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "option") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_every_country_of_the_scope_has_a_row_with_where_it_stands(client, round_, world):
    html = get(client, AnalystFactory(), dashboard_url(round_)).content.decode()
    shown = rows(html)
    assert list(shown) == ["AGO", "BEN", "KEN", "MEX", "SEN", "TZA"]
    states_shown = {iso3: cell_texts(row)[2] for iso3, row in shown.items()}
    assert states_shown == {
        "AGO": "Not started",
        "BEN": "In progress",
        "KEN": "Submitted",
        "MEX": "Returned to the country",
        "SEN": "Validated",
        "TZA": "Excluded from publication (In progress)",
    }
    # The submitted version's number, the score and category of the validated one.
    kenya, senegal = cell_texts(shown["KEN"]), cell_texts(shown["SEN"])
    assert kenya[3] == "1" and kenya[6] == "—"
    assert senegal[3] == "1" and re.fullmatch(r"\d+\.\d", senegal[6]) and senegal[7] != "—"
    assert cell_texts(shown["AGO"])[3] == "—" and cell_texts(shown["AGO"])[4] == "—"


def test_each_row_links_to_the_page_to_act_on(client, round_, world):
    shown = rows(get(client, AnalystFactory(), dashboard_url(round_)).content.decode())

    def link(iso3):
        return re.search(r'href="([^"]+)"', shown[iso3]).group(1)

    for iso3 in ("KEN", "MEX", "SEN"):
        assert link(iso3) == reverse(
            "review:submission", kwargs={"round_code": "r2030", "iso3": iso3}
        )
    for iso3 in ("AGO", "BEN", "TZA"):
        assert link(iso3) == reverse(
            "questionnaire:fill", kwargs={"round_code": "r2030", "iso3": iso3}
        )


def test_the_counts_at_the_top_say_what_waits_for_the_analyst(client, round_, world):
    states.answered_query(
        states.submitted(round_, CountryFactory(sdg_region=world["AGO"].sdg_region))
    )
    html = get(client, AnalystFactory(), dashboard_url(round_)).content.decode()
    counts = dict(
        re.findall(
            r'id="waiting-([\w-]+)".*?<span class="fs-4 fw-semibold">(\d+)</span>', html, re.S
        )
    )
    assert counts == {"to-review": "2", "answers": "1", "returned": "1"}


def test_a_row_shows_its_open_queries_and_the_answers_to_read(client, round_, world):
    kenya = states.submitted(round_, CountryFactory(iso3="UGA", name="Uganda"))
    states.answered_query(kenya)
    from review.services.queries import query_raise

    query_raise(submission=kenya, by=AnalystFactory(), text="And item 2b?")
    shown = rows(get(client, AnalystFactory(), dashboard_url(round_)).content.decode())
    assert cell_texts(shown["UGA"])[5] == "2 1 answer to read"
    assert cell_texts(shown["KEN"])[5] == "0"


def test_last_activity_is_the_newest_of_the_saves_and_the_messages(client, round_, world):
    from django.utils import timezone

    submission = states.submitted(round_, CountryFactory(iso3="UGA", name="Uganda"))
    query = states.answered_query(submission)
    newest = query.messages.order_by("-at").first().at
    assert newest > submission.updated_at
    client.force_login(AnalystFactory())
    html = client.get(dashboard_url(round_, sort="-activity")).content.decode()
    assert list(rows(html))[0] == "UGA"
    from django.utils.formats import date_format

    assert date_format(timezone.localtime(newest), "DATETIME_FORMAT") in rows(html)["UGA"]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"state": "in_progress"}, ["BEN"]),
        ({"state": "not_started"}, ["AGO"]),
        ({"state": "excluded"}, ["TZA"]),
        ({"state": "validated"}, ["SEN"]),
        ({"region": "AMERICAS"}, ["MEX"]),
        ({"region": "AFRICA", "state": "submitted"}, ["KEN"]),
        ({"sort": "-country"}, ["TZA", "SEN", "MEX", "KEN", "BEN", "AGO"]),
        ({"sort": "state"}, ["AGO", "BEN", "KEN", "MEX", "SEN", "TZA"]),
        ({"sort": "-state"}, ["TZA", "SEN", "MEX", "KEN", "BEN", "AGO"]),
    ],
)
def test_rows_are_filtered_by_region_and_state_and_sorted(
    client, round_, world, africa, americas, params, expected
):
    regions = {"AFRICA": africa.pk, "AMERICAS": americas.pk}
    params = {k: regions.get(v, v) for k, v in params.items()}
    html = get(client, AnalystFactory(), dashboard_url(round_, **params)).content.decode()
    assert list(rows(html)) == expected


def test_sorting_by_score_puts_the_rows_without_a_score_last_both_ways(client, round_, world):
    states.validated(round_, CountryFactory(iso3="UGA", name="Uganda"))
    client.force_login(AnalystFactory())
    ascending = list(rows(client.get(dashboard_url(round_, sort="score")).content.decode()))
    descending = list(rows(client.get(dashboard_url(round_, sort="-score")).content.decode()))
    assert set(ascending[:2]) == set(descending[:2]) == {"SEN", "UGA"}
    assert ascending[2:] == descending[2:] == ["AGO", "BEN", "KEN", "MEX", "TZA"]


@pytest.mark.parametrize(
    "query", ["state=nonsense", "region=99999", "region=abc", "sort=password", "sort=-"]
)
def test_a_forged_filter_is_ignored_never_an_error(client, round_, world, query):
    client.force_login(AnalystFactory())
    response = client.get(dashboard_url(round_) + "?" + query)
    assert response.status_code == 200
    assert len(rows(response.content.decode())) == 6


def test_a_filter_with_a_character_the_database_cannot_store_is_a_bad_request(
    client, round_, world
):
    client.force_login(AnalystFactory())
    assert client.get(dashboard_url(round_) + "?state=%00").status_code == 400


def test_an_analyst_sees_only_the_countries_of_their_scope(client, round_, world, africa, americas):
    analyst = AnalystFactory(regions=[africa])
    html = get(client, analyst, dashboard_url(round_)).content.decode()
    assert "MEX" not in rows(html) and "Mexico" not in html
    assert list(rows(html)) == ["AGO", "BEN", "KEN", "SEN", "TZA"]
    # Mexico's region is not offered, and forging it shows nothing of Mexico.
    assert f'value="{americas.pk}"' not in html
    forged = client.get(dashboard_url(round_, region=americas.pk)).content.decode()
    assert "Mexico" not in forged
    # The counts are of the scope too: Mexico's returned submission is not counted.
    assert re.search(r'id="waiting-returned".*?>(\d+)<', forged, re.S).group(1) == "0"


def test_an_out_of_scope_country_s_review_page_is_not_found(client, round_, world, africa):
    client.force_login(AnalystFactory(regions=[africa]))
    url = reverse("review:submission", kwargs={"round_code": round_.code, "iso3": "MEX"})
    assert client.get(url).status_code == 404


def test_a_focal_point_is_refused_with_a_message(client, round_, world):
    response = get(client, FocalPointFactory(countries=[world["KEN"]]), dashboard_url(round_))
    assert response.status_code == 403
    assert "Only analysts and administrators" in response.content.decode()
    assert "Kenya" not in response.content.decode()


def test_an_administrator_sees_every_country_and_the_link_to_manage_the_round(
    client, round_, world
):
    html = get(client, AdministratorFactory(), dashboard_url(round_)).content.decode()
    assert len(rows(html)) == 6
    assert reverse("review:round", kwargs={"round_code": round_.code}) in html
    html = get(client, AnalystFactory(), dashboard_url(round_)).content.decode()
    assert reverse("review:round", kwargs={"round_code": round_.code}) not in html


def test_a_round_that_does_not_exist_is_not_found(client, db):
    client.force_login(AnalystFactory())
    assert client.get("/review/rounds/no-such-round/").status_code == 404


def test_someone_not_logged_in_is_sent_to_log_in(client, round_):
    response = client.get(dashboard_url(round_))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_demo_round_says_so(client, instrument, round_):
    demo = RoundFactory(version=instrument, is_demo=True)
    client.force_login(AnalystFactory())
    assert 'id="demo-badge"' in client.get(dashboard_url(demo)).content.decode()
    assert "Demo data" in client.get(dashboard_url(demo)).content.decode()
    assert 'id="demo-badge"' not in client.get(dashboard_url(round_)).content.decode()


def _mixed_submissions(round_, region, count):
    makers = (states.draft, states.submitted, states.returned, states.validated)
    for n in range(count):
        country = CountryFactory(sdg_region=region)
        submission = makers[n % 4](round_, country)
        if n % 4 == 1:
            states.answered_query(submission)


def test_the_number_of_queries_does_not_grow_with_the_countries(
    client, instrument, africa, django_assert_max_num_queries
):
    few, many = (RoundFactory(version=instrument) for _ in range(2))
    _mixed_submissions(few, africa, 5)
    _mixed_submissions(many, africa, 40)
    client.force_login(AnalystFactory())
    counts = {}
    for round_ in (few, many):
        client.get(dashboard_url(round_))  # the session and caches are warm for both
        for params in ({"sort": "-score"}, {"state": "submitted", "region": africa.pk}):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(dashboard_url(round_, **params))
            assert response.status_code == 200
            counts[(round_.pk, str(params))] = len(queries)
    assert counts[(few.pk, "{'sort': '-score'}")] == counts[(many.pk, "{'sort': '-score'}")]
    filtered = str({"state": "submitted", "region": africa.pk})
    assert counts[(few.pk, filtered)] == counts[(many.pk, filtered)]
    with django_assert_max_num_queries(counts[(few.pk, filtered)]):
        client.get(dashboard_url(many, state="submitted", region=africa.pk, sort="-activity"))


def test_looking_again_at_an_unchanged_round_costs_four_queries(
    client, round_, world, django_assert_num_queries
):
    client.force_login(AnalystFactory())
    for params in ({}, {"state": "submitted", "sort": "-activity"}):
        client.get(dashboard_url(round_, **params))
        # The session, the user, their regions, and the round with the fingerprint of its data.
        with django_assert_num_queries(4):
            response = client.get(dashboard_url(round_, **params))
        assert rows(response.content.decode())


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_dashboard_speaks_the_page_language_and_shows_no_code(client, round_, world, language):
    client.force_login(AnalystFactory())
    client.cookies["django_language"] = language
    html = client.get(dashboard_url(round_)).content.decode()
    assert f'lang="{language}"' in html
    with translation.override(language):
        from questionnaire.models import Submission

        expected = {
            "KEN": str(Submission.State.SUBMITTED.label),
            "SEN": str(Submission.State.VALIDATED.label),
        }
    shown = rows(html)
    for iso3, label in expected.items():
        assert cell_texts(shown[iso3])[2] == label
    assert expected["SEN"] != "Validated" or language == "en"
    table = visible_text(html[html.index("<tbody>") : html.index("</tbody>")])
    found = [code for code in CODES if re.search(rf"(?<![\w-]){code}(?![\w-])", table)]
    assert found == []
    assert "_" not in visible_text(html)
    # Numbers use the language's decimal comma.
    assert re.fullmatch(r"\d+,\d", cell_texts(shown["SEN"])[6])


def test_the_dashboard_needs_no_inline_script_or_style(client, round_, world):
    html = get(client, AdministratorFactory(), dashboard_url(round_)).content.decode()
    assert not any(inline_code(html).values())


def test_a_submitted_version_shows_its_consistency_flags(client, round_, world):
    html = get(client, AnalystFactory(), dashboard_url(round_)).content.decode()
    assert "Consistency flags" in html
    shown = rows(html)
    assert re.fullmatch(r"\d+", cell_texts(shown["KEN"])[8])
    assert cell_texts(shown["AGO"])[8] == cell_texts(shown["SEN"])[8] == "—"


# --- Every change shows at once (the board is cached until something it shows changes) ----------


def waiting(html: str) -> dict[str, int]:
    found = re.findall(
        r'id="waiting-([\w-]+)".*?<span class="fs-4 fw-semibold">(\d+)</span>', html, re.S
    )
    return {name: int(count) for name, count in found}


class Board:
    """The dashboard as one analyst sees it, looked at again after each change."""

    def __init__(self, client, round_, user=None):
        self.client, self.round = client, round_
        client.force_login(user or AnalystFactory())

    def html(self, **params) -> str:
        response = self.client.get(dashboard_url(self.round, **params))
        assert response.status_code == 200
        return response.content.decode()

    def row(self, iso3: str) -> list[str]:
        return cell_texts(rows(self.html())[iso3])


def test_a_first_save_shows_the_country_in_progress_at_once(client, round_, world):
    from questionnaire.services.answers import GENERAL_COMMENT, save_draft

    board = Board(client, round_)
    assert board.row("AGO")[2] == "Not started"
    save_draft(
        round=round_,
        country=world["AGO"],
        by=FocalPointFactory(countries=[world["AGO"]]),
        base_revision=0,
        entries={GENERAL_COMMENT: "Our first notes."},
    )
    assert board.row("AGO")[2] == "In progress"


def test_a_later_save_shows_as_the_last_activity_at_once(client, round_, world):
    import datetime
    from unittest import mock

    from django.utils import timezone
    from django.utils.formats import date_format

    from questionnaire.models import Submission
    from tests.questionnaire.factories import save_as

    board = Board(client, round_)
    before = board.row("BEN")[4]
    later = timezone.now() + datetime.timedelta(hours=3)
    with mock.patch("django.utils.timezone.now", return_value=later):
        save_as(
            FocalPointFactory(countries=[world["BEN"]]),
            Submission.objects.get(round=round_, country=world["BEN"]),
            {},
            general_comment="A few more notes.",
        )
    shown = date_format(timezone.localtime(later), "DATETIME_FORMAT")
    assert before != shown and board.row("BEN")[4] == shown


def test_submitting_returning_and_validating_show_at_once(client, round_, world):
    from review.services.submissions import submission_return, submission_validate

    board = Board(client, round_)
    uganda = CountryFactory(iso3="UGA", name="Uganda", sdg_region=world["AGO"].sdg_region)
    submission = states.draft(round_, uganda, answered=True)
    assert board.row("UGA")[2] == "In progress"
    assert waiting(board.html()) == {"to-review": 1, "answers": 0, "returned": 1}

    submission = _submit(submission)
    assert board.row("UGA")[2:4] == ["Submitted", "1"]
    assert waiting(board.html()) == {"to-review": 2, "answers": 0, "returned": 1}
    assert re.fullmatch(r"\d+", board.row("UGA")[8])  # its consistency flags

    submission_return(submission=submission, by=AnalystFactory(), reason="Item 1a: which law?")
    assert board.row("UGA")[2] == "Returned to the country"
    assert waiting(board.html()) == {"to-review": 1, "answers": 0, "returned": 2}

    _submit(submission)
    assert board.row("UGA")[2:4] == ["Submitted", "2"]
    submission_validate(submission=submission, by=AnalystFactory())
    row = board.row("UGA")
    assert row[2] == "Validated" and re.fullmatch(r"\d+\.\d", row[6]) and row[7] != "—"
    assert waiting(board.html()) == {"to-review": 1, "answers": 0, "returned": 1}


def _submit(submission):
    from review.services.submissions import submission_submit

    submission.refresh_from_db()
    submission_submit(
        submission=submission,
        by=FocalPointFactory(countries=[submission.country]),
        confirmed_revision=submission.revision,
    )
    submission.refresh_from_db()
    return submission


def test_reopening_a_validated_submission_shows_at_once(client, round_, world):
    from questionnaire.models import Submission
    from review.services.submissions import submission_reopen

    board = Board(client, round_)
    assert board.row("SEN")[2] == "Validated"
    submission_reopen(
        submission=Submission.objects.get(round=round_, country=world["SEN"]),
        by=AdministratorFactory(),
        reason="The law was repealed.",
    )
    row = board.row("SEN")
    assert row[2] == "Returned to the country" and row[6] == row[7] == "—"


def test_queries_and_their_messages_show_at_once(client, round_, world):
    from questionnaire.models import Submission
    from review.services.queries import query_close, query_raise, query_reopen, query_reply

    kenya = Submission.objects.get(round=round_, country=world["KEN"])
    analyst = AnalystFactory()
    board = Board(client, round_)
    assert board.row("KEN")[5] == "0"

    query = query_raise(submission=kenya, by=analyst, text="Which law is this?")
    assert board.row("KEN")[5] == "1"
    assert waiting(board.html())["answers"] == 0

    query_reply(query=query, by=FocalPointFactory(countries=[world["KEN"]]), text="The 2011 Act.")
    assert board.row("KEN")[5] == "1 1 answer to read"
    assert waiting(board.html())["answers"] == 1

    query_reply(query=query, by=analyst, text="Thank you; which section?")
    assert board.row("KEN")[5] == "1"
    assert waiting(board.html())["answers"] == 0

    query_close(query=query, by=analyst)
    assert board.row("KEN")[5] == "0"
    query_reopen(query=query, by=analyst, text="One more thing.")
    assert board.row("KEN")[5] == "1"


def test_an_exclusion_shows_at_once(client, round_, world):
    board = Board(client, round_)
    assert board.row("AGO")[2] == "Not started"
    round_exclude_country(
        round=round_, country=world["AGO"], by=AdministratorFactory(), reason="No answer."
    )
    assert board.row("AGO")[2] == "Excluded from publication (Not started)"
    assert list(rows(board.html(state="excluded"))) == ["AGO", "TZA"]


def test_a_new_score_record_shows_at_once(client, round_, world):
    from questionnaire.models import Answer, Submission
    from review.services.submissions import submission_return, submission_validate
    from scoring.models import ScoreRecord
    from scoring.services.scores import score_validated_submission

    # Two versions with different answers: the second validated, then the first scored again.
    uganda = CountryFactory(iso3="UGA", name="Uganda")
    first = _submit(states.draft(round_, uganda, answered=True)).versions.get()
    submission = first.submission
    submission_return(submission=submission, by=AnalystFactory(), reason="Check domain 1.")
    for answer in Answer.objects.filter(submission=submission).select_related("item"):
        options = list(answer.item.response_set.options.order_by("order"))
        answer.option_code = options[-1].code
        answer.save()
    Submission.objects.filter(pk=submission.pk).update(revision=submission.revision + 1)
    _submit(submission)
    submission_validate(submission=submission, by=AnalystFactory())
    board = Board(client, round_)
    validated_score = board.row("UGA")[6]

    score_validated_submission(
        submission=submission,
        by=None,
        reason="Scored again.",
        trigger=ScoreRecord.Trigger.RECOMPUTE,
        version=first,
    )
    newest = ScoreRecord.objects.filter(round=round_, country=uganda).first()
    assert board.row("UGA")[6] == f"{newest.score:.1f}" != validated_score


def test_consistency_flags_follow_the_previous_round_at_once(client, instrument, round_, world):
    from questionnaire.models import Answer, Submission
    from review.services.submissions import submission_validate

    board = Board(client, round_)
    flags = int(board.row("KEN")[8])
    # Kenya's validated answers of an earlier round, differing from this round's on one item.
    earlier = RoundFactory(version=instrument, reference_year=2020)
    submission = states.draft(earlier, world["KEN"], answered=True)
    answer = Answer.objects.filter(submission=submission).select_related("item").first()
    answer.option_code = list(answer.item.response_set.options.order_by("order"))[-1].code
    answer.save()
    Submission.objects.filter(pk=submission.pk).update(revision=submission.revision + 1)
    _submit(submission)
    submission_validate(submission=submission, by=AnalystFactory())
    assert int(board.row("KEN")[8]) == flags + 1


def test_each_analyst_sees_their_own_scope_and_a_change_of_it_at_once(
    client, round_, world, africa, americas
):
    analyst = AnalystFactory(regions=[americas])
    assert list(rows(Board(client, round_, analyst).html())) == ["MEX"]
    assert len(rows(Board(client, round_, AnalystFactory()).html())) == 6
    assert list(rows(Board(client, round_, AnalystFactory(regions=[africa])).html())) == [
        "AGO",
        "BEN",
        "KEN",
        "SEN",
        "TZA",
    ]
    analyst.regions.set([africa])
    assert "MEX" not in rows(Board(client, round_, analyst).html())


def test_each_language_gets_its_own_words(client, round_, world):
    board = Board(client, round_)
    words = {}
    for language in ("en", "fr", "es", "en"):
        client.cookies["django_language"] = language
        words[language] = board.row("SEN")[2]
        with translation.override(language):
            from questionnaire.models import Submission

            assert words[language] == str(Submission.State.VALIDATED.label)
    assert len(set(words.values())) == 3
