"""Evidence files on the pages: attaching from the questionnaire without losing what was typed,
removing after a confirmation, downloading only for those who may see the submission, and the
files of a submitted version on the read-only copy and the review page."""

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from questionnaire.models import EvidenceFile
from review.services.submissions import submission_return
from tests import workflow
from tests.evidence_samples import attach, docx_bytes, exe_bytes, pdf_bytes, png_bytes, upload
from tests.factories import (
    AdministratorFactory,
    AnalystFactory,
    CountryFactory,
    FocalPointFactory,
    RegionFactory,
    RoundFactory,
)
from tests.questionnaire.factories import SubmissionFactory, answer_all, form_data

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def kenya(db):
    return CountryFactory(iso3="KEN", name="Kenya")


@pytest.fixture
def focal_point(kenya):
    return FocalPointFactory(username="wanjiru", first_name="Wanjiru", countries=[kenya])


@pytest.fixture
def draft(instrument, kenya):
    return SubmissionFactory(
        round=RoundFactory(version=instrument, code="round-open", reference_year=2030),
        country=kenya,
    )


def urls(submission) -> dict[str, str]:
    kwargs = {"round_code": submission.round.code, "iso3": submission.country.iso3}
    return {
        "fill": reverse("questionnaire:fill", kwargs=kwargs),
        "attach": reverse("questionnaire:attach_evidence_files", kwargs=kwargs),
        "history": reverse("questionnaire:item_history", kwargs={**kwargs, "item_code": "1a"}),
        "review": reverse("review:submission", args=[submission.round.code, "KEN"]),
    }


def file_url(evidence_file, name="evidence_file") -> str:
    submission = evidence_file.submission
    return reverse(
        f"questionnaire:{name}",
        kwargs={
            "round_code": submission.round.code,
            "iso3": submission.country.iso3,
            "key": evidence_file.key,
        },
    )


def answer(submission, code="1a"):
    return submission.answers.get(item__code=code)


# --- Attaching from the questionnaire ------------------------------------------------------------


def test_attaching_saves_what_was_typed_with_the_file(client, focal_point, draft):
    client.force_login(focal_point)
    data = form_data(draft, answers={"1a": {"policy_name": "Aliens Act"}}, attach="1a")
    data["1a-evidence_file"] = upload("Aliens Act.pdf", pdf_bytes())

    response = client.post(urls(draft)["attach"], data)

    assert response.status_code == 302
    assert response["Location"].endswith("#files-1a")
    assert answer(draft).policy_name == "Aliens Act"
    evidence_file = EvidenceFile.objects.get()
    assert (evidence_file.item.code, evidence_file.original_name) == ("1a", "Aliens Act.pdf")
    html = client.get(response["Location"]).content.decode()
    assert "“Aliens Act.pdf” was attached to item 1a." in html
    assert "Draft saved." in html
    assert f'<a href="{file_url(evidence_file)}">Aliens Act.pdf</a>' in html
    assert f'formaction="{file_url(evidence_file, "remove_evidence_file")}"' in html


def test_a_file_larger_than_what_is_kept_in_memory_is_checked_and_stored_whole(
    client, focal_point, draft, media, settings
):
    # Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to a temporary file first.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    content = docx_bytes(extra={"word/media/scan.bin": os.urandom(64 * 1024).hex()})
    client.force_login(focal_point)
    data = form_data(draft, attach="1a")
    data["1a-evidence_file"] = upload("Aliens Act.docx", content)
    assert client.post(urls(draft)["attach"], data).status_code == 302
    evidence_file = EvidenceFile.objects.get()
    assert evidence_file.size == len(content)
    assert Path(media, evidence_file.file.name).read_bytes() == content


def test_a_file_chosen_at_another_item_is_attached_too(client, focal_point, draft):
    client.force_login(focal_point)
    data = form_data(draft, attach="1a")
    data["1a-evidence_file"] = upload("law.pdf", pdf_bytes())
    data["4c-evidence_file"] = upload("decree.png", png_bytes())
    assert client.post(urls(draft)["attach"], data).status_code == 302
    assert sorted(EvidenceFile.objects.values_list("item__code", "original_name")) == [
        ("1a", "law.pdf"),
        ("4c", "decree.png"),
    ]


