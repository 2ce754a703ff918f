"""Reads of the reporting app: facts by unit and by stall, series, distinct recipients, targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, cast

from django.db import connection
from django.db.models import DecimalField, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek

from reporting.models import (
    FACT_SUMMED,
    DailyFact,
    MonthlyFact,
    Target,
    UnitDailyFact,
    UnitMonthlyFact,
)
from reporting.sketch import REGISTERS, dense_estimate, sparse_into_dense
from tenants.models import Membership, Stall, Unit
from tenants.selectors import units_with_role, user_is_platform_admin

SUMMED = FACT_SUMMED


def _rows(rows: Iterable[Mapping[str, Any]]) -> Iterable[dict[str, Any]]:
    """Rows of `values(...).annotate(**sums)`: the plugin types them without the summed keys."""
    return cast("Iterable[dict[str, Any]]", rows)


def _sums() -> dict:
    sums = {
        name: Coalesce(Sum(name), Value(0), output_field=IntegerField())
        for name in SUMMED
        if name != "volunteer_hours"
    }
    sums["volunteer_hours"] = Coalesce(
        Sum("volunteer_hours"),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    return sums


def period_split(since: dt.date, until: dt.date) -> tuple[list[dt.date], Q]:
    """Whole calendar months inside the period, and a day filter for the days left over.

    A year's dashboard then reads twelve monthly rows per stall and at most two partial
    months of days, instead of 365 days.
    """
    months: list[dt.date] = []
    edges = Q(pk__in=[])
    cursor = since
    while cursor <= until:
        month_start = cursor.replace(day=1)
        month_end = (month_start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        if cursor == month_start and month_end <= until:
            months.append(month_start)
        else:
            edges |= Q(day__gte=cursor, day__lte=min(month_end, until))
        cursor = month_end + dt.timedelta(days=1)
    return months, edges


def facts_by_stall(*, stall_ids: list[int], since: dt.date, until: dt.date) -> dict[int, dict]:
    """Per stall, the sum of every count over the period (stalls without facts are absent)."""
    months, edges = period_split(since, until)
    out: dict[int, dict] = {}
    parts: list[QuerySet[Any]] = []
    if months:
        parts.append(MonthlyFact.objects.filter(stall_id__in=stall_ids, month__in=months))
    parts.append(DailyFact.objects.filter(stall_id__in=stall_ids).filter(edges))
    for queryset in parts:
        for row in _rows(queryset.order_by().values("stall_id").annotate(**_sums())):
            stall_id = row.pop("stall_id")
            if stall_id in out:
                for key, value in row.items():
                    out[stall_id][key] += value
            else:
                out[stall_id] = row
    return out


LONG_PERIOD_DAYS = 184


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


_EDGE_REGISTERS_SQL = """
WITH m(stall_id, grp) AS (SELECT * FROM unnest(%(stalls)s::bigint[], %(groups)s::int[]))
SELECT m.grp, v / 64 AS idx, max(v %% 64) AS r
FROM reporting_dailyfact f
JOIN m ON m.stall_id = f.stall_id
CROSS JOIN LATERAL unnest(f.recipients_sketch) AS v
WHERE f.day = ANY(%(days)s) AND f.recipients > 0
GROUP BY m.grp, v / 64
"""


def recipients_distinct(
    *, groups: Mapping[int, int], since: dt.date, until: dt.date
) -> tuple[int, dict[int, int]]:
    """Estimated distinct recipients over the period: in total, and per group of stalls.

    ``groups`` maps stall id to a group number (>= 0). Whole months come as dense
    registers merged in numpy; the left-over days' sparse sketches are merged in SQL.
    """
    import numpy as np

    if not groups:
        return 0, {}
    months, _edges = period_split(since, until)
    month_set = set(months)
    edge_days = []
    day = since
    while day <= until:
        if day.replace(day=1) not in month_set:
            edge_days.append(day)
        day += dt.timedelta(days=1)
    merged: dict[int, np.ndarray] = {}

    def into(group: int) -> np.ndarray:
        if group not in merged:
            merged[group] = np.zeros(REGISTERS, dtype=np.uint8)
        return merged[group]

    if months:
        rows = MonthlyFact.objects.filter(
            stall_id__in=list(groups), month__in=months, recipients__gt=0
        ).values_list("stall_id", "registers")
        by_group: dict[int, list[bytes]] = {}
        for stall_id, registers in rows:
            by_group.setdefault(groups[stall_id], []).append(bytes(registers))
        for group, blobs in by_group.items():
            stacked = np.frombuffer(b"".join(blobs), dtype=np.uint8).reshape(len(blobs), REGISTERS)
            np.maximum(into(group), stacked.max(axis=0), out=merged[group])
    if edge_days:
        with connection.cursor() as cursor:
            cursor.execute(
                _EDGE_REGISTERS_SQL,
                {"stalls": list(groups), "groups": list(groups.values()), "days": edge_days},
            )
            for group, index, rank in cursor.fetchall():
                target = into(group)
                if rank > target[index]:
                    target[index] = rank
    per_group = {group: dense_estimate(registers) for group, registers in merged.items()}
    total = dense_estimate(np.maximum.reduce(list(merged.values()))) if merged else 0
    return total, per_group


def units_to_report_on(*, user) -> QuerySet[Unit]:
    """The top units of a person's dashboards: where they hold an oversight role."""
    if user_is_platform_admin(user=user):
        return Unit.objects.filter(parent__isnull=True)
    return units_with_role(
        user=user,
        roles=[
            Membership.Role.PROVINCE_OFFICER,
            Membership.Role.DISTRICT_OFFICER,
            Membership.Role.SCHOOL_OFFICER,
        ],
    ).order_by("depth", "name")


