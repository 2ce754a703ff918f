"""Primary and secondary suppression of small counts in a table with a shown total.

Primary: a count from 1 to 4 is shown as "<5". Secondary: when what stays visible (the
total, the other rows) would let a reader work a hidden count out by subtraction, more
cells are hidden, marked "*", until every hidden cell could still take at least two
values. What a reader knows is modelled as an interval per hidden cell: "<5" is 1..4, "*"
in a row is 5 or more (a visible cell is never chosen when it is 1..4), a total hidden as
"*" is any positive count, and the hidden cells add up to the total minus the visible ones
(a range when the total itself is hidden). The
complement chosen is the smallest visible non-zero cell that protects every hidden cell
on its own, else the smallest, again, until all are protected; when no visible cell is
left the total is hidden too. Zeros are never hidden: a zero tells nothing about a person.
"""

from __future__ import annotations

from dataclasses import dataclass

PRIMARY = "<5"
SECONDARY = "*"
SMALL_BELOW = 5


def is_small(value) -> bool:
    return isinstance(value, int) and 0 < value < SMALL_BELOW


def primary(value):
    """One count on its own: 1–4 become "<5"."""
    return PRIMARY if is_small(value) else value


@dataclass
class Column:
    """One column of a table: the rows' counts and their total, as shown after protection."""

    rows: list
    total: object


_UNBOUNDED = 10**9


def _bounds(marker) -> tuple[int, int]:
    return (1, SMALL_BELOW - 1) if marker == PRIMARY else (SMALL_BELOW, _UNBOUNDED)


def joint_ranges(total, tables: list[list]) -> dict[tuple[int, int], tuple[int, int]]:
    """What a reader can work out from tables whose rows each add up to the same total:
    for each hidden cell (table, row), and for a hidden total (-1, -1), the smallest and
    largest value it could have. ``total`` and the tables are what is shown (ints, or
    markers; None for a cell not shown at all, which the reader knows nothing about
    and which therefore frees its table from the sum).

    Exact for this shape: each table's hidden cells can add up to any integer in an
    interval, so the total lies in the intersection of those intervals, and a cell can
    take any value its table leaves room for within that.
    """
    if isinstance(total, int):
        t_lo = t_hi = total
    elif total == PRIMARY:
        t_lo, t_hi = 1, SMALL_BELOW - 1
    else:
        t_lo, t_hi = 1, _UNBOUNDED
    parts: list[tuple[int, dict[int, tuple[int, int]], int, int] | None] = []
    for rows in tables:
        if any(v is None for v in rows):
            parts.append(None)
            continue
        shown = sum(v for v in rows if isinstance(v, int))
        bounds = {i: _bounds(v) for i, v in enumerate(rows) if not isinstance(v, int)}
        lo_sum = sum(lo for lo, _hi in bounds.values())
        hi_sum = sum(hi for _lo, hi in bounds.values())
        t_lo, t_hi = max(t_lo, shown + lo_sum), min(t_hi, shown + hi_sum)
        parts.append((shown, bounds, lo_sum, hi_sum))
    out: dict[tuple[int, int], tuple[int, int]] = {}
    if not isinstance(total, int):
        out[(-1, -1)] = (t_lo, t_hi)
    for k, part in enumerate(parts):
        if part is None:
            continue
        shown, bounds, lo_sum, hi_sum = part
        for i, (lo, hi) in bounds.items():
            out[(k, i)] = (
                max(lo, t_lo - shown - (hi_sum - hi)),
                min(hi, t_hi - shown - (lo_sum - lo)),
            )
    return out


def hidden_ranges(rows: list, total) -> dict[int, tuple[int, int]]:
    """``joint_ranges`` of one table, by row index (-1 for the total)."""
    return {i: span for (_k, i), span in joint_ranges(total, [rows]).items()}


def _protected(total, tables: list[list]) -> bool:
    return all(lo < hi for lo, hi in joint_ranges(total, tables).values())


def _hide(rows: list, index: int) -> list:
    return [SECONDARY if j == index else v for j, v in enumerate(rows)]


def _complements_add(rows: list, total, others: list[list]) -> list | None:
    """Hide the smallest visible non-zero cells of ``rows`` until every hidden cell of
    ``rows`` and ``others`` is protected (one that protects on its own first); None when
    no visible cell is left to hide."""
    rows = list(rows)
    while not _protected(total, [rows, *others]):
        candidates = sorted((v, i) for i, v in enumerate(rows) if isinstance(v, int) and v > 0)
        if not candidates:
            return None

        chosen = next(
            (i for _v, i in candidates if _protected(total, [_hide(rows, i), *others])),
            candidates[0][1],
        )
        rows = _hide(rows, chosen)
    return rows


def column_protect(values: list[int], total: int) -> Column:
    """Primary and secondary suppression of one column whose rows add up to ``total``."""
    rows: list = [primary(v) for v in values]
    shown_total = primary(total)
    if not any(is_small(v) for v in [*values, total]):
        return Column(rows, shown_total)
    protected = _complements_add(rows, shown_total, [])
    if protected is None:
        # Every non-zero row is hidden and the total still gives them away: hide it.
        return Column(rows, SECONDARY)
    return Column(protected, shown_total)


def columns_protect(total: int, tables: list[list[int]]) -> tuple[object, list[list]]:
    """Several tables on one page whose rows each add up to the same ``total`` (the units
    below, then the weeks of the same period). The first is protected on its own and
    decides how the total is shown; each further table is then protected given that,
    jointly with the first when the total is hidden (they are tied by it). A further
    table that cannot be protected without touching the first is left out: its cells
    are None (not shown at all)."""
    main = column_protect(tables[0], total)
    shown = [main.rows]
    for values in tables[1:]:
        rows: list = [primary(v) for v in values]
        if isinstance(main.total, int):
            extra = column_protect(values, total)
            protected = extra.rows if extra.total == main.total else None
        else:
            protected = _complements_add(rows, main.total, [main.rows])
        shown.append(protected if protected is not None else [None] * len(values))
    return main.total, shown


def is_hidden(value) -> bool:
    return value in (PRIMARY, SECONDARY)
