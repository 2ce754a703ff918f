"""Volunteers joining and leaving: their consent (and a guardian's) as consent records."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.phones import phone_normalise
from logistics.models import Volunteer
from privacy.models import ConsentRecord, SubjectKind
from privacy.notices import NOTICE_CURRENT
from privacy.services import consent_record
from tenants.collation import vi_sort_key


@transaction.atomic
def volunteer_consent_record(
    *,
    volunteer: Volunteer,
    notice_version: str = NOTICE_CURRENT,
    guardian_name: str = "",
    guardian_phone: str = "",
    recorded_by=None,
) -> ConsentRecord:
    """File the consent shown at sign-up (a parent's too for a minor) as a consent record.

    The record is the proof; the volunteer row keeps a copy of the guardian's acceptance
    so run planning can filter on it. Idempotent per notice version.
    """
    guardian_name = (guardian_name or volunteer.guardian_name).strip()
    guardian_phone = (guardian_phone or volunteer.guardian_phone).strip()
    if volunteer.is_minor and guardian_phone:
        try:
            guardian_phone = phone_normalise(guardian_phone)
        except ValidationError as exc:
            raise ValidationError(
                {"guardian_phone": _("Số điện thoại của cha mẹ không hợp lệ.")}
            ) from exc
    record = consent_record(
        subject_kind=SubjectKind.VOLUNTEER,
        subject_id=volunteer.pk,
        notice_version=notice_version,
        subject_is_minor=volunteer.is_minor,
        guardian_name=guardian_name if volunteer.is_minor else "",
        guardian_phone=guardian_phone if volunteer.is_minor else "",
        recorded_by=recorded_by,
    )
    Volunteer.objects.filter(pk=volunteer.pk).update(
        guardian_name=record.guardian_name or volunteer.guardian_name,
        guardian_phone=record.guardian_phone or volunteer.guardian_phone,
        guardian_consent_at=record.guardian_accepted_at,
    )
    volunteer.refresh_from_db()
    return record


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
def volunteer_register(
    *,
    name: str,
    chi_doan: str,
    phone: str,
    is_minor: bool,
    birth_year: int | None = None,
    guardian_name: str = "",
    guardian_phone: str = "",
    notice_version: str = NOTICE_CURRENT,
    recorded_by=None,
) -> Volunteer:
    """A new volunteer with their consent on file; nothing is saved if the consent is not."""
    try:
        phone = phone_normalise(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": _("Số điện thoại không hợp lệ.")}) from exc
    volunteer = Volunteer.objects.create(
        name=" ".join(name.split()),
        chi_doan=chi_doan.strip().upper(),  # class names as the school writes them: 10A1
        phone=phone,
        birth_year=birth_year,
        is_minor=is_minor,
        guardian_name=" ".join(guardian_name.split()),
    )
    volunteer_consent_record(
        volunteer=volunteer,
        notice_version=notice_version,
        guardian_name=guardian_name,
        guardian_phone=guardian_phone,
        recorded_by=recorded_by,
    )
    return volunteer


def volunteer_leave(*, volunteer: Volunteer) -> Volunteer:
    """The member stops volunteering: no new runs; their data goes after retention."""
    Volunteer.objects.filter(pk=volunteer.pk, left_at__isnull=True).update(
        is_active=False, left_at=timezone.now()
    )
    volunteer.refresh_from_db()
    return volunteer
