"""The outbox's admin and model texts are translated into Finnish and Swedish."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from notifications.models import Message, Status

LOCALE = Path(__file__).resolve().parents[2] / "notifications" / "locale"


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_catalogue__every_text_translated(language):
    catalogue = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = catalogue.split("\n\n")[1:]  # after the header

    untranslated = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""$', e, re.M)]

    assert entries
    assert untranslated == []


@pytest.mark.parametrize(
    ("language", "messages", "failed"),
    [
        ("fi", "viestit", "Epäonnistui"),
        ("sv", "meddelanden", "Misslyckades"),
        ("en", "messages", "Failed"),
    ],
)
def test_compiled_catalogue__used(language, messages, failed):
    with translation.override(language):
        assert str(Message._meta.verbose_name_plural) == messages
        assert str(Status.FAILED.label) == failed
