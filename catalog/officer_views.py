"""Officer pages outside the admin: printable packing slips."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.models import Order
from catalog.phones import phone_display
from privacy.audit import audited
from tenants.permissions import stall_officer_required

MAX_SLIPS = 200


@require_GET
@stall_officer_required
@audited(object_type="catalog.order", action="export", ids_param="id")
def packing_slips(request):
    """One slip per order (?id=1&id=2…), laid out for A5/A4 printing from the browser."""
    ids = [int(v) for v in request.GET.getlist("id") if v.isdigit()][:MAX_SLIPS]
    orders = list(
        Order.objects.filter(pk__in=ids)
        .select_related("province", "commune")
        .prefetch_related("lines__item__category")
        .order_by("placed_at", "pk")
    )
    for order in orders:
        order.phone_national = phone_display(order.phone)  # type: ignore[attr-defined]
    return render(request, "catalog/packing_slips.html", {"orders": orders})
