"""One spelling of tone marks across the product: "hòa, hủy, xóa, khóa", as administrative data writes them."""

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A tone on the second vowel of an open "oa", "oe" or "uy" ("hoà", "huỷ", "xoá"); "qu" is a
# consonant, so "quý" is not one. Versioned notices stay as the text people consented to.
NEW_STYLE = re.compile(
    r"(?<![qQ])[oO][àáảãạèéẻẽẹ](?![A-Za-zÀ-ỹđĐ])|(?<![qQ])[uU][ỳýỷỹỵ](?![A-Za-zÀ-ỹđĐ])"
)
KEPT_AS_CONSENTED = re.compile(r"notice_\d{4}_\d{2}\.html$")
SUFFIXES = {".py", ".html", ".po", ".txt", ".md", ".js"}


def _product_files():
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    for name in listed:
        path = ROOT / name
        if path == Path(__file__).resolve() or "/migrations/" in name:
            continue
        if path.suffix in SUFFIXES and not KEPT_AS_CONSENTED.search(name):
            yield path


def test_pattern_tells_the_two_spellings_apart():
    for written in ("Đã huỷ", "xoá", "Tân Hoà", "khoé"):
        assert NEW_STYLE.search(written), written
    assert not NEW_STYLE.search("Đã hủy, xóa, Tân Hòa, quý, toàn, khoảng, thuyền")


def test_every_text_of_the_product_writes_tone_marks_one_way():
    if not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to list the product's files")
    found = []
    for path in _product_files():
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8", errors="replace"))
        for number, line in enumerate(text.splitlines(), 1):
            if NEW_STYLE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}")
    assert not found, "write hòa/hủy/xóa/khóa:\n" + "\n".join(found)
