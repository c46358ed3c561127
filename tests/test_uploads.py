"""A request body over the upload limit is refused before it is read, in the user's language."""

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from policyindex.middleware.uploads import BoundedUploadMiddleware
from tests.factories import FocalPointFactory

LIMIT = 1000


def a_view_that_must_not_run(request):
    raise AssertionError("the view read a body that should have been refused")


def refused(request):
    return BoundedUploadMiddleware(a_view_that_must_not_run)(request)


@override_settings(MAX_UPLOAD_BYTES=LIMIT)
def test_a_body_over_the_limit_is_refused_unread(db):
    request = RequestFactory().post("/anywhere/", {"file": b"x" * (LIMIT + 1)})
    request.user = FocalPointFactory()
    response = refused(request)
    assert response.status_code == 413
    assert request.environ["wsgi.input"].read_started is False
    assert "larger than" in response.content.decode()


@override_settings(MAX_UPLOAD_BYTES=LIMIT)
def test_a_chunked_multipart_body_without_a_length_is_refused_unread(db):
    request = RequestFactory().post(
        "/anywhere/", b"--b\r\n", content_type="multipart/form-data; boundary=b"
    )
    del request.META["CONTENT_LENGTH"]
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    response = refused(request)
    assert response.status_code == 411
    assert request.environ["wsgi.input"].read_started is False


@override_settings(MAX_UPLOAD_BYTES=LIMIT)
def test_the_refusal_is_translated(client, db):
    client.cookies["django_language"] = "fr"
    response = client.post(reverse("login"), {"username": "x" * (LIMIT + 1)})
    assert response.status_code == 413
    html = response.content.decode()
    assert '<html lang="fr">' in html


@override_settings(MAX_UPLOAD_BYTES=LIMIT)
def test_a_body_within_the_limit_reaches_the_view(client, db):
    response = client.post(reverse("login"), {"username": "someone", "password": "wrong"})
    assert response.status_code == 200


def test_the_default_limit_is_ten_mib_and_the_questionnaire_fits_django_limits(settings):
    assert settings.MAX_UPLOAD_BYTES == 10 * 1024 * 1024
    # The questionnaire posts about 200 fields; an Excel upload a few MiB.
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS >= 400
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.MAX_UPLOAD_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.MAX_UPLOAD_BYTES


@pytest.mark.parametrize("length", ["", "abc", "-1"])
def test_a_missing_or_malformed_length_is_left_to_django(length, db, client):
    request = RequestFactory().get("/")
    request.META["CONTENT_LENGTH"] = length
    assert BoundedUploadMiddleware(lambda r: "reached")(request) == "reached"
