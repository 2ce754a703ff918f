"""API glue shared by every app: errors in the caller's language, never a 500 for bad input.

Every error under ``/api/`` is JSON with a ``detail`` sentence: DRF's own refusals (through
the exception handler), and what happens outside DRF (no such URL, a body too large, a
crash) through :func:`handler404`, :func:`handler500` and the input guard middleware.
JSON bodies are bounded in size and nesting depth before they are parsed (``core.parsers``).
"""

from __future__ import annotations

import logging
import math

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def minutes(seconds: int | float | None) -> int:
    """Whole minutes for a wait in seconds, rounded up and never 0."""
    return max(1, math.ceil((seconds or 60) / 60))


def throttled(*, retry_after: int) -> exceptions.Throttled:
    """A 429 whose sentence counts minutes (the header ``Retry-After`` keeps the seconds)."""
    exc = exceptions.Throttled(detail=_throttled_text(retry_after))
    exc.wait = retry_after
    return exc


def _throttled_text(seconds) -> str:
    return _("Bạn đã gửi quá nhiều yêu cầu. Hãy thử lại sau %(m)d phút.") % {"m": minutes(seconds)}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Không tìm thấy."))
    elif isinstance(exc, exceptions.Throttled):
        # DRF's text ends in "Expected available in N seconds.": say minutes, in Vietnamese.
        wait = exc.wait
        exc = exceptions.Throttled(detail=_throttled_text(wait))
        exc.wait = wait
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = _with_detail(response.data)
    return response


def _with_detail(data):
    """Every error body is an object with a ``detail`` sentence, field errors kept beside it."""
    if isinstance(data, dict):
        if "detail" not in data:
            return {
                "detail": _("Dữ liệu gửi lên chưa đúng. Hãy xem lại các trường báo lỗi."),
                **data,
            }
        return data
    if isinstance(data, list):
        first = data[0] if data else _("Dữ liệu gửi lên chưa đúng.")
        return {"detail": first, "errors": data}
    return {"detail": data}


# --- Outside DRF: Django's error handlers, JSON on API paths -------------------------------


def api_error(status_code: int, detail: str) -> JsonResponse:
    return JsonResponse(
        {"detail": detail}, status=status_code, json_dumps_params={"ensure_ascii": False}
    )


def handler400(request, exception=None):
    if is_api_path(request.path):
        return api_error(400, _("Yêu cầu không hợp lệ."))
    return defaults.bad_request(request, exception)


def handler404(request, exception=None):
    if is_api_path(request.path):
        return api_error(404, _("Không tìm thấy địa chỉ API này."))
    return defaults.page_not_found(request, exception)


def handler500(request):
    if is_api_path(request.path):
        return api_error(500, _("Máy chủ gặp lỗi khi xử lý yêu cầu. Hãy thử lại sau ít phút."))
    return defaults.server_error(request)
