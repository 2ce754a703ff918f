"""The site icon at the address browsers ask for first, ``/favicon.ico``, on every host."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

ICON = "gianhang/favicon.ico"


@require_GET
@cache_control(public=True, max_age=60 * 60 * 24 * 7)
def favicon(request: HttpRequest) -> FileResponse:
    path = finders.find(ICON)
    if not path:  # pragma: no cover - the icon ships with the package
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115
