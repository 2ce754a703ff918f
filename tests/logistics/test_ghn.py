"""Parcels through GHN's API, against the local fake GHN: booking, labels, tracking, failures."""

from __future__ import annotations

import pytest
import requests
from django.test import override_settings
from django.utils import timezone

from catalog.codes import tracking_code_new
from catalog.models import Order
from logistics.batches import BatchError, BatchHandOver, batch_build, batch_mark_ready
from logistics.carriers import CarrierUnavailable
from logistics.fakes.ghn import FakeGhn
from logistics.models import Parcel, PostalBatch, StallCarrier
from logistics.shipments import (
    batch_ship,
    client_order_code,
    parcel_ship,
    parcels_track,
    stall_carrier_get,
    stall_carrier_set,
)
from tests.conftest import in_stall
from tests.logistics.factories import far_commune, order_make, stall_place

pytestmark = pytest.mark.django_db
State = Order.State


@pytest.fixture
def ghn():
    fake = FakeGhn().start()
    with override_settings(
        GIANHANG_GHN_API_URL=fake.url, GIANHANG_GHN_TOKEN=fake.token, GIANHANG_GHN_TIMEOUT=1
    ):
        yield fake
    fake.stop()


def _ready_batch(n: int, *, phones=()) -> tuple[PostalBatch, list[Order]]:
    stall_carrier_set(code="ghn", ghn_shop_id="885")
    phones = list(phones) + [None] * n
    orders = [
        order_make(area=far_commune(), state=State.PACKED, delivery="post", phone=phones[i])
        for i in range(n)
    ]
    batch = batch_build()
    assert batch.carrier == "ghn"
    return batch_mark_ready(batch=batch), orders


def test_manual_hand_over_stays_the_default_and_an_officer_chooses_ghn(
    stall_a, officer_factory, client_for
):
    with in_stall(stall_a):
        assert stall_carrier_get().code == StallCarrier.Code.MANUAL
    client = client_for(stall_a, officer_factory(stall_a))
    assert "GHN" in client.get("/giao-nhan/lo/cach-gui/").content.decode()
    refused = client.post("/giao-nhan/lo/cach-gui/", {"code": "ghn", "ghn_shop_id": ""})
    assert "mã cửa hàng GHN" in refused.content.decode()
    saved = client.post("/giao-nhan/lo/cach-gui/", {"code": "ghn", "ghn_shop_id": "885"})
    assert saved.status_code == 302
    with in_stall(stall_a):
        assert (stall_carrier_get().code, stall_carrier_get().ghn_shop_id) == ("ghn", "885")


def test_a_batch_is_booked_with_tracking_numbers_and_the_tracking_page_follows_to_delivered(
    stall_a, ghn, client_for
):
    stall_place(stall_a)
    with in_stall(stall_a):
        batch, orders = _ready_batch(2, phones=["+84912345678"])
        report = batch_ship(batch_id=batch.pk)
        assert sorted(report.booked) == sorted(o.code for o in orders)
        parcels = {p.order_id: p for p in Parcel.objects.filter(batch=batch)}
        for order in orders:
            number = parcels[order.pk].tracking_number
            sent = ghn.orders[number]
            assert sent["client_order_code"] == f"{stall_a.schema_name}-{order.code}"
            assert sent["to_ward_name"] == order.commune.name
            assert sent["payment_type_id"] == 1
            assert sent["cod_amount"] == 0
        assert ghn.orders[parcels[orders[0].pk].tracking_number]["to_phone"] == "0912345678"
        batch.refresh_from_db()
        assert batch.state == PostalBatch.State.HANDED_OVER
        assert set(
            Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("state", flat=True)
        ) == {State.HANDED_TO_POST}
        first = orders[0]
        number = parcels[first.pk].tracking_number
        # The factory's codes are short; the tracking form takes the storefront's kind.
        Order.objects.filter(pk=first.pk).update(code=tracking_code_new())
        first.refresh_from_db()

    tracker = client_for(stall_a)
    page = tracker.post("/theo-doi/", {"code": first.code, "phone_last4": "5678"}, follow=True)
    assert "Đã gửi bưu điện" in page.content.decode()

    ghn.set_status(number, "delivering")
    with in_stall(stall_a):
        assert parcels_track() == 1  # the other one is still ready_to_pick
        assert Parcel.objects.get(tracking_number=number).carrier_status == "delivering"
    ghn.set_status(number, "delivered")
    with in_stall(stall_a):
        parcels_track()
        first.refresh_from_db()
        assert first.state == State.DELIVERED
    page = tracker.get(page.redirect_chain[-1][0])
    assert "Đã nhận" in page.content.decode()