def test_the_questionnaire_s_form_sends_chosen_files_with_every_button(client, focal_point, draft):
    client.force_login(focal_point)
    html = client.get(urls(draft)["fill"]).content.decode()
    assert 'id="questionnaire" enctype="multipart/form-data"' in html


@pytest.mark.parametrize("target", ["questionnaire:save", "questionnaire:fill"])
def test_save_draft_with_a_file_chosen_attaches_it_with_the_save(
    client, focal_point, draft, target
):
    """Without JavaScript too: a file chosen, then "Save draft" pressed, is never left behind."""
    client.force_login(focal_point)
    data = form_data(draft, answers={"1a": {"policy_name": "Aliens Act"}})
    data["1a-evidence_file"] = upload("Aliens Act.pdf", pdf_bytes())

    response = client.post(reverse(target, args=["round-open", "KEN"]), data)

    assert response.status_code == 302
    assert response["Location"].endswith("#files-1a")
    assert answer(draft).policy_name == "Aliens Act"
    assert EvidenceFile.objects.get().original_name == "Aliens Act.pdf"
    html = client.get(response["Location"]).content.decode()
    assert "“Aliens Act.pdf” was attached to item 1a." in html and "Draft saved." in html


def test_changing_language_with_a_file_chosen_attaches_it_and_switches(client, focal_point, draft):
    client.force_login(focal_point)
    data = form_data(draft, switch_language="fr")
    data["2b-evidence_file"] = upload("décret.png", png_bytes())

    response = client.post(reverse("questionnaire:save", args=["round-open", "KEN"]), data)

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "fr"
    assert EvidenceFile.objects.get().item.code == "2b"
    assert "« décret.png » a été joint" in client.get(response["Location"]).content.decode()


def test_save_draft_with_a_refused_file_saves_nothing_and_says_why(client, focal_point, draft):
    client.force_login(focal_point)
    data = form_data(draft, answers={"1a": {"policy_name": "Typed, not saved yet"}})
    data["1a-evidence_file"] = upload("law.pdf", exe_bytes())

    response = client.post(reverse("questionnaire:save", args=["round-open", "KEN"]), data)

    assert response.status_code == 422
    html = response.content.decode()
    assert "its content is not a PDF" in html and 'value="Typed, not saved yet"' in html
    draft.refresh_from_db()
    assert draft.revision == 0 and not EvidenceFile.objects.exists()


def test_submitting_with_a_file_chosen_attaches_it_and_asks_to_submit_again(
    client, focal_point, draft
):
    answer_all(draft)
    draft.refresh_from_db()
    client.force_login(focal_point)
    data = form_data(draft, action="submit")
    data["3a-evidence_file"] = upload("policy.pdf", pdf_bytes())

    response = client.post(reverse("questionnaire:submit", args=["round-open", "KEN"]), data)

    assert response.status_code == 302
    assert response["Location"] == urls(draft)["fill"]
    assert EvidenceFile.objects.get().item.code == "3a"
    draft.refresh_from_db()
    assert draft.state == "draft"
    html = client.get(response["Location"]).content.decode()
    assert (
        "The questionnaire was not submitted yet: the files you chose were attached first." in html
    )


def test_pressing_remove_with_another_file_chosen_attaches_it_before_asking(
    client, focal_point, draft
):
    evidence_file = attach(draft, focal_point, name="old decree.pdf")
    draft.refresh_from_db()
    client.force_login(focal_point)
    remove_url = file_url(evidence_file, "remove_evidence_file")
    data = form_data(draft)
    data["1a-evidence_file"] = upload("new decree.pdf", pdf_bytes("New decree"))

    response = client.post(remove_url, data)

    assert response.status_code == 302 and response["Location"] == remove_url
    assert sorted(EvidenceFile.objects.current().values_list("original_name", flat=True)) == [
        "new decree.pdf",
        "old decree.pdf",
    ]


