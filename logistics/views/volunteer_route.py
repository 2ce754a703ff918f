"""The volunteers' phone page: no account, a signed link per route."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from logistics import selectors, services
from logistics.forms import StopMarkForm
from logistics.models import RunStop
from logistics.runs import route_from_token
from logistics.views.common import act
from privacy.audit import audited


def _route_or_refuse(request, token: str):
    try:
        return route_from_token(token=token), None
    except (signing.BadSignature, ValueError):
        response = render(request, "logistics/link_invalid.html", status=403)
        response["Cache-Control"] = "private, no-store"
        return None, response


@audited(object_type="logistics.route", link_visitor="liên kết tuyến giao", masked_kwarg="token")
def volunteer_route(request, token: str):
    route, refused = _route_or_refuse(request, token)
    if refused:
        return refused
    request.personal_data_object_id = route.pk
    response = render(
        request,
        "logistics/volunteer_route.html",
        {
            "route": route,
            "token": token,
            "stops": selectors.route_stops(route=route, withdrawn=True),
            "reasons": RunStop.FailReason.choices,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def volunteer_stop_mark(request, token: str, stop_id: int):
    route, refused = _route_or_refuse(request, token)
    if refused:
        return refused
    stop = RunStop.objects.filter(pk=stop_id, route=route).first()
    if stop is None:
        messages.error(
            request,
            _("Điểm giao này không còn trong tuyến của bạn. Đừng giao; hãy báo cán bộ Đoàn."),
        )
        return redirect("logistics:volunteer-route", token=token)
    form = StopMarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn đã giao hoặc không giao được."))
    else:
        act(
            request,
            lambda: services.stop_mark(stop=stop, **form.cleaned_data),
            _("Đã ghi điểm %(n)d.") % {"n": stop.position},
        )
    return redirect(reverse("logistics:volunteer-route", args=[token]) + f"#diem-{stop.pk}")
