"""The draw as a pure function: within the quantities, one item per phone, priority first,
the same result from the published codes and number alone."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from distribution.draw import Entry, draw_order, draw_run, published_parse, published_text

CODE = st.text(alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZ", min_size=8, max_size=8).map(
    lambda s: f"{s[:4]}-{s[4:]}"
)


@st.composite
def rounds(draw):
    items = [str(n) for n in range(1, draw(st.integers(1, 4)) + 1)]
    quantities = {item: draw(st.integers(0, 6)) for item in items}
    codes = draw(st.lists(CODE, min_size=0, max_size=40, unique=True))
    phones = [f"p{n}" for n in range(draw(st.integers(1, 45)))]
    entries = [
        Entry(
            code=code,
            item=draw(st.sampled_from(items)),
            priority=draw(st.booleans()),
            phone_key=draw(st.sampled_from(phones)),
        )
        for code in codes
    ]
    number = draw(st.text(alphabet="0123456789", min_size=2, max_size=6))
    return entries, quantities, number


@settings(max_examples=300, deadline=None)
@given(rounds())
def test_allocation_respects_quantities_phones_priority_and_is_reproducible(case):
    entries, quantities, number = case
    outcome = draw_run(entries, quantities, number)
    by_code = {e.code: e for e in entries}

    # Never more than the quantities.
    for item, quantity in quantities.items():
        assert sum(1 for won in outcome.winners.values() if won == item) <= quantity
    # No phone gets two items.
    phones = [by_code[code].phone_key for code in outcome.winners]
    assert len(phones) == len(set(phones))
    # Every request is either a winner or on the waitlist, once.
    assert sorted([*outcome.winners, *outcome.waitlist]) == sorted(by_code)
    # The priority group comes first in the order.
    flags = [by_code[code].priority for code in outcome.order]
    assert flags == sorted(flags, reverse=True)
    # Nobody outside the group wins an item while someone of the group, with a phone that
    # has not won, waits for it.
    winning_phones = set(phones)
    for code in outcome.waitlist:
        entry = by_code[code]
        if entry.priority and entry.phone_key not in winning_phones:
            assert not any(
                item == entry.item and not by_code[other].priority
                for other, item in outcome.winners.items()
            )
    # Units are not left over while someone eligible waits for that item.
    for code in outcome.waitlist:
        entry = by_code[code]
        won = sum(1 for item in outcome.winners.values() if item == entry.item)
        assert won == quantities[entry.item] or entry.phone_key in winning_phones

    # Reproducible from the published list (no phones) and the number alone, whatever order
    # the list is read in.
    published = published_text(entries)
    shuffled = published_parse(published)
    random.Random(1).shuffle(shuffled)
    again = draw_run(shuffled, quantities, number)
    assert again.order == outcome.order
    assert again.key == outcome.key
    if len({e.phone_key for e in entries}) == len(entries):  # as the database keeps them
        assert again.winners == outcome.winners
        assert again.waitlist == outcome.waitlist
    # The published list names no phone.
    assert all(e.phone_key is None for e in shuffled)


def test_changing_the_public_number_changes_the_order():
    entries = [Entry(code=f"AAAA-{n:04d}", item="1") for n in range(30)]
    first = [e.code for e in draw_order(entries, "123456")]
    second = [e.code for e in draw_order(entries, "123457")]
    assert sorted(first) == sorted(second)
    assert first != second
    assert first == [e.code for e in draw_order(list(reversed(entries)), "123456")]


def test_adding_one_request_to_the_list_changes_the_key_and_the_order():
    entries = [Entry(code=f"BBBB-{n:04d}", item="1") for n in range(30)]
    one_more = [*entries, Entry(code="BBBB-9999", item="1")]
    before = draw_run(entries, {"1": 5}, "654321")
    after = draw_run(one_more, {"1": 5}, "654321")
    assert before.key != after.key
    assert [c for c in after.order if c != "BBBB-9999"] != list(before.order)
