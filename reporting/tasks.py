"""Background jobs of the reporting app: the nightly per-stall rollup."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from core.tenancy import current_schema
from reporting.services import facts_rollup_stall, facts_rollup_today, nightly_window
from tenants.models import Stall


@shared_task(name="reporting.facts_rollup_stall", soft_time_limit=300, time_limit=360)
def facts_rollup_stall_task(since: str | None = None, until: str | None = None) -> int:
    """Roll up the stall this task was sent from (its schema travels with the task).

    With no dates: the nightly window (the last week up to yesterday, local time).
    """
    stall = Stall.objects.select_related("unit").get(schema_name=current_schema())
    if since and until:
        start, end = dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    else:
        start, end = nightly_window()
    return facts_rollup_stall(stall=stall, since=start, until=end)


@shared_task(name="reporting.facts_rollup_today", soft_time_limit=120, time_limit=150)
def facts_rollup_today_task() -> int:
    """Recount today so far for the stall this task was sent from (every few minutes)."""
    stall = Stall.objects.select_related("unit").get(schema_name=current_schema())
    return facts_rollup_today(stall=stall)


@shared_task(name="reporting.dashboards_warm", soft_time_limit=600, time_limit=660)
def dashboards_warm_task() -> int:
    """After the night's rollups: build every overseer's default dashboard into the cache."""
    from reporting.dashboards import dashboards_warm

    return dashboards_warm()