def test_a_returned_shipment_fails_the_order_with_the_carriers_word(stall_a, ghn):
    stall_place(stall_a)
    with in_stall(stall_a):
        batch, [order] = _ready_batch(1)
        batch_ship(batch_id=batch.pk)
        parcel = Parcel.objects.get(order=order)
        ghn.set_status(parcel.tracking_number, "returned")
        parcels_track()
        parcel.refresh_from_db()
        order.refresh_from_db()
        assert parcel.returned_at is not None
        assert "returned" in parcel.return_reason
        assert order.state == State.FAILED


def test_a_rejected_address_leaves_the_parcel_for_officers_with_the_carriers_message(
    stall_a, ghn, officer_factory, client_for
):
    stall_place(stall_a)
    with in_stall(stall_a):
        batch, orders = _ready_batch(2)
        # Both orders are in the same commune: the first is booked before GHN stops taking it.
        parcel_ship(parcel_id=Parcel.objects.get(order=orders[0]).pk)
        ghn.reject_wards.add(orders[1].commune.name)
        report = batch_ship(batch_id=batch.pk)
        assert report.booked == [orders[0].code]
        [(code, message)] = report.refused
        assert code == orders[1].code
        assert "Không tìm thấy phường/xã" in message
        refused = Parcel.objects.get(order=orders[1])
        assert refused.tracking_number == ""
        orders[1].refresh_from_db()
        assert orders[1].state == State.ROUTED  # not sent: officers decide
        batch.refresh_from_db()
        assert batch.state == PostalBatch.State.HANDED_OVER
    page = client_for(stall_a, officer_factory(stall_a)).get(f"/giao-nhan/lo/{batch.pk}/")
    html = page.content.decode()
    assert "Bên vận chuyển không nhận:" in html
    assert "Không tìm thấy phường/xã" in html


def test_a_timed_out_booking_is_found_again_not_booked_twice(stall_a, ghn):
    stall_place(stall_a)
    ghn.hang_next(1)
    with in_stall(stall_a):
        batch, [order] = _ready_batch(1)
        parcel = Parcel.objects.get(order=order)
        with pytest.raises(CarrierUnavailable):
            parcel_ship(parcel_id=parcel.pk)
        parcel.refresh_from_db()
        assert parcel.tracking_number == ""
        # GHN did take it; the retry meets CLIENT_ORDER_CODE_EXISTED and adopts that order.
        parcel = parcel_ship(parcel_id=parcel.pk)
        assert ghn.creates == 2
        assert len(ghn.orders) == 1
        assert parcel.tracking_number == next(iter(ghn.orders))
        assert ghn.orders[parcel.tracking_number]["client_order_code"] == client_order_code(parcel)
        assert parcel_ship(parcel_id=parcel.pk) is None  # booked: left alone


def test_a_ghn_batch_is_not_handed_over_at_the_counter(stall_a, ghn):
    stall_place(stall_a)
    with in_stall(stall_a):
        batch, _orders = _ready_batch(1)
        with pytest.raises(BatchError, match="Tạo vận đơn"):
            BatchHandOver(
                batch, receipt_number="BD-1", handed_over_on=timezone.localdate()
            ).execute()


def test_officers_print_the_carriers_labels(stall_a, ghn, officer_factory, client_for):
    stall_place(stall_a)
    with in_stall(stall_a):
        batch, _orders = _ready_batch(2)
        batch_ship(batch_id=batch.pk)
        numbers = set(Parcel.objects.values_list("tracking_number", flat=True))
    response = client_for(stall_a, officer_factory(stall_a)).get(
        f"/giao-nhan/lo/{batch.pk}/nhan-van-chuyen/"
    )
    assert response.status_code == 302
    assert response["Location"].startswith(ghn.url.removesuffix("/shiip/public-api"))
    label = requests.get(response["Location"], timeout=5).text
    assert all(n in label for n in numbers)
