"""Atomic rate limits on Redis counters: a burst of parallel requests cannot slip through.

A fixed window per key: one Lua script increments and sets the expiry in a single
round-trip, so 100 concurrent requests see 100 distinct counts. Keys carry the stall's
schema, so two stalls never share a limit.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache

import redis
from django.conf import settings

from core import redis_guard
from core.tenancy import current_schema

logger = logging.getLogger(__name__)

_INCR_WITH_EXPIRY = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('TTL', KEYS[1])}
"""


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window resets
    degraded: bool = False  # Redis was unreachable; the caller decided fail-open/closed


@lru_cache(maxsize=1)
def _client() -> redis.Redis:
    return redis_guard.client(settings.REDIS_URL)


def _key(scope: str, subject: str) -> str:
    # The subject (a phone, an IP) is hashed: no personal data sits in Redis in clear.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{subject}".encode()).hexdigest()[:32]
    return f"rl:{current_schema()}:{scope}:{digest}"


def hit(
    *, scope: str, subject: str, limit: int, window_seconds: int, fail_open: bool = True
) -> Verdict:
    """Count one attempt for ``subject`` in ``scope``; allowed while count <= limit."""
    try:
        count, ttl = _client().eval(_INCR_WITH_EXPIRY, 1, _key(scope, subject), window_seconds)
    except redis.RedisError:
        logger.warning(
            "rate limiter unavailable for %s; failing %s", scope, "open" if fail_open else "closed"
        )
        return Verdict(
            allowed=fail_open, count=0, limit=limit, retry_after=window_seconds, degraded=True
        )
    return Verdict(
        allowed=int(count) <= limit, count=int(count), limit=limit, retry_after=max(int(ttl), 1)
    )
