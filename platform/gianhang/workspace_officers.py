"""The stall's officers, and a temporary password for one who forgot theirs.

Issuing the password (tenants) and the line the stall reads in its access log (privacy) go
in one transaction, so the composition root holds them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from privacy.models import AccessLog
from privacy.services import access_log_write
from tenants.accounts import (
    PasswordResetRefused,
    officer_password_reset,
    officer_password_resettable,
    password_is_temporary,
    stall_officers,
)
from tenants.permissions import stall_officer_required

# What the access log names: its "data" column reads "mật khẩu tạm" (the model's name).
LOG_OBJECT_TYPE = "tenants.temporarypassword"


@transaction.atomic
def officer_password_reset_logged(*, request, target) -> str:
    """Issue the temporary password and write who gave it to whom in the stall's log."""
    password = officer_password_reset(actor=request.user, target=target, stall=request.tenant)
    access_log_write(
        user=request.user,
        action=AccessLog.Action.CHANGE,
        object_type=LOG_OBJECT_TYPE,
        object_id=target.get_username(),
        path=request.path,
    )
    return password


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
    """GET asks to confirm; POST issues the password and shows it this once (never cached).

    Another stall's officer, oneself, or an account that may not be reset: 404, the same
    answer as an account that does not exist.
    """
    target = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    if not officer_password_resettable(actor=request.user, target=target, stall=request.tenant):
        raise Http404
    password = None
    if request.method == "POST":
        try:
            password = officer_password_reset_logged(request=request, target=target)
        except PasswordResetRefused as refused:
            raise Http404 from refused
    return render(
        request,
        "gianhang/workspace_officer_password.html",
        {"target": target, "password": password},
    )
