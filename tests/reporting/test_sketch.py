"""Distinct recipients over a period: the sketch merges days without keeping any phone."""

from __future__ import annotations

import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.sketch import REGISTERS, estimate, registers_merge, sketch_of


def _hashes(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.getrandbits(256):064x}" for _ in range(n)]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 200), seed=st.integers(0, 10_000))
def test_counts_are_near_exact_when_small_and_within_a_few_percent_up_to_hundreds(n, seed):
    # Linear counting: about n²/2048 collisions, so a school's day is off by at most one.
    # Beyond that its standard deviation is sqrt(m(e^t - t - 1)) for t = n/m (Whang et al.,
    # 1990): about 2% of n at 100-200 people. Four and a half of them is a bound no random
    # draw of people crosses in practice (a 7% bound did, one run in ten).
    t = n / REGISTERS
    tolerance = max(1.0, 4.5 * math.sqrt(REGISTERS * (math.exp(t) - t - 1)))
    assert abs(estimate(registers_merge([sketch_of(_hashes(n, seed))])) - n) <= tolerance


def test_a_recipient_coming_back_on_other_days_is_counted_once():
    people = _hashes(300, 1)
    days = [sketch_of(people[i : i + 40] + people[:10]) for i in range(0, 300, 30)]
    merged = estimate(registers_merge(days))
    summed = sum(estimate(registers_merge([day])) for day in days)
    assert abs(merged - 300) <= 300 * 0.06
    assert summed > 390  # what adding daily counts would have claimed


def test_large_counts_are_within_a_few_percent():
    assert abs(estimate(registers_merge([sketch_of(_hashes(20_000, 7))])) - 20_000) < 20_000 * 0.08


def test_the_sketch_holds_neither_the_hash_nor_enough_bits_to_find_it():
    hashes = _hashes(5, 3)
    sketch = sketch_of(hashes)
    assert all(0 <= value < 1024 * 64 for value in sketch)  # 16 bits per recipient at most
    assert not any(str(value) in h for value in sketch for h in hashes if len(str(value)) > 4)
