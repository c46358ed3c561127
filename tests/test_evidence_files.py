"""Attaching and removing evidence files: who may, what the history records, what a submitted
version freezes, and that a version's files are never deleted."""

import hashlib
import io
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from kernel.append_only import AppendOnlyError
from questionnaire.models import AnswerChange, EvidenceFile, EvidenceFileRemoval, Submission
from questionnaire.services.answers import AnswerInput
from questionnaire.services.evidence import (
    EvidenceRefused,
    attach_evidence_file,
    current_files,
    downloadable,
    remove_evidence_file,
)
from review.services.submissions import submission_return
from tests import workflow
from tests.evidence_samples import (
    attach,
    docx_bytes,
    exe_bytes,
    odt_bytes,
    pdf_bytes,
    png_bytes,
    upload,
)
from tests.factories import AnalystFactory, CountryFactory, FocalPointFactory, RoundFactory
from tests.questionnaire.factories import SubmissionFactory, answer_all, save_as


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def open_round(instrument):
    return RoundFactory(version=instrument, code="round-open", reference_year=2030)


@pytest.fixture
def kenya(db):
    return CountryFactory(iso3="KEN", name="Kenya")


@pytest.fixture
def focal_point(kenya):
    return FocalPointFactory(username="wanjiru", first_name="Wanjiru", countries=[kenya])


@pytest.fixture
def colleague(kenya):
    return FocalPointFactory(username="otieno", first_name="Otieno", countries=[kenya])


@pytest.fixture
def draft(open_round, kenya):
    return SubmissionFactory(round=open_round, country=kenya)


def stored_files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file())


def history_of(submission, code="1a"):
    return list(
        AnswerChange.objects.filter(submission=submission, item__code=code)
        .order_by("revision", "pk")
        .values_list("field", "old_value", "new_value", "changed_by__username")
    )


# --- Attaching ------------------------------------------------------------------------------


def test_attaching_stores_the_bytes_under_a_random_name_and_records_it_in_the_history(
    draft, focal_point, media
):
    content = docx_bytes()
    evidence_file = attach(draft, focal_point, name="Aliens Act (2019).docx", content=content)

    draft.refresh_from_db()
    assert draft.revision == 1
    assert draft.updated_by == focal_point
    assert evidence_file.original_name == "Aliens Act (2019).docx"
    assert evidence_file.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence_file.size == len(content)
    assert evidence_file.revision == 1
    (path,) = stored_files(media)
    assert path.read_bytes() == content
    assert "Aliens" not in str(path)
    assert path.name == f"{evidence_file.key.hex}.docx"
    assert history_of(draft) == [("attachment", "", "Aliens Act (2019).docx", "wanjiru")]
    assert draft.answers.get(item__code="1a").change_count == 1


