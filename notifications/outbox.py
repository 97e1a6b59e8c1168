"""The outbox's two ends: ``notify()`` writes a message, ``deliver_due()`` sends it.

``notify()`` runs inside the caller's transaction: the message exists if and only if the
change that caused it was committed, and the citizen's request never waits for SMTP or
an SMS provider. A task, written in the same transaction (the task queue is a table),
asks a worker to deliver at once; the scheduled delivery job (every minute) catches
whatever that missed.

``deliver_due()`` claims due rows with a lease (PostgreSQL: ``SELECT ... FOR UPDATE
SKIP LOCKED``; SQLite: the IMMEDIATE transaction serialises claims, and the UPDATE is
conditional either way), commits the claim, sends, then marks each row sent. So:

- in the normal path a row is sent once (no two workers hold one lease);
- a worker that dies loses nothing: its lease expires and another worker claims the row;
- a worker that dies after the provider accepted a message and before the row was marked
  leaves one duplicate, sent when the lease expires. The row's reference travels with
  the message (SMS ``userref``, e-mail ``Message-ID``) so receipts and mail clients can
  tell it is the same message.

A failed send goes back to the queue with exponential backoff
(``NOTIFICATIONS_RETRY_SECONDS`` * 2^(attempt-1), at most an hour) until
``NOTIFICATIONS_MAX_ATTEMPTS``, then the row is failed (the admin can retry it).
"""

import base64
import datetime
import logging
import os
import smtplib
import time
import urllib.parse
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django_q.tasks import async_task

from . import kinds
from .models import Channel, Message, Status
from .sms import PermanentSendError, SendError, e164, sms_backend, sms_capable, sms_text_problem

logger = logging.getLogger(__name__)

MAX_BACKOFF = datetime.timedelta(hours=1)
BATCH_SIZE = 10
# A scheduled run stops claiming after this long, so that runs do not pile up.
RUN_BUDGET_SECONDS = 50


def notify(
    *,
    obj,
    event,
    channel,
    to,
    body,
    subject="",
    language=None,
    attachments=(),
    sensitive=False,
    expires_at=None,
):
    """Queue one message about ``obj`` (any saved model instance) in the current
    transaction. ``event`` is the caller's name for what happened ("confirmed",
    "moved:1234"): one message per (obj, event, channel), so a second call with the same
    key writes nothing.

    ``channel`` is ``Channel.EMAIL`` or ``Channel.SMS``; ``to`` an e-mail address or a
    phone number (ask ``sms_capable()`` first); ``body`` the rendered text (an SMS must
    be GSM-7 and at most 160 characters, see ``sms_fits()``); ``attachments`` a list of
    ``(filename, content, mimetype)`` like ``EmailMessage.attachments``. A ``sensitive``
    body (a code, a private link) is blanked once sent; a message is not sent after
    ``expires_at``. A wrong channel, recipient or text raises ValueError: that is a bug
    in the caller, not the citizen's input.

    The returned message has the row's id; when the key was taken, the row is left as it
    was (the returned fields are those given, not the row's).
    """
    kinds.check(event)
    channel = Channel(channel)
    if channel == Channel.SMS:
        if not sms_capable(to):
            raise ValueError(f"Not a Finnish mobile number: {to!r}")
        problem = sms_text_problem(body)
        if problem:
            raise ValueError(f"SMS text for {event!r} does not fit one SMS: {problem}")
        to = e164(to)
    else:
        try:
            validate_email(to)
        except ValidationError:
            raise ValueError(f"Not an e-mail address: {to!r}") from None
        if "\n" in subject or "\r" in subject:
            raise ValueError("An e-mail subject is one line.")
    if obj.pk is None:
        raise ValueError("notify() needs a saved object.")
    message = Message(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        event=event,
        channel=channel,
        recipient=to,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
        subject=subject,
        body=body,
        attachments=[_attachment(*a) for a in attachments],
        sensitive=sensitive,
        expires_at=expires_at,
    )
    # One statement, no savepoint: INSERT ... ON CONFLICT (the key) DO UPDATE SET event
    # to itself, RETURNING the id. A taken key changes nothing and answers its row's id
    # (DO NOTHING would answer nothing; get_or_create took four statements).
    Message.objects.bulk_create(
        [message],
        update_conflicts=True,
        unique_fields=["content_type", "object_id", "event", "channel"],
        update_fields=["event"],
    )
    # Once per transaction whether or not the row is new: a delivery run that finds
    # nothing to send costs the worker one query.
    _ask_for_delivery()
    return message


