"""Booking for a customer on the staff screen /staff/book/: the next free times
first, the finder's phrases, prefill from a callback request or a desk visit, the
source recorded, who may book where, and the caps."""

import re

import pytest
from django.urls import reverse

from appointments import rules
from appointments.models import Appointment, Slot
from callbacks.rules import callback_create
from desk.models import Visit
from tests.appointments.public_helpers import generate_slots
from tests.factories import UserFactory, helsinki

pytestmark = pytest.mark.django_db

BOOK = reverse("desk:book")
# Wednesday 2 December 2026, 10:00: Tornio's next day is Monday 7 December.
NOW = helsinki(2026, 12, 2, 10, 0)


@pytest.fixture
def now(pin_clock, offices):
    pin_clock(NOW)
    generate_slots(weeks=3)
    return NOW


@pytest.fixture
def phone_client(client, phone_staff, staff_login):
    staff_login(phone_staff)
    return client


def offered(response):
    """The slot ids the screen offers, in order."""
    return [int(pk) for pk in re.findall(r"slot=(\d+)\"", response.text)]


def details(slot, topic, **overrides):
    return {
        "slot": slot.pk,
        "name": "Soittaja Esimerkki",
        "phone": "040 555 1234",
        "email": "",
        "language": "fi",
        "topic": topic.pk,
        "note": "",
        **overrides,
    }


def test_screen__next_free_times_first_across_offices(now, phone_client):
    response = phone_client.get(BOOK)

    slots = rules.bookable_slots(citizen=False).order_by("starts_at")[:12]
    assert response.status_code == 200
    assert offered(response) == [slot.pk for slot in slots]


@pytest.mark.parametrize(
    ("q", "day", "office"),
    [
        ("huomenna", "2026-12-03", None),
        ("to", "2026-12-03", None),
        ("pe kemi", "2026-12-04", "kemi"),
        ("3.12.", "2026-12-03", None),
        ("tornio", "2026-12-07 2026-12-08", "tornio"),
        ("next week tornio", "2026-12-07 2026-12-08", "tornio"),
        ("i morgon", "2026-12-03", None),
    ],
)
def test_finder__phrases__the_matching_free_times(now, phone_client, q, day, office):
    ids = offered(phone_client.get(BOOK, {"q": q}))

    slots = list(Slot.objects.filter(pk__in=ids))
    assert slots
    assert {s.starts_at.astimezone(NOW.tzinfo).date().isoformat() for s in slots} == set(
        day.split()
    )
    if office:
        assert {s.office.slug for s in slots} == {office}


def test_from_a_callback__three_actions_prefilled_and_source_phone_staff(
    now, phone_client, offices, topic
):
    callback = callback_create(
        phone="040 555 1234", window_start="2026-12-02T12:00", topic=topic, language="sv"
    )
    detail = reverse("callback_queue:detail", kwargs={"pk": callback.pk})

    # 1. From the callback request, open the screen (its link).
    page = phone_client.get(detail)
    link = re.search(r'href="(/staff/book/\?callback=[^"]+)"', page.text)[1].replace("&amp;", "&")
    screen = phone_client.get(link)
    # 2. Choose the first time offered.
    first = offered(screen)[0]
    chosen = phone_client.get(link + f"&slot={first}")
    form = chosen.context["form"]
    # 3. Book (the name typed; the rest came from the request).
    data = {**{f: form[f].value() or "" for f in form.fields}, "name": "Sven Svensson"}
    booked = phone_client.post(link + f"&slot={first}", data)

    appointment = Appointment.objects.get()
    assert (form["phone"].value(), form["language"].value()) == ("+358405551234", "sv")
    assert booked.status_code == 302
    assert booked.url == detail
    assert appointment.slot_id == first
    assert appointment.source == Appointment.Source.PHONE_STAFF
    assert str(appointment.phone) == "+358405551234"


def test_from_a_desk_visit__source_desk(
    now, pin_clock, client, kemi_staff, offices, topic, staff_login
):
    visit = Visit.objects.create(
        office=offices["kemi"], topic=topic, name="Kävijä", called_at=NOW, served_by=kemi_staff
    )
    staff_login(kemi_staff)
    slot = rules.bookable_slots(citizen=False).filter(office=offices["kemi"]).first()

    page = client.get(BOOK, {"visit": visit.pk, "slot": slot.pk})
    booked = client.post(
        f"{BOOK}?visit={visit.pk}&slot={slot.pk}", details(slot, topic, name="Kävijä")
    )

    assert page.context["form"]["name"].value() == "Kävijä"
    assert booked.status_code == 302
    assert Appointment.objects.get().source == Appointment.Source.DESK