def user_sets_targets_on(*, user, unit: Unit) -> bool:
    """Province and district officers (on this unit or above it) and platform admins."""
    if user_is_platform_admin(user=user):
        return True
    ancestors = _paths_up(unit.path)
    return Membership.objects.filter(
        user=user,
        role__in=[Membership.Role.PROVINCE_OFFICER, Membership.Role.DISTRICT_OFFICER],
        unit__path__in=ancestors,
    ).exists()


def _paths_up(path: str) -> list[str]:
    ids = [part for part in path.split("/") if part]
    return ["/" + "/".join(ids[:n]) + "/" for n in range(1, len(ids) + 1)]


def targets_for(*, unit: Unit, since: dt.date, until: dt.date) -> QuerySet[Target]:
    """Targets set on this unit or above it whose period overlaps ``since``..``until``."""
    return (
        Target.objects.filter(unit__path__in=_paths_up(unit.path))
        .filter(Q(period_start__lte=until) & Q(period_end__gte=since))
        .select_related("unit")
        .order_by("period_end", "kind")
    )


def unit_facts_by_unit(*, unit_ids: list[int], since: dt.date, until: dt.date) -> dict[int, dict]:
    """Per unit, from the pre-aggregated rows: every count summed over the period, the
    sets of stalls active (``active``) and with orders (``ordering``), and the merged
    recipient registers; ``recipients`` is the distinct estimate over the period.

    Reads whole months from monthly rows and the days left over from daily rows: about a
    dozen rows per unit for a year. Units without facts get zeros.
    """
    import numpy as np

    months, edges = period_split(since, until)
    out: dict[int, dict] = {}

    def into(unit_id: int) -> dict:
        if unit_id not in out:
            out[unit_id] = {
                **dict.fromkeys(SUMMED, 0),
                "volunteer_hours": Decimal("0"),
                "active": set(),
                "ordering": set(),
                "registers": np.zeros(REGISTERS, dtype=np.uint8),
            }
        return out[unit_id]

    fields = ["unit_id", *SUMMED, "stalls_active", "stalls_ordering"]
    if months:
        for row in (
            UnitMonthlyFact.objects.filter(unit_id__in=unit_ids, month__in=months)
            .order_by()
            .values_list(*fields, "registers")
        ):
            sums = into(row[0])
            for name, value in zip(SUMMED, row[1:], strict=False):
                sums[name] += value
            sums["active"].update(row[-3])
            sums["ordering"].update(row[-2])
            if row[-1]:
                np.maximum(
                    sums["registers"],
                    np.frombuffer(bytes(row[-1]), dtype=np.uint8),
                    out=sums["registers"],
                )
    for row in (
        UnitDailyFact.objects.filter(unit_id__in=unit_ids)
        .filter(edges)
        .order_by()
        .values_list(*fields, "recipients_sketch")
    ):
        sums = into(row[0])
        for name, value in zip(SUMMED, row[1:], strict=False):
            sums[name] += value
        sums["active"].update(row[-3])
        sums["ordering"].update(row[-2])
        sparse_into_dense(sums["registers"], [row[-1]])
    for unit_id in unit_ids:
        sums = into(unit_id)
        sums["recipients"] = dense_estimate(sums["registers"])
    return out


def unit_facts_series(
    *, unit_id: int, since: dt.date, until: dt.date
) -> tuple[str, dict[dt.date, dict]]:
    """Orders placed and items given under a unit per week (Monday), or per month when
    the period is long, from the unit's pre-aggregated rows."""
    sums = {"orders_placed": Sum("orders_placed"), "items_given": Sum("items_given")}
    if (until - since).days < LONG_PERIOD_DAYS:
        rows = (
            UnitDailyFact.objects.filter(unit_id=unit_id, day__range=(since, until))
            .order_by()
            .annotate(bucket=TruncWeek("day"))
            .values("bucket")
            .annotate(**sums)
        )
        return "week", {_as_date(row.pop("bucket")): row for row in _rows(rows)}
    months, edges = period_split(since, until)
    series: dict[dt.date, dict] = {}
    parts: list[QuerySet[Any]] = [
        UnitDailyFact.objects.filter(unit_id=unit_id)
        .filter(edges)
        .annotate(bucket=TruncMonth("day"))
    ]
    if months:
        parts.append(
            UnitMonthlyFact.objects.filter(unit_id=unit_id, month__in=months).annotate(
                bucket=F("month")
            )
        )
    for queryset in parts:
        for row in _rows(queryset.order_by().values("bucket").annotate(**sums)):
            bucket = series.setdefault(
                _as_date(row["bucket"]), {"orders_placed": 0, "items_given": 0}
            )
            bucket["orders_placed"] += row["orders_placed"] or 0
            bucket["items_given"] += row["items_given"] or 0
    return "month", series


def stall_counts_by_unit(*, under: Unit, units: list[Unit]) -> dict[int, int]:
    """How many stalls each of ``units`` (``under`` and units below it) has, itself and
    below, in one query."""
    paths = {unit.path: unit.pk for unit in units}
    counts = dict.fromkeys(paths.values(), 0)
    for path in (
        Stall.objects.exclude(schema_name="public")
        .filter(unit__path__startswith=under.path)
        .values_list("unit__path", flat=True)
    ):
        for unit_path, unit_id in paths.items():
            if path.startswith(unit_path):
                counts[unit_id] += 1
    return counts
