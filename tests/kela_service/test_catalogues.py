"""The translation catalogues: Finnish and Swedish complete, and the compiled .mo files
(committed, so that a fresh clone needs no gettext) compiled from the .po files."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUES = sorted(
    path
    for pattern in ("locale/{}/LC_MESSAGES/django.po", "*/locale/{}/LC_MESSAGES/django.po")
    for language in ("fi", "sv")
    for path in Path(settings.BASE_DIR).glob(pattern.format(language))
)

STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def entries(path):
    """(msgid, [msgstr, ...], fuzzy) of each live entry of a .po file (not the header)."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        parts, key = {}, None
        for line in lines:
            if line.startswith(("msgid", "msgstr", "msgctxt")):
                key = line.split(" ", 1)[0]
                parts[key] = ""
            if key and (match := STRING.search(line)):
                parts[key] += match[1]
        if parts.get("msgid"):
            yield parts["msgid"], [v for k, v in parts.items() if k.startswith("msgstr")], fuzzy


def test_catalogues__are_found():
    assert len(CATALOGUES) >= 8  # the project's and each app's, Finnish and Swedish


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_catalogue__every_entry_translated_and_none_fuzzy(path):
    missing = [msgid for msgid, strings, fuzzy in entries(path) if fuzzy or not all(strings)]
    assert missing == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_catalogue__mo_file_compiled_from_this_po_file(path):
    with path.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    translated = {msgid for msgid, strings, fuzzy in entries(path) if all(strings)}
    compiled_ids = {key if isinstance(key, str) else key[0] for key in catalogue._catalog}
    compiled_ids = {msgid.split("\x04", 1)[-1] for msgid in compiled_ids} - {""}
    source_ids = {
        bytes(msgid, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
        for msgid in translated
    }
    assert compiled_ids == source_ids
