"""Fault tests: a worker killed while building a batch, Redis down while orders are confirmed."""

from __future__ import annotations

import pytest

from catalog.models import Order
from catalog.services import order_transition
from logistics import tasks
from logistics.models import Parcel, PostalBatch, RoutingDecision, RunStop
from tests.conftest import free_port, in_stall
from tests.logistics.conftest import use_broker, wait_for
from tests.logistics.factories import (
    far_commune,
    item_make,
    order_make,
    school_commune,
    stall_place,
)

State = Order.State


@pytest.mark.worker
@pytest.mark.slow
def test_worker_killed_while_building_a_batch_leaves_every_order_in_exactly_one_batch(
    live_stall_factory, worker_factory
):
    stall = stall_place(live_stall_factory())
    with in_stall(stall):
        item = item_make(available=1000)
        ids = [
            order_make(area=far_commune(), state=State.PACKED, delivery="post", item=item).pk
            for _ in range(300)
        ]
    worker = worker_factory()
    with in_stall(stall):
        tasks.batch_build.delay(chunk=3)

        def midway() -> bool:
            return 0 < Parcel.objects.count() < len(ids)

        wait_for(midway, every=0.01, timeout=60, what="the batch to be half built")
    worker.kill()
    with in_stall(stall):
        half = Parcel.objects.count()
        assert 0 < half < len(ids), "the worker must die in the middle of the batch"
    worker_factory()  # restarted; the weekly job (or an officer) builds again
    with in_stall(stall):
        tasks.batch_build.delay(chunk=50)
        wait_for(lambda: Parcel.objects.count() == len(ids), timeout=90, what="the rest")
        assert Parcel.objects.values("order_id").distinct().count() == len(ids)
        assert PostalBatch.objects.count() == 1
        assert set(Order.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
            State.ROUTED
        }
        # One history row per order for joining the batch: nothing was applied twice.
        for order_id in ids[::37]:
            assert Order.objects.get(pk=order_id).events.filter(to_state=State.ROUTED).count() == 1


@pytest.mark.worker
@pytest.mark.slow
def test_task_of_a_lost_pool_process_is_requeued_and_finished_without_resending(
    live_stall_factory, worker_factory
):
    stall = stall_place(live_stall_factory())
    with in_stall(stall):
        item = item_make(available=1000)
        ids = [
            order_make(area=far_commune(), state=State.PACKED, delivery="post", item=item).pk
            for _ in range(200)
        ]
    worker = worker_factory()
    with in_stall(stall):
        tasks.batch_build.delay(chunk=2)
        wait_for(
            lambda: 0 < Parcel.objects.count() < len(ids),
            every=0.01,
            what="the batch to be half built",
        )
        worker.kill_pool_child()
        # Late acknowledgement + reject on worker lost: the message goes back to the queue
        # and the replacement pool process builds the rest. Nobody sends it again.
        wait_for(lambda: Parcel.objects.count() == len(ids), timeout=90, what="the requeue")
        assert Parcel.objects.values("order_id").distinct().count() == len(ids)
        assert PostalBatch.objects.count() == 1


@pytest.mark.worker
@pytest.mark.slow
def test_orders_confirmed_while_redis_is_down_are_each_routed_once_by_one_sweep(
    live_stall_factory, worker_factory, throwaway_redis
):
    stall = stall_place(live_stall_factory())
    use_broker(throwaway_redis.url)
    worker = worker_factory(throwaway_redis.url)
    with in_stall(stall):
        near = [order_make(area=school_commune(), state=State.PLACED).pk for _ in range(4)]
        far = [order_make(area=far_commune(), state=State.PLACED).pk for _ in range(3)]
    throwaway_redis.stop()
    with in_stall(stall):
        for order in Order.objects.filter(pk__in=near + far):
            order_transition(order=order, to_state=State.CONFIRMED)  # never raises
        assert (
            Order.objects.filter(pk__in=near + far, state=State.CONFIRMED, delivery="").count() == 7
        )
    throwaway_redis.start()
    worker.wait_ready(timeout=90)
    with in_stall(stall):
        tasks.orders_route_sweep.delay()
        wait_for(
            lambda: not Order.objects.filter(pk__in=near + far, delivery="").exists(),
            timeout=60,
            what="the sweep",
        )
        assert RoutingDecision.objects.filter(order_id__in=near + far).count() == 7
        assert set(RoutingDecision.objects.values_list("source", flat=True)) == {"sweep"}
        assert RunStop.objects.filter(order_id__in=near).count() == 4
        assert not RunStop.objects.filter(order_id__in=far).exists()
        # Sweeping again finds nothing: nothing is routed twice.
        tasks.orders_route_sweep.delay()
        tasks.order_route.delay(near[0])
    wait_for(lambda: worker_idle(worker), timeout=30, what="the worker to go idle")
    with in_stall(stall):
        assert RoutingDecision.objects.count() == 7
        assert RunStop.objects.count() == 4


def worker_idle(worker) -> bool:
    from gianhang.celery import app

    inspect = app.control.inspect(destination=[worker.hostname], timeout=1)
    active = inspect.active() or {}
    reserved = inspect.reserved() or {}
    busy = sum(len(v) for v in active.values()) + sum(len(v) for v in reserved.values())
    with app.connection_for_write() as conn:
        waiting = conn.default_channel.client.llen(tasks.QUEUE)
    return bool(active) and busy == 0 and waiting == 0


@pytest.mark.django_db
def test_enqueue_with_no_broker_returns_false_instead_of_raising(stall_a):
    from gianhang.celery import app

    original = app.conf.broker_url
    use_broker(f"redis://127.0.0.1:{free_port()}/0")
    try:
        with in_stall(stall_a):
            assert tasks.enqueue(tasks.orders_route_sweep) is False
    finally:
        use_broker(original)
