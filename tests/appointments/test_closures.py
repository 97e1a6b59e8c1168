"""A change of hours reaches bookings at once: closed slots are not offered, booked
citizens are told, reopening gives back exactly what the closure took, and housekeeping
catches changes that bypass model saves."""

import datetime

import pytest
from django.urls import reverse

from appointments import rules
from appointments.models import Appointment, Slot
from notifications.models import Message
from offices.models import DateException, HoursPeriod, ServiceKind, Weekday, WeeklyRule
from tests.appointments.public_helpers import MONDAY, book, slot_on, topic, url
from tests.factories import helsinki

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + datetime.timedelta(days=1)
EXCEPTIONS = reverse("admin:offices_dateexception_changelist")


@pytest.fixture
def admin(client, superuser, staff_login, wednesday):
    staff_login(superuser)  # at the pinned time: a staff session lasts 8 hours
    return client


def _free_on(client, office, day):
    """The start times the availability API offers on ``day``."""
    response = client.get(
        "/api/v1/appointments/availability",
        {"office": office, "start": day.isoformat(), "end": day.isoformat()},
    )
    return [slot["start"][11:16] for slot in response.json()["slots"]]


def _close(admin, office, day, service=""):
    response = admin.post(
        reverse("admin:offices_dateexception_add"),
        {
            "office": office.pk,
            "date": day.isoformat(),
            "service": service,
            "closed": "on",
            "reason": "Henkilöstökoulutus",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    return DateException.objects.get(office=office, date=day)


def test_closure_saved_in_the_admin__slots_hidden_everywhere_at_once(admin, client, slots):
    tornio = slots["tornio"]
    assert len(_free_on(client, "tornio", TUESDAY)) == 6

    _close(admin, tornio, TUESDAY)

    # The admin's response came after the closure's transaction: nothing is offered.
    assert _free_on(client, "tornio", TUESDAY) == []
    assert Slot.objects.for_office(tornio).on_date(TUESDAY).filter(is_closed=True).count() == 6
    assert not rules.bookable_slots(Slot.objects.for_office(tornio).on_date(TUESDAY)).exists()
    days = client.get(url("days", office="tornio", topic=topic().pk)).content.decode()
    assert "day=2026-12-08" not in days
    assert "day=2026-12-07" in days
    picker = admin.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "appointments",
            "model_name": "appointment",
            "field_name": "slot",
            "term": "Tornio 8.12.",
        },
    ).json()
    assert picker["results"] == []
    # The slots are closed by the hours, not blocked by staff.
    assert not Slot.objects.filter(is_blocked=True).exists()


def test_closure__the_booked_citizen_is_marked_affected_and_told_by_sms_and_email(admin, slots):
    appointment = book(slot_on(slots["tornio"], TUESDAY, 1), email="maija@example.com")

    _close(admin, slots["tornio"], TUESDAY)

    appointment.refresh_from_db()
    assert appointment.affected_at is not None
    assert appointment.status == Appointment.Status.BOOKED  # a flag, not a status
    notices = Message.objects.for_object(appointment).filter(event__startswith="affected:")
    assert sorted(notices.values_list("channel", "status")) == [
        ("email", "queued"),
        ("sms", "queued"),
    ]
    sms = notices.get(channel="sms")
    assert f"/m/{appointment.manage_token}/" in sms.body
    assert sms.sensitive
    # The phone service's hours are on its page (the database), not in the text.
    email = notices.get(channel="email")
    assert "Puhelinnumerot ja aukioloajat: http" in email.body
    assert "/phone-service/" in email.body


def test_closure__the_affected_citizen_can_still_move_the_booking(admin, client, slots):
    appointment = book(slot_on(slots["tornio"], TUESDAY, 1))
    _close(admin, slots["tornio"], TUESDAY)
    new_slot = slot_on(slots["tornio"], MONDAY + datetime.timedelta(days=7), 0)

    client.post(f"/appointments/manage/{appointment.manage_token}/move/", {"slot": new_slot.pk})

    appointment.refresh_from_db()
    assert (appointment.slot, appointment.affected_at) == (new_slot, None)


def test_reopening_the_day__gives_back_exactly_what_the_closure_took(admin, client, slots):
    tornio = slots["tornio"]
    Slot.objects.filter(pk=slot_on(tornio, TUESDAY, 5).pk).update(is_blocked=True)  # by staff
    appointment = book(slot_on(tornio, TUESDAY, 1), email="maija@example.com")
    exception = _close(admin, tornio, TUESDAY)

    admin.post(reverse("admin:offices_dateexception_delete", args=[exception.pk]), {"post": "yes"})

    assert _free_on(client, "tornio", TUESDAY) == ["09:00", "10:00", "10:30", "11:00"]
    assert Slot.objects.filter(is_closed=True).count() == 0
    assert Slot.objects.get(pk=slot_on(tornio, TUESDAY, 5).pk).is_blocked  # still blocked
    appointment.refresh_from_db()
    assert appointment.affected_at is None
    # The notices had not gone yet: they are withdrawn.
    assert not Message.objects.for_object(appointment).filter(event__startswith="affected").exists()


