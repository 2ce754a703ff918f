"""Catalog fixtures: fresh rate-limit counters (schema names repeat between runs)."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        for key in client.scan_iter("rl:stall_*", count=500):
            client.delete(key)
    except redis.RedisError:
        pass
    return
