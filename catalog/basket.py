"""The selection basket, kept in the session (works without JavaScript or an account)."""

from __future__ import annotations

from catalog.models import Item

SESSION_KEY = "basket"
TRACKED_KEY = "tracked_orders"
MAX_LINES = 20


def basket_get(request) -> dict[int, int]:
    raw = request.session.get(SESSION_KEY, {})
    basket: dict[int, int] = {}
    if isinstance(raw, dict):
        for key, value in raw.items():
            try:
                item_id, quantity = int(key), int(value)
            except (TypeError, ValueError):
                continue
            if item_id > 0 and quantity > 0:
                basket[item_id] = quantity
    return basket


def _save(request, basket: dict[int, int]) -> None:
    request.session[SESSION_KEY] = {str(k): v for k, v in basket.items()}


def basket_set(request, *, item: Item, quantity: int, max_same_item: int) -> int:
    """Put ``quantity`` of an item in the basket (0 removes it); returns what was kept."""
    basket = basket_get(request)
    quantity = max(0, min(int(quantity), max_same_item, item.available))
    if quantity == 0:
        basket.pop(item.pk, None)
    elif item.pk in basket or len(basket) < MAX_LINES:
        basket[item.pk] = quantity
    else:
        quantity = 0
    _save(request, basket)
    return quantity


def basket_remove(request, *, item_id: int) -> None:
    basket = basket_get(request)
    basket.pop(item_id, None)
    _save(request, basket)


def basket_clear(request) -> None:
    request.session.pop(SESSION_KEY, None)


def basket_count(request) -> int:
    return sum(basket_get(request).values())


def basket_lines(request) -> list[tuple[Item, int]]:
    """Basket items (one query), dropping those no longer listed."""
    basket = basket_get(request)
    if not basket:
        return []
    items = (
        Item.objects.filter(pk__in=list(basket), is_listed=True)
        .select_related("category")
        .prefetch_related("photos")
    )
    return [(item, basket[item.pk]) for item in sorted(items, key=lambda i: i.title)]


def tracked_allow(request, code: str) -> None:
    """Remember that this browser proved it may see the order (code + last 4 digits)."""
    codes = [c for c in request.session.get(TRACKED_KEY, []) if c != code]
    request.session[TRACKED_KEY] = [code, *codes][:10]


def tracked_allowed(request, code: str) -> bool:
    return code in request.session.get(TRACKED_KEY, [])
