"""The page of last resort: a short Vietnamese answer, and 503 when the database is away.

While PostgreSQL restarts (or PgBouncer has lost it) a request fails in the database
driver. That is not a bug in the page but a moment of outage: the visitor gets 503 with
``Retry-After`` and "try again in a moment", and nothing already saved is touched.
"""

from __future__ import annotations

import sys

import psycopg
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


_OUTAGE = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)


def _caused_by_outage(error: BaseException | None) -> bool:
    """The database went away, here or in what this error was raised while handling.

    Code that cleans up after a lost connection (a transaction closing, a log line written
    in a ``finally``) fails with an error of its own, e.g. "You can't execute queries until
    the end of the 'atomic' block"; the outage is further down its chain.
    """
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, _OUTAGE):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def server_error(request, *args, **kwargs):
    """``handler500`` of both URL confs (no template: the template engine may be the fault)."""
    if _caused_by_outage(sys.exc_info()[1]):
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
