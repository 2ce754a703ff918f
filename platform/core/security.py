"""Hardening shared by every host: pages with personal data are never stored by a cache."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.utils.cache import add_never_cache_headers

PERSONAL_DATA_ATTR = "shows_personal_data"


def personal_data_page(view):
    """Mark a view whose response shows personal data: it is sent with ``no-store``.

    Use it on pages an anonymous person can open too (tracking, privacy requests): a shared
    phone's browser, a school computer or a proxy must not keep a copy of them.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request._shows_personal_data = True
        return view(request, *args, **kwargs)

    setattr(wrapper, PERSONAL_DATA_ATTR, True)
    return wrapper


class NoStoreMiddleware:
    """``Cache-Control: no-store`` for marked views and for every signed-in person's page.

    A signed-in person is staff (officer, volunteer, union officer): anything they see may
    carry names, phones and addresses, so nothing of it is kept by a browser or proxy.
    Static files and stall media are left alone: they never hold personal data.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._skip = tuple(p for p in (settings.STATIC_URL, settings.MEDIA_URL) if p)

    def __call__(self, request):
        response = self.get_response(request)
        marked = getattr(request, "_shows_personal_data", False)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if marked or (signed_in and not request.path.startswith(self._skip)):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
            response["Pragma"] = "no-cache"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # A function view marked with the decorator, or a class view (DRF too) that says so.
        view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
        if getattr(view_func, PERSONAL_DATA_ATTR, False) or getattr(
            view_class, PERSONAL_DATA_ATTR, False
        ):
            request._shows_personal_data = True
        return None
