"""The one number formatter follows the active language (``gianhang.formats``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from core.numbers import number_text


@pytest.mark.parametrize(
    ("language", "value", "decimals", "text"),
    [
        ("vi", 1234567, 1, "1.234.567"),
        ("vi", Decimal("12.5"), 1, "12,5"),
        ("vi", 1234.5, 2, "1.234,50"),
        ("vi", 999, 1, "999"),
        ("en", 1234567, 1, "1,234,567"),
        ("en", Decimal("12.5"), 1, "12.5"),
    ],
)
def test_numbers_are_grouped_and_pointed_as_the_language_writes_them(
    language, value, decimals, text
):
    with translation.override(language):
        assert number_text(value, decimals) == text


def test_hidden_counts_and_missing_values_pass_through():
    with translation.override("vi"):
        assert number_text("<5") == "<5"
        assert number_text(None) == ""
        assert number_text(True) == "True"
