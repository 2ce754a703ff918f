"""Reads about units, stalls and who may do what where."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from tenants.models import Membership, Stall, Unit

OVERSIGHT_ROLES = (
    Membership.Role.PROVINCE_OFFICER,
    Membership.Role.DISTRICT_OFFICER,
    Membership.Role.SCHOOL_OFFICER,
)

UserLike = User | AnonymousUser


def units_with_role(*, user: UserLike, roles: Iterable[str]) -> QuerySet[Unit]:
    """Units on which the user holds one of the roles (not the ones below them)."""
    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(memberships__user=user, memberships__role__in=list(roles)).distinct()


def _covering(units: QuerySet[Unit]) -> Q:
    paths = list(units.values_list("path", flat=True))
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(path__startswith=path)
    return query


def units_overseen_by(*, user: UserLike) -> QuerySet[Unit]:
    """Every unit a province, district or school officer may see counts for."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if user_is_platform_admin(user=user):
        return Unit.objects.all()
    return Unit.objects.filter(_covering(units_with_role(user=user, roles=OVERSIGHT_ROLES)))


def user_oversees_unit(*, user: UserLike, unit: Unit) -> bool:
    return units_overseen_by(user=user).filter(pk=unit.pk).exists()


def user_is_platform_admin(*, user: UserLike) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(
        getattr(user, "is_superuser", False)
        or Membership.objects.filter(user=user, role=Membership.Role.PLATFORM_ADMIN).exists()
    )


def user_is_stall_officer(*, user: UserLike, stall: Stall | None) -> bool:
    """May this person run this stall's staff pages (with its recipients' personal data)?

    Only school officers whose unit is the stall's unit or lies above it: district and
    province officers oversee counts, never the personal data inside a stall.
    """
    if stall is None or stall.is_public or stall.unit_id is None:
        return False
    if not user.is_authenticated or not user.is_active:
        return False
    if stall.unit is None:  # narrowed for the type checker: unit_id was checked above
        return False
    unit_path = stall.unit.path
    return (
        Membership.objects.filter(
            user=user,
            role=Membership.Role.SCHOOL_OFFICER,
        )
        .filter(Q(unit_id=stall.unit_id) | Q(unit__path__in=_ancestor_paths(unit_path)))
        .exists()
    )


def _ancestor_paths(path: str) -> list[str]:
    ids = [part for part in path.split("/") if part]
    return ["/" + "/".join(ids[:n]) + "/" for n in range(1, len(ids))]


def stalls_for_officer(*, user: UserLike) -> QuerySet[Stall]:
    """The stalls whose staff pages this person may open (for links after login)."""
    if not user.is_authenticated:
        return Stall.objects.none()
    units = units_with_role(user=user, roles=[Membership.Role.SCHOOL_OFFICER])
    return (
        Stall.objects.exclude(schema_name="public")
        .filter(unit__in=Unit.objects.filter(_covering(units)))
        .select_related("unit")
        .prefetch_related("domains")
    )


def stall_primary_domain(*, stall: Stall) -> str | None:
    domain = stall.domains.filter(is_primary=True).values_list("domain", flat=True).first()
    return domain


def stalls_active() -> QuerySet[Stall]:
    return Stall.objects.exclude(schema_name="public").filter(is_active=True)
