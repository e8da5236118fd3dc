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

Zeros are published as 0 (decided for issue 7). DOMAIN.md forbids publishing a count
below 10 because a small count can single a person out; a true zero is a count of
nobody, so it singles out no one, and printing "<10" for it would tell the public that
something happened when nothing did. Hiding zeros would not protect anything either:
a reader learns a hidden zero whenever the hidden cells of a line add up to zero.

Publishing zeros has a cost the method must pay: a reader then knows that "<10" means
1 to 9, and the separate mark of a secondary cell tells them it is 10 or more. Those
bounds can pin a cell the equations alone leave free: in [[5, 10], [10, 10]] with its
totals, hiding the 5 and the three 10s leaves a four-cell cycle, but moving it down
makes a 10 a 9 and moving it up makes the other 10s 9s, so the 5 is known. So after
the bridges are closed every hidden cell must also lie on a cycle that can move by
one within what the marks say (primary cells 1 to 9, secondary cells 10 or more); a
cell that cannot gets a further four-cell cycle of cells with room to move
(`RULE_VERSION` sdc-v2).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

RULE_VERSION = "sdc-v2"
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
    # The bounds the marks reveal: primary 1 to threshold-1, secondary threshold or more.
    _close_pinned(grid, primary, hidden, threshold, cost, big)
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


def _sign(r: int, c: int, n_rows: int, n_cols: int) -> int:
    """+1 where a cell's value moves with the cycle, -1 for the row and column totals."""
    return -1 if (r == n_rows - 1) != (c == n_cols - 1) else 1


def cell_bounds(value: int, is_primary: bool, threshold: int = THRESHOLD) -> tuple[int, int | None]:
    """What a reader of the published table knows about a hidden cell (upper None: no limit)."""
    return (1, threshold - 1) if is_primary else (threshold, None)


def _room(grid: list[list[int]], primary: set[tuple[int, int]], threshold: int, r: int, c: int) -> tuple[bool, bool]:
    """Can the hidden cell (r, c) go (up, down) by one and stay within what its mark says?"""
    low, high = cell_bounds(grid[r][c], (r, c) in primary, threshold)
    value = grid[r][c]
    return (high is None or value + 1 <= high), value - 1 >= low


def _arcs(
    grid: list[list[int]], primary: set[tuple[int, int]], hidden: set[tuple[int, int]], threshold: int
) -> tuple[dict[int, list[tuple[int, tuple[int, int]]]], dict[tuple[int, int], tuple[bool, bool]]]:
    """The moves the bounds allow, as a directed graph on rows (r) and columns (n_rows + c).

    Going round a cycle of hidden cells, the signed grid (totals negated) goes up and
    down in turn: row to column is a cell going up in that grid, column to row going down.
    """
    n_rows, n_cols = len(grid), len(grid[0])
    out: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    ways: dict[tuple[int, int], tuple[bool, bool]] = {}
    for r, c in hidden:
        up, down = _room(grid, primary, threshold, r, c)
        if _sign(r, c, n_rows, n_cols) < 0:
            up, down = down, up
        ways[(r, c)] = (up, down)
        if up:
            out.setdefault(r, []).append((n_rows + c, (r, c)))
        if down:
            out.setdefault(n_rows + c, []).append((r, (r, c)))
    return out, ways


