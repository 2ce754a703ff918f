"""Logging helpers: every line names the stall schema it was written in."""

from __future__ import annotations

import logging


class StallFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            from django.db import connection

            record.schema = getattr(connection, "schema_name", "-")
        except Exception:  # noqa: BLE001 - logging must never fail
            record.schema = "-"
        return True
