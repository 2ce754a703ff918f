"""Cached storefront pages are redrawn as soon as items or stock change."""

from __future__ import annotations

import pytest

from catalog.services import order_place
from tests.catalog.factories import item_make, recipient_make
from tests.conftest import in_stall

pytestmark = pytest.mark.django_db


def test_new_item_appears_on_a_cached_list_at_once(stall_a, client_for):
    client = client_for(stall_a)
    assert "Nón lá mới" not in client.get("/hang/").content.decode()
    with in_stall(stall_a):
        item_make(title="Nón lá mới", category="mu-non")
    assert "Nón lá mới" in client.get("/hang/").content.decode()


def test_item_leaves_the_list_when_its_last_unit_is_ordered(stall_a, client_for):
    with in_stall(stall_a):
        item = item_make(title="Cặp sách cuối cùng", quantity=1)
    client = client_for(stall_a)
    assert "Cặp sách cuối cùng" in client.get("/hang/").content.decode()
    with in_stall(stall_a):
        order_place(stall=stall_a, lines={item.pk: 1}, recipient=recipient_make())
    assert "Cặp sách cuối cùng" not in client.get("/hang/").content.decode()


def test_two_stalls_never_share_a_cached_page(stall_a, stall_b, client_for):
    with in_stall(stall_a):
        item_make(title="Chỉ có ở A")
    assert "Chỉ có ở A" in client_for(stall_a).get("/hang/").content.decode()
    assert "Chỉ có ở A" not in client_for(stall_b).get("/hang/").content.decode()
