"""Officers' order pages: the board by state with bulk steps, and one order's page."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog.models import Order
from catalog.phones import phone_display
from catalog.selectors import order_history, order_state_counts, orders_by_state
from catalog.services import OrderStateError, order_transition
from privacy.audit import audited
from tenants.permissions import stall_officer_required

State = Order.State

# The board's tabs, in the order work flows; closed states come last.
BOARD_STATES = [
    State.PLACED,
    State.CONFIRMED,
    State.PACKED,
    State.ROUTED,
    State.OUT_FOR_DELIVERY,
    State.HANDED_TO_POST,
    State.FAILED,
    State.DELIVERED,
    State.CANCELLED,
]
# Steps an officer takes by hand here; routing, delivery and the post are logistics' pages.
OFFICER_STEPS: dict[str, list[str]] = {
    State.PLACED: [State.CONFIRMED, State.CANCELLED],
    State.CONFIRMED: [State.PACKED, State.CANCELLED],
    State.PACKED: [State.CANCELLED],
}
PAGE_SIZE = 50


def _step_label(state: str) -> str:
    labels: dict[str, str] = {
        State.CONFIRMED: _("Xác nhận"),
        State.PACKED: _("Đánh dấu đã đóng gói"),
        State.CANCELLED: _("Hủy đơn"),
    }
    return labels[state]


@require_GET
@stall_officer_required
@audited(object_type="catalog.order")
def order_board(request):
    state = request.GET.get("trang-thai") or State.PLACED
    if state not in State.values:
        state = State.PLACED
    counts = order_state_counts()
    tabs = [
        {"state": s, "label": State(s).label, "count": counts.get(s, 0), "active": s == state}
        for s in BOARD_STATES
    ]
    page = Paginator(
        orders_by_state(state=state).prefetch_related("lines__item").order_by("placed_at", "pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("trang"))
    for order in page:
        order.phone_national = phone_display(order.phone)  # type: ignore[attr-defined]
    steps = [(s, _step_label(s)) for s in OFFICER_STEPS.get(state, [])]
    return render(
        request,
        "catalog/officer/order_board.html",
        {
            "tabs": tabs,
            "state": state,
            "state_label": State(state).label,
            "page": page,
            "steps": steps,
        },
    )


@require_POST
@stall_officer_required
def order_board_step(request):
    """Move each ticked order one step; say which moved and which could not, and why."""
    to_state = request.POST.get("to", "")
    from_state = request.POST.get("from", "")
    if from_state not in State.values:
        from_state = State.PLACED
    back = f"/can-bo/don-hang/?trang-thai={from_state}"
    if to_state not in OFFICER_STEPS.get(from_state, []):
        messages.error(request, _("Bước này không làm được ở đây. Hãy chọn lại."))
        return redirect(back)
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()][:500]
    if not ids:
        messages.warning(request, _("Hãy đánh dấu ít nhất một đơn trước khi bấm."))
        return redirect(back)
    moved, refused = 0, []
    for order in Order.objects.filter(pk__in=ids).order_by("pk"):
        try:
            order_transition(
                order=order, to_state=to_state, actor=request.user, expected_from=from_state
            )
            moved += 1
        except OrderStateError as exc:
            refused.append(str(exc))
    if moved:
        messages.success(
            request,
            _("Đã chuyển %(n)d đơn sang “%(state)s”.")
            % {"n": moved, "state": State(to_state).label},
        )
    for reason in refused:
        messages.error(request, reason)
    return redirect(back)


@require_GET
@stall_officer_required
@audited(object_type="catalog.order", id_kwarg="code")
def order_page(request, code: str):
    order = (
        Order.objects.select_related("province", "commune")
        .prefetch_related("lines__item")
        .filter(code=code.upper())
        .first()
    )
    if order is None:
        raise Http404
    order.phone_national = phone_display(order.phone)  # type: ignore[attr-defined]
    history = [
        {
            "at": event.at,
            "from": State(event.from_state).label if event.from_state in State.values else "",
            "to": State(event.to_state).label if event.to_state in State.values else event.to_state,
            "note": event.public_note,
        }
        for event in order_history(order=order)
    ]
    return render(
        request,
        "catalog/officer/order_page.html",
        {
            "order": order,
            "history": history,
            "steps": [(s, _step_label(s)) for s in OFFICER_STEPS.get(order.state, [])],
        },
    )


@require_POST
@stall_officer_required
def order_step(request, code: str):
    order = Order.objects.filter(code=code.upper()).first()
    if order is None:
        raise Http404
    to_state = request.POST.get("to", "")
    if to_state not in OFFICER_STEPS.get(order.state, []):
        messages.error(
            request,
            _("Đơn %(code)s đang ở trạng thái “%(state)s”: bước này không làm được.")
            % {"code": order.code, "state": State(order.state).label},
        )
    else:
        try:
            order_transition(order=order, to_state=to_state, actor=request.user)
            messages.success(
                request,
                _("Đơn %(code)s: %(state)s.")
                % {"code": order.code, "state": State(to_state).label},
            )
        except OrderStateError as exc:
            messages.error(request, str(exc))
    return redirect("workspace:order", code=order.code)
