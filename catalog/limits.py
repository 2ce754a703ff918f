"""Request rate limits of the storefront (orders, tracking), on the shared Redis limiter."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from catalog.models import TrackingAttempt
from core import ratelimit
from core.client_address import client_ip

logger = logging.getLogger(__name__)

HOUR = 60 * 60

__all__ = ["client_ip", "order_attempt_allowed", "tracking_lookup_allowed"]


def order_attempt_allowed(*, request, phone: str | None) -> ratelimit.Verdict:
    """A burst guard per IP, then orders per phone in an hour. Fails open: the database
    limits still hold. One carrier address can be hundreds of households (see SECURITY.md).
    """
    per_ip = ratelimit.hit(
        scope="order-ip",
        subject=client_ip(request),
        limit=settings.GIANHANG_ORDER_LIMIT_PER_IP,
        window_seconds=settings.GIANHANG_IP_LIMIT_WINDOW_SECONDS,
    )
    if not per_ip.allowed or not phone:
        return per_ip
    return ratelimit.hit(
        scope="order-phone",
        subject=phone,
        limit=settings.GIANHANG_ORDER_LIMIT_PER_PHONE,
        window_seconds=HOUR,
    )


def tracking_lookup_allowed(*, request, code: str | None = None) -> ratelimit.Verdict:
    """Tracking lookups per IP, and per code: code + 4 digits must not be guessable.

    The one check of the tracking page and the tracking API alike. The per-code count holds
    against many addresses guessing the digits of one known code (seen on a parcel label,
    say): whatever the IPs, a code gets a few tries an hour, Redis up or down.
    """
    per_ip = ratelimit.hit(
        scope="track-ip",
        subject=client_ip(request),
        limit=settings.GIANHANG_TRACKING_LIMIT_PER_IP,
        window_seconds=settings.GIANHANG_IP_LIMIT_WINDOW_SECONDS,
    )
    if not per_ip.allowed or not code:
        return per_ip
    return tracking_code_allowed(code=code)


def tracking_code_allowed(*, code: str) -> ratelimit.Verdict:
    """Count one lookup of ``code``: on Redis, or in the database while Redis is down."""
    limit = settings.GIANHANG_TRACKING_LIMIT_PER_CODE
    verdict = ratelimit.hit(scope="track-code", subject=code, limit=limit, window_seconds=HOUR)
    if not verdict.degraded:
        return verdict
    return _tracking_code_hit_in_database(code=code, limit=limit, window_seconds=HOUR)


def _tracking_code_hit_in_database(*, code: str, limit: int, window_seconds: int):
    """Insert, then count: of N concurrent lookups the k-th committed sees at least k rows,
    so no more than ``limit`` pass in a window however many arrive at once."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:track-code:{code}".encode()).hexdigest()
    now = timezone.now()
    since = now - timedelta(seconds=window_seconds)
    try:
        TrackingAttempt.objects.filter(at__lt=since).delete()
        TrackingAttempt.objects.create(code_digest=digest)
        window = TrackingAttempt.objects.filter(code_digest=digest, at__gte=since)
        count = window.count()
        oldest = window.order_by("at").values_list("at", flat=True).first() or now
    except DatabaseError:
        logger.exception("tracking limit: neither Redis nor the database answered")
        return ratelimit.Verdict(allowed=False, count=0, limit=limit, retry_after=60, degraded=True)
    retry_after = window_seconds - int((now - oldest).total_seconds())
    return ratelimit.Verdict(
        allowed=count <= limit,
        count=count,
        limit=limit,
        retry_after=max(retry_after, 1),
        degraded=True,
    )
