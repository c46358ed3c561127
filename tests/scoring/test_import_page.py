"""The administrators' upload page of published results: a dry run that writes nothing, then a
confirmation that imports exactly what the dry run showed."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from questionnaire.models import Round
from scoring.models import PublishedResult, Release, ResultImport
from scoring.services.imports import import_published_results
from tests.factories import AdministratorFactory, AnalystFactory, FocalPointFactory, RoundFactory

DATA = Path(__file__).parent / "data"
UPLOAD = reverse("scoring:import")
CONFIRM = reverse("scoring:import-confirm")


@pytest.fixture
def admin_client(client, instrument, all_countries):
    RoundFactory(version=instrument, reference_year=2019)
    RoundFactory(version=instrument, reference_year=2021)
    client.force_login(AdministratorFactory())
    return client


def upload(client, name="sdg_api_SG_CPA_MIGRS.csv", content=None, **fields):
    data = content if content is not None else (DATA / name).read_bytes()
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data), **fields})


def confirm_fields(response):
    form = response.context["confirm_form"]
    return {name: form.initial[name] for name in ("sha256", "fingerprint")}


def test_the_dry_run_shows_what_would_change_and_writes_nothing(admin_client):
    response = upload(admin_client)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Dry run: nothing has been written yet." in page
    assert "5 new, 0 changed, 0 unchanged" in page
    assert "Skipped: 1 row of an area that is not one of the countries" in page
    assert 'id="import-additions"' in page and "Albania (008)" in page
    assert not PublishedResult.objects.exists() and not ResultImport.objects.exists()


def test_confirming_imports_what_the_dry_run_showed(admin_client):
    response = upload(admin_client, reason="SDG database update")

    confirmed = admin_client.post(CONFIRM, confirm_fields(response), follow=True)

    assert PublishedResult.objects.count() == 5
    result_import = ResultImport.objects.get()
    assert result_import.reason == "SDG database update"
    assert result_import.file_name == "sdg_api_SG_CPA_MIGRS.csv"
    assert "recorded as import #" in confirmed.content.decode()


def test_a_changed_value_is_shown_old_to_new_before_it_is_written(admin_client):
    import_published_results(
        data=(DATA / "data_un_org_SG_CPA_MIGRS.csv").read_bytes(), file_name="un.csv"
    )
    corrected = (DATA / "data_un_org_SG_CPA_MIGRS.csv").read_text(encoding="utf-8")
    corrected = corrected.replace(
        ",208,_T,_T,_T,_T,_T,_T,_T,_T,_T,_T,_T,2021,4,",
        ",208,_T,_T,_T,_T,_T,_T,_T,_T,_T,_T,_T,2021,2,",
    )

    response = upload(admin_client, "corrected.csv", corrected.encode())

    changes = response.context["outcome"].changes
    assert [(c["country"], c["year"], c["breakdown"], c["old"], c["new"]) for c in changes] == [
        ("Denmark", 2021, "_T", 4, 2)
    ]
    assert "4 unchanged" in response.content.decode()
    assert PublishedResult.objects.count() == 5


def test_confirming_a_forged_or_stale_dry_run_writes_nothing(admin_client):
    response = upload(admin_client)
    fields = confirm_fields(response)

    forged = admin_client.post(CONFIRM, {**fields, "sha256": "0" * 64}, follow=True)
    assert "Nothing was imported" in forged.content.decode()
    assert not PublishedResult.objects.exists()

    # Someone imports another file in between: the dry run no longer says what would happen.
    response = upload(admin_client)
    import_published_results(
        data=(DATA / "data_un_org_SG_CPA_MIGRS.csv").read_bytes(), file_name="other.csv"
    )
    stale = admin_client.post(CONFIRM, confirm_fields(response))
    assert "changed since the dry run" in stale.content.decode()
    assert ResultImport.objects.count() == 1


def test_a_published_round_needs_the_revision_checkbox_and_a_reason(admin_client):
    Round.objects.filter(reference_year=2021).update(state=Round.State.PUBLISHED)

    refused = upload(admin_client)
    assert "import again as a revision of the release" in refused.content.decode()
    assert refused.context["confirm_form"] is None

    no_reason = upload(admin_client, revise_release="on")
    assert "A revision of a release needs a reason." in no_reason.content.decode()

    revision = upload(admin_client, revise_release="on", reason="UN correction")
    admin_client.post(CONFIRM, confirm_fields(revision))
    assert PublishedResult.objects.count() == 5
    assert Release.objects.filter(round__reference_year=2021, reason="UN correction").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,age\nAda,36\n", "none of the layouts accepted"),
        (b"PK\x03\x04\x14\x00binary", "looks like an Excel workbook"),
        (b"", "The submitted file is empty."),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_nothing_is_written(admin_client, content, message):
    response = upload(admin_client, "bad.csv", content)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ResultImport.objects.exists()


SDMX_HEADER = (
    "DATAFLOW,SERIES,REF_AREA,TIME_PERIOD,COMPOSITE_BREAKDOWN,OBS_VALUE,FREQ,REPORTING_TYPE,"
    "SEX,AGE,URBANISATION,INCOME_WEALTH_QUANTILE,EDUCATION_LEV,OCCUPATION,CUST_BREAKDOWN,"
    "DISABILITY_STATUS,ACTIVITY,PRODUCT,OBS_STATUS,UNIT_MULT,UNIT_MEASURE,NATURE\n"
)


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "Line 2: OBS_VALUE &#x27;9&#x27; is not a category 1, 2, 3 or 4"),
        ("fr", "Ligne 2 : OBS_VALUE &#x27;9&#x27; n’est pas une catégorie 1, 2, 3 ou 4"),
        ("es", "Línea 2: OBS_VALUE &#x27;9&#x27; no es una categoría 1, 2, 3 o 4"),
    ],
)
def test_a_wrong_row_of_an_sdmx_file_is_named_in_the_administrator_s_language(
    admin_client, language, says
):
    row = (
        "IAEG-SDGs:DF_SDG_GLH(1.26),SG_CPA_MIGRS,008,2021,_T,9,A,G,"
        "_T,_T,_T,_T,_T,_T,_T,_T,_T,_T,A,0,NUMBER,C\n"
    )
    admin_client.cookies["django_language"] = language

    response = upload(admin_client, "sdmx.csv", (SDMX_HEADER + row).encode())

    assert response.status_code == 200
    assert says in response.content.decode()
    assert not ResultImport.objects.exists()


@pytest.mark.parametrize("make_user", [AnalystFactory, FocalPointFactory])
def test_people_other_than_administrators_are_refused(client, instrument, all_countries, make_user):
    client.force_login(make_user())
    assert client.get(UPLOAD).status_code == 403
    response = client.post(
        UPLOAD,
        {"file": SimpleUploadedFile("f.csv", (DATA / "sdg_api_SG_CPA_MIGRS.csv").read_bytes())},
    )
    assert response.status_code == 403
    assert client.post(CONFIRM, {"sha256": "0" * 64, "fingerprint": "0" * 64}).status_code == 403
    assert not PublishedResult.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    assert client.get(UPLOAD).status_code == 302


def test_the_results_index_links_the_page_for_administrators_only(client, db):
    client.force_login(AdministratorFactory())
    assert UPLOAD in client.get(reverse("scoring:index")).content.decode()
    client.force_login(AnalystFactory())
    assert UPLOAD not in client.get(reverse("scoring:index")).content.decode()
