"""Bar charts drawn on the server as SVG, with no script (reports of the staff area).

:func:`bar_chart` turns categories and series of numbers into the coordinates of bars, axis
ticks and a legend; ``web/staff/reports/_chart.html`` draws them as ``<svg role="img">`` with
a ``<title>`` and ``<desc>``, and the page prints a table of the same numbers beside it, so
the chart is never the only way to read a figure. Series are stacked (positive values upward,
negative ones downward from zero) or side by side.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 760
HEIGHT = 320
LEFT = 84
RIGHT = 16
TOP = 16
BOTTOM = 56
TICKS = 5
PALETTE = (
    "#1f5fbf",
    "#d9730d",
    "#2e8540",
    "#a4262c",
    "#6b4fbb",
    "#0f7b8a",
    "#8a6d00",
    "#5c5c5c",
    "#c2185b",
    "#00695c",
)
"""Colours told apart by most people with a colour-vision deficiency; the legend and the
table carry the same information in words."""


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[Decimal | int]


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str


@dataclass(frozen=True, slots=True)
class Tick:
    y: float
    label: str


CHARACTER_WIDTH = 6.6
"""About how wide a character of a 12 px category label is, in the chart's units."""


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    text: str
    tight: bool = False  # too long for its slot at the normal size: drawn smaller


@dataclass(frozen=True, slots=True)
class LegendItem:
    x: float
    y: float
    colour: str
    name: str

    @property
    def text_x(self) -> float:
        return self.x + 17

    @property
    def text_y(self) -> float:
        return self.y + 10


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    description: str
    y_label: str
    x_label: str
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[Label]
    legend: list[LegendItem]
    zero_y: float
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM

    @property
    def tick_label_x(self) -> int:
        return self.left - 6

    @property
    def category_label_y(self) -> int:
        return self.plot_bottom + 16

    @property
    def x_title_x(self) -> float:
        return (self.left + self.right_edge) / 2

    @property
    def x_title_y(self) -> int:
        return self.plot_bottom + 38

    @property
    def y_title_y(self) -> float:
        return (self.plot_top + self.plot_bottom) / 2

    @property
    def legend_height(self) -> int:
        rows = max((int((item.y - HEIGHT) // 20) + 1 for item in self.legend), default=0)
        return rows * 20 + 8

    @property
    def total_height(self) -> int:
        return self.height + self.legend_height


def _nice_step(span: float) -> float:
    if span <= 0:
        return 1.0
    raw = span / TICKS
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _format_tick(value: float, step: float) -> str:
    if step >= 1:
        return f"{value:,.0f}"
    places = max(0, -math.floor(math.log10(step)))
    return f"{value:,.{places}f}"


def bar_chart(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    y_label: str,
    x_label: str = "",
    stacked: bool = True,
) -> BarChart:
    """The coordinates of a bar chart of ``series`` over ``categories``."""
    count = max(len(categories), 1)
    values = [[float(value) for value in item.values] for item in series]
    if stacked:
        highs = [sum(max(row[i], 0) for row in values) for i in range(len(categories))]
        lows = [sum(min(row[i], 0) for row in values) for i in range(len(categories))]
    else:
        highs = [max([row[i] for row in values] + [0]) for i in range(len(categories))]
        lows = [min([row[i] for row in values] + [0]) for i in range(len(categories))]
    top = max([*highs, 0])
    bottom = min([*lows, 0])
    step = _nice_step(top - bottom)
    axis_top = math.ceil(top / step) * step if top > 0 else 0
    axis_bottom = math.floor(bottom / step) * step if bottom < 0 else 0
    if axis_top == axis_bottom:
        axis_top = axis_bottom + step
    plot_top, plot_bottom = TOP, HEIGHT - BOTTOM
    plot_width = WIDTH - RIGHT - LEFT

    def y_of(value: float) -> float:
        share = (value - axis_bottom) / (axis_top - axis_bottom)
        return round(plot_bottom - share * (plot_bottom - plot_top), 2)

    slot = plot_width / count
    bars: list[Bar] = []
    for index, category in enumerate(categories):
        slot_x = LEFT + index * slot
        if stacked:
            up, down = 0.0, 0.0
            width = slot * 0.6
            for number, item in enumerate(series):
                value = values[number][index]
                if not value:
                    continue
                start = up if value > 0 else down
                end = start + value
                if value > 0:
                    up = end
                else:
                    down = end
                y_top, y_bottom = y_of(max(start, end)), y_of(min(start, end))
                bars.append(
                    Bar(
                        round(slot_x + slot * 0.2, 2),
                        y_top,
                        round(width, 2),
                        round(y_bottom - y_top, 2),
                        PALETTE[number % len(PALETTE)],
                        f"{category}, {item.name}: {item.values[index]}",
                    )
                )
        else:
            width = slot * 0.8 / max(len(series), 1)
            for number, item in enumerate(series):
                value = values[number][index]
                y_top, y_bottom = y_of(max(value, 0)), y_of(min(value, 0))
                bars.append(
                    Bar(
                        round(slot_x + slot * 0.1 + number * width, 2),
                        y_top,
                        round(width, 2),
                        round(y_bottom - y_top, 2),
                        PALETTE[number % len(PALETTE)],
                        f"{category}, {item.name}: {item.values[index]}",
                    )
                )
    ticks = []
    tick = axis_bottom
    while tick <= axis_top + step / 2:
        ticks.append(Tick(y_of(tick), _format_tick(tick, step)))
        tick += step
    # One size for all the names: smaller when any is too long for its slot.
    tight = any(len(text) * CHARACTER_WIDTH > slot * 0.95 for text in categories)
    labels = [
        Label(round(LEFT + (i + 0.5) * slot, 2), text, tight) for i, text in enumerate(categories)
    ]
    legend = []
    x, row = LEFT, 0
    for number, item in enumerate(series):
        width = 28 + 7 * len(item.name)
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, row = LEFT, row + 1
        legend.append(LegendItem(x, HEIGHT + row * 20, PALETTE[number % len(PALETTE)], item.name))
        x += width
    return BarChart(
        title=title,
        description=description,
        y_label=y_label,
        x_label=x_label,
        bars=bars,
        ticks=ticks,
        labels=labels,
        legend=legend,
        zero_y=y_of(0),
    )
