"""Version tokens for cached pages: entries carry the token, and a write changes it.

Whoever caches something drawn from rows puts the current token into its keys; whoever
changes those rows changes the token, and every entry built before is simply never read
again (it expires on its own). The token is random rather than a counter, so data
re-created under the same key (a stall restored into the same schema, a flushed cache)
can never meet an old entry. A change inside a transaction happens at once and again after
commit: an entry cached between the two, by a request that still saw the old rows, is
never served afterwards.

With the cache down there is no token (``None``): callers then draw without caching.
"""

from __future__ import annotations

import uuid

from django.core.cache import BaseCache
from django.core.cache import cache as default_cache
from django.db import transaction

from core.tenancy import on_commit_in_this_schema


def version_token(key: str, *, cache: BaseCache | None = None) -> str | None:
    """The current token under ``key``, made if there is none yet; ``None`` without a cache."""
    cache = cache or default_cache
    token = cache.get(key)
    if token is None:
        # add() is atomic: of two first readers, both end up with the one token stored.
        cache.add(key, uuid.uuid4().hex, None)
        token = cache.get(key)
    return token


def version_token_change(key: str, *, cache: BaseCache | None = None) -> None:
    """The data behind ``key`` changed: entries built under the old token are not read again."""
    cache = cache or default_cache

    def change() -> None:
        cache.set(key, uuid.uuid4().hex, None)

    change()
    if transaction.get_connection().in_atomic_block:
        # Keys carry the schema the connection is on (the cache's key function).
        on_commit_in_this_schema(change)
