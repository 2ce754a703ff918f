"""A frozen Redis (SIGSTOP) costs one short timeout per process, then nothing until it answers."""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from core import ratelimit, redis_guard
from tests.support.processes import ThrowawayRedis


@pytest.fixture
def frozen_redis(tmp_path, settings):
    server = ThrowawayRedis(tmp_path).start()
    settings.GIANHANG_REDIS_BREAKER_SECONDS = 1
    redis_guard.breaker.reset()
    yield server
    os.kill(server.process.pid, signal.SIGCONT)
    server.stop()
    redis_guard.breaker.reset()


def _timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_rate_limits_and_cache_stop_waiting_on_a_frozen_redis_and_come_back(
    frozen_redis, settings, db
):
    settings.REDIS_URL = frozen_redis.url
    ratelimit._client.cache_clear()
    cache_settings = {
        **settings.CACHES["default"],
        "LOCATION": frozen_redis.url,
        "KEY_FUNCTION": None,
        "REVERSE_KEY_FUNCTION": None,
    }
    with override_settings(CACHES={"default": cache_settings}):
        cache = caches.create_connection("default")
        cache.set("k", "v")
        assert cache.get("k") == "v"

        os.kill(frozen_redis.process.pid, signal.SIGSTOP)
        verdict, first = _timed(
            lambda: ratelimit.hit(scope="test", subject="x", limit=5, window_seconds=60)
        )
        assert verdict.degraded
        assert verdict.allowed
        assert first < settings.GIANHANG_REDIS_TIMEOUT + 0.5, first
        # The breaker is open: no more waiting, for the cache either.
        value, second = _timed(lambda: cache.get("k"))
        assert value is None
        assert second < 0.1, second
        verdict, third = _timed(
            lambda: ratelimit.hit(scope="test", subject="x", limit=5, window_seconds=60)
        )
        assert verdict.degraded
        assert third < 0.1, third

        os.kill(frozen_redis.process.pid, signal.SIGCONT)
        time.sleep(settings.GIANHANG_REDIS_BREAKER_SECONDS + 0.2)
        assert cache.get("k") == "v"
        assert not ratelimit.hit(scope="test", subject="y", limit=5, window_seconds=60).degraded
    ratelimit._client.cache_clear()
