"""Planning a run again: finished stops stay put, only open ones move; counts equal rows."""

from __future__ import annotations

import re

import pytest

from catalog.models import Order
from logistics.models import Route, RunStop, SaturdayRun
from logistics.routing import order_route
from logistics.runs import (
    RunError,
    route_link_token,
    run_for_new_stops,
    run_plan,
    stop_mark,
    volunteer_signup,
)
from logistics.selectors import run_load
from tests.conftest import in_stall
from tests.logistics.factories import order_make, school_commune, stall_place, volunteer_make

pytestmark = pytest.mark.django_db
State = Order.State


def _run_with(n: int, *, volunteers: int = 2) -> tuple[SaturdayRun, list[Order]]:
    orders = [
        order_make(area=school_commune(), state=State.PACKED, name=f"Trương Mỹ Lan {i}")
        for i in range(n)
    ]
    for order in orders:
        order_route(order_id=order.pk)
    run = run_for_new_stops()
    for i in range(volunteers):
        volunteer_signup(volunteer=volunteer_make(name=f"Đoàn viên {i}"), run=run)
    return run, orders


def test_replanning_keeps_delivered_and_failed_stops_on_their_route(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        run, _orders = _run_with(5)
        run_plan(run=run, seconds=0)
        stops = list(RunStop.objects.filter(run=run).order_by("position"))
        delivered = stop_mark(stop=stops[0], outcome=RunStop.Outcome.DELIVERED)
        delivered_2 = stop_mark(stop=stops[2], outcome=RunStop.Outcome.DELIVERED)
        failed = stop_mark(
            stop=stops[1], outcome=RunStop.Outcome.FAILED, reason=RunStop.FailReason.NOBODY_HOME
        )
        before = {s.pk: (s.route_id, s.position) for s in (delivered, delivered_2, failed)}
        run_plan(run=run, seconds=0)
        after = {
            s.pk: (s.route_id, s.position)
            for s in RunStop.objects.filter(pk__in=before).order_by("pk")
        }
        assert after == before
        for stop in (delivered, delivered_2):
            stop.order.refresh_from_db()
            assert stop.order.state == State.DELIVERED
        # The open stops are on a route again, after the finished ones.
        open_stops = RunStop.objects.filter(run=run, outcome="", is_current=True)
        assert open_stops.count() == 2
        assert all(s.route_id for s in open_stops)
        assert min(s.position for s in open_stops) > max(p for _r, p in before.values())
        load = run_load(run=run)
        assert (load["total"], load["routed"], load["delivered"], load["failed"]) == (5, 5, 2, 1)


def test_replanning_makes_old_volunteer_links_stop_working(stall_a, client_for):
    stall_place(stall_a)
    with in_stall(stall_a):
        run, _orders = _run_with(3)
        run_plan(run=run, seconds=0)
        stop = RunStop.objects.filter(run=run).first()
        stop_mark(stop=stop, outcome=RunStop.Outcome.DELIVERED)
        old = route_link_token(route=Route.objects.get(run=run))
        run_plan(run=run, seconds=0)
        new = route_link_token(route=Route.objects.get(run=run))
    client = client_for(stall_a)
    assert client.get(f"/giao/{old}/").status_code == 403
    assert client.get(f"/giao/{new}/").status_code == 200


def test_planning_with_no_open_stop_says_so_and_changes_nothing(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        run, _orders = _run_with(0)
        with pytest.raises(RunError) as refused:
            run_plan(run=run, seconds=0)
        assert str(refused.value) == "Không có điểm giao nào cần chia tuyến."
        run.refresh_from_db()
        assert run.state == SaturdayRun.State.OPEN


def test_planning_again_after_every_stop_is_finished_says_nothing_to_plan(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        run, _orders = _run_with(1)
        run_plan(run=run, seconds=0)
        stop = RunStop.objects.get(run=run)
        stop_mark(
            stop=stop, outcome=RunStop.Outcome.FAILED, reason=RunStop.FailReason.WRONG_ADDRESS
        )
        SaturdayRun.objects.filter(pk=run.pk).update(state=SaturdayRun.State.PLANNED)
        with pytest.raises(RunError, match="Không có điểm giao nào cần chia tuyến"):
            run_plan(run=run, seconds=0)


def _numbers(body: str) -> tuple[int, int, int, int]:
    match = re.search(
        r"(\d+) điểm · (\d+) đã xếp tuyến · (\d+) đã giao · (\d+) không giao được", body
    )
    assert match, "the run page shows its counts"
    return tuple(int(x) for x in match.groups())  # type: ignore[return-value]


def test_every_count_on_the_run_page_equals_the_rows_it_sums_up(
    stall_a, officer_factory, client_for
):
    stall_place(stall_a)
    with in_stall(stall_a):
        run, orders = _run_with(9, volunteers=2)
        run.pair_capacity = 6
        run.save(update_fields=["pair_capacity"])
        # Several items per order: summing items must not multiply the stop counts.
        for order in orders:
            order.lines.update(quantity=3)
        run_plan(run=run, seconds=0)
        routed = list(RunStop.objects.filter(run=run, route__isnull=False).order_by("position"))
        stop_mark(stop=routed[0], outcome=RunStop.Outcome.DELIVERED)
        stop_mark(stop=routed[1], outcome=RunStop.Outcome.FAILED, reason=RunStop.FailReason.REFUSED)
        run_plan(run=run, seconds=0)
    body = client_for(stall_a, officer_factory(stall_a)).get(f"/giao-nhan/chuyen/{run.pk}/")
    body = body.content.decode()
    total, on_routes, delivered, failed = _numbers(body)
    rows = re.findall(r'<tr data-stop="\d+" data-outcome="(\w*)">', body)
    unplanned = body.split("Chưa xếp tuyến")[1]
    unplanned_rows = re.findall(r'<tr data-stop="\d+"', unplanned)
    assert total == len(rows) == 9
    assert on_routes == len(rows) - len(unplanned_rows) == 6
    assert delivered == rows.count("delivered") == 1
    assert failed == rows.count("failed") == 1
    assert f"Chưa xếp tuyến ({len(unplanned_rows)})" in body
