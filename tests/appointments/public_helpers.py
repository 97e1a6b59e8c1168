"""Helpers for the citizen-side tests: a pinned Wednesday with eight weeks of slots."""

import datetime
import itertools
from urllib.parse import urlencode

from appointments import rules
from appointments.models import Appointment, Slot
from offices.models import Topic
from tests.factories import helsinki

# Wednesday 2 December 2026, 10:00 in Helsinki. Tornio's first appointment day in the
# window is Monday 7 December (Sunday 6 December is Independence Day anyway).
NOW = helsinki(2026, 12, 2, 10, 0)
TODAY = datetime.date(2026, 12, 2)
MONDAY = datetime.date(2026, 12, 7)
PREFIXES = {"fi": "", "sv": "/sv", "en": "/en"}


def generate_slots(offices=None, weeks=10):
    return rules.slots_generate(
        start=TODAY, end=TODAY + datetime.timedelta(weeks=weeks), offices=offices
    )


def topic():
    return Topic.objects.order_by("ordering", "pk").first()


def slot_on(office, day=MONDAY, index=0):
    return list(Slot.objects.for_office(office).on_date(day))[index]


def url(name, language="fi", **params):
    query = urlencode(params, doseq=True)
    path = {
        "start": "/appointments/",
        "days": "/appointments/days/",
        "times": "/appointments/times/",
        "details": "/appointments/details/",
        "confirm": "/appointments/confirm/",
        "find": "/appointments/find/",
    }[name]
    return f"{PREFIXES[language]}{path}" + (f"?{query}" if query else "")


def details(slot, /, **overrides):
    """The POST data of the details step for ``slot``."""
    data = {
        "office": slot.office.slug,
        "topic": topic().pk,
        "slot": slot.pk,
        "name": "Maija Meikäläinen",
        "phone": "040 123 4567",
        "email": "maija@example.com",
        "language": "fi",
        "note": "Asia koskee asumistukea.",
    }
    data.update(overrides)
    return data


OTHER_CITIZENS = itertools.count(1112222)


def book(slot, name="Someone Else", phone=None, **kwargs):
    """Book ``slot`` directly through the rules (as another citizen: each call without a
    ``phone`` has a number of its own)."""
    phone = phone or f"+35840{next(OTHER_CITIZENS):07d}"
    return rules.appointment_book(slot=slot, name=name, phone=phone, topic=topic(), **kwargs)


def fill(slot):
    """Take every remaining place of ``slot``."""
    slot.refresh_from_db()
    for _ in range(slot.remaining):
        book(slot)
    slot.refresh_from_db()
    return slot


def booked_by_web(name="Maija Meikäläinen"):
    return Appointment.objects.filter(name=name, booked_by__isnull=True)
