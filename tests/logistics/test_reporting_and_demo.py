"""What other parts read from logistics: volunteer day summary, delivery counts, demo data."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils.module_loading import import_string
from tenant_schemas_celery.scheduler import TenantAwareScheduler

from catalog.models import Order
from logistics.demo import VOLUNTEERS, demo_seed
from logistics.models import RunSignup, RunStop, Volunteer
from logistics.routing import order_route
from logistics.runs import run_for_new_stops, run_plan, stop_mark, volunteer_signup
from logistics.selectors import deliveries_by_channel, volunteer_day_summary
from tests.conftest import in_stall
from tests.logistics.factories import order_make, school_commune, stall_place, volunteer_make

pytestmark = pytest.mark.django_db
State = Order.State


def test_volunteer_day_summary_counts_people_and_hours_of_routes_that_went_out(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        orders = [order_make(area=school_commune(), state=State.PACKED) for _ in range(4)]
        for order in orders:
            order_route(order_id=order.pk)
        run = run_for_new_stops()
        run.pair_capacity = 2
        run.save()
        for i in range(4):
            volunteer_signup(volunteer=volunteer_make(name=f"Đoàn viên {i}"), run=run)
        run_plan(run=run, seconds=0)
        assert volunteer_day_summary(day=run.date) == (0, 0.0)
        first_route_stop = RunStop.objects.filter(route__number=1).first()
        stop_mark(stop=first_route_stop, outcome="delivered")
        people, hours = volunteer_day_summary(day=run.date)
        assert people == 2
        assert hours == pytest.approx(2 * float(run.route_hours))
        counts = deliveries_by_channel(day=first_route_stop.order.events.last().at.date())
        assert counts["volunteer"] == 1
        assert counts["post"] == 0


def test_demo_seed_is_idempotent(stall_a):
    with in_stall(stall_a):
        demo_seed(stall_a)
        demo_seed(stall_a)
        assert Volunteer.objects.count() == len(VOLUNTEERS)
        assert RunSignup.objects.count() == len(VOLUNTEERS)
        assert Volunteer.objects.filter(chi_doan="10A1").exists()


def test_beat_runs_every_logistics_job_in_every_stall():
    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"] for entry in schedule.values()}
    assert {
        "logistics.orders_route_sweep",
        "logistics.run_plan",
        "logistics.batch_build",
        "logistics.batch_build_resume",
        "logistics.notifications_sweep",
        "logistics.parcels_track",
    } <= tasks
    # No "tenant_schemas" key: tenant_schemas_celery sends these to every stall's schema.
    assert not any(
        "tenant_schemas" in entry
        for entry in schedule.values()
        if entry["task"].startswith("logistics.")
    )
    scheduler = import_string(settings.CELERY_BEAT_SCHEDULER)
    assert issubclass(scheduler, TenantAwareScheduler)
