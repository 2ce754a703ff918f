"""Administrative geography from the vietnamadminunits package: offline, old and new lists."""

from __future__ import annotations

import math
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from unidecode import unidecode

from tenants.models import AdminArea

Level = AdminArea.Level
Era = AdminArea.Era


def search_key(text: str) -> str:
    """Accent- and case-insensitive key: "Xã Tân Phước" and "xa tan phuoc" match."""
    return " ".join(unidecode(text or "").lower().replace("đ", "d").split())


def _dataset_path() -> Path:
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"


@dataclass(frozen=True)
class _CurrentAreas:
    by_pk: dict[int, AdminArea]
    commune_by_code: dict[str, AdminArea]


_current: _CurrentAreas | None = None
_current_lock = threading.Lock()


def _current_areas() -> _CurrentAreas:
    """The current provinces and communes, read once per process.

    The list changes only when ``geography_load`` runs (a reform of the administrative map),
    so every order reads it from memory instead of asking PostgreSQL each time. The objects
    are shared between requests: read them, never change them.
    """
    global _current
    areas = _current
    if areas is not None:
        return areas
    with _current_lock:
        if _current is None:
            rows = list(
                AdminArea.objects.filter(
                    era=Era.CURRENT, level__in=[Level.PROVINCE, Level.COMMUNE]
                ).order_by("pk")
            )
            by_pk = {area.pk: area for area in rows}
            communes: dict[str, AdminArea] = {}
            for area in rows:
                if area.level == Level.COMMUNE:
                    if area.parent_id in by_pk:
                        area.parent = by_pk[area.parent_id]
                    communes[area.code] = area
            # Cached only once loaded: a process started before ``geo`` ran asks again.
            if rows:
                _current = _CurrentAreas(by_pk=by_pk, commune_by_code=communes)
            else:
                return _CurrentAreas(by_pk={}, commune_by_code={})
        return _current


def geography_cache_clear() -> None:
    """Forget the in-process copy (after a load, or between tests that reload)."""
    global _current
    with _current_lock:
        _current = None


def commune_current(*, pk: int | None = None, code: str | None = None) -> AdminArea | None:
    """A current (2025) commune by id or by code, with its province as ``parent``; from memory."""
    areas = _current_areas()
    if pk is not None:
        area = areas.by_pk.get(pk)
        return area if area is not None and area.level == Level.COMMUNE else None
    return areas.commune_by_code.get(str(code or "")[:10])


