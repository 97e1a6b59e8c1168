"""Rate limits at the edge: per client address and per its network, on public POSTs and
the staff login; the client address behind proxies; the fallback when Redis is down."""

import logging

import pytest
from django.core.cache import caches

from kela_service import ratelimit
from kela_service.ratelimit import client_address, client_network, hit

pytestmark = pytest.mark.django_db


# --- The client's address and network ------------------------------------------------


@pytest.mark.parametrize(
    ("forwarded_for", "expected"),
    [
        (None, "10.0.0.1"),
        ("", "10.0.0.1"),
        (" , ", "10.0.0.1"),
        ("not-an-address", "10.0.0.1"),
        ("192.0.2.7", "192.0.2.7"),
        ("6.6.6.6, 192.0.2.7", "192.0.2.7"),
        ("2001:db8::7", "2001:db8::7"),
    ],
)
def test_client_address__behind_one_proxy__the_proxys_entry_or_else_the_socket(
    rf, settings, forwarded_for, expected
):
    settings.NUM_PROXIES = 1
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    request = rf.post("/", REMOTE_ADDR="10.0.0.1", **headers)

    assert client_address(request) == expected


def test_client_address__two_proxies_one_entry__the_socket_address(rf, settings):
    settings.NUM_PROXIES = 2
    request = rf.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7")

    assert client_address(request) == "10.0.0.1"


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("192.0.2.77", "192.0.2.0/24"),
        ("::ffff:192.0.2.77", "192.0.2.0/24"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("", ""),
    ],
)
def test_client_network__ipv4_24_ipv6_64(address, network):
    assert client_network(address) == network


# --- Address and network limits ------------------------------------------------------


def test_hit__one_address_over_its_limit__refused(rf, settings):
    settings.PUBLIC_POST_RATE = "3/m"
    request = rf.post("/", REMOTE_ADDR="192.0.2.1")

    assert [hit("appointments", request) for _ in range(4)] == [True, True, True, False]


def test_hit__rotated_addresses_of_one_network__refused_at_the_network_limit(rf, settings):
    settings.PUBLIC_POST_RATE = "3/m"
    settings.PUBLIC_POST_NETWORK_RATE = "5/m"
    requests = [rf.post("/", REMOTE_ADDR=f"192.0.2.{n}") for n in range(1, 8)]

    results = [hit("appointments", request) for request in requests]

    assert results == [True] * 5 + [False] * 2
    # Another network is not affected.
    assert hit("appointments", rf.post("/", REMOTE_ADDR="198.51.100.1"))


def test_hit__rotated_ipv6_addresses_of_one_64__refused_at_the_network_limit(rf, settings):
    settings.PUBLIC_POST_NETWORK_RATE = "2/m"
    requests = [rf.post("/", REMOTE_ADDR=f"2001:db8:1:2::{n:x}") for n in range(1, 4)]

    assert [hit("callbacks", request) for request in requests] == [True, True, False]


def test_hit__a_refused_address__does_not_use_up_its_networks_share(rf, settings):
    settings.PUBLIC_POST_RATE = "2/m"
    settings.PUBLIC_POST_NETWORK_RATE = "4/m"
    noisy = rf.post("/", REMOTE_ADDR="192.0.2.1")
    for _ in range(50):
        hit("appointments", noisy)

    neighbour = rf.post("/", REMOTE_ADDR="192.0.2.2")

    assert [hit("appointments", neighbour) for _ in range(2)] == [True, True]


def test_public_post__rotated_forwarded_for_behind_the_proxy__refused_at_the_network_limit(
    client, offices, settings
):
    settings.NUM_PROXIES = 1
    settings.PUBLIC_POST_NETWORK_RATE = "3/m"
    statuses = [
        client.post("/callbacks/", {}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(1, 6)
    ]

    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]


def test_staff_login__over_the_limit__429_with_retry_after(client, db, settings):
    settings.STAFF_LOGIN_RATE = "3/10m"
    data = {"username": "nobody", "password": "wrong"}
    statuses = [client.post("/admin/login/", data).status_code for _ in range(3)]

    refused = client.post("/admin/login/", data)

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"


def test_staff_login__rotated_addresses_of_one_network__refused(client, db, settings):
    settings.NUM_PROXIES = 1
    settings.STAFF_LOGIN_RATE = "3/10m"
    data = {"username": "nobody", "password": "wrong"}
    statuses = [
        client.post("/admin/login/", data, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(1, 5)
    ]

    assert statuses == [200, 200, 200, 429]


def test_staff_pages_other_than_the_login__not_counted(client, superuser, settings, staff_login):
    settings.PUBLIC_POST_RATE = settings.STAFF_LOGIN_RATE = "1/m"
    staff_login(superuser)

    statuses = {client.post("/admin/logout/").status_code for _ in range(3)}

    assert 429 not in statuses


# --- Redis down: the limit counts per process, one warning a minute ------------------


@pytest.fixture
def clock(monkeypatch):
    """The fallback's monotonic clock, moved by hand: ``clock.now += 61``."""

    class Clock:
        now = 1000.0

        def __call__(self):
            return self.now

    clock = Clock()
    monkeypatch.setattr(ratelimit.fallback, "clock", clock)
    return clock


def warnings_of(caplog):
    return [
        r
        for r in caplog.records
        if r.name == "kela_service.ratelimit" and r.levelno == logging.WARNING
    ]


def test_hit__redis_down__counts_in_this_process_and_still_refuses(rf, settings, redis_down):
    settings.PUBLIC_POST_RATE = "3/m"
    request = rf.post("/", REMOTE_ADDR="192.0.2.1")

    assert [hit("appointments", request) for _ in range(4)] == [True, True, True, False]


def test_hit__redis_down__one_warning_a_minute_not_one_per_request(rf, redis_down, clock, caplog):
    request = rf.post("/", REMOTE_ADDR="192.0.2.1")

    for _ in range(5):
        hit("appointments", request)
    clock.now += 30
    hit("appointments", request)
    assert len(warnings_of(caplog)) == 1
    assert "shared cache is unreachable" in warnings_of(caplog)[0].getMessage()

    clock.now += 31
    for _ in range(5):
        hit("appointments", request)

    assert len(warnings_of(caplog)) == 2


def test_hit__redis_back__counts_on_redis_again(rf, settings, redis_down, clock, redis_url):
    request = rf.post("/", REMOTE_ADDR="192.0.2.1")
    hit("appointments", request)
    assert ratelimit.fallback.in_use()

    settings.CACHES = {
        "default": {"BACKEND": "kela_service.cache.RedisCache", "LOCATION": redis_url}
    }
    clock.now += ratelimit.RETRY_SECONDS
    hit("appointments", request)

    assert not ratelimit.fallback.in_use()
    caches["default"].clear()


def _redis_ttl(store, key):
    key = store.make_and_validate_key(key)
    return store._cache.get_client(key).ttl(key)


def test_count__on_redis__one_key_a_window_that_expires(redis_cache):
    assert [ratelimit.count("test:window", 60) for _ in range(3)] == [1, 2, 3]

    assert 0 < _redis_ttl(redis_cache, "test:window") <= 60


def test_count__on_redis__a_key_left_without_expiry__gets_the_window(redis_cache):
    redis_cache.set("test:stuck", 5, timeout=None)

    assert ratelimit.count("test:stuck", 60) == 6
    assert 0 < _redis_ttl(redis_cache, "test:stuck") <= 60
