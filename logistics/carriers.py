"""Carrier adapters: how a postal batch reaches the carrier.

Hand-over at the commune post office's counter is the default; a stall may instead book
each parcel with GHN (Giao Hàng Nhanh) through its public API, get tracking numbers and
labels from it and follow each shipment until it is delivered or returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

# Estimated domestic parcel postage (đồng) by weight step; officers correct it per parcel
# from the post office's receipt. (weight up to, in grams → postage)
POSTAGE_STEPS = [(500, 16_000), (1000, 22_000), (1500, 27_000), (2000, 32_000)]
POSTAGE_PER_EXTRA_500G = 3_000
# Per item, for the estimate: a folded garment or a couple of notebooks.
GRAMS_PER_ITEM = 300
PACKAGING_GRAMS = 100


@dataclass(frozen=True)
class HandOverResult:
    receipt_number: str
    tracking_numbers: dict[str, str]  # order code → tracking number, if the carrier gives them


class CarrierUnavailable(Exception):
    """The carrier did not answer (timeout, 5xx): try again later; nothing is lost."""


class CarrierRejected(Exception):
    """The carrier refused this parcel (an address it cannot place...): officers take over."""


@dataclass(frozen=True)
class Shipment:
    tracking_number: str
    status: str = ""
    fee: int | None = None


class Carrier:
    """What any carrier adapter offers. API carriers book each parcel and report its status."""

    code = ""
    label = ""
    ships_by_api = False

    def estimate_postage(self, *, weight_grams: int) -> int:
        for limit, price in POSTAGE_STEPS:
            if weight_grams <= limit:
                return price
        extra = weight_grams - POSTAGE_STEPS[-1][0]
        return POSTAGE_STEPS[-1][1] + -(-extra // 500) * POSTAGE_PER_EXTRA_500G

    def hand_over(self, *, batch, receipt_number: str) -> HandOverResult:
        raise NotImplementedError

    def shipment_create(self, *, parcel, client_code: str, shop_id: str) -> Shipment:
        raise NotImplementedError

    def shipment_status(self, *, tracking_number: str) -> str:
        raise NotImplementedError

    def label_url(self, *, tracking_numbers: list[str]) -> str:
        raise NotImplementedError


class ManualCounter(Carrier):
    """Officers carry the parcels to the commune post office and type in its receipt."""

    code = "manual"
    label = "Giao tại quầy bưu điện xã"

    def hand_over(self, *, batch, receipt_number: str) -> HandOverResult:
        # The counter gives a paper receipt; tracking numbers come later, typed or imported.
        return HandOverResult(receipt_number=receipt_number, tracking_numbers={})


# GHN statuses (shipping-order/detail) that end a shipment.
GHN_DELIVERED = frozenset({"delivered"})
GHN_RETURNED = frozenset({"returned", "cancel", "lost", "damage"})


class Ghn(Carrier):
    """GHN's public API: shipping-order/create per parcel, detail to follow it, A5 labels.

    ``client_order_code`` is the stall's schema and the order code, so a create repeated
    after a timeout finds the first one (GHN refuses a code twice) instead of booking two.
    """

    code = "ghn"
    label = "Giao Hàng Nhanh (GHN), qua API"
    ships_by_api = True

    def __init__(self) -> None:
        self.url = settings.GIANHANG_GHN_API_URL.rstrip("/")
        self.token = settings.GIANHANG_GHN_TOKEN
        self.timeout = settings.GIANHANG_GHN_TIMEOUT

    def _post(self, path: str, body: dict, *, shop_id: str = "") -> dict:
        headers = {"Token": self.token}
        if shop_id:
            headers["ShopId"] = shop_id
        try:
            response = requests.post(
                f"{self.url}{path}", json=body, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise CarrierUnavailable(f"GHN: {exc}"[:300]) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise CarrierUnavailable(f"GHN HTTP {response.status_code}")
        try:
            answer: dict = response.json()
        except ValueError as exc:
            raise CarrierUnavailable("GHN: answer is not JSON") from exc
        if response.status_code == 401:
            raise CarrierUnavailable("GHN: token refused (GIANHANG_GHN_TOKEN)")
        return answer

    def shipment_create(self, *, parcel, client_code: str, shop_id: str) -> Shipment:
        """Book one parcel; GHN picks it up from the address the stall's shop registered."""
        order = parcel.order
        ward, district, province = address_parts(order)
        body: dict[str, Any] = {
            "payment_type_id": 1,  # the sender pays: recipients never pay anything
            "required_note": "KHONGCHOXEMHANG",
            "client_order_code": client_code,
            "to_name": order.recipient_name,
            "to_phone": "0" + order.phone.removeprefix("+84") if order.phone else "",
            "to_address": order.address_line,
            "to_ward_name": ward,
            "to_district_name": district,
            "to_province_name": province,
            "cod_amount": 0,
            "content": f"Gian hàng 0 đồng – đơn {order.code}",
            "weight": parcel.weight_grams,
            "length": 30,
            "width": 25,
            "height": 10,
            "service_type_id": 2,
            "items": [{"name": f"Đơn {order.code}", "quantity": parcel.parcels or 1}],
        }
        answer = self._post("/v2/shipping-order/create", body, shop_id=shop_id)
        if answer.get("code") == 200 and (answer.get("data") or {}).get("order_code"):
            data = answer["data"]
            return Shipment(data["order_code"], "ready_to_pick", data.get("total_fee"))
        # Booked already (an earlier try timed out after GHN took it): adopt that one.
        found = self._post(
            "/v2/shipping-order/detail-by-client-code", {"client_order_code": client_code}
        )
        data = found.get("data")
        if isinstance(data, list):
            data = data[0] if data else None
        if found.get("code") == 200 and data and data.get("order_code"):
            return Shipment(data["order_code"], str(data.get("status", "")))
        raise CarrierRejected(str(answer.get("message") or answer.get("code_message"))[:300])

    def shipment_status(self, *, tracking_number: str) -> str:
        answer = self._post("/v2/shipping-order/detail", {"order_code": tracking_number})
        if answer.get("code") != 200:
            raise CarrierUnavailable(f"GHN: {answer.get('message', '')}"[:300])
        return str((answer.get("data") or {}).get("status", ""))

    def label_url(self, *, tracking_numbers: list[str]) -> str:
        """A printable A5 label page for these shipments (GHN's print token lasts minutes)."""
        answer = self._post("/v2/a5/gen-token", {"order_codes": tracking_numbers})
        token = (answer.get("data") or {}).get("token")
        if answer.get("code") != 200 or not token:
            raise CarrierRejected(str(answer.get("message", ""))[:300])
        base = self.url.removesuffix("/shiip/public-api")
        return f"{base}/a5/public-api/printA5?token={token}"


def address_parts(order) -> tuple[str, str, str]:
    """(commune/ward, district or "", province) names of an order's address."""
    commune = order.commune
    if commune is None:
        return "", "", order.province.name if order.province else ""
    district = ""
    parent = commune.parent
    if parent is not None and parent.level == "district":
        district, parent = parent.name, parent.parent
    province = order.province or parent
    return commune.name, district, province.name if province else ""


CARRIERS: dict[str, Carrier] = {c.code: c for c in (ManualCounter(),)}
API_CARRIERS: dict[str, type[Carrier]] = {"ghn": Ghn}


def carrier_for(code: str) -> Carrier:
    """The adapter for a batch's carrier code (read per call: API ones read settings)."""
    if code in API_CARRIERS:
        return API_CARRIERS[code]()
    return CARRIERS.get(code) or CARRIERS["manual"]


def estimate_weight(*, items: int) -> int:
    return PACKAGING_GRAMS + GRAMS_PER_ITEM * max(items, 1)
