"""Manage a booking by its private link: see, cancel, move; find a booking."""

import datetime
import re

import pytest
from django.test import override_settings

from appointments.models import Appointment, Slot
from tests.appointments.public_helpers import (
    MONDAY,
    NOW,
    PREFIXES,
    book,
    fill,
    generate_slots,
    slot_on,
    url,
)
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + datetime.timedelta(days=1)


@pytest.fixture
def booking(wednesday):
    """Maija's booking on Monday 7.12. 09:00 at Tornio, made on Wednesday 2.12."""
    offices = wednesday
    generate_slots([offices["tornio"], offices["kemi"]], weeks=3)
    return book(
        slot_on(offices["tornio"]),
        name="Maija Meikäläinen",
        phone="040 123 4567",
        email="maija@example.com",
        language="sv",
    )


def manage_url(appointment, language="fi", action=""):
    suffix = f"{action}/" if action else ""
    return f"{PREFIXES[language]}/appointments/manage/{appointment.manage_token}/{suffix}"


def refreshed(appointment):
    return Appointment.objects.select_related("slot").get(pk=appointment.pk)


# --- See -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading", "status"),
    [
        ("fi", "Varauksesi", "Varattu"),
        ("sv", "Din bokning", "Bokad"),
        ("en", "Your booking", "Booked"),
    ],
)
def test_manage__in_each_language__shows_the_booking_and_what_can_be_done(
    client, booking, language, heading, status
):
    response = client.get(manage_url(booking, language))

    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in html
    assert booking.reference in html
    assert status in html
    assert "Maija Meikäläinen" in html
    assert "Laivurinkatu 12" in html
    assert manage_url(booking, language, "cancel") in html
    assert manage_url(booking, language, "move") in html


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fi", "Linkillä ei löydy varausta eikä soittopyyntöä"),
        ("sv", "Länken öppnar ingen bokning eller kontaktbegäran"),
        ("en", "This link does not open a booking or a callback request"),
    ],
)
@pytest.mark.parametrize("action", ["", "cancel", "move", "calendar.ics"])
def test_manage__unknown_token__is_a_404_in_the_users_language_with_the_ways_forward(
    client, booking, language, text, action
):
    suffix = action if action.endswith(".ics") else f"{action}/" if action else ""
    prefix = PREFIXES[language]
    response = client.get(f"{prefix}/appointments/manage/not-a-token/{suffix}")

    assert response.status_code == 404
    page = response.content.decode()
    assert text in page
    assert f'href="{prefix}/appointments/find/"' in page
    assert f'href="{prefix}/appointments/"' in page
    assert f'href="{prefix}/callbacks/"' in page
    assert 'href="tel:+35820692210"' in page
    # The phone service's hours from its page (the database), not written into the text.
    assert f'href="{prefix}/phone-service/"' in page
    assert "9–16" not in page


def test_short_link__unknown_token__is_the_friendly_404(client, booking):
    response = client.get("/m/not-a-token/")
    assert response.status_code == 404
    assert "Linkillä ei löydy varausta" in response.content.decode()


