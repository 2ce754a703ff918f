"""End to end with a real Celery worker process and Redis: two stalls, each in its own schema."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from pypdf import PdfReader

from catalog.models import Order
from catalog.services import order_transition
from logistics import tasks
from logistics.labels import manifest_pdf
from logistics.models import Notification, Parcel, Route, RunStop, SaturdayRun
from logistics.runs import run_for_new_stops, volunteer_signup
from logistics.selectors import batch_parcels, route_stops
from logistics.sheets import route_sheet_pdf
from tests.conftest import in_stall
from tests.logistics.factories import (
    far_commune,
    order_make,
    school_commune,
    stall_place,
    volunteer_make,
)
from tests.support.processes import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.slow]
State = Order.State


def _place(stall, *, near: int, far: int, tag: str) -> tuple[list[int], list[int]]:
    with in_stall(stall):
        near_ids = [
            order_make(
                area=school_commune(), state=State.PLACED, name=f"Nguyễn Thị Ánh {tag}{i}"
            ).pk
            for i in range(near)
        ]
        far_ids = [
            order_make(area=far_commune(), state=State.PLACED, name=f"Trương Văn Đạt {tag}{i}").pk
            for i in range(far)
        ]
    return near_ids, far_ids


def _confirm_and_pack(stall, ids: list[int]) -> None:
    with in_stall(stall):
        for order in Order.objects.filter(pk__in=ids):
            order_transition(order=order, to_state=State.CONFIRMED)


def _all_routed(stall, ids) -> bool:
    with in_stall(stall):
        return not Order.objects.filter(pk__in=ids, delivery="").exists()


def test_orders_of_two_stalls_are_routed_planned_and_batched_in_their_own_schemas(
    live_stall_factory, worker_factory
):
    stall_a = stall_place(live_stall_factory(name="Đoàn trường THPT Nguyễn Văn Tiếp"))
    stall_b = stall_place(live_stall_factory(name="Đoàn trường THPT Thiên Hộ Dương"))
    worker_factory()
    orders = {
        stall_a: _place(stall_a, near=3, far=2, tag="A"),
        stall_b: _place(stall_b, near=2, far=3, tag="B"),
    }
    for stall, (near, far) in orders.items():
        _confirm_and_pack(stall, near + far)
    for stall, (near, far) in orders.items():
        wait_for(lambda s=stall, ids=near + far: _all_routed(s, ids), what="routing")

    for stall, (near, far) in orders.items():
        with in_stall(stall):
            assert set(Order.objects.filter(pk__in=near).values_list("delivery", flat=True)) == {
                "volunteer"
            }
            assert set(Order.objects.filter(pk__in=far).values_list("delivery", flat=True)) == {
                "post"
            }
            for order in Order.objects.filter(pk__in=near + far):
                order_transition(order=order, to_state=State.PACKED)
            run = run_for_new_stops()
            volunteer_signup(volunteer=volunteer_make(name="Phan Thanh Hải"), run=run)
            volunteer_signup(volunteer=volunteer_make(name="Đỗ Ngọc Trinh"), run=run)
            tasks.run_plan.delay(run.pk)
            tasks.batch_build.delay()

    for stall, (near, far) in orders.items():

        def done(s=stall, n=near, f=far) -> bool:
            with in_stall(s):
                return SaturdayRun.objects.filter(
                    state="planned"
                ).exists() and Parcel.objects.filter(order_id__in=f).count() == len(f)

        wait_for(done, what="planning and batching")
        with in_stall(stall):
            # Exactly the right orders: this stall's near ones in the run, far ones in the batch.
            assert set(
                RunStop.objects.filter(route__isnull=False).values_list("order_id", flat=True)
            ) == set(near)
            assert set(Parcel.objects.values_list("order_id", flat=True)) == set(far)
            assert connection.schema_name == stall.schema_name
            route = Route.objects.get()
            sheet = route_sheet_pdf(
                route=route,
                stops=route_stops(route=route),
                stall_name=stall.name,
                stop_link=lambda s: "http://x/",
            )
            sheet_text = PdfReader(io.BytesIO(sheet)).pages[0].extract_text()
            for order in Order.objects.filter(pk__in=near):
                assert order.recipient_name in sheet_text
            batch = Parcel.objects.first().batch
            manifest = manifest_pdf(
                batch=batch,
                parcels=batch_parcels(batch=batch),
                stall_name=stall.name,
                sender_address="",
            )
            manifest_text = PdfReader(io.BytesIO(manifest)).pages[0].extract_text()
            for order in Order.objects.filter(pk__in=far):
                assert order.recipient_name in manifest_text
            assert stall.name in manifest_text
            # The confirmation texts went through the outbox of this stall only.
            wait_for(
                lambda: not Notification.objects.filter(status="pending").exists(),
                what="notifications",
            )
            texts = list(Notification.objects.values_list("text", flat=True))
            assert len(texts) == len(near) + len(far)
            assert all(stall.name[:60] in t for t in texts)


@pytest.mark.django_db
def test_confirming_while_the_broker_is_unreachable_keeps_the_order_for_the_sweeper(
    stall_a, django_capture_on_commit_callbacks
):
    from gianhang.celery import app
    from tests.conftest import free_port
    from tests.support.processes import use_broker

    stall_place(stall_a)
    original = app.conf.broker_url
    use_broker(f"redis://127.0.0.1:{free_port()}/0")
    try:
        with in_stall(stall_a):
            order = order_make(area=school_commune(), state=State.PLACED)
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                order = order_transition(order=order, to_state=State.CONFIRMED)
            assert callbacks  # the signal ran and tried to enqueue
            assert tasks.enqueue(tasks.order_route, order.pk) is False
            order.refresh_from_db()
            assert order.state == State.CONFIRMED
            assert order.delivery == ""
            from logistics.selectors import orders_unrouted

            assert list(orders_unrouted()) == [order]
    finally:
        use_broker(original)
