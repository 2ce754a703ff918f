"""Volunteers of a stall: reads in the order a school list uses, and signing one up."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from logistics.models import Volunteer
from tenants.collation import vi_sort_key


def volunteer_list_key(volunteer: Volunteer) -> tuple:
    """School lists sort by given name (the last word), then the whole name."""
    words = volunteer.name.split()
    return (vi_sort_key(words[-1] if words else ""), vi_sort_key(volunteer.name))


def volunteers_in_list_order(*, active_only: bool = False) -> list[Volunteer]:
    volunteers = Volunteer.objects.all()
    if active_only:
        volunteers = volunteers.filter(is_active=True)
    return sorted(volunteers, key=volunteer_list_key)


@transaction.atomic
def volunteer_create(
    *,
    name: str,
    chi_doan: str,
    phone: str,
    birth_year: int | None = None,
    is_minor: bool = True,
    guardian_name: str = "",
    guardian_consent: bool = False,
) -> Volunteer:
    volunteer = Volunteer(
        name=" ".join(name.split()),
        chi_doan=chi_doan.strip().upper(),
        phone=phone,
        birth_year=birth_year,
        is_minor=is_minor,
        guardian_name=" ".join(guardian_name.split()),
        guardian_consent_at=timezone.now() if is_minor and guardian_consent else None,
    )
    volunteer.full_clean()
    volunteer.save()
    return volunteer
