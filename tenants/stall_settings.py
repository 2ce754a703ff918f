"""A stall's own settings, changed by its officers: delivery zone, limits, sender address."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from tenants.collation import area_sort_key
from tenants.models import AdminArea, Stall


def communes_near_stall(*, stall: Stall) -> list[AdminArea]:
    """Current communes of the stall's province, in Vietnamese order (the served-list choices)."""
    commune = stall.commune
    if commune is None:
        return []
    province_id = commune.parent_id if commune.level == AdminArea.Level.COMMUNE else commune.pk
    areas: QuerySet[AdminArea] = AdminArea.objects.filter(
        era=AdminArea.Era.CURRENT, level=AdminArea.Level.COMMUNE, parent_id=province_id
    )
    return sorted(areas, key=area_sort_key)


@transaction.atomic
def stall_settings_update(
    *,
    stall: Stall,
    delivery_radius_km: Decimal,
    served_communes: Iterable[AdminArea],
    max_items_per_period: int,
    limit_period_days: int,
    max_same_item: int,
    confirm_new_phones: bool,
    sender_address: str,
) -> Stall:
    stall.delivery_radius_km = delivery_radius_km
    stall.max_items_per_period = max_items_per_period
    stall.limit_period_days = limit_period_days
    stall.max_same_item = max_same_item
    stall.confirm_new_phones = confirm_new_phones
    stall.sender_address = " ".join(sender_address.split())[:200]
    stall.full_clean(exclude=["schema_name", "served_communes"])
    stall.save(
        update_fields=[
            "delivery_radius_km",
            "max_items_per_period",
            "limit_period_days",
            "max_same_item",
            "confirm_new_phones",
            "sender_address",
        ]
    )
    stall.served_communes.set(list(served_communes))
    return stall
