"""Three stalls in two districts, and a stand-in for the wanted lists of fair distribution.

The wanted lists belong to another app that may not be installed; the pool reads them
through ``reporting.pool.wish_source()``. ``FixedWishes`` answers that interface from a
table the test writes, the way the real source answers from the stall's open wishes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from catalog.models import Item, StockEntry
from catalog.stock import ledger_sum
from tenants.models import Stall, Unit
from tenants.services import unit_get_or_create
from tests.catalog.factories import item_make
from tests.conftest import in_stall


@dataclass
class FixedWishes:
    """Open wishes per stall slug: [(category, size, grade, count)]."""

    by_slug: dict[str, list[tuple[str, str, int | None, int]]] = field(default_factory=dict)

    def counts(self, stall: Stall) -> list[tuple[str, str, int | None, int]]:
        return list(self.by_slug.get(stall.slug, []))


def other_district() -> Unit:
    province = unit_get_or_create(
        kind=Unit.Kind.PROVINCE, name="Tỉnh Đoàn Tiền Giang", code="tien-giang"
    )
    return unit_get_or_create(
        kind=Unit.Kind.DISTRICT, name="Huyện Đoàn Cái Bè", code="tien-giang/cai-be", parent=province
    )


def place(stall: Stall, lat: float, lon: float) -> Stall:
    Stall.objects.filter(pk=stall.pk).update(latitude=lat, longitude=lon)
    stall.refresh_from_db()
    return stall


def shoes_in(stall: Stall, *, quantity: int, title: str = "Giày bata trắng", size: str = "32"):
    with in_stall(stall):
        return item_make(
            title=title, quantity=quantity, category="giay-dep", size_kind="shoe", size=size
        )


def stock_of(stall: Stall) -> dict[str, int]:
    """Every item's units on the shelf, by title (read in the stall's schema)."""
    with in_stall(stall):
        return dict(Item.objects.values_list("title", "available"))


def ledgers_balance(stall: Stall) -> bool:
    with in_stall(stall):
        return all(ledger_sum(item=item) == item.available for item in Item.objects.all())


def ledger_kinds(stall: Stall) -> list[str]:
    with in_stall(stall):
        return list(StockEntry.objects.order_by("pk").values_list("kind", flat=True))


def use_wishes(monkeypatch, wishes: FixedWishes) -> Callable[[], FixedWishes]:
    monkeypatch.setattr("reporting.pool.wish_source", lambda: wishes)
    return lambda: wishes
