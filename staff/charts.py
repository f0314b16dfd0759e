"""Charts as PNG images (matplotlib's Agg backend, no display needed), for ``/stats``.

Callers pass panels already labelled in the reader's language; this module only draws.
matplotlib (with numpy, some 45 MB and half a second) is imported by :func:`png`, the first
time a chart is drawn, never at start-up.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

BLUE = "#1f5fa8"
GREY = "#5f6b7a"
# Panels of horizontal bars show this many bars at most.
MOST_BARS = 10


@dataclass(frozen=True)
class Panel:
    """One chart: a title and (label, value) bars; ``columns`` draws upright bars in order (a
    time series), otherwise horizontal bars, largest at the top."""

    title: str
    bars: Sequence[tuple[str, int]]
    columns: bool = False


def png(title: str, panels: Sequence[Panel]) -> bytes:
    """The panels two a row under ``title``, as a PNG image."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    rows = max(1, -(-len(panels) // 2))
    figure = Figure(figsize=(11, 4.2 * rows), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(title, fontsize=15, fontweight="bold")
    for index, panel in enumerate(panels):
        axes = figure.add_subplot(rows, 2, index + 1)
        axes.set_title(panel.title, fontsize=12, loc="left")
        axes.spines[["top", "right"]].set_visible(False)
        bars = list(panel.bars)
        if not bars:
            axes.set_axis_off()
            axes.text(0.5, 0.5, "–", ha="center", va="center", fontsize=20, color=GREY)
            continue
        labels = [label for label, _ in bars]
        values = [value for _, value in bars]
        if panel.columns:
            axes.bar(range(len(values)), values, color=BLUE)
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
            step = max(1, len(labels) // 8)
            axes.set_xticks(range(0, len(labels), step), labels[::step], rotation=30, ha="right")
        else:
            shown = bars[:MOST_BARS][::-1]
            axes.barh(
                [label for label, _ in shown], [value for _, value in shown], color=BLUE, height=0.6
            )
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
            # A few bars keep a bar's usual thickness instead of filling the panel.
            axes.set_ylim(len(shown) - max(len(shown), 5) - 0.5, len(shown) - 0.5)
            for position, (_, value) in enumerate(shown):
                axes.annotate(
                    f"{value:,}",
                    (value, position),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=9,
                    color=GREY,
                )
        axes.tick_params(labelsize=9)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
