"""What the logs hold after a citizen books and asks for a callback and staff search the
admin and export a day list: no phone number (in any format), name, e-mail, identity
code or private token. Both logs are captured as production writes them: Django's
through the handler settings.LOGGING configures (its filter and format), and gunicorn's
access log through gunicorn.conf.py's logger and format, one line per request."""

import datetime
import importlib.util
import io
import logging
import re
import types
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from gunicorn.config import Config

from appointments.models import Appointment
from callbacks.models import CallbackRequest
from notifications.outbox import deliver_due
from notifications.sms import memory_outbox
from tests.appointments import public_helpers
from tests.appointments.public_helpers import details, slot_on, topic, url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
NAME, SURNAME = "Maija", "Meikäläinen"
EMAIL = "maija.meikalainen@example.com"
PHONE = "040 123 4567"  # the booking's
CALLBACK_PHONE = "050 765 4321"  # the callback request's
IDENTITY_CODE = "131052-308T"
# Every atom gunicorn knows that could carry a URL, a query or a header.
WIDE_FORMAT = (
    '%(h)s "%(r)s" %(U)s ?%(q)s "%(f)s" %({raw_uri}e)s %({query_string}e)s '
    "%({referer}i)s %({http_referer}e)s"
)


def _gunicorn_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", BASE_DIR / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class AccessLog:
    """gunicorn's access log as gunicorn.conf.py sets it up (its logger class and
    format), written to a file: ``write(response)`` logs the request of a test client
    response as gunicorn would have. ``wide`` holds the same requests in WIDE_FORMAT."""

    def __init__(self, path):
        cfg = Config()
        for name, value in vars(_gunicorn_conf()).items():
            if name in cfg.settings:  # as gunicorn reads a config file
                cfg.set(name, value)
        cfg.set("accesslog", str(path))
        cfg.set("errorlog", str(path.with_suffix(".errors")))
        self.path = path
        self.logger = cfg.logger_class(cfg)
        self.wide = []

    def write(self, response):
        environ = dict(response.wsgi_request.environ)
        query = environ.get("QUERY_STRING", "")
        environ["RAW_URI"] = environ["PATH_INFO"] + (f"?{query}" if query else "")
        headers = [
            (key[5:].replace("_", "-"), value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        ]
        served = types.SimpleNamespace(
            status=f"{response.status_code} {response.reason_phrase}",
            sent=len(response.content) if not response.streaming else 0,
            headers=list(response.items()),
        )
        request = types.SimpleNamespace(headers=headers)
        took = datetime.timedelta(milliseconds=12)
        self.logger.access(served, request, environ, took)
        atoms = self.logger.atoms(served, request, environ, took)
        self.wide.append(WIDE_FORMAT % self.logger.atoms_wrapper_class(atoms))

    def text(self):
        for handler in self.logger.access_log.handlers:
            handler.flush()
        return self.path.read_text()

    def close(self):
        for log in (self.logger.access_log, self.logger.error_log):
            for handler in list(log.handlers):
                handler.close()
                log.removeHandler(handler)


@pytest.fixture
def django_log():
    """Everything logged from INFO up (the production level), through a handler built
    like LOGGING's stdout handler: its formatter and its filters."""
    config = settings.LOGGING
    stdout = config["handlers"]["stdout"]
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter(config["formatters"][stdout["formatter"]]["format"]))
    for name in stdout["filters"]:
        handler.addFilter(import_string(config["filters"][name]["()"])())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield buffer
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def access_log(tmp_path):
    log = AccessLog(tmp_path / "access.log")
    yield log
    log.close()


@pytest.fixture
def tornio_and_phone(offices, pin_clock):
    pin_clock(public_helpers.NOW)  # Wednesday 2.12.2026 10:00
    public_helpers.generate_slots([offices["tornio"]], weeks=2)
    return offices


# The SMS codes the flows used (they must not reach a log either).
CODES = []


def sms_code(phone):
    """The code of the last SMS to ``phone``, delivered by the outbox (memory backend)."""
    deliver_due()
    e164 = "+358" + re.sub(r"\D", "", phone)[1:]
    texts = [sms["text"] for sms in memory_outbox if sms["to"] == e164]
    return re.search(r"\b(\d{6})\b", texts[-1])[1]


def book_through_the_wizard(client, logged, office):
    CODES.clear()
    slot = slot_on(office)
    common = {"office": office.slug, "topic": topic().pk}
    logged(client.get(url("start")))
    logged(client.get(url("days", **common), HTTP_REFERER="http://testserver/appointments/"))
    logged(client.get(url("times", **common, day=public_helpers.MONDAY.isoformat())))
    logged(client.get(url("details", **common, slot=slot.pk)))
    data = details(slot, name=f"{NAME} {SURNAME}", phone=PHONE, email=EMAIL)
    # First with the identity code in the note (refused), then without.
    refused = logged(client.post(url("confirm"), {**data, "note": f"Hetu {IDENTITY_CODE}"}))
    assert "henkilötunnus" in refused.text
    # The code step: the code the SMS brought proves the number.
    logged(client.post(url("confirm"), data))
    CODES.append(sms_code(PHONE))
    review = logged(client.post(url("confirm"), {**data, "action": "prove", "code": CODES[-1]}))
    token = re.search(r'name="submission_token" value="([^"]+)"', review.text)[1]
    booked = logged(
        client.post(url("confirm"), {**data, "submission_token": token, "action": "book"})
    )
    assert booked.status_code == 302
    logged(client.get(booked["Location"]))
    appointment = Appointment.objects.get()
    # A mistyped private link: Django logs the "Not Found" path.
    logged(client.get(f"{appointment.get_absolute_url()}nothing-here/"))
    return appointment


def ask_for_a_callback(client, logged):
    form = logged(client.get("/callbacks/"))
    window = re.search(r'name="window" value="([^"]+)"', form.text)[1]
    data = {
        "window": window,
        "phone": CALLBACK_PHONE,
        "topic": topic().pk,
        "language": "fi",
        "message": f"Soittakaa, {NAME} {SURNAME}",
    }
    logged(client.post("/callbacks/", {**data, "message": f"Hetuni {IDENTITY_CODE}"}))
    logged(client.post("/callbacks/", data))  # the code step
    CODES.append(sms_code(CALLBACK_PHONE))
    created = logged(client.post("/callbacks/", {**data, "action": "prove", "code": CODES[-1]}))
    assert created.status_code == 302
    logged(client.get(created["Location"]))
    token = created["Location"].rstrip("/").rsplit("/", 1)[1]
    return CallbackRequest.objects.get().opened_with(token)


def staff_search_and_export(client, logged, appointment, callback, staff_login):
    staff_login(UserFactory(username="root", is_superuser=True))
    changelist = reverse("admin:appointments_appointment_changelist")
    for term in (PHONE, "0401234567", f"{SURNAME}", EMAIL, IDENTITY_CODE):
        found = logged(client.get(changelist, {"q": term, "when": "all"}))
        assert found.status_code == 200
    searched = f"http://testserver{changelist}?q={PHONE.replace(' ', '+')}"
    change = reverse("admin:appointments_appointment_change", args=[appointment.pk])
    logged(client.get(change, HTTP_REFERER=searched))
    callbacks = reverse("admin:callbacks_callbackrequest_changelist")
    logged(client.get(callbacks, {"q": CALLBACK_PHONE}))
    day = {"office": "tornio", "day": public_helpers.MONDAY.isoformat()}
    day_url = reverse("staff:day", kwargs=day)
    logged(client.get(day_url, HTTP_REFERER=searched))
    export = logged(client.get(reverse("staff:day_csv", kwargs=day), HTTP_REFERER=day_url))
    assert PHONE.replace(" ", "") in export.content.decode().replace(" ", "")


def secrets_of(appointment, callback):
    """What must not be in any log, in the forms a log could hold it."""
    return [
        NAME,
        SURNAME,
        EMAIL,
        IDENTITY_CODE,
        appointment.manage_token,
        callback.manage_token,
        *CODES,
    ]


def leaks(text, secrets, numbers):
    """The secrets found in ``text``, also URL-encoded, and the phone numbers in any
    format (their subscriber digits, with all separators removed)."""
    readable = unquote_plus(text)
    found = [secret for secret in secrets if secret in text or secret in readable]
    digits = re.sub(r"\D", "", readable)
    found += [number for number in numbers if number[-7:] in digits]
    return found


def test_logs__booking_callback_admin_search_and_export__hold_no_personal_data(
    client, tornio_and_phone, django_log, access_log, deliver, staff_login
):
    def logged(response):
        access_log.write(response)
        return response

    appointment = book_through_the_wizard(client, logged, tornio_and_phone["tornio"])
    callback = ask_for_a_callback(client, logged)
    deliver()  # the confirmations go out (e-mail and SMS), as the worker sends them
    staff_search_and_export(client, logged, appointment, callback, staff_login)

    secrets = secrets_of(appointment, callback)
    numbers = [re.sub(r"\D", "", PHONE), re.sub(r"\D", "", CALLBACK_PHONE)]
    configured, wide = access_log.text(), "\n".join(access_log.wide)
    django = django_log.getvalue()
    # The captures are real: a line per request, and Django's "Not Found" line.
    assert len(configured.splitlines()) == len(wide.splitlines()) >= 20
    assert "/admin/appointments/appointment/?*** HTTP/1.1" in configured
    assert "Not Found: /appointments/manage/***/nothing-here/" in django
    assert leaks(configured, secrets, numbers) == []
    assert leaks(wide, secrets, numbers) == []
    assert leaks(django, secrets, numbers) == []
