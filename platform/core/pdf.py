"""Fonts for every PDF the platform prints: Roboto (font-roboto wheel) has all Vietnamese glyphs.

The PDF base fonts (Helvetica, Times) lack letters such as ắ, ệ, ự and đ, so route sheets,
labels, manifests and report summaries all use this one registration.
"""

from __future__ import annotations

from pathlib import Path

import font_roboto
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "Roboto"
FONT_BOLD = "Roboto-Bold"
_FILES = Path(font_roboto.__file__).parent / "files"


def fonts_register() -> tuple[str, str]:
    """Register Roboto regular and bold (and their family) once per process; return the names."""
    registered = pdfmetrics.getRegisteredFontNames()
    if FONT not in registered:
        pdfmetrics.registerFont(TTFont(FONT, str(_FILES / "Roboto-Regular.ttf")))
    if FONT_BOLD not in registered:
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_FILES / "Roboto-Bold.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)
    return FONT, FONT_BOLD
