"""Writes on the catalog and orders. One transaction each; guarded, idempotent state changes."""

from __future__ import annotations

import django.dispatch
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Order, OrderEvent, StockEntry, actor_id_of

State = Order.State

# Which state may follow which. Anything else is refused: a double click, a retried task
# or two officers acting at once can never move an order twice or backwards.
TRANSITIONS: dict[str, set[str]] = {
    State.PLACED: {State.CONFIRMED, State.CANCELLED},
    State.CONFIRMED: {State.PACKED, State.CANCELLED},
    State.PACKED: {State.ROUTED, State.CANCELLED},
    State.ROUTED: {State.OUT_FOR_DELIVERY, State.HANDED_TO_POST, State.PACKED, State.CANCELLED},
    State.OUT_FOR_DELIVERY: {State.DELIVERED, State.FAILED},
    State.HANDED_TO_POST: {State.DELIVERED, State.FAILED},
    State.FAILED: {State.PACKED},  # back into the next run or to post
    State.DELIVERED: set(),
    State.CANCELLED: set(),
}


# Sent after commit of every state change: (sender=Order, order=..., from_state=..., to_state=...).
# Logistics routes confirmed orders and queues recipient notifications from it.
order_state_changed = django.dispatch.Signal()


class OrderStateError(Exception):
    """The order is not in a state that allows this step; nothing was changed."""

    def __init__(self, order: Order, to_state: str):
        self.order = order
        self.to_state = to_state
        super().__init__(
            _("Đơn %(code)s đang ở trạng thái “%(state)s”, không thể chuyển sang “%(to)s”.")
            % {"code": order.code, "state": State(order.state).label,
               "to": State(to_state).label}
        )


@transaction.atomic
def order_transition(*, order: Order, to_state: str, actor=None, public_note: str = "",
                     expected_from: str | None = None) -> Order:
    """Move an order one step, if and only if it is still in the state we saw.

    A conditional UPDATE (no check-then-act): of two concurrent callers exactly one wins,
    the other gets ``OrderStateError``. Cancelling returns the reserved stock; delivering
    writes the hand-out to the ledger.
    """
    from_state = expected_from or order.state
    if to_state not in TRANSITIONS.get(from_state, set()):
        raise OrderStateError(order, to_state)
    now = timezone.now()
    closed = to_state in Order.CLOSED_STATES and to_state != State.FAILED
    updated = Order.objects.filter(pk=order.pk, state=from_state).update(
        state=to_state, updated_at=now, **({"closed_at": now} if closed else {})
    )
    if updated == 0:
        order.refresh_from_db()
        raise OrderStateError(order, to_state)
    actor_id = actor_id_of(actor)
    OrderEvent.objects.create(order=order, from_state=from_state, to_state=to_state,
                              actor_id=actor_id, public_note=public_note[:200])
    if to_state == State.CANCELLED:
        _stock_release(order=order, actor_id=actor_id)
    elif to_state == State.DELIVERED:
        StockEntry.objects.bulk_create([
            StockEntry(item_id=line.item_id, kind=StockEntry.Kind.HANDOUT, quantity=0,
                       order=order, actor_id=actor_id, note=str(line.quantity))
            for line in order.lines.all()
        ])
    order.refresh_from_db()
    transaction.on_commit(
        lambda: order_state_changed.send(sender=Order, order=order, from_state=from_state,
                                         to_state=to_state)
    )
    return order


def _stock_release(*, order: Order, actor_id: int | None) -> None:
    from django.db.models import F

    from catalog.models import Item

    for line in order.lines.order_by("item_id"):  # ordered: no deadlocks between releases
        Item.objects.filter(pk=line.item_id).update(available=F("available") + line.quantity)
        StockEntry.objects.create(item_id=line.item_id, kind=StockEntry.Kind.RELEASE,
                                  quantity=line.quantity, order=order, actor_id=actor_id)
