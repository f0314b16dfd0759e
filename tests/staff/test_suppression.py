"""Small-count suppression: counts under 5 hidden, and never recoverable from a known total."""

from __future__ import annotations

import itertools

from staff.suppression import SECONDARY, SMALL, THRESHOLD, Cell, disclosed, suppress


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


def test_the_published_labels_and_threshold() -> None:
    """The report's method text promises these: under 5 reads "<5", a companion cell "x"."""
    assert ("<5", "x", 5) == (SMALL, SECONDARY, THRESHOLD)


def test_counts_under_five_are_shown_as_less_than_five() -> None:
    """A cell of 1 to 4 reads "<5"; 5 and more read as numbers, largest first (not by key)."""
    cells = suppress({"AT": 3, "DE": 7, "US": 12, "FR": 0, "IT": 5}, total_known=False)

    assert [("US", "12"), ("DE", "7"), ("IT", "5"), ("AT", SMALL)] == [
        (c.key, c.shown) for c in cells
    ]
    assert [12, 7, 5, None] == [c.count for c in cells]


def test_equal_counts_are_listed_by_key() -> None:
    """Cells of the same size come in key order, so the list is the same every time."""
    cells = suppress({"b": 7, "a": 7, "c": 9}, total_known=False)

    assert ["c", "a", "b"] == [cell.key for cell in cells]


def test_the_smallest_shown_cell_is_the_companion_and_ties_go_by_key() -> None:
    """Of two smallest cells the same size, the first key is hidden; the larger ones stay."""
    cells = suppress({"z": 2, "b": 7, "a": 7, "d": 30}, total_known=True)

    assert [("d", "30"), ("b", "7"), ("a", SECONDARY), ("z", SMALL)] == [
        (c.key, c.shown) for c in cells
    ]


def test_a_threshold_of_three_hides_only_ones_and_twos() -> None:
    """The threshold is a parameter: at 3, a 3 is shown and a lone 2 gets a companion."""
    cells = suppress({"a": 2, "b": 3, "c": 10}, total_known=True, threshold=3)

    assert [("c", "10"), ("a", SMALL), ("b", SECONDARY)] == [(c.key, c.shown) for c in cells]


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


def _shown_as(cells: list[Cell], counts: dict[str, int], unhide: str) -> list[Cell]:
    """The same cells with ``unhide`` published after all."""
    return [
        Cell(cell.key, counts[cell.key], str(counts[cell.key])) if cell.key == unhide else cell
        for cell in cells
    ]


def _protected(cells: list[Cell], total: int) -> bool:
    """Whether every hidden small cell could hold two values or more."""
    return all(len(_possible(cells, total, cell.key)) > 1 for cell in cells if cell.shown == SMALL)


def test_nothing_is_hidden_needlessly() -> None:
    """Every table of up to four cells of 1 to 9: without a known total only small cells are
    hidden; with one, each companion cell is needed (publishing the largest of them would give
    a small cell away), and a table is withheld only when hiding every cell would not protect
    it either."""
    for size in range(1, 5):
        for values in itertools.product(range(1, 10), repeat=size):
            counts = {f"k{i}": value for i, value in enumerate(values)}
            total = sum(values)
            plain = suppress(counts, total_known=False)
            assert all(cell.shown != SECONDARY for cell in plain), counts
            cells = suppress(counts, total_known=True)
            if not cells:
                everything = [
                    Cell(key, None, SMALL if count < 5 else SECONDARY)
                    for key, count in counts.items()
                ]
                assert not _protected(everything, total), counts
                continue
            companions = [cell.key for cell in cells if cell.shown == SECONDARY]
            if companions:
                largest = max(companions, key=lambda key: (counts[key], key))
                assert not _protected(_shown_as(cells, counts, largest), total), counts


def test_a_table_that_cannot_be_protected_is_withheld() -> None:
    """5 and 1 out of a known 6: even hiding both leaves the 1 certain."""
    assert [] == suppress({"a": 5, "b": 1}, total_known=True)


def test_disclosure_rule() -> None:
    """All ones, all fours and a lone small cell are certain; a mix is not."""
    assert disclosed([3], [])
    assert disclosed([1, 1], [])
    assert disclosed([4, 4], [])
    assert not disclosed([1, 2], [])
    assert not disclosed([3, 4], [])
    assert not disclosed([1, 4], [])
    assert not disclosed([1], [6])
    assert disclosed([1], [5])
    assert not disclosed([], [])
