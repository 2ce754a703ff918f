"""Volunteers joining and leaving: their consent (and a guardian's) as consent records.

The guardian rule for volunteers is written here once (``volunteer_needs_guardian``,
``volunteer_guardian``); the officers' form, the admin, sign-up for a run, run planning and
the demo call it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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

# The law's child is under 16 (recipients, ``privacy.notices.GUARDIAN_AGE``); the union goes
# further for its volunteers and asks a parent for every member under 18 (SECURITY.md).
VOLUNTEER_GUARDIAN_AGE = 18


def volunteer_needs_guardian(
    *, is_minor: bool, birth_year: int | None = None, today: dt.date | None = None
) -> bool:
    """Whether a volunteer may deliver only with a parent's or guardian's consent.

    Yes when the officer says the member is under 18, and whenever the birth year says they
    may still be: a member born 18 years before this year is 17 until their birthday, which
    a birth year alone cannot tell, so the doubt goes to the child.
    """
    if is_minor:
        return True
    if birth_year is None:
        return False
    year = (today or timezone.localdate()).year
    return year - birth_year <= VOLUNTEER_GUARDIAN_AGE


@dataclass(frozen=True)
class Guardian:
    """What the guardian rule decided for one volunteer: needed, and who consented."""

    needed: bool
    name: str = ""
    phone: str = ""


def volunteer_guardian(
    *,
    is_minor: bool,
    birth_year: int | None = None,
    guardian_name: str = "",
    guardian_phone: str = "",
    today: dt.date | None = None,
) -> Guardian:
    """The guardian rule: who needs one, and then the guardian's name and mobile number.

    Raises ``ValidationError`` naming each field that is wrong, in the officer's words. A
    member who needs no guardian keeps no guardian's details.
    """
    year = (today or timezone.localdate()).year
    if birth_year is not None and not year - 100 <= birth_year <= year:
        raise ValidationError(
            {"birth_year": _("Năm sinh chưa đúng. Hãy ghi năm sinh gồm 4 chữ số, ví dụ 2009.")}
        )
    if not volunteer_needs_guardian(is_minor=is_minor, birth_year=birth_year, today=today):
        return Guardian(needed=False)
    errors: dict[str, str] = {}
    name = " ".join((guardian_name or "").split())
    if not name:
        errors["guardian_name"] = _(
            "Đoàn viên dưới %(age)d tuổi: hãy ghi họ tên cha mẹ/người giám hộ đã đồng ý."
        ) % {"age": VOLUNTEER_GUARDIAN_AGE}
    phone = ""
    if not (guardian_phone or "").strip():
        errors["guardian_phone"] = _(
            "Đoàn viên dưới %(age)d tuổi: hãy ghi số điện thoại cha mẹ/người giám hộ đã đồng ý."
        ) % {"age": VOLUNTEER_GUARDIAN_AGE}
    else:
        try:
            phone = phone_normalise(guardian_phone)
        except ValidationError:
            errors["guardian_phone"] = _(
                "Số điện thoại của cha mẹ/người giám hộ chưa đúng. Hãy nhập số di động, ví dụ "
                "0901234567."
            )
    if errors:
        raise ValidationError(errors)
    return Guardian(needed=True, name=name[:120], phone=phone)


def volunteer_may_deliver(volunteer: Volunteer, *, today: dt.date | None = None) -> bool:
    """Active, and for a member who needs one, with the guardian's consent on record."""
    if not volunteer.is_active:
        return False
    needed = volunteer_needs_guardian(
        is_minor=volunteer.is_minor, birth_year=volunteer.birth_year, today=today
    )
    return not needed or volunteer.guardian_consent_at is not None


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
    guardian = volunteer_guardian(
        is_minor=volunteer.is_minor,
        birth_year=volunteer.birth_year,
        guardian_name=guardian_name or volunteer.guardian_name,
        guardian_phone=guardian_phone or volunteer.guardian_phone,
    )
    record = consent_record(
        subject_kind=SubjectKind.VOLUNTEER,
        subject_id=volunteer.pk,
        notice_version=notice_version,
        subject_is_minor=guardian.needed,
        guardian_name=guardian.name,
        guardian_phone=guardian.phone,
        recorded_by=recorded_by,
    )
    Volunteer.objects.filter(pk=volunteer.pk).update(
        is_minor=guardian.needed,
        guardian_name=guardian.name,
        guardian_phone=guardian.phone,
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
    guardian = volunteer_guardian(
        is_minor=is_minor,
        birth_year=birth_year,
        guardian_name=guardian_name,
        guardian_phone=guardian_phone,
    )
    volunteer = Volunteer.objects.create(
        name=" ".join(name.split()),
        chi_doan=chi_doan.strip().upper(),  # class names as the school writes them: 10A1
        phone=phone,
        birth_year=birth_year,
        is_minor=guardian.needed,
        guardian_name=guardian.name,
        guardian_phone=guardian.phone,
    )
    volunteer_consent_record(
        volunteer=volunteer, notice_version=notice_version, recorded_by=recorded_by
    )
    return volunteer


def volunteer_leave(*, volunteer: Volunteer) -> Volunteer:
    """The member stops volunteering: no new runs; their data goes after retention."""
    Volunteer.objects.filter(pk=volunteer.pk, left_at__isnull=True).update(
        is_active=False, left_at=timezone.now()
    )
    volunteer.refresh_from_db()
    return volunteer
