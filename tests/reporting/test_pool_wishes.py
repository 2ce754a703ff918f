"""The pool counts each stall's waiting wishes from the wanted lists, by kind, in its own schema."""

from __future__ import annotations

import pytest

from catalog.models import Category
from distribution.models import Wish
from distribution.wishes import wish_leave
from reporting.pool import stall_wishes_counts
from tests.conftest import in_stall

pytestmark = pytest.mark.django_db


def test_waiting_wishes_are_counted_by_category_size_and_grade(stall_a, stall_b):
    with in_stall(stall_a):
        shoes = Category.objects.get(slug="giay-dep")
        books = Category.objects.get(slug="sach-tap-vo")
        wishes = [
            wish_leave(phone=f"091234{n:04d}", category=shoes, size="32", limit=False)
            for n in range(5)
        ]
        wish_leave(phone="0912349999", category=books, grade=6, limit=False)
        # Only the ones still waiting count: held, met or expired wishes are not a need.
        for wish, state in zip(wishes[3:], (Wish.State.MET, Wish.State.EXPIRED), strict=True):
            Wish.objects.filter(pk=wish.pk).update(state=state)

    counts = stall_wishes_counts(stall_a)

    assert sorted(counts, key=str) == sorted(
        [("giay-dep", "32", None, 3), ("sach-tap-vo", "", 6, 1)], key=str
    )
    assert stall_wishes_counts(stall_b) == []  # B's schema, B's wishes
