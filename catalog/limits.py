"""Request rate limits of the storefront (orders, tracking), on the shared Redis limiter."""

from __future__ import annotations

from django.conf import settings

from gianhang import ratelimit

HOUR = 60 * 60


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def order_attempt_allowed(*, request, phone: str | None) -> ratelimit.Verdict:
    """Orders per IP and per phone in an hour. Fails open: the database limits still hold."""
    per_ip = ratelimit.hit(
        scope="order-ip",
        subject=client_ip(request),
        limit=settings.GIANHANG_ORDER_LIMIT_PER_IP,
        window_seconds=HOUR,
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
        window_seconds=600,
    )
    if not per_ip.allowed or not code:
        return per_ip
    return ratelimit.hit(
        scope="track-code",
        subject=code,
        limit=settings.GIANHANG_TRACKING_LIMIT_PER_CODE,
        window_seconds=HOUR,
    )
