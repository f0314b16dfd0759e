"""Small-count suppression: counts under 5 hidden, and never recoverable from a known total."""

from __future__ import annotations

import itertools

from bot.suppression import SECONDARY, SMALL, Cell, disclosed, suppress


def _possible(cells: list[Cell], total: int, key: str) -> set[int]:
    """Every value the hidden cell ``key`` could hold, to a reader who sees the cells and the
    total (hidden small cells hold 1 to 4, hidden ``x`` cells at least 5)."""
    hidden = [cell for cell in cells if cell.hidden]
    rest = total - sum(cell.count or 0 for cell in cells if not cell.hidden)
    ranges = [range(1, 5) if cell.shown == SMALL else range(5, rest + 1) for cell in hidden]
    found = set()
    for values in itertools.product(*ranges):
        if sum(values) == rest:
            found.add(values[[cell.key for cell in hidden].index(key)])
    return found


def test_counts_under_five_are_shown_as_less_than_five() -> None:
    """A cell of 1 to 4 reads "<5"; larger ones read as numbers, largest first."""
    cells = suppress({"DE": 12, "AT": 3, "US": 7, "FR": 0}, total_known=False)

    assert [("DE", "12"), ("US", "7"), ("AT", SMALL)] == [(c.key, c.shown) for c in cells]
    assert [12, 7, None] == [c.count for c in cells]


def test_a_single_small_cell_gets_a_companion_when_the_total_is_known() -> None:
    """With a known total, one hidden cell would be total minus the rest: the smallest other
    cell is hidden as well."""
    cells = suppress({"DE": 12, "AT": 3, "US": 7}, total_known=True)

    assert [("DE", "12"), ("AT", SMALL), ("US", SECONDARY)] == [(c.key, c.shown) for c in cells]


def test_hidden_cells_are_listed_in_key_order_not_by_size() -> None:
    """Where a hidden cell stands in the list says nothing about its size."""
    cells = suppress({"b": 4, "a": 1, "c": 2, "d": 9}, total_known=False)

    assert ["d", "a", "b", "c"] == [cell.key for cell in cells]


def test_no_small_cell_can_be_worked_out_from_the_total() -> None:
    """Every table of up to four cells of 1 to 9: each hidden small cell could hold at least
    two values given everything published, or the table is withheld."""
    for size in range(1, 5):
        for values in itertools.product(range(1, 10), repeat=size):
            counts = {f"k{i}": value for i, value in enumerate(values)}
            cells = suppress(counts, total_known=True)
            if not cells:
                continue
            for cell in cells:
                if cell.shown == SMALL:
                    assert len(_possible(cells, sum(values), cell.key)) > 1, counts


def test_a_table_that_cannot_be_protected_is_withheld() -> None:
    """5 and 1 out of a known 6: even hiding both leaves the 1 certain."""
    assert [] == suppress({"a": 5, "b": 1}, total_known=True)


def test_disclosure_rule() -> None:
    """All ones, all fours and a lone small cell are certain; a mix is not."""
    assert disclosed([3], [])
    assert disclosed([1, 1], [])
    assert disclosed([4, 4], [])
    assert not disclosed([1, 2], [])
    assert not disclosed([1], [6])
    assert disclosed([1], [5])
    assert not disclosed([], [])
