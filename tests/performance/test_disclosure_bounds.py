"""Zeros on the public page, and what a reader who knows the marks can work out.

The decision (issue 7): a true zero is published as 0. A zero counts nobody, so it
singles nobody out; "<10" for it would say something happened when nothing did. The
price is that readers then know "<10" means 1 to 9, and the secondary mark means 10
or more, so these tests give an attacker exactly that knowledge: linear programming
over the published rows, columns and totals with those bounds must leave every hidden
cell free to take at least two values. (The constraints form a network matrix, so the
linear programme's optimum is a whole number and the range is exact.)
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from rocu.engines import disclosure

counts = st.one_of(st.integers(0, 12), st.integers(0, 40), st.sampled_from([0, 0, 1, 9, 10, 11]))
tables = st.integers(1, 4).flatmap(lambda w: st.lists(st.lists(counts, min_size=w, max_size=w), min_size=1, max_size=4))


def _range(table, protected, cell):
    """(least, most) the cell can be, given every published figure and what the marks say."""
    grid = disclosure.grid_of(table)
    n_rows, n_cols = len(grid), len(grid[0])
    hidden = sorted(protected.hidden)
    index = {h: i for i, h in enumerate(hidden)}
    a_eq, b_eq = [], []

    def equation(cells_plus, cell_minus):
        coeffs, rhs = np.zeros(len(hidden)), 0.0
        for rc, sign in [*((x, 1) for x in cells_plus), (cell_minus, -1)]:
            if rc in index:
                coeffs[index[rc]] += sign
            else:
                rhs -= sign * grid[rc[0]][rc[1]]
        a_eq.append(coeffs)
        b_eq.append(rhs)

    for r in range(n_rows):
        equation([(r, c) for c in range(n_cols - 1)], (r, n_cols - 1))
    for c in range(n_cols):
        equation([(r, c) for r in range(n_rows - 1)], (n_rows - 1, c))
    bounds = [disclosure.cell_bounds(grid[r][c], (r, c) in protected.primary) for r, c in hidden]
    objective = np.zeros(len(hidden))
    objective[index[cell]] = 1
    low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert low.status == 0, low.message
    assert high.status in (0, 3), high.message  # 3: unbounded above, as free as can be
    return low.fun, (float("inf") if high.status == 3 else -high.fun)


@settings(max_examples=150, deadline=None)
@given(tables)
def test_no_hidden_cell_can_be_worked_out_even_knowing_what_the_marks_mean(table):
    protected = disclosure.protect(table)
    for cell in protected.hidden:
        least, most = _range(table, protected, cell)
        assert most - least >= 1 - 1e-6, (table, cell, least, most)


def _mark(protected, grid, r, c):
    """What the published table shows at grid position (r, c), totals included."""
    n_rows, n_cols = len(grid), len(grid[0])
    if r == n_rows - 1 and c == n_cols - 1:
        return protected.grand_total
    if r == n_rows - 1:
        return protected.column_totals[c]
    if c == n_cols - 1:
        return protected.row_totals[r]
    return protected.rows[r][c]


@settings(max_examples=300, deadline=None)
@given(tables)
def test_a_true_zero_is_published_as_zero_and_never_hidden(table):
    protected = disclosure.protect(table)
    grid = disclosure.grid_of(table)
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if value == 0:
                assert _mark(protected, grid, r, c) == 0
                assert (r, c) not in protected.hidden


@settings(max_examples=300, deadline=None)
@given(tables)
def test_the_marks_say_what_they_mean(table):
    protected = disclosure.protect(table)
    grid = disclosure.grid_of(table)
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            shown = _mark(protected, grid, r, c)
            if shown == disclosure.SUPPRESSED:
                assert 1 <= value <= 9
            elif shown == disclosure.SECONDARY:
                assert value >= 10
            else:
                assert shown == value


def test_the_case_the_bounds_used_to_give_away_is_now_protected():
    # Before sdc-v2: the 5 was pinned, because every other hidden cell was a 10.
    table = [[5, 10], [10, 10]]
    protected = disclosure.protect(table)
    least, most = _range(table, protected, (0, 0))
    assert most - least >= 1
    assert protected.version == "sdc-v2"
