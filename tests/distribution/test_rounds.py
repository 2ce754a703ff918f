"""Rounds end to end in the services: asking, closing, the draw, orders, the waitlist."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from catalog.models import Item, Order
from catalog.services import OrderRefused, order_place
from catalog.stock import ledger_sum
from distribution import draw
from distribution.models import Message, Request, Round
from distribution.services import (
    RequestRefused,
    RoundError,
    allocation_confirm,
    allocations_pass_on_due,
    priority_verify,
    round_close,
    round_draw,
)
from tests.catalog.factories import item_make, recipient_make
from tests.conftest import in_stall
from tests.distribution.factories import request_make, round_make, round_window_end

pytestmark = pytest.mark.django_db

State = Request.State


def _bikes_round(stall, *, requests: int, quantity: int = 3, **fields):
    bike = item_make(title="Xe đạp", quantity=quantity)
    round_ = round_make(items=[(bike, quantity)], **fields)
    made = [request_make(stall=stall, round_=round_, phone=f"0912{n:06d}") for n in range(requests)]
    return bike, round_, made


def test_a_round_holds_its_units_off_the_shelf(stall_a):
    with in_stall(stall_a):
        bike, _round, _made = _bikes_round(stall_a, requests=0)
        bike.refresh_from_db()
        assert bike.available == 0
        assert ledger_sum(item=bike) == 0
        with pytest.raises(OrderRefused):
            order_place(stall=stall_a, lines={bike.pk: 1}, recipient=recipient_make())


def test_one_request_per_phone_per_round(stall_a):
    with in_stall(stall_a):
        _bike, round_, _made = _bikes_round(stall_a, requests=1)
        with pytest.raises(RequestRefused) as refused:
            request_make(stall=stall_a, round_=round_, phone="0912 000 000")
        assert refused.value.code == "duplicate"
        assert Request.objects.count() == 1


def test_a_request_after_the_close_is_refused_clearly(stall_a):
    with in_stall(stall_a):
        _bike, round_, _made = _bikes_round(stall_a, requests=1)
        round_window_end(round_)
        with pytest.raises(RequestRefused) as refused:
            request_make(stall=stall_a, round_=round_, phone="0912555666")
        assert refused.value.code == "closed"
        assert "đã đóng đăng ký" in refused.value.message
        assert Request.objects.count() == 1


def test_the_stall_limits_apply_to_requests(stall_a):
    stall_a.max_items_per_period = 1
    stall_a.save()
    with in_stall(stall_a):
        shirt = item_make(title="Áo", quantity=2)
        order_place(
            stall=stall_a, lines={shirt.pk: 1}, recipient=recipient_make(phone="0912777001")
        )
        _bike, round_, _made = _bikes_round(stall_a, requests=0)
        with pytest.raises(RequestRefused) as refused:
            request_make(stall=stall_a, round_=round_, phone="0912777001")
        assert refused.value.code == "limit"


def test_closing_before_time_is_refused(stall_a):
    with in_stall(stall_a):
        _bike, round_, _made = _bikes_round(stall_a, requests=1)
        with pytest.raises(RoundError):
            round_close(round_=round_)
        assert Round.objects.get(pk=round_.pk).state == Round.State.OPEN


def test_the_draw_gives_orders_to_winners_and_a_waitlist_to_the_rest(stall_a):
    with in_stall(stall_a):
        bike, round_, made = _bikes_round(stall_a, requests=5, priority_group="Hộ nghèo")
        # A priority claim counts once an officer has checked it in person.
        late = request_make(stall=stall_a, round_=round_, phone="0912999999", priority_claimed=True)
        priority_verify(request=late, actor=None)
        round_window_end(round_)
        round_close(round_=round_)
        round_draw(round_=round_, public_number="0 4 1 2 7 3")

        round_.refresh_from_db()
        assert round_.state == Round.State.DRAWN
        assert round_.public_number == "041273"
        won = Request.objects.filter(round=round_, state=State.WON)
        waiting = Request.objects.filter(round=round_, state=State.WAITLISTED)
        assert won.count() == 3
        assert waiting.count() == 3
        assert late.pk in set(won.values_list("pk", flat=True))
        assert Request.objects.get(pk=late.pk).draw_position == 1
        for request in won:
            assert request.order is not None
            assert request.order.phone == request.phone
            assert [line.item_id for line in request.order.lines.all()] == [bike.pk]
            assert request.hold_until > timezone.now()
        positions = sorted(waiting.values_list("draw_position", flat=True))
        assert positions == sorted(positions)
        assert min(positions) > 3
        bike.refresh_from_db()
        assert bike.available == 0
        assert ledger_sum(item=bike) == 0
        assert Message.objects.filter(kind="won").count() == 3
        texts = list(Message.objects.filter(kind="waitlisted").values_list("text", flat=True))
        assert len(texts) == 3
        assert all("mong bạn thông cảm" in t for t in texts)

        # Anyone re-running the draw from what is published gets the same winners.
        entries = draw.published_parse(round_.published_list)
        again = draw.draw_run(entries, {str(ri.pk): 3 for ri in round_.items.all()}, "041273")
        assert set(again.winners) == set(won.values_list("code", flat=True))
        assert again.key == round_.draw_key
        assert "+84" not in round_.published_list
        assert "0912" not in round_.published_list


def test_units_nobody_asked_for_go_back_on_the_shelf(stall_a):
    with in_stall(stall_a):
        bike, round_, _made = _bikes_round(stall_a, requests=1, quantity=3)
        round_window_end(round_)
        round_close(round_=round_)
        round_draw(round_=round_, public_number="123456")
        bike.refresh_from_db()
        assert bike.available == 2
        assert ledger_sum(item=bike) == 2


def test_a_hold_not_confirmed_in_time_passes_to_the_next_on_the_waitlist(stall_a):
    with in_stall(stall_a):
        bike, round_, _made = _bikes_round(stall_a, requests=4, quantity=2, hold_days=3)
        round_window_end(round_)
        round_close(round_=round_)
        round_draw(round_=round_, public_number="777777")
        first, second = Request.objects.filter(state=State.WON).order_by("draw_position")
        allocation_confirm(request=second)
        next_in_line = Request.objects.filter(state=State.WAITLISTED).order_by("draw_position")[0]

        assert allocations_pass_on_due(now=timezone.now() + dt.timedelta(days=1)) == 0
        assert allocations_pass_on_due(now=timezone.now() + dt.timedelta(days=4)) == 1

        first.refresh_from_db()
        second.refresh_from_db()
        next_in_line.refresh_from_db()
        assert first.state == State.PASSED
        assert first.order.state == Order.State.CANCELLED
        assert second.state == State.WON  # confirmed: kept
        assert next_in_line.state == State.WON
        assert next_in_line.order is not None
        assert next_in_line.order.is_open
        assert Message.objects.filter(request=first, kind="passed").exists()
        assert Message.objects.filter(request=next_in_line, kind="won").exists()
        bike.refresh_from_db()
        assert bike.available == 0
        assert ledger_sum(item=bike) == 0
        assert Item.objects.get(pk=bike.pk).available == 0


def test_a_cancelled_winner_order_passes_on_and_an_empty_waitlist_returns_the_unit(stall_a):
    with in_stall(stall_a):
        bike, round_, _made = _bikes_round(stall_a, requests=1, quantity=1)
        round_window_end(round_)
        round_close(round_=round_)
        round_draw(round_=round_, public_number="101010")
        winner = Request.objects.get(state=State.WON)
        from catalog.services import order_cancel_by_recipient

        order_cancel_by_recipient(order=winner.order)
        assert allocations_pass_on_due() == 1
        bike.refresh_from_db()
        assert bike.available == 1
        assert ledger_sum(item=bike) == 1


def test_the_draw_refuses_a_number_that_is_not_digits_and_a_second_draw(stall_a):
    with in_stall(stall_a):
        _bike, round_, _made = _bikes_round(stall_a, requests=2)
        round_window_end(round_)
        with pytest.raises(RoundError):
            round_draw(round_=round_, public_number="123456")  # not closed yet
        round_close(round_=round_)
        with pytest.raises(RoundError):
            round_draw(round_=round_, public_number="12a456")
        round_draw(round_=round_, public_number="123456")
        with pytest.raises(RoundError):
            round_draw(round_=round_, public_number="654321")


def test_the_sweep_closes_rounds_whose_window_ended_and_messages_go_out(stall_a):
    from distribution import tasks
    from distribution.messages import message_send

    with in_stall(stall_a):
        _bike, round_, _made = _bikes_round(stall_a, requests=2, quantity=1)
        assert tasks.rounds_sweep()["closed"] == 0
        round_window_end(round_)
        assert tasks.rounds_sweep()["closed"] == 1
        assert Round.objects.get(pk=round_.pk).state == Round.State.CLOSED
        round_draw(round_=round_, public_number="314159")
        message = Message.objects.filter(kind="won").get()
        sent = message_send(message_id=message.pk)
        assert sent.status == Message.Status.RECORDED  # the record-only outbox backend
        assert message_send(message_id=message.pk) is None  # never twice