def _path(
    out: dict[int, list[tuple[int, tuple[int, int]]]], start: int, goal: int, avoid: tuple[int, int]
) -> list[tuple[int, int]] | None:
    """The cells of a shortest directed path start -> goal that does not use the cell `avoid`."""
    parent: dict[int, tuple[int, tuple[int, int]] | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt, cell in out.get(node, ()):
            if cell == avoid or nxt in parent:
                continue
            parent[nxt] = (node, cell)
            if nxt == goal:
                cells = []
                step = parent[nxt]
                while step is not None:
                    cells.append(step[1])
                    step = parent[step[0]]
                return cells
            queue.append(nxt)
    return None


def movable(
    grid: list[list[int]], primary: set[tuple[int, int]], hidden: set[tuple[int, int]], threshold: int = THRESHOLD
) -> set[tuple[int, int]]:
    """Hidden cells that some other table, within every mark's bounds, gives a different value.

    A cell moves when it lies on a directed cycle of the bounds' graph; one cycle found
    moves every cell on it, so most cells are settled without a search of their own.
    """
    n_rows = len(grid)
    out, ways = _arcs(grid, primary, hidden, threshold)
    # Bit masks of the moves, for the four-cell cycles that settle most cells quickly.
    up_cols: dict[int, int] = {}
    down_cols: dict[int, int] = {}
    up_rows: dict[int, int] = {}
    down_rows: dict[int, int] = {}
    for (r, c), (up, down) in ways.items():
        if up:
            up_cols[r] = up_cols.get(r, 0) | 1 << c
            up_rows[c] = up_rows.get(c, 0) | 1 << r
        if down:
            down_cols[r] = down_cols.get(r, 0) | 1 << c
            down_rows[c] = down_rows.get(c, 0) | 1 << r
    moved: set[tuple[int, int]] = set()
    for cell in sorted(hidden):
        if cell in moved:
            continue
        r, c = cell
        up, down = ways[cell]
        square = _square(r, c, up, down, up_cols, down_cols, up_rows, down_rows)
        if square is not None:
            moved.update(square)
            continue
        found = _path(out, n_rows + c, r, cell) if up else None
        if found is None and down:
            found = _path(out, r, n_rows + c, cell)
        if found is not None:
            moved.add(cell)
            moved.update(found)
    return moved


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def _square(
    r: int,
    c: int,
    up: bool,
    down: bool,
    up_cols: dict[int, int],
    down_cols: dict[int, int],
    up_rows: dict[int, int],
    down_rows: dict[int, int],
) -> list[tuple[int, int]] | None:
    """A four-cell cycle through (r, c) that can move, from the bit masks, or None."""
    not_c = ~(1 << c)
    if up:  # (r, c) up, (k, c) down, (k, j) up, (r, j) down
        for k in _bits(down_rows.get(c, 0) & ~(1 << r)):
            js = up_cols.get(k, 0) & down_cols.get(r, 0) & not_c
            if js:
                j = (js & -js).bit_length() - 1
                return [(r, c), (k, c), (k, j), (r, j)]
    if down:  # (r, c) down, (r, j) up, (k, j) down, (k, c) up
        for k in _bits(up_rows.get(c, 0) & ~(1 << r)):
            js = up_cols.get(r, 0) & down_cols.get(k, 0) & not_c
            if js:
                j = (js & -js).bit_length() - 1
                return [(r, c), (r, j), (k, j), (k, c)]
    return None


def _close_pinned(
    grid: list[list[int]],
    primary: set[tuple[int, int]],
    hidden: set[tuple[int, int]],
    threshold: int,
    cost: Callable[[int, int], int],
    big: int,
) -> None:
    """Hide more until every hidden cell can move within its bounds (see the module docstring)."""
    while True:
        pinned = hidden - movable(grid, primary, hidden, threshold)
        if not pinned:
            return
        r, c = min(pinned)
        cycle = _roomy_cycle(grid, primary, hidden, threshold, r, c, cost, big)
        if cycle is None:
            raise ValueError("no secondary suppression pattern exists for this table")
        hidden |= cycle


def _roomy_cycle(
    grid: list[list[int]],
    primary: set[tuple[int, int]],
    hidden: set[tuple[int, int]],
    threshold: int,
    r: int,
    c: int,
    cost: Callable[[int, int], int],
    big: int,
) -> set[tuple[int, int]] | None:
    """The cheapest three cells that close (r, c) into a four-cell cycle with room to move."""
    n_rows, n_cols = len(grid), len(grid[0])

    def can(cell: tuple[int, int], signed_up: bool) -> bool:
        rr, cc = cell
        if cell in hidden:
            up, down = _room(grid, primary, threshold, rr, cc)
        else:  # newly hidden: 10 or more, so it can always go up and go down from 11
            up, down = True, grid[rr][cc] > threshold
        if _sign(rr, cc, n_rows, n_cols) < 0:
            up, down = down, up
        return up if signed_up else down

    best: tuple[int, set[tuple[int, int]]] | None = None
    for c2 in range(n_cols):
        if c2 == c or cost(r, c2) >= big:
            continue
        for r2 in range(n_rows):
            if r2 == r or cost(r2, c) >= big or cost(r2, c2) >= big:
                continue
            others = [(r, c2), (r2, c), (r2, c2)]
            for d in (True, False):  # (r, c) and (r2, c2) go one way, the other two the other
                if can((r, c), d) and can((r2, c2), d) and can((r, c2), not d) and can((r2, c), not d):
                    total = sum(cost(*cell) for cell in others)
                    if best is None or total < best[0]:
                        best = (total, set(others))
                    break
    return None if best is None else best[1]


def protect_counts(counts: Sequence[int], threshold: int = THRESHOLD) -> tuple[list[int | str], int | str]:
    """A single column of counts with its total, protected the same way."""
    protected = protect([[v] for v in counts], threshold)
    return [row[0] for row in protected.rows], protected.grand_total
