"""Celery beat schedulers that survive a PostgreSQL restart.

Beat is one long-lived process with one database connection. After PostgreSQL restarts,
that connection is dead, and tenant-schemas-celery's ``apply_entry`` (which lists the
stalls) would raise on it and stop beat: no more sweeps, rollups, plans or batches. Here,
as Django does around each request, unusable connections are closed before every entry,
and an entry whose stall list cannot be read is tried again a few times before it is
skipped with an error in the log, while beat itself keeps running.
"""

from __future__ import annotations

import contextlib
import logging
import time

from django.db import DatabaseError, close_old_connections, connections
from tenant_schemas_celery.scheduler import TenantAwarePersistentScheduler, TenantAwareScheduler

logger = logging.getLogger(__name__)

ATTEMPTS = 3
PAUSE_SECONDS = 2.0


class _ReconnectingMixin:
    def apply_entry(self, entry, producer=None):
        for attempt in range(1, ATTEMPTS + 1):
            close_old_connections()
            try:
                return super().apply_entry(entry, producer=producer)  # type: ignore[misc]
            except DatabaseError as exc:
                # The connection died between two entries (a restart, a failover): drop it
                # so the next attempt opens a new one.
                for conn in connections.all(initialized_only=True):
                    with contextlib.suppress(DatabaseError):
                        conn.close()
                if attempt == ATTEMPTS:
                    logger.error(
                        "beat: %s skipped, the database is unreachable (%s)", entry.name, exc
                    )
                    return None
                logger.warning(
                    "beat: %s could not read the stalls (%s); trying again", entry.name, exc
                )
                time.sleep(PAUSE_SECONDS * attempt)
        return None


class ReconnectingScheduler(_ReconnectingMixin, TenantAwareScheduler):
    """Tenant-aware beat (schedule in memory) that reconnects to PostgreSQL."""


class ReconnectingPersistentScheduler(_ReconnectingMixin, TenantAwarePersistentScheduler):
    """Tenant-aware beat (schedule kept in a file) that reconnects to PostgreSQL."""
