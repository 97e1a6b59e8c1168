"""Fixtures for the project-wide tests: ports for fault injection, a Redis of its own."""

import os

import pytest
from django.core.cache import caches

from tests.faults import free_port

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
def redis_down(settings, closed_port):
    """The shared cache is Redis on a port where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/8",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield
    caches["default"].close()
