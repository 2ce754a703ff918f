"""The rollup writes, per stall and local day, exactly what the stall's own tables say."""
# ruff: noqa: S608 - the oracle builds SQL from schema names of Stall rows, not from input

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import Order
from reporting.models import FACT_COUNTS, DailyFact
from reporting.services import facts_rollup, facts_rollup_stall
from tests.conftest import in_stall
from tests.reporting.conftest import donation_make, item_make, local, order_make

S = Order.State
D0 = dt.date(2026, 3, 2)
DAYS = [D0 + dt.timedelta(days=n) for n in range(3)]

# The journeys an order can take, as (state, delivery) steps after being placed.
JOURNEYS = {
    "open": ("", []),
    "cancelled": ("", [S.CANCELLED]),
    "volunteer": ("volunteer", [S.CONFIRMED, S.PACKED, S.ROUTED, S.OUT_FOR_DELIVERY, S.DELIVERED]),
    "posted": ("post", [S.CONFIRMED, S.PACKED, S.ROUTED, S.HANDED_TO_POST]),
    "post_delivered": ("post", [S.CONFIRMED, S.PACKED, S.ROUTED, S.HANDED_TO_POST, S.DELIVERED]),
    "failed": ("volunteer", [S.CONFIRMED, S.PACKED, S.ROUTED, S.OUT_FOR_DELIVERY, S.FAILED]),
}

orders_strategy = st.lists(
    st.tuples(
        st.sampled_from(["0901000001", "0901000002", "0901000003", "0901000004"]),
        st.integers(0, 2),  # day placed
        st.sampled_from([0, 7, 23]),  # local hour: midnight edges matter
        st.sampled_from(sorted(JOURNEYS)),
        st.integers(0, 1),  # days between steps
        st.integers(1, 3),  # quantity
    ),
    max_size=8,
)
donations_strategy = st.lists(
    st.tuples(st.integers(0, 2), st.lists(st.integers(1, 20), min_size=1, max_size=3)),
    max_size=4,
)


def recount(schema: str, day: dt.date) -> dict[str, int]:
    """The oracle: plain SQL on the stall's schema, in local time, independent of the ORM."""
    tz = "Asia/Ho_Chi_Minh"
    q = {
        "items_received": f"SELECT coalesce(sum(l.quantity),0) FROM {schema}.catalog_donationline l "
        f"JOIN {schema}.catalog_donation d ON d.id=l.donation_id WHERE d.received_on=%(d)s",
        "donations": f"SELECT count(*) FROM {schema}.catalog_donation WHERE received_on=%(d)s",
        "items_listed": f"SELECT count(*) FROM {schema}.catalog_item WHERE (created_at AT TIME ZONE '{tz}')::date=%(d)s",
        "orders_placed": f"SELECT count(*) FROM {schema}.catalog_order WHERE (placed_at AT TIME ZONE '{tz}')::date=%(d)s",
        "recipients": f"SELECT count(DISTINCT phone_hash) FROM {schema}.catalog_order WHERE (placed_at AT TIME ZONE '{tz}')::date=%(d)s",
    }
    event = (
        f"SELECT count(DISTINCT e.order_id) FROM {schema}.catalog_orderevent e JOIN {schema}.catalog_order o "
        f"ON o.id=e.order_id WHERE (e.at AT TIME ZONE '{tz}')::date=%(d)s AND e.to_state="
    )
    q["orders_delivered_volunteer"] = event + "'delivered' AND o.delivery<>'post'"
    q["orders_delivered_post"] = event + "'delivered' AND o.delivery='post'"
    q["orders_posted"] = event + "'handed_to_post'"
    q["orders_failed"] = event + "'failed'"
    q["orders_cancelled"] = event + "'cancelled'"
    q["items_given"] = (
        f"SELECT coalesce(sum(l.quantity),0) FROM {schema}.catalog_orderline l JOIN "
        f"{schema}.catalog_orderevent e ON e.order_id=l.order_id WHERE e.to_state='delivered' "
        f"AND (e.at AT TIME ZONE '{tz}')::date=%(d)s"
    )
    on_day = f"AT TIME ZONE '{tz}')::date=%(d)s"
    q["rounds_held"] = f"SELECT count(*) FROM {schema}.distribution_round WHERE (drawn_at {on_day}"
    q["round_requests"] = (
        f"SELECT count(*) FROM {schema}.distribution_request WHERE (created_at {on_day}"
    )
    q["round_allocated"] = (
        f"SELECT count(*) FROM {schema}.distribution_request WHERE (offered_at {on_day}"
    )
    q["waitlist_served"] = (
        f"SELECT count(*) FROM {schema}.distribution_request r JOIN {schema}.distribution_round "
        f"d ON d.id=r.round_id WHERE r.offered_at > d.drawn_at AND (r.offered_at {on_day}"
    )
    q["wishes_met"] = (
        f"SELECT count(*) FROM {schema}.distribution_wish WHERE state='met' "
        f"AND (updated_at {on_day}"
    )
    q["sets_completed"] = (
        f"SELECT count(*) FROM {schema}.distribution_setrequest WHERE (completed_at {on_day}"
    )
    q["set_books"] = (
        f"SELECT (SELECT coalesce(sum(l.quantity),0) FROM {schema}.catalog_orderline l "
        f"JOIN {schema}.catalog_order o ON o.id=l.order_id JOIN {schema}.distribution_setrequest"
        f" s ON s.order_id=o.id WHERE (o.placed_at {on_day}) + (SELECT count(*) FROM "
        f"{schema}.distribution_wish WHERE state='met' AND set_request_id IS NOT NULL "
        f"AND (updated_at {on_day})"
    )
    out = {}
    with connection.cursor() as cursor:
        for name, sql in q.items():
            cursor.execute(sql, {"d": day})
            out[name] = cursor.fetchone()[0]
    out["volunteers"] = 0  # no logistics rows in these stalls
    return out