def test_attaching_to_a_questionnaire_not_started_yet_starts_it(open_round, kenya, focal_point):
    attach_evidence_file(
        round=open_round,
        country=kenya,
        item_code="2c",
        uploaded_file=upload("decree.png", png_bytes()),
        by=focal_point,
    )
    submission = Submission.objects.get(round=open_round, country=kenya)
    assert submission.answers.count() == 30
    assert [
        f.name for f in current_files(submission)[submission.answers.get(item__code="2c").item_id]
    ] == ["decree.png"]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("law.pdf", exe_bytes(), "is not a PDF"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_a_refused_file_changes_nothing(draft, focal_point, media, name, content, says):
    with pytest.raises(EvidenceRefused, match=says):
        attach(draft, focal_point, name=name, content=content)
    draft.refresh_from_db()
    assert draft.revision == 0
    assert not EvidenceFile.objects.exists()
    assert not AnswerChange.objects.exists()
    assert stored_files(media) == []


def test_an_item_takes_at_most_its_number_of_files_and_each_file_once(
    draft, focal_point, media, settings
):
    settings.EVIDENCE_FILES_PER_ITEM = 2
    attach(draft, focal_point, name="one.pdf")
    attach(draft, focal_point, name="two.odt", content=odt_bytes())
    with pytest.raises(EvidenceRefused, match="at most 2 attached files"):
        attach(draft, focal_point, name="three.pdf")
    attach(draft, focal_point, code="1b", name="three.pdf", content=pdf_bytes("3"))  # room here
    with pytest.raises(EvidenceRefused, match="already attached to item 1b"):
        attach(draft, focal_point, code="1b", name="three again.pdf", content=pdf_bytes("3"))
    assert EvidenceFile.objects.count() == 3
    assert len(stored_files(media)) == 3


def test_only_who_may_change_the_answers_attaches(draft, kenya, media):
    stranger = FocalPointFactory(countries=[CountryFactory()])
    analyst = AnalystFactory()
    for user, on_behalf in ((stranger, False), (analyst, False)):
        with pytest.raises(EvidenceRefused):
            attach(draft, user, on_behalf=on_behalf)
    workflow.submit(draft)
    with pytest.raises(EvidenceRefused, match="submitted"):
        attach(draft, FocalPointFactory(countries=[kenya]))
    assert not EvidenceFile.objects.exists()
    assert stored_files(media) == []


def test_an_analyst_attaches_on_behalf_of_the_country_and_it_is_recorded(draft, focal_point):
    analyst = AnalystFactory(username="analyst")
    evidence_file = attach(draft, analyst, on_behalf=True)
    assert evidence_file.entered_on_behalf
    assert evidence_file.uploaded_by == analyst
    answer_all(draft)
    version = workflow.submit(draft, by=focal_point)
    # Whoever changed this version besides the country's focal points may not validate it.
    assert version.entered_by_ids == [analyst.pk]
    assert version.entered_on_behalf


# --- Removing -------------------------------------------------------------------------------


def test_removing_from_a_draft_is_recorded_and_deletes_bytes_no_version_lists(
    draft, focal_point, colleague, media, django_capture_on_commit_callbacks
):
    evidence_file = attach(draft, focal_point, name="old decree.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        removal = remove_evidence_file(
            evidence_file=evidence_file, by=colleague, note="replaced by the 2021 act"
        )
    draft.refresh_from_db()
    assert draft.revision == 2
    assert (removal.removed_by, removal.note, removal.revision) == (
        colleague,
        "replaced by the 2021 act",
        2,
    )
    assert history_of(draft) == [
        ("attachment", "", "old decree.pdf", "wanjiru"),
        ("attachment", "old decree.pdf", "", "otieno"),
    ]
    assert current_files(draft) == {}
    assert stored_files(media) == []
    assert not downloadable(evidence_file)
    # The record of the file stays, with its removal.
    assert EvidenceFile.objects.get(pk=evidence_file.pk).removal == removal
    with pytest.raises(EvidenceRefused, match="already removed"):
        remove_evidence_file(evidence_file=evidence_file, by=focal_point)


def test_a_submitted_version_freezes_the_attachments_and_their_bytes_are_never_deleted(
    draft, focal_point, media, django_capture_on_commit_callbacks
):
    law = attach(draft, focal_point, code="1a", name="Aliens Act.pdf")
    image = attach(draft, focal_point, code="3b", name="decree.png", content=png_bytes())
    answer_all(draft)
    version = workflow.submit(draft, by=focal_point)

    assert version.content["attachments"] == {
        "1a": [law.frozen],
        "3b": [image.frozen],
    }
    assert version.content["attachments"]["1a"][0] == {
        "id": str(law.key),
        "name": "Aliens Act.pdf",
        "sha256": law.sha256,
        "size": law.size,
        "content_type": "application/pdf",
    }
    assert version.is_intact()

    # Returned to the country: the focal point removes the law from the draft.
    submission_return(submission=draft, by=None, reason="Attach the amended act")
    with django_capture_on_commit_callbacks(execute=True):
        remove_evidence_file(evidence_file=law, by=focal_point)
    assert law.file.storage.exists(law.file.name)
    assert downloadable(law)

    second = workflow.submit(draft, by=focal_point)
    assert second.content["attachments"] == {"3b": [image.frozen]}
    # The first version still lists the law, and its bytes are still there.
    version.refresh_from_db()
    assert version.content["attachments"]["1a"][0]["id"] == str(law.key)
    assert version.is_intact()
    assert Path(media, law.file.name).read_bytes()[:5] == b"%PDF-"


def test_a_version_without_files_keeps_the_content_it_always_had(draft, focal_point):
    answer_all(draft)
    version = workflow.submit(draft, by=focal_point)
    assert set(version.content) == {"answers", "general_comment"}


def test_a_submitted_version_s_files_cannot_be_removed(draft, focal_point, media):
    evidence_file = attach(draft, focal_point)
    answer_all(draft)
    workflow.submit(draft, by=focal_point)
    with pytest.raises(EvidenceRefused, match="submitted"):
        remove_evidence_file(evidence_file=evidence_file, by=focal_point)
    assert not EvidenceFileRemoval.objects.exists()
    assert len(stored_files(media)) == 1


# --- Colleagues at once -----------------------------------------------------------------------


def test_an_attachment_bumps_the_revision_but_never_conflicts_with_a_colleague_s_text(
    draft, focal_point, colleague
):
    draft.refresh_from_db()
    based_on = draft.revision
    attach(draft, focal_point, code="1a")  # meanwhile, on the same item
    outcome = save_as(
        colleague,
        draft,
        {"1a": AnswerInput(option_code="no", policy_name="Aliens Act", comment="See the annex")},
        base_revision=based_on,
    )
    assert outcome.conflicts == []
    answer = draft.answers.get(item__code="1a")
    assert (answer.option_code, answer.policy_name, answer.comment) == (
        "no",
        "Aliens Act",
        "See the annex",
    )
    draft.refresh_from_db()
    assert draft.revision == 2
    assert len(current_files(draft)) == 1


# --- Records of the past ---------------------------------------------------------------------


def test_attachments_and_removals_are_never_changed_or_deleted(draft, focal_point):
    evidence_file = attach(draft, focal_point)
    removal = remove_evidence_file(evidence_file=evidence_file, by=focal_point)
    for record in (evidence_file, removal):
        with pytest.raises(AppendOnlyError):
            record.save()
        with pytest.raises(AppendOnlyError):
            record.delete()
        with pytest.raises(AppendOnlyError):
            type(record).objects.filter(pk=record.pk).delete()
    with pytest.raises(AppendOnlyError):
        EvidenceFile.objects.filter(pk=evidence_file.pk).update(original_name="other.pdf")


@pytest.mark.postgres_only
def test_the_database_refuses_to_rewrite_an_attachment(draft, focal_point):
    evidence_file = attach(draft, focal_point)
    for sql in (
        "UPDATE questionnaire_evidencefile SET original_name = 'other.pdf'",
        "DELETE FROM questionnaire_evidencefile",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    evidence_file.refresh_from_db()
    assert evidence_file.original_name == "law.pdf"


def test_someone_who_may_not_answer_starts_nothing_by_attaching(open_round, kenya, media):
    with pytest.raises(EvidenceRefused, match="You cannot answer this questionnaire"):
        attach_evidence_file(
            round=open_round,
            country=kenya,
            item_code="1a",
            uploaded_file=upload("law.pdf", pdf_bytes()),
            by=AnalystFactory(),
        )
    assert not Submission.objects.exists()
    assert stored_files(media) == []


# --- Bytes no attachment names ----------------------------------------------------------------


def test_bytes_left_by_a_rolled_back_attachment_are_deleted_once_old_and_nothing_else(
    draft, focal_point, media
):
    kept = attach(draft, focal_point)
    with pytest.raises(RuntimeError), transaction.atomic():
        attach(draft, focal_point, code="2a", name="decree.pdf")
        raise RuntimeError("the request failed after the attachment")
    assert EvidenceFile.objects.count() == 1
    orphan = next(p for p in stored_files(media) if p != media / kept.file.name)

    out = io.StringIO()
    call_command("delete_orphaned_evidence_files", stdout=out)
    assert "0 stored file(s)" in out.getvalue() and orphan.exists()  # may still be on its way

    two_days_ago = time.time() - 48 * 3600
    for path in stored_files(media):
        os.utime(path, (two_days_ago, two_days_ago))
    out = io.StringIO()
    call_command("delete_orphaned_evidence_files", "--dry-run", stdout=out)
    assert "1 stored file(s) no attachment names would be deleted." in out.getvalue()
    assert orphan.exists()

    call_command("delete_orphaned_evidence_files", stdout=io.StringIO())
    assert stored_files(media) == [media / kept.file.name]


def test_looking_for_orphaned_bytes_before_anything_was_stored_finds_nothing(db, media):
    out = io.StringIO()
    call_command("delete_orphaned_evidence_files", stdout=out)
    assert "0 stored file(s) no attachment names deleted." in out.getvalue()
