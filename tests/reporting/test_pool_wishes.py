"""Reading wishes from the fair-distribution app's Wish model, by its fields, in a stall's schema.

That app is built elsewhere; these stand-ins have the fields the pool relies on (category as a
foreign key or as a slug, size, grade, state), in a real table of the stall's schema.
"""

from __future__ import annotations

import pytest
from django.db import connection, models

from catalog.models import Category
from reporting.pool import DistributionWishes, NoWishes, wish_source
from tests.conftest import in_stall

pytestmark = pytest.mark.django_db


class WishByCategory(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    size = models.CharField(max_length=8, blank=True)
    grade = models.PositiveSmallIntegerField(null=True)
    state = models.CharField(max_length=8)

    class Meta:
        app_label = "distribution_stand_in"
        db_table = "stand_in_wish_fk"

    def __str__(self) -> str:
        return f"{self.category_id} {self.size} {self.grade}"


class WishBySlug(models.Model):
    category = models.CharField(max_length=80)
    size = models.CharField(max_length=8, blank=True)
    grade = models.PositiveSmallIntegerField(null=True)
    state = models.CharField(max_length=8)

    class Meta:
        app_label = "distribution_stand_in"
        db_table = "stand_in_wish_slug"

    def __str__(self) -> str:
        return f"{self.category} {self.size} {self.grade}"


def _table(model) -> None:
    with connection.schema_editor() as editor:
        editor.create_model(model)


def test_without_the_app_installed_the_platform_reads_no_wishes():
    assert isinstance(wish_source(), NoWishes)


def test_open_wishes_are_counted_by_category_size_and_grade(stall_a, stall_b):
    with in_stall(stall_a):
        _table(WishByCategory)
        shoes = Category.objects.get(slug="giay-dep")
        books = Category.objects.get(slug="sach-tap-vo")
        for state in ("open", "open", "open", "held", "met", "expired"):
            WishByCategory.objects.create(category=shoes, size="32", state=state)
        WishByCategory.objects.create(category=books, grade=6, state="open")

    counts = DistributionWishes(WishByCategory).counts(stall_a)

    assert sorted(counts, key=str) == sorted(
        [("giay-dep", "32", None, 3), ("sach-tap-vo", "", 6, 1)], key=str
    )
    with in_stall(stall_b):
        _table(WishByCategory)
    assert DistributionWishes(WishByCategory).counts(stall_b) == []  # B's schema, B's wishes


def test_a_category_kept_as_a_slug_is_read_the_same(stall_a):
    with in_stall(stall_a):
        _table(WishBySlug)
        WishBySlug.objects.create(category="quan-ao", size="M", state="open")
        WishBySlug.objects.create(category="quan-ao", size="M", state="open")

    assert DistributionWishes(WishBySlug).counts(stall_a) == [("quan-ao", "M", None, 2)]