@pytest.mark.parametrize(
    ("file", "says"),
    [
        (upload("law.pdf", exe_bytes()), "its content is not a PDF"),
        (upload("empty.pdf", b""), "“empty.pdf” is empty: nothing to attach."),
        (None, "Choose a file to attach first."),
    ],
    ids=["program named .pdf", "empty file", "no file"],
)
def test_a_refused_upload_saves_nothing_and_keeps_what_was_typed(
    client, focal_point, draft, media, file, says
):
    client.force_login(focal_point)
    data = form_data(draft, answers={"1a": {"policy_name": "Typed, not saved yet"}}, attach="1a")
    if file is not None:
        data["1a-evidence_file"] = file

    response = client.post(urls(draft)["attach"], data)

    assert response.status_code == 422
    html = response.content.decode()
    assert says in html
    assert 'id="id_1a-evidence_file-error"' in html
    assert 'value="Typed, not saved yet"' in html
    assert 'data-dirty="true"' in html
    assert "Nothing was attached or saved." in html
    draft.refresh_from_db()
    assert draft.revision == 0
    assert answer(draft).policy_name == ""
    assert not EvidenceFile.objects.exists()
    assert not any(media.rglob("*.*"))


def test_an_item_full_of_files_offers_no_file_control_and_refuses_one_more(
    client, focal_point, draft, settings
):
    settings.EVIDENCE_FILES_PER_ITEM = 1
    attach(draft, focal_point)
    client.force_login(focal_point)
    html = client.get(urls(draft)["fill"]).content.decode()
    assert 'name="1a-evidence_file"' not in html
    assert "This item has the most files it can have (1)" in html
    assert 'name="1b-evidence_file"' in html

    draft.refresh_from_db()
    data = form_data(draft, attach="1a")
    data["1a-evidence_file"] = upload("another.pdf", pdf_bytes("another"))
    response = client.post(urls(draft)["attach"], data)
    assert response.status_code == 422
    assert "Item 1a can have at most 1 attached files" in response.content.decode()
    assert EvidenceFile.objects.count() == 1


def test_someone_who_may_not_change_the_answers_attaches_nothing(client, draft, kenya):
    analyst = AnalystFactory()
    client.force_login(analyst)
    data = form_data(draft, attach="1a")
    data["1a-evidence_file"] = upload("law.pdf", pdf_bytes())
    assert client.post(urls(draft)["attach"], data).status_code == 403
    stranger = FocalPointFactory(countries=[CountryFactory()])
    client.force_login(stranger)
    data["1a-evidence_file"] = upload("law.pdf", pdf_bytes())
    assert client.post(urls(draft)["attach"], data).status_code == 404
    assert not EvidenceFile.objects.exists()


def test_an_analyst_attaches_on_behalf_of_the_country(client, draft):
    analyst = AnalystFactory()
    client.force_login(analyst)
    data = form_data(draft, attach="2a", on_behalf="1")
    data["2a-evidence_file"] = upload("sent by e-mail.pdf", pdf_bytes())
    response = client.post(urls(draft)["attach"], data)
    assert response.status_code == 302
    assert "on_behalf=1" in response["Location"]
    evidence_file = EvidenceFile.objects.get()
    assert evidence_file.entered_on_behalf
    assert evidence_file.uploaded_by == analyst


class FormNesting(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = self.deepest = 0
        self.file_inputs_in_form = 0

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)
        if tag == "input" and ("type", "file") in attrs and self.depth:
            self.file_inputs_in_form += 1

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth -= 1


def test_every_item_has_a_file_control_inside_the_questionnaire_s_form_and_no_form_is_nested(
    client, focal_point, draft
):
    client.force_login(focal_point)
    html = client.get(urls(draft)["fill"]).content.decode()
    parser = FormNesting()
    parser.feed(html)
    assert parser.deepest == 1
    assert parser.file_inputs_in_form == 30
    assert html.count('formenctype="multipart/form-data"') == 30
    assert html.count(f'formaction="{urls(draft)["attach"]}"') == 30


