"""The one number formatter for text people read: pages, PDFs, labels, exports for people.

Through Django's formats for the active language: in Vietnamese 1.234 and 12,5, in English
1,234 and 12.5; markers of hidden counts ("<5", "*") pass through unchanged. Files meant
for machines (a CSV another program reads) keep plain numbers instead, and say why.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats


def number_text(value, decimals: int = 1) -> str:
    """A count or a measure as text: grouped thousands, ``decimals`` places for fractions."""
    if value is None:
        return ""
    if isinstance(value, (bool, str)):
        return str(value)
    if isinstance(value, int):
        return formats.number_format(value, 0, force_grouping=True)
    if isinstance(value, Decimal | float):
        return formats.number_format(value, decimals, force_grouping=True)
    return str(value)
