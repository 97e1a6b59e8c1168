"""Reminders the day before: each booking's citizen is reminded once, by e-mail and SMS
through the outbox (``notices``).

A run claims each booking by setting ``reminder_sent_at`` with a conditional UPDATE and
queues the reminder in the same transaction, so two runs at once (two workers, a cron
and an operator) remind once; the outbox key (appointment, "reminder:<slot>") backs it
up. A booking moved to another day is reminded of its new time (the move clears
``reminder_sent_at``). The outbox shows whether the reminder went.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from offices import hours

from . import notices
from .models import Appointment


def reminders_due(day):
    """Booked appointments on local date ``day`` not reminded of yet."""
    return Appointment.objects.filter(
        status=Appointment.Status.BOOKED,
        reminder_sent_at__isnull=True,
        anonymised_at__isnull=True,
    ).on_date(day)


def reminders_send(*, day=None, now=None):
    """Queue the reminders of ``day`` (default: tomorrow, and only from
    REMINDER_HOUR local time on, so that no SMS comes at night). Returns how many
    bookings were reminded."""
    now = now or timezone.now()
    if day is None:
        if hours.localtime(now).hour < settings.REMINDER_HOUR:
            return 0
        day = hours.localdate(now) + datetime.timedelta(days=1)
    reminded = 0
    due = reminders_due(day).select_related("slot__office", "topic").order_by("pk")
    for appointment in due:
        with transaction.atomic():
            # The claim: of two runs at once, one updates the row (the other waits for
            # its lock, then finds it claimed), and only that one queues the reminder.
            claimed = Appointment.objects.filter(
                pk=appointment.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed and notices.notify_citizen(appointment, notices.REMINDER):
                reminded += 1
    return reminded
