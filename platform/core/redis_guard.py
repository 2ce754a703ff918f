"""Bounded Redis: short socket timeouts, and a breaker that stops waiting on a hung server.

A Redis that is down refuses connections at once; a Redis that hangs (a stalled server, a
network partition) accepts them and never answers. Every request would then wait for a
socket timeout at each cache read, rate-limit hit and task sent, and a few such requests
hold every web thread. So the first timeout opens a breaker for this process: for the next
``GIANHANG_REDIS_BREAKER_SECONDS`` every Redis use fails at once (the cache misses, limits
fail as their caller chose, tasks are left to the sweepers), then one call tries again.
"""

from __future__ import annotations

import threading
import time

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry


class _Breaker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        seconds = float(settings.GIANHANG_REDIS_BREAKER_SECONDS)
        with self._lock:
            self._open_until = max(self._open_until, time.monotonic() + seconds)

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


breaker = _Breaker()


def available() -> bool:
    """False while a recent Redis call timed out in this process: do not wait on it again."""
    return not breaker.is_open()


class GuardedConnection(redis.Connection):
    """A redis-py connection that trips the breaker on a timeout and fails fast while open.

    It never retries by itself: whoever uses Redis here has a fallback, and a retry would
    only double the wait.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs["retry"] = Retry(NoBackoff(), 0)
        kwargs["retry_on_timeout"] = False
        kwargs.pop("retry_on_error", None)
        super().__init__(*args, **kwargs)

    def _refuse_while_open(self) -> None:
        if breaker.is_open():
            raise redis.ConnectionError("Redis did not answer recently; not waiting on it again")

    def connect(self, *args, **kwargs):
        self._refuse_while_open()
        try:
            return super().connect(*args, **kwargs)
        except redis.TimeoutError:
            breaker.trip()
            raise

    def send_packed_command(self, *args, **kwargs):
        self._refuse_while_open()
        try:
            return super().send_packed_command(*args, **kwargs)
        except redis.TimeoutError:
            breaker.trip()
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except redis.TimeoutError:
            breaker.trip()
            raise


def client_options() -> dict:
    """Keyword arguments of ``redis.Redis.from_url`` (and connection pools) for our clients."""
    timeout = settings.GIANHANG_REDIS_TIMEOUT
    return {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "connection_class": GuardedConnection,
    }


def client(url: str) -> redis.Redis:
    """A bounded client for ``url`` (use one per process: it keeps a connection pool)."""
    return redis.Redis.from_url(url, **client_options())
