"""Private links: stored as their hash, an encrypted copy while it is needed, neither
after the purge."""

import datetime
import hashlib

import pytest
from django.core.management import call_command
from django.db import connection

from appointments import rules
from appointments.models import Appointment
from kela_service.checks import link_key_set
from offices.links import seal, unseal
from tests.appointments.public_helpers import book, slot_on
from tests.factories import helsinki

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(slots):
    return book(slot_on(slots["tornio"]), email="maija@example.com")


def test_booking__the_database_holds_no_working_link(booking):
    token = booking.manage_token

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM appointments_appointment")
        row = " ".join(str(value) for value in cursor.fetchone())
    assert token not in row
    assert hashlib.sha256(token.encode()).hexdigest() in row


def test_booking__found_by_its_link_and_its_encrypted_copy(client, booking):
    token = booking.manage_token

    assert client.get(f"/appointments/manage/{token}/").status_code == 200
    assert Appointment.objects.get(pk=booking.pk).manage_token == token  # from the copy
    assert client.get(f"/appointments/manage/{token[:-1]}x/").status_code == 404


def test_ended_booking__copy_forgotten_link_still_found_by_hash(client, booking, pin_clock):
    token = booking.manage_token
    pin_clock(booking.slot.ends_at + datetime.timedelta(minutes=1))

    assert rules.links_forget() == 1

    assert Appointment.objects.get(pk=booking.pk).manage_token == ""
    assert client.get(f"/appointments/manage/{token}/").status_code == 200
    assert rules.links_forget() == 0


def test_purge__the_link_stops_working(client, booking, pin_clock):
    token = booking.manage_token
    pin_clock(booking.slot.ends_at + datetime.timedelta(days=91))

    call_command("purge_personal_data", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert client.get(f"/appointments/manage/{token}/").status_code == 404
    purged = Appointment.objects.get(pk=booking.pk)
    assert (purged.manage_token_hash, purged.manage_token_sealed) == (None, "")


def test_seal__opens_only_with_its_key(settings):
    sealed = seal("secret-token")

    assert unseal(sealed) == "secret-token"
    settings.LINK_KEY = "A" * 43 + "="
    assert unseal(sealed) == ""


def test_deploy_check__without_a_link_key__error(settings):
    settings.LINK_KEY = ""

    assert [error.id for error in link_key_set(None)] == ["kela_service.E010"]


def test_deploy_check__with_a_key__passes():
    assert link_key_set(None) == []


def test_find_booking__after_it_ended__not_found(client, booking, pin_clock):
    pin_clock(helsinki(2026, 12, 7, 10, 0))
    rules.links_forget()

    response = client.post(
        "/appointments/find/", {"reference": booking.reference, "phone": str(booking.phone)}
    )

    assert response.context["form"].has_error("__all__", code="not_found")