def withdraw(*, obj, event):
    """Take back the messages about ``obj`` and ``event`` that no worker has picked up
    (the change that caused them was undone in time). Returns how many were withdrawn."""
    now = timezone.now()
    unsent = (
        Message.objects.for_object(obj)
        .filter(event=event, status=Status.QUEUED, attempts=0)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
    )
    deleted, _ = unsent.delete()
    return deleted


def _attachment(filename, content, mimetype):
    if isinstance(content, bytes):
        try:
            content = content.decode()
        except UnicodeDecodeError:
            return {
                "filename": filename,
                "mimetype": mimetype,
                "content": base64.b64encode(content).decode(),
                "base64": True,
            }
    return {"filename": filename, "mimetype": mimetype, "content": content, "base64": False}


def _ask_for_delivery():
    """Once per transaction: a task asking a worker to deliver now. The task queue is a
    table (django-q2's ORM broker), so the task is written in the transaction, beside
    the messages: committed with them or not at all, and no commit of its own. A worker
    cannot see it before the messages; the scheduled delivery catches anything else."""
    if connection.in_atomic_block:
        # The marker shares the task's fate: a savepoint rolled back drops both.
        if any(callback is _delivery_asked for _, callback, _ in connection.run_on_commit):
            return
        transaction.on_commit(_delivery_asked)
    # Frequent and uneventful: the result is not kept (failures are).
    async_task(
        "notifications.outbox.deliver_due", q_options={"group": "notifications", "save": False}
    )


def _delivery_asked():
    """Marks a transaction that holds a delivery task (nothing to do at the commit)."""


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def total(self):
        return self.sent + self.retried + self.failed

    def __str__(self):
        return f"{self.sent} sent, {self.retried} to retry, {self.failed} failed"


def deliver_due(*, limit=None, now=None):
    """Send due messages, a batch at a time, until none is due (or ``limit`` messages,
    or the run's time budget). ``now`` pins the clock (tests). Returns a DeliveryReport."""
    report = DeliveryReport()
    started = time.monotonic()
    while limit is None or report.total < limit:
        batch = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - report.total)
        messages = messages_claim(limit=batch, now=now)
        if not messages:
            break
        _send_batch(messages, report, now=now)
        if now is None and time.monotonic() - started > RUN_BUDGET_SECONDS:
            break
    return report


def lease_duration():
    return datetime.timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)


def messages_claim(*, limit, now=None):
    """Lease up to ``limit`` due messages to this caller; return them. The claim is
    committed before anything is sent, so that a crash cannot undo it."""
    now = now or timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        candidates = Message.objects.due(now).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Message.objects.filter(pk__in=ids).due(now).update(
            lease_token=token,
            leased_until=now + lease_duration(),
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    claimed = Message.objects.filter(pk__in=ids, lease_token=token)  # by primary key
    return list(claimed.order_by("next_attempt_at", "pk"))


def _send_batch(messages, report, *, now=None):
    mail_connection = None
    try:
        for message in messages:
            moment = now or timezone.now()
            if message.attempts > settings.NOTIFICATIONS_MAX_ATTEMPTS:
                # Its last worker died while sending: give up, as after a failure.
                _mark_failed(message, message.last_error or "Worker lost", moment)
                report.failed += 1
                continue
            if message.expires_at and message.expires_at <= moment:
                _mark_failed(message, "Expired before it could be sent", moment)
                report.failed += 1
                continue
            _fault("before-send", message)
            try:
                if message.channel == Channel.SMS:
                    provider_id = sms_backend().send(
                        to=message.recipient, text=message.body, reference=message.reference.hex
                    )
                else:
                    if mail_connection is None:
                        # One SMTP session for the batch's e-mails.
                        mail_connection = mail.get_connection()
                        mail_connection.open()
                    provider_id = _send_email(message, mail_connection)
            except Exception as error:
                if not isinstance(error, SendError | OSError | smtplib.SMTPException):
                    logger.exception("Message %s: unexpected error", message.reference)
                moment = now or timezone.now()
                if _retry_or_fail(message, error, moment):
                    report.retried += 1
                else:
                    report.failed += 1
                if isinstance(error, OSError | smtplib.SMTPException) and mail_connection:
                    _close(mail_connection)  # a broken session: the next e-mail opens anew
                    mail_connection = None
                continue
            _fault("after-send", message)
            _mark_sent(message, provider_id, now or timezone.now())
            report.sent += 1
    finally:
        if mail_connection is not None:
            _close(mail_connection)


def _close(mail_connection):
    try:
        mail_connection.close()
    except (OSError, smtplib.SMTPException):
        logger.warning("Closing the SMTP connection failed", exc_info=True)


def _send_email(message, mail_connection):
    domain = urllib.parse.urlsplit(settings.SITE_URL).hostname or "kela-service"
    message_id = f"<{message.reference.hex}@{domain}>"
    email = mail.EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.recipient],
        headers={"Message-ID": message_id},
        connection=mail_connection,
    )
    for attachment in message.attachments:
        content = attachment["content"]
        if attachment.get("base64"):
            content = base64.b64decode(content)
        email.attach(attachment["filename"], content, attachment["mimetype"])
    if not email.send():
        raise SendError("The mail backend sent nothing")
    return message_id


