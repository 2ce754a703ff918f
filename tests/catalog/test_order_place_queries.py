"""order_place's round trips: a fixed budget, so they cannot creep back one by one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import catalog.services
from catalog.models import Order, OrderEvent, OrderLine, StockEntry
from catalog.services import order_place
from privacy.models import ConsentRecord
from tenants.geography import commune_current, geography_cache_clear
from tests.catalog.factories import item_make, recipient_make
from tests.conftest import in_stall

pytestmark = pytest.mark.django_db

# Inside the test's transaction order_place runs in a savepoint (SAVEPOINT + RELEASE); in a
# request it is BEGIN + COMMIT instead. Between them, three round trips: the reads (the
# phone's lock, the items, the limits), the consent, and the writes with the reservations.
ROUND_TRIPS = 5


def _placed(stall, lines) -> tuple[Order, list[str]]:
    recipient = recipient_make()  # its commune lookup is the test's, not the order's
    commune_current(pk=recipient.commune_id)  # the process's copy, loaded once
    with CaptureQueriesContext(connection) as captured:
        order = order_place(stall=stall, lines=lines, recipient=recipient)
    return order, [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("count", [1, 3])
def test_an_order_costs_the_same_round_trips_whatever_its_lines(stall_a, count):
    with in_stall(stall_a):
        items = [item_make(quantity=5) for _ in range(count)]
        order, statements = _placed(stall_a, {item.pk: 1 for item in items})
        assert len(statements) == ROUND_TRIPS, statements
        # Every guarantee is still written: lines, ledger, both history steps, the consent.
        assert OrderLine.objects.filter(order=order).count() == count
        assert StockEntry.objects.filter(order=order, kind="reservation").count() == count
        assert list(
            OrderEvent.objects.filter(order=order).values_list("from_state", "to_state")
        ) == [("", "placed"), ("placed", "confirmed")]
        assert ConsentRecord.objects.filter(subject_kind="recipient", subject_id=order.pk).exists()


def test_no_statement_reads_back_a_row_it_wrote_or_the_geography(stall_a):
    with in_stall(stall_a):
        item = item_make(quantity=5)
        order, statements = _placed(stall_a, {item.pk: 1})
    first_write = next(n for n, sql in enumerate(statements) if sql.startswith("INSERT"))
    writes = [part for sql in statements[first_write:] for part in sql.split(";\n")]
    assert sum(sql.startswith("INSERT") for sql in writes) == 5
    # Reads come first (lock, items, limits); after the first write nothing is read again.
    assert not any(sql.startswith("SELECT") for sql in writes)
    assert not any("tenants_adminarea" in sql for sql in statements)
    assert order.state == Order.State.CONFIRMED


def test_what_the_answer_shows_needs_no_more_queries(stall_a):
    from catalog.serializers import OrderPublicSerializer

    stall_a.max_same_item = 2
    with in_stall(stall_a):
        item = item_make(quantity=5, title="Áo khoác đồng phục")
        order, _statements = _placed(stall_a, {item.pk: 2})
        with CaptureQueriesContext(connection) as captured:
            data = OrderPublicSerializer(order).data
    assert captured.captured_queries == []
    assert data["lines"] == [{"item": item.pk, "title": "Áo khoác đồng phục", "quantity": 2}]
    assert [event["state"] for event in data["events"]] == ["placed", "confirmed"]


def test_after_commit_the_request_sends_the_worker_a_message_and_runs_no_sql(
    stall_a, django_capture_on_commit_callbacks
):
    with in_stall(stall_a):
        item = item_make(quantity=5)
        with django_capture_on_commit_callbacks() as callbacks:
            order_place(stall=stall_a, lines={item.pk: 1}, recipient=recipient_make())
        with CaptureQueriesContext(connection) as captured:
            for callback in callbacks:
                callback()
    assert captured.captured_queries == []


def test_a_tracking_code_collision_places_the_order_under_a_new_code(stall_a, monkeypatch):
    with in_stall(stall_a):
        item = item_make(quantity=5)
        first = order_place(stall=stall_a, lines={item.pk: 1}, recipient=recipient_make())
        codes = iter([first.code, "7777-7777"])
        monkeypatch.setattr(catalog.services, "tracking_code_new", lambda: next(codes))
        second = order_place(stall=stall_a, lines={item.pk: 1}, recipient=recipient_make())
        item.refresh_from_db()
        assert second.code == "7777-7777"
        assert Order.objects.count() == 2
        # The failed attempt left nothing behind: one reservation per order, stock right.
        assert StockEntry.objects.filter(kind="reservation").count() == 2
        assert item.available == 3


def test_communes_are_read_from_memory_after_the_first_lookup(db):
    geography_cache_clear()
    with CaptureQueriesContext(connection) as first:
        commune = commune_current(code="28327")
    with CaptureQueriesContext(connection) as again:
        same = commune_current(code="28327")
        by_pk = commune_current(pk=commune.pk)
        province = commune.parent
    assert sum("tenants_adminarea" in q["sql"] for q in first.captured_queries) == 1
    assert again.captured_queries == []
    assert same is commune
    assert by_pk is commune
    assert province.level == "province"
    assert commune_current(pk=province.pk) is None  # a province is not a commune
