"""Shared fixtures: the offices of DOMAIN.md, staff users, a pinned clock."""

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from citizens import rules as citizen_rules
from kela_service import ratelimit
from notifications import sms
from notifications.outbox import deliver_due
from offices.demo import seed_offices
from tests.factories import UserFactory, helsinki

# DOMAIN.md's first worked example: callbacks today 14:30-15:30 and on Monday.
FRIDAY_14 = helsinki(2026, 12, 4, 14, 0)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rate-limit counters would otherwise carry
    over between tests (a pinned clock never lets them expire). The same for the rate
    limit's own counters, used while the shared cache is down."""
    cache.clear()
    ratelimit.fallback.reset()
    yield
    cache.clear()
    ratelimit.fallback.reset()


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
