"""Facts pre-aggregated by unit: every unit on a stall's path holds the sums of the stalls
below it, kept right by the stall's own rollup, and the dashboard reads only those rows."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reporting import selectors
from reporting.dashboards import dashboard_build
from reporting.models import DailyFact, UnitDailyFact, UnitMonthlyFact
from reporting.periods import period_from_preset
from reporting.services import facts_rollup_stall, facts_rollup_today
from reporting.tasks import facts_rollup_today_task
from reporting.unit_rollup import unit_facts_refresh
from tests.conftest import in_stall
from tests.reporting.conftest import fact_make, item_make, local, order_make


def test_a_unit_day_is_the_sum_of_its_stalls_days(two_districts):
    t = two_districts
    day = dt.date(2026, 5, 14)
    fact_make(t["stall_a"], day, orders_placed=3, items_given=5, items_received=2)
    fact_make(t["stall_a2"], day, orders_placed=4, volunteer_hours=2.5)
    fact_make(t["stall_b"], day, orders_placed=10)
    district_a = UnitDailyFact.objects.get(unit=t["district_a"], day=day)
    assert (district_a.orders_placed, district_a.items_given, district_a.items_received) == (
        7,
        5,
        2,
    )
    assert sorted(district_a.stalls_active) == sorted([t["stall_a"].pk, t["stall_a2"].pk])
    assert float(district_a.volunteer_hours) == 2.5
    province = UnitDailyFact.objects.get(unit=t["province"], day=day)
    assert province.orders_placed == 17
    assert (
        UnitMonthlyFact.objects.get(unit=t["province"], month=day.replace(day=1)).orders_placed
        == 17
    )
    school = UnitDailyFact.objects.get(unit=t["stall_b"].unit, day=day)
    assert school.orders_placed == 10


def test_recounting_is_idempotent_and_follows_a_corrected_day(two_districts):
    t = two_districts
    day = dt.date(2026, 5, 14)
    fact_make(t["stall_a"], day, orders_placed=3)
    units = [t["province"].pk, t["district_a"].pk]
    unit_facts_refresh(unit_ids=units, since=day, until=day)
    unit_facts_refresh(unit_ids=units, since=day, until=day)
    assert UnitDailyFact.objects.filter(unit=t["province"], day=day).count() == 1
    DailyFact.objects.filter(stall=t["stall_a"], day=day).update(orders_placed=0)
    unit_facts_refresh(unit_ids=units, since=day, until=day)
    row = UnitDailyFact.objects.get(unit=t["province"], day=day)
    assert (row.orders_placed, row.stalls_active, row.stalls_ordering) == (0, [], [])
    assert (
        UnitMonthlyFact.objects.get(unit=t["province"], month=day.replace(day=1)).orders_placed == 0
    )


def test_distinct_recipients_under_a_unit_come_from_the_merged_sketches(stall_a, stall_b):
    day = dt.date(2026, 5, 14)
    for stall in (stall_a, stall_b):
        with in_stall(stall):
            item = item_make(at=local(day, 8))
            # The same person at both schools, and one person twice at one school.
            order_make(phone="0901000001", placed_at=local(day, 9), item=item)
            order_make(phone="0901000001", placed_at=local(day, 10), item=item)
            order_make(phone=f"09020000{stall.pk % 100:02d}", placed_at=local(day, 9), item=item)
        facts_rollup_stall(stall=stall, since=day, until=day)
    district = stall_a.unit.parent
    row = UnitDailyFact.objects.get(unit=district, day=day)
    assert row.orders_placed == 6
    assert row.recipients == 3  # not 4: the shared recipient counts once


def test_the_rollup_of_one_stall_refreshes_its_school_district_and_province(stall_a):
    today = timezone.localdate()
    with in_stall(stall_a):
        item = item_make()
        for n in range(3):
            order_make(phone=f"090300000{n}", placed_at=timezone.now(), item=item)
    facts_rollup_today(stall=stall_a)
    path = [int(p) for p in stall_a.unit.path.split("/") if p]
    assert len(path) == 3
    for unit_id in path:
        assert UnitDailyFact.objects.get(unit_id=unit_id, day=today).orders_placed == 3


def test_the_today_task_recounts_today_for_its_stall(stall_a):
    today = timezone.localdate()
    with in_stall(stall_a):
        order_make(phone="0904000001", placed_at=timezone.now(), item=item_make())
        written = facts_rollup_today_task.apply().get()
    assert written == 1
    assert DailyFact.objects.get(stall=stall_a, day=today).orders_placed == 1


def test_a_year_dashboard_reads_a_handful_of_rows_whatever_the_stalls(two_districts):
    t = two_districts
    today = timezone.localdate()
    for back in range(0, 400, 9):
        fact_make(t["stall_a"], today - dt.timedelta(days=back), orders_placed=6, items_given=7)
        fact_make(t["stall_b"], today - dt.timedelta(days=back), orders_placed=8)
    period = period_from_preset("365", today)
    with CaptureQueriesContext(connection) as queries:
        board = dashboard_build(unit=t["province"], period=period, exact=False, with_targets=False)
    fact_queries = [q["sql"] for q in queries if "reporting_" in q["sql"]]
    assert fact_queries
    assert all(
        "reporting_dailyfact" not in sql and "reporting_monthlyfact" not in sql
        for sql in fact_queries
    )
    facts = selectors.facts_by_stall(
        stall_ids=[t["stall_a"].pk, t["stall_b"].pk], since=period.start, until=period.end
    )
    assert board.totals["orders_placed"] == sum(f["orders_placed"] for f in facts.values())
    assert sum(n for _week, n, _given in board.weeks) == board.totals["orders_placed"]