def test_office_staff__own_office_and_phone_service_only(
    now, client, kemi_staff, offices, staff_login
):
    staff_login(kemi_staff)
    tornio_slot = rules.bookable_slots(citizen=False).filter(office=offices["tornio"]).first()

    ids = offered(client.get(BOOK))
    other_office = client.get(BOOK, {"slot": tornio_slot.pk})

    assert {s.office.slug for s in Slot.objects.filter(pk__in=ids)} <= {"kemi", "phone"}
    assert other_office.context["form"] is None  # not a slot this user may book


def test_from_a_desk_visit__office_staff_direct_to_any_office(
    now, client, kemi_staff, offices, topic, staff_login
):
    visit = Visit.objects.create(
        office=offices["kemi"], topic=topic, called_at=NOW, served_by=kemi_staff
    )
    staff_login(kemi_staff)
    tornio_slot = rules.bookable_slots(citizen=False).filter(office=offices["tornio"]).first()

    ids = offered(client.get(BOOK, {"visit": visit.pk, "office": offices["tornio"].pk}))
    booked = client.post(
        f"{BOOK}?visit={visit.pk}&slot={tornio_slot.pk}", details(tornio_slot, topic)
    )

    assert ids
    assert {s.office.slug for s in Slot.objects.filter(pk__in=ids)} == {"tornio"}
    assert booked.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.slot, appointment.source) == (tornio_slot, Appointment.Source.DESK)


def test_someone_elses_desk_visit__opens_no_other_office(
    now, client, kemi_staff, offices, topic, staff_login
):
    colleague = UserFactory(username="kollega", groups=["Office staff"])
    visit = Visit.objects.create(
        office=offices["kemi"], topic=topic, called_at=NOW, served_by=colleague
    )
    staff_login(kemi_staff)
    tornio_slot = rules.bookable_slots(citizen=False).filter(office=offices["tornio"]).first()

    page = client.get(BOOK, {"visit": visit.pk, "slot": tornio_slot.pk})
    refused = client.post(
        f"{BOOK}?visit={visit.pk}&slot={tornio_slot.pk}", details(tornio_slot, topic)
    )

    assert page.context["form"] is None
    assert refused.status_code == 403
    assert not Appointment.objects.exists()


def test_screen__citizen_side_user_or_no_permission__403(now, client, staff_login):
    staff_login(UserFactory(username="nobody"))

    assert client.get(BOOK).status_code == 403


def test_screen__anonymous__to_the_login(client, offices):
    assert client.get(BOOK).status_code == 302


@pytest.mark.parametrize(
    "params",
    [
        {"slot": "abc"},
        {"slot": "99999"},
        {"callback": "\u0661"},
        {"visit": "-1"},
        {"office": "x"},
        {"q": "x" * 500},
        {"next": "https://evil.example/"},
    ],
)
def test_screen__bad_parameters__still_the_screen_never_500(now, phone_client, params):
    response = phone_client.get(BOOK, params)

    assert response.status_code == 200


def test_book__next_elsewhere__not_followed(now, phone_client, topic):
    slot = rules.bookable_slots(citizen=False).first()

    booked = phone_client.post(
        f"{BOOK}?slot={slot.pk}&next=https://evil.example/", details(slot, topic)
    )

    assert booked.status_code == 302
    assert booked.url == BOOK


def test_book__the_cap_holds_for_staff_too(now, phone_client, topic):
    slots = list(rules.bookable_slots(citizen=False)[:3])
    responses = [
        phone_client.post(f"{BOOK}?slot={slot.pk}", details(slot, topic)) for slot in slots
    ]

    assert [r.status_code for r in responses] == [302, 302, 200]
    assert responses[2].context["form"].has_error("phone", code=rules.PHONE_CAP)
    assert 'value="Soittaja Esimerkki"' in responses[2].text
    assert Appointment.objects.count() == 2


def test_book__slot_taken_meanwhile__error_on_the_time_details_kept(
    now, phone_client, phone_staff, topic
):
    slot = rules.bookable_slots(citizen=False).first()
    rules.appointment_book(
        slot=slot, name="Toinen", phone="040 111 2222", topic=topic, booked_by=phone_staff
    )

    response = phone_client.post(f"{BOOK}?slot={slot.pk}", details(slot, topic))

    assert response.status_code == 200
    assert response.context["form"].has_error("slot")
    assert Appointment.objects.count() == 1


def test_office_staff__a_callback_request_by_id__not_shown(
    now, client, kemi_staff, topic, staff_login
):
    callback = callback_create(
        phone="040 555 1234", window_start="2026-12-02T12:00", topic=topic, language="fi"
    )
    staff_login(kemi_staff)  # no right to the callback queue

    page = client.get(BOOK, {"callback": callback.pk})

    assert page.status_code == 200
    assert callback.reference not in page.text
    assert "555 1234" not in page.text
