"""Rate limiting, the CSRF failure page, the deployment check of our own, and the
access log that must not hold private links."""

import importlib.util
import logging
from pathlib import Path

import pytest
import redis
from django.core.cache import caches
from django.core.checks import run_checks
from django.test import Client

from kela_service.ratelimit import client_address, hit, parse_rate
from kela_service.redact import MaskSecretsFilter, mask_secrets

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


def _gunicorn_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", BASE_DIR / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("rate", "expected"), [("20/10m", (20, 600)), ("5/s", (5, 1)), ("100/h", (100, 3600))]
)
def test_parse_rate__count_and_seconds(rate, expected):
    assert parse_rate(rate) == expected


def test_parse_rate__nonsense__refused():
    with pytest.raises(ValueError, match="Bad rate"):
        parse_rate("lots")


def test_rate_limit__over_the_limit__429_page_in_language_with_retry_after(client, settings):
    settings.PUBLIC_POST_RATE = "2/m"
    statuses = [client.post("/sv/callbacks/", {}).status_code for _ in range(3)]

    response = client.post("/sv/callbacks/", {})

    assert statuses[:2] != [429, 429]
    assert statuses[2] == 429
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "För många försök" in response.text
    assert "Du kan också ringa FPA:s telefontjänst." in response.text
    assert 'href="/sv/phone-service/"' in response.text


def test_client_address__behind_one_proxy__takes_the_address_the_proxy_saw(rf, settings):
    settings.NUM_PROXIES = 1
    request = rf.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7")

    assert client_address(request) == "192.0.2.7"


