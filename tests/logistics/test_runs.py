"""Saturday runs: sign-ups, planning into routes, moving stops, marking outcomes."""

from __future__ import annotations

import pytest

from catalog.models import Order
from logistics.models import Route, RunStop, SaturdayRun
from logistics.routing import order_route
from logistics.runs import (
    RunError,
    run_for_new_stops,
    run_plan,
    run_start,
    stop_mark,
    stop_move,
    volunteer_signup,
)
from tests.conftest import in_stall
from tests.logistics.factories import order_make, school_commune, stall_place, volunteer_make

pytestmark = pytest.mark.django_db

State = Order.State


def _near_packed(n: int) -> list[Order]:
    orders = [order_make(area=school_commune(), state=State.PACKED) for _ in range(n)]
    for order in orders:
        order_route(order_id=order.pk)
    return orders


def _signup(run: SaturdayRun, n: int) -> None:
    for i in range(n):
        volunteer_signup(volunteer=volunteer_make(name=f"Đoàn viên {i}", chi_doan="11A2"), run=run)


def test_plan_splits_stops_into_routes_within_pair_capacity(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        orders = _near_packed(7)
        run = run_for_new_stops()
        run.pair_capacity = 3
        run.save()
        _signup(run, 6)
        run = run_plan(run=run, seconds=0)
        routes = list(Route.objects.filter(run=run))
        assert len(routes) == 3
        assert all(r.stops.count() <= 3 for r in routes)
        assert RunStop.objects.filter(run=run, route__isnull=False).count() == 7
        assert set(
            Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("state", flat=True)
        ) == {State.ROUTED}
        assert run.state == SaturdayRun.State.PLANNED


def test_stops_beyond_every_pairs_capacity_stay_unplanned_and_are_reported(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        _near_packed(5)
        run = run_for_new_stops()
        run.pair_capacity = 2
        run.save()
        _signup(run, 2)
        run = run_plan(run=run, seconds=0)
        assert RunStop.objects.filter(run=run, route__isnull=False).count() == 2
        assert RunStop.objects.filter(run=run, route__isnull=True).count() == 3
        assert "3" in run.plan_note


def test_unpacked_orders_wait_outside_the_routes(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        confirmed = order_make(area=school_commune(), state=State.CONFIRMED)
        order_route(order_id=confirmed.pk)
        _near_packed(1)
        run = run_for_new_stops()
        _signup(run, 2)
        run = run_plan(run=run, seconds=0)
        assert RunStop.objects.get(order=confirmed).route is None
        assert "đóng gói" in run.plan_note


def test_plan_without_volunteers_is_refused_with_advice(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        _near_packed(2)
        run = run_for_new_stops()
        with pytest.raises(RunError, match="đăng ký"):
            run_plan(run=run, seconds=0)
        run.refresh_from_db()
        assert run.state == SaturdayRun.State.OPEN


def test_minor_without_guardian_consent_cannot_sign_up(stall_a):
    with in_stall(stall_a):
        run = run_for_new_stops()
        with pytest.raises(RunError, match="cha mẹ"):
            volunteer_signup(volunteer=volunteer_make(consent=False), run=run)
        assert not run.signups.exists()


def test_orders_confirmed_after_planning_go_to_the_next_saturday(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        _near_packed(1)
        run = run_for_new_stops()
        _signup(run, 2)
        run_plan(run=run, seconds=0)
        late = order_make(area=school_commune())
        order_route(order_id=late.pk)
        assert RunStop.objects.get(order=late).run.date == run.date.fromordinal(
            run.date.toordinal() + 7
        )


def test_officer_moves_a_stop_to_another_route(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        _near_packed(4)
        run = run_for_new_stops()
        run.pair_capacity = 2
        run.save()
        _signup(run, 4)
        run_plan(run=run, seconds=0)
        first, second = Route.objects.filter(run=run).order_by("number")
        stop = first.stops.order_by("position").first()
        stop_move(stop=stop, route=second)
        assert second.stops.count() == 3
        assert list(first.stops.values_list("position", flat=True)) == [1]
        assert sorted(second.stops.values_list("position", flat=True)) == [1, 2, 3]


def test_moving_a_stop_to_a_route_of_another_run_is_refused(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        _near_packed(1)
        run = run_for_new_stops()
        _signup(run, 2)
        run_plan(run=run, seconds=0)
        stop = RunStop.objects.get(run=run)
        other_run = run_for_new_stops()
        foreign = Route.objects.create(run=other_run, number=1)
        with pytest.raises(RunError, match="cùng chuyến"):
            stop_move(stop=stop, route=foreign)
        stop.refresh_from_db()
        assert stop.route.run == run


def test_delivered_stop_delivers_the_order_and_a_double_tap_is_harmless(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        (order,) = _near_packed(1)
        run = run_for_new_stops()
        _signup(run, 2)
        run_plan(run=run, seconds=0)
        run_start(run=run)
        stop = RunStop.objects.get(order=order)
        stop_mark(stop=stop, outcome="delivered")
        stop_mark(stop=stop, outcome="delivered")
        order.refresh_from_db()
        assert order.state == State.DELIVERED
        assert order.events.filter(to_state=State.DELIVERED).count() == 1
        run.refresh_from_db()
        assert run.state == SaturdayRun.State.DONE


def test_failed_stop_goes_back_into_the_next_run(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        (order,) = _near_packed(1)
        run = run_for_new_stops()
        _signup(run, 2)
        run_plan(run=run, seconds=0)
        stop = RunStop.objects.get(order=order)
        stop_mark(stop=stop, outcome="failed", reason="nobody_home")
        order.refresh_from_db()
        assert order.state == State.PACKED
        current = RunStop.objects.get(order=order, is_current=True)
        assert current.run.date > run.date
        assert RunStop.objects.get(pk=stop.pk).outcome == "failed"


def test_failed_stop_with_wrong_address_goes_to_post(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        (order,) = _near_packed(1)
        run = run_for_new_stops()
        _signup(run, 2)
        run_plan(run=run, seconds=0)
        stop_mark(stop=RunStop.objects.get(order=order), outcome="failed", reason="wrong_address")
        order.refresh_from_db()
        assert order.delivery == Order.Delivery.POST
        assert not RunStop.objects.filter(order=order, is_current=True).exists()


def test_failed_without_reason_is_refused_and_changes_nothing(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        (order,) = _near_packed(1)
        run = run_for_new_stops()
        _signup(run, 2)
        run_plan(run=run, seconds=0)
        stop = RunStop.objects.get(order=order)
        with pytest.raises(RunError, match="lý do"):
            stop_mark(stop=stop, outcome="failed", reason="")
        stop.refresh_from_db()
        order.refresh_from_db()
        assert stop.outcome == ""
        assert order.state == State.ROUTED


def test_marking_delivered_after_failed_is_refused(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        (order,) = _near_packed(1)
        run = run_for_new_stops()
        _signup(run, 2)
        run_plan(run=run, seconds=0)
        stop = RunStop.objects.get(order=order)
        stop_mark(stop=stop, outcome="failed", reason="refused")
        with pytest.raises(RunError):
            stop_mark(stop=stop, outcome="delivered")
        assert RunStop.objects.get(pk=stop.pk).outcome == "failed"


def test_replanning_a_started_run_is_refused(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        _near_packed(1)
        run = run_for_new_stops()
        _signup(run, 2)
        run_plan(run=run, seconds=0)
        run_start(run=run)
        with pytest.raises(RunError, match="bắt đầu"):
            run_plan(run=run, seconds=0)
