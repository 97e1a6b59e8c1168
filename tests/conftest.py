"""Shared fixtures: the offices of DOMAIN.md, staff users, a pinned clock, a Redis of
the tests' own and one that is down."""

import os

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache, caches
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from citizens import rules as citizen_rules
from kela_service import ratelimit
from notifications import sms
from notifications.outbox import deliver_due
from offices import shared_cache
from offices.demo import seed_offices
from tests.factories import UserFactory, helsinki
from tests.faults import free_port

# DOMAIN.md's first worked example: callbacks today 14:30-15:30 and on Monday.
FRIDAY_14 = helsinki(2026, 12, 4, 14, 0)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rate-limit counters would otherwise carry
    over between tests (a pinned clock never lets them expire). The same for the rate
    limit's own counters, used while the shared cache is down."""
    cache.clear()
    ratelimit.fallback.reset()
    shared_cache.breaker.reset()
    yield
    cache.clear()
    ratelimit.fallback.reset()
    shared_cache.breaker.reset()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Finnish): the locale middleware leaves
    the language of a test's last request active in the thread, so a test after one
    that asked for /en/... would otherwise format dates and times in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Finnish): a request to an /en/ or /sv/
    page leaves its language active in the thread, and a message formatted eagerly in
    a later test would otherwise depend on which tests ran before it in that worker."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    """SMS go to ``notifications.sms.memory_outbox`` unless a test says otherwise."""
    settings.SMS_URL = "memory://"
    sms.memory_outbox.clear()
    yield
    sms.memory_outbox.clear()


@pytest.fixture
def sms_outbox():
    """The SMS the outbox sent (``deliver``), as dicts with to, text and reference."""
    return sms.memory_outbox


@pytest.fixture
def deliver(db):
    """``deliver()``: the outbox's delivery, run here as a worker would run it."""
    return deliver_due


@pytest.fixture
def prove_phone(client, db):
    """``prove_phone("040 ...")``: the number counts as proven by its SMS code in the
    test client's browser session (as after the code step)."""

    def prove(*phones):
        session = client.session
        for phone in phones:
            citizen_rules.prove(session, phone)
        session.save()

    return prove


@pytest.fixture
def offices(db):
    """Tornio, Kemi and the phone service with the hours of DOMAIN.md, and the topics."""
    return seed_offices()


@pytest.fixture
def tornio(offices):
    return offices["tornio"]


@pytest.fixture
def kemi(offices):
    return offices["kemi"]


@pytest.fixture
def phone_office(offices):
    return offices["phone"]


@pytest.fixture
def pin_clock():
    """``pin_clock(helsinki(2026, 12, 4, 14, 0))`` freezes the clock there (no ticking)."""
    travellers = []

    def pin(at):
        traveller = time_machine.travel(at, tick=False)
        traveller.start()
        travellers.append(traveller)
        return at

    yield pin
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def friday(offices, pin_clock, prove_phone):
    """The clock pinned at Friday 4 December 2026 14:00 in Helsinki, offices seeded, and
    040 123 4567 proven in the test client's session (as after the code step)."""
    pinned = pin_clock(FRIDAY_14)
    prove_phone("040 123 4567")
    return pinned


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def phone_staff(db):
    return UserFactory(username="phone-staff", groups=["Phone service"])


@pytest.fixture
def office_staff(offices):
    user = UserFactory(username="tornio-staff", groups=["Office staff"])
    offices["tornio"].staff.add(user)
    return user


@pytest.fixture
def citizen(db):
    """An identified citizen: the development provider's test person Matti Meikäläinen
    (as after his first login; only the keyed hash of his code is stored)."""
    from citizens.identity import citizen_identify
    from dev_identity.persons import BY_KEY

    person = BY_KEY["matti"]
    return citizen_identify(identity_code=person.identity_code, name=person.name)


@pytest.fixture
def identify(client, db):
    """``identify(citizen)``: the citizen is logged in in the test client's session, as
    after the login by the identity provider."""
    from django.utils import timezone

    from citizens.identity import SESSION_KEY

    def log_in(someone):
        session = client.session
        session[SESSION_KEY] = {"id": someone.pk, "seen": timezone.now().timestamp()}
        session.save()
        return someone

    return log_in


@pytest.fixture
def dev_idp(live_server, settings):
    """The development identity provider on the live server, and the app's OIDC client
    pointed at it over HTTP: the live server's URL."""
    from citizens import oidc

    settings.OIDC_DEV_PROVIDER = True
    settings.OIDC_ISSUER = f"{live_server.url}/dev-idp/o"
    settings.OIDC_DISCOVERY_URL = ""
    oidc._clients.clear()
    yield live_server.url
    oidc._clients.clear()


@pytest.fixture
def kemi_staff(offices):
    """Office staff of Kemi, the office with an info point."""
    user = UserFactory(username="kemi-staff", groups=["Office staff"])
    offices["kemi"].staff.add(user)
    return user


@pytest.fixture
def staff_login(client):
    """``staff_login(user)``: the test client (or ``client=...``) is logged in as
    ``user`` with both factors, as after the login page with a code: the user's
    authenticator app (created if missing) has verified the session. The one way for a
    test to be a logged-in staff member. Returns the client."""

    def login(user, *, client=client):
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return login


@pytest.fixture
def login_page(client):
    """``login_page(username, password, code="")``: the staff login form posted as a
    browser posts it (django-axes and the rate limit see it); returns the response."""

    def post(username, password, code="", *, client=client, **extra):
        data = {"username": username, "password": password, "otp_token": code}
        return client.post("/admin/login/?next=/staff/", data, **extra)

    return post


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def closed_port():
    """A port of 127.0.0.1 where nothing listens: connections are refused at once."""
    return free_port()


@pytest.fixture
def redis_url():
    """TEST_REDIS_URL (a database of its own, emptied by the tests), or skip."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def redis_cache(settings, redis_url):
    """The shared cache on the test Redis (the production backend), emptied after."""
    settings.CACHES = {
        "default": {"BACKEND": "kela_service.cache.RedisCache", "LOCATION": redis_url}
    }
    store = caches["default"]
    yield store
    store.clear()
    store.close()


@pytest.fixture
def redis_down(settings, closed_port):
    """The shared cache is Redis on a port where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "kela_service.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/8",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield
    caches["default"].close()


@pytest.fixture
def fake_gatewayapi():
    """A fake of GatewayAPI's SMS HTTP API on a free port (tests/notifications/)."""
    from tests.notifications.fake_gatewayapi import FakeGatewayApi

    server = FakeGatewayApi().start()
    yield server
    server.stop()
