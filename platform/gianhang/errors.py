"""The page of last resort: a short Vietnamese answer, and 503 when the database is away.

While PostgreSQL restarts (or PgBouncer has lost it) a request fails in the database
driver. That is not a bug in the page but a moment of outage: the visitor gets 503 with
``Retry-After`` and "try again in a moment", and nothing already saved is touched.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 10

_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body><h1>{title}</h1><p>{text}</p></body></html>
"""


def server_error(request, *args, **kwargs):
    """``handler500`` of both URL confs (no template: the template engine may be the fault)."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        status = 503
        title = _("Hệ thống đang bận")
        text = _("Máy chủ đang khởi động lại. Hãy thử lại sau khoảng 10 giây.")
    else:
        status = 500
        title = _("Có lỗi ở máy chủ")
        text = _("Xin lỗi, trang này đang gặp lỗi. Hãy thử lại sau ít phút.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": text}, status=status)
    else:
        response = HttpResponse(_PAGE.format(title=escape(title), text=escape(text)), status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
