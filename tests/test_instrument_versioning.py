"""A questionnaire version used by a round is frozen; translations fall back to English."""

import pytest
from django.urls import reverse
from django.utils import translation

from questionnaire.models import Domain, Item, VersionInUseError
from tests.factories import AdministratorFactory, RoundFactory


def test_a_version_not_yet_used_can_be_corrected(instrument):
    item = Item.objects.get(version=instrument, code="2a")
    item.text = "Corrected wording"
    item.save()
    item.refresh_from_db()
    assert item.text == "Corrected wording"


def test_the_official_wording_of_a_version_in_use_cannot_be_edited(instrument):
    RoundFactory(version=instrument)
    item = Item.objects.get(version=instrument, code="2a")
    original = item.text
    item.text = "Changed wording"
    with pytest.raises(VersionInUseError):
        item.save()
    item.refresh_from_db()
    assert item.text == original


def test_a_version_in_use_cannot_be_deleted_or_extended(instrument):
    RoundFactory(version=instrument)
    domain = Domain.objects.get(version=instrument, number=1)
    with pytest.raises(VersionInUseError):
        domain.delete()
    with pytest.raises(VersionInUseError):
        Item.objects.create(
            version=instrument,
            domain=domain,
            code="1f",
            text="New",
            order=31,
            response_set=domain.items.first().response_set,
        )


def test_translations_of_a_version_in_use_can_still_be_improved(instrument):
    RoundFactory(version=instrument)
    item = Item.objects.get(version=instrument, code="2a")
    item.text_fr = "Traduction améliorée"
    item.save()
    item.refresh_from_db()
    assert item.text_fr == "Traduction améliorée"


def test_admin_shows_the_official_wording_of_a_version_in_use_read_only(client, instrument):
    RoundFactory(version=instrument)
    client.force_login(AdministratorFactory())
    item = Item.objects.get(version=instrument, code="2a")
    response = client.get(reverse("admin:questionnaire_item_change", args=[item.pk]))
    assert response.status_code == 200
    assert 'name="text"' not in response.content.decode()
    assert 'name="text_fr"' in response.content.decode()


def test_a_missing_translation_falls_back_to_the_official_english(instrument):
    item = Item.objects.get(version=instrument, code="3a")
    item.text_es = ""
    item.text_fr = "Mécanisme de coordination interministérielle"
    with translation.override("es"):
        assert item.display_text == item.text
    with translation.override("fr"):
        assert item.display_text == "Mécanisme de coordination interministérielle"


def test_a_new_version_copied_from_one_in_use_is_editable_and_leaves_the_original_alone(instrument):
    from questionnaire.models import QuestionnaireVersion
    from questionnaire.services.instrument import copy_version

    RoundFactory(version=instrument)
    copy = copy_version(version=instrument, code="inquiry-14", name="Fourteenth Inquiry")
    assert list(copy.items.values_list("code", "text", "text_fr")) == list(
        instrument.items.values_list("code", "text", "text_fr")
    )
    assert copy.response_sets.get(code="R3").options.count() == 3
    item = copy.items.get(code="2a")
    item.text = "New wording for the next round"
    item.save()
    assert Item.objects.get(version=instrument, code="2a").text != item.text
    assert QuestionnaireVersion.objects.count() == 2


def test_the_admin_action_creates_a_new_version(client, instrument):
    from questionnaire.models import QuestionnaireVersion

    RoundFactory(version=instrument)
    client.force_login(AdministratorFactory())
    response = client.post(
        reverse("admin:questionnaire_questionnaireversion_changelist"),
        {"action": "make_new_version", "_selected_action": [instrument.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert QuestionnaireVersion.objects.count() == 2
    assert "new version" in response.content.decode()


def test_an_item_cannot_be_moved_out_of_a_version_in_use(instrument):
    from questionnaire.services.instrument import copy_version

    RoundFactory(version=instrument)
    draft = copy_version(version=instrument, code="draft", name="Draft version")
    item = Item.objects.get(version=instrument, code="6e")
    item.version = draft
    item.domain = draft.domains.get(number=6)
    with pytest.raises(VersionInUseError):
        item.save()
    assert Item.objects.filter(version=instrument).count() == 30


def test_a_round_with_answers_keeps_its_questionnaire_version(instrument):
    from django.core.exceptions import ValidationError

    from questionnaire.services.instrument import copy_version
    from questionnaire.services.submissions import start_submission
    from tests.factories import CountryFactory

    round_ = RoundFactory(version=instrument)
    start_submission(round=round_, country=CountryFactory())
    round_.version = copy_version(version=instrument, code="other", name="Other version")
    with pytest.raises(ValidationError):
        round_.save()
