"""No English left on French or Spanish pages: every catalogue entry is translated and compiled."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "policyindex" / "locale"
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def test_there_is_a_french_and_a_spanish_catalogue():
    languages = {path.parts[-3] for path in CATALOGUES}
    assert {"fr", "es"} <= languages


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_every_entry_is_translated_and_none_is_fuzzy(path):
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], f"{len(untranslated)} untranslated in {path}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy in {path}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_the_compiled_catalogue_holds_every_translation(path):
    """The committed .mo is what Django reads: it must be compiled from the current .po."""
    compiled = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural
        for entry in polib.mofile(str(path.with_suffix(".mo")))
    }
    for entry in polib.pofile(str(path)).translated_entries():
        expected = entry.msgstr or entry.msgstr_plural
        assert compiled.get((entry.msgctxt, entry.msgid)) == expected, entry.msgid
