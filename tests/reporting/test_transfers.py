"""Transfers between stalls and the district pool: three stalls in two districts."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from catalog.models import StockEntry
from reporting.models import Transfer
from reporting.pool import pool_of, stall_wishes_counts
from reporting.transfers import (
    LineRequest,
    TransferError,
    transfer_accept,
    transfer_cancel,
    transfer_propose,
    transfer_propose_by_kind,
    transfer_receive,
    transfer_send,
)
from tests.reporting.transfer_support import (
    FixedWishes,
    ledger_kinds,
    ledgers_balance,
    other_district,
    place,
    shoes_in,
    stock_of,
    use_wishes,
)

pytestmark = pytest.mark.django_db

State = Transfer.State


@pytest.fixture
def three(stall_factory):
    """A (surplus) and B (wishes) in Tân Phước; C, with its own wishes, in Cái Bè."""
    a = place(stall_factory(slug="truong-a", name="Đoàn trường A"), 10.40, 106.20)
    b = place(stall_factory(slug="truong-b", name="Đoàn trường B"), 10.43, 106.24)
    c = place(
        stall_factory(slug="truong-c", name="Đoàn trường C", parent=other_district()), 10.41, 106.21
    )
    return a, b, c


@pytest.fixture
def wishes(monkeypatch):
    fixed = FixedWishes(
        {
            "truong-b": [("giay-dep", "32", None, 12)],
            "truong-c": [("giay-dep", "32", None, 30)],
        }
    )
    use_wishes(monkeypatch, fixed)
    return fixed


def test_a_stall_with_no_wanted_list_has_no_wishes_in_the_pool(three):
    a, _b, _c = three
    assert stall_wishes_counts(a) == []


def test_the_pool_proposes_a_to_b_and_never_a_stall_of_another_district(three, wishes):
    a, b, c = three
    shoes_in(a, quantity=40)
    shoes_in(c, quantity=5, title="Giày C")
    district = a.unit.parent

    pool = pool_of(district)

    assert {s.slug for s in pool.stalls} == {"truong-a", "truong-b"}
    assert [(m.from_stall.slug, m.to_stall.slug, m.quantity) for m in pool.matches] == [
        ("truong-a", "truong-b", 12)
    ]
    (row,) = pool.rows()
    assert (row["category"], row["size"], row["stock"], row["wished"]) == ("Giày dép", "32", 40, 12)
    other = pool_of(c.unit.parent)
    assert {s.slug for s in other.stalls} == {"truong-c"}
    assert other.matches == []


def test_units_arriving_at_b_are_offered_to_bs_oldest_matching_wish(
    three, django_capture_on_commit_callbacks
):
    from catalog.models import Category
    from distribution.models import Wish
    from distribution.wishes import wish_leave
    from tests.conftest import in_stall

    a, b, _c = three
    shoes_in(a, quantity=5, size="32")
    with in_stall(b):
        shoes = Category.objects.get(slug="giay-dep")
        oldest = wish_leave(phone="0912340001", category=shoes, size="32", limit=False)
        other_size = wish_leave(phone="0912340002", category=shoes, size="40", limit=False)
    transfer = transfer_propose_by_kind(
        from_stall=a, to_stall=b, category_slug="giay-dep", size="32", quantity=1
    )
    transfer = transfer_send(transfer=transfer_accept(transfer=transfer))

    with django_capture_on_commit_callbacks(execute=True):
        transfer_receive(transfer=transfer)

    with in_stall(b):
        assert Wish.objects.get(pk=oldest.pk).state == Wish.State.OFFERED
        assert Wish.objects.get(pk=other_size.pk).state == Wish.State.WAITING


def test_matches_come_nearest_first(three, wishes, stall_factory):
    a, b, _c = three
    far = place(stall_factory(slug="truong-xa", name="Đoàn trường Xa"), 10.80, 106.90)
    shoes_in(far, quantity=50, title="Giày ở xa")
    shoes_in(a, quantity=3)

    matches = pool_of(a.unit.parent).matches

    assert [(m.from_stall.slug, m.to_stall.slug, m.quantity) for m in matches] == [
        ("truong-a", "truong-b", 3),
        ("truong-xa", "truong-b", 12),
    ]
    assert matches[0].distance_km < matches[1].distance_km


def test_a_transfer_runs_through_its_states_and_both_ledgers_sum_to_their_stock(three, wishes):
    a, b, _c = three
    shoes_in(a, quantity=40)

    transfer = transfer_propose_by_kind(
        from_stall=a, to_stall=b, category_slug="giay-dep", size="32", quantity=12
    )
    assert transfer.state == State.PROPOSED
    assert stock_of(a) == {"Giày bata trắng": 28}
    assert stock_of(b) == {}
    transfer = transfer_accept(transfer=transfer)
    transfer = transfer_send(transfer=transfer)
    assert transfer.state == State.SENT
    transfer = transfer_receive(transfer=transfer)

    assert transfer.state == State.RECEIVED
    assert [t for t in (transfer.accepted_at, transfer.sent_at, transfer.received_at) if t]
    assert stock_of(a) == {"Giày bata trắng": 28}
    assert stock_of(b) == {"Giày bata trắng": 12}
    assert ledger_kinds(a) == [StockEntry.Kind.INTAKE, StockEntry.Kind.TRANSFER_OUT]
    assert ledger_kinds(b) == [StockEntry.Kind.TRANSFER_IN]
    assert ledgers_balance(a)
    assert ledgers_balance(b)
    line = transfer.lines.get()
    assert (line.description, line.category_slug, line.size, line.quantity) == (
        "Giày bata trắng",
        "giay-dep",
        "32",
        12,
    )
    with pytest.raises(TransferError):
        transfer_cancel(transfer=transfer)


def test_a_cancelled_transfer_puts_the_items_back_on_the_senders_shelf(three):
    a, b, _c = three
    shoes = shoes_in(a, quantity=10)
    transfer = transfer_propose(from_stall=a, to_stall=b, lines=[LineRequest(shoes.pk, 4)])
    transfer_accept(transfer=transfer)

    transfer_cancel(transfer=transfer)

    assert Transfer.objects.get(pk=transfer.pk).state == State.CANCELLED
    assert stock_of(a) == {"Giày bata trắng": 10}
    assert stock_of(b) == {}
    assert ledger_kinds(a)[-1] == StockEntry.Kind.TRANSFER_IN
    assert ledgers_balance(a)
    with pytest.raises(TransferError):
        transfer_receive(transfer=transfer)


def test_a_sender_cannot_send_more_than_it_has(three):
    a, b, _c = three
    shoes = shoes_in(a, quantity=3)
    with pytest.raises(TransferError):
        transfer_propose(from_stall=a, to_stall=b, lines=[LineRequest(shoes.pk, 4)])
    with pytest.raises(TransferError):
        transfer_propose_by_kind(from_stall=a, to_stall=b, category_slug="giay-dep", quantity=4)
    assert stock_of(a) == {"Giày bata trắng": 3}
    assert not Transfer.objects.exists()


def _fail_on_insert(table: str) -> None:
    """A real database failure: a trigger that refuses any new row in ``table``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION public.refuse_row() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON public.{table} "
            "FOR EACH ROW EXECUTE FUNCTION public.refuse_row()"
        )


