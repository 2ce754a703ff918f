"""The volunteers' route page offline: its service worker and the marks a phone sends late."""

from __future__ import annotations

import json
import uuid

from django.core import signing
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from catalog.services import OrderStateError
from logistics import services
from logistics.forms import StopMarkForm
from logistics.runs import route_from_token

# A mark is a few ids and a note of at most 200 characters.
MARK_MAX_BYTES = 4096


@require_GET
def service_worker(request):
    """Served from /giao/ so that it may keep the route pages under it for offline use."""
    response = HttpResponse(
        render_to_string("logistics/sw.js"), content_type="application/javascript; charset=utf-8"
    )
    # A phone picks up a new version at its next visit.
    response["Cache-Control"] = "no-cache"
    return response


def _refuse(message: str, status: int) -> JsonResponse:
    response = JsonResponse({"ok": False, "message": message}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


# The signed link is the credential (volunteers have no account and no session), so a
# cross-site form could not use it without knowing it: no CSRF token is needed here.
@csrf_exempt
@require_POST
def volunteer_mark(request, token: str):
    """A mark queued on a phone: JSON {mark_id, stop_id, outcome, reason, note}.

    200 with the stop's new state (also when the same mark arrives again), 409 when the
    mark cannot be applied (the phone shows why), 400 for a malformed mark.
    """
    try:
        route = route_from_token(token=token)
    except (signing.BadSignature, ValueError):
        return _refuse(_("Liên kết tuyến đã hết hạn hoặc bị thu hồi. Hãy báo cán bộ Đoàn."), 403)
    if int(request.META.get("CONTENT_LENGTH") or 0) > MARK_MAX_BYTES:
        return _refuse(_("Dữ liệu đánh dấu không hợp lệ. Hãy tải lại trang."), 400)
    try:
        body = json.loads(request.body or b"{}")
        mark_id = uuid.UUID(str(body.get("mark_id", "")))
        stop_id = int(body.get("stop_id"))
    except (ValueError, TypeError, AttributeError):
        return _refuse(_("Dữ liệu đánh dấu không hợp lệ. Hãy tải lại trang."), 400)
    form = StopMarkForm(
        {
            "outcome": body.get("outcome", ""),
            "reason": body.get("reason", ""),
            "note": body.get("note", ""),
        }
    )
    if not form.is_valid():
        return _refuse(_("Hãy chọn đã giao hoặc không giao được."), 400)
    try:
        mark, _new = services.stop_mark_once(
            route=route, mark_id=mark_id, stop_id=stop_id, **form.cleaned_data
        )
    except (services.RunError, OrderStateError) as exc:
        return _refuse(str(exc), 409)
    return JsonResponse(
        {"ok": mark.accepted, "stop_id": mark.stop_id, "message": mark.answer},
        status=200 if mark.accepted else 409,
    )
