"""Catalog fixtures: fresh rate-limit counters (schema names repeat between runs)."""

from __future__ import annotations

import pytest
import pytest_django.fixtures
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


def _needs_database_too(original):
    # pytest-django creates the test database only for tests that use db/transactional_db/
    # live_server or the django_db marker. Committed-stall tests use none of them (they must
    # not run inside a rolled-back transaction), so run alone they would find no database.
    def wrapped(test):
        databases, serialized = original(test)
        if not databases and "live_stall_factory" in getattr(test, "fixturenames", ()):
            return ("default",), serialized
        return databases, serialized

    return wrapped


pytest_django.fixtures._get_databases_for_test = _needs_database_too(
    pytest_django.fixtures._get_databases_for_test
)
