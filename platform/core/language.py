"""Which language a page speaks: Vietnamese, unless the person chose English on the site.

Django's LocaleMiddleware lets the browser's Accept-Language decide. Here a phone's own
setting does not: many phones in Viet Nam are set to English while their owners read
Vietnamese, and a page and the requests its script or service worker sends in the
background (which some browsers send with another Accept-Language) must never disagree.
The choice is the language cookie the switch on every page sets (Django's set_language).
API clients (/api/) negotiate with Accept-Language as usual.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def language_chosen(request) -> str:
    """The language the person chose with the switch, or the site's own (Vietnamese)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in dict(settings.LANGUAGES):
        return chosen
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request) -> None:
        if request.path_info.startswith("/api/"):
            super().process_request(request)
            return
        translation.activate(language_chosen(request))
        request.LANGUAGE_CODE = translation.get_language()
