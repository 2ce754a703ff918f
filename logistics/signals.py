"""Reacting to order steps: route confirmed orders, queue recipient messages."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from catalog.models import Order
from catalog.services import order_state_changed


@receiver(order_state_changed, sender=Order, dispatch_uid="logistics.order_step")
def order_step(sender, order: Order, from_state: str, to_state: str, **kwargs) -> None:
    from logistics import tasks
    from logistics.notifications import notification_queue

    if to_state == Order.State.CONFIRMED and not order.delivery:
        transaction.on_commit(lambda: tasks.enqueue(tasks.order_route, order.pk))
    notification = notification_queue(order=order, to_state=to_state)
    if notification is not None:
        transaction.on_commit(lambda: tasks.enqueue(tasks.notification_send, notification.pk))
