"""Routing with unusable stall coordinates (stored before they were checked): no crash."""

from __future__ import annotations

import math

import pytest

from catalog.models import Order
from logistics.models import RoutingDecision
from logistics.routing import order_route
from tenants.models import Stall
from tests.conftest import in_stall
from tests.logistics.factories import order_make, school_commune

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("lat", "lon"), [(math.nan, 106.37), (999.0, 106.37), (10.3, math.inf)])
def test_a_stall_with_unusable_coordinates_routes_by_post_and_says_why(stall_a, lat, lon):
    Stall.objects.filter(pk=stall_a.pk).update(latitude=lat, longitude=lon, commune=None)
    stall_a.refresh_from_db()
    with in_stall(stall_a):
        order = order_make(area=school_commune())
        decision = order_route(order_id=order.pk)
        order.refresh_from_db()
    assert order.delivery == Order.Delivery.POST
    assert decision.distance_km is None
    assert "chưa có tọa độ" in decision.reason


def test_unusable_stall_coordinates_fall_back_to_the_school_commune(stall_a):
    Stall.objects.filter(pk=stall_a.pk).update(
        latitude=math.nan, longitude=math.nan, commune=school_commune()
    )
    stall_a.refresh_from_db()
    with in_stall(stall_a):
        order = order_make(area=school_commune())
        decision = order_route(order_id=order.pk)
        order.refresh_from_db()
        assert RoutingDecision.objects.filter(order=order).count() == 1
    assert order.delivery == Order.Delivery.VOLUNTEER
    assert decision.distance_km == pytest.approx(0, abs=0.01)
