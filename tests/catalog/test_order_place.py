"""order_place: limits, stock reservation, codes, confirmation; recipient cancellation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from catalog.codes import CODE_PATTERN
from catalog.models import Item, Order, OrderEvent, StockEntry
from catalog.services import OrderRefused, order_cancel_by_recipient, order_find, order_place
from catalog.stock import ledger_sum
from tests.catalog.factories import item_make, recipient_make
from tests.conftest import in_stall

pytestmark = pytest.mark.django_db


def test_order_reserves_stock_and_writes_the_ledger(stall_a):
    with in_stall(stall_a):
        item = item_make(quantity=3)
        order_place(stall=stall_a, lines={item.pk: 1}, recipient=recipient_make())
        item.refresh_from_db()
        assert item.available == 2
        assert ledger_sum(item=item) == 2
        assert StockEntry.objects.filter(item=item, kind="reservation", quantity=-1).count() == 1


def test_order_gets_a_readable_unique_code(stall_a):
    with in_stall(stall_a):
        item = item_make(quantity=5)
        codes = {
            order_place(stall=stall_a, lines={item.pk: 1}, recipient=recipient_make()).code
            for _ in range(3)
        }
        assert len(codes) == 3
        assert all(CODE_PATTERN.match(code) for code in codes)


def test_phone_is_stored_in_e164_with_hash_and_last4(stall_a):
    with in_stall(stall_a):
        item = item_make()
        order = order_place(
            stall=stall_a, lines={item.pk: 1}, recipient=recipient_make(phone="090 123.4567")
        )
        assert order.phone == "+84901234567"
        assert order.phone_last4 == "4567"
        assert len(order.phone_hash) == 64
        assert "0901234567" not in order.phone_hash


def test_out_of_stock_refuses_and_saves_nothing(stall_a):
    stall_a.max_same_item = 3
    with in_stall(stall_a):
        plenty, scarce = item_make(quantity=5), item_make(title="Giày bata", quantity=1)
        with pytest.raises(OrderRefused) as refused:
            order_place(
                stall=stall_a, lines={plenty.pk: 1, scarce.pk: 2}, recipient=recipient_make()
            )
        assert refused.value.code == "out_of_stock"
        assert "Hết hàng" in refused.value.message
        assert "Giày bata" in refused.value.message
        plenty.refresh_from_db()
        assert plenty.available == 5
        assert Order.objects.count() == 0


def test_limit_of_items_per_period_counts_earlier_orders(stall_a):
    stall_a.max_items_per_period = 2
    with in_stall(stall_a):
        first, second, third = item_make(), item_make(), item_make()
        order_place(
            stall=stall_a,
            lines={first.pk: 1, second.pk: 1},
            recipient=recipient_make(phone="0901111111"),
        )
        with pytest.raises(OrderRefused) as refused:
            order_place(
                stall=stall_a, lines={third.pk: 1}, recipient=recipient_make(phone="+84901111111")
            )
        assert refused.value.code == "limit_items"


def test_cancelled_orders_do_not_count_against_the_limit(stall_a):
    stall_a.max_items_per_period = 1
    with in_stall(stall_a):
        item = item_make()
        order = order_place(
            stall=stall_a, lines={item.pk: 1}, recipient=recipient_make(phone="0902222222")
        )
        order_cancel_by_recipient(order=order)
        order_place(stall=stall_a, lines={item.pk: 1}, recipient=recipient_make(phone="0902222222"))


def test_at_most_max_same_item_per_recipient(stall_a):
    with in_stall(stall_a):
        item = item_make(quantity=5)
        with pytest.raises(OrderRefused) as refused:
            order_place(stall=stall_a, lines={item.pk: 2}, recipient=recipient_make())
        assert refused.value.code == "limit_same_item"
        order_place(stall=stall_a, lines={item.pk: 1}, recipient=recipient_make(phone="0903333333"))
        with pytest.raises(OrderRefused):
            order_place(
                stall=stall_a, lines={item.pk: 1}, recipient=recipient_make(phone="0903333333")
            )


def test_unlisted_item_cannot_be_ordered(stall_a):
    with in_stall(stall_a):
        item = item_make(is_listed=False)
        with pytest.raises(OrderRefused) as refused:
            order_place(stall=stall_a, lines={item.pk: 1}, recipient=recipient_make())
        assert refused.value.code == "item_unavailable"


def test_bad_recipient_data_names_each_field(stall_a):
    with in_stall(stall_a):
        item = item_make()
        with pytest.raises(ValidationError) as invalid:
            order_place(
                stall=stall_a,
                lines={item.pk: 1},
                recipient=recipient_make(
                    name=" ", phone="0281234567", address_line="", is_minor=True
                ),
            )
        assert set(invalid.value.message_dict) == {
            "name",
            "phone",
            "address_line",
            "guardian_name",
            "guardian_phone",
        }
        item.refresh_from_db()
        assert item.available == 5


def test_commune_must_belong_to_the_chosen_province(stall_a):
    from tenants.models import AdminArea

    with in_stall(stall_a):
        item = item_make()
        other_province = (
            AdminArea.objects.filter(era="current", level="province").exclude(code="82").first()
        )
        with pytest.raises(ValidationError) as invalid:
            order_place(
                stall=stall_a,
                lines={item.pk: 1},
                recipient=recipient_make(province_id=other_province.pk),
            )
        assert "commune" in invalid.value.message_dict


def test_known_phone_is_confirmed_at_once(stall_a):
    with in_stall(stall_a):
        item = item_make()
        order = order_place(stall=stall_a, lines={item.pk: 1}, recipient=recipient_make())
        assert order.state == Order.State.CONFIRMED
        assert list(OrderEvent.objects.filter(order=order).values_list("to_state", flat=True)) == [
            "placed",
            "confirmed",
        ]


def test_new_phone_waits_for_an_officer_when_the_stall_asks(stall_a):
    stall_a.confirm_new_phones = True
    with in_stall(stall_a):
        item = item_make()
        first = order_place(
            stall=stall_a, lines={item.pk: 1}, recipient=recipient_make(phone="0904444444")
        )
        assert first.state == Order.State.PLACED
        other = item_make()
        second = order_place(
            stall=stall_a, lines={other.pk: 1}, recipient=recipient_make(phone="0904444444")
        )
        assert second.state == Order.State.CONFIRMED


def test_recipient_cancel_returns_stock(stall_a):
    with in_stall(stall_a):
        item = item_make(quantity=2)
        order = order_place(stall=stall_a, lines={item.pk: 1}, recipient=recipient_make())
        order_cancel_by_recipient(order=order)
        item.refresh_from_db()
        assert item.available == 2 == ledger_sum(item=item)
        assert Order.objects.get(pk=order.pk).state == Order.State.CANCELLED


def test_recipient_cannot_cancel_after_packing(stall_a):
    from catalog.services import OrderStateError, order_transition

    with in_stall(stall_a):
        item = item_make()
        order = order_place(stall=stall_a, lines={item.pk: 1}, recipient=recipient_make())
        order = order_transition(order=order, to_state="packed")
        with pytest.raises(OrderStateError):
            order_cancel_by_recipient(order=order)


def test_order_find_needs_code_and_last4(stall_a):
    with in_stall(stall_a):
        item = item_make()
        order = order_place(
            stall=stall_a, lines={item.pk: 1}, recipient=recipient_make(phone="0905556789")
        )
        loose = order.code.lower().replace("-", " ")
        assert order_find(code=loose, phone_last4="6789") == order
        assert order_find(code=order.code, phone_last4="0000") is None
        assert order_find(code="", phone_last4="6789") is None


def test_item_available_never_negative_in_database(stall_a):
    from django.db import IntegrityError, transaction

    with in_stall(stall_a):
        item = item_make(quantity=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Item.objects.filter(pk=item.pk).update(available=-1)
