"""The translation catalogues (hostledger/locale/<language>/LC_MESSAGES/django.po).

Every offered language but English has a catalogue; each parses, has every text translated
and none fuzzy, keeps the placeholders of the English text, and holds exactly the texts the
code marks (``make messages`` regenerates it with the same options).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from hostledger.core.catalogues import (
    LOCALE_DIR,
    REPOSITORY_DIR,
    catalogue_path,
    translated_languages,
)

LANGUAGES = translated_languages()
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%[sdifr]")


def _catalogue(path):
    with path.open("rb") as po_file:
        return read_po(po_file, locale=path.parent.parent.name)


def _entries(catalogue):
    return [message for message in catalogue if message.id]


def _forms(value) -> list[str]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text or ""))


def test_every_offered_language_but_english_has_a_catalogue():
    assert LANGUAGES == ["et", "ru"]
    for language in LANGUAGES:
        assert catalogue_path(language).is_file(), f"no catalogue for {language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_parses(language):
    catalogue = _catalogue(catalogue_path(language))
    assert str(catalogue.locale) == language
    assert catalogue.num_plurals >= 2
    assert _entries(catalogue), "an empty catalogue"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_is_untranslated_or_fuzzy(language):
    catalogue = _catalogue(catalogue_path(language))
    untranslated = [
        message.id
        for message in _entries(catalogue)
        if not all(form.strip() for form in _forms(message.string))
    ]
    fuzzy = [message.id for message in _entries(catalogue) if message.fuzzy]
    assert not untranslated, f"untranslated in {language}: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_the_english_text(language):
    catalogue = _catalogue(catalogue_path(language))
    wrong = []
    for message in _entries(catalogue):
        if "python-format" not in message.flags:
            continue
        sources = _forms(message.id)
        for index, translation in enumerate(_forms(message.string)):
            source = sources[min(index, len(sources) - 1)]
            expected = _placeholders(source)
            if _placeholders(translation) != expected and (
                # A plural form may leave the count out ("one invoice"), never add one.
                len(sources) == 1 or not set(_placeholders(translation)) <= set(expected)
            ):
                wrong.append((sources[0], translation))
    assert not wrong, f"placeholders differ in {language}: {wrong[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_markup_of_the_english_text(language):
    catalogue = _catalogue(catalogue_path(language))
    tag = re.compile(r"</?[a-z]+[^>]*>")
    wrong = [
        message.id
        for message in _entries(catalogue)
        if not isinstance(message.id, list | tuple)
        and sorted(tag.findall(message.id)) != sorted(tag.findall(message.string))
    ]
    assert not wrong, f"HTML differs in {language}: {wrong[:10]}"


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="xgettext (GNU gettext) is not installed; it extracts the texts of the code",
)
def test_the_catalogues_hold_exactly_the_texts_the_code_marks(tmp_path):
    """``make messages`` run now would change no catalogue's set of texts."""
    fresh_dir = tmp_path / "locale"
    subprocess.run(
        [sys.executable, str(REPOSITORY_DIR / "scripts" / "messages"), "--locale-dir", fresh_dir],
        check=True,
        cwd=REPOSITORY_DIR,
        capture_output=True,
    )
    for language in LANGUAGES:
        fresh = {
            (m.context, str(m.id))
            for m in _entries(_catalogue(catalogue_path(language, fresh_dir)))
        }
        kept = {
            (m.context, str(m.id))
            for m in _entries(_catalogue(catalogue_path(language, LOCALE_DIR)))
        }
        assert not fresh - kept, f"marked in the code, missing from {language}: run make messages"
        assert not kept - fresh, f"in the {language} catalogue, no longer in the code"