def test_a_failure_after_the_senders_rows_are_written_changes_neither_stall(three):
    a, b, _c = three
    shoes = shoes_in(a, quantity=10)
    before = (stock_of(a), ledger_kinds(a), stock_of(b), ledger_kinds(b))
    _fail_on_insert("reporting_transferline")  # after A's ledger rows and the transfer row

    with pytest.raises(DatabaseError), transaction.atomic():
        transfer_propose(from_stall=a, to_stall=b, lines=[LineRequest(shoes.pk, 4)])

    connection.set_schema_to_public()
    assert (stock_of(a), ledger_kinds(a), stock_of(b), ledger_kinds(b)) == before
    assert not Transfer.objects.exists()


def test_a_failure_after_the_receivers_rows_are_written_changes_neither_stall(three):
    a, b, _c = three
    shoes = shoes_in(a, quantity=10)
    transfer = transfer_propose(from_stall=a, to_stall=b, lines=[LineRequest(shoes.pk, 4)])
    transfer_accept(transfer=transfer)
    before = (stock_of(a), ledger_kinds(a), stock_of(b), ledger_kinds(b))
    _fail_on_insert("reporting_transfer")  # the state change comes after B's ledger rows

    with pytest.raises(DatabaseError), transaction.atomic():
        transfer_receive(transfer=transfer)

    connection.set_schema_to_public()
    assert (stock_of(a), ledger_kinds(a), stock_of(b), ledger_kinds(b)) == before
    assert Transfer.objects.get(pk=transfer.pk).state == State.ACCEPTED
