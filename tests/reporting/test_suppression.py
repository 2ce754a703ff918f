"""Suppression that holds: a reader who sees everything shown tries to recover each hidden
count by adding and subtracting, and must always be left with at least two possibilities."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.suppression import (
    PRIMARY,
    SECONDARY,
    column_protect,
    columns_protect,
    hidden_ranges,
)

# The reader's knowledge of a hidden cell: "<5" is 1..4; "*" in a row is a count that
# would otherwise have been shown (>= 5); a total hidden as "*" is any positive count.
CAP = 200


def _domain(marker) -> range:
    return range(1, 5) if marker == PRIMARY else range(5, CAP)


def _sums(cells: list) -> set[int]:
    """Every sum the hidden cells of one table could have (brute force, small tables)."""
    sums = {0}
    for marker in cells:
        sums = {s + v for s in sums for v in _domain(marker) if s + v < CAP}
    return sums


def reader_candidates(total, tables: list[list]) -> dict[tuple[int, int], set[int]]:
    """Independently of the code under test: for each hidden cell (table, row) and the
    hidden total (-1, -1), every value consistent with all that is shown."""
    tables = [rows for rows in tables if None not in rows]  # a table left out tells nothing
    shown = [sum(v for v in rows if isinstance(v, int)) for rows in tables]
    hidden = [[i for i, v in enumerate(rows) if not isinstance(v, int)] for rows in tables]
    if isinstance(total, int):
        totals = [total]
    else:
        totals = list(range(1, 5) if total == PRIMARY else range(1, CAP))
    out: dict[tuple[int, int], set[int]] = {}
    for t in totals:
        reachable = [
            _sums([rows[i] for i in idx]) for rows, idx in zip(tables, hidden, strict=True)
        ]
        if not all(t - s in r for s, r in zip(shown, reachable, strict=True)):
            continue
        if not isinstance(total, int):
            out.setdefault((-1, -1), set()).add(t)
        for k, (rows, idx) in enumerate(zip(tables, hidden, strict=True)):
            for i in idx:
                others = _sums([rows[j] for j in idx if j != i])
                for v in _domain(rows[i]):
                    if t - shown[k] - v in others:
                        out.setdefault((k, i), set()).add(v)
    return out


small_counts = st.lists(st.one_of(st.integers(0, 6), st.integers(0, 40)), min_size=1, max_size=7)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_counts)
def test_no_hidden_cell_of_one_table_can_be_recovered(values):
    total = sum(values)
    column = column_protect(values, total)
    for (k, i), possible in reader_candidates(column.total, [column.rows]).items():
        truth = total if k == -1 else values[i]
        assert truth in possible
        assert len(possible) >= 2, (values, column, (k, i), possible)
    # Nothing small is left visible, and visible cells are the true counts.
    for value, shown in zip(values, column.rows, strict=True):
        assert shown in (value, PRIMARY, SECONDARY)
        assert not (isinstance(shown, int) and 0 < shown < 5)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_counts, st.data())
def test_no_hidden_cell_survives_two_tables_sharing_the_total(rows, data):
    """The units below and the weeks of the period add up to the same total."""
    total = sum(rows)
    cuts = sorted(data.draw(st.lists(st.integers(0, total), max_size=4)))
    weeks = [b - a for a, b in itertools.pairwise([0, *cuts, total])]
    shown_total, (shown_rows, shown_weeks) = columns_protect(total, [rows, weeks])
    # The units' table is always there; the weeks are shown in full or left out entirely.
    assert None not in shown_rows
    assert None not in shown_weeks or set(shown_weeks) == {None}
    candidates = reader_candidates(shown_total, [shown_rows, shown_weeks])
    for (k, i), possible in candidates.items():
        kept = [t for t, shown in ((rows, shown_rows), (weeks, shown_weeks)) if None not in shown]
        truth = total if k == -1 else kept[k][i]
        assert truth in possible
        assert len(possible) >= 2, (rows, weeks, shown_rows, shown_weeks, shown_total, possible)


def test_a_lone_small_cell_gets_a_complement():
    column = column_protect([3, 12, 40], 55)
    assert column.rows == [PRIMARY, SECONDARY, 40]
    assert column.total == 55


def test_a_complement_that_would_still_give_it_away_is_not_chosen():
    # "<5" + "*" = 6 with "*" >= 5 would leave only 1: the 5 is not enough, the 9 is.
    column = column_protect([1, 5, 9, 30], 45)
    assert column.rows == [PRIMARY, 5, SECONDARY, 30]


def test_two_fours_hide_their_total():
    column = column_protect([4, 4, 0], 8)
    assert column.rows == [PRIMARY, PRIMARY, 0]
    assert column.total == SECONDARY


def test_ranges_are_what_a_reader_works_out():
    assert hidden_ranges([PRIMARY, 7], 9) == {0: (2, 2)}
    assert hidden_ranges([PRIMARY, SECONDARY, 7], 20) == {0: (1, 4), 1: (9, 12)}


def test_weeks_that_would_pin_a_hidden_total_are_left_out():
    # Units [4] and weeks [1, 1, 1, 1]: four "<5" weeks add up to at least 4, the unit to
    # at most 4, so showing both would give every cell away; the weeks are left out.
    total, (units, weeks) = columns_protect(4, [[4], [1, 1, 1, 1]])
    assert (total, units) == (PRIMARY, [PRIMARY])
    assert weeks == [None, None, None, None]
