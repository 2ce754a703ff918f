"""Fixtures of the workspace tests: live server, Chromium, the logistics worker, and fresh
rate-limit counters (stall schema names repeat between runs)."""

from tests.catalog.conftest import _fresh_rate_limits  # noqa: F401
from tests.gianhang.browser import chromium, live_server_port  # noqa: F401
