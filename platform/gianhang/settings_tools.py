"""Settings for tools that import the project without serving it (mypy, import checks).

Never valid for serving: no database or Redis is reachable at these addresses, the keys
are the test suite's fixed ones, and no host is allowed, so every request would be refused.
"""

from __future__ import annotations

import os

os.environ.setdefault("DATABASE_URL", "postgres://tools@127.0.0.1:9/tools-never-served")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:9/0")
os.environ["GIANHANG_TESTING"] = "1"
os.environ.pop("GIANHANG_ENV", None)

from gianhang.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = []
