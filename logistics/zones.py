"""The stall's delivery zone: where volunteers go and where the post takes over."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from catalog.models import Order
from tenants.geography import coordinates_usable, distance_km

Delivery = Order.Delivery


@dataclass(frozen=True)
class StallZone:
    """What the router needs to know about the stall, read once per task or sweep."""

    latitude: float | None
    longitude: float | None
    radius_km: float
    served_commune_ids: frozenset[int]

    @classmethod
    def of(cls, stall) -> StallZone:
        lat, lon = stall.latitude, stall.longitude
        if not coordinates_usable(lat, lon) and stall.commune_id:
            commune = stall.commune
            lat, lon = commune.latitude, commune.longitude
        if not coordinates_usable(lat, lon):
            # NaN, 999 or half a pair: no distance can be measured from there.
            lat = lon = None
        served = frozenset(stall.served_communes.values_list("pk", flat=True))
        return cls(lat, lon, float(stall.delivery_radius_km), served)

    def decide(
        self, *, commune_id: int | None, latitude: float | None, longitude: float | None
    ) -> tuple[str, float | None, str]:
        """(delivery, distance in km or None, reason shown to officers)."""
        if commune_id is not None and commune_id in self.served_commune_ids:
            return Delivery.VOLUNTEER, None, _("Xã/phường nằm trong danh sách giao tận nơi.")
        if self.latitude is None or self.longitude is None:
            return (
                Delivery.POST,
                None,
                _("Gian hàng chưa có tọa độ dùng được để tính khoảng cách: gửi bưu điện."),
            )
        if latitude is None or longitude is None or not coordinates_usable(latitude, longitude):
            return Delivery.POST, None, _("Không có tọa độ để tính khoảng cách: gửi bưu điện.")
        km = distance_km(self.latitude, self.longitude, latitude, longitude)
        if km <= self.radius_km:
            return (
                Delivery.VOLUNTEER,
                km,
                _("Cách trường %(km).1f km, trong bán kính %(r).1f km.")
                % {"km": km, "r": self.radius_km},
            )
        return (
            Delivery.POST,
            km,
            _("Cách trường %(km).1f km, ngoài bán kính %(r).1f km.")
            % {"km": km, "r": self.radius_km},
        )


def current_stall():
    """The stall whose schema the connection is on (set by django-tenants or the task)."""
    return connection.tenant  # type: ignore[attr-defined]


def current_zone() -> StallZone:
    return StallZone.of(current_stall())
