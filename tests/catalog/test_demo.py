"""Demo rows: every shelf stocked, orders in several states, and idempotent."""

from __future__ import annotations

import pytest

from catalog.demo import demo_seed
from catalog.models import Category, Item, Order
from catalog.stock import ledger_sum
from tests.conftest import in_stall

pytestmark = pytest.mark.django_db


def test_demo_stocks_every_shelf_and_places_orders_once(stall_a):
    with in_stall(stall_a):
        demo_seed(stall_a)
        items, orders = Item.objects.count(), Order.objects.count()
        demo_seed(stall_a)
        assert (Item.objects.count(), Order.objects.count()) == (items, orders)
        for category in Category.objects.all():
            assert category.items.filter(available__gt=0).exists(), category.slug
        assert Item.objects.filter(grade=6, subject__icontains="Toán").exists()
        states = set(Order.objects.values_list("state", flat=True))
        assert {"confirmed", "packed", "delivered", "cancelled"} <= states
        assert all(o.phone.startswith("+849") for o in Order.objects.all())
        for item in Item.objects.all():
            assert item.available == ledger_sum(item=item)
