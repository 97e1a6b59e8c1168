"""A citizen books in the browser and a real task-queue worker (``manage.py qcluster``,
not the queue's synchronous mode) delivers the confirmation: the SMS to the file
backend, the e-mail to the file mail backend. The flow the outbox exists for."""

import datetime
import json
import os
import re
import time

import pytest
from django_q.models import Schedule

from appointments import rules
from appointments.models import Appointment
from notifications.models import Message, Status
from offices import hours
from tests.e2e.conftest import enter_sms_code
from tests.workers import Workers, database_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SMS_URL": f"file://{tmp_path / 'sms'}",
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",  # environ drops one slash
        "Q_WORKERS": "1",
    }
    pool = Workers(tmp_path, env)
    pool.start()
    yield pool
    pool.stop_all()


def sms_in(folder):
    """The SMS the file backend wrote, oldest first."""
    return [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]


def code_in(folder, phone, seconds=30):
    """The code of the last SMS to ``phone`` once the worker has sent it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        texts = (
            [sms["text"] for sms in sms_in(folder) if sms["to"] == phone] if folder.exists() else []
        )
        if texts:
            return re.search(r"\b(\d{6})\b", texts[-1])[1]
        time.sleep(0.2)
    pytest.fail("No code arrived by SMS")


def test_booking_in_the_browser__a_real_worker_sends_the_sms_and_the_email(
    page, offices, worker, tmp_path
):
    Schedule.objects.all().delete()  # the kick after the booking's commit is enough
    today = hours.localdate()
    rules.slots_generate(start=today, end=today + datetime.timedelta(weeks=8))

    page.goto("/appointments/?office=tornio")
    page.locator("input[name=topic]").first.check()
    page.get_by_role("button", name="Jatka", exact=True).click()
    page.locator("input[name=slot]").first.check()
    page.get_by_role("button", name="Jatka", exact=True).click()
    page.fill("#id_name", "Selain Asiakas")
    page.fill("#id_phone", "040 765 4321")
    page.fill("#id_email", "selain@example.com")
    page.get_by_role("button", name="Varaa aika", exact=True).click()
    # The worker delivers the code too: the citizen reads it from the SMS; that books.
    enter_sms_code(page, "+358407654321", read=lambda phone: code_in(tmp_path / "sms", phone))
    page.wait_for_url("**/appointments/booked/**")
    appointment = Appointment.objects.get(name="Selain Asiakas")

    queued = Message.objects.for_object(appointment).exclude(status=Status.SENT)
    deadline = time.monotonic() + 60
    while queued.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"The worker did not send the confirmation.\n{worker.logs()}")
        time.sleep(0.3)

    texts = [sms["text"] for sms in sms_in(tmp_path / "sms") if sms["to"] == "+358407654321"]
    assert len(texts) == 2  # the code, then the confirmation
    assert appointment.reference in texts[-1]
    (mail_file,) = (tmp_path / "mail").iterdir()
    email = mail_file.read_text()
    assert "To: selain@example.com" in email
    assert appointment.reference in email
