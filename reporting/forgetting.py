"""Keeping counts true across anonymisation: what a day's recipients were, frozen in time.

Registered with the privacy registry as a hook that runs inside the anonymising
transaction, before phone hashes are blanked. Only numbers and sketch registers are kept.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db.models.functions import TruncDate
from django.utils import timezone

from catalog.models import Order
from core.tenancy import current_schema
from reporting.models import RecipientsForgotten
from reporting.sketch import registers_merge, sketch_of
from tenants.models import Stall


def _merged(*sketches: Sequence[int]) -> list[int]:
    return sorted(index * 64 + rank for index, rank in registers_merge(sketches).items())


def recipients_forget(*, ids: Sequence[int], now: dt.datetime | None = None) -> int:
    """Before orders ``ids`` lose their phone hash, add the people who thereby stop being
    countable to their day's frozen count; return how many people that is."""
    tz = timezone.get_default_timezone()
    leaving: dict[dt.date, set[str]] = defaultdict(set)
    for day, phone_hash in (
        Order.objects.filter(pk__in=list(ids))
        .exclude(phone_hash="")
        .annotate(day=TruncDate("placed_at", tzinfo=tz))
        .values_list("day", "phone_hash")
    ):
        leaving[day].add(phone_hash)
    if not leaving:
        return 0
    staying: dict[dt.date, set[str]] = defaultdict(set)
    every_hash = set().union(*leaving.values())
    for day, phone_hash in (
        Order.objects.exclude(pk__in=list(ids))
        .filter(phone_hash__in=every_hash)
        .annotate(day=TruncDate("placed_at", tzinfo=tz))
        .filter(day__in=list(leaving))
        .values_list("day", "phone_hash")
    ):
        staying[day].add(phone_hash)
    gone = {day: hashes - staying[day] for day, hashes in leaving.items()}
    gone = {day: hashes for day, hashes in gone.items() if hashes}
    if not gone:
        return 0
    stall_id = (
        Stall.objects.filter(schema_name=current_schema()).values_list("pk", flat=True).first()
    )
    if stall_id is None:  # a schema that is no stall (the template): nothing is reported
        return 0
    RecipientsForgotten.objects.bulk_create(
        [RecipientsForgotten(stall_id=stall_id, day=day) for day in gone],
        ignore_conflicts=True,
    )
    rows = RecipientsForgotten.objects.select_for_update().filter(
        stall_id=stall_id, day__in=list(gone)
    )
    for row in rows:
        hashes = gone[row.day]
        row.recipients += len(hashes)
        row.recipients_sketch = _merged(row.recipients_sketch, sketch_of(hashes))
        row.save(update_fields=["recipients", "recipients_sketch"])
    return sum(len(hashes) for hashes in gone.values())


def recipients_forgotten(*, stall_id: int, since: dt.date, until: dt.date) -> dict:
    """Frozen (recipients, sketch) per day of a stall, for the rollup to add."""
    return {
        row.day: (row.recipients, row.recipients_sketch)
        for row in RecipientsForgotten.objects.filter(stall_id=stall_id, day__range=(since, until))
    }