def test_the_page_costs_the_same_queries_with_files_on_many_items_or_none(
    client, focal_point, draft
):
    client.force_login(focal_point)
    url = urls(draft)["fill"]
    client.post(url, form_data(draft, answers={"1a": {"policy_name": "Aliens Act"}}))
    client.get(url)  # shows "Draft saved." once

    def rebuilt() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    without = rebuilt()
    for code in ("1a", "2b", "3c", "4d", "5e", "6a"):
        attach(draft, focal_point, code=code, name=f"{code}.pdf", content=pdf_bytes(code))
    html = client.get(url).content.decode()
    assert html.count('class="evidence-file"') == 6
    assert rebuilt() == without


# --- Removing ------------------------------------------------------------------------------------


def test_removing_saves_the_form_asks_to_confirm_and_records_it_in_the_history(
    client, focal_point, draft
):
    evidence_file = attach(draft, focal_point, name="old decree.pdf")
    draft.refresh_from_db()
    client.force_login(focal_point)
    remove_url = file_url(evidence_file, "remove_evidence_file")

    data = form_data(draft, answers={"1b": {"policy_name": "Typed before removing"}})
    response = client.post(remove_url, data)
    assert response.status_code == 302
    assert response["Location"] == remove_url
    assert answer(draft, "1b").policy_name == "Typed before removing"

    page = client.get(remove_url).content.decode()
    assert "Remove “old decree.pdf” from item 1a?" in page
    assert EvidenceFile.objects.current().count() == 1

    response = client.post(remove_url, {"confirmed": "1", "note": "wrong file"})
    assert response.status_code == 302
    assert response["Location"].endswith("#files-1a")
    assert EvidenceFile.objects.current().count() == 0
    assert evidence_file.__class__.objects.get(pk=evidence_file.pk).removal.note == "wrong file"

    assert (
        "“old decree.pdf” was removed from item 1a."
        in client.get(urls(draft)["fill"]).content.decode()
    )
    history = client.get(urls(draft)["history"]).content.decode()
    assert history.count("Attached file") == 2
    assert history.count("old decree.pdf") == 2
    # Removed from a draft no version listed: gone for everyone.
    assert client.get(file_url(evidence_file)).status_code == 404


def test_a_removal_cannot_be_confirmed_by_someone_who_may_not_change_the_answers(
    client, focal_point, draft
):
    evidence_file = attach(draft, focal_point)
    remove_url = file_url(evidence_file, "remove_evidence_file")
    client.force_login(FocalPointFactory(countries=[CountryFactory()]))
    assert client.post(remove_url, {"confirmed": "1"}).status_code == 404
    client.force_login(AnalystFactory())
    assert client.get(remove_url).status_code == 403
    assert client.post(remove_url, {"confirmed": "1"}).status_code == 403
    assert EvidenceFile.objects.current().count() == 1


# --- Downloading ---------------------------------------------------------------------------------


def content_of(response) -> bytes:
    # Read to the end, the test client closes the file (and only then).
    return b"".join(response.streaming_content)


def test_a_focal_point_downloads_the_file_as_an_attachment_under_its_own_name(
    client, focal_point, draft
):
    content = pdf_bytes("Ley de Migración")
    evidence_file = attach(draft, focal_point, name="Ley de Migración.pdf", content=content)
    client.force_login(focal_point)
    response = client.get(file_url(evidence_file))
    assert response.status_code == 200
    assert content_of(response) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Ley%20de%20Migraci%C3%B3n.pdf" in response["Content-Disposition"]
    assert "private" in response["Cache-Control"]


