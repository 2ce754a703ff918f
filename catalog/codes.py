"""Tracking codes: short, readable aloud over the phone, and not guessable."""

from __future__ import annotations

import re
import secrets

# Crockford's base32: no I, L, O or U, so nothing is mistaken for 1, 0 or V.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
CODE_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def tracking_code_new() -> str:
    """Eight random symbols (40 bits), shown as XXXX-XXXX."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{symbols[:4]}-{symbols[4:]}"


def tracking_code_clean(raw: str) -> str | None:
    """What a person typed ("abcd 1234", "ABCD1234", "abcd-l234") → "ABCD-1234", or None."""
    text = re.sub(r"[\s\-_.]", "", (raw or "")).upper().translate(_CONFUSABLE)
    if len(text) != 8:
        return None
    code = f"{text[:4]}-{text[4:]}"
    return code if CODE_PATTERN.match(code) else None
