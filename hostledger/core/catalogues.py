"""The translation catalogues of HostLedger's own texts (``hostledger/locale``).

English is the source language, written in the code and templates. ``make messages``
(``scripts/messages``) extracts the marked texts into one gettext catalogue per language,
``hostledger/locale/<language>/LC_MESSAGES/django.po``, always with the same options so that
everybody regenerates the same files. ``make run`` and ``make test`` compile them to ``.mo``
files with Babel, so neither needs the gettext tools installed; the ``.mo`` files are build
output and are not committed. Extracting does need GNU gettext (``xgettext``, ``msgmerge``).
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
"""Where the catalogues live (``settings.LOCALE_PATHS``)."""

REPOSITORY_DIR = LOCALE_DIR.parent.parent
"""Extraction runs from the repository's root, over ``hostledger/`` and ``config/``."""


def translated_languages() -> list[str]:
    """The languages that have a catalogue: every offered language but English, the source."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


MAKEMESSAGES_OPTIONS = {
    "domain": "django",
    "extensions": ["html", "txt", "py"],
    "no_obsolete": True,
    # File names without line numbers: a translator sees where a text is used, and moving
    # code does not rewrite the catalogue.
    "add_location": "file",
    "ignore_patterns": ["tests", "bench", "docs", "static", "locale", "node_modules", "var"],
    "symlinks": False,
    "verbosity": 0,
}
"""The options of ``makemessages``, the same for everybody (``scripts/messages``)."""


def catalogue_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / "django.po"


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write the ``.mo`` file beside every ``.po`` catalogue that is newer than it; fuzzy
    entries are left out, as ``msgfmt`` does. Returns the files written."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        temporary = mo_path.with_suffix(f".mo.{os.getpid()}.tmp")
        with temporary.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        temporary.replace(mo_path)
        written.append(mo_path)
    return written
