"""Numbers in report workbooks; text numbers of pages, CSV and PDF are ``core.numbers``'s."""

from __future__ import annotations

from decimal import Decimal

# Excel cell formats: the reader's spreadsheet shows them with its own separators,
# which is 1.234 and 12,5 on a Vietnamese system.
XLSX_INTEGER = "#,##0"
XLSX_DECIMAL = "#,##0.0"


def xlsx_format(value) -> str | None:
    """The cell format for a number in a workbook, or None for text."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return XLSX_INTEGER if isinstance(value, int) else XLSX_DECIMAL
