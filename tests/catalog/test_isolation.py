"""School A's items and orders never show on school B's host: pages, API, admin."""

from __future__ import annotations

import json

import pytest

from catalog.services import order_place
from tests.catalog.factories import item_make, recipient_make
from tests.conftest import in_stall

pytestmark = pytest.mark.django_db

CANARY = "Áo canary trường A"


@pytest.fixture
def canary(stall_a, stall_b):
    with in_stall(stall_a):
        item = item_make(title=CANARY, quantity=3)
        order = order_place(
            stall=stall_a,
            lines={item.pk: 1},
            recipient=recipient_make(name="Người nhận A", phone="0901239999"),
        )
    with in_stall(stall_b):
        item_make(title="Áo của trường B")
    return item, order


def test_b_pages_never_show_a_items(canary, stall_b, client_for):
    item, _order = canary
    client = client_for(stall_b)
    for url in ("/", "/hang/", "/hang/?q=canary"):
        assert CANARY not in client.get(url).content.decode()
    # Item ids are per schema: the same number on B is B's own item or nothing.
    response = client.get(f"/hang/{item.pk}/")
    assert CANARY not in response.content.decode()


def test_b_api_never_shows_a_items_or_orders(canary, stall_b, client_for):
    item, order = canary
    client = client_for(stall_b)
    assert CANARY not in client.get("/api/v1/items/").content.decode()
    assert CANARY not in client.get(f"/api/v1/items/{item.pk}/").content.decode()
    tracked = client.get(f"/api/v1/orders/{order.code}/", {"phone_last4": "9999"})
    assert tracked.status_code == 404


def test_b_tracking_page_does_not_find_a_order(canary, stall_b, client_for):
    _item, order = canary
    body = (
        client_for(stall_b)
        .post("/theo-doi/", {"code": order.code, "phone_last4": "9999"})
        .content.decode()
    )
    assert "Không tìm thấy" in body


def test_b_officers_get_404_or_403_for_a_orders(canary, stall_b, client_for, officer_factory):
    _item, order = canary
    client = client_for(stall_b, user=officer_factory(stall_b))
    assert client.get(f"/api/v1/officer/orders/{order.pk}/").status_code == 404
    moved = client.post(
        f"/api/v1/officer/orders/{order.pk}/transition/",
        json.dumps({"to_state": "packed"}),
        content_type="application/json",
    )
    assert moved.status_code == 404
    assert client.get(f"/quan-tri/catalog/order/{order.pk}/change/").status_code in (302, 404)
    body = client.get(f"/can-bo/phieu-dong-goi/?id={order.pk}").content.decode()
    assert "Người nhận A" not in body
    assert CANARY not in body
    listing = client.get("/api/v1/officer/orders/").content.decode()
    assert order.code not in listing


def test_a_officer_cannot_use_b_officer_pages(
    canary, stall_a, stall_b, client_for, officer_factory
):
    officer_a = officer_factory(stall_a)
    client = client_for(stall_a, user=officer_a)
    # The same browser on B's host: the session cookie is host-only; a copied one is dropped.
    other = client_for(stall_b)
    other.cookies = client.cookies
    assert other.get("/api/v1/officer/orders/").status_code == 403
    assert other.get("/can-bo/phieu-dong-goi/").status_code == 302
