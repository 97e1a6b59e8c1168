"""notify(): one row per (object, event, channel), written in the caller's transaction."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import translation
from django_q.models import OrmQ

from notifications.models import Channel, Message, Status

pytestmark = pytest.mark.django_db


def test_notify__sms__queues_one_row_with_the_number_in_international_form(subject, queue):
    message = queue("sms", to="040 123 4567", body="Aika varattu.")

    row = Message.objects.get()
    assert row == message
    assert (row.channel, row.recipient, row.body, row.status, row.attempts) == (
        Channel.SMS,
        "+358401234567",
        "Aika varattu.",
        Status.QUEUED,
        0,
    )
    assert row.content_object == subject
    assert row.content_type == ContentType.objects.get_for_model(subject)
    assert row.next_attempt_at <= row.created_at + datetime.timedelta(seconds=1)


def test_notify__same_object_event_and_channel__writes_nothing_and_returns_the_first(queue):
    first = queue("sms", event="moved:17", body="Ensimmäinen.")

    second = queue("sms", event="moved:17", body="Toinen.")

    assert second.pk == first.pk
    assert Message.objects.get().body == "Ensimmäinen."


def test_notify__other_event_or_channel__is_another_message(queue):
    queue("sms", event="moved:17")
    queue("sms", event="moved:18")
    queue("email", event="moved:17")

    assert Message.objects.count() == 3


def test_notify__the_same_event_about_two_objects__is_two_messages(queue):
    from tests.factories import UserFactory

    queue("sms", obj=UserFactory(username="a"))
    queue("sms", obj=UserFactory(username="b"))

    assert Message.objects.count() == 2


def test_notify__email_with_an_ics__keeps_the_attachment_as_text(queue):
    ics = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"

    message = queue(
        "email", attachments=[("kela.ics", ics, "text/calendar; charset=UTF-8")], language="sv"
    )

    message.refresh_from_db()
    assert message.attachments == [
        {
            "filename": "kela.ics",
            "mimetype": "text/calendar; charset=UTF-8",
            "content": ics.decode(),
            "base64": False,
        }
    ]
    assert message.language == "sv"


def test_notify__binary_attachment__is_kept_as_base64(queue):
    message = queue("email", attachments=[("x.bin", b"\xff\x00", "application/octet-stream")])

    assert message.attachments[0]["base64"] is True


def test_notify__language__defaults_to_the_active_one(queue):
    with translation.override("en"):
        message = queue("sms")

    assert message.language == "en"


@pytest.mark.parametrize(
    ("to", "body", "error"),
    [
        ("09 123 4567", "Landline.", "Not a Finnish mobile number"),
        ("+46 70 123 4567", "Sweden.", "Not a Finnish mobile number"),
        ("040 123 4567", "Klo 9–16.", "not GSM-7"),
        ("040 123 4567", "x" * 161, "161 septets"),
    ],
)
def test_notify__sms_that_cannot_be_sent__is_a_programming_error(queue, to, body, error):
    with pytest.raises(ValueError, match=error):
        queue("sms", to=to, body=body)

    assert not Message.objects.exists()


def test_notify__bad_email_address_or_subject__is_a_programming_error(queue):
    with pytest.raises(ValueError, match="Not an e-mail address"):
        queue("email", to="maija@")
    with pytest.raises(ValueError, match="one line"):
        queue("email", subject="Two\nlines")


def test_notify__unknown_channel__is_a_programming_error(queue):
    with pytest.raises(ValueError, match="fax"):
        queue("fax")


def test_notify__rolled_back_transaction__leaves_no_message_and_no_task(queue):
    def book_then_fail():
        with transaction.atomic():
            queue("sms")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        book_then_fail()

    assert not Message.objects.exists()
    assert not OrmQ.objects.exists()


def test_notify__asks_a_worker_once_per_transaction_in_the_transaction(queue):
    with transaction.atomic():
        queue("sms", event="a")
        queue("email", event="a")
        queue("sms", event="b")
        # Written with the messages: no commit of its own, nothing to run after it.
        assert OrmQ.objects.count() == 1

    assert OrmQ.objects.get().func() == "notifications.outbox.deliver_due"


def test_notify__task_of_a_rolled_back_savepoint__asked_for_again(queue):
    def notify_then_fail():
        with transaction.atomic():
            queue("sms", event="a")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        notify_then_fail()
    queue("sms", event="b")

    assert OrmQ.objects.count() == 1
    assert Message.objects.get().event == "b"


def test_notify__in_a_request__costs_a_fixed_number_of_queries(queue, django_assert_num_queries):
    # The content type is cached from here on, and this transaction's task written.
    queue("sms", event="warm-up")

    with django_assert_num_queries(1):  # INSERT ... ON CONFLICT ... RETURNING
        queue("sms", event="confirmed")
