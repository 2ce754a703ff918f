"""A temporary password for an officer who forgot theirs: from a colleague in the stall's
workspace, or from a district or province officer on the public host.

Issuing the password (tenants) and the line each stall concerned reads in its access log
(privacy) go in one transaction, so the composition root holds them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_tenants.utils import schema_context

from core.tenancy import current_schema
from privacy.models import AccessLog
from privacy.services import access_log_write
from tenants.accounts import (
    OVERSEER_ROLES,
    PasswordResetRefused,
    officer_password_reset,
    officer_password_resettable,
    officers_overseen,
    password_is_temporary,
    stall_officers,
)
from tenants.models import Stall
from tenants.permissions import stall_officer_required
from tenants.selectors import stalls_for_officer, units_with_role

# What the access log names: its "data" column reads "mật khẩu tạm" (the model's name).
LOG_OBJECT_TYPE = "tenants.temporarypassword"


@transaction.atomic
def officer_password_reset_logged(*, actor, target, stall: Stall | None, path: str) -> str:
    """Issue the temporary password and write who gave it to whom in the log of the stall
    (or, from the public host, of every stall the officer works for)."""
    password = officer_password_reset(actor=actor, target=target, stall=stall)
    stalls = [stall] if stall is not None else list(stalls_for_officer(user=target))
    for each in stalls:
        with schema_context(each.schema_name):
            access_log_write(
                user=actor,
                action=AccessLog.Action.CHANGE,
                object_type=LOG_OBJECT_TYPE,
                object_id=target.get_username(),
                path=path,
            )
    return password


def _password_page(request, *, user_id: int, stall: Stall | None, back: str):
    """GET asks to confirm; POST issues the password and shows it this once (never cached).

    An account the person may not reset answers 404, like one that does not exist.
    """
    target = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    if not officer_password_resettable(actor=request.user, target=target, stall=stall):
        raise Http404
    password = None
    if request.method == "POST":
        try:
            password = officer_password_reset_logged(
                actor=request.user, target=target, stall=stall, path=request.path
            )
        except PasswordResetRefused as refused:
            raise Http404 from refused
    return render(
        request,
        "gianhang/workspace_officer_password.html",
        {"target": target, "password": password, "back": back},
    )


@require_http_methods(["GET", "HEAD"])
@stall_officer_required
def officers(request):
    rows = [
        {
            "user": user,
            "is_me": user.pk == request.user.pk,
            "resettable": officer_password_resettable(
                actor=request.user, target=user, stall=request.tenant
            ),
            "temporary": password_is_temporary(user=user),
        }
        for user in stall_officers(stall=request.tenant)
    ]
    return render(request, "gianhang/workspace_officers.html", {"rows": rows})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@stall_officer_required
def officer_password(request, user_id: int):
    return _password_page(request, user_id=user_id, stall=request.tenant, back="workspace:officers")


def _overseer_required(view):
    """Public host only, for district and province officers."""

    @login_required
    def wrapper(request, *args, **kwargs):
        if current_schema() != "public":
            raise Http404
        if not units_with_role(user=request.user, roles=OVERSEER_ROLES).exists():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "HEAD"])
@_overseer_required
def overseen_officers(request):
    rows = [
        {
            "user": user,
            "stalls": stalls,
            "resettable": officer_password_resettable(actor=request.user, target=user),
            "temporary": password_is_temporary(user=user),
        }
        for user, stalls in officers_overseen(actor=request.user)
    ]
    return render(request, "gianhang/overseen_officers.html", {"rows": rows})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@_overseer_required
def overseen_officer_password(request, user_id: int):
    return _password_page(request, user_id=user_id, stall=None, back="overseen-officers")
