"""Fixtures for the security tests: orders with real personal data inside a stall."""

from __future__ import annotations

import hashlib
import itertools
import secrets

import pytest
from django.utils import timezone

from catalog.models import Category, Item, Order, OrderLine, StockEntry
from privacy.notices import NOTICE_CURRENT
from tests.conftest import in_stall

_n = itertools.count(1)


def make_order(
    stall,
    *,
    name="Nguyễn Thị Canary",
    phone="+84912345678",
    state="placed",
    title="Áo khoác",
    quantity=1,
    **extra,
) -> Order:
    """An order written straight through the ORM (placement itself is the storefront's)."""
    with in_stall(stall):
        item = Item.objects.create(
            category=Category.objects.order_by("pk").first()
            or Category.objects.create(name="Áo", slug=f"ao-{next(_n)}"),
            title=title,
            available=10,
        )
        StockEntry.objects.create(item=item, kind=StockEntry.Kind.INTAKE, quantity=10)
        order = Order.objects.create(
            code=extra.pop("code", secrets.token_hex(4).upper()),
            state=state,
            recipient_name=name,
            phone=phone,
            phone_last4=phone[-4:],
            phone_hash=hashlib.sha256(phone.encode()).hexdigest(),
            address_line=extra.pop("address_line", "12 ấp Canary"),
            note=extra.pop("note", "gọi trước khi giao"),
            consent_version=NOTICE_CURRENT,
            consent_at=timezone.now(),
            **extra,
        )
        OrderLine.objects.create(order=order, item=item, quantity=quantity)
        Item.objects.filter(pk=item.pk).update(available=10 - quantity)
        StockEntry.objects.create(
            item=item, kind=StockEntry.Kind.RESERVATION, quantity=-quantity, order=order
        )
    return order


@pytest.fixture
def order_factory():
    return make_order


def ratelimit_clear(stall) -> None:
    """Forget every rate-limit counter of a stall (counters live in real Redis)."""
    from core import ratelimit

    client = ratelimit._client()
    for key in client.scan_iter(match=f"rl:{stall.schema_name}:*", count=500):
        client.delete(key)


@pytest.fixture
def fresh_limits():
    return ratelimit_clear


# Committed-stall tests use no db fixture; the catalog suite's conftest teaches pytest-django
# to give them the test database all the same. Import it for its side effect.
import tests.catalog.conftest  # noqa: E402,F401
