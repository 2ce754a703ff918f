"""What of a stall lives in the public schema, written into its backup and put back on restore.

Its settings (commune, coordinates, delivery zone, limits), extra domains, its unit and its
officers' memberships. Accounts are shared by the whole platform, so they are named, not
copied: a restore re-attaches the accounts that exist here and lists those that do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from tenants.models import AdminArea, Domain, Membership, Stall, Unit
from tenants.services import membership_grant

SETTINGS = (
    "latitude",
    "longitude",
    "max_items_per_period",
    "limit_period_days",
    "max_same_item",
    "confirm_new_phones",
    "is_active",
)


def _area(area: AdminArea | None) -> dict | None:
    if area is None:
        return None
    return {"era": area.era, "level": area.level, "code": area.code}


def _area_get(ref: dict | None) -> AdminArea | None:
    if not isinstance(ref, dict):
        return None
    return AdminArea.objects.filter(
        era=ref.get("era"), level=ref.get("level"), code=ref.get("code")
    ).first()


def stall_public_rows(*, stall: Stall) -> dict:
    unit = stall.unit
    return {
        "stall": {
            "slug": stall.slug,
            "name": stall.name,
            "commune": _area(stall.commune),
            "served_communes": [_area(a) for a in stall.served_communes.order_by("code")],
            "delivery_radius_km": str(stall.delivery_radius_km),
            **{name: getattr(stall, name) for name in SETTINGS},
        },
        "domains": [
            {"domain": d.domain, "is_primary": d.is_primary}
            for d in stall.domains.order_by("domain")
        ],
        "unit": None
        if unit is None
        else {
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "parent": unit.parent.code if unit.parent_id else None,
            "admin_area": _area(unit.admin_area),
        },
        "memberships": [
            {"username": m.user.username, "role": m.role}
            for m in Membership.objects.filter(unit=unit)
            .select_related("user")
            .order_by("user__username", "role")
        ]
        if unit is not None
        else [],
    }


@dataclass
class PublicRestored:
    reattached: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    domains_skipped: list[str] = field(default_factory=list)


def stall_public_apply(*, stall: Stall, rows: dict) -> PublicRestored:
    """Put the backup's settings, extra domains and memberships on the restored ``stall``."""
    done = PublicRestored()
    saved = rows.get("stall") or {}
    for name in SETTINGS:
        if name in saved:
            setattr(stall, name, saved[name])
    if saved.get("delivery_radius_km") is not None:
        stall.delivery_radius_km = saved["delivery_radius_km"]
    stall.commune = _area_get(saved.get("commune"))
    stall.full_clean(exclude=["schema_name", "slug", "name", "unit"])
    stall.save()
    served = [a for a in map(_area_get, saved.get("served_communes") or []) if a is not None]
    stall.served_communes.set(served)

    for entry in rows.get("domains") or []:
        name = str(entry.get("domain", ""))
        if entry.get("is_primary") or not name:
            continue  # the restored stall has its own primary domain, after its new slug
        if Domain.objects.filter(domain=name).exists():
            done.domains_skipped.append(name)
        else:
            Domain.objects.create(domain=name, tenant=stall, is_primary=False)

    users = get_user_model().objects
    roles = set(Membership.Role.values)
    unit = stall.unit
    assert unit is not None  # a restored stall always gets a unit
    for entry in rows.get("memberships") or []:
        username, role = str(entry.get("username", "")), entry.get("role")
        user = users.filter(username=username, is_active=True).first()
        if user is None or role not in roles:
            done.missing.append(username)
            continue
        membership_grant(user=user, unit=unit, role=role)
        done.reattached.append(username)
    return done


def unit_from_rows(rows: dict) -> tuple[Unit | None, Unit | None]:
    """(the backup's own unit if it exists here, else its parent unit if that exists)."""
    saved = rows.get("unit") or {}
    unit = Unit.objects.filter(code=saved.get("code") or "").first()
    parent = Unit.objects.filter(code=saved.get("parent") or "").first()
    return unit, parent
