"""A route's printed sheet for the volunteer pair."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse

from logistics import selectors, services
from logistics.models import Route
from logistics.sheets import route_sheet_pdf
from logistics.views.common import pdf_response, stall_name
from privacy.audit import audited
from tenants.permissions import stall_officer_required


@stall_officer_required
@audited(object_type="logistics.route", id_kwarg="route_id", action="export")
def route_sheet(request, route_id: int):
    route = get_object_or_404(
        Route.objects.select_related("run", "volunteer_a", "volunteer_b"), pk=route_id
    )
    link = request.build_absolute_uri(
        reverse("logistics:volunteer-route", args=[services.route_link_token(route=route)])
    )
    pdf = route_sheet_pdf(
        route=route,
        stops=selectors.route_stops(route=route),
        stall_name=stall_name(),
        stop_link=lambda s: f"{link}#diem-{s.pk}",
    )
    return pdf_response(pdf, f"tuyen-{route.run.date:%Y%m%d}-{route.number}.pdf")
