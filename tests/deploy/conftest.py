"""Helpers for the deployment tests: the repository's deploy/ folder and production env."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest

from tests.conftest import database_url_of_tests

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
GIANHANG = str(Path(os.sys.executable).with_name("gianhang"))


def production_env(**extra: str) -> dict[str, str]:
    """The environment of a production process: real secrets, none of the dev switches."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DEBUG", "GIANHANG_TESTING", "GIANHANG_DEMO", "SECRET_KEY", "GIANHANG_LOG_FORMAT"}
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        GIANHANG_PHONE_HASH_SALT=secrets.token_urlsafe(24),
        GIANHANG_SKETCH_KEY=secrets.token_urlsafe(24),
        GIANHANG_BASE_DOMAIN="gianhang.example.vn",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
    )
    env.update(extra)
    return env


@pytest.fixture
def subprocess_env():
    """Environment for a subprocess that works on the test database (not production)."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url_of_tests(),
        GIANHANG_TESTING="1",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
    )
    return env
