"""Shared by the delivery pages: the failures they show, acting on them, PDF responses."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse

from catalog.services import OrderStateError
from logistics import services
from logistics.zones import current_stall

# OrderStateError: two people acted on the same order at once; its message says what happened.
FAILURES = (services.BatchError, services.RunError, services.RoutingError, OrderStateError)


def sender_address() -> str:
    stall = current_stall()
    commune = stall.commune
    return stall.sender_address or (str(commune) if commune else "")


def stall_name() -> str:
    return current_stall().name


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def act(request, action, success: str):
    try:
        action()
    except FAILURES as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True
