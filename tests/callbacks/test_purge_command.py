import io

import pytest
from django.core.management import call_command

from callbacks.models import CallbackRequest
from tests.factories import helsinki

Status = CallbackRequest.Status

pytestmark = pytest.mark.django_db


def test_purge_personal_data__callbacks_older_than_retention__anonymised_once(
    offices, pin_clock, make_callback, settings
):
    settings.PERSONAL_DATA_RETENTION_DAYS = 90
    pin_clock(helsinki(2026, 9, 4, 9, 0))
    old = make_callback(helsinki(2026, 9, 4, 10, 0), message="Vanha viesti")
    pin_clock(helsinki(2026, 12, 2, 9, 0))  # 89 days later: kept
    kept = make_callback(helsinki(2026, 12, 2, 10, 0))
    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "Anonymised 0 callback requests" in out.getvalue()

    pin_clock(helsinki(2026, 12, 4, 14, 0))  # 91 days after the old window ended
    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "Anonymised 1 callback requests" in out.getvalue()
    old.refresh_from_db()
    assert (str(old.phone), old.message, old.status) == ("", "", Status.EXPIRED)
    assert str(CallbackRequest.objects.get(pk=kept.pk).phone) != ""

    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "Anonymised 0 callback requests" in out.getvalue()
