"""No English left on French or Spanish pages, the admin included."""

import re
from html import unescape
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.functional import Promise

from scoring.services.scores import score_validated_submission
from tests.factories import AdministratorFactory, AnalystFactory, FocalPointFactory, RoundFactory
from tests.scoring.factories import validated_submission

LOCALE_DIR = Path(settings.BASE_DIR) / "policyindex" / "locale"


def project_apps():
    """The apps of this repository, whose labels, choices and help texts we translate."""
    root = Path(settings.BASE_DIR).resolve()
    return sorted(
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == root
    )


def untranslated_labels(app_label: str) -> list[str]:
    problems = []
    for model in apps.get_app_config(app_label).get_models():
        meta = model._meta
        for value, what in (
            (meta.verbose_name, "verbose_name"),
            (meta.verbose_name_plural, "plural"),
        ):
            if not isinstance(value, Promise):
                problems.append(f"{model.__name__}.{what}")
        for field in meta.get_fields():
            if (field.auto_created and not field.concrete) or field.name == "id":
                continue
            if not isinstance(field.verbose_name, Promise):
                problems.append(f"{model.__name__}.{field.name}: no translated verbose_name")
            if field.help_text and not isinstance(field.help_text, Promise):
                problems.append(f"{model.__name__}.{field.name}: help_text")
            for _value, label in field.flatchoices or ():
                if not isinstance(label, Promise):
                    problems.append(f"{model.__name__}.{field.name}: choice {label!r}")
    return problems


@pytest.mark.parametrize(
    "app_label",
    [label for label in project_apps()],
)
def test_every_model_label_choice_and_help_text_is_translatable(app_label):
    assert untranslated_labels(app_label) == []


def english_phrases(language: str) -> list[str]:
    """Our msgids of two words or more whose translation differs from the English."""
    catalogue = polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))
    return [
        entry.msgid
        for entry in catalogue.translated_entries()
        if "%" not in entry.msgid
        and "<" not in entry.msgid
        and len(entry.msgid.split()) >= 2
        and entry.msgstr != entry.msgid
    ]


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def scored_country(instrument, all_countries):
    from geography.models import Country
    from questionnaire.models import Round

    round_ = RoundFactory(version=instrument, state=Round.State.CLOSED)
    kenya = Country.objects.get(iso3="KEN")
    submission = validated_submission(round=round_, country=kenya)
    score_validated_submission(submission=submission, by=None, reason="")
    FocalPointFactory(countries=[kenya])
    AnalystFactory()
    return kenya


def admin_urls(questionnaire: bool):
    """The list and first change page of every admin model: the questionnaire's, or all others."""
    urls = []
    for model in admin.site._registry:
        meta = model._meta
        if (meta.app_label == "questionnaire") != questionnaire:
            continue
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        first = model.objects.first()
        if first is not None:
            urls.append(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            )
    return urls


@pytest.mark.parametrize("language", ["fr", "es"])
@pytest.mark.parametrize(
    "questionnaire",
    [
        pytest.param(True, id="questionnaire"),
        pytest.param(False, id="other-apps"),
    ],
)
def test_admin_pages_show_no_english_phrase_of_ours(
    client, scored_country, language, questionnaire
):
    client.force_login(AdministratorFactory())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    phrases = english_phrases(language)
    urls = [reverse("admin:index"), *admin_urls(questionnaire)]
    leftovers = {}
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, url
        text = visible_text(page.content.decode())
        found = [p for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]
        if found:
            leftovers[url] = found
    assert leftovers == {}
