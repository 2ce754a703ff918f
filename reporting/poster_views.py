"""Poster PDFs: a stall's own (its workspace) and a district's list of stalls (public host)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from reporting.pool import stalls_below
from reporting.posters import district_poster_pdf, poster_stall_of, stall_poster_pdf
from reporting.views import _unit_for, public_only
from tenants.permissions import stall_officer_required


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _where(request) -> dict[str, str]:
    return {"scheme": request.scheme, "port": str(request.get_port())}


@require_GET
@stall_officer_required
def stall_poster(request):
    stall = request.tenant
    return _pdf(stall_poster_pdf(poster_stall_of(stall, **_where(request))), f"{stall.slug}.pdf")


@public_only
@login_required
@require_GET
def unit_poster(request, unit_id: int):
    unit = _unit_for(request, unit_id)
    stalls = [poster_stall_of(stall, **_where(request)) for stall in stalls_below(unit)]
    return _pdf(district_poster_pdf(title=unit.name, stalls=stalls), "gian-hang.pdf")
