"""Vietnamese alphabetical order for lists people read (a ă â b c d đ e ê …, tones after)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

# The letters in the order Vietnamese dictionaries use; f, j, w, z (loan words) keep
# their Latin places.
ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
_LETTER_RANK = {letter: 100 + n for n, letter in enumerate(ALPHABET)}

# Vowel shapes (part of the letter) and tones (compared only when the letters are equal),
# in the order of Vietnamese dictionaries: none, huyền, hỏi, ngã, sắc, nặng.
_SHAPES = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letters(text: str) -> list[tuple[str, int, bool]]:
    """(letter with its shape, tone, is upper case) for each character of ``text``."""
    result: list[tuple[str, int, bool]] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and result:
            letter, tone, upper = result[-1]
            if char in _TONES:
                result[-1] = (letter, _TONES[char], upper)
            elif char in _SHAPES:
                result[-1] = (unicodedata.normalize("NFC", letter + char), tone, upper)
            continue
        result.append((char.lower(), 0, char != char.lower()))
    return result


def _primary(letter: str) -> int:
    if letter in _LETTER_RANK:
        return _LETTER_RANK[letter]
    if letter.isspace() or letter in "-–,.()/":
        return 0  # separators first: "Cái Bè" before "Cáibe"
    if letter.isdigit():
        return 10 + int(letter) if letter in "0123456789" else 20
    return 1000 + ord(letter)


def vi_sort_key(text: str) -> tuple:
    """A key for ``sorted``: letters first, then tones, then case (like a dictionary)."""
    letters = _letters(" ".join((text or "").split()))
    return (
        tuple(_primary(letter) for letter, _tone, _upper in letters),
        tuple(tone for _letter, tone, _upper in letters),
        tuple(upper for _letter, _tone, upper in letters),
    )


def vi_sorted(items: Iterable[T], *, key: Callable[[T], str] = str) -> list[T]:
    """The items in Vietnamese alphabetical order of ``key(item)``."""
    return sorted(items, key=lambda item: vi_sort_key(key(item)))


def area_sort_key(area) -> tuple:
    """Administrative areas by their own name: "Tỉnh Đồng Tháp" sorts under Đ, not under T."""
    return (vi_sort_key(area.short_name or area.name), vi_sort_key(area.name))
