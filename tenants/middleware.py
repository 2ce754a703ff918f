"""Keeps a login inside the stall where it was made."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect

from core.tenancy import current_schema
from tenants.accounts import SESSION_MUST_CHANGE

SESSION_SCHEMA_KEY = "gianhang_schema"


@receiver(user_logged_in)
def _bind_session_to_schema(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_SCHEMA_KEY] = current_schema()


class StallSessionMiddleware:
    """Log out a session presented on a host other than the one it was made on.

    Cookies are host-only already; this also covers a cookie copied by hand or a
    misconfigured proxy. Sessions never carry from one stall to another.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            bound = session.get(SESSION_SCHEMA_KEY)
            if bound != current_schema():
                logout(request)
        return self.get_response(request)


class TemporaryPasswordMiddleware:
    """Until a handed-out password is replaced, every page leads to the new-password form."""

    ALLOWED_PREFIXES = ("/dang-nhap/", "/dang-xuat/", "/static/", "/i18n/", "/healthz", "/readyz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(SESSION_MUST_CHANGE)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            return redirect("password-new")
        return self.get_response(request)
