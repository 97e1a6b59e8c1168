"""Rate limits at the edge of the app, on the shared cache.

The apps know nothing of it: ``PublicPostRateLimitMiddleware`` counts every public POST and
every staff login POST twice, against the client's address and against its network
(the /24 of an IPv4 address, the /64 of an IPv6 address: what one machine or one
customer of a provider can rotate through), and refuses the POST over either limit.

The cache is Redis when REDIS_URL is set (shared by all workers and servers), local
memory otherwise (development and tests; ``check --deploy`` refuses that in production).
Fixed windows: at most ``count`` POSTs per ``period`` seconds.

Fail safe: when the shared cache cannot be reached, this process counts in its own
memory instead (a limit per worker rather than none, and no 500 for the citizen),
logs one warning a minute while that lasts, and tries the shared cache again every
few seconds.
"""

import hashlib
import ipaddress
import logging
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.shortcuts import render

from offices.shared_cache import (
    CACHE_ERRORS,
    RETRY_SECONDS,  # noqa: F401 (the retry, for the tests)
    Breaker,
    redis_eval,
)

logger = logging.getLogger(__name__)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# CACHE_ERRORS (what a cache call raises when the shared cache is down or slow) and
# RETRY_SECONDS (how often to try it again) are offices.shared_cache's, whose Breaker
# this module's fallback is.

IPV4_NETWORK_PREFIX = 24
IPV6_NETWORK_PREFIX = 64


def parse_rate(rate):
    """ "20/10m" -> (20, 600)."""
    match = re.fullmatch(r"(\d+)/(\d*)([smhd])", rate.strip())
    if not match:
        raise ValueError(f"Bad rate {rate!r}: use <count>/<number><s|m|h|d>, e.g. 20/10m")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _UNITS[unit]


def client_address(request):
    """The client's address: REMOTE_ADDR, or behind NUM_PROXIES trusted reverse proxies
    the address the outermost one saw (entries a client adds itself are ignored).

    A request that did not come through all the proxies (too few X-Forwarded-For
    entries, or an entry that is not an IP address) falls back to the socket's address,
    so that it never lands in a bucket of its own choosing or one shared with others.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.NUM_PROXIES:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [entry.strip() for entry in header.split(",") if entry.strip()]
        if len(forwarded) >= settings.NUM_PROXIES:
            candidate = forwarded[-settings.NUM_PROXIES]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote
    return remote


def client_network(address):
    """The network an address belongs to for rate limiting: "192.0.2.0/24",
    "2001:db8:1:2::/64" (an IPv4-mapped IPv6 address counts as its IPv4 address);
    anything that is not an IP address stands for itself."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = IPV4_NETWORK_PREFIX if ip.version == 4 else IPV6_NETWORK_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


class _Fallback(Breaker):
    """This process's own counters, used while the shared cache is unreachable."""

    def __init__(self, clock=time.monotonic):
        super().__init__(
            warning="Rate limit: the shared cache is unreachable (%s: %s); counting in this "
            "process until it answers again.",
            recovery="Rate limit: the shared cache answers again.",
            logger=logger,
            clock=clock,
        )
        self.counters = LocMemCache("kela-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})

    in_use = Breaker.open
    shared_cache_failed = Breaker.failed
    shared_cache_answered = Breaker.answered

    def reset(self):
        """Forget the counters and the outage (tests)."""
        self.counters.clear()
        super().reset()


fallback = _Fallback()


def _incr(store, key, period):
    # add() is atomic: only the first request of a window creates the key.
    store.add(key, 0, timeout=period)
    try:
        return store.incr(key)
    except ValueError:  # expired between add and incr
        store.add(key, 1, timeout=period)
        return 1


# On Redis: INCR, and the window's expiry on a key that has none, in one round trip (the
# cache's add() and incr() took three: SET NX, EXISTS, INCR).
_COUNT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


def _shared_incr(key, period):
    """``_incr`` on the shared cache: one script on Redis, else add() and incr()."""
    current = redis_eval(_COUNT_SCRIPT, [key], period)
    return _incr(cache, key, period) if current is NotImplemented else current


def count(key, period):
    """Count one event under ``key`` in a window of ``period`` seconds; return the
    window's count so far. On the shared cache, or on this process's own counters
    while the shared cache is down."""
    if not fallback.in_use():
        try:
            current = _shared_incr(key, period)
        except CACHE_ERRORS as error:
            fallback.shared_cache_failed(error)
        else:
            fallback.shared_cache_answered()
            return current
    return _incr(fallback.counters, key, period)


def shared_cache_answers():
    """Whether the shared cache answers (for /healthz): False while this process counts
    on its own (without asking again before the retry is due), else one lookup, whose
    failure starts the fallback like a failed count."""
    if fallback.in_use():
        return False
    try:
        cache.get("ratelimit:healthz")
    except CACHE_ERRORS as error:
        fallback.shared_cache_failed(error)
        return False
    fallback.shared_cache_answered()
    return True


def _key(scope, kind, value):
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{kind}:{digest}"


def refusal(scope, request, rate=None, network_rate=None):
    """Count one POST of ``request`` in ``scope``: against its address (``rate``,
    default PUBLIC_POST_RATE) and, while the address is within its limit, against its
    network (``network_rate``, default PUBLIC_POST_NETWORK_RATE). Return None while
    within both limits, else the seconds of the window that refused it (an upper bound
    on the wait).

    A refused address no longer counts against its network, so that one noisy address
    cannot use up its neighbours' share."""
    address = client_address(request)
    for kind, value, limit_rate in (
        ("address", address, rate or settings.PUBLIC_POST_RATE),
        ("network", client_network(address), network_rate or settings.PUBLIC_POST_NETWORK_RATE),
    ):
        limit, period = parse_rate(limit_rate)
        if count(_key(scope, kind, value), period) > limit:
            return period
    return None


def hit(scope, request, rate=None, network_rate=None):
    """``refusal`` as a yes or no: True while within the limits."""
    return refusal(scope, request, rate, network_rate) is None


class PublicPostRateLimitMiddleware:
    """Every public POST counts against its client address and network, per URL
    namespace (``appointments``, ``callbacks``, ...), up to PUBLIC_POST_RATE and
    PUBLIC_POST_NETWORK_RATE; every POST to the staff login up to STAFF_LOGIN_RATE,
    per address and per network. Over a limit the client gets a 429 page in its
    language with ``Retry-After``.

    Other staff paths answer to the login and the permissions. Placed after the CSRF
    middleware: a forged POST is refused before it counts.
    """

    LOGIN_PATHS = ("/admin/login/",)
    # Staff paths answer to the login; the SMS provider's receipts (/notifications/)
    # come from its few addresses and answer to their signature.
    EXEMPT_PREFIXES = ("/admin/", "/staff/", "/notifications/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        path = request.path_info
        if path in self.LOGIN_PATHS:
            rates = (settings.STAFF_LOGIN_RATE, settings.STAFF_LOGIN_RATE)
            scope = "login"
        elif path.startswith(self.EXEMPT_PREFIXES):
            return None
        else:
            rates = (settings.PUBLIC_POST_RATE, settings.PUBLIC_POST_NETWORK_RATE)
            scope = request.resolver_match.namespace or "public"
        wait = refusal(scope, request, *rates)
        if wait is None:
            return None
        response = render(request, "rate_limited.html", status=429)
        response["Retry-After"] = str(wait)
        return response
