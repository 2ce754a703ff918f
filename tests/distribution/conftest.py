"""Fixtures of the distribution tests: fresh rate-limit counters, live server and Chromium."""

from tests.catalog.conftest import _fresh_rate_limits  # noqa: F401
from tests.gianhang.browser import chromium, live_server_port  # noqa: F401
