"""Fail safe, not open and not loud: what citizens get and what the log gets when Redis
or the database is away.

Redis: a port where nothing listens, in this process. The database: on PostgreSQL, a
TCP proxy this test owns between gunicorn and the server, cut and restored (the shared
server is never stopped); in this process, a view whose database has gone."""

import logging
import re

import pytest
from django.db import connection
from django.test import Client

from appointments.models import Appointment
from callbacks.models import CallbackRequest
from tests.appointments.public_helpers import NOW, details, generate_slots, slot_on, url
from tests.faults import Gunicorn, TcpProxy, request, server_env
from tests.workers import database_url

POSTGRESQL = connection.vendor == "postgresql"


def ratelimit_warnings(caplog):
    return [r for r in caplog.records if r.name == "kela_service.ratelimit" and r.levelno >= 30]


# --- Redis unreachable -------------------------------------------------------------------


def sms_code(deliver, sms_outbox, phone):
    """The code in the last SMS to ``phone`` (E.164), as the citizen reads it."""
    deliver()
    return re.search(r"\b(\d{6})\b", [s["text"] for s in sms_outbox if s["to"] == phone][-1])[1]


@pytest.mark.django_db
def test_redis_down__a_citizen_books_and_requests_a_callback_through_the_forms(
    client, offices, pin_clock, redis_down, caplog, deliver, sms_outbox
):
    """Every step, the SMS code steps included, works with Redis away."""
    pin_clock(NOW)
    generate_slots([offices["tornio"], offices["phone"]], weeks=2)
    slot = slot_on(offices["tornio"])
    data = details(slot)

    code_step = client.post(url("confirm"), data)
    code = sms_code(deliver, sms_outbox, "+358401234567")
    review = client.post(url("confirm"), {**data, "action": "prove", "code": code})
    token = review.context["submission_token"]
    booked = client.post(url("confirm"), {**data, "action": "book", "submission_token": token})
    form = client.get("/sv/callbacks/")
    window = re.search(r'name="window" value="([^"]+)"', form.text)[1]
    callback = {"window": window, "phone": "040 765 4321", "topic": data["topic"], "language": "sv"}
    callback_code_step = client.post("/sv/callbacks/", callback)
    code = sms_code(deliver, sms_outbox, "+358407654321")
    called = client.post("/sv/callbacks/", {**callback, "action": "prove", "code": code})

    assert "proof" in code_step.context
    assert review.status_code == 200
    assert booked.status_code == 302
    assert Appointment.objects.get().slot == slot
    assert "proof" in callback_code_step.context
    assert called.status_code == 302
    assert CallbackRequest.objects.get().language == "sv"
    assert len(ratelimit_warnings(caplog)) == 1


@pytest.mark.django_db
def test_redis_down__rate_limit_still_refuses_per_process(client, offices, settings, redis_down):
    settings.PUBLIC_POST_RATE = "2/m"

    statuses = [client.post("/callbacks/", {}).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


@pytest.mark.django_db
def test_livez__asks_neither_the_database_nor_the_cache(
    client, redis_down, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/livez")

    assert response.status_code == 200
    assert response.text == "ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz__redis_down__200_degraded_and_one_warning(client, redis_down, caplog):
    responses = [client.get("/healthz") for _ in range(5)]

    assert {response.status_code for response in responses} == {200}
    assert responses[-1].json() == {"status": "degraded", "database": True, "cache": False}
    assert "no-cache" in responses[-1]["Cache-Control"]
    assert len(ratelimit_warnings(caplog)) == 1


@pytest.mark.django_db
def test_healthz__redis_answers__200_ok(client, settings, redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "kela_service.cache.RedisCache", "LOCATION": redis_url}
    }

    response = client.get("/healthz")

    assert response.json() == {"status": "ok", "database": True, "cache": True}


# --- The database unreachable, in this process ------------------------------------------------


@pytest.fixture
def gone(settings):
    """Pages under /gone/ (each language), /bug/ and /api/v1/gone; a client that gets
    the error page rather than the exception."""
    settings.ROOT_URLCONF = "tests.kela_service.fault_urls"
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    ("path", "language", "sentence"),
    [
        (
            "/gone/",
            "fi",
            "Palvelu ei ole juuri nyt käytettävissä. Yritä hetken kuluttua uudelleen.",
        ),
        ("/sv/gone/", "sv", "Tjänsten är tillfälligt otillgänglig. Försök igen om en stund."),
        (
            "/en/gone/",
            "en",
            "The service is temporarily unavailable. Please try again in a moment.",
        ),
    ],
)
def test_database_gone__page__503_in_the_users_language_with_retry_after(
    gone, caplog, path, language, sentence
):
    with caplog.at_level(logging.INFO):
        response = gone.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert f'<html lang="{language}">' in response.text
    assert sentence in response.text
    prefix = "" if language == "fi" else f"/{language}"
    assert f'href="{prefix}/phone-service/"' in response.text  # its hours, when back
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(logged) == 1
    assert logged[0].exc_info is None
    assert "\n" not in logged[0].getMessage()
    assert f"GET {path} answered 503 (OperationalError: connection failed:" in (
        logged[0].getMessage()
    )


