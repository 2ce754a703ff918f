"""The storefront's page cache: one version token per stall, changed with every stock change.

Keys carry the stall's schema (the cache's key function), so stalls never share entries;
the token and its rules are ``core.cache_version``'s.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils.safestring import mark_safe

from core.cache_version import version_token, version_token_change

VERSION_KEY = "catalog:version"
TTL = 60 * 10


def catalog_version() -> str | None:
    return version_token(VERSION_KEY)


def catalog_changed() -> None:
    """Items or stock changed: storefront pages must be drawn again."""
    version_token_change(VERSION_KEY)


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
    version = catalog_version()
    if version is None:  # no cache (Redis down): draw every time, never fail
        return mark_safe(draw())  # noqa: S308 - our own rendered template, escaped when drawn
    full_key = f"catalog:page:{version}:{key}"
    html = cache.get(full_key)
    if html is None:
        html = draw()
        cache.set(full_key, str(html), TTL)
    return mark_safe(html)  # noqa: S308 - our own rendered template, escaped when drawn
