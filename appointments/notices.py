"""What citizens are told about their appointment, through the outbox
(``notifications.notify``): an e-mail if they gave an address (with the booking as an
.ics file) and an SMS if their number is a Finnish mobile one, in the language they
chose. The rules call ``notify_citizen`` inside the transaction of the change, so a
message exists exactly when the change was committed, and no request waits for SMTP or
an SMS provider.

Each message is keyed by (appointment, event, channel): a booking is confirmed once, a
move to a slot or a reminder for a slot is told once, however often the code runs.
"""

import datetime

import icalendar
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.models import Channel, Message, Status
from notifications.outbox import notify, withdraw
from notifications.sms import sms_capable
from offices import hours

from .models import Appointment

ICS_FILENAME = "kela-appointment.ics"

CONFIRMED = "confirmed"
MOVED = "moved"
CANCELLED = "cancelled"
REMINDER = "reminder"
AFFECTED = "affected"
kinds.declare(CONFIRMED, MOVED, CANCELLED, REMINDER, AFFECTED)
# Events that happen again for a new time carry the slot in their key.
PER_SLOT = {MOVED, REMINDER, AFFECTED}


def _key(appointment, event):
    return f"{event}:{appointment.slot_id}" if event in PER_SLOT else event


def _site(path=""):
    return settings.SITE_URL + path


def manage_url(appointment):
    return _site(reverse("appointments:manage", kwargs={"token": appointment.manage_token}))


def short_manage_url(appointment):
    """The private link as an SMS carries it (``/m/<token>/``)."""
    return _site(reverse("appointment_short_link", kwargs={"token": appointment.manage_token}))


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


def calendar_file(appointment, *, cancelled=False):
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
    event.add("summary", gettext("Kela appointment: %(topic)s") % {"topic": appointment.topic.name})
    event.add("location", _location(appointment))
    url = manage_url(appointment)
    event.add(
        "description",
        gettext("Booking reference: %(reference)s\nView, cancel or change: %(url)s")
        % {"reference": appointment.reference, "url": url},
    )
    event.add("url", url)
    calendar.add_component(event)
    return calendar.to_ical()


def email_parts(appointment, event):
    """(subject, body, attachments) of the e-mail about ``event`` (call inside the
    citizen's language)."""
    context = {
        "appointment": appointment,
        "slot": appointment.slot,
        "office": appointment.slot.office,
        "manage_url": manage_url(appointment),
        "location": _location(appointment),
        "home_url": _site(reverse("home")),
        "phone_service_url": _site(reverse("offices:phone_service")),
    }
    template = {CONFIRMED: "confirmation", CANCELLED: "cancellation"}.get(event, event)
    subject = render_to_string(f"appointments/email/{template}_subject.txt", context)
    body = render_to_string(f"appointments/email/{template}.txt", context)
    cancelled = event == CANCELLED
    method = "CANCEL" if cancelled else "PUBLISH"
    attachment = (
        ICS_FILENAME,
        calendar_file(appointment, cancelled=cancelled),
        f"text/calendar; method={method}; charset=UTF-8",
    )
    return " ".join(subject.split()), body, [attachment]


def _sms_when(appointment):
    # GSM-7 has no en dash: an SMS gives the start only ("ma 7.12.2026 klo 9.00").
    start = appointment.slot.starts_at
    return gettext("%(date)s at %(time)s") % {
        "date": hours.format_date(start),
        "time": hours.format_time(start),
    }


def _sms_place(appointment):
    office = appointment.slot.office
    if office.is_phone_service:
        return gettext("by phone")
    return ", ".join(part for part in (office.display_name, office.street_address) if part)


SMS_TEXTS = {
    CONFIRMED: _("Kela: your appointment is booked for %(when)s, %(place)s. Ref %(reference)s"),
    MOVED: _("Kela: your appointment has moved to %(when)s, %(place)s. Ref %(reference)s"),
    CANCELLED: _("Kela: your appointment %(when)s is cancelled. Ref %(reference)s"),
    REMINDER: _("Kela reminder: your appointment %(when)s, %(place)s. Ref %(reference)s"),
    AFFECTED: _("Kela: your appointment %(when)s cannot take place. Choose a new time: %(link)s"),
}


def sms_text(appointment, event):
    """The SMS about ``event``: GSM-7 and one message (160 characters) in every
    language, and nothing personal beyond the time, place and reference (call inside the
    citizen's language)."""
    return SMS_TEXTS[event] % {
        "when": _sms_when(appointment),
        "place": _sms_place(appointment),
        "reference": appointment.reference,
        "link": short_manage_url(appointment),
    }


def notify_citizen(appointment, event):
    """Queue the e-mail and the SMS about ``event`` that the citizen can receive, in the
    current transaction. Returns the channels queued: none when the citizen gave no
    e-mail and their number gets no SMS (staff then call them)."""
    key = _key(appointment, event)
    expires_at = appointment.slot.ends_at
    channels = []
    with translation.override(appointment.language):
        if appointment.email:
            subject, body, attachments = email_parts(appointment, event)
            notify(
                obj=appointment,
                event=key,
                channel=Channel.EMAIL,
                to=appointment.email,
                subject=subject,
                body=body,
                attachments=attachments,
                language=appointment.language,
                sensitive=True,  # the private link
                expires_at=expires_at,
            )
            channels.append(Channel.EMAIL)
        if sms_capable(appointment.phone):
            notify(
                obj=appointment,
                event=key,
                channel=Channel.SMS,
                to=appointment.phone,
                body=sms_text(appointment, event),
                language=appointment.language,
                sensitive=event == AFFECTED,
                expires_at=expires_at,
            )
            channels.append(Channel.SMS)
    return channels


def affected_messages(appointments):
    """{appointment pk: [its closure notices]} (one query), for the staff's list."""
    keys = {appointment.pk: _key(appointment, AFFECTED) for appointment in appointments}
    found = {pk: [] for pk in keys}
    messages = Message.objects.filter(
        content_type=ContentType.objects.get_for_model(Appointment),
        object_id__in=list(keys),
        event__in=set(keys.values()),
    ).order_by("channel")
    for message in messages:
        if keys.get(message.object_id) == message.event:
            found[message.object_id].append(message)
    return found


def needs_call(messages):
    """Staff must call when no closure notice could be queued (no e-mail, no SMS
    number) or every one of them failed."""
    return all(message.status == Status.FAILED for message in messages)


def withdraw_affected(appointment):
    """The closure was undone before its notices went: take the unsent ones back."""
    withdraw(obj=appointment, event=_key(appointment, AFFECTED))
