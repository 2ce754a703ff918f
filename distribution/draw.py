"""The draw of a distribution round, as a pure function anyone can re-run.

The order of the requests is a keyed shuffle: the key is the SHA-256 of the frozen list of
request codes (sorted, one per line) followed by the public number, and each code's place
is given by HMAC-SHA256(key, code). Nobody knows the number before the close, and the list
is frozen at the close, so nobody can steer the order; anyone holding the published codes
and the number gets the same order and the same allocation.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "Entry",
    "Outcome",
    "draw_key",
    "draw_order",
    "draw_run",
    "frozen_list",
    "published_parse",
    "published_text",
]


@dataclass(frozen=True)
class Entry:
    """One request as published: its code, the item asked for, whether it is priority.

    ``phone_key`` is never published; the database already keeps one request per phone per
    round, and the draw guards it again when it is given.
    """

    code: str
    item: str
    priority: bool = False
    phone_key: str | None = None


@dataclass(frozen=True)
class Outcome:
    key: str  # hex SHA-256 of the frozen list and the number
    order: tuple[str, ...]  # every code, in draw order (priority group first)
    winners: dict[str, str] = field(default_factory=dict)  # code → item
    waitlist: tuple[str, ...] = ()  # the codes that did not win, in draw order


def frozen_list(codes: Iterable[str]) -> str:
    """The text the key hashes: the codes sorted, one per line (how it is published)."""
    return "\n".join(sorted(codes))


def _number_clean(public_number: str) -> str:
    return "".join(str(public_number).split())


def draw_key(codes: Iterable[str], public_number: str) -> bytes:
    text = frozen_list(codes) + "\n" + _number_clean(public_number)
    return hashlib.sha256(text.encode()).digest()


def draw_order(entries: Iterable[Entry], public_number: str) -> list[Entry]:
    """Every entry in draw order: the priority group first, each group in keyed order."""
    entries = list(entries)
    key = draw_key((e.code for e in entries), public_number)

    def rank(entry: Entry) -> tuple[bool, bytes, str]:
        place = hmac.new(key, entry.code.encode(), hashlib.sha256).digest()
        return (not entry.priority, place, entry.code)

    return sorted(entries, key=rank)


def draw_run(
    entries: Iterable[Entry], quantities: Mapping[str, int], public_number: str
) -> Outcome:
    """Allocate ``quantities`` (item → how many) to the entries in draw order.

    An entry wins when its item has units left and its phone has not won yet in this
    round; everyone else joins the waitlist, in draw order.
    """
    entries = list(entries)
    codes = [e.code for e in entries]
    if len(set(codes)) != len(codes):
        raise ValueError("a code appears twice in the list")
    left = {item: max(int(n), 0) for item, n in quantities.items()}
    winners: dict[str, str] = {}
    waitlist: list[str] = []
    phones: set[str] = set()
    ordered = draw_order(entries, public_number)
    for entry in ordered:
        if entry.phone_key is not None and entry.phone_key in phones:
            waitlist.append(entry.code)
            continue
        if left.get(entry.item, 0) > 0:
            left[entry.item] -= 1
            winners[entry.code] = entry.item
            if entry.phone_key is not None:
                phones.add(entry.phone_key)
        else:
            waitlist.append(entry.code)
    return Outcome(
        key=draw_key(codes, public_number).hex(),
        order=tuple(e.code for e in ordered),
        winners=winners,
        waitlist=tuple(waitlist),
    )


def published_parse(text: str) -> list[Entry]:
    """Entries from the published list: one ``CODE ITEM [*]`` per line (``*`` = priority)."""
    entries = []
    for raw in text.splitlines():
        parts = raw.split()
        if not parts:
            continue
        if len(parts) < 2:
            raise ValueError(f"line without an item: {raw!r}")
        entries.append(Entry(code=parts[0], item=parts[1], priority=parts[2:3] == ["*"]))
    return entries


def published_text(entries: Iterable[Entry]) -> str:
    """The list as published (sorted by code; no phone, no name)."""
    return "\n".join(
        f"{e.code} {e.item}" + (" *" if e.priority else "")
        for e in sorted(entries, key=lambda e: e.code)
    )
