"""Reminders the day before: each appointment's citizen gets exactly one.

Two copies of the command may run at once (two servers' cron). A run first *claims*
its appointments in one short transaction, setting ``reminder_sent_at``; only then does
it send. On PostgreSQL the claim reads with ``SELECT ... FOR UPDATE SKIP LOCKED``, so a
concurrent run skips the rows this one holds and sees them claimed once it commits; on
SQLite the claim's IMMEDIATE transaction holds the write lock, so claims run one after
the other. The UPDATE is conditional (``reminder_sent_at IS NULL``) either way. A
message that fails to send is unclaimed, so a later run retries it.
"""

import datetime
import logging

from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from offices import hours

from .emails import build_reminder
from .models import Appointment

logger = logging.getLogger(__name__)


def reminders_due(day):
    """Booked appointments on local date ``day`` with an email and no reminder yet."""
    return (
        Appointment.objects.filter(
            status=Appointment.Status.BOOKED,
            reminder_sent_at__isnull=True,
            anonymised_at__isnull=True,
        )
        .exclude(email="")
        .on_date(day)
    )


def reminders_claim(*, day, now=None):
    """Mark the due reminders of ``day`` as sent by this run; return their ids."""
    now = now or timezone.now()
    with transaction.atomic():
        due = reminders_due(day).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True))
        if not ids:
            return []
        Appointment.objects.filter(pk__in=ids, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        )
    return ids


def reminders_send(*, day=None, base_url=None):
    """Claim and send the reminders for ``day`` (default: tomorrow, local date).
    Returns (sent, failed)."""
    day = day or hours.localdate() + datetime.timedelta(days=1)
    ids = reminders_claim(day=day)
    appointments = Appointment.objects.filter(pk__in=ids).select_related("slot__office", "topic")
    sent = failed = 0
    with mail.get_connection() as mail_connection:
        for appointment in appointments:
            try:
                message = build_reminder(appointment, base_url=base_url)
                message.connection = mail_connection
                message.send()
            except Exception:
                logger.exception("Reminder for appointment %s not sent", appointment.reference)
                Appointment.objects.filter(pk=appointment.pk).update(reminder_sent_at=None)
                failed += 1
            else:
                sent += 1
    return sent, failed
