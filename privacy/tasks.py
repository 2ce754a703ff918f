"""Background jobs for personal data: the retention run."""

from __future__ import annotations

import logging

from celery import shared_task
from django_tenants.utils import get_public_schema_name, schema_context

from core.tenancy import current_schema
from privacy.services import retention_run
from tenants.selectors import stalls_active

logger = logging.getLogger(__name__)


@shared_task(name="privacy.retention_run", soft_time_limit=600, time_limit=900, ignore_result=True)
def retention_run_task() -> int:
    """Run retention in this stall; sent from public, fan it out to every stall.

    The tenant-aware beat sends one per stall; a plain beat sends it once on the public
    schema, and then each stall gets its own task (one slow stall does not delay others).
    """
    if current_schema() == get_public_schema_name():
        schemas = list(stalls_active().values_list("schema_name", flat=True))
        for schema in schemas:
            with schema_context(schema):
                retention_run_task.delay()
        return len(schemas)
    done = retention_run()
    if any(done.values()):
        logger.info("retention: anonymised %s", done)
    return sum(done.values())
