"""Facts pre-aggregated by unit: written at rollup time so dashboards read a handful of rows.

Every unit on a stall's path (its school, its district, its province) gets one row per day
and per month holding the sums over every stall below it, the ids of the stalls that were
active, and the merged recipient sketch. A province's year is then about a dozen rows per
district, whatever the number of stalls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from reporting.models import FACT_SUMMED, UnitDailyFact, UnitMonthlyFact
from reporting.sketch import REGISTERS, dense_estimate, sparse_into_dense

_SUMMED = FACT_SUMMED
# A stall is active on a day when anything moved: goods in, goods listed, orders, deliveries.
ACTIVE_SQL = (
    "(d.orders_placed > 0 OR d.items_received > 0 OR d.items_listed > 0 OR d.items_given > 0"
    " OR d.donations > 0 OR d.orders_posted > 0 OR d.orders_delivered_volunteer > 0"
    " OR d.orders_delivered_post > 0)"
)

# Built from this module's constant column names only; values go in as parameters.
_DAYS_SQL = f"""
WITH wanted AS (SELECT id, path FROM tenants_unit WHERE id = ANY(%(units)s)),
f AS (
    SELECT w.id AS unit_id, d.*
    FROM wanted w
    JOIN tenants_unit su ON su.path LIKE w.path || '%%'
    JOIN tenants_stall s ON s.unit_id = su.id AND s.schema_name <> 'public'
    JOIN reporting_dailyfact d ON d.stall_id = s.id
    WHERE d.day BETWEEN %(since)s AND %(until)s
),
regs AS (
    SELECT unit_id, day, v / 64 AS idx, max(v %% 64) AS r
    FROM f CROSS JOIN LATERAL unnest(f.recipients_sketch) AS v
    GROUP BY 1, 2, 3
),
sk AS (
    SELECT unit_id, day, array_agg(idx * 64 + r ORDER BY idx) AS sketch FROM regs GROUP BY 1, 2
)
INSERT INTO reporting_unitdailyfact (
    unit_id, day, {", ".join(_SUMMED)}, stalls_active, stalls_ordering, recipients_sketch, computed_at
)
SELECT d.unit_id, d.day, {", ".join(f"sum(d.{name})" for name in _SUMMED)},
    coalesce(array_agg(d.stall_id ORDER BY d.stall_id) FILTER (WHERE {ACTIVE_SQL}), '{{}}'),
    coalesce(array_agg(d.stall_id ORDER BY d.stall_id) FILTER (WHERE d.orders_placed > 0), '{{}}'),
    coalesce(min(sk.sketch), '{{}}'), %(now)s
FROM f AS d LEFT JOIN sk ON sk.unit_id = d.unit_id AND sk.day = d.day
GROUP BY d.unit_id, d.day
"""  # noqa: S608


def _registers(sketches: Iterable[list[int]]):
    """Sparse sketches merged into one dense register array (numpy: a province's month
    is tens of thousands of entries)."""
    import numpy as np

    registers = np.zeros(REGISTERS, dtype=np.uint8)
    sparse_into_dense(registers, sketches)
    return registers


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def units_lock(unit_ids: Iterable[int]) -> None:
    """Serialise recounts of the same units (in id order, so two rollups never deadlock):
    a recount started after another one's commit then sees that one's stall facts."""
    with connection.cursor() as cursor:
        for unit_id in sorted(set(unit_ids)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x6768, unit_id])


def unit_facts_refresh(*, unit_ids: list[int], since: dt.date, until: dt.date) -> int:
    """Recount the units' days ``since``..``until`` and the months they touch from the
    stalls' facts; returns the day rows written. Idempotent; call inside the transaction
    that wrote the stalls' facts."""
    if not unit_ids:
        return 0
    with transaction.atomic():
        units_lock(unit_ids)
        UnitDailyFact.objects.filter(unit_id__in=unit_ids, day__range=(since, until)).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                _DAYS_SQL,
                {"units": list(unit_ids), "since": since, "until": until, "now": timezone.now()},
            )
            written = cursor.rowcount
        # A day's distinct recipients under a unit: the estimate of its merged sketch.
        changed = []
        for fact in UnitDailyFact.objects.filter(
            unit_id__in=unit_ids, day__range=(since, until)
        ).only("pk", "recipients", "recipients_sketch"):
            distinct = dense_estimate(_registers([fact.recipients_sketch]))
            if distinct != fact.recipients:
                fact.recipients = distinct
                changed.append(fact)
        UnitDailyFact.objects.bulk_update(changed, ["recipients"], batch_size=1000)
        unit_months_refresh(unit_ids=unit_ids, since=since, until=until)
    return written


def unit_months_refresh(*, unit_ids: list[int], since: dt.date, until: dt.date) -> int:
    """Re-sum the months touched by ``since``..``until`` from the units' days."""
    first, last = _month_start(since), _month_end(until)
    months: dict[tuple[int, dt.date], dict] = {}
    for fact in (
        UnitDailyFact.objects.filter(unit_id__in=unit_ids, day__range=(first, last))
        .order_by()
        .values("unit_id", "day", "stalls_active", "stalls_ordering", "recipients_sketch", *_SUMMED)
    ):
        key = (fact["unit_id"], _month_start(fact["day"]))
        into = months.get(key)
        if into is None:
            into = months[key] = {
                **dict.fromkeys(_SUMMED, 0),
                "active": set(),
                "ordering": set(),
                "sketches": [],
            }
        for name in _SUMMED:
            into[name] += fact[name]
        into["active"].update(fact["stalls_active"])
        into["ordering"].update(fact["stalls_ordering"])
        into["sketches"].append(fact["recipients_sketch"])
    now = timezone.now()
    rows = []
    for (unit_id, month), sums in months.items():
        registers = _registers(sums.pop("sketches"))
        rows.append(
            UnitMonthlyFact(
                unit_id=unit_id,
                month=month,
                stalls_active=sorted(sums.pop("active")),
                stalls_ordering=sorted(sums.pop("ordering")),
                registers=registers.tobytes(),
                computed_at=now,
                **{**sums, "recipients": dense_estimate(registers)},
            )
        )
    with transaction.atomic():
        # A month whose stalls all left the unit must not keep its old row: rewrite them all.
        UnitMonthlyFact.objects.filter(unit_id__in=unit_ids, month__range=(first, last)).delete()
        UnitMonthlyFact.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def unit_path_ids(path: str) -> list[int]:
    """The ids on a materialised path ("/1/4/17/" → [1, 4, 17])."""
    return [int(part) for part in path.split("/") if part]
