"""Logging helpers: every line names the stall schema it was written in.

In production each record is one JSON object per line (``JsonFormatter``), so a log
collector can filter by stall (``schema``), level or logger without parsing text.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

from core.client_address import client_ip

# Attributes every LogRecord has; anything else was passed through ``extra=`` and is kept.
_RECORD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "schema",
}


class StallFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            from django.db import connection

            record.schema = getattr(connection, "schema_name", "-")
        except Exception:  # noqa: BLE001 - logging must never fail
            record.schema = "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, schema, message, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "schema": getattr(record, "schema", "-"),
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class AccessLogMiddleware:
    """One line per request with the visitor's real address (``client_ip``), for operators.

    The web server's own access log would show only the proxy's address. The path is
    logged without its query string: tracking lookups carry phone digits there.
    """

    logger = logging.getLogger("gianhang.access")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        self.logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "client_ip": client_ip(request),
                "host": request.META.get("HTTP_HOST", ""),
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
        return response