@transaction.atomic
def geography_load(*, replace: bool = False) -> int:
    """Load provinces, districts and communes, current and legacy. Returns rows written."""
    if AdminArea.objects.exists():
        if not replace:
            return 0
        AdminArea.objects.all().delete()
    transaction.on_commit(geography_cache_clear)
    db = sqlite3.connect(_dataset_path())
    db.row_factory = sqlite3.Row
    written = 0

    def area(era, level, code, name, short, kind, parent, lat, lon) -> AdminArea:
        return AdminArea(
            era=era,
            level=level,
            code=code,
            name=name,
            short_name=short,
            kind=kind or "",
            parent=parent,
            latitude=lat,
            longitude=lon,
            search_key=search_key(name),
        )

    # Current (two-level, since 1 July 2025): province → commune/ward/special zone.
    provinces: dict[str, AdminArea] = {}
    rows = db.execute(
        "SELECT DISTINCT provinceCode, province, provinceShort, provinceLat, provinceLon "
        "FROM admin_units ORDER BY provinceCode"
    ).fetchall()
    for r in rows:
        kind = r["province"].removesuffix(r["provinceShort"]).strip()
        provinces[r["provinceCode"]] = area(
            Era.CURRENT,
            Level.PROVINCE,
            r["provinceCode"],
            r["province"],
            r["provinceShort"],
            kind,
            None,
            r["provinceLat"],
            r["provinceLon"],
        )
    AdminArea.objects.bulk_create(provinces.values())
    written += len(provinces)
    communes = [
        area(
            Era.CURRENT,
            Level.COMMUNE,
            r["wardCode"],
            r["ward"],
            r["wardShort"],
            r["wardType"],
            provinces[r["provinceCode"]],
            r["wardLat"],
            r["wardLon"],
        )
        for r in db.execute(
            "SELECT provinceCode, ward, wardShort, wardType, wardCode, wardLat, wardLon "
            "FROM admin_units"
        )
    ]
    AdminArea.objects.bulk_create(communes, batch_size=2000)
    written += len(communes)

    # Legacy (three-level, before 1 July 2025): province → district → commune.
    legacy_provinces: dict[str, AdminArea] = {}
    districts: dict[str, AdminArea] = {}
    legacy_rows = db.execute(
        "SELECT province, district, ward, provinceShort, districtShort, wardShort, districtType, "
        "wardType, provinceCode, provinceLat, provinceLon, districtCode, districtLat, "
        "districtLon, wardCode, wardLat, wardLon FROM admin_units_legacy"
    ).fetchall()
    for r in legacy_rows:
        if r["provinceCode"] not in legacy_provinces:
            kind = r["province"].removesuffix(r["provinceShort"]).strip()
            legacy_provinces[r["provinceCode"]] = area(
                Era.LEGACY,
                Level.PROVINCE,
                r["provinceCode"],
                r["province"],
                r["provinceShort"],
                kind,
                None,
                r["provinceLat"],
                r["provinceLon"],
            )
    AdminArea.objects.bulk_create(legacy_provinces.values())
    for r in legacy_rows:
        if r["districtCode"] not in districts:
            districts[r["districtCode"]] = area(
                Era.LEGACY,
                Level.DISTRICT,
                r["districtCode"],
                r["district"],
                r["districtShort"],
                r["districtType"],
                legacy_provinces[r["provinceCode"]],
                r["districtLat"],
                r["districtLon"],
            )
    AdminArea.objects.bulk_create(districts.values())
    legacy_communes = [
        area(
            Era.LEGACY,
            Level.COMMUNE,
            r["wardCode"],
            r["ward"],
            r["wardShort"],
            r["wardType"],
            districts[r["districtCode"]],
            r["wardLat"],
            r["wardLon"],
        )
        for r in legacy_rows
        if r["wardCode"]  # a few districts (islands) have no communes listed
    ]
    AdminArea.objects.bulk_create(legacy_communes, batch_size=2000)
    written += len(legacy_provinces) + len(districts) + len(legacy_communes)
    db.close()
    return written


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), good to a few metres at commune scale."""
    radius = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


# Viet Nam's mainland and islands (Hoàng Sa, Trường Sa and their schools included), with a
# margin: a stall's coordinates outside this box are a typo, not a school.
VIET_NAM_LATITUDE = (6.0, 23.5)
VIET_NAM_LONGITUDE = (102.0, 118.0)


def coordinates_usable(latitude, longitude) -> bool:
    """Both present, finite and on the globe: safe to measure a distance with."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return False
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


def stall_coordinates_problem(latitude, longitude) -> str | None:
    """Why a stall's coordinates cannot be kept (a Vietnamese sentence), or None if they can."""
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        return _("Cần cả vĩ độ lẫn kinh độ, hoặc bỏ trống cả hai.")
    if not coordinates_usable(latitude, longitude):
        return _(
            "Tọa độ không hợp lệ: vĩ độ từ -90 đến 90, kinh độ từ -180 đến 180, dạng số thập phân."
        )
    lat, lon = float(latitude), float(longitude)
    if not (
        VIET_NAM_LATITUDE[0] <= lat <= VIET_NAM_LATITUDE[1]
        and VIET_NAM_LONGITUDE[0] <= lon <= VIET_NAM_LONGITUDE[1]
    ):
        return _(
            "Tọa độ (%(lat)s, %(lon)s) nằm ngoài Việt Nam: vĩ độ %(lat_min)s–%(lat_max)s, "
            "kinh độ %(lon_min)s–%(lon_max)s. Hãy kiểm tra lại (vĩ độ và kinh độ có bị đổi chỗ không?)."
        ) % {
            "lat": lat,
            "lon": lon,
            "lat_min": VIET_NAM_LATITUDE[0],
            "lat_max": VIET_NAM_LATITUDE[1],
            "lon_min": VIET_NAM_LONGITUDE[0],
            "lon_max": VIET_NAM_LONGITUDE[1],
        }
    return None
