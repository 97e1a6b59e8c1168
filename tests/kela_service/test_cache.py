"""The shared cache's backend (kela_service/cache.py): Django's Redis cache, one
redis.Redis per connection pool."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(redis_cache):
    return redis_cache


def test_one_client_per_pool__not_one_per_call(store):
    first = store._cache.get_client("a", write=True)

    assert store._cache.get_client("b", write=True) is first
    assert store._cache.get_client("a") is first  # one server: reads use its pool too


def test_a_cache_as_django_s(store):
    store.set("n", 1, 60)
    store.incr("n")
    store.set_many({"a": [1, "x"], "b": None})

    assert store.get_many(["n", "a", "b", "missing"]) == {"n": 2, "a": [1, "x"], "b": None}
    assert store.add("n", 5) is False
    store.delete("n")
    assert store.get("n", "gone") == "gone"
