"""The inline SVG charts: escaped text, bars to scale, withheld counts that say nothing."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from staff.svg import Bar, bars, columns

SVG = "{http://www.w3.org/2000/svg}"


def widths(svg: str) -> list[int]:
    return [
        int(width)
        for width in re.findall(r'<rect class="bar[^"]*" x="0" y="\d+" width="(\d+)"', svg)
    ]


def test_bars_are_to_scale_and_valid_svg() -> None:
    """The largest bar fills the room; the others in proportion; the SVG parses."""
    svg = str(bars([Bar("Germany", 10, "10"), Bar("Austria", 5, "5")], title="Countries"))

    root = ElementTree.fromstring(svg)
    assert f"{SVG}svg" == root.tag
    assert [272, 136] == widths(svg)
    assert "Countries" == root.attrib["aria-label"]


def test_text_in_charts_is_escaped() -> None:
    """Labels and titles cannot inject markup."""
    svg = str(bars([Bar("<script>x</script>", 1, "1")], title='"><script>'))

    assert "<script>" not in svg
    assert "&lt;script&gt;x&lt;/script&gt;" in svg
    ElementTree.fromstring(svg)


def test_withheld_counts_are_drawn_alike() -> None:
    """Every "<5" is the same short hatched stub, whatever the true count."""
    svg = str(
        bars(
            [Bar("Germany", 40, "40"), Bar("Malta", None, "<5"), Bar("Peru", None, "<5")],
            title="Countries",
        )
    )

    assert [272, 6, 6] == widths(svg)
    assert 2 == svg.count('class="bar withheld"')
    assert 2 == svg.count(">&lt;5</text>")


def test_columns_name_the_first_and_last_periods() -> None:
    """Registrations over time: one column a period, labelled at both ends."""
    points = [(f"2026-{month:02d}", month) for month in range(1, 13)]

    svg = str(columns(points, title="Registrations"))

    ElementTree.fromstring(svg)
    assert 12 == svg.count('<rect class="bar"')
    assert ">2026-01</text>" in svg and ">2026-12</text>" in svg


def test_empty_charts_say_so() -> None:
    """No data: a sentence instead of an empty drawing."""
    assert "No data yet." in str(bars([], title="x"))
    assert "No data yet." in str(columns([], title="x"))
