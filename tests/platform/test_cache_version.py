"""The one version-token helper behind the storefront's page cache and the dashboards."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import override_settings

from core.cache_version import version_token, version_token_change


@pytest.fixture
def key() -> str:
    return f"test:version:{uuid.uuid4().hex}"


def test_a_token_stays_until_the_data_changes(key):
    first = version_token(key)
    assert first
    assert version_token(key) == first
    version_token_change(key)
    second = version_token(key)
    assert second not in (None, first)
    assert version_token(key) == second


def test_tokens_of_different_keys_are_independent(key):
    other = key + ":other"
    mine, theirs = version_token(key), version_token(other)
    version_token_change(key)
    assert version_token(key) != mine
    assert version_token(other) == theirs


@pytest.mark.django_db
def test_a_change_in_a_transaction_happens_now_and_again_after_commit(
    key, django_capture_on_commit_callbacks
):
    before = version_token(key)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        version_token_change(key)
        # A request that still saw the old rows may cache its page under this token...
        seen_inside = version_token(key)
        assert seen_inside != before
    # ...which is never read again once the change is committed.
    assert version_token(key) not in (before, seen_inside)


def test_without_a_cache_there_is_no_token_and_a_change_does_not_fail(settings, key):
    # Nothing listens on port 1: every cache call fails at once and is ignored.
    down = {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    with override_settings(CACHES={"default": down}):
        cache = caches.create_connection("default")
        assert version_token(key, cache=cache) is None
        version_token_change(key, cache=cache)
        assert version_token(key, cache=cache) is None


@pytest.mark.django_db
def test_the_storefront_and_the_dashboards_both_use_it(django_capture_on_commit_callbacks):
    from catalog.cache import VERSION_KEY, catalog_changed, catalog_version
    from reporting.dashboards import _version_key, facts_version, facts_version_bump

    assert catalog_version() == version_token(VERSION_KEY)
    before = catalog_version()
    catalog_changed()
    assert catalog_version() not in (None, before)

    assert facts_version() == version_token(_version_key())
    before = facts_version()
    facts_version_bump()
    assert facts_version() not in (None, before)
