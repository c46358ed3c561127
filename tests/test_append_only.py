"""Every record of the past (every concrete AppendOnlyModel) refuses to be changed or removed,
by the model and, on PostgreSQL, by the database: a new append-only model is covered as soon as
it exists, and fails here until it has a factory below."""

import datetime

import pytest
from django.apps import apps
from django.db import connection, transaction

from kernel.append_only import AppendOnlyError, AppendOnlyModel
from lab.models import Variant
from lab.rules import official_rules
from offline.models import WorkbookUpload
from questionnaire.models import Submission
from questionnaire.services.evidence import remove_evidence_file
from review.models import Reminder
from review.services import queries as query_services
from review.services import rounds as round_services
from scoring.models import MethodologyVersion
from scoring.services.releases import freeze_release
from tests import workflow
from tests.accounts.factories import UserChangeFactory
from tests.evidence_samples import attach
from tests.factories import (
    AnalystFactory,
    FocalPointFactory,
    PasswordResetRequestFactory,
    RoundFactory,
)
from tests.questionnaire.factories import (
    AnswerChangeFactory,
    SubmissionEventFactory,
    SubmissionFactory,
)
from tests.scoring.factories import (
    DomainScoreFactory,
    PublishedResultFactory,
    ResultImportFactory,
    ScoreRecordFactory,
)

APPEND_ONLY_MODELS = sorted(
    (m for m in apps.get_models() if issubclass(m, AppendOnlyModel)),
    key=lambda m: m._meta.label,
)

# How to build one stored record of each, given a submission (whose round has a version).
FACTORIES = {
    "accounts.PasswordResetRequest": lambda s: PasswordResetRequestFactory(),
    "accounts.UserChange": lambda s: UserChangeFactory(),
    "questionnaire.SubmissionEvent": lambda s: SubmissionEventFactory(submission=s),
    "questionnaire.AnswerChange": lambda s: AnswerChangeFactory(submission=s),
    "questionnaire.EvidenceFile": lambda s: attach(s, FocalPointFactory(countries=[s.country])),
    "questionnaire.EvidenceFileRemoval": lambda s: removed_attachment_of(s),
    "scoring.ScoreRecord": lambda s: ScoreRecordFactory(
        submission=s, round=s.round, country=s.country
    ),
    "scoring.DomainScore": lambda s: DomainScoreFactory(
        record__submission=s, record__round=s.round, record__country=s.country
    ),
    "scoring.ResultImport": lambda s: ResultImportFactory(),
    "scoring.PublishedResult": lambda s: PublishedResultFactory(round=s.round, country=s.country),
    "questionnaire.SubmissionVersion": lambda s: workflow.submit(s),
    "review.QueryMessage": lambda s: query_on(s).messages.get(),
    "review.RoundEvent": lambda s: s.round.events.first(),
    "review.DeadlineExtension": lambda s: round_services.round_extend_deadline(
        round=s.round,
        country=s.country,
        by=None,
        closes_on=s.round.closes_on + datetime.timedelta(days=10),
        reason="a test",
    ),
    "review.PublicationExclusion": lambda s: round_services.round_exclude_country(
        round=s.round, country=s.country, by=None, reason="a test"
    ),
    "review.Reminder": lambda s: Reminder.objects.create(
        round=s.round,
        country=s.country,
        user=FocalPointFactory(countries=[s.country]),
        days_before=14,
        closes_on=s.round.closes_on,
    ),
    "scoring.Release": lambda s: freeze_release(round=s.round, by=None, reason="a test"),
    "scoring.ReleaseResult": lambda s: released_result_of(s),
    "scoring.MethodologyVersion": lambda s: MethodologyVersion.objects.create(
        version="10.7.2/test/9", rules={"version": "10.7.2/test/9"}
    ),
    "lab.Variant": lambda s: Variant.objects.create(
        name="Threshold 75",
        reason="a test",
        based_on="10.7.2/2021-03-01/1",
        rules=official_rules(),
        created_by=AnalystFactory(),
    ),
    "offline.WorkbookUpload": lambda s: WorkbookUpload.objects.create(
        submission=s,
        uploaded_by=FocalPointFactory(countries=[s.country]),
        file_name="filled.xlsx",
        file_sha256="0" * 64,
        file_size=12_000,
        language="en",
        workbook_revision=0,
        saved_revision=1,
        changed_fields=2,
        kept_theirs=0,
        kept_mine=0,
        invalid_cells=0,
        conflicts_left=0,
    ),
}


