"""The nightly rollup as it really runs: a Celery worker process, the stall's schema in the task."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from reporting.models import DailyFact
from reporting.services import NIGHTLY_WINDOW_DAYS
from reporting.tasks import facts_rollup_stall_task
from tests.conftest import in_stall
from tests.reporting.conftest import item_make, local, order_make
from tests.support.processes import wait_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.worker
def test_the_nightly_task_rolls_up_the_stall_it_was_sent_from(live_stall_factory, worker_factory):
    worker_factory(queues="celery")
    stall = live_stall_factory(slug="truong-dem", name="Đoàn trường Đêm")
    other = live_stall_factory(slug="truong-khac", name="Đoàn trường Khác")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with in_stall(stall):
        item = item_make(at=local(yesterday, 8))
        for n in range(2):
            order_make(phone=f"09020000{n:02d}", placed_at=local(yesterday, 9), item=item)
        facts_rollup_stall_task.delay()  # sent from the stall: its schema travels with it
    connections.close_all()

    def written() -> bool:
        return DailyFact.objects.filter(stall=stall).count() == NIGHTLY_WINDOW_DAYS

    wait_for(written, timeout=90, what="the worker's rollup")
    fact = DailyFact.objects.get(stall=stall, day=yesterday)
    assert (fact.orders_placed, fact.recipients, fact.items_listed) == (2, 2, 1)
    assert not DailyFact.objects.filter(stall=other).exists()


def test_the_task_with_dates_recounts_that_range_for_its_stall(stall_a):
    # Also keeps this module runnable on its own: pytest-django creates the test database
    # only when a collected test asks for it.
    day = dt.date(2026, 1, 5)
    with in_stall(stall_a):
        item = item_make(at=local(day, 8))
        order_make(phone="0903000001", placed_at=local(day, 9), item=item)
        written = facts_rollup_stall_task.apply(
            kwargs={"since": "2026-01-04", "until": "2026-01-06"}
        ).get()
    assert written == 3
    assert DailyFact.objects.get(stall=stall_a, day=day).orders_placed == 1
