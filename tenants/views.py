"""Pages of the tenants app: the public home and a stall's media."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.tenancy import current_schema
from tenants.collation import vi_sorted
from tenants.selectors import stalls_active, stalls_for_officer


@require_GET
def public_home(request):
    stalls = vi_sorted(
        stalls_active().select_related("unit").prefetch_related("domains")[:200],
        key=lambda stall: stall.name,
    )
    return render(
        request,
        "tenants/public_home.html",
        {"stalls": stalls, "officer_stalls": stalls_for_officer(user=request.user)},
    )


@require_GET
def media_serve(request, schema: str, path: str):
    """Serve an upload only on the host of the stall that owns it."""
    if schema != current_schema() or schema == "public":
        raise Http404
    root = (Path(settings.MEDIA_ROOT) / schema).resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise Http404
    content_type, _encoding = mimetypes.guess_type(target.name)
    response = FileResponse(
        target.open("rb"), content_type=content_type or "application/octet-stream"
    )
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
