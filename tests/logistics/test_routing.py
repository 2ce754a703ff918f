"""Near or far: the routing decision, the sweeper and officers' overrides."""

from __future__ import annotations

import pytest

from catalog.models import Order
from logistics.models import RoutingDecision, RunStop
from logistics.routing import RoutingError, order_delivery_override, order_route, orders_route_sweep
from tests.conftest import in_stall
from tests.logistics.factories import (
    commune,
    far_commune,
    order_make,
    school_commune,
    stall_place,
)

pytestmark = pytest.mark.django_db


def test_order_in_the_school_commune_goes_to_the_coming_saturday_run(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        order = order_make(area=school_commune())
        decision = order_route(order_id=order.pk)
        order.refresh_from_db()
        assert order.delivery == Order.Delivery.VOLUNTEER
        assert decision.distance_km == pytest.approx(0, abs=0.01)
        stop = RunStop.objects.get(order=order)
        assert stop.run.date.weekday() == 5


def test_order_far_away_waits_for_post_and_joins_no_run(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        order = order_make(area=far_commune())
        order_route(order_id=order.pk)
        order.refresh_from_db()
        assert order.delivery == Order.Delivery.POST
        assert not RunStop.objects.filter(order=order).exists()


def test_served_commune_is_near_whatever_the_distance(stall_a):
    stall_place(stall_a)
    far = far_commune()
    stall_a.served_communes.add(far)
    with in_stall(stall_a):
        order = order_make(area=far)
        order_route(order_id=order.pk)
        order.refresh_from_db()
        assert order.delivery == Order.Delivery.VOLUNTEER


def test_radius_decides_for_a_neighbouring_commune(stall_a):
    stall_place(stall_a, radius_km=0.1)
    here = school_commune()
    neighbour = (
        type(here)
        .objects.filter(parent=here.parent, level=here.level)
        .exclude(pk=here.pk)
        .exclude(latitude=None)
        .first()
    )
    with in_stall(stall_a):
        order = order_make(area=neighbour)
        order_route(order_id=order.pk)
        order.refresh_from_db()
        assert order.delivery == Order.Delivery.POST
    stall_a.delivery_radius_km = 500
    stall_a.save()
    with in_stall(stall_a):
        other = order_make(area=neighbour)
        order_route(order_id=other.pk)
        other.refresh_from_db()
        assert other.delivery == Order.Delivery.VOLUNTEER


def test_order_without_commune_goes_by_post_with_a_reason(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        order = order_make(area=None)
        decision = order_route(order_id=order.pk)
        assert decision.delivery == Order.Delivery.POST
        assert "tọa độ" in decision.reason


def test_routing_twice_changes_nothing_the_second_time(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        order = order_make(area=school_commune())
        assert order_route(order_id=order.pk) is not None
        assert order_route(order_id=order.pk) is None
        assert RunStop.objects.filter(order=order).count() == 1
        assert RoutingDecision.objects.filter(order=order).count() == 1


def test_placed_and_cancelled_orders_are_not_routed(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        placed = order_make(area=school_commune(), state=Order.State.PLACED)
        cancelled = order_make(area=school_commune(), state=Order.State.CANCELLED)
        assert order_route(order_id=placed.pk) is None
        assert order_route(order_id=cancelled.pk) is None
        assert not RunStop.objects.exists()


def test_sweeper_routes_every_missed_order_once(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        near = [order_make(area=school_commune()) for _ in range(3)]
        far = [order_make(area=far_commune()) for _ in range(2)]
        assert orders_route_sweep() == 5
        assert orders_route_sweep() == 0
        assert RunStop.objects.filter(order__in=near).count() == 3
        assert set(
            Order.objects.filter(pk__in=[o.pk for o in far]).values_list("delivery", flat=True)
        ) == {Order.Delivery.POST}
        assert set(RoutingDecision.objects.values_list("source", flat=True)) == {"sweep"}


def test_officer_override_to_post_takes_the_order_out_of_the_run(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        order = order_make(area=school_commune())
        order_route(order_id=order.pk)
        order = order_delivery_override(order=order, delivery=Order.Delivery.POST)
        assert order.delivery == Order.Delivery.POST
        assert order.delivery_overridden
        assert not RunStop.objects.filter(order=order).exists()
        assert RoutingDecision.objects.get(order=order).source == "officer"


def test_officer_override_to_volunteer_puts_the_order_in_the_run_and_router_leaves_it(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        order = order_make(area=far_commune())
        order = order_delivery_override(order=order, delivery=Order.Delivery.VOLUNTEER)
        assert RunStop.objects.filter(order=order, is_current=True).count() == 1
        assert order_route(order_id=order.pk) is None
        order.refresh_from_db()
        assert order.delivery == Order.Delivery.VOLUNTEER


def test_override_refused_for_an_order_already_delivered(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        order = order_make(area=far_commune(), state=Order.State.DELIVERED, delivery="post")
        with pytest.raises(RoutingError, match="không đổi cách giao"):
            order_delivery_override(order=order, delivery=Order.Delivery.VOLUNTEER)


def test_bad_override_choice_is_refused(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        order = order_make(area=school_commune())
        with pytest.raises(RoutingError):
            order_delivery_override(order=order, delivery="drone")
        order.refresh_from_db()
        assert order.delivery == ""


def test_commune_helper_finds_the_school_commune():
    assert commune("28321").latitude is not None
