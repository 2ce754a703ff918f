"""Settings are read in one file and explained in one file.

Every environment variable ``gianhang/settings.py`` reads is explained in
``deploy/.env.example``; the apps and the shared utilities read Django settings, never the
environment (only the composition root's start-up code may, before settings exist); every
``settings.X`` an app uses is defined in settings.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APPS = ("tenants", "privacy", "catalog", "logistics", "reporting", "platform/core")
_READ = re.compile(r"\benv(?:_bool|_int|_list|_float)?\(\s*\"([A-Z0-9_]+)\"")


def _sources(folder: str):
    for path in sorted((ROOT / folder).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, path.read_text()


def test_every_variable_settings_reads_is_explained_in_the_env_example():
    read = set(_READ.findall((ROOT / "platform/gianhang/settings.py").read_text()))
    assert {"SECRET_KEY", "GIANHANG_ROUTE_LINK_DAYS", "GIANHANG_PG_BIN_DIR"} <= read
    example = (ROOT / "deploy/.env.example").read_text()
    unexplained = sorted(name for name in read if not re.search(rf"\b{name}\b", example))
    assert unexplained == []


def test_the_apps_read_settings_not_the_environment():
    readers = []
    for folder in APPS:
        for path, text in _sources(folder):
            # Handing the whole environment to a child process (pg_dump) is not a read.
            if re.search(r"os\.getenv|os\.environ\.get|os\.environ\[", text):
                readers.append(str(path.relative_to(ROOT)))
    assert readers == []


def test_every_setting_an_app_uses_is_defined():
    used = set()
    for folder in APPS:
        for _path, text in _sources(folder):
            used |= set(re.findall(r"\bsettings\.([A-Z][A-Z0-9_]+)", text))
    assert "LOGISTICS_ROUTE_LINK_MAX_AGE" in used
    assert sorted(name for name in used if not hasattr(settings, name)) == []
