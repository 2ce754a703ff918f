"""Writes on items: create one with its photo and starting stock, edit it, list or unlist it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from catalog.cache import catalog_changed
from catalog.models import Category, Item
from catalog.photos import item_photo_add
from catalog.stock import Kind, stock_change


def item_save(*, item: Item) -> Item:
    """Check and save an item's own fields; the storefront's cached pages follow."""
    item.full_clean()
    item.save()
    catalog_changed()
    return item


@transaction.atomic
def item_create(
    *, fields: dict[str, Any], quantity: int = 0, photo=None, actor=None, note: str = ""
) -> Item:
    """One item, its photo and its first intake (a ledger row), or nothing at all."""
    item = item_save(item=Item(**fields))
    if photo is not None:
        item_photo_add(item=item, upload=photo)
    if quantity:
        stock_change(
            item=item,
            kind=Kind.INTAKE,
            quantity=quantity,
            actor=actor,
            note=note or _("Số lượng ban đầu"),
        )
    catalog_changed()
    return item


@transaction.atomic
def item_update(*, item: Item, fields: dict[str, Any], photo=None) -> Item:
    for name, value in fields.items():
        setattr(item, name, value)
    item_save(item=item)
    if photo is not None:
        position = item.photos.count()
        item_photo_add(item=item, upload=photo, position=position)
        catalog_changed()
    return item


def items_listing_set(*, items: QuerySet[Item], listed: bool) -> int:
    """Show items on the storefront or hide them (stock stays); cached pages follow."""
    count = items.update(is_listed=listed)
    catalog_changed()
    return count


def item_listing_set(*, item: Item, listed: bool) -> Item:
    items_listing_set(items=Item.objects.filter(pk=item.pk), listed=listed)
    item.is_listed = listed
    return item


@transaction.atomic
def item_for_arrival(
    *, category_slug: str, title: str, size: str = "", grade: int | None = None
) -> Item:
    """The item arriving units join: the same title, category, size and grade, or a new one.

    A new item starts listed with no stock: the arrival's ledger row puts the units on the
    shelf, so they are offered on the storefront as soon as they arrive.
    """
    category = Category.objects.filter(slug=category_slug).first()
    if category is None:
        category = Category.objects.order_by("position", "pk").first()
    if category is None:
        raise ValidationError(_("Gian hàng chưa có danh mục nào để nhận hàng."))
    existing = Item.objects.filter(category=category, title=title, size=size, grade=grade).first()
    if existing is not None:
        return existing
    size_kind = ""
    if size in Item.CLOTHING_SIZES:
        size_kind = Item.SizeKind.CLOTHING
    elif size in Item.SHOE_SIZES:
        size_kind = Item.SizeKind.SHOE
    return item_save(
        item=Item(
            category=category,
            title=title[:160],
            size=size[:8],
            size_kind=size_kind,
            grade=grade,
        )
    )
