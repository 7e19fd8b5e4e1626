"""Bar charts as plain geometry for the SVG template monitor/_chart.html: no chart library, no script.

A chart is groups along the x axis (days, priorities, vendors), each with one value per series;
series are drawn side by side or stacked. Colours come from CSS classes series-0, series-1, ….
"""

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 10, 36
TICKS = 4


@dataclass
class Chart:
    title: str
    unit: str
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[dict] = field(default_factory=list)
    x_labels: list[dict] = field(default_factory=list)
    y_ticks: list[dict] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)
    empty: bool = False
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT


def _nice_max(value: float) -> float:
    """Return a round axis maximum at or above the value (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def bar_chart(
    title: str,
    groups: list[tuple[str, list[float | None]]],
    series: list[str],
    unit: str = "",
    stacked: bool = False,
    fmt=lambda v: f"{v:g}",
    top: float | None = None,
    counts: bool = False,
) -> Chart:
    """Return the geometry of a bar chart of the groups (label, one value per series; None: no data)."""
    chart = Chart(title=title, unit=unit)
    shown = len(series) > 1 or stacked
    chart.legend = [{"label": name, "css": f"series-{i}"} for i, name in enumerate(series)] if shown else []
    totals = [
        sum(v or 0 for v in values) if stacked else max((v or 0 for v in values), default=0) for _, values in groups
    ]
    chart.empty = not groups or all(v is None for _, values in groups for v in values)
    axis_max = top or _nice_max(max(totals, default=0))
    if counts:  # whole numbers on every tick
        axis_max = max(TICKS, math.ceil(axis_max / TICKS) * TICKS)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(groups), 1)
    label_every = max(1, round(len(groups) / 12))
    for n in range(TICKS + 1):
        value = axis_max * n / TICKS
        chart.y_ticks.append({"y": round(TOP + plot_h - plot_h * n / TICKS, 1), "text": fmt(value)})
    for g, (name, values) in enumerate(groups):
        x0 = LEFT + g * slot
        if g % label_every == 0:
            chart.x_labels.append({"x": round(x0 + slot / 2, 1), "text": name})
        bar_w = slot * 0.8 if stacked else slot * 0.8 / max(len(series), 1)
        stack = 0.0
        for s, value in enumerate(values):
            if value is None:
                continue
            h = plot_h * value / axis_max
            x = x0 + slot * 0.1 + (0 if stacked else s * bar_w)
            y = TOP + plot_h - h - (plot_h * stack / axis_max if stacked else 0)
            stack += value if stacked else 0
            chart.bars.append(
                {
                    "x": round(x, 1),
                    "y": round(y, 1),
                    "w": round(max(bar_w - 1, 1), 1),
                    "h": round(h, 1),
                    "css": f"series-{s}",
                    "tip": f"{name} · {series[s]}: {fmt(value)}{unit}",
                }
            )
    return chart