def _mark_sent(message, provider_id, now):
    """Sent: whoever holds the lease now, the provider has the message."""
    blank = {"body": "", "attachments": []} if message.sensitive else {}
    Message.objects.filter(pk=message.pk, status=Status.QUEUED).update(
        status=Status.SENT,
        sent_at=now,
        provider_id=provider_id[:100],
        last_error="",
        leased_until=None,
        lease_token=None,
        updated_at=now,
        **blank,
    )


def backoff(attempts):
    """The wait before attempt ``attempts + 1``: RETRY_SECONDS, doubling, at most 1 h."""
    seconds = settings.NOTIFICATIONS_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return min(datetime.timedelta(seconds=seconds), MAX_BACKOFF)


def _retry_or_fail(message, error, now):
    """Back to the queue with backoff, or failed; True if it will be retried."""
    text = f"{type(error).__name__}: {error}"[:2000]
    logger.warning("Message %s attempt %s failed: %s", message.reference, message.attempts, text)
    if (
        isinstance(error, PermanentSendError)
        or _permanent_smtp_error(error)
        or message.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
    ):
        _mark_failed(message, text, now)
        return False
    Message.objects.filter(pk=message.pk, lease_token=message.lease_token).update(
        next_attempt_at=now + backoff(message.attempts),
        last_error=text,
        leased_until=None,
        lease_token=None,
        updated_at=now,
    )
    return True


def _permanent_smtp_error(error):
    """The server refused every recipient with a 5xx code: the address is wrong."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _ in error.recipients.values()
    )


def _mark_failed(message, text, now):
    Message.objects.filter(pk=message.pk, lease_token=message.lease_token).update(
        status=Status.FAILED,
        last_error=text,
        leased_until=None,
        lease_token=None,
        updated_at=now,
    )


def messages_retry(queryset, *, now=None):
    """Queue failed messages again at once, with a fresh count of attempts (after the
    cause was fixed, e.g. the SMTP settings). Returns how many."""
    now = now or timezone.now()
    return queryset.filter(status=Status.FAILED).update(
        status=Status.QUEUED,
        attempts=0,
        next_attempt_at=now,
        leased_until=None,
        lease_token=None,
        updated_at=now,
    )


def messages_purge(*, before):
    """Blank the recipient, text and attachments of messages created before ``before``
    (personal data past retention); statuses and times stay for statistics.
    Idempotent. Returns the number blanked."""
    return (
        Message.objects.filter(created_at__lt=before)
        .exclude(status=Status.QUEUED)
        .exclude(recipient="")
        .update(recipient="", subject="", body="", attachments=[], last_error="")
    )


# --- Fault injection (tests only) -------------------------------------------------------

_fault_counts = {}


def _fault(point, message):
    """Inert unless a test sets NOTIFICATIONS_FAULT="<point>:<n>" in a worker's
    environment: the n-th time this process reaches ``point`` ("before-send" or
    "after-send") it appends "<pid> <point> <reference>" to NOTIFICATIONS_FAULT_FILE
    and waits there to be killed (SIGKILL) by the test."""
    spec = os.environ.get("NOTIFICATIONS_FAULT")
    if not spec or not settings.TESTING:
        return
    fault_point, _, count = spec.partition(":")
    if fault_point != point:
        return
    _fault_counts[point] = _fault_counts.get(point, 0) + 1
    if _fault_counts[point] != int(count or 1):
        return
    with open(os.environ["NOTIFICATIONS_FAULT_FILE"], "a") as marker:
        marker.write(f"{os.getpid()} {point} {message.reference.hex}\n")
        marker.flush()
        os.fsync(marker.fileno())
    while True:
        time.sleep(60)
