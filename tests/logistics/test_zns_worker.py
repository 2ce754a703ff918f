"""End to end with a real Celery worker: an order's steps reach the fake Zalo (or SMS) once."""

from __future__ import annotations

import pytest
from django.test import override_settings

from catalog.models import Order
from catalog.services import order_transition
from logistics import tasks
from logistics.fakes.zalo import FakeZalo
from logistics.models import Notification, RunStop
from logistics.runs import run_for_new_stops, run_plan, run_start, stop_mark, volunteer_signup
from logistics.zns import TokenStore
from tests.conftest import in_stall
from tests.logistics.factories import order_make, school_commune, stall_place, volunteer_make
from tests.logistics.test_zns import TEMPLATES, zalo_settings
from tests.support.processes import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.slow]
State = Order.State


@pytest.fixture
def zalo(monkeypatch):
    """The fake Zalo, and a worker environment that points at it (as an operator would)."""
    fake = FakeZalo(templates=set(TEMPLATES.values())).start()
    values = zalo_settings(fake)
    for name, value in values.items():
        if isinstance(value, dict):
            value = ",".join(f"{kind}={template}" for kind, template in value.items())
        monkeypatch.setenv(name, value)
    with override_settings(**values):
        TokenStore().forget()
        yield fake
        TokenStore().forget()
    fake.stop()


def _settled(stall, count: int) -> bool:
    with in_stall(stall):
        notes = Notification.objects.all()
        return notes.count() == count and not notes.filter(status="pending").exists()


def test_confirm_route_deliver_sends_each_step_once_by_zalo_or_by_sms_without_zalo(
    live_stall_factory, worker_factory, zalo
):
    stall = stall_place(live_stall_factory(name="Đoàn trường THPT Nguyễn Văn Tiếp"))
    zalo.no_zalo.add("84912000702")
    worker_factory()
    with in_stall(stall):
        on_zalo = order_make(area=school_commune(), state=State.PLACED, phone="+84912000701")
        no_zalo = order_make(area=school_commune(), state=State.PLACED, phone="+84912000702")
        for order in (on_zalo, no_zalo):
            order_transition(order=order, to_state=State.CONFIRMED)
    wait_for(lambda: _settled(stall, 2), what="the confirmation messages")
    # The OA's token dies (revoked, or Zalo's clock): the next message refreshes it once.
    zalo.expire_access_tokens()
    with in_stall(stall):
        for order in Order.objects.filter(pk__in=[on_zalo.pk, no_zalo.pk]):
            order_transition(order=order, to_state=State.PACKED)
        run = run_for_new_stops()
        volunteer_signup(volunteer=volunteer_make(name="Phan Thanh Hải"), run=run)
        volunteer_signup(volunteer=volunteer_make(name="Đỗ Ngọc Trinh"), run=run)
        run = run_plan(run=run)
        run_start(run=run)
    wait_for(lambda: _settled(stall, 4), what="the on-the-way messages")
    with in_stall(stall):
        for stop in RunStop.objects.filter(route__isnull=False):
            stop_mark(stop=stop, outcome=RunStop.Outcome.DELIVERED)
    wait_for(lambda: _settled(stall, 6), what="the delivered messages")

    zns = [c for c in zalo.accepted if c.phone == "84912000701"]
    assert [c.template_id for c in zns] == [
        TEMPLATES["confirmed"],
        TEMPLATES["out_for_delivery"],
        TEMPLATES["delivered"],
    ]
    assert {c.template_data["order_code"] for c in zns} == {on_zalo.code}
    assert len({c.tracking_id for c in zns}) == 3
    assert not [c for c in zalo.accepted if c.phone == "84912000702"]
    sms = [s for s in zalo.sms if s["to"] == "+84912000702"]
    assert len(sms) == 3
    assert all(no_zalo.code in s["text"] and len(s["text"]) <= 160 for s in sms)
    assert [c.answer for c in zalo.calls].count(-124) == 1
    assert zalo.refreshes == 2  # the first token, and one refresh after it died
    with in_stall(stall):
        channels = dict(
            Notification.objects.filter(event__to_state=State.DELIVERED).values_list(
                "order_id", "channel"
            )
        )
    assert channels == {on_zalo.pk: "zns", no_zalo.pk: "sms"}


def test_zalo_server_errors_are_retried_with_growing_pauses_and_never_duplicate(
    live_stall_factory, worker_factory, zalo
):
    stall = stall_place(live_stall_factory(name="Đoàn trường THPT Thiên Hộ Dương"))
    zalo.fail_next(2, status=502)
    worker_factory()
    with in_stall(stall):
        order = order_make(area=school_commune(), state=State.PLACED, phone="+84912000801")
        order_transition(order=order, to_state=State.CONFIRMED)
    wait_for(lambda: _settled(stall, 1), timeout=90, what="the message after two 502s")
    assert [c.answer for c in zalo.calls] == [502, 502, 0]
    first, second, third = (c.at for c in zalo.calls)
    assert second - first >= 4.5
    assert third - second >= 9.5  # the pause grows
    with in_stall(stall):
        note = Notification.objects.get()
        assert (note.attempts, note.channel) == (3, "zns")
        # The same work handed out again (a redelivered task, the sweeper): nothing more.
        tasks.notification_send.delay(note.pk)
        tasks.order_step.delay(order.pk, [State.CONFIRMED])
        tasks.notifications_sweep.delay()
        marker = order_make(area=school_commune(), state=State.PLACED, phone="+84912000802")
        order_transition(order=marker, to_state=State.CONFIRMED)
    # One worker process takes the queue in order: once the marker's message is out, the
    # repeats before it have run.
    wait_for(lambda: _settled(stall, 2), what="the marker message")
    assert len([c for c in zalo.accepted if c.phone == "84912000801"]) == 1
