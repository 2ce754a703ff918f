"""Background jobs of the reporting app: the nightly per-stall rollup."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import connection

from reporting.services import facts_rollup_stall, nightly_window
from tenants.models import Stall


@shared_task(name="reporting.facts_rollup_stall", soft_time_limit=300, time_limit=360)
def facts_rollup_stall_task(since: str | None = None, until: str | None = None) -> int:
    """Roll up the stall this task was sent from (its schema travels with the task).

    With no dates: the nightly window (the last week up to yesterday, local time).
    """
    stall = Stall.objects.get(schema_name=connection.schema_name)
    if since and until:
        start, end = dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    else:
        start, end = nightly_window()
    return facts_rollup_stall(stall=stall, since=start, until=end)
