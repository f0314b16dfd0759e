"""Charts drawn on the server as inline SVG: no script, nothing fetched, readable on a phone.
The dashboard and the mapping report's HTML file draw with these same functions (styled by
:data:`CSS`), so the file shows what the page shows.

:func:`bars` draws horizontal bars with the label above each (long labels stay readable on a
narrow screen), every row it is given; :func:`columns` draws counts over time. Every text is
escaped. A bar whose count is withheld (``<5`` in the mapping report) is drawn as a short
hatched stub of the same length for all, so its size says nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 320
_ROW = 30
_BAR = 12
_LABEL_CHARS = 48
# The charts' own style, for a page that does not load the dashboard's stylesheet.
CSS = """
svg.chart{width:100%;height:auto;max-width:40rem;display:block}
svg.chart text{font-size:11px;fill:#1d2430}
svg.chart text.axis,svg.chart text.value{fill:#5b6472;font-size:10px}
svg.chart text.end{text-anchor:end}
svg.chart .bar{fill:#c9a227}
svg.chart .bar.withheld{fill:#d8dde5;stroke:#5b6472;stroke-dasharray:2 2}
svg.chart .baseline{stroke:#d8dde5}
"""


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its count (None: withheld) and the text shown beside it."""

    label: str
    count: int | None
    shown: str


def bars(items: Sequence[Bar], *, title: str, empty: str = "No data yet.") -> Markup:
    """Horizontal bars, in the order given; ``empty`` is said when there is none."""
    if not items:
        return Markup('<p class="empty">{}</p>').format(empty)
    top = max((item.count or 0 for item in items), default=0) or 1
    room = WIDTH - 48
    height = _ROW * len(items) + 4
    parts = [_open(WIDTH, height, title)]
    for index, item in enumerate(items):
        y = index * _ROW
        label = item.label if len(item.label) <= _LABEL_CHARS else item.label[:47] + "…"
        parts.append(
            Markup('<text class="label" x="0" y="{}">{}</text>').format(y + 11, label or "—")
        )
        if item.count is None:
            length = 6
            css = "bar withheld"
        else:
            length = max(1, round(room * item.count / top))
            css = "bar"
        parts.append(
            Markup(
                '<rect class="{}" x="0" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>'
            ).format(css, y + 15, length, _BAR, label, item.shown)
        )
        parts.append(
            Markup('<text class="value" x="{}" y="{}">{}</text>').format(
                length + 4, y + 15 + _BAR - 2, item.shown
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def columns(
    points: Sequence[tuple[str, int]], *, title: str, empty: str = "No data yet."
) -> Markup:
    """Counts over time (one column a period, oldest left), with the first, last and a few
    periods between named below; ``empty`` is said when there is none."""
    if not points:
        return Markup('<p class="empty">{}</p>').format(empty)
    top = max(count for _, count in points) or 1
    chart_height = 120
    left = 28
    height = chart_height + 20
    step = (WIDTH - left) / len(points)
    width = max(1.0, step * 0.8)
    parts = [
        _open(WIDTH, height, title),
        Markup('<text class="axis" x="0" y="10">{}</text>').format(top),
        Markup('<text class="axis" x="0" y="{}">0</text>').format(chart_height),
        Markup('<line class="baseline" x1="{}" y1="{}" x2="{}" y2="{}"/>').format(
            left, chart_height, WIDTH, chart_height
        ),
    ]
    every = max(1, -(-len(points) // 4))
    for index, (period, count) in enumerate(points):
        x = left + index * step
        length = round(chart_height * count / top, 1)
        parts.append(
            Markup(
                '<rect class="bar" x="{:.1f}" y="{}" width="{:.1f}" height="{}">'
                "<title>{}: {}</title></rect>"
            ).format(x, chart_height - length, width, length, period, count)
        )
        last = index == len(points) - 1
        if last:
            parts.append(
                Markup('<text class="axis end" x="{}" y="{}">{}</text>').format(
                    WIDTH, chart_height + 14, period
                )
            )
        elif index % every == 0 and (len(points) - 1 - index) * step >= 100:
            parts.append(
                Markup('<text class="axis" x="{:.1f}" y="{}">{}</text>').format(
                    x, chart_height + 14, period
                )
            )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _open(width: int, height: int, title: str) -> Markup:
    return Markup(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img"'
        ' aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>'
    ).format(w=width, h=height, t=escape(title))
