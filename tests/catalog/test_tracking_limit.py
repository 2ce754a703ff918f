"""The per-code tracking limit: one count for the page and the API, Redis up or down."""

from __future__ import annotations

import pytest
from django.test import Client

from catalog.models import TrackingAttempt
from catalog.services import order_place
from core import ratelimit
from tests.catalog.factories import item_make, recipient_make
from tests.conftest import free_port, host_of, in_stall

pytestmark = pytest.mark.django_db

TOO_MANY = "Bạn đã tra cứu quá nhiều lần"


def _order(stall):
    with in_stall(stall):
        return order_place(
            stall=stall, lines={item_make().pk: 1}, recipient=recipient_make(phone="0909998877")
        )


def _from(stall, n: int) -> Client:
    """A visitor from its own address: per-IP limits never apply, only the per-code one."""
    return Client(HTTP_HOST=host_of(stall), REMOTE_ADDR=f"10.9.{n // 250}.{n % 250 + 1}")


def _guess_on_page(stall, n: int, code: str, digits: str):
    return _from(stall, n).post("/theo-doi/", {"code": code, "phone_last4": digits})


@pytest.fixture
def redis_down(settings):
    """The limiter's Redis is unreachable (nothing listens on the port)."""
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    ratelimit._client.cache_clear()
    yield
    ratelimit._client.cache_clear()


def test_the_tracking_page_limits_guesses_per_code_across_addresses(stall_a, settings):
    settings.GIANHANG_TRACKING_LIMIT_PER_CODE = 3
    order = _order(stall_a)
    for n in range(3):
        page = _guess_on_page(stall_a, n, order.code, "0000").content.decode()
        assert "Không tìm thấy đơn" in page
    refused = _guess_on_page(stall_a, 3, order.code, "8877")  # the right digits, too late
    assert refused.status_code == 200
    assert TOO_MANY in refused.content.decode()
    assert "phút" in refused.content.decode()


def test_page_and_api_share_one_count_per_code(stall_a, settings):
    settings.GIANHANG_TRACKING_LIMIT_PER_CODE = 4
    order = _order(stall_a)
    for n in range(2):
        assert (
            "Không tìm thấy đơn" in _guess_on_page(stall_a, n, order.code, "0000").content.decode()
        )
    for n in range(2, 4):
        api = _from(stall_a, n).get(f"/api/v1/orders/{order.code}/", {"phone_last4": "0000"})
        assert api.status_code == 404
    api = _from(stall_a, 4).get(f"/api/v1/orders/{order.code}/", {"phone_last4": "8877"})
    assert api.status_code == 429
    assert TOO_MANY in _guess_on_page(stall_a, 5, order.code, "8877").content.decode()


def test_with_redis_down_guessing_a_code_stays_bounded(stall_a, settings, redis_down):
    settings.GIANHANG_TRACKING_LIMIT_PER_CODE = 3
    order = _order(stall_a)
    statuses = [
        _from(stall_a, n).get(f"/api/v1/orders/{order.code}/", {"phone_last4": f"{n:04d}"})
        for n in range(3)
    ]
    assert [r.status_code for r in statuses] == [404, 404, 404]
    late = _from(stall_a, 3).get(f"/api/v1/orders/{order.code}/", {"phone_last4": "8877"})
    assert late.status_code == 429
    assert "phút" in late.json()["detail"]
    assert TOO_MANY in _guess_on_page(stall_a, 4, order.code, "8877").content.decode()
    with in_stall(stall_a):
        assert TrackingAttempt.objects.count() == 5
        # A keyed hash is kept, never the code itself.
        assert not TrackingAttempt.objects.filter(code_digest__contains=order.code).exists()
    # Another code is not blocked by this one's guesses.
    other = _from(stall_a, 9).get("/api/v1/orders/ABCD-1234/", {"phone_last4": "0000"})
    assert other.status_code == 404


def test_with_redis_down_the_right_digits_still_work_within_the_limit(
    stall_a, settings, redis_down
):
    settings.GIANHANG_TRACKING_LIMIT_PER_CODE = 3
    order = _order(stall_a)
    response = _from(stall_a, 0).get(f"/api/v1/orders/{order.code}/", {"phone_last4": "8877"})
    assert response.status_code == 200
    assert response.json()["code"] == order.code
