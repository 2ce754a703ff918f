"""Reactions of distribution to other apps: hand new messages to the worker, offer new
stock to the wanted list."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from catalog.models import Item
from catalog.stock import stock_taken_in
from distribution import tasks
from distribution.messages import message_queued
from distribution.models import Message
from distribution.wishes import wishes_offer

logger = logging.getLogger(__name__)


@receiver(message_queued, sender=Message, dispatch_uid="distribution.message_queued")
def message_hand_over(sender, message_id: int, **kwargs) -> None:
    # Redis down: the message stays pending and the sweep sends it later.
    tasks.enqueue(tasks.message_send, message_id)


@receiver(stock_taken_in, sender=Item, dispatch_uid="distribution.stock_taken_in")
def intake_offer(sender, item_id: int, quantity: int, **kwargs) -> None:
    """New stock (an intake or a donation) goes first to the oldest matching wishes.

    Runs after the intake's commit, in the officer's request: a few rows, and the officer
    sees at once what was held for whom. A failure here never undoes the intake.
    """
    try:
        wishes_offer(item_id=item_id, units=quantity)
    except Exception:
        logger.exception("offering item %s to the wanted list failed; the sweep retries", item_id)
