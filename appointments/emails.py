"""Emails to citizens about their appointment, in the language they chose, each with an
.ics calendar file (aware UTC times, one UID per booking so calendars update it).

``build_*`` return an unsent ``EmailMessage``; ``send_*`` build and send, logging (not
raising) a delivery failure, because the booking itself has already been made.
Absolute links need the site's address: views pass ``request.build_absolute_uri("/")``,
commands (the reminders) fall back to ``settings.SITE_URL``.
"""

import datetime
import logging

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

ICS_FILENAME = "kela-appointment.ics"


def _base_url(base_url):
    return (base_url or getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def _location(appointment):
    office = appointment.slot.office
    if office.is_phone_service:
        return gettext("Kela phone service, we call you at %(phone)s") % {
            "phone": appointment.phone.as_national if appointment.phone else ""
        }
    address = ", ".join(
        part
        for part in (office.street_address, f"{office.postal_code} {office.city}".strip())
        if part
    )
    return gettext("Kela service point %(office)s, %(address)s") % {
        "office": office.display_name,
        "address": address,
    }


def _summary(appointment):
    return gettext("Kela appointment: %(topic)s") % {"topic": appointment.topic.name}


def calendar_file(appointment, *, manage_url, cancelled=False):
    """The .ics of ``appointment`` (call inside the citizen's language)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Kela service//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"{appointment.reference}@kela-service")
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", appointment.slot.starts_at.astimezone(datetime.UTC))
    event.add("dtend", appointment.slot.ends_at.astimezone(datetime.UTC))
    # Every change makes a newer version of the same event.
    event.add("sequence", int(appointment.updated_at.timestamp()) if appointment.updated_at else 0)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("summary", _summary(appointment))
    event.add("location", _location(appointment))
    event.add(
        "description",
        gettext("Booking reference: %(reference)s\nView, cancel or change: %(url)s")
        % {"reference": appointment.reference, "url": manage_url},
    )
    event.add("url", manage_url)
    calendar.add_component(event)
    return calendar.to_ical()


def _build(appointment, kind, base_url, *, cancelled=False):
    with translation.override(appointment.language):
        manage_url = _base_url(base_url) + reverse(
            "appointments:manage", kwargs={"token": appointment.manage_token}
        )
        context = {
            "appointment": appointment,
            "slot": appointment.slot,
            "office": appointment.slot.office,
            "manage_url": manage_url,
            "location": _location(appointment),
            "home_url": _base_url(base_url) + reverse("home"),
        }
        subject = render_to_string(f"appointments/email/{kind}_subject.txt", context)
        body = render_to_string(f"appointments/email/{kind}.txt", context)
        message = EmailMessage(
            subject=" ".join(subject.split()),
            body=body,
            to=[appointment.email],
        )
        method = "CANCEL" if cancelled else "PUBLISH"
        message.attach(
            ICS_FILENAME,
            calendar_file(appointment, manage_url=manage_url, cancelled=cancelled),
            f"text/calendar; method={method}; charset=UTF-8",
        )
    return message


def build_confirmation(appointment, *, base_url=None):
    """The booking confirmation, with the booking as an .ics."""
    return _build(appointment, "confirmation", base_url)


def build_reminder(appointment, *, base_url=None):
    """The reminder the day before (``send_appointment_reminders``), with the same .ics."""
    return _build(appointment, "reminder", base_url)


def build_moved(appointment, *, base_url=None):
    """A short notice that the booking moved, with the updated .ics."""
    return _build(appointment, "moved", base_url)


def build_cancellation(appointment, *, base_url=None):
    """A short notice that the booking was cancelled, with a cancelling .ics."""
    return _build(appointment, "cancellation", base_url, cancelled=True)


def _send(builder, appointment, base_url):
    if not appointment.email:
        return False
    try:
        builder(appointment, base_url=base_url).send()
    except Exception:
        logger.exception("Could not email appointment %s", appointment.reference)
        return False
    return True


def send_confirmation(appointment, *, base_url=None):
    return _send(build_confirmation, appointment, base_url)


def send_moved(appointment, *, base_url=None):
    return _send(build_moved, appointment, base_url)


def send_cancellation(appointment, *, base_url=None):
    return _send(build_cancellation, appointment, base_url)
