"""Parallel orders for real: threads released together, each on its own connection."""

from __future__ import annotations

import pytest
from django.db import connection

from catalog.models import Item, Order, StockEntry
from catalog.services import OrderRefused, order_place
from catalog.stock import ledger_sum
from tenants.models import Stall
from tests.catalog.factories import item_make, recipient_make
from tests.conftest import in_stall
from tests.support.races import race

pytestmark = pytest.mark.slow


def _race(stall_id: int, count: int, attempt) -> list:
    """Run ``attempt(stall, n)`` in ``count`` threads released at once; return outcomes."""

    def work(n: int):
        connection.set_schema_to_public()
        stall = Stall.objects.get(pk=stall_id)
        connection.set_tenant(stall)
        return attempt(stall, n)

    return race(count, work)


def test_fifty_parallel_orders_for_the_last_five_units_sell_exactly_five(live_stall_factory):
    stall = live_stall_factory()
    stall.max_same_item = 1
    with in_stall(stall):
        item = item_make(title="Áo sơ mi trắng", quantity=5)
    recipients = [recipient_make(phone=f"091{n:07d}") for n in range(50)]

    outcomes = _race(
        stall.pk, 50, lambda s, n: order_place(stall=s, lines={item.pk: 1}, recipient=recipients[n])
    )

    placed = [o for o in outcomes if isinstance(o, Order)]
    refused = [o for o in outcomes if isinstance(o, OrderRefused)]
    assert len(placed) == 5, outcomes
    assert len(refused) == 45, outcomes
    assert all(r.code == "out_of_stock" and "Hết hàng" in r.message for r in refused)
    with in_stall(stall):
        item.refresh_from_db()
        assert item.available == 0
        assert ledger_sum(item=item) == 0
        assert StockEntry.objects.filter(item=item, kind="reservation").count() == 5
        assert Order.objects.count() == 5


def test_twenty_parallel_orders_from_one_phone_respect_the_limit(live_stall_factory):
    stall = live_stall_factory()
    Stall.objects.filter(pk=stall.pk).update(max_items_per_period=3, max_same_item=1)
    with in_stall(stall):
        items = [item_make(quantity=2) for _ in range(20)]
    recipient = recipient_make(phone="0987654321")

    outcomes = _race(
        stall.pk, 20, lambda s, n: order_place(stall=s, lines={items[n].pk: 1}, recipient=recipient)
    )

    placed = [o for o in outcomes if isinstance(o, Order)]
    refused = [o for o in outcomes if isinstance(o, OrderRefused)]
    assert len(placed) == 3, outcomes
    assert len(refused) == 17, outcomes
    assert all(r.code == "limit_items" for r in refused), outcomes
    with in_stall(stall):
        assert Order.objects.filter(phone="+84987654321").count() == 3
        for item in Item.objects.all():
            assert item.available == ledger_sum(item=item)
        assert sum(i.available for i in Item.objects.all()) == 40 - 3
