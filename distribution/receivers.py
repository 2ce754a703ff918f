"""Hand new round messages to the worker once their step has committed."""

from __future__ import annotations

from django.dispatch import receiver

from distribution import tasks
from distribution.messages import message_queued
from distribution.models import Message


@receiver(message_queued, sender=Message, dispatch_uid="distribution.message_queued")
def message_hand_over(sender, message_id: int, **kwargs) -> None:
    # Redis down: the message stays pending and the sweep sends it later.
    tasks.enqueue(tasks.message_send, message_id)
