"""Rate limiting of public POSTs per client address, on the shared cache.

The apps know nothing of it: ``PublicPostRateLimitMiddleware`` applies it to every
public POST.

The cache is Redis when REDIS_URL is set (shared by all workers and servers), local
memory otherwise. Fixed windows: at most ``count`` POSTs per ``period`` seconds.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """ "20/10m" -> (20, 600)."""
    match = re.fullmatch(r"(\d+)/(\d*)([smhd])", rate.strip())
    if not match:
        raise ValueError(f"Bad rate {rate!r}: use <count>/<number><s|m|h|d>, e.g. 20/10m")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _UNITS[unit]


def client_address(request):
    """The client's address: REMOTE_ADDR, or behind NUM_PROXIES trusted reverse proxies
    the address the outermost one saw (entries a client adds itself are ignored)."""
    if settings.NUM_PROXIES:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= settings.NUM_PROXIES:
            return forwarded[-settings.NUM_PROXIES]
    return request.META.get("REMOTE_ADDR", "")


def hit(scope, request, rate=None):
    """Count one POST of ``request`` in ``scope``; return False once over the limit."""
    count, period = parse_rate(rate or settings.PUBLIC_POST_RATE)
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{address}"
    # add() is atomic: only the first request of a window creates the key.
    cache.add(key, 0, timeout=period)
    try:
        current = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period)
        current = 1
    return current <= count


class PublicPostRateLimitMiddleware:
    """Every public POST counts against its client address, per URL namespace
    (``appointments``, ``callbacks``, ...): over ``PUBLIC_POST_RATE`` the client gets a
    429 page in its language with ``Retry-After``. Staff paths are left to the login
    and permissions. Placed after the CSRF middleware: a forged POST is refused before
    it counts."""

    # Staff paths answer to the login; the SMS provider's receipts (/notifications/)
    # come from its few addresses and answer to their signature.
    EXEMPT_PREFIXES = ("/admin/", "/staff/", "/notifications/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.path_info.startswith(self.EXEMPT_PREFIXES):
            return None
        scope = request.resolver_match.namespace or "public"
        if hit(scope, request):
            return None
        response = render(request, "rate_limited.html", status=429)
        # The window's length: an upper bound on the wait.
        response["Retry-After"] = str(parse_rate(settings.PUBLIC_POST_RATE)[1])
        return response
