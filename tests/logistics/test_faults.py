"""Fault tests: a worker killed while building a batch, Redis down while orders are confirmed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from catalog.models import Order
from catalog.services import order_transition
from logistics import batches, tasks
from logistics.models import Parcel, PostalBatch, RoutingDecision, RunStop
from tests.conftest import database_url_of_tests, free_port, host_of, in_stall
from tests.logistics.factories import (
    SCHOOL_COMMUNE,
    far_commune,
    item_make,
    order_make,
    school_commune,
    stall_place,
)
from tests.support.processes import ROOT, use_broker, wait_for

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
def test_batch_of_a_killed_worker_is_finished_by_the_next_resume_sweep_not_in_half_an_hour(
    live_stall_factory, worker_factory, settings
):
    entry = settings.CELERY_BEAT_SCHEDULE["logistics-batch-build-resume"]
    assert entry["task"] == tasks.batch_build_resume.name
    assert entry["schedule"] <= 300  # "within minutes"; Redis would wait 30
    stall = stall_place(live_stall_factory())
    with in_stall(stall):
        item = item_make(available=1000)
        ids = [
            order_make(area=far_commune(), state=State.PACKED, delivery="post", item=item).pk
            for _ in range(200)
        ]
    worker = worker_factory()
    with in_stall(stall):
        tasks.batch_build.delay(chunk=3)
        wait_for(
            lambda: 0 < Parcel.objects.count() < len(ids),
            every=0.01,
            timeout=60,
            what="the batch to be half built",
        )
    worker.kill()
    worker_factory()
    with in_stall(stall):
        assert Parcel.objects.count() < len(ids), "the worker must die in the middle"
        tasks.batch_build_resume.delay()  # what beat sends every five minutes
        wait_for(lambda: Parcel.objects.count() == len(ids), timeout=90, what="the resume")
        assert Parcel.objects.values("order_id").distinct().count() == len(ids)
        assert PostalBatch.objects.count() == 1
        for order_id in ids[::29]:
            assert Order.objects.get(pk=order_id).events.filter(to_state=State.ROUTED).count() == 1
        # Once finished, the sweep finds nothing to do.
        assert batches.batch_build_interrupted() is False


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


class WebServer:
    """gunicorn serving the product against the test database and a given Redis."""

    def __init__(self, redis_url: str, log: Path, threads: int = 4):
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url_of_tests(),
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "GIANHANG_TESTING": "1",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "gianhang.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                "--workers=1",
                f"--threads={threads}",
                "--timeout=60",
            ],
            env=env,
            cwd=ROOT,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.log = log

    def request(self, host: str, method: str, path: str, body: dict | None = None):
        """(status, parsed JSON or None, seconds taken)."""
        started = time.monotonic()
        request = urllib.request.Request(  # noqa: S310 - our own server on loopback
            f"http://127.0.0.1:{self.port}{path}",
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={"Host": host, "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        return status, data, time.monotonic() - started

    def wait_ready(self, host: str) -> None:
        def up() -> bool:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                return self.request(host, "GET", "/healthz")[0] == 200
            except OSError:
                return False

        wait_for(up, timeout=90, what="gunicorn")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def _order_body(item_id: int, n: int) -> dict:
    return {
        "lines": [{"item": item_id, "quantity": 1}],
        "name": "Trần Văn Bình",
        "phone": f"09{n:08d}",
        "commune_code": SCHOOL_COMMUNE,
        "address_line": f"Số {n}, ấp Tân Hòa",
        "consent": True,
    }


@pytest.mark.worker
@pytest.mark.slow
def test_orders_answer_within_two_seconds_while_redis_hangs_and_are_routed_after(
    live_stall_factory, worker_factory, throwaway_redis, tmp_path
):
    """A frozen Redis (SIGSTOP: connections accepted, never answered), not a stopped one."""
    stall = stall_place(live_stall_factory())
    with in_stall(stall):
        item_id = item_make(available=100).pk
    host = host_of(stall)
    use_broker(throwaway_redis.url)
    worker = worker_factory(throwaway_redis.url)
    web = WebServer(throwaway_redis.url, tmp_path / "web.log")
    try:
        web.wait_ready(host)
        status, body, _ = web.request(host, "POST", "/api/v1/orders/", _order_body(item_id, 1))
        assert status == 201, body
        os.kill(throwaway_redis.process.pid, signal.SIGSTOP)
        try:
            status, body, seconds = web.request(
                host, "POST", "/api/v1/orders/", _order_body(item_id, 2)
            )
            assert status == 201, body
            assert body["code"]
            assert seconds < 2, f"an order took {seconds:.1f}s while Redis hung"
            first = seconds
            # Twice as many orders as web threads at once, then the health checks.
            with ThreadPoolExecutor(max_workers=8) as pool:
                burst = list(
                    pool.map(
                        lambda n: web.request(
                            host, "POST", "/api/v1/orders/", _order_body(item_id, n)
                        ),
                        range(10, 18),
                    )
                )
            assert [status for status, _, _ in burst] == [201] * 8, burst
            slowest = max(seconds for _, _, seconds in burst)
            assert slowest < 4, f"the slowest of 8 parallel orders took {slowest:.1f}s"
            status, _, seconds = web.request(host, "GET", "/healthz")
            assert (status, seconds < 2) == (200, True), seconds
            status, ready, seconds = web.request(host, "GET", "/readyz")
            assert status == 503
            assert ready["redis"].startswith("error"), ready
            assert seconds < 2, f"/readyz took {seconds:.1f}s"
            print(  # noqa: T201 - the figures, for whoever runs this with -s
                f"Redis frozen: first order {first:.2f}s, slowest of 8 parallel orders "
                f"{slowest:.2f}s, /readyz {seconds:.2f}s"
            )
        finally:
            os.kill(throwaway_redis.process.pid, signal.SIGCONT)
        codes = [body["code"]] + [b["code"] for _, b, _ in burst]
        with in_stall(stall):
            waiting = Order.objects.filter(code__in=codes, delivery="")
            assert waiting.count() == len(codes), "nothing could be routed while Redis hung"
        worker.wait_ready(timeout=90)
        with in_stall(stall):
            tasks.orders_route_sweep.delay()
            wait_for(lambda: not waiting.exists(), timeout=90, what="the sweep after SIGCONT")
            assert RoutingDecision.objects.filter(order__code__in=codes).count() == len(codes)
            assert RunStop.objects.filter(order__code__in=codes).count() == len(codes)
    finally:
        web.stop()
