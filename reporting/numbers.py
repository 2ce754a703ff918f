"""The one number formatter of reports: pages, CSV and PDF write numbers the same way.

Through Django's formats for the active language: in Vietnamese 1.234 and 12,5; markers
of hidden counts ("<5", "*") pass through unchanged.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats

# Excel cell formats: the reader's spreadsheet shows them with its own separators,
# which is 1.234 and 12,5 on a Vietnamese system.
XLSX_INTEGER = "#,##0"
XLSX_DECIMAL = "#,##0.0"


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


def xlsx_format(value) -> str | None:
    """The cell format for a number in a workbook, or None for text."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return XLSX_INTEGER if isinstance(value, int) else XLSX_DECIMAL
