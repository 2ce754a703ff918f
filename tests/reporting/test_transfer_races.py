"""Transfers under real concurrency: threads released together, each on its own connection."""

from __future__ import annotations

import pytest

from reporting.models import Transfer
from reporting.transfers import (
    LineRequest,
    TransferError,
    transfer_accept,
    transfer_cancel,
    transfer_propose,
    transfer_receive,
)
from tests.reporting.transfer_support import ledgers_balance, shoes_in, stock_of
from tests.support.races import race

pytestmark = pytest.mark.slow


@pytest.fixture
def pair(live_stall_factory):
    a = live_stall_factory(name="Đoàn trường Gửi")
    b = live_stall_factory(name="Đoàn trường Nhận")
    yield a, b
    Transfer.objects.filter(from_stall__in=[a, b]).delete()


def test_receiving_twice_at_once_puts_the_items_on_the_shelf_once(pair):
    a, b = pair
    shoes = shoes_in(a, quantity=10)
    transfer = transfer_accept(
        transfer=transfer_propose(from_stall=a, to_stall=b, lines=[LineRequest(shoes.pk, 6)])
    )

    outcomes = race(2, lambda _i: transfer_receive(transfer=Transfer.objects.get(pk=transfer.pk)))

    assert sum(isinstance(o, Transfer) for o in outcomes) == 1
    assert sum(isinstance(o, TransferError) for o in outcomes) == 1
    assert stock_of(b) == {"Giày bata trắng": 6}
    assert ledgers_balance(b)


def test_receiving_and_cancelling_at_once_moves_the_items_one_way_only(pair):
    a, b = pair
    shoes = shoes_in(a, quantity=10)
    transfer = transfer_accept(
        transfer=transfer_propose(from_stall=a, to_stall=b, lines=[LineRequest(shoes.pk, 6)])
    )
    steps = [transfer_receive, transfer_cancel]

    outcomes = race(2, lambda i: steps[i](transfer=Transfer.objects.get(pk=transfer.pk)))

    assert sum(isinstance(o, Transfer) for o in outcomes) == 1
    state = Transfer.objects.get(pk=transfer.pk).state
    if state == Transfer.State.RECEIVED:
        assert (stock_of(a), stock_of(b)) == ({"Giày bata trắng": 4}, {"Giày bata trắng": 6})
    else:
        assert state == Transfer.State.CANCELLED
        assert (stock_of(a), stock_of(b)) == ({"Giày bata trắng": 10}, {})
    assert ledgers_balance(a)
    assert ledgers_balance(b)


def test_two_proposals_at_once_never_send_more_than_the_shelf_holds(pair):
    a, b = pair
    shoes = shoes_in(a, quantity=10)

    outcomes = race(
        2, lambda _i: transfer_propose(from_stall=a, to_stall=b, lines=[LineRequest(shoes.pk, 7)])
    )

    assert sum(isinstance(o, Transfer) for o in outcomes) == 1
    assert sum(isinstance(o, TransferError) for o in outcomes) == 1
    assert stock_of(a) == {"Giày bata trắng": 3}
    assert Transfer.objects.filter(from_stall=a).count() == 1
    assert ledgers_balance(a)
