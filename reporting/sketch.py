"""Distinct recipients over any period without keeping phones: a sparse HyperLogLog.

Each recipient's phone hash (already a salted HMAC inside the stall) is re-keyed with a
reporting-only key (``GIANHANG_SKETCH_KEY``, never rotated with SECRET_KEY), then reduced to one HyperLogLog register
(10 bits of index, a rank of at most 55). A day's sketch keeps only the highest rank per
register, so what reaches the public schema is at most 16 bits per recipient of a hash
nobody can recompute without the server's secret: it cannot be turned back into a phone
or matched against one. Sketches of any days and stalls merge by taking the maximum per
register, so "distinct recipients in this district this quarter" is an estimate (about
3% standard error, exact in practice for small counts thanks to linear counting), never
the over-count that summing daily distinct counts would give.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable, Mapping

from django.conf import settings

PRECISION = 10
REGISTERS = 1 << PRECISION
_REST_BITS = 64 - PRECISION
_ALPHA = 0.7213 / (1 + 1.079 / REGISTERS)
_RANK_SLOTS = 64  # encoded value = index * 64 + rank


def _reporting_key() -> bytes:
    key = settings.GIANHANG_SKETCH_KEY.encode()
    return hashlib.sha256(b"gianhang.reporting.recipients:" + key).digest()


def register_of(phone_hash: str, *, key: bytes | None = None) -> tuple[int, int]:
    """(register index, rank) of one recipient."""
    digest = hmac.new(key or _reporting_key(), phone_hash.encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big")
    index = value >> _REST_BITS
    rest = value & ((1 << _REST_BITS) - 1)
    rank = _REST_BITS - rest.bit_length() + 1
    return index, rank


def sketch_of(phone_hashes: Iterable[str]) -> list[int]:
    """The sparse sketch of a set of recipients: sorted encoded registers."""
    key = _reporting_key()
    registers: dict[int, int] = {}
    for phone_hash in phone_hashes:
        if not phone_hash:
            continue
        index, rank = register_of(phone_hash, key=key)
        if rank > registers.get(index, 0):
            registers[index] = rank
    return sorted(index * _RANK_SLOTS + rank for index, rank in registers.items())


def registers_merge(sketches: Iterable[Iterable[int]]) -> dict[int, int]:
    merged: dict[int, int] = {}
    for sketch in sketches:
        for encoded in sketch:
            index, rank = divmod(encoded, _RANK_SLOTS)
            if rank > merged.get(index, 0):
                merged[index] = rank
    return merged


def estimate_from_sums(*, filled: int, inverse_sum: float) -> int:
    """Cardinality from the number of filled registers and the sum of 2^-rank over them."""
    if filled == 0:
        return 0
    empty = REGISTERS - filled
    raw = _ALPHA * REGISTERS * REGISTERS / (empty + inverse_sum)
    if raw <= 2.5 * REGISTERS and empty > 0:
        return round(REGISTERS * math.log(REGISTERS / empty))
    return round(raw)


def estimate(registers: Mapping[int, int]) -> int:
    return estimate_from_sums(
        filled=len(registers), inverse_sum=sum(2.0**-rank for rank in registers.values())
    )


def dense_of(sketches: Iterable[Iterable[int]]) -> bytes:
    """Merged sparse sketches as one byte per register (what a month keeps)."""
    registers = bytearray(REGISTERS)
    for sketch in sketches:
        for encoded in sketch:
            index, rank = divmod(encoded, _RANK_SLOTS)
            if rank > registers[index]:
                registers[index] = rank
    return bytes(registers)


def dense_estimate(registers) -> int:
    """Cardinality of a dense register array (numpy uint8 of length REGISTERS)."""
    import numpy as np

    filled = registers[registers > 0]
    return estimate_from_sums(
        filled=int(filled.size), inverse_sum=float(np.sum(np.exp2(-filled.astype(np.float64))))
    )


def sparse_into_dense(registers, sketches: Iterable[Iterable[int]]) -> None:
    """Merge sparse sketches into a dense numpy register array, in place (vectorised: a
    province's month of days is tens of thousands of entries)."""
    import numpy as np

    for sketch in sketches:
        if sketch:
            encoded = np.asarray(sketch, dtype=np.int64)
            np.maximum.at(
                registers, encoded // _RANK_SLOTS, (encoded % _RANK_SLOTS).astype(np.uint8)
            )
