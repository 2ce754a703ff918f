"""Pytest plugin, loaded before Django: real PostgreSQL and Redis for the suite.

The configured servers when ``DATABASE_URL`` / ``REDIS_URL`` are set, else embedded ones
from PyPI wheels under ``.data/test-services`` (stopped when the run ends).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
os.environ["GIANHANG_TESTING"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gianhang.settings")

from gianhang.embedded import ensure_services  # noqa: E402

_services = ensure_services(ROOT / ".data" / "test-services")


def pytest_report_header(config):
    mode = "embedded" if _services is not None else "configured"
    return f"gianhang: {mode} PostgreSQL and Redis"


def pytest_unconfigure(config):
    if _services is not None:
        _services.stop()
