"""The shared cache's backend: Django's Redis cache, keeping one ``redis.Redis`` per
connection pool. Django's client builds a new one for every call (about 220 µs here,
twice a round trip to a local Redis), which was most of the cost of a cached read and
of the rate limit's counts. A ``redis.Redis`` is thread-safe and its pool fork-safe, so
one per pool serves every thread of the process."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
