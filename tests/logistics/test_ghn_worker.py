"""With a real Celery worker: an officer books a batch with GHN; a timeout is retried once."""

from __future__ import annotations

import pytest
from django.test import override_settings

from catalog.models import Order
from logistics.batches import batch_build, batch_mark_ready
from logistics.fakes.ghn import FakeGhn
from logistics.models import Parcel, PostalBatch
from logistics.shipments import stall_carrier_set
from tenants.models import Membership
from tests.conftest import in_stall, make_user
from tests.logistics.factories import far_commune, order_make, stall_place
from tests.support.processes import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.slow]
State = Order.State


@pytest.fixture
def ghn(monkeypatch):
    fake = FakeGhn(hang_seconds=3).start()
    values = {
        "GIANHANG_GHN_API_URL": fake.url,
        "GIANHANG_GHN_TOKEN": fake.token,
        "GIANHANG_GHN_TIMEOUT": "1",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    with override_settings(**{**values, "GIANHANG_GHN_TIMEOUT": 1}):
        yield fake
    fake.stop()


def test_an_officer_books_a_batch_and_a_timed_out_booking_is_not_doubled(
    live_stall_factory, worker_factory, ghn, client_for
):
    stall = stall_place(live_stall_factory(name="Đoàn trường THPT Lê Văn Phẩm"))
    with in_stall(stall):
        stall_carrier_set(code="ghn", ghn_shop_id=ghn.shop_id)
        orders = [
            order_make(area=far_commune(), state=State.PACKED, delivery="post") for _ in range(2)
        ]
        batch = batch_mark_ready(batch=batch_build())
    worker_factory()
    ghn.hang_next(1)  # GHN takes the first parcel but answers after the worker gave up
    # Committed, so the worker sees it; removed with the stall's unit at the end.
    officer = make_user(
        f"canbo-{stall.slug}@example.vn", unit=stall.unit, role=Membership.Role.SCHOOL_OFFICER
    )
    client = client_for(stall, officer)
    page = client.post(f"/giao-nhan/lo/{batch.pk}/tao-van-don/", follow=True)
    assert "Đang tạo vận đơn" in page.content.decode()

    def handed_over() -> bool:
        with in_stall(stall):
            return PostalBatch.objects.get(pk=batch.pk).state == PostalBatch.State.HANDED_OVER

    wait_for(handed_over, timeout=90, what="the batch booked after a retry")
    assert len(ghn.orders) == 2  # one shipment per parcel, the timed-out one found again
    assert ghn.creates == 3
    with in_stall(stall):
        numbers = dict(Parcel.objects.values_list("order_id", "tracking_number"))
        assert set(numbers.values()) == set(ghn.orders)
        assert set(
            Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("state", flat=True)
        ) == {State.HANDED_TO_POST}
    html = client.get(f"/giao-nhan/lo/{batch.pk}/").content.decode()
    assert all(n in html for n in numbers.values())
