"""Addresses at checkout: the current two-level list, and old addresses with districts."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db.models import QuerySet

from tenants.geography import commune_current
from tenants.models import AdminArea

logger = logging.getLogger(__name__)

Era, Level = AdminArea.Era, AdminArea.Level


def provinces_current() -> QuerySet[AdminArea]:
    return AdminArea.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).order_by("name")


def communes_current(*, province_id: int | None) -> QuerySet[AdminArea]:
    if not province_id:
        return AdminArea.objects.none()
    return AdminArea.objects.filter(
        era=Era.CURRENT, level=Level.COMMUNE, parent_id=province_id
    ).order_by("name")


def provinces_legacy() -> QuerySet[AdminArea]:
    return AdminArea.objects.filter(era=Era.LEGACY, level=Level.PROVINCE).order_by("name")


def districts_legacy(*, province_id: int | None) -> QuerySet[AdminArea]:
    if not province_id:
        return AdminArea.objects.none()
    return AdminArea.objects.filter(
        era=Era.LEGACY, level=Level.DISTRICT, parent_id=province_id
    ).order_by("name")


def communes_legacy(*, district_id: int | None) -> QuerySet[AdminArea]:
    if not district_id:
        return AdminArea.objects.none()
    return AdminArea.objects.filter(
        era=Era.LEGACY, level=Level.COMMUNE, parent_id=district_id
    ).order_by("name")


def commune_by_code(code: str) -> AdminArea | None:
    """A current commune with its province, from the process's copy of the static list."""
    return commune_current(code=code)


@dataclass(frozen=True)
class Converted:
    commune: AdminArea  # current (2025) commune
    legacy_text: str  # the old address as the recipient knows it


def legacy_text(commune: AdminArea) -> str:
    district = commune.parent
    province = district.parent if district else None
    return ", ".join(a.name for a in (commune, district, province) if a is not None)


def legacy_convert(*, legacy_commune: AdminArea) -> Converted | None:
    """Old commune (with its district) → today's commune, offline with vietnamadminunits."""
    text = legacy_text(legacy_commune)
    return address_text_convert(text)


def address_text_convert(text: str) -> Converted | None:
    """ "Xã Tân Hòa Tây, Huyện Tân Phước, Tỉnh Tiền Giang" → today's commune, or None."""
    from vietnamadminunits import convert_address

    text = " ".join((text or "").split())[:255]
    if not text:
        return None
    try:
        result = convert_address(text)
    except Exception:  # noqa: BLE001 - the library raises plain errors for unknown places
        logger.info("old address could not be converted")
        return None
    commune = commune_by_code(getattr(result, "ward_code", "") or "")
    if commune is None:
        return None
    return Converted(commune=commune, legacy_text=text)
