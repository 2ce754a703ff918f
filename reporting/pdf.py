"""Fonts for PDFs: Roboto (from the font-roboto wheel) has every Vietnamese glyph."""

from __future__ import annotations

from pathlib import Path

import font_roboto
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "Roboto"
FONT_BOLD = "Roboto-Bold"
_FILES = Path(font_roboto.__file__).parent / "files"


def fonts_register() -> tuple[str, str]:
    """Register Roboto regular and bold once per process; returns their names."""
    registered = pdfmetrics.getRegisteredFontNames()
    if FONT not in registered:
        pdfmetrics.registerFont(TTFont(FONT, str(_FILES / "Roboto-Regular.ttf")))
    if FONT_BOLD not in registered:
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_FILES / "Roboto-Bold.ttf")))
    return FONT, FONT_BOLD