def test_client_address__no_proxy__ignores_forwarded_for(rf, settings):
    settings.NUM_PROXIES = 0
    request = rf.post("/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="6.6.6.6")

    assert client_address(request) == "192.0.2.9"


def test_csrf_failure__public_form__friendly_page_in_the_users_language(offices):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/en/callbacks/", {"phone": "040 123 4567"})

    assert response.status_code == 403
    assert "The form has expired" in response.text
    assert 'lang="en"' in response.text


def test_deploy_check__proxy_header_without_num_proxies__warns(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.NUM_PROXIES = 0

    ids = [message.id for message in run_checks(include_deployment_checks=True)]

    assert "kela_service.W001" in ids


def test_deploy_check__proxy_header_with_num_proxies__no_warning(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.NUM_PROXIES = 1

    ids = [message.id for message in run_checks(include_deployment_checks=True)]

    assert "kela_service.W001" not in ids


@pytest.mark.parametrize(
    ("path", "masked"),
    [
        ("/appointments/manage/abcDEF123_-x/cancel/", "/appointments/manage/***/cancel/"),
        ("/sv/appointments/booked/abcDEF123/", "/sv/appointments/booked/***/"),
        ("/en/callbacks/K7M2QX9P/s3cr3t-token/", "/en/callbacks/K7M2QX9P/***/"),
        ("/m/abcDEF123_-x/", "/m/***/"),
        ("/offices/kemi/", "/offices/kemi/"),
        ("/sv/mobile/", "/sv/mobile/"),
    ],
)
def test_access_log__private_links__masked(path, masked):
    assert mask_secrets(path) == masked


def test_django_request_log__not_found_manage_link__masked(client, caplog):
    client.get("/appointments/manage/guessed-token/")

    record = next(r for r in caplog.records if r.name == "django.request")
    configured = [
        f
        for h in logging.getLogger().handlers
        for f in h.filters
        if isinstance(f, MaskSecretsFilter)
    ]
    assert configured, "LOGGING must put MaskSecretsFilter on the stdout handler"
    configured[0].filter(record)
    assert record.getMessage() == "Not Found: /appointments/manage/***/"


def test_access_log__logger_masks_request_line_and_referer(monkeypatch):
    conf = _gunicorn_conf()
    unmasked = {
        "r": "GET /appointments/manage/SECRET/ HTTP/1.1",
        "U": "/appointments/manage/SECRET/",
        "f": "https://kela.example/callbacks/REF/SECRET/",
        "s": 200,
    }
    monkeypatch.setattr(conf.Logger, "atoms", lambda *args: dict(unmasked))
    logger = conf.RedactingLogger.__new__(conf.RedactingLogger)

    atoms = logger.atoms(None, None, {}, None)

    assert atoms["r"] == "GET /appointments/manage/***/ HTTP/1.1"
    assert atoms["U"] == "/appointments/manage/***/"
    assert atoms["f"] == "https://kela.example/callbacks/REF/***/"
    assert atoms["s"] == 200


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("/admin/appointments/appointment/?q=040+123+4567", "/admin/appointments/appointment/?***"),
        ("/staff/callbacks/summary/?date=2026-12-07", "/staff/callbacks/summary/?***"),
        ("/admin?q=Meik%C3%A4l%C3%A4inen", "/admin?***"),
        ('"GET /admin/?q=040 HTTP/1.1" 200', '"GET /admin/?*** HTTP/1.1" 200'),
        ("https://kela.example/staff/tornio/?x=1", "https://kela.example/staff/tornio/?***"),
        ("Not Found: /admin/nothing/", "Not Found: /admin/nothing/"),
        ("/appointments/days/?office=tornio&topic=1", "/appointments/days/?office=tornio&topic=1"),
    ],
)
def test_mask_secrets__staff_query_strings__masked_public_ones_kept(text, masked):
    assert mask_secrets(text) == masked


def test_access_log__query_atoms_of_staff_paths__masked(monkeypatch):
    conf = _gunicorn_conf()
    environ = {"PATH_INFO": "/admin/appointments/appointment/", "QUERY_STRING": "q=0401234567"}
    unmasked = {
        "r": "GET /admin/appointments/appointment/?q=0401234567 HTTP/1.1",
        "U": environ["PATH_INFO"],
        "q": environ["QUERY_STRING"],
        "{query_string}e": environ["QUERY_STRING"],
        "{raw_uri}e": "/admin/appointments/appointment/?q=0401234567",
    }
    monkeypatch.setattr(conf.Logger, "atoms", lambda *args: dict(unmasked))
    logger = conf.RedactingLogger.__new__(conf.RedactingLogger)

    atoms = logger.atoms(None, None, environ, None)

    assert atoms["r"] == "GET /admin/appointments/appointment/?*** HTTP/1.1"
    assert atoms["q"] == atoms["{query_string}e"] == "***"
    assert atoms["{raw_uri}e"] == "/admin/appointments/appointment/?***"


def test_access_log__query_of_a_public_path__kept(monkeypatch):
    conf = _gunicorn_conf()
    environ = {"PATH_INFO": "/appointments/days/", "QUERY_STRING": "office=tornio"}
    monkeypatch.setattr(conf.Logger, "atoms", lambda *args: {"q": "office=tornio"})
    logger = conf.RedactingLogger.__new__(conf.RedactingLogger)

    assert logger.atoms(None, None, environ, None)["q"] == "office=tornio"


@pytest.mark.parametrize("path", ["/", "/sv/callbacks/", "/admin/login/", "/nothing-here/"])
def test_permissions_policy__every_response__denies_camera_microphone_geolocation_payment(
    client, offices, path
):
    policy = client.get(path)["Permissions-Policy"]

    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_rate_limit__on_redis__counts_are_shared_by_every_worker(rf, settings, redis_url):
    """Workers share the count through Redis: a second cache connection (another
    gunicorn worker) sees the first one's hits and refuses past the limit."""
    redis_client = redis.Redis.from_url(redis_url)
    redis_client.flushdb()
    settings.PUBLIC_POST_RATE = "3/m"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "kela-test",
        }
    }
    request = rf.post("/", REMOTE_ADDR="192.0.2.44")

    try:
        first_worker = [hit("appointments", request) for _ in range(2)]
        caches["default"].close()  # the next hit opens a new connection, as another worker would
        second_worker = [hit("appointments", request) for _ in range(2)]

        assert first_worker == [True, True]
        assert second_worker == [True, False]
        assert any(b"ratelimit:appointments" in key for key in redis_client.keys("*"))
    finally:
        redis_client.flushdb()
        redis_client.close()
