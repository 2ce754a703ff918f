"""The storefront's page cache: one version token per stall, changed with every stock change.

Keys carry the stall's schema (the cache's key function), so stalls never share entries.
The token is random rather than a counter, so a stall re-created under the same schema
can never meet an old entry. It changes at once and again after commit: a page cached
between the two (by a request that still saw the old rows) is never served afterwards.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils.safestring import mark_safe
from django_tenants.utils import schema_context

from core.tenancy import current_schema

VERSION_KEY = "catalog:version"
TTL = 60 * 10


def catalog_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY) or version
    return version


def _bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def catalog_changed() -> None:
    """Items or stock changed: storefront pages must be drawn again.

    The bump after commit runs in the stall whose stock changed, even when the transaction
    went on in another schema (a transfer between stalls touches two).
    """
    _bump()
    schema = current_schema()
    transaction.on_commit(lambda: _bump_in(schema))


def _bump_in(schema: str) -> None:
    with schema_context(schema):
        _bump()


def _changed(sender, **kwargs) -> None:
    catalog_changed()


def connect_signals() -> None:
    """Edits through the officer pages (items, photos, shelves) also redraw the pages."""
    from django.db.models.signals import post_delete, post_save

    from catalog.models import Category, Item, ItemPhoto

    for model in (Category, Item, ItemPhoto):
        post_save.connect(_changed, sender=model, dispatch_uid=f"catalog-cache-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"catalog-cache-del-{model.__name__}"
        )


def cached_fragment(key: str, draw) -> str:
    """The HTML drawn by ``draw()``, cached under this stall's current catalog version."""
    full_key = f"catalog:page:{catalog_version()}:{key}"
    html = cache.get(full_key)
    if html is None:
        html = draw()
        cache.set(full_key, str(html), TTL)
    return mark_safe(html)  # noqa: S308 - our own rendered template, escaped when drawn