def test_database_gone__api__503_json_with_retry_after(gone):
    response = gone.get("/api/v1/gone")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "detail": "Palvelu ei ole juuri nyt käytettävissä. Yritä hetken kuluttua uudelleen."
    }


def test_a_bug__still_the_500_page_with_its_traceback_in_the_log(gone, caplog):
    response = gone.get("/en/bug/")

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert any(r.exc_info for r in caplog.records if r.name == "django.request")


# --- PostgreSQL unreachable: gunicorn behind a proxy the test cuts ------------------------------


PUBLIC_PAGES = ["/", "/sv/", "/en/offices/", "/sv/offices/tornio/", "/callbacks/", "/appointments/"]


@pytest.fixture
def database_proxy():
    host = connection.settings_dict["HOST"] or "127.0.0.1"
    port = int(connection.settings_dict["PORT"] or 5432)
    proxy = TcpProxy((host, port)).start()
    yield proxy
    proxy.stop()


@pytest.mark.skipif(
    not POSTGRESQL,
    reason="multi-process fault test: PostgreSQL only (SQLite has no server to cut off; "
    "the 503 page itself is tested above on both)",
)
@pytest.mark.django_db(transaction=True)
def test_postgresql_cut_off__503_with_retry_after__then_recovers(offices, database_proxy, tmp_path):
    through_proxy = database_url().replace(
        f":{connection.settings_dict['PORT'] or 5432}/", f":{database_proxy.port}/"
    )
    server = Gunicorn(server_env(DATABASE_URL=through_proxy), tmp_path / "gunicorn.log")
    try:
        server.wait_until_up()
        before = [request(server.port, "GET", path)[0] for path in PUBLIC_PAGES]
        _, headers, form_page = request(server.port, "GET", "/sv/callbacks/")
        csrf_cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"])[1]
        csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page)[1]

        database_proxy.cut()
        during = [request(server.port, "GET", path) for path in PUBLIC_PAGES * 2]
        during.append(
            request(
                server.port,
                "POST",
                "/sv/callbacks/",
                form={"csrfmiddlewaretoken": csrf_token, "phone": "040 765 4321"},
                headers={"Cookie": f"csrftoken={csrf_cookie}", "Referer": "http://127.0.0.1/"},
            )
        )
        health = request(server.port, "GET", "/healthz")
        live = request(server.port, "GET", "/livez")

        database_proxy.restore()
        after = [request(server.port, "GET", path)[0] for path in PUBLIC_PAGES]
    finally:
        server.stop()
    log = server.output()

    assert before == [200] * len(PUBLIC_PAGES)
    assert [status for status, _, _ in during] == [503] * len(during)
    assert all(headers["Retry-After"] == "30" for _, headers, _ in during)
    assert "Försök igen om en stund." in during[1][2]  # /sv/
    assert "Försök igen om en stund." in during[-1][2]  # the Swedish form, sent
    assert health[0] == 503
    assert live[0] == 200  # alive: restarting it would not bring the database back
    assert after == [200] * len(PUBLIC_PAGES)
    # One line per failed request, no traceback.
    assert log.count("Database unavailable:") == len(during)
    assert log.count("Health check: database unavailable") == 1
    assert "Service Unavailable" not in log
    assert "Traceback" not in log, log
