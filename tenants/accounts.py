"""Staff sign-in: where each role lands, passing a login to a stall's host, temporary passwords."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model, update_session_auth_hash
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from tenants.collation import vi_sorted
from tenants.models import Membership, Stall, TemporaryPassword
from tenants.selectors import (
    UserLike,
    stall_primary_domain,
    stalls_for_officer,
    units_with_role,
    user_is_platform_admin,
    user_is_stall_officer,
)

HANDOFF_SALT = "gianhang.login-handoff"
HANDOFF_MAX_AGE = 120  # seconds: the link is followed by the browser right away
SESSION_MUST_CHANGE = "gianhang_must_change_password"

WORKSPACE_HOME = "/can-bo/"
PLATFORM_ADMIN_HOME = "/quan-tri/"


@dataclass(frozen=True)
class Landing:
    """Where a person goes after signing in: a path on this host, or stalls to pick from."""

    path: str | None = None
    stalls: tuple[Stall, ...] = ()


def landing_for(*, user: UserLike, stall: Stall | None) -> Landing:
    """A school officer: their stall's workspace; district/province: their dashboard;
    platform admin: the platform admin. ``stall`` is the host's stall (None on the public host).
    """
    if stall is not None:
        if user_is_stall_officer(user=user, stall=stall):
            return Landing(path=WORKSPACE_HOME)
        return Landing()
    if user_is_platform_admin(user=user):
        return Landing(path=PLATFORM_ADMIN_HOME)
    oversight = list(
        units_with_role(
            user=user,
            roles=[Membership.Role.PROVINCE_OFFICER, Membership.Role.DISTRICT_OFFICER],
        ).order_by("depth", "pk")[:1]
    )
    if oversight:
        return Landing(path=f"/bao-cao/don-vi/{oversight[0].pk}/")
    stalls = tuple(stalls_for_officer(user=user).order_by("name"))
    return Landing(stalls=stalls)


def handoff_token(*, user, stall: Stall) -> str:
    """A one-time, two-minute token that signs ``user`` in on ``stall``'s host.

    Sessions are host-only, so a login made on the public host cannot simply carry over.
    """
    payload = {
        "u": user.pk,
        "s": stall.schema_name,
        "h": user.get_session_auth_hash(),
        "n": secrets.token_urlsafe(12),
    }
    return signing.dumps(payload, salt=HANDOFF_SALT, compress=True)


def handoff_user(*, token: str, stall: Stall):
    """The user a handoff token names, once, on the stall it was made for; else None."""
    try:
        payload = signing.loads(token, salt=HANDOFF_SALT, max_age=HANDOFF_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("s") != stall.schema_name:
        return None
    # cache.add is atomic on Redis: of two uses of one token only the first gets in.
    if not cache.add(f"login-handoff:{payload.get('n')}", 1, HANDOFF_MAX_AGE * 2):
        return None
    user_pk = payload.get("u")
    if user_pk is None:
        return None
    user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    if user is None or user.get_session_auth_hash() != payload.get("h"):
        return None
    if not user_is_stall_officer(user=user, stall=stall):
        return None
    return user


def stall_login_url(*, stall: Stall, token: str, port: str | None) -> str | None:
    domain = stall_primary_domain(stall=stall)
    if domain is None:
        return None
    host = domain if port in (None, "", "80", "443") else f"{domain}:{port}"
    return f"//{host}{reverse('login-handoff', args=[token])}"


def password_is_temporary(*, user) -> bool:
    return TemporaryPassword.objects.filter(user_id=user.pk).exists()


@transaction.atomic
def password_temporary_issue(*, user) -> str:
    """Give the account a new random password that must be replaced at the next login."""
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.save(update_fields=["password"])
    TemporaryPassword.objects.get_or_create(user=user)
    return password


@transaction.atomic
def password_set(*, user, password: str, request=None) -> None:
    """Set the person's own new password (already validated) and keep them signed in."""
    user.set_password(password)
    user.save(update_fields=["password"])
    TemporaryPassword.objects.filter(user=user).delete()
    if request is not None:
        update_session_auth_hash(request, user)
        request.session.pop(SESSION_MUST_CHANGE, None)


# --- Officers of a stall giving each other a temporary password ------------------------------

# Roles a stall's officer may hold and still be reset by a colleague: anything more (an
# oversight role, the platform) would let one stall's officer take over a wider account.
_RESETTABLE_ROLES = (Membership.Role.SCHOOL_OFFICER, Membership.Role.VOLUNTEER)


def stall_officers(*, stall: Stall) -> list:
    """The accounts holding the school-officer role on the stall's own unit, in Vietnamese
    order of their names."""
    users = (
        get_user_model()
        .objects.filter(
            memberships__unit_id=stall.unit_id,
            memberships__role=Membership.Role.SCHOOL_OFFICER,
            is_active=True,
        )
        .distinct()
    )
    return vi_sorted(users, key=lambda u: u.get_full_name() or u.get_username())


def officer_password_resettable(*, actor: UserLike, target, stall: Stall) -> bool:
    """May ``actor`` (an officer of ``stall``) issue a temporary password for ``target``?

    Only for another active officer of the same stall whose every role lies inside the
    stall's unit: never for oneself, a platform administrator or an account that also works
    for another unit (a reset would open that unit too).
    """
    if stall.unit is None or target.pk == actor.pk:
        return False
    if not target.is_active or target.is_superuser or target.is_staff:
        return False
    if not user_is_stall_officer(user=actor, stall=stall):
        return False
    memberships = list(Membership.objects.filter(user=target).select_related("unit"))
    return any(
        m.unit_id == stall.unit_id and m.role == Membership.Role.SCHOOL_OFFICER for m in memberships
    ) and all(
        m.role in _RESETTABLE_ROLES and m.unit.path.startswith(stall.unit.path) for m in memberships
    )


class PasswordResetRefused(Exception):
    """The officer may not issue a temporary password for that account."""


@transaction.atomic
def officer_password_reset(*, actor: UserLike, target, stall: Stall) -> str:
    """A temporary password for another officer of the stall; they set their own at next
    login. Refused (``PasswordResetRefused``) where ``officer_password_resettable`` says no."""
    target = get_user_model().objects.select_for_update().get(pk=target.pk)
    if not officer_password_resettable(actor=actor, target=target, stall=stall):
        raise PasswordResetRefused
    return password_temporary_issue(user=target)
