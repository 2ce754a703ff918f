"""Background jobs of distribution rounds: thin, ids in, call a service, in the stall's schema."""

from __future__ import annotations

from celery import shared_task

from distribution import messages, services, wishes
from logistics.tasks import COMMON, enqueue

__all__ = ["enqueue", "message_send", "messages_sweep", "rounds_sweep"]


@shared_task(name="distribution.message_send", soft_time_limit=30, time_limit=60, **COMMON)
def message_send(message_id: int) -> str | None:
    message = messages.message_send(message_id=message_id)
    return message.status if message else None


@shared_task(name="distribution.messages_sweep", soft_time_limit=120, time_limit=180, **COMMON)
def messages_sweep() -> int:
    sent = 0
    for message in messages.messages_pending()[:500]:
        try:
            if messages.message_send(message_id=message.pk):
                sent += 1
        except messages.TransientSendError:
            break
    return sent


@shared_task(name="distribution.rounds_sweep", soft_time_limit=300, time_limit=360, **COMMON)
def rounds_sweep() -> dict[str, int]:
    """Close rounds whose window ended; pass on holds that ran out; expire old wishes."""
    return {
        "closed": services.rounds_close_due(),
        "passed_on": services.allocations_pass_on_due(),
        "holds_expired": wishes.wish_holds_expire_due(),
        "wishes_expired": wishes.wishes_expire_due(),
    }
