"""A citizen books in the browser and a real task-queue worker (``manage.py qcluster``,
not the queue's synchronous mode) delivers the confirmation: the SMS to the file
backend, the e-mail to the file mail backend. The flow the outbox exists for."""

import datetime
import json
import os
import time

import pytest
from django_q.models import Schedule

from appointments import rules
from appointments.models import Appointment
from notifications.models import Message, Status
from offices import hours
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


def test_booking_in_the_browser__a_real_worker_sends_the_sms_and_the_email(
    page, offices, worker, tmp_path
):
    Schedule.objects.all().delete()  # the kick after the booking's commit is enough
    today = hours.localdate()
    rules.slots_generate(start=today, end=today + datetime.timedelta(weeks=8))

    page.goto("/appointments/?office=tornio")
    page.locator("input[name=topic]").first.check()
    page.get_by_role("button", name="Jatka", exact=True).click()
    page.locator("input[name=day]").first.check()
    page.get_by_role("button", name="Jatka", exact=True).click()
    page.locator("input[name=slot]").first.check()
    page.get_by_role("button", name="Jatka", exact=True).click()
    page.fill("#id_name", "Selain Asiakas")
    page.fill("#id_phone", "040 765 4321")
    page.fill("#id_email", "selain@example.com")
    page.get_by_role("button", name="Jatka", exact=True).click()
    page.get_by_role("button", name="Vahvista varaus").click()
    page.wait_for_url("**/appointments/booked/**")
    appointment = Appointment.objects.get(name="Selain Asiakas")

    queued = Message.objects.for_object(appointment).exclude(status=Status.SENT)
    deadline = time.monotonic() + 60
    while queued.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"The worker did not send the confirmation.\n{worker.logs()}")
        time.sleep(0.3)

    (sms_file,) = (tmp_path / "sms").iterdir()
    sms = json.loads(sms_file.read_text())
    assert sms["to"] == "+358407654321"
    assert appointment.reference in sms["text"]
    (mail_file,) = (tmp_path / "mail").iterdir()
    email = mail_file.read_text()
    assert "To: selain@example.com" in email
    assert appointment.reference in email
