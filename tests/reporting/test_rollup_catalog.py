"""The rollup on orders made by the storefront's own services, not hand-built rows."""

from __future__ import annotations

from django.utils import timezone

from catalog.models import Order
from catalog.services import order_place, order_transition
from catalog.stock import donation_record
from reporting.models import DailyFact
from reporting.services import facts_rollup_stall
from tests.catalog.factories import item_make, recipient_make
from tests.conftest import in_stall


def test_orders_placed_and_delivered_through_the_catalog_are_counted(stall_a):
    today = timezone.localdate()
    with in_stall(stall_a):
        item, other = item_make(quantity=10), item_make(quantity=10)
        donation_record(received_on=today, lines=[(item, 4)])
        same_person = recipient_make(phone="0912345678")
        first = order_place(stall=stall_a, lines={item.pk: 1}, recipient=same_person)
        order_place(stall=stall_a, lines={other.pk: 1}, recipient=same_person)
        order_place(stall=stall_a, lines={item.pk: 1}, recipient=recipient_make())
        Order.objects.filter(pk=first.pk).update(delivery=Order.Delivery.VOLUNTEER)
        first.refresh_from_db()
        path = ["placed", "confirmed", "packed", "routed", "out_for_delivery", "delivered"]
        for state in path[path.index(first.state) + 1 :]:  # a known phone may start confirmed
            first = order_transition(order=first, to_state=state)
    facts_rollup_stall(stall=stall_a, since=today, until=today)
    fact = DailyFact.objects.get(stall=stall_a, day=today)
    assert (fact.orders_placed, fact.recipients, fact.donations, fact.items_received) == (
        3,
        2,
        1,
        4,
    )
    assert (fact.orders_delivered_volunteer, fact.items_given) == (1, 1)
