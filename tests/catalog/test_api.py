"""The stall API: public items and orders, tracking, officer endpoints."""

from __future__ import annotations

import json

import pytest

from catalog.models import Order
from catalog.services import order_place
from tests.catalog.factories import commune_current, item_make, recipient_make
from tests.conftest import in_stall

pytestmark = pytest.mark.django_db


def _order_body(item_id: int, **overrides) -> dict:
    body = {
        "lines": [{"item": item_id, "quantity": 1}],
        "name": "Trần Văn Bình",
        "phone": "0912345678",
        "commune_code": "28327",
        "address_line": "Ấp 4",
        "consent": True,
    }
    body.update(overrides)
    return body


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_items_list_is_public_and_filters_by_accentless_search(stall_a, client_for):
    with in_stall(stall_a):
        item_make(title="Giày bata trắng", category="giay-dep", size_kind="shoe", size="36")
        item_make(title="Áo khoác")
    response = client_for(stall_a).get("/api/v1/items/", {"q": "giay"})
    assert response.status_code == 200
    titles = [row["title"] for row in response.json()["results"]]
    assert titles == ["Giày bata trắng"]


def test_items_list_rejects_a_bad_grade_with_400(stall_a, client_for):
    response = client_for(stall_a).get("/api/v1/items/", {"grade": "abc"})
    assert response.status_code == 400


def test_post_order_returns_code_and_no_personal_data(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make()
    response = _post(client_for(stall_a), "/api/v1/orders/", _order_body(item.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "confirmed"
    text = response.content.decode()
    assert "Trần Văn Bình" not in text
    assert "0912345678" not in text
    assert "+84912345678" not in text
    with in_stall(stall_a):
        order = Order.objects.get(code=body["code"])
        assert order.phone == "+84912345678"
        assert order.commune.code == "28327"


def test_post_order_accepts_an_old_address_with_district(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make()
    legacy = "Xã Tân Hòa Tây, Huyện Tân Phước, Tỉnh Tiền Giang"
    response = _post(
        client_for(stall_a),
        "/api/v1/orders/",
        _order_body(item.pk, commune_code="", legacy_address=legacy),
    )
    assert response.status_code == 201, response.content
    with in_stall(stall_a):
        order = Order.objects.get(code=response.json()["code"])
        assert order.commune.code == "28327"
        assert order.legacy_address == legacy


def test_post_order_without_consent_is_refused_with_a_vietnamese_message(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make()
    response = _post(client_for(stall_a), "/api/v1/orders/", _order_body(item.pk, consent=False))
    assert response.status_code == 400
    assert "đồng ý" in response.json()["consent"][0]


def test_post_order_out_of_stock_is_409_het_hang(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make(quantity=0)
    response = _post(client_for(stall_a), "/api/v1/orders/", _order_body(item.pk))
    assert response.status_code == 409
    assert response.json()["code"] == "out_of_stock"
    assert "Hết hàng" in response.json()["detail"]


def test_post_orders_are_rate_limited_per_phone(stall_a, client_for, settings):
    settings.GIANHANG_ORDER_LIMIT_PER_PHONE = 2
    with in_stall(stall_a):
        item = item_make(quantity=0)
    client = client_for(stall_a)
    statuses = [
        _post(client, "/api/v1/orders/", _order_body(item.pk)).status_code for _ in range(3)
    ]
    assert statuses == [409, 409, 429]


def test_tracking_needs_the_last_four_digits(stall_a, client_for):
    with in_stall(stall_a):
        order = order_place(
            stall=stall_a, lines={item_make().pk: 1}, recipient=recipient_make(phone="0909998877")
        )
    client = client_for(stall_a)
    assert client.get(f"/api/v1/orders/{order.code}/", {"phone_last4": "1111"}).status_code == 404
    ok = client.get(f"/api/v1/orders/{order.code}/", {"phone_last4": "8877"})
    assert ok.status_code == 200
    assert [e["state"] for e in ok.json()["events"]] == ["placed", "confirmed"]


def test_tracking_lookups_are_rate_limited_per_ip(stall_a, client_for, settings):
    settings.GIANHANG_TRACKING_LIMIT_PER_IP = 3
    client = client_for(stall_a)
    statuses = [
        client.get("/api/v1/orders/ABCD-EFGH/", {"phone_last4": "1234"}).status_code
        for _ in range(4)
    ]
    assert statuses == [404, 404, 404, 429]


def test_recipient_cancels_through_the_api_and_stock_returns(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make(quantity=1)
        order = order_place(
            stall=stall_a, lines={item.pk: 1}, recipient=recipient_make(phone="0909998877")
        )
    response = _post(
        client_for(stall_a), f"/api/v1/orders/{order.code}/cancel/", {"phone_last4": "8877"}
    )
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    with in_stall(stall_a):
        item.refresh_from_db()
        assert item.available == 1


def test_officer_endpoints_refuse_anonymous_callers(stall_a, client_for):
    client = client_for(stall_a)
    assert client.get("/api/v1/officer/orders/").status_code == 403
    assert client.get("/api/v1/officer/items/").status_code == 403


def test_officer_moves_an_order_and_bad_steps_get_409(stall_a, client_for, officer_factory):
    with in_stall(stall_a):
        order = order_place(stall=stall_a, lines={item_make().pk: 1}, recipient=recipient_make())
    client = client_for(stall_a, user=officer_factory(stall_a))
    url = f"/api/v1/officer/orders/{order.pk}/transition/"
    assert _post(client, url, {"to_state": "packed"}).status_code == 200
    refused = _post(client, url, {"to_state": "delivered"})
    assert refused.status_code == 409
    assert "không thể chuyển" in refused.json()["detail"]


def test_officer_creates_an_item_and_takes_stock_in(stall_a, client_for, officer_factory):
    client = client_for(stall_a, user=officer_factory(stall_a))
    created = _post(
        client,
        "/api/v1/officer/items/",
        {"title": "Sách Toán lớp 6", "category": "sach-tap-vo", "grade": 6, "subject": "Toán"},
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    stocked = _post(
        client, f"/api/v1/officer/items/{item_id}/stock/", {"kind": "intake", "quantity": 4}
    )
    assert stocked.json()["available"] == 4
    too_much = _post(
        client, f"/api/v1/officer/items/{item_id}/stock/", {"kind": "write_off", "quantity": 9}
    )
    assert too_much.status_code == 400


def test_officer_records_a_donation(stall_a, client_for, officer_factory):
    with in_stall(stall_a):
        item = item_make(quantity=0)
    client = client_for(stall_a, user=officer_factory(stall_a))
    response = _post(
        client,
        "/api/v1/officer/donations/",
        {
            "received_on": "2025-09-06",
            "donor_name": "",
            "lines": [{"item": item.pk, "quantity": 7}],
        },
    )
    assert response.status_code == 201, response.content
    with in_stall(stall_a):
        item.refresh_from_db()
        assert item.available == 7


def test_commune_reference_is_checked(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make()
    response = _post(
        client_for(stall_a), "/api/v1/orders/", _order_body(item.pk, commune_code="99999")
    )
    assert response.status_code == 400
    assert "commune_code" in response.json()
    assert commune_current().code == "28327"
