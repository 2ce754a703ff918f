"""Reacting to order steps: route confirmed orders, queue recipient messages."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from catalog.models import Order, OrderEvent
from catalog.services import order_state_changed


@receiver(order_state_changed, sender=Order, dispatch_uid="logistics.order_step")
def order_step(
    sender, order: Order, from_state: str, to_state: str, steps: tuple[str, ...] = (), **kwargs
) -> None:
    """Hand the step to the worker: one message to the broker, nothing more in the request."""
    # Imported at call time: the tasks module pulls in the Celery app and the services.
    from logistics import tasks
    from logistics.notifications import notification_queue

    states = list(steps or (to_state,))

    def hand_over() -> None:
        if tasks.enqueue(tasks.order_step, order.pk, states):
            return
        # Broker down: the messages go to the outbox now and its sweeper sends them later;
        # the periodic routing sweeper decides the route of anything confirmed.
        for state in states:
            notification_queue(order=order, to_state=state)

    transaction.on_commit(hand_over)


@receiver(post_save, sender=OrderEvent, dispatch_uid="logistics.order_cancelled")
def order_cancelled(sender, instance: OrderEvent, created: bool, **kwargs) -> None:
    """A cancelled order leaves its run and its unsent batch in the same transaction.

    The history row is written in the transaction that cancels the order (recipient,
    officer, admin or privacy request alike), so nothing can see the order cancelled and
    still on a route or in a batch.
    """
    from logistics.batches import parcel_withdraw
    from logistics.runs import stop_withdraw

    if created and instance.to_state == Order.State.CANCELLED:
        stop_withdraw(order_id=instance.order_id)
        parcel_withdraw(order_id=instance.order_id)