def test_only_those_who_may_see_the_submission_download_its_files(
    client, focal_point, draft, kenya
):
    evidence_file = attach(draft, focal_point)
    url = file_url(evidence_file)
    in_scope = AnalystFactory(regions=[kenya.sdg_region])
    elsewhere = AnalystFactory(regions=[RegionFactory()])
    stranger = FocalPointFactory(countries=[CountryFactory()])

    assert client.get(url).status_code == 404  # signed out
    for user, status in ((stranger, 404), (elsewhere, 404), (in_scope, 200)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            content_of(response)
    # The file's key under another country's address: 404 even for someone who sees both.
    other = CountryFactory(iso3="SEN")
    forged = url.replace("/KEN/", f"/{other.iso3}/")
    client.force_login(AnalystFactory())
    assert client.get(forged).status_code == 404


def test_a_submitted_version_s_file_stays_downloadable_after_its_removal_from_the_draft(
    client, focal_point, draft
):
    evidence_file = attach(draft, focal_point)
    answer_all(draft)
    workflow.submit(draft, by=focal_point)
    submission_return(submission=draft, by=None, reason="Attach the amended act")
    client.force_login(focal_point)
    remove_url = file_url(evidence_file, "remove_evidence_file")
    assert client.post(remove_url, {"confirmed": "1"}).status_code == 302
    assert EvidenceFile.objects.current().count() == 0
    response = client.get(file_url(evidence_file))
    assert response.status_code == 200
    assert content_of(response).startswith(b"%PDF-")


# --- The read-only copy and the review -----------------------------------------------------------


def test_the_read_only_copy_and_the_review_page_list_the_version_s_files(
    client, focal_point, draft, kenya
):
    law = attach(draft, focal_point, code="1a", name="Aliens Act.pdf")
    answer_all(draft)
    workflow.submit(draft, by=focal_point)

    client.force_login(focal_point)
    copy = client.get(urls(draft)["fill"]).content.decode()
    assert "Read-only copy." in copy
    assert f'<a href="{file_url(law)}">Aliens Act.pdf</a>' in copy
    assert 'type="file"' not in copy

    client.force_login(AnalystFactory(regions=[kenya.sdg_region]))
    review = client.get(urls(draft)["review"]).content.decode()
    assert f'<a href="{file_url(law)}">Aliens Act.pdf</a>' in review
    assert "(PDF," in review


def test_the_review_page_shows_files_changed_since_the_previous_version(
    client, focal_point, draft, kenya
):
    law = attach(draft, focal_point, code="1a", name="Aliens Act.pdf")
    answer_all(draft)
    workflow.submit(draft, by=focal_point)
    submission_return(submission=draft, by=None, reason="Attach the amended act")
    client.force_login(focal_point)
    client.post(file_url(law, "remove_evidence_file"), {"confirmed": "1"})
    attach(draft, focal_point, code="1a", name="Aliens Act 2021.pdf", content=pdf_bytes("2021"))
    workflow.submit(draft, by=focal_point)

    client.force_login(AnalystFactory(regions=[kenya.sdg_region]))
    review = client.get(urls(draft)["review"]).content.decode()
    assert "Aliens Act 2021.pdf</a>" in review
    assert "Attached files: <del>" in review
    assert "Aliens Act.pdf</del>" in review
    first = client.get(reverse("review:version", args=[draft.round.code, "KEN", 1]))
    assert f'<a href="{file_url(law)}">Aliens Act.pdf</a>' in first.content.decode()


# --- Settings --------------------------------------------------------------------------------------


def test_a_request_always_fits_the_largest_evidence_file_with_its_form(settings):
    assert settings.MAX_UPLOAD_BYTES >= settings.EVIDENCE_FILE_MAX_BYTES + 2 * 1024 * 1024


def test_an_s3_bucket_in_the_environment_selects_django_storages_or_says_what_to_install():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment["AWS_STORAGE_BUCKET_NAME"] = "policyindex-evidence"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'policyindex.settings';"
            "from django.conf import settings; print(settings.STORAGES['default'])",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    try:
        import storages  # noqa: F401
    except ImportError:
        assert result.returncode != 0
        assert 'pip install "django-storages[s3]"' in result.stderr
    else:
        assert "storages.backends.s3.S3Storage" in result.stdout
        assert "policyindex-evidence" in result.stdout


# --- The admin ---------------------------------------------------------------------------------


def test_the_admin_shows_attachments_read_only_with_the_checked_download_address(
    client, focal_point, draft
):
    evidence_file = attach(draft, focal_point, name="Aliens Act.pdf")
    client.force_login(AdministratorFactory())
    listing = client.get(reverse("admin:questionnaire_evidencefile_changelist"))
    assert "Aliens Act.pdf" in listing.content.decode()
    change = client.get(
        reverse("admin:questionnaire_evidencefile_change", args=[evidence_file.pk])
    ).content.decode()
    assert f'<a href="{file_url(evidence_file)}">Aliens Act.pdf</a>' in change
    assert evidence_file.file.name not in change  # never the storage's own address
    assert 'type="file"' not in change
