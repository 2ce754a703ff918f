"""Writes of the reporting app: the rollup of stalls' days into public facts, and targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tenancy import schema_to_public, tenant_set
from reporting.counting import stall_days_count
from reporting.dashboards import facts_version_bump
from reporting.models import FACT_SUMMED, DailyFact, MonthlyFact, Target
from reporting.sketch import dense_of, estimate, registers_merge
from reporting.unit_rollup import unit_facts_refresh, unit_path_ids
from tenants.models import Stall, Unit

# How many days the nightly job recounts: donations are often recorded a few days late.
NIGHTLY_WINDOW_DAYS = 7
_SUMMED = FACT_SUMMED
_UPDATE_FIELDS = [*FACT_SUMMED, "recipients_sketch", "computed_at"]


def local_today() -> dt.date:
    return timezone.localdate()


def facts_rollup_stall(*, stall: Stall, since: dt.date, until: dt.date) -> int:
    """Recount ``stall``'s days ``since``..``until`` and upsert them; returns rows written.

    Idempotent: every day in the range is written, zero days included, with ON CONFLICT
    (stall, day) DO UPDATE, so running it again over the same data gives the same facts
    and a day whose last order was cancelled afterwards is corrected, not left stale.
    """
    if until < since:
        raise ValidationError(_("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
    tenant_set(stall)
    try:
        days = stall_days_count(since=since, until=until, stall_id=stall.pk)
    finally:
        # Facts live in public; a task's own schema is restored by tenant-schemas-celery.
        schema_to_public()
    now = timezone.now()
    rows = [
        DailyFact(stall_id=stall.pk, day=day, computed_at=now, **asdict(counts))
        for day, counts in days.items()
    ]
    with transaction.atomic():
        DailyFact.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["stall", "day"],
            update_fields=_UPDATE_FIELDS,
            batch_size=500,
        )
        facts_months_refresh(stall_id=stall.pk, since=since, until=until)
        if stall.unit is not None:  # every school's stall has one; the public tenant none
            unit_facts_refresh(unit_ids=unit_path_ids(stall.unit.path), since=since, until=until)
        transaction.on_commit(facts_version_bump)
    return len(rows)


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def facts_months_refresh(*, stall_id: int, since: dt.date, until: dt.date) -> int:
    """Re-sum the months touched by ``since``..``until`` from the stall's days (an upsert)."""
    first = _month_start(since)
    last_month = _month_start(until)
    end = (last_month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    months: dict[dt.date, dict] = {}
    sketches: dict[dt.date, list[list[int]]] = {}
    facts = DailyFact.objects.filter(stall_id=stall_id, day__range=(first, end)).values()
    # Read by the names in _SUMMED, which a TypedDict row does not accept as keys.
    for fact in cast("Iterable[Mapping[str, Any]]", facts):
        month = _month_start(fact["day"])
        into = months.setdefault(month, dict.fromkeys(_SUMMED, 0))
        for name in _SUMMED:
            into[name] += fact[name]
        sketches.setdefault(month, []).append(fact["recipients_sketch"])
    now = timezone.now()
    rows = []
    for month, sums in months.items():
        registers = dense_of(sketches[month])
        sums["recipients"] = estimate(registers_merge(sketches[month]))
        rows.append(
            MonthlyFact(
                stall_id=stall_id, month=month, registers=registers, computed_at=now, **sums
            )
        )
    MonthlyFact.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["stall", "month"],
        update_fields=[*_SUMMED, "registers", "computed_at"],
    )
    return len(rows)


def facts_rollup(
    *,
    since: dt.date,
    until: dt.date,
    stalls: Iterable[Stall] | None = None,
    progress: Callable[[Stall], None] | None = None,
) -> int:
    """Synchronous rollup of a date range across stalls (all real stalls by default)."""
    if until < since:
        raise ValidationError(_("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
    if stalls is None:
        stalls = Stall.objects.exclude(schema_name="public").select_related("unit").order_by("pk")
    written = 0
    for stall in stalls:
        written += facts_rollup_stall(stall=stall, since=since, until=until)
        if progress is not None:
            progress(stall)
    schema_to_public()
    return written


def facts_rollup_today(*, stall: Stall) -> int:
    """Recount today so far: dashboards show today's orders within minutes, not tomorrow."""
    today = local_today()
    return facts_rollup_stall(stall=stall, since=today, until=today)


def nightly_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or local_today()
    return today - dt.timedelta(days=NIGHTLY_WINDOW_DAYS), today - dt.timedelta(days=1)


def target_create(
    *,
    unit: Unit,
    kind: str,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    value: int,
    created_by=None,
) -> Target:
    """Set a target; the same unit, kind and period twice is refused, never duplicated."""
    target = Target(
        unit=unit,
        kind=kind,
        title=title.strip(),
        period_start=period_start,
        period_end=period_end,
        value=value,
        created_by=created_by,
    )
    target.full_clean()
    with transaction.atomic():
        target.save()
        transaction.on_commit(facts_version_bump)
    return target


def target_ensure(
    *, unit: Unit, kind: str, title: str, period_start: dt.date, period_end: dt.date, value: int
) -> Target:
    """Idempotent seeding: the existing target with this unit, kind and period, or a new one."""
    target, created = Target.objects.get_or_create(
        unit=unit,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        defaults={"title": title, "value": value},
    )
    if created:
        transaction.on_commit(facts_version_bump)
    return target


@transaction.atomic
def target_delete(*, target: Target) -> None:
    Target.objects.filter(pk=target.pk).delete()
    transaction.on_commit(facts_version_bump)
