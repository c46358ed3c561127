"""Publication freezes a release: a published round's figures do not change when scores are
recomputed or results imported, unless that is done as a new, reasoned revision of the release,
and the earlier release stays readable, superseded."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from geography.models import WORLD_M49, Country
from questionnaire.models import Round
from review.services import rounds as round_services
from scoring import engine
from scoring.models import Release, ScoreRecord
from scoring.selectors import round_aggregates
from scoring.services.releases import ReleaseFrozen
from scoring.services.scores import recompute_scores
from tests.factories import AdministratorFactory, RoundFactory
from tests.scoring.factories import answers_for_overall, validated_submission
from tests.scoring.test_published_results import HEADER_1, row_1, sdmx_file


@pytest.fixture
def published_round(instrument, all_countries):
    round_ = RoundFactory(version=instrument, reference_year=2021, code="inquiry-13-2021")
    for iso3, category in (("KEN", 4), ("SEN", 3), ("MEX", 2)):
        validated_submission(
            round=round_,
            country=Country.objects.get(iso3=iso3),
            answers=answers_for_overall(category),
        )
    administrator = AdministratorFactory()
    round_services.round_close(round=round_, by=administrator)
    round_services.round_publish(round=round_, by=administrator)
    round_.refresh_from_db()
    return round_


def world_counts(round_):
    return round_aggregates(round=round_).world.measure("_T").counts


def test_publishing_freezes_every_country_result_and_the_aggregates(published_round):
    release = Release.objects.get(round=published_round)
    assert release.results.filter(breakdown="_T").count() == 3
    assert release.aggregates[f"world:{WORLD_M49}"]["_T"] == [
        0,
        1,
        1,
        1,
    ]  # World, categories 1 to 4
    assert world_counts(published_round) == [0, 1, 1, 1]
    assert len(release.content_hash) == 64


def test_a_recomputation_of_a_published_round_is_refused_and_changes_nothing(
    published_round, monkeypatch
):
    records = ScoreRecord.objects.count()
    monkeypatch.setattr(engine, "METHODOLOGY_VERSION", "10.7.2/test/2")
    with pytest.raises(ReleaseFrozen):
        recompute_scores(round=published_round, by=None, reason="A fix")
    with pytest.raises(CommandError, match="published"):
        call_command("recompute_scores", "--round", published_round.code, "--reason", "A fix")
    assert ScoreRecord.objects.count() == records
    assert Release.objects.filter(round=published_round).count() == 1


def test_an_import_into_a_published_round_is_refused_and_changes_nothing(published_round, tmp_path):
    path = sdmx_file(tmp_path, [HEADER_1, row_1("404", "_T", 1)])
    with pytest.raises(CommandError):
        call_command("import_published_results", str(path), "--reason", "UN update")
    assert world_counts(published_round) == [0, 1, 1, 1]
    assert Release.objects.filter(round=published_round).count() == 1


def test_a_reasoned_revision_writes_a_new_release_and_the_old_one_stays_readable(
    published_round, tmp_path
):
    first = Release.objects.get(round=published_round)
    path = sdmx_file(tmp_path, [HEADER_1, row_1("076", "_T", 1)])  # Brazil, imported
    call_command(
        "import_published_results",
        str(path),
        "--reason",
        "The UN added Brazil's return",
        "--revise-release",
    )
    releases = list(Release.objects.filter(round=published_round).order_by("number"))
    assert [r.number for r in releases] == [1, 2]
    assert releases[1].reason == "The UN added Brazil's return"
    assert world_counts(published_round) == [1, 1, 1, 1]  # the newest release counts
    assert first.aggregates[f"world:{WORLD_M49}"]["_T"] == [
        0,
        1,
        1,
        1,
    ]  # the earlier one is kept as it was
    assert first.results.count() == releases[0].results.count()


def test_the_public_figures_of_a_published_round_read_its_release(published_round, client):
    client.force_login(AdministratorFactory())
    page = client.get(reverse("scoring:round", args=[published_round.code]))
    assert page.status_code == 200
    # Kenya's live score record changing would not move the published figures.
    assert world_counts(published_round) == [0, 1, 1, 1]


def test_reopening_a_validated_submission_of_a_published_round_is_refused(published_round):
    from review.services.errors import ActionRefused
    from review.services.submissions import submission_reopen

    submission = published_round.submissions.get(country__iso3="KEN")
    with pytest.raises(ActionRefused):
        submission_reopen(submission=submission, by=AdministratorFactory(), reason="Late fix")
    submission.refresh_from_db()
    assert submission.state == "validated"
    assert published_round.state == Round.State.PUBLISHED
