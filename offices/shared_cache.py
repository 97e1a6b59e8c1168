"""Reads served from the shared cache (Redis), correct when it is stale and when it is away.

A cached read lives under a *versioned* key: ``<name>:<version>:<parts>``. A write that
changes what the read shows calls ``bump(name)``, which moves the version on at once and
again when its transaction commits (``transaction.on_commit``): readers then miss and
read the database again, and old entries are never read again (they expire). A read
between the two bumps stores what was committed before the write under a version the
second bump leaves behind; a read that raced the commit stores fresher data under an
old version; nobody reads either. (The first bump also makes the write visible to
reads inside the same transaction, as in the tests, whose transactions never commit.)

The version starts at the clock's nanoseconds, not at 1, so that a Redis that lost its
versions (a restart, an eviction) does not bring back entries of an old version 1.

When the shared cache does not answer, reads go to the database (``compute()``) and
this process leaves the cache alone for ``RETRY_SECONDS``, logging one warning a minute
while that lasts: the pages are slower, never wrong and never a 500. A bump that fails
leaves the old entries to expire after ``timeout`` seconds: a stale read can then offer
a time that is gone, which the booking (always on the database) refuses with others.
Like ``kela_service.ratelimit``, which degrades the same way.
"""

import logging
import threading
import time

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache call raises when the shared cache is down or slow.
CACHE_ERRORS = (RedisError, OSError)
RETRY_SECONDS = 10
WARN_SECONDS = 60
# How long a cached read lives at most (also the longest a failed bump leaves it stale).
DEFAULT_TIMEOUT = 120


class Breaker:
    """Whether this process leaves the shared cache alone for a while: after a failure,
    for ``RETRY_SECONDS``, with one warning a minute in the log of ``logger`` (the
    ``warning`` gets the error's class and text) and ``recovery`` once it answers."""

    def __init__(self, *, warning, recovery, logger=logger, clock=time.monotonic):
        self.warning, self.recovery, self.logger = warning, recovery, logger
        self.clock = clock
        self.lock = threading.Lock()
        self.down_since = None
        self.warned_at = None

    def open(self):
        with self.lock:
            return self.down_since is not None and self.clock() - self.down_since < RETRY_SECONDS

    def failed(self, error):
        now = self.clock()
        with self.lock:
            self.down_since = now
            warn = self.warned_at is None or now - self.warned_at >= WARN_SECONDS
            if warn:
                self.warned_at = now
        if warn:
            self.logger.warning(self.warning, type(error).__name__, " ".join(str(error).split()))

    def answered(self):
        with self.lock:
            was_down, self.down_since = self.down_since is not None, None
        if was_down:
            self.logger.info(self.recovery)

    def reset(self):
        """Forget the outage (tests)."""
        with self.lock:
            self.down_since = self.warned_at = None


breaker = Breaker(
    warning="Shared cache unreachable (%s: %s); reading the database until it answers.",
    recovery="Shared cache answers again.",
)


def _version_key(name):
    return f"version:{name}"


def _version(name):
    key = _version_key(name)
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return version


def _lookup(name, key):
    """(``name``'s current version, the value under ``key`` if stored at it, else None),
    in one round trip while ``name`` has a version."""
    version_key = _version_key(name)
    found = cache.get_many([version_key, key])
    version = found.get(version_key)
    if version is None:
        version = _version(name)
    stored = found.get(key)
    return version, stored[1] if stored is not None and stored[0] == version else None


def peek(name, parts):
    """What ``cached`` would find under ``name`` and ``parts`` now, or None (not stored
    at the current version, or the shared cache away): nothing is computed."""
    if breaker.open():
        return None
    try:
        return _lookup(name, f"{name}:{parts}")[1]
    except CACHE_ERRORS as error:
        breaker.failed(error)
        return None


def cached(name, parts, compute, *, timeout=DEFAULT_TIMEOUT):
    """``compute()``'s value, from the shared cache under ``name`` and ``parts`` (a
    string) if it was stored at ``name``'s current version, else computed and stored
    there; computed without the cache while it is away. One round trip when found: the
    version and the value are asked together, the value carrying the version it was
    computed at."""
    if breaker.open():
        return compute()
    key = f"{name}:{parts}"
    try:
        version, stored = _lookup(name, key)
    except CACHE_ERRORS as error:
        breaker.failed(error)
        return compute()
    if stored is not None:
        breaker.answered()
        return stored
    # Computed after the version was read: a write committing meanwhile moves the version
    # on, so this value is never taken for a newer one.
    value = compute()
    try:
        cache.set(key, (version, value), timeout)
    except CACHE_ERRORS as error:
        breaker.failed(error)
        return value
    breaker.answered()
    return value


def version(name):
    """``name``'s current version, or None while the shared cache is away."""
    if breaker.open():
        return None
    try:
        return _version(name)
    except CACHE_ERRORS as error:
        breaker.failed(error)
        return None


# Each key's version moved on by one, or started at the clock's nanoseconds (ARGV[1])
# where it has none: one round trip for any number of names (the cache's incr() is
# two, EXISTS then INCR, and a set() more for a missing version).
_BUMP_SCRIPT = """
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    redis.call('INCR', key)
  else
    redis.call('SET', key, ARGV[1])
  end
end
"""


def redis_eval(script, keys, *args):
    """Run the Lua ``script`` on the shared cache's Redis with ``keys`` (cache keys, made
    like the cache's own) and ``args``, in one round trip; NotImplemented when the
    shared cache is not Redis (local memory in development)."""
    store = caches["default"]
    if not isinstance(store, RedisCache):
        return NotImplemented
    keys = [store.make_and_validate_key(key) for key in keys]
    # Writes go to the first server, as the cache's own (RedisCacheClient.get_client).
    return store._cache.get_client(keys[0], write=True).eval(script, len(keys), *keys, *args)


def bump(*names):
    """Move the versions of ``names`` on now and once the current transaction commits:
    what was cached under them is not read again."""
    keys = [_version_key(name) for name in names]

    def move_on():
        if breaker.open():
            return
        try:
            if redis_eval(_BUMP_SCRIPT, keys, time.time_ns()) is NotImplemented:
                for key in keys:
                    try:
                        cache.incr(key)
                    except ValueError:  # no version yet (or evicted): a new one
                        cache.set(key, time.time_ns(), timeout=None)
        except CACHE_ERRORS as error:
            breaker.failed(error)

    if names:
        move_on()
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(move_on)
