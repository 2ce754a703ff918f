"""The English catalogues are complete and their compiled .mo files match them."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/en/LC_MESSAGES/django.po")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)


def _entries(po: Path) -> list[dict]:
    """msgid, msgid_plural, msgstr(s) and flags of each live entry of a .po file."""
    entries: list[dict] = []
    current: dict = {}
    key = None
    for raw in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if "msgid" in current:
                entries.append(current)
            current, key = {}, None
        elif line.startswith("#,"):
            current.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue  # comments, locations, obsolete entries
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            key, _space, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return entries


def test_every_app_with_pages_has_an_english_catalogue():
    apps = {p.parents[3].name for p in CATALOGUES}
    assert {"catalog", "privacy", "logistics", "reporting", "tenants", "gianhang"} <= apps


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(po: Path):
    entries = [e for e in _entries(po) if e["msgid"]]
    assert entries
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", ())]
    empty = [
        e["msgid"]
        for e in entries
        if not e.get("msgstr") and not all(e.get(f"msgstr[{n}]") for n in (0, 1))
    ]
    assert fuzzy == [], "fuzzy translations"
    assert empty == [], "untranslated messages"
    with po.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = [
        e["msgid"] for e in entries if "msgstr" in e and compiled.gettext(e["msgid"]) != e["msgstr"]
    ]
    assert stale == [], f"{po.with_suffix('.mo').name} is older than its .po: compile it"
