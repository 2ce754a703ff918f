"""Fixtures of the distribution tests: fresh rate-limit counters, live server and Chromium,
and Vietnamese as the active language at the start of every test (a page visited in English
leaves it active on the thread)."""

import pytest
from django.utils import translation

from tests.catalog.conftest import _fresh_rate_limits  # noqa: F401
from tests.gianhang.browser import chromium, live_server_port  # noqa: F401


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield
