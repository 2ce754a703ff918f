"""Background jobs for personal data: the retention sweep."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import connection
from django_tenants.utils import get_public_schema_name

from catalog.privacy import orders_anonymise_closed

logger = logging.getLogger(__name__)


@shared_task(
    name="catalog.privacy.orders_anonymise_closed",
    soft_time_limit=600,
    time_limit=900,
    ignore_result=True,
)
def orders_anonymise_closed_task() -> int:
    """Run the retention sweep in this stall; sent from public, fan it out to every stall.

    The tenant-aware beat sends one per stall; a plain beat sends it once on the public
    schema, and then each stall gets its own task (one slow stall does not delay others).
    """
    if connection.schema_name == get_public_schema_name():
        from django_tenants.utils import schema_context

        from tenants.selectors import stalls_active

        schemas = list(stalls_active().values_list("schema_name", flat=True))
        for schema in schemas:
            with schema_context(schema):
                orders_anonymise_closed_task.delay()
        return len(schemas)
    count = orders_anonymise_closed()
    if count:
        logger.info("retention: anonymised %d closed orders", count)
    return count
