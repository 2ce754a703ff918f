"""Request rate limits of the storefront (orders, tracking), on the shared Redis limiter."""

from __future__ import annotations

from django.conf import settings

from gianhang import ratelimit
from gianhang.client_address import client_ip

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

    The per-code count holds against many addresses guessing the digits of one known code
    (seen on a parcel label, say): whatever the IPs, a code gets a few tries an hour.
    """
    per_ip = ratelimit.hit(
        scope="track-ip",
        subject=client_ip(request),
        limit=settings.GIANHANG_TRACKING_LIMIT_PER_IP,
        window_seconds=settings.GIANHANG_IP_LIMIT_WINDOW_SECONDS,
    )
    if not per_ip.allowed or not code:
        return per_ip
    return ratelimit.hit(
        scope="track-code",
        subject=code,
        limit=settings.GIANHANG_TRACKING_LIMIT_PER_CODE,
        window_seconds=HOUR,
    )