def query_on(submission):
    workflow.submit(submission)
    return query_services.query_raise(
        submission=submission, by=AnalystFactory(), text="Which law is this?"
    )


def removed_attachment_of(submission):
    focal_point = FocalPointFactory(countries=[submission.country])
    return remove_evidence_file(evidence_file=attach(submission, focal_point), by=focal_point)


def released_result_of(submission):
    workflow.move_submission_to(submission, Submission.State.VALIDATED)
    release = freeze_release(round=submission.round, by=None, reason="a test")
    return release.results.first()


def test_every_append_only_model_is_found():
    labels = {m._meta.label for m in APPEND_ONLY_MODELS}
    assert {"questionnaire.AnswerChange", "scoring.ScoreRecord"} <= labels


@pytest.fixture(params=APPEND_ONLY_MODELS, ids=lambda m: m._meta.label)
def stored_record(request, instrument):
    model = request.param
    factory = FACTORIES.get(model._meta.label)
    if factory is None:
        pytest.fail(f"{model._meta.label} is append-only: add a factory for it to FACTORIES.")
    record = factory(SubmissionFactory(round=RoundFactory(version=instrument)))
    return model.objects.get(pk=record.pk)


def a_changed_field(record):
    """A concrete, non-key field of the record, to try to overwrite."""
    for field in record._meta.concrete_fields:
        if not field.primary_key and not field.is_relation:
            return field
    raise AssertionError(f"{type(record).__name__} has no field to change")


def assert_unchanged(record):
    stored = type(record).objects.get(pk=record.pk)
    field = a_changed_field(record)
    assert getattr(stored, field.attname) == getattr(record, field.attname)


def test_saving_a_stored_record_again_is_refused(stored_record):
    with pytest.raises(AppendOnlyError):
        stored_record.save()
    assert_unchanged(stored_record)


def test_deleting_a_record_is_refused(stored_record):
    with pytest.raises(AppendOnlyError):
        stored_record.delete()
    assert type(stored_record).objects.filter(pk=stored_record.pk).exists()


def test_updating_records_through_a_query_is_refused(stored_record):
    model = type(stored_record)
    field = a_changed_field(stored_record)
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=stored_record.pk).update(**{field.attname: None})
    assert_unchanged(stored_record)


def test_deleting_records_through_a_query_is_refused(stored_record):
    model = type(stored_record)
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=stored_record.pk).delete()
    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()
    assert model.objects.filter(pk=stored_record.pk).exists()


def test_an_upsert_over_a_stored_record_is_refused(stored_record):
    model = type(stored_record)
    field = a_changed_field(stored_record)
    with pytest.raises(AppendOnlyError):
        model.objects.bulk_create(
            [stored_record],
            update_conflicts=True,
            unique_fields=[model._meta.pk.name],
            update_fields=[field.name],
        )
    assert_unchanged(stored_record)


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        'UPDATE "{table}" SET "{column}" = "{column}"',
        'DELETE FROM "{table}"',
        'TRUNCATE "{table}" CASCADE',
    ],
    ids=["update", "delete", "truncate"],
)
def test_the_database_refuses_raw_sql_that_rewrites_records(stored_record, statement):
    model = type(stored_record)
    sql = statement.format(table=model._meta.db_table, column=a_changed_field(stored_record).column)
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # Checks the rows the test inserted now: PostgreSQL refuses to TRUNCATE a table with
        # deferred foreign-key checks pending, before the trigger could say anything.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql)
    assert model.objects.filter(pk=stored_record.pk).exists()
