"""Reads of the reporting app: facts by stall, weekly series, distinct recipients, targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncWeek

from reporting.models import DailyFact, Target
from reporting.sketch import estimate_from_sums
from tenants.models import Membership, Stall, Unit
from tenants.selectors import units_with_role, user_is_platform_admin

SUMMED = (
    "items_received", "items_listed", "items_given", "donations", "orders_placed",
    "orders_delivered_volunteer", "orders_posted", "orders_delivered_post", "orders_failed",
    "orders_cancelled", "recipients", "volunteers", "volunteer_hours",
)


def stalls_under(*, unit: Unit) -> QuerySet[Stall]:
    """Stalls run by this unit or any unit below it."""
    return Stall.objects.exclude(schema_name="public").filter(unit__path__startswith=unit.path)


def facts_in(*, stall_ids: list[int], since: dt.date, until: dt.date) -> QuerySet[DailyFact]:
    return DailyFact.objects.filter(stall_id__in=stall_ids, day__gte=since, day__lte=until)


def _sums() -> dict:
    sums = {name: Coalesce(Sum(name), Value(0), output_field=IntegerField())
            for name in SUMMED if name != "volunteer_hours"}
    sums["volunteer_hours"] = Coalesce(Sum("volunteer_hours"), Value(Decimal("0")),
                                       output_field=DecimalField(max_digits=12, decimal_places=2))
    return sums


def facts_by_stall(*, stall_ids: list[int], since: dt.date, until: dt.date) -> dict[int, dict]:
    """Per stall, the sum of every count over the period (stalls without facts are absent)."""
    rows = (facts_in(stall_ids=stall_ids, since=since, until=until).order_by()
            .values("stall_id").annotate(**_sums()))
    return {row.pop("stall_id"): row for row in rows}


def facts_weekly(*, stall_ids: list[int], since: dt.date, until: dt.date) -> dict[dt.date, dict]:
    """Per week (Monday), orders placed and items given."""
    rows = (facts_in(stall_ids=stall_ids, since=since, until=until).order_by()
            .annotate(week=TruncWeek("day")).values("week")
            .annotate(orders_placed=Sum("orders_placed"), items_given=Sum("items_given")))
    return {_as_date(row.pop("week")): row for row in rows}


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


_RECIPIENTS_SQL = """
WITH m(stall_id, grp) AS (SELECT * FROM unnest(%(stalls)s::bigint[], %(groups)s::int[])),
regs AS (
    SELECT m.grp, v / 64 AS idx, max(v %% 64) AS r
    FROM reporting_dailyfact f
    JOIN m ON m.stall_id = f.stall_id
    CROSS JOIN LATERAL unnest(f.recipients_sketch) AS v
    WHERE f.day BETWEEN %(since)s AND %(until)s AND f.recipients > 0
    GROUP BY m.grp, v / 64
)
SELECT grp, count(*), sum(power(2::float8, -r)) FROM regs GROUP BY grp
UNION ALL
SELECT -1, count(*), coalesce(sum(power(2::float8, -r)), 0)
FROM (SELECT idx, max(r) AS r FROM regs GROUP BY idx) AS total
"""


def recipients_distinct(*, groups: Mapping[int, int], since: dt.date,
                        until: dt.date) -> tuple[int, dict[int, int]]:
    """Estimated distinct recipients over the period: in total, and per group of stalls.

    ``groups`` maps stall id to a group number (>= 0). Merges the daily sketches inside
    PostgreSQL, so only one row per group comes back.
    """
    if not groups:
        return 0, {}
    params = {"stalls": list(groups), "groups": list(groups.values()), "since": since,
              "until": until}
    per_group: dict[int, int] = {}
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(_RECIPIENTS_SQL, params)
        for grp, filled, inverse_sum in cursor.fetchall():
            value = estimate_from_sums(filled=filled, inverse_sum=float(inverse_sum or 0))
            if grp == -1:
                total = value
            else:
                per_group[grp] = value
    return total, per_group


def units_to_report_on(*, user) -> QuerySet[Unit]:
    """The top units of a person's dashboards: where they hold an oversight role."""
    if user_is_platform_admin(user=user):
        return Unit.objects.filter(parent__isnull=True)
    return units_with_role(user=user, roles=[
        Membership.Role.PROVINCE_OFFICER, Membership.Role.DISTRICT_OFFICER,
        Membership.Role.SCHOOL_OFFICER,
    ]).order_by("depth", "name")


def user_sets_targets_on(*, user, unit: Unit) -> bool:
    """Province and district officers (on this unit or above it) and platform admins."""
    if user_is_platform_admin(user=user):
        return True
    ancestors = [p for p in _paths_up(unit.path)]
    return Membership.objects.filter(
        user=user, role__in=[Membership.Role.PROVINCE_OFFICER, Membership.Role.DISTRICT_OFFICER],
        unit__path__in=ancestors,
    ).exists()


def _paths_up(path: str) -> list[str]:
    ids = [part for part in path.split("/") if part]
    return ["/" + "/".join(ids[:n]) + "/" for n in range(1, len(ids) + 1)]


def targets_for(*, unit: Unit, since: dt.date, until: dt.date) -> QuerySet[Target]:
    """Targets set on this unit or above it whose period overlaps ``since``..``until``."""
    return (Target.objects.filter(unit__path__in=_paths_up(unit.path))
            .filter(Q(period_start__lte=until) & Q(period_end__gte=since))
            .select_related("unit").order_by("period_end", "kind"))


def active_stall_ids(*, stall_ids: list[int], since: dt.date, until: dt.date,
                     orders_only: bool = False) -> set[int]:
    """Stalls with any recorded activity (or, with ``orders_only``, any order) in the period."""
    activity = Q(orders_placed__gt=0)
    if not orders_only:
        activity |= Q(items_received__gt=0) | Q(items_listed__gt=0) | Q(items_given__gt=0)
    rows = (facts_in(stall_ids=stall_ids, since=since, until=until).filter(activity)
            .order_by().values("stall_id").annotate(n=Count("id")))
    return {row["stall_id"] for row in rows}