def test_calendar__private_link__the_booking_as_an_ics_file(client, booking):
    response = client.get(f"/en/appointments/manage/{booking.manage_token}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body
    assert f"UID:{booking.reference}@kela-service" in body
    assert "STATUS:CONFIRMED" in body


@pytest.mark.parametrize("token", ["%00", "a%2Fb", "ä", "x" * 300, "'--"])
def test_manage__malformed_token__is_a_404(client, booking, token):
    assert client.get(f"/appointments/manage/{token}/").status_code == 404


def test_manage__reference_instead_of_token__is_a_404(client, booking):
    assert client.get(f"/appointments/manage/{booking.reference}/").status_code == 404


def test_booked_page__after_cancelling__goes_to_the_manage_page(client, booking):
    client.post(manage_url(booking, action="cancel"))

    response = client.get(f"/appointments/booked/{booking.manage_token}/")

    assert response.status_code == 302
    assert response["Location"] == manage_url(booking)


# --- Cancel --------------------------------------------------------------------------


def test_cancel__get__asks_for_confirmation_and_changes_nothing(client, booking):
    response = client.get(manage_url(booking, action="cancel"))

    assert response.status_code == 200
    assert "Perutaanko varaus?" in response.content.decode()
    assert refreshed(booking).status == Appointment.Status.BOOKED


def test_cancel__post__cancels_and_frees_the_slot_at_once(client, booking):
    response = client.post(manage_url(booking, action="cancel"))

    assert response.status_code == 302
    assert response["Location"] == manage_url(booking)
    appointment = refreshed(booking)
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.slot.booked_count == 0
    page = client.get(response["Location"]).content.decode()
    assert "Varauksesi on peruttu." in page
    assert "Tämä varaus on peruttu." in page
    assert manage_url(booking, action="cancel") not in page
    # The time is offered to others again.
    times = client.get(
        url("times", office="tornio", topic=booking.topic_id, day=MONDAY.isoformat())
    )
    assert f'value="{booking.slot_id}"' in times.content.decode()


def test_cancel__twice__keeps_it_cancelled_without_an_error(client, booking):
    client.post(manage_url(booking, action="cancel"))

    response = client.post(manage_url(booking, action="cancel"))

    assert response.status_code == 302
    assert refreshed(booking).status == Appointment.Status.CANCELLED
    assert refreshed(booking).slot.booked_count == 0


# --- No changes after the start ------------------------------------------------------


@pytest.mark.parametrize("action", ["cancel", "move"])
def test_after_the_start__cancel_and_move__are_refused_with_the_reason(
    client, booking, pin_clock, action
):
    pin_clock(helsinki(2026, 12, 7, 9, 0))  # the appointment starts now

    page = client.get(manage_url(booking)).content.decode()
    response = client.post(manage_url(booking, action=action), {"slot": "1"})

    assert "Varausta ei voi enää muuttaa, koska varattu aika on jo alkanut." in page
    assert manage_url(booking, action=action) not in page
    assert response.status_code == 302
    assert response["Location"] == manage_url(booking)
    appointment = refreshed(booking)
    assert appointment.status == Appointment.Status.BOOKED
    assert appointment.slot_id == booking.slot_id
    assert appointment.slot.booked_count == 1


def test_one_minute_before_the_start__cancel__still_works(client, booking, pin_clock):
    pin_clock(helsinki(2026, 12, 7, 8, 59))

    client.post(manage_url(booking, action="cancel"))

    assert refreshed(booking).status == Appointment.Status.CANCELLED


# --- Move ----------------------------------------------------------------------------


def test_move__days_then_times__offer_free_times_of_the_same_place(client, booking):
    days = client.get(manage_url(booking, action="move")).content.decode()
    times = client.get(manage_url(booking, action="move"), {"day": MONDAY.isoformat()})

    # The wizard's day-and-time page: a calendar whose free days are links.
    assert "<table" in days
    assert "?day=2026-12-07" in days
    html = times.content.decode()
    offered = re.findall(r'name="slot" value="(\d+)"', html)
    assert str(booking.slot_id) not in offered  # not its own time
    assert len(offered) == 5
    assert re.search(r"<legend>\s*Free times on|<legend>Vapaat ajat", html)


def test_move__to_a_free_time__moves_and_frees_the_old_one(client, booking):
    new_slot = slot_on(booking.slot.office, TUESDAY, 2)

    response = client.post(manage_url(booking, action="move"), {"slot": new_slot.pk})

    assert response.status_code == 302
    assert response["Location"] == manage_url(booking)
    appointment = refreshed(booking)
    assert appointment.slot == new_slot
    assert appointment.status == Appointment.Status.BOOKED
    assert Slot.objects.get(pk=booking.slot_id).booked_count == 0
    assert Slot.objects.get(pk=new_slot.pk).booked_count == 1
    assert (
        "Varauksesi on siirretty uuteen aikaan." in client.get(manage_url(booking)).content.decode()
    )


def test_move__new_time_taken_meanwhile__keeps_the_old_time_with_a_clear_message(client, booking):
    new_slot = slot_on(booking.slot.office, TUESDAY, 2)
    fill(new_slot)

    response = client.post(manage_url(booking, action="move"), {"slot": new_slot.pk})

    assert response.status_code == 302
    assert response["Location"].startswith(manage_url(booking, action="move") + "?day=")
    appointment = refreshed(booking)
    assert appointment.slot_id == booking.slot_id
    assert appointment.slot.booked_count == 1
    page = client.get(response["Location"]).content.decode()
    assert "Varauksesi on edelleen vanhalla ajalla." in page


@pytest.mark.parametrize("state", ["blocked", "too_soon", "other_office", "missing"])
def test_move__to_a_time_that_cannot_be_booked__keeps_the_old_time(client, booking, offices, state):
    tornio = booking.slot.office
    if state == "blocked":
        target = slot_on(tornio, TUESDAY)
        Slot.objects.filter(pk=target.pk).update(is_blocked=True)
        slot_id = target.pk
    elif state == "too_soon":
        # Today's phone-service slot 10:30 at Tornio does not exist; make one at Tornio.
        start = NOW + datetime.timedelta(minutes=30)
        slot_id = Slot.objects.create(
            office=tornio, starts_at=start, ends_at=start + datetime.timedelta(minutes=30)
        ).pk
    elif state == "other_office":
        slot_id = slot_on(offices["kemi"], datetime.date(2026, 12, 3)).pk
    else:
        slot_id = 999_999

    response = client.post(manage_url(booking, action="move"), {"slot": slot_id})

    assert response.status_code == 302
    appointment = refreshed(booking)
    assert appointment.slot_id == booking.slot_id
    assert appointment.slot.booked_count == 1


@pytest.mark.parametrize("value", ["", "abc", "-1", "1.5", "9" * 30, "\x00", "١٢"])
def test_move__tampered_input__never_500(client, booking, value):
    post = client.post(manage_url(booking, action="move"), {"slot": value})
    get = client.get(manage_url(booking, action="move"), {"day": value})

    assert post.status_code == 302
    # A NUL byte in a query string is refused before any view (kela_service.middleware).
    assert get.status_code == (400 if value == "\x00" else 200)
    assert refreshed(booking).slot_id == booking.slot_id


def test_move__cancelled_booking__cannot_be_moved(client, booking):
    client.post(manage_url(booking, action="cancel"))
    new_slot = slot_on(booking.slot.office, TUESDAY)

    client.post(manage_url(booking, action="move"), {"slot": new_slot.pk})

    assert refreshed(booking).slot_id == booking.slot_id
    assert Slot.objects.get(pk=new_slot.pk).booked_count == 0


# --- Find a booking ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "phone"),
    [
        (None, "040 123 4567"),
        (None, "+358401234567"),
        (None, "0401234567"),
        ("lower", "040-123 4567"),
        ("spaced", "+358 40 123 4567"),
    ],
)
def test_find__reference_and_phone__open_the_manage_page(client, booking, reference, phone):
    given = {
        None: booking.reference,
        "lower": booking.reference.lower(),
        "spaced": f" {booking.reference[:4]} {booking.reference[4:]} ",
    }[reference]

    response = client.post(url("find"), {"reference": given, "phone": phone})

    assert response.status_code == 302
    assert response["Location"] == manage_url(booking)


