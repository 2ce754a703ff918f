"""Refuses unusable requests before any view reads them: NUL in the query, oversized API bodies.

A NUL byte in a query parameter can never match anything and PostgreSQL refuses it in a
text parameter (``psycopg.DataError``): such requests answer 400 with a sentence, as JSON
under ``/api/`` and as a short page elsewhere. An API body declared larger than the API's
limit answers 413 unread.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.api import api_error, is_api_path
from core.parsers import JSON_MAX_BYTES


def query_has_nul(request) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in _query_pairs(request))


def _query_pairs(request):
    for key, values in request.GET.lists():
        for value in values:
            yield key, value


def bad_request(request, message: str, *, status: int = 400) -> HttpResponse:
    """A short refusal: JSON ``{"detail": ...}`` under /api/, a plain Vietnamese page elsewhere."""
    if is_api_path(request.path):
        return api_error(status, message)
    title = escape(_("Yêu cầu không hợp lệ"))
    home = escape(_("Về trang chủ"))
    page = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head>"
        f"<body><main><h1>{title}</h1><p>{escape(message)}</p>"
        f'<p><a href="/">{home}</a></p></main></body></html>'
    )
    return HttpResponse(page, status=status, content_type="text/html; charset=utf-8")


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if query_has_nul(request):
            return bad_request(
                request, _("Địa chỉ có ký tự không hợp lệ (NUL). Hãy sửa lại đường dẫn.")
            )
        if is_api_path(request.path) and _declared_length(request) > JSON_MAX_BYTES:
            return bad_request(
                request,
                _("Dữ liệu gửi lên quá lớn (tối đa %(kb)d KB).") % {"kb": JSON_MAX_BYTES // 1024},
                status=413,
            )
        return self.get_response(request)


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
