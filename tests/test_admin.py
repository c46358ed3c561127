"""The admin covers every model: each list page opens with its columns, search and filters."""

import pytest
from django.contrib import admin
from django.urls import reverse

from fixtures.demo import load_demo_answers, load_demo_users
from fixtures.geography import load_countries
from fixtures.rounds import load_rounds
from tests.factories import AdministratorFactory


@pytest.fixture
def demo_site(db):
    load_countries()
    load_rounds()
    load_demo_users()
    load_demo_answers()


def test_every_project_model_is_registered_in_the_admin():
    from django.apps import apps

    for app in ("geography", "accounts", "questionnaire", "scoring", "review"):
        for model in apps.get_app_config(app).get_models():
            assert admin.site.is_registered(model), model


def test_every_admin_list_and_change_page_opens_for_an_administrator(client, demo_site):
    client.force_login(AdministratorFactory())
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        if meta.app_label not in ("geography", "accounts", "questionnaire", "scoring"):
            continue
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        if model_admin.search_fields:
            assert client.get(changelist, {"q": "a"}).status_code == 200, changelist
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert client.get(change).status_code == 200, change


def test_admin_pages_show_answers_by_their_label_never_by_their_code(client, demo_site):
    from questionnaire.models import Answer, Submission

    client.force_login(AdministratorFactory())
    answer = Answer.objects.exclude(option_code="").select_related("item").first()
    submission = answer.submission
    pages = [
        reverse("admin:questionnaire_answer_changelist"),
        reverse("admin:questionnaire_answer_change", args=[answer.pk]),
        reverse("admin:questionnaire_submission_change", args=[submission.pk]),
        reverse("admin:questionnaire_answerchange_changelist"),
    ]
    codes = {"yes_all", "yes_legal"}
    for url in pages:
        html = client.get(url).content.decode()
        assert not any(f">{code}<" in html or f": {code}" in html for code in codes), url
    assert Submission.objects.filter(pk=submission.pk).exists()
