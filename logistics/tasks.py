"""Background jobs of deliveries: ids in, call a service. Each runs in its stall's schema."""

from __future__ import annotations

import logging
import random
import socket

import redis
from celery import shared_task
from django.db import DatabaseError, InterfaceError, OperationalError

from catalog.models import Order
from core import redis_guard
from logistics import batches, notifications, routing, runs, shipments
from logistics.carriers import CarrierUnavailable
from logistics.models import SaturdayRun

logger = logging.getLogger(__name__)

QUEUE = "logistics"
_jitter = random.SystemRandom()
# Lost connections and deadlocks pass; retry them with growing pauses.
TRANSIENT = (OperationalError, InterfaceError)
COMMON = {
    "queue": QUEUE,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 6,
}


def _is_timeout(exc: BaseException | None) -> bool:
    # kombu re-raises Redis errors as its own; the timeout is somewhere down the chain.
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, redis.TimeoutError | socket.timeout | TimeoutError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _give_up_on_a_hung_broker(exc, interval) -> None:
    # A reconnect is worth one try after a restart (a stale pooled connection), but not
    # after a timeout: the broker hangs, and a retry would only hold the request longer.
    if _is_timeout(exc):
        redis_guard.breaker.trip()
    if not redis_guard.available():
        raise exc


def retry_pause(retries: int) -> float:
    """Seconds before the next try of a message: 5, 10, 20... up to 5 minutes, plus jitter."""
    return min(300.0, 5.0 * 2**retries) + _jitter.uniform(0, 1)


def enqueue(task, *args, countdown: float | None = None, **kwargs) -> bool:
    """Send a task without ever breaking the caller: if Redis is down, the sweeper catches up.

    Bounded in time: at most about one broker timeout, and nothing at all while Redis has
    just timed out in this process (``core.redis_guard``).
    """
    if not redis_guard.available():
        logger.warning("Redis is not answering; %s%r is left to the sweeper", task.name, args)
        return False
    try:
        task.apply_async(
            args=args,
            kwargs=kwargs,
            countdown=countdown,
            retry=True,
            retry_policy={
                "max_retries": 1,
                "interval_start": 0,
                "interval_step": 0.2,
                "interval_max": 0.2,
                "errback": _give_up_on_a_hung_broker,
            },
        )
    except Exception as exc:  # noqa: BLE001 - any broker failure; the order itself is safe
        if _is_timeout(exc):
            redis_guard.breaker.trip()
        logger.warning(
            "could not enqueue %s%r; the sweeper will pick it up", task.name, args, exc_info=True
        )
        return False
    return True


@shared_task(name="logistics.order_step", soft_time_limit=30, time_limit=60, **COMMON)
def order_step(order_id: int, to_states: list[str]) -> None:
    """What follows the steps of an order: the recipient's messages, the route once confirmed.

    Sent after the steps' commit, so a request pays one message to the broker and no more.
    Both parts are idempotent (one message per history row, a guarded routing decision),
    so a task delivered twice does nothing twice.
    """
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return
    if Order.State.CONFIRMED in to_states and not order.delivery:
        routing.order_route(order_id=order_id)
    for to_state in to_states:
        notification = notifications.notification_queue(order=order, to_state=to_state)
        if notification is None:
            continue
        # Sent here rather than by one more task per message; a gateway that fails for
        # now gets the retrying task, and the sweeper catches anything left pending.
        try:
            notifications.notification_send(notification_id=notification.pk)
        except notifications.TransientSendError:
            enqueue(notification_send, notification.pk, countdown=retry_pause(0))


@shared_task(name="logistics.order_route", soft_time_limit=30, time_limit=60, **COMMON)
def order_route(order_id: int) -> str | None:
    decision = routing.order_route(order_id=order_id)
    return decision.delivery if decision else None


@shared_task(name="logistics.orders_route_sweep", soft_time_limit=300, time_limit=360, **COMMON)
def orders_route_sweep() -> int:
    return routing.orders_route_sweep()


@shared_task(name="logistics.run_plan", soft_time_limit=120, time_limit=180, **COMMON)
def run_plan(run_id: int | None = None) -> int | None:
    """Plan the given run, or (from beat, on Friday evening) the coming Saturday's."""
    run: SaturdayRun | None = (
        runs.run_for_new_stops()
        if run_id is None
        else SaturdayRun.objects.filter(pk=run_id).first()
    )
    if run is None or not run.signups.exists():
        return None
    try:
        run = runs.run_plan(run=run)
    except runs.RunError as exc:
        logger.info("run %s not planned: %s", run.pk, exc)
        return None
    return run.pk


@shared_task(name="logistics.batch_build", soft_time_limit=600, time_limit=660, **COMMON)
def batch_build(chunk: int = 200) -> int | None:
    batch = batches.batch_build(chunk=chunk)
    return batch.pk if batch else None


@shared_task(name="logistics.batch_build_resume", soft_time_limit=600, time_limit=660, **COMMON)
def batch_build_resume() -> int | None:
    """From beat, every few minutes: finish a batch whose builder died."""
    batch = batches.batch_build_resume()
    return batch.pk if batch else None


@shared_task(
    bind=True,
    name="logistics.notification_send",
    soft_time_limit=60,
    time_limit=90,
    **{**COMMON, "max_retries": 8},
)
def notification_send(self, notification_id: int) -> str | None:
    """Send one message; a busy gateway gets it again later, with growing pauses.

    Never twice: the send happens under the row's lock and only while it is pending.
    """
    try:
        sent = notifications.notification_send(notification_id=notification_id)
    except notifications.TransientSendError as exc:
        raise self.retry(exc=exc, countdown=retry_pause(self.request.retries + 1)) from exc
    return sent.status if sent else None


@shared_task(name="logistics.notifications_sweep", soft_time_limit=120, time_limit=180, **COMMON)
def notifications_sweep() -> int:
    """Re-send messages whose task never ran (Redis was down when they were queued)."""
    count = 0
    for pk in notifications.notifications_pending().values_list("pk", flat=True)[:500]:
        try:
            if notifications.notification_send(notification_id=pk):
                count += 1
        except (notifications.TransientSendError, DatabaseError):
            logger.info("notification %s still not sent", pk)
            break
    return count


@shared_task(
    bind=True,
    name="logistics.batch_ship",
    soft_time_limit=600,
    time_limit=660,
    **{**COMMON, "max_retries": 8},
)
def batch_ship(self, batch_id: int) -> int:
    """Book a ready batch's parcels with its carrier; an outage is retried, never doubled."""
    try:
        report = shipments.batch_ship(batch_id=batch_id)
    except CarrierUnavailable as exc:
        raise self.retry(exc=exc, countdown=retry_pause(self.request.retries + 1)) from exc
    except batches.BatchError as exc:
        logger.info("batch %s not shipped: %s", batch_id, exc)
        return 0
    return len(report.booked)


@shared_task(name="logistics.parcels_track", soft_time_limit=600, time_limit=660, **COMMON)
def parcels_track() -> int:
    """From beat: where each booked shipment is; delivered and returned ones close orders."""
    return shipments.parcels_track()
