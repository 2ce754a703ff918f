"""A cancelled order leaves its run and its unsent batch, and no service delivers it."""

from __future__ import annotations

import pytest

from catalog.models import Order
from catalog.services import order_cancel_by_recipient, order_transition
from logistics.batches import BatchError, batch_build, parcel_delivered
from logistics.models import Parcel, Route, RunStop
from logistics.routing import order_route
from logistics.runs import (
    RunError,
    route_link_token,
    run_for_new_stops,
    run_plan,
    stop_add,
    stop_mark,
    stop_move,
    volunteer_signup,
)
from logistics.selectors import route_stops, run_load, run_stops
from tests.conftest import in_stall
from tests.logistics.factories import (
    far_commune,
    order_make,
    school_commune,
    stall_place,
    volunteer_make,
)

pytestmark = pytest.mark.django_db
State = Order.State


def _planned(n: int = 3):
    orders = [
        order_make(area=school_commune(), state=State.PACKED, name=f"Huỳnh Thị Diễm {i}")
        for i in range(n)
    ]
    for order in orders:
        order_route(order_id=order.pk)
    run = run_for_new_stops()
    volunteer_signup(volunteer=volunteer_make(name="Ngô Bảo Châu"), run=run)
    volunteer_signup(volunteer=volunteer_make(name="Lý Thu Thảo"), run=run)
    run_plan(run=run, seconds=0)
    return run, Route.objects.get(run=run), orders


def test_recipient_cancelling_a_confirmed_order_takes_it_out_of_the_coming_run(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        order = order_make(area=school_commune(), state=State.CONFIRMED)
        order_route(order_id=order.pk)
        run = run_for_new_stops()
        assert run_stops(run=run).filter(order=order).exists()
        order_cancel_by_recipient(order=order)
        assert not RunStop.objects.filter(order=order).exists()
        assert run_load(run=run)["total"] == 0


def test_cancelling_a_routed_order_leaves_the_route_and_tells_the_volunteers(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        run, route, orders = _planned(3)
        gone = orders[1]
        order_transition(order=Order.objects.get(pk=gone.pk), to_state=State.CANCELLED)
        # The officers' lists, counts and the printed sheet no longer have it...
        assert gone.pk not in [s.order_id for s in route_stops(route=route)]
        assert gone.pk not in [s.order_id for s in run_stops(run=run)]
        assert run_load(run=run)["total"] == 2
        # ...the volunteers' page still shows it, so nobody goes there, and marking is refused.
        withdrawn = RunStop.objects.get(order=gone)
        assert withdrawn in list(route_stops(route=route, withdrawn=True))
        with pytest.raises(RunError, match="đã hủy, không giao"):
            stop_mark(stop=withdrawn, outcome=RunStop.Outcome.DELIVERED)
        with pytest.raises(RunError, match="đã hủy, không giao"):
            stop_move(stop=withdrawn, route=route)
        gone.refresh_from_db()
        assert gone.state == State.CANCELLED


def test_no_service_puts_a_cancelled_order_back_in_a_run(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        order = order_make(area=school_commune(), state=State.CANCELLED)
        with pytest.raises(RunError, match="đã hủy"):
            stop_add(order_id=order.pk, run=run_for_new_stops())
        assert order_route(order_id=order.pk) is None
        assert not RunStop.objects.filter(order=order).exists()


def test_a_stale_stop_of_a_cancelled_order_is_never_planned_or_delivered(stall_a):
    """Data written before the fix (or by hand): the order cancelled, its stop still current."""
    stall_place(stall_a)
    with in_stall(stall_a):
        run, route, orders = _planned(2)
        stale = orders[0]
        Order.objects.filter(pk=stale.pk).update(state=State.CANCELLED)
        stop = RunStop.objects.get(order=stale)
        with pytest.raises(RunError, match="đã hủy, không giao"):
            stop_mark(stop=stop, outcome=RunStop.Outcome.DELIVERED)
        run_plan(run=run, seconds=0)
        assert not RunStop.objects.filter(order=stale, is_current=True).exists()
        assert [s.order_id for s in run_stops(run=run)] == [orders[1].pk]


def test_cancelling_takes_the_parcel_out_of_a_batch_not_yet_at_the_post_office(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        keep, gone = (
            order_make(area=far_commune(), state=State.PACKED, delivery="post") for _ in range(2)
        )
        batch = batch_build()
        assert batch.parcels.count() == 2
        order_transition(order=Order.objects.get(pk=gone.pk), to_state=State.CANCELLED)
        assert list(batch.parcels.values_list("order_id", flat=True)) == [keep.pk]


def test_a_parcel_of_a_cancelled_order_is_not_recorded_as_received(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        order = order_make(area=far_commune(), state=State.PACKED, delivery="post")
        batch = batch_build()
        parcel = Parcel.objects.get(batch=batch)
        Order.objects.filter(pk=order.pk).update(state=State.CANCELLED)
        with pytest.raises(BatchError, match="Đã hủy"):
            parcel_delivered(parcel=parcel)
        order.refresh_from_db()
        assert order.state == State.CANCELLED


def test_the_volunteer_page_shows_a_cancelled_stop_as_not_to_deliver(stall_a, client_for):
    stall_place(stall_a)
    with in_stall(stall_a):
        _run, route, orders = _planned(2)
        gone = orders[0]
        order_transition(order=Order.objects.get(pk=gone.pk), to_state=State.CANCELLED)
        stop = RunStop.objects.get(order=gone)
        token = route_link_token(route=route)
    client = client_for(stall_a)
    page = client.get(f"/giao/{token}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Đơn đã hủy, không giao" in body
    assert gone.recipient_name not in body  # nothing personal about a cancelled order
    marked = client.post(f"/giao/{token}/diem/{stop.pk}/", {"outcome": "delivered"}, follow=True)
    assert marked.status_code == 200
    assert f"Đơn {gone.code} đã hủy, không giao." in marked.content.decode()