def facts_of(stall) -> dict[dt.date, dict[str, int]]:
    return {
        f.day: {name: getattr(f, name) for name in FACT_COUNTS}
        for f in DailyFact.objects.filter(stall=stall)
    }


def seed(orders, donations) -> None:
    item = item_make(at=local(D0, 8))
    for phone, day, hour, journey, gap, quantity in orders:
        delivery, steps = JOURNEYS[journey]
        placed = local(DAYS[day], hour, 30)
        path = [
            (state, placed + dt.timedelta(days=gap, minutes=n + 1)) for n, state in enumerate(steps)
        ]
        order_make(
            phone=phone,
            placed_at=placed,
            item=item,
            quantity=quantity,
            delivery=delivery,
            path=path,
        )
    for day, quantities in donations:
        donation_make(day=DAYS[day], quantities=quantities, item=item)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(orders=orders_strategy, donations=donations_strategy)
def test_facts_equal_counts_recomputed_from_the_stall_schema(stall_a, orders, donations):
    with transaction.atomic():
        with in_stall(stall_a):
            seed(orders, donations)
        facts_rollup_stall(stall=stall_a, since=DAYS[0], until=DAYS[-1] + dt.timedelta(days=2))
        facts = facts_of(stall_a)
        with in_stall(stall_a):
            for day in [*DAYS, DAYS[-1] + dt.timedelta(days=1), DAYS[-1] + dt.timedelta(days=2)]:
                assert facts[day] == recount(stall_a.schema_name, day), day
        transaction.set_rollback(True)


def test_rerunning_the_rollup_changes_nothing(stall_a):
    with in_stall(stall_a):
        seed(
            [("0901000001", 0, 7, "volunteer", 1, 2), ("0901000002", 1, 23, "posted", 0, 1)],
            [(0, [5, 3])],
        )
    facts_rollup_stall(stall=stall_a, since=DAYS[0], until=DAYS[-1])
    first = list(DailyFact.objects.filter(stall=stall_a).order_by("day").values())
    facts_rollup_stall(stall=stall_a, since=DAYS[0], until=DAYS[-1])
    second = list(DailyFact.objects.filter(stall=stall_a).order_by("day").values())
    for row in first + second:
        row.pop("computed_at")
    assert first == second
    assert sum(row["items_received"] for row in second) == 8


def test_a_day_that_changed_is_corrected_not_duplicated(stall_a):
    with in_stall(stall_a):
        item = item_make(at=local(D0, 8))
        order = order_make(phone="0901000001", placed_at=local(D0, 9), item=item)
    facts_rollup_stall(stall=stall_a, since=D0, until=D0)
    with in_stall(stall_a):
        Order.objects.filter(pk=order.pk).delete()
    facts_rollup_stall(stall=stall_a, since=D0, until=D0)
    assert DailyFact.objects.filter(stall=stall_a, day=D0).count() == 1
    assert DailyFact.objects.get(stall=stall_a, day=D0).orders_placed == 0


def test_the_rollup_keeps_each_stall_in_its_own_rows(stall_a, stall_b):
    with in_stall(stall_a):
        item = item_make(at=local(D0, 8))
        for n in range(3):
            order_make(phone=f"090100000{n}", placed_at=local(D0, 9), item=item)
    facts_rollup(since=D0, until=D0, stalls=[stall_a, stall_b])
    assert DailyFact.objects.get(stall=stall_a, day=D0).orders_placed == 3
    assert DailyFact.objects.get(stall=stall_b, day=D0).orders_placed == 0


def test_an_end_before_the_start_is_refused(stall_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        facts_rollup_stall(stall=stall_a, since=D0, until=D0 - dt.timedelta(days=1))


def test_a_committed_rollup_moves_cached_dashboards_on(stall_a, django_capture_on_commit_callbacks):
    from reporting.dashboards import facts_version

    before = facts_version()
    with django_capture_on_commit_callbacks(execute=True):
        facts_rollup_stall(stall=stall_a, since=D0, until=D0)
    assert facts_version() not in (None, before)


def test_the_month_row_sums_its_days(stall_a):
    from reporting.models import MonthlyFact

    with in_stall(stall_a):
        seed(
            [
                ("0901000001", 0, 7, "volunteer", 0, 2),
                ("0901000001", 1, 9, "posted", 0, 1),
                ("0901000002", 2, 9, "open", 0, 1),
            ],
            [(0, [5, 3])],
        )
    facts_rollup_stall(stall=stall_a, since=D0.replace(day=1), until=D0 + dt.timedelta(days=25))
    month = MonthlyFact.objects.get(stall=stall_a, month=D0.replace(day=1))
    days = DailyFact.objects.filter(stall=stall_a, day__month=D0.month)
    assert month.orders_placed == sum(d.orders_placed for d in days) == 3
    assert month.items_received == 8
    assert month.recipients == 2  # distinct over the month, not the sum of the days (3)


def test_an_anonymised_order_counts_as_an_order_not_as_a_recipient(stall_a):
    with in_stall(stall_a):
        item = item_make(at=local(D0, 8))
        kept = order_make(phone="0901000001", placed_at=local(D0, 9), item=item)
        purged = order_make(phone="0901000002", placed_at=local(D0, 10), item=item)
        Order.objects.filter(pk=purged.pk).update(phone_hash="", phone="", recipient_name="")
    facts_rollup_stall(stall=stall_a, since=D0, until=D0)
    fact = DailyFact.objects.get(stall=stall_a, day=D0)
    assert (fact.orders_placed, fact.recipients) == (2, 1)
    assert kept.phone_hash
