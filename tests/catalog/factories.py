"""Factories for the catalog tests: items on the shelf and recipients at checkout."""

from __future__ import annotations

import itertools

from catalog.models import Category, Item
from catalog.services import Recipient
from catalog.stock import stock_change
from tenants.models import AdminArea

_n = itertools.count(1)


def item_make(
    *, title: str | None = None, quantity: int = 5, category: str = "quan-ao", **fields
) -> Item:
    """An item with ``quantity`` units taken in through the ledger (call inside a stall)."""
    item = Item.objects.create(
        category=Category.objects.get(slug=category), title=title or f"Áo thử {next(_n)}", **fields
    )
    if quantity:
        stock_change(item=item, kind="intake", quantity=quantity)
    item.refresh_from_db()
    return item


def commune_current(code: str = "28327") -> AdminArea:
    return AdminArea.objects.get(era="current", level="commune", code=code)


def recipient_make(*, phone: str | None = None, **overrides) -> Recipient:
    commune = commune_current()
    n = next(_n)
    fields = {
        "name": "Nguyễn Thị Hồng",
        "phone": phone or f"090{n:07d}",
        "address_line": "Ấp Tân Hòa, tổ 3",
        "province_id": commune.parent_id,
        "commune_id": commune.pk,
    }
    fields.update(overrides)
    return Recipient(**fields)
