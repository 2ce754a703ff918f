"""The weekly chart as plain SVG geometry: drawn on the server, readable on a phone, no script."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.numbers import number_text

WIDTH = 320
HEIGHT = 180
TOP = 18
BOTTOM = 24
LEFT = 4


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[Label]
    baseline: float
    peak: int


def _number(value) -> int:
    return value if isinstance(value, int) else 0  # "<5" is drawn as nothing


def weekly_chart(
    weeks: list[tuple[dt.date, object, object]], *, first: str, second: str, monthly: bool = False
) -> Chart:
    """Two bars a week (orders placed, items given); a "<5" week shows a label, no bar."""
    plot_height = HEIGHT - TOP - BOTTOM
    peak = max([_number(a) for _w, a, _b in weeks] + [_number(b) for _w, _a, b in weeks] + [1])
    slot = (WIDTH - LEFT * 2) / max(len(weeks), 1)
    bar_width = max(slot * 0.4, 1.0)
    baseline = TOP + plot_height
    bars: list[Bar] = []
    labels: list[Label] = []
    # At most five labels: at 12px each they stay readable on a 360px screen.
    every = max(1, -(-len(weeks) // 5))
    fmt = "%m/%Y" if monthly else "%d/%m"
    for index, (week, a, b) in enumerate(weeks):
        x = LEFT + index * slot + slot * 0.1
        for offset, value, css, name in ((0, a, "bar-a", first), (bar_width, b, "bar-b", second)):
            height = plot_height * _number(value) / peak
            bars.append(
                Bar(
                    round(x + offset, 1),
                    round(baseline - height, 1),
                    round(bar_width, 1),
                    round(height, 1),
                    css,
                    f"{week:{fmt}}: {name} {number_text(value)}",
                )
            )
        if index % every == 0:
            labels.append(Label(round(x, 1), HEIGHT - 6, f"{week:{fmt}}"))
    return Chart(WIDTH, HEIGHT, bars, labels, baseline, peak)