@pytest.mark.parametrize(
    ("reference", "phone"),
    [
        ("right", ""),
        ("right", "040 765 4321"),
        ("wrong", "040 123 4567"),
        ("", "040 123 4567"),
        ("right", "\x00"),
        ("\x00", "040 123 4567"),
        ("' OR 1=1 --", "' OR 1=1 --"),
        ("x" * 500, "1" * 500),
    ],
)
def test_find__reference_alone_or_wrong_pair__finds_nothing_and_keeps_input(
    client, booking, reference, phone
):
    reference = {"right": booking.reference, "wrong": "ABCDEFGH"}.get(reference, reference)

    response = client.post(url("find"), {"reference": reference, "phone": phone})

    html = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in html
    assert booking.manage_token not in html


def test_find__in_swedish__explains_that_the_link_is_the_way(client, booking):
    response = client.get(url("find", "sv"))

    assert response.status_code == 200
    assert "Hitta din bokning" in response.content.decode()


@override_settings(PUBLIC_POST_RATE="2/m")
def test_find__over_the_rate__answers_429(client, booking):
    data = {"reference": "ABCDEFGH", "phone": "040 123 4567"}

    statuses = [client.post(url("find"), data).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


@override_settings(PUBLIC_POST_RATE="2/m")
def test_cancel__over_the_rate__answers_429_and_keeps_the_booking(client, booking):
    client.post(url("find"), {"reference": "ABCDEFGH", "phone": "040 123 4567"})
    client.post(url("find"), {"reference": "ABCDEFGH", "phone": "040 123 4567"})

    response = client.post(manage_url(booking, action="cancel"))

    assert response.status_code == 429
    assert refreshed(booking).status == Appointment.Status.BOOKED


def test_pages_with_personal_data__are_not_cached(client, booking):
    for path in [manage_url(booking), f"/appointments/booked/{booking.manage_token}/"]:
        assert "no-store" in client.get(path)["Cache-Control"]


def test_find__empty_submit__each_error_says_what_is_needed_and_where_it_is(client, booking):
    response = client.post(url("find", "en"), {"reference": "", "phone": ""})

    html = response.content.decode()
    assert "This field is required" not in html
    assert "Enter the booking reference. It is on the confirmation page" in html
    assert "Enter the phone number you gave when you booked" in html
    assert 'href="tel:+35820692210"' in html


# --- What comes next -----------------------------------------------------------------


def test_manage__office_booking__what_to_bring_map_calendar_and_print(client, booking):
    html = client.get(manage_url(booking, "en")).content.decode()

    assert "Bring an identity document" in html
    assert (
        'href="https://www.openstreetmap.org/search?query=Laivurinkatu+12%2C+95400+Tornio"' in html
    )
    assert f'href="/en/appointments/manage/{booking.manage_token}/calendar.ics"' in html
    assert "data-print hidden" in html  # shown by static/js/print.js
    assert 'href="tel:+35820692210"' in html


def test_manage__cancelled_booking__no_next_steps(client, booking):
    client.post(manage_url(booking, "en", "cancel"))

    html = client.get(manage_url(booking, "en")).content.decode()
    assert "Bring an identity document" not in html
    assert "calendar.ics" not in html
