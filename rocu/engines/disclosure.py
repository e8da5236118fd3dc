"""Statistical disclosure control for published tables of counts.

DOMAIN.md: no count below 10 is published, and no hidden count may be worked out from
the totals. A table is published with its row totals, column totals and grand total,
so hiding the small cells alone is not enough: a row with one hidden cell gives it away
by subtraction.

The method. Write the table with its totals as an (R+1) x (C+1) grid in which the
totals are negated; then every row and every column of the grid sums to zero. The
hidden cells are edges of a bipartite graph between grid rows and grid columns, and a
hidden cell can be worked out from the published figures exactly when it is a bridge
of that graph (it lies on no cycle of hidden cells). Secondary suppression therefore
closes every bridge into a four-cell cycle, choosing the smallest positive cells, so
each hidden cell can move up or down by one along a cycle whose other cells are all
at least one: another table with non-negative counts gives every published figure, so
not even the bounds pin a hidden cell.

Zeros are published as 0: a zero identifies nobody, and hiding one would let a reader
learn it anyway whenever the hidden cells of a line add up to zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

RULE_VERSION = "sdc-v1"
THRESHOLD = 10
SUPPRESSED = "<10"
# A count of 10 or more hidden only so that a small one cannot be worked out: saying
# "<10" there would be false, so it gets its own mark.
SECONDARY = "hidden"
MARKS = frozenset({SUPPRESSED, SECONDARY})


@dataclass(frozen=True)
class ProtectedTable:
    """A table ready to publish: cells are ints or one of the two marks."""

    rows: list[list[int | str]]
    row_totals: list[int | str]
    column_totals: list[int | str]
    grand_total: int | str
    primary: frozenset[tuple[int, int]]  # grid coordinates; R and C index the totals
    secondary: frozenset[tuple[int, int]]
    version: str = RULE_VERSION

    @property
    def hidden(self) -> frozenset[tuple[int, int]]:
        return self.primary | self.secondary


def grid_of(table: Sequence[Sequence[int]]) -> list[list[int]]:
    """The table with its totals: last column row totals, last row column totals."""
    n_cols = len(table[0]) if table else 0
    grid = [[*list(row), sum(row)] for row in table]
    grid.append([sum(row[j] for row in table) for j in range(n_cols)] + [sum(sum(r) for r in table)])
    return grid


def _bridges(n_rows: int, n_cols: int, edges: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Bridges of the bipartite graph rows x columns whose edges are the hidden cells."""
    adjacency: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    for r, c in edges:
        a, b = r, n_rows + c
        adjacency.setdefault(a, []).append((b, (r, c)))
        adjacency.setdefault(b, []).append((a, (r, c)))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    found: set[tuple[int, int]] = set()
    counter = 0
    for start in adjacency:
        if start in order:
            continue
        order[start] = low[start] = counter
        counter += 1
        stack: list[tuple[int, tuple[int, int] | None, int]] = [(start, None, 0)]
        while stack:
            node, via, index = stack[-1]
            neighbours = adjacency[node]
            if index < len(neighbours):
                stack[-1] = (node, via, index + 1)
                nxt, edge = neighbours[index]
                if edge == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, edge, 0))
            else:
                stack.pop()
                if stack and via is not None:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.add(via)
    return found


def _cheapest_cycle(
    r: int, c: int, n_rows: int, n_cols: int, cost: Callable[[int, int], int], big: int
) -> set[tuple[int, int]] | None:
    """Three cells that close (r, c) into a four-cell cycle, as cheaply as a short search finds.

    Only the few cheapest partner columns are tried (plus the totals column, which always
    works), so the search stays linear in the table's size.
    """
    candidates = sorted((cost(r, c2), c2) for c2 in range(n_cols) if c2 != c and cost(r, c2) < big)
    columns = [c2 for _, c2 in candidates[:3]]
    if n_cols - 1 != c and n_cols - 1 not in columns:
        columns.append(n_cols - 1)
    best: tuple[int, int, int] | None = None
    for c2 in columns:
        first = cost(r, c2)
        if first >= big:
            continue
        for r2 in range(n_rows):
            if r2 == r:
                continue
            total = first + cost(r2, c) + cost(r2, c2)
            if total < big and (best is None or total < best[0]):
                best = (total, r2, c2)
    if best is None:
        return None
    _, r2, c2 = best
    return {(r, c2), (r2, c), (r2, c2)}


def protect(table: Sequence[Sequence[int]], threshold: int = THRESHOLD) -> ProtectedTable:
    """Suppress every count from 1 to threshold-1, then enough others that none can be worked out."""
    if not table or not table[0]:
        raise ValueError("a table needs at least one row and one column")
    width = len(table[0])
    if any(len(row) != width for row in table):
        raise ValueError("every row needs the same number of columns")
    if any(v < 0 for row in table for v in row):
        raise ValueError("counts cannot be negative")
    grid = grid_of(table)
    n_rows, n_cols = len(grid), width + 1
    primary = {(r, c) for r in range(n_rows) for c in range(n_cols) if 0 < grid[r][c] < threshold}
    hidden = set(primary)
    big = 10**18

    def cost(r: int, c: int) -> int:
        if (r, c) in hidden:
            return 0
        value = grid[r][c]
        if value == 0:
            return big  # never hide a zero: see the module docstring
        # Prefer body cells over totals so the published table keeps its margins.
        return value if r < n_rows - 1 and c < n_cols - 1 else value * 4

    while True:
        bridges = _bridges(n_rows, n_cols, hidden)
        if not bridges:
            break
        touched: set[tuple[str, int]] = set()
        for r, c in sorted(bridges):
            if ("r", r) in touched or ("c", c) in touched:
                continue  # a cycle added this round may already close it: recheck next round
            cycle = _cheapest_cycle(r, c, n_rows, n_cols, cost, big)
            if cycle is None:
                raise ValueError("no secondary suppression pattern exists for this table")
            hidden |= cycle
            touched |= {("r", rr) for rr, _ in cycle} | {("c", cc) for _, cc in cycle}
    secondary = hidden - primary

    def shown(r: int, c: int) -> int | str:
        if (r, c) in primary:
            return SUPPRESSED
        return SECONDARY if (r, c) in hidden else grid[r][c]

    return ProtectedTable(
        rows=[[shown(r, c) for c in range(width)] for r in range(n_rows - 1)],
        row_totals=[shown(r, width) for r in range(n_rows - 1)],
        column_totals=[shown(n_rows - 1, c) for c in range(width)],
        grand_total=shown(n_rows - 1, width),
        primary=frozenset(primary),
        secondary=frozenset(secondary),
    )


def protect_counts(counts: Sequence[int], threshold: int = THRESHOLD) -> tuple[list[int | str], int | str]:
    """A single column of counts with its total, protected the same way."""
    protected = protect([[v] for v in counts], threshold)
    return [row[0] for row in protected.rows], protected.grand_total
