"""One fail-fast reader for settings that come from the environment."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.exceptions import ImproperlyConfigured


def _configuration_error_hook(kind, error, tb, _previous=sys.excepthook):
    """A configuration mistake stops a process with its one-line reason, not a traceback."""
    if issubclass(kind, ImproperlyConfigured) and "--traceback" not in sys.argv:
        print(f"gianhang: {error}", file=sys.stderr)
        return
    _previous(kind, error, tb)


# Installed when the settings are first read, so every entry point (gianhang, gunicorn,
# celery, python -c) that stops on a missing or wrong setting says why in one line.
sys.excepthook = _configuration_error_hook

_UNSET: Any = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: Any = _UNSET) -> str:
    """Return the variable, or the default; raise if it is required and missing."""
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _UNSET:
            raise ImproperlyConfigured(
                f"The environment variable {name} is required here. "
                f"See deploy/.env.example for what it means."
            )
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default or [])
    return [part.strip() for part in value.split(",") if part.strip()]


def database_from_url(url: str) -> dict[str, Any]:
    """Turn postgres://user:pass@host:port/name?host=/socket into Django's DATABASES entry."""
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a PostgreSQL URL (postgres://...), not {parts.scheme!r}."
        )
    query = parse_qs(parts.query)
    host = query.get("host", [parts.hostname or ""])[0]
    return {
        "NAME": unquote(parts.path.lstrip("/")) or "gianhang",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
    }