def test_closing_one_service__other_services_slots_stay(admin, client, slots):
    _close(admin, slots["tornio"], TUESDAY, service=ServiceKind.SELF_SERVICE)

    assert len(_free_on(client, "tornio", TUESDAY)) == 6


def test_special_hours__slots_outside_closed_new_ones_created(admin, client, slots):
    response = admin.post(
        reverse("admin:offices_dateexception_add"),
        {
            "office": slots["tornio"].pk,
            "date": TUESDAY.isoformat(),
            "service": ServiceKind.APPOINTMENTS,
            "opens": "10:15",
            "closes": "11:15",
            "reason": "Lyhennetty päivä",
        },
    )

    assert response.status_code == 302
    assert _free_on(client, "tornio", TUESDAY) == ["10:15", "10:45"]


def test_rule_removed__its_weekday_closes_and_adding_it_back_reopens(client, slots):
    tornio = slots["tornio"]
    tuesday_rule = WeeklyRule.objects.get(
        period__office=tornio, service=ServiceKind.APPOINTMENTS, weekday=Weekday.TUESDAY
    )
    period = tuesday_rule.period

    tuesday_rule.delete()  # a shell, an import: any save through the models

    assert _free_on(client, "tornio", TUESDAY) == []
    assert len(_free_on(client, "tornio", MONDAY)) == 6
    WeeklyRule.objects.create(
        period=period,
        service=ServiceKind.APPOINTMENTS,
        weekday=Weekday.TUESDAY,
        opens=datetime.time(9),
        closes=datetime.time(12),
    )
    assert len(_free_on(client, "tornio", TUESDAY)) == 6


def test_new_hours__create_their_slots_within_the_horizon(client, slots):
    period = HoursPeriod.objects.get(office=slots["tornio"])

    WeeklyRule.objects.create(
        period=period,
        service=ServiceKind.APPOINTMENTS,
        weekday=Weekday.WEDNESDAY,
        opens=datetime.time(13),
        closes=datetime.time(14),
    )

    wednesday = MONDAY + datetime.timedelta(days=2)
    assert _free_on(client, "tornio", wednesday) == ["13:00", "13:30"]


def test_bulk_loaded_closure__housekeeping_catches_it(client, slots):
    DateException.objects.bulk_create(
        [DateException(office=slots["tornio"], date=TUESDAY, closed=True, reason="Tuonti")]
    )
    assert len(_free_on(client, "tornio", TUESDAY)) == 6  # no save signal: not yet

    done = rules.slots_reconcile_horizon()

    assert done.closed == 6
    assert _free_on(client, "tornio", TUESDAY) == []
    assert rules.slots_reconcile_horizon().closed == 0  # idempotent


def test_phone_service_closed_on_a_monday__phone_appointments_that_day_are_affected(
    admin, client, slots
):
    appointment = book(slot_on(slots["phone"], MONDAY, 2))

    _close(admin, slots["phone"], MONDAY, service=ServiceKind.APPOINTMENTS)

    assert _free_on(client, "phone", MONDAY) == []
    appointment.refresh_from_db()
    assert appointment.affected_at is not None


def test_past_slots__never_closed(offices, pin_clock, client):
    pin_clock(helsinki(2026, 12, 8, 11, 0))  # Tuesday 11:00
    rules.slots_generate(start=TUESDAY, end=TUESDAY, offices=[offices["tornio"]])

    DateException.objects.create(
        office=offices["tornio"], date=TUESDAY, closed=True, reason="Vesivahinko"
    )

    closed = Slot.objects.filter(is_closed=True).values_list("starts_at", flat=True)
    assert sorted(closed) == [helsinki(2026, 12, 8, 11, 30)]


def test_staff_list__affected_bookings_with_who_was_told_and_who_needs_a_call(
    admin, client, slots, office_staff, staff_login
):
    told = book(slot_on(slots["tornio"], TUESDAY, 0), name="Viesti Saatu", email="a@b.fi")
    landline = book(slot_on(slots["tornio"], TUESDAY, 1), name="Lanka Puhelin", phone="016 1234567")
    _close(admin, slots["tornio"], TUESDAY)
    staff_login(office_staff)

    response = client.get(reverse("staff:affected", kwargs={"office": "tornio"}))

    assert response.status_code == 200
    rows = {row["appointment"]: row for row in response.context["rows"]}
    assert set(rows) == {told, landline}
    assert not rows[told]["needs_call"]
    assert sorted(m.channel for m in rows[told]["messages"]) == ["email", "sms"]
    assert rows[landline]["needs_call"]
    assert response.context["needs_call"] == 1
    assert response.text.count('class="needs-call"') == 1


def test_staff_list__other_office__forbidden(client, slots, office_staff, staff_login):
    staff_login(office_staff)

    response = client.get(reverse("staff:affected", kwargs={"office": "kemi"}))

    assert response.status_code == 403
