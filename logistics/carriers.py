"""Carrier adapters: how a postal batch reaches the carrier. Today: hand-over at the counter."""

from __future__ import annotations

from dataclasses import dataclass

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


class Carrier:
    """What any carrier adapter offers; an API adapter would book pickups and fetch tracking."""

    code = ""
    label = ""

    def estimate_postage(self, *, weight_grams: int) -> int:
        for limit, price in POSTAGE_STEPS:
            if weight_grams <= limit:
                return price
        extra = weight_grams - POSTAGE_STEPS[-1][0]
        return POSTAGE_STEPS[-1][1] + -(-extra // 500) * POSTAGE_PER_EXTRA_500G

    def hand_over(self, *, batch, receipt_number: str) -> HandOverResult:
        raise NotImplementedError


class ManualCounter(Carrier):
    """Officers carry the parcels to the commune post office and type in its receipt."""

    code = "manual"
    label = "Giao tại quầy bưu điện xã"

    def hand_over(self, *, batch, receipt_number: str) -> HandOverResult:
        # The counter gives a paper receipt; tracking numbers come later, typed or imported.
        return HandOverResult(receipt_number=receipt_number, tracking_numbers={})


CARRIERS: dict[str, Carrier] = {c.code: c for c in (ManualCounter(),)}


def carrier_for(code: str) -> Carrier:
    return CARRIERS.get(code) or CARRIERS["manual"]


def estimate_weight(*, items: int) -> int:
    return PACKAGING_GRAMS + GRAMS_PER_ITEM * max(items, 1)
