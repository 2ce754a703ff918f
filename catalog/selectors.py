"""Reads on the catalog and orders; each returns a queryset that callers may narrow."""

from __future__ import annotations

import re

from django.db.models import Count, Prefetch, Q, QuerySet

from catalog.models import Category, Item, ItemPhoto, Order, OrderEvent
from tenants.geography import search_key

_GRADE_IN_QUERY = re.compile(r"\blop\s*(\d{1,2})\b")


def search_terms(query: str) -> tuple[list[str], int | None]:
    """Accent-free words of a search, and a school grade if it names one ("sách lớp 6")."""
    key = search_key(query)[:100]
    grade = None
    match = _GRADE_IN_QUERY.search(key)
    if match and 1 <= int(match.group(1)) <= 12:
        grade = int(match.group(1))
        key = _GRADE_IN_QUERY.sub(" ", key)
    return key.split()[:8], grade


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


def categories_with_counts() -> QuerySet[Category]:
    """Active categories with how many listed items still have stock."""
    return categories_active().annotate(
        item_count=Count("items", filter=Q(items__is_listed=True, items__available__gt=0))
    )


def items_available(
    *,
    category: str | None = None,
    size: str | None = None,
    grade: int | None = None,
    query: str | None = None,
    include_sold_out: bool = False,
) -> QuerySet[Item]:
    """Listed items for the storefront, filtered; photos prefetched (one query for all)."""
    items = Item.objects.filter(is_listed=True, category__is_active=True)
    if not include_sold_out:
        items = items.filter(available__gt=0)
    if category:
        items = items.filter(category__slug=category)
    if size:
        items = items.filter(size__iexact=size)
    if query:
        words, query_grade = search_terms(query)
        for word in words:
            items = items.filter(search_text__contains=word)
        if query_grade is not None and grade is None:
            grade = query_grade
    if grade:
        items = items.filter(grade=grade)
    return items.select_related("category").prefetch_related(
        Prefetch("photos", queryset=ItemPhoto.objects.order_by("position", "pk"))
    )


def item_for_storefront(*, pk: int) -> Item | None:
    return items_available(include_sold_out=True).filter(pk=pk).first()


def sizes_in_stock() -> list[str]:
    sizes = (
        Item.objects.filter(is_listed=True, available__gt=0)
        .exclude(size="")
        .values_list("size", flat=True)
        .distinct()
    )
    order = {s: n for n, s in enumerate(Item.CLOTHING_SIZES + Item.SHOE_SIZES)}
    return sorted(set(sizes), key=lambda s: (order.get(s, 999), s))


def order_history(*, order: Order) -> QuerySet[OrderEvent]:
    return order.events.order_by("at", "pk")


def orders_by_state(*, state: str | None = None) -> QuerySet[Order]:
    orders = Order.objects.select_related("province", "commune")
    if state:
        orders = orders.filter(state=state)
    return orders


def order_state_counts() -> dict[str, int]:
    return dict(Order.objects.values("state").annotate(n=Count("pk")).values_list("state", "n"))
