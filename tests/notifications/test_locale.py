"""The outbox's admin and model texts are translated into Finnish and Swedish (every
catalogue's completeness: tests/kela_service/test_catalogues.py)."""

from pathlib import Path

import pytest
from django.utils import translation

from notifications.models import Message, Status

LOCALE = Path(__file__).resolve().parents[2] / "notifications" / "locale"


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
