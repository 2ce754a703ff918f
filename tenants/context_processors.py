"""Template context: the stall this request is for (None on the public site)."""

from __future__ import annotations

from django.conf import settings


def stall(request):
    tenant = getattr(request, "tenant", None)
    current = tenant if tenant is not None and not tenant.is_public else None
    return {"stall": current, "base_domain": settings.BASE_DOMAIN}
