"""Fixtures of the workspace browser tests: live server, Chromium, and the logistics worker."""

from tests.gianhang.browser import chromium, live_server_port  # noqa: F401
from tests.logistics.conftest import worker_factory  # noqa: F401
