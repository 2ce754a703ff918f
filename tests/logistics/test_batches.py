"""Postal batches: building, ready, hand-over once, tracking numbers, CSV import, returns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from catalog.models import Order
from logistics.batches import (
    BatchError,
    BatchHandOver,
    batch_build,
    batch_build_interrupted,
    batch_build_resume,
    batch_mark_ready,
    parcel_delivered,
    parcel_return,
    parcel_tracking_set,
    tracking_csv_import,
)
from logistics.models import Parcel, PostalBatch
from logistics.routing import order_delivery_override
from tests.conftest import in_stall
from tests.logistics.factories import far_commune, order_make, stall_place

pytestmark = pytest.mark.django_db
State = Order.State


def _far(n: int, state: str = State.PACKED) -> list[Order]:
    return [order_make(area=far_commune(), state=state, delivery="post") for _ in range(n)]


def _handed_over(n: int = 2) -> tuple[PostalBatch, list[Order]]:
    orders = _far(n)
    batch = batch_build()
    batch_mark_ready(batch=batch)
    batch = BatchHandOver(
        batch, receipt_number="BD-0042", handed_over_on=timezone.localdate()
    ).execute()
    return batch, orders


def test_batch_gathers_exactly_the_packed_far_orders(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        packed = _far(3)
        _far(1, state=State.CONFIRMED)
        order_make(area=far_commune(), state=State.PACKED, delivery="volunteer")
        batch = batch_build(chunk=2)
        assert set(batch.parcels.values_list("order_id", flat=True)) == {o.pk for o in packed}
        assert set(
            Order.objects.filter(pk__in=[o.pk for o in packed]).values_list("state", flat=True)
        ) == {State.ROUTED}
        assert all(p.postage > 0 and p.weight_grams > 0 for p in batch.parcels.all())


def test_building_again_adds_only_new_orders_to_the_same_draft(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        _far(2)
        first = batch_build()
        _far(1)
        second = batch_build()
        assert first.pk == second.pk
        assert Parcel.objects.count() == 3
        assert batch_build().parcels.count() == 3


def test_nothing_to_send_makes_no_empty_batch(stall_a):
    with in_stall(stall_a):
        assert batch_build() is None
        assert not PostalBatch.objects.exists()


def test_ready_batch_takes_no_new_parcels_they_start_the_next_batch(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        _far(1)
        first = batch_mark_ready(batch=batch_build())
        _far(1)
        second = batch_build()
        assert second.pk != first.pk
        assert first.parcels.count() == 1
        assert second.parcels.count() == 1


def test_hand_over_records_receipt_and_sends_orders_to_post(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        batch, orders = _handed_over()
        assert batch.state == PostalBatch.State.HANDED_OVER
        assert batch.receipt_number == "BD-0042"
        assert set(
            Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("state", flat=True)
        ) == {State.HANDED_TO_POST}


def test_handing_over_twice_is_refused_and_keeps_the_first_receipt(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        batch, _orders = _handed_over()
        with pytest.raises(BatchError, match="đã giao cho bưu điện"):
            BatchHandOver(
                batch, receipt_number="OTHER-1", handed_over_on=timezone.localdate()
            ).execute()
        batch.refresh_from_db()
        assert batch.receipt_number == "BD-0042"


def test_hand_over_needs_a_receipt_number_and_a_past_date(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        _far(1)
        batch = batch_mark_ready(batch=batch_build())
        with pytest.raises(BatchError, match="biên nhận"):
            BatchHandOver(batch, receipt_number=" ", handed_over_on=timezone.localdate()).execute()
        with pytest.raises(BatchError, match="tương lai"):
            BatchHandOver(
                batch,
                receipt_number="X1",
                handed_over_on=timezone.localdate() + dt.timedelta(days=3),
            ).execute()
        batch.refresh_from_db()
        assert batch.state == PostalBatch.State.READY


def test_draft_batch_cannot_be_handed_over(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        _far(1)
        batch = batch_build()
        with pytest.raises(BatchError, match="sẵn sàng"):
            BatchHandOver(batch, receipt_number="X1", handed_over_on=timezone.localdate()).execute()


def test_tracking_number_is_cleaned_and_must_be_unique(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        batch, _orders = _handed_over()
        first, second = batch.parcels.order_by("pk")
        parcel_tracking_set(parcel=first, tracking_number="eb 123 456 789 vn")
        assert Parcel.objects.get(pk=first.pk).tracking_number == "EB123456789VN"
        with pytest.raises(BatchError, match="đã gán"):
            parcel_tracking_set(parcel=second, tracking_number="EB123456789VN")
        with pytest.raises(BatchError, match="không hợp lệ"):
            parcel_tracking_set(parcel=second, tracking_number="#!")
        assert Parcel.objects.get(pk=second.pk).tracking_number == ""


def test_tracking_csv_applies_good_rows_and_reports_bad_ones_by_line(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        batch, orders = _handed_over(3)
        a, b, c = orders
        data = (
            f"ma_don,ma_van_don\n{a.code},EA000000001VN\nZZZ999,EA000000002VN\n"
            f"{b.code}\n{c.code},???\n"
        ).encode()
        report = tracking_csv_import(batch=batch, data=data)
        assert report.applied == 1
        assert [line for line, _msg in report.errors] == [3, 4, 5]
        assert "ZZZ999" in report.errors[0][1]
        assert Parcel.objects.get(order=a).tracking_number == "EA000000001VN"
        assert Parcel.objects.get(order=b).tracking_number == ""
        assert Parcel.objects.get(order=c).tracking_number == ""


def test_tracking_csv_that_is_not_utf8_changes_nothing(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        batch, orders = _handed_over(1)
        report = tracking_csv_import(batch=batch, data=f"{orders[0].code},Mã".encode("utf-16"))
        assert report.applied == 0
        assert report.errors
        assert Parcel.objects.get(order=orders[0]).tracking_number == ""


def test_returned_parcel_fails_the_order_and_it_can_be_sent_again(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        batch, (order, _other) = _handed_over()
        parcel = Parcel.objects.get(order=order)
        parcel_return(parcel=parcel, reason="Không tìm thấy địa chỉ")
        order.refresh_from_db()
        assert order.state == State.FAILED
        order_delivery_override(order=order, delivery=Order.Delivery.POST)
        order.refresh_from_db()
        assert order.state == State.PACKED
        batch_build()
        assert Parcel.objects.filter(order=order).count() == 2
        assert Parcel.objects.filter(order=order, returned_at__isnull=True).count() == 1


def test_return_needs_a_reason(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        batch, (order, _other) = _handed_over()
        with pytest.raises(BatchError, match="lý do"):
            parcel_return(parcel=Parcel.objects.get(order=order), reason="")
        assert Parcel.objects.get(order=order).returned_at is None


def test_parcel_delivered_closes_the_order(stall_a):
    stall_place(stall_a)
    with in_stall(stall_a):
        batch, (order, _other) = _handed_over()
        parcel_delivered(parcel=Parcel.objects.get(order=order))
        order.refresh_from_db()
        assert order.state == State.DELIVERED


def test_resume_does_nothing_when_the_last_build_took_every_waiting_order(stall_a):
    with in_stall(stall_place(stall_a)):
        _far(3)
        batch = batch_build()
        later = _far(1)[0]  # packed after the build: it waits for the next one
        assert batch_build_interrupted() is False
        assert batch_build_resume() is None
        assert not Parcel.objects.filter(order=later).exists()
        assert batch.parcels.count() == 3


def test_resume_finishes_a_build_that_stopped_half_way(stall_a):
    with in_stall(stall_place(stall_a)):
        orders = _far(5)
        batch = batch_build()
        # As if the builder died after its first chunk: two parcels were never made.
        left = [orders[3].pk, orders[4].pk]
        Parcel.objects.filter(order_id__in=left).delete()
        Order.objects.filter(pk__in=left).update(state=State.PACKED)
        assert batch_build_interrupted() is True
        assert batch_build_resume() == batch
        assert batch.parcels.count() == 5
        assert batch_build_interrupted() is False


def test_resume_does_nothing_without_a_draft_batch(stall_a):
    with in_stall(stall_place(stall_a)):
        _far(2)
        assert batch_build_interrupted() is False
        assert batch_build_resume() is None
        assert not PostalBatch.objects.exists()
