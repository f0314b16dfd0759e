"""Small-count suppression for figures that leave the programme (the mapping report).

The method, for one table of counts:

1. **Primary suppression.** A cell counting 1 to ``threshold - 1`` members is hidden and shown
   as ``<5``. Empty cells are simply not listed.
2. **Secondary suppression.** When the table's cells add up to a total the reader knows (every
   member falls in exactly one cell, and the member count is published — or, for the cities of
   a country, the country's count), the hidden cells' sum is known by subtraction. We then
   check, for every hidden cell, the range of values it could take given that sum, that hidden
   ``<5`` cells hold 1 to 4 and hidden ``x`` cells at least 5. While any ``<5`` cell's range is
   a single value (one hidden cell; or all hidden cells must be 1, or all 4), the smallest
   cell still shown is hidden too and shown as ``x``. A secondary cell's own count may still be
   narrowed down, but it is 5 or more, which the rule allows to be shown anyway. When even
   hiding every cell cannot protect a small one (a total of 6 made of 5 and 1), the table is
   withheld: :func:`suppress` returns no cells.
3. **Order.** Shown cells are listed largest first; hidden cells after them in a fixed order
   (by key), so their place in the list says nothing about their size.

Tables where a member can fall in several cells (languages, interests, channels) have no
known total, so only step 1 applies. The rule and its check are in :func:`suppress` and
:func:`disclosed`; the tests try every small table by brute force.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

THRESHOLD = 5
SMALL = "<5"
SECONDARY = "x"


@dataclass(frozen=True)
class Cell:
    """One published count: ``count`` is None when hidden, and ``shown`` is what to print."""

    key: str
    count: int | None
    shown: str

    @property
    def hidden(self) -> bool:
        return self.count is None


def suppress(
    counts: Mapping[str, int], *, total_known: bool, threshold: int = THRESHOLD
) -> list[Cell]:
    """The cells of a table after suppression, in publishing order (see the module); no cells
    when the table must be withheld."""
    present = {key: count for key, count in counts.items() if count > 0}
    small = {key for key, count in present.items() if count < threshold}
    visible = set(present) - small
    secondary: set[str] = set()
    while total_known and disclosed(
        [present[key] for key in small], [present[key] for key in secondary], threshold
    ):
        if not visible:
            return []
        # The smallest cell still shown (the first key among equals), so the least is hidden.
        smallest = min(visible, key=lambda key: (present[key], key))
        visible.remove(smallest)
        secondary.add(smallest)
    shown = sorted(visible, key=lambda key: (-present[key], key))
    hidden = sorted(small | secondary)
    return [Cell(key, present[key], str(present[key])) for key in shown] + [
        Cell(key, None, SMALL if key in small else SECONDARY) for key in hidden
    ]


def disclosed(small: list[int], secondary: list[int], threshold: int = THRESHOLD) -> bool:
    """Whether a reader who knows the sum of the hidden cells could tell the exact value of a
    small one (each small cell holds 1 to ``threshold - 1``, each secondary one at least
    ``threshold``)."""
    if not small:
        return False
    total = sum(small) + sum(secondary)
    top = threshold - 1
    # Every small cell has the same range: the others' least sum is 1 a small cell and
    # ``threshold`` a secondary one; their greatest is bounded only when all are small.
    others_least = len(small) - 1 + threshold * len(secondary)
    low = 1 if secondary else max(1, total - top * (len(small) - 1))
    high = min(top, total - others_least)
    return low >= high
