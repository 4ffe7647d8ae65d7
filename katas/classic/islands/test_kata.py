"""Tests for classic/islands. Run: pytest katas/classic/islands

The oracle is a breadth-first search written below (an explicit queue, raster-order scan); it gives
the same labels as scipy.ndimage.label on every grid here, checked offline (scipy.ndimage is not
imported: it costs 0.4 s of the feedback time). Correctness tests compare labellings up to
renumbering and use 0/1 grids; the numbering, "nonzero is land" and the default connectivity each
have a convention test of their own."""

from collections import deque

import numpy as np
import pytest

from cvkatas import Call, assert_equal, assert_raises, fail, show

STEPS = {4: [(-1, 0), (1, 0), (0, -1), (0, 1)],
         8: [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]}


def oracle_label(grid, connectivity):
    """Labels 1..n in raster order of each island's first cell (scipy's), by BFS from that cell."""
    land = np.asarray(grid) != 0
    h, w = land.shape
    labels = np.zeros((h, w), np.int64)
    n = 0
    for i in range(h):
        for j in range(w):
            if land[i, j] and not labels[i, j]:
                n += 1
                labels[i, j] = n
                queue = deque([(i, j)])
                while queue:
                    y, x = queue.popleft()
                    for dy, dx in STEPS[connectivity]:
                        v, u = y + dy, x + dx
                        if 0 <= v < h and 0 <= u < w and land[v, u] and not labels[v, u]:
                            labels[v, u] = n
                            queue.append((v, u))
    return labels, n


def run(impl, grid, *args, **kwargs):
    """Call the candidate and check the shape of what it returns: (integer labels (H, W), count)."""
    __tracebackhide__ = True
    call = Call(impl.label_islands, grid, *args, **kwargs)
    out = call.out
    if not (isinstance(out, tuple) and len(out) == 2):
        fail("label_islands must return a tuple (labels, count)", call=call, got=show(out))
    labels, count = out
    if not isinstance(labels, np.ndarray) or labels.dtype.kind not in "iu":
        fail("labels must be an integer numpy array", call=call, got=show(labels))
    if labels.shape != np.shape(grid):
        fail(f"labels have shape {labels.shape}, expected the grid's {np.shape(grid)}", call=call, got=show(labels))
    if not isinstance(count, (int, np.integer)) or isinstance(count, bool):
        fail(f"count must be an int, got {type(count).__name__}", call=call, got=show(count))
    return call, labels.astype(np.int64), int(count)


def check(impl, grid, connectivity):
    """The candidate's islands must be the oracle's, whatever numbers they carry."""
    __tracebackhide__ = True
    call, got, count = run(impl, grid, connectivity)
    expected, n = oracle_label(grid, connectivity)
    land = expected > 0
    if count != n:
        fail(f"count {count}, expected {n} islands", call=call, got=show(got), expected=show(expected),
             why=f"{connectivity}-connectivity: cells are neighbours when they share an edge"
                 + (" or a corner" if connectivity == 8 else " (corners do not count)"))
    if (got[~land] != 0).any() or (got[land] == 0).any():
        idx = tuple(int(i) for i in np.argwhere((got == 0) != ~land)[0])
        fail(f"cell {idx} is {'water' if not land[idx] else 'land'} but got label {got[idx]}",
             call=call, got=show(got), expected=show(expected), why="water is 0, every land cell has a label 1..count")
    # Same partition: each expected island has one label of its own, and labels run 1..count.
    pairs = np.unique(np.stack([expected[land], got[land]]), axis=1) if land.any() else np.zeros((2, 0), int)
    e_of, g_of = {}, {}
    for e, g in pairs.T:
        if e in e_of:
            cells = np.argwhere(expected == e)
            fail(f"one island got two labels ({e_of[e]} and {g})", call=call, got=show(got), expected=show(expected),
                 why=f"the island containing cell {tuple(int(c) for c in cells[0])} is connected "
                     f"({connectivity}-connectivity), so all its cells share one label")
        if g in g_of:
            fail(f"label {g} covers two islands", call=call, got=show(got), expected=show(expected),
                 why=f"no {connectivity}-connected path of land joins them; the grid does not wrap around "
                     "at its borders")
        e_of[e], g_of[g] = g, e
    if n and sorted(g_of) != list(range(1, n + 1)):
        fail(f"labels must be 1..{n}, got {sorted(g_of)}", call=call, got=show(got))
    return got


def grid_of(text, dtype=np.uint8):
    return np.array([[int(c) for c in row] for row in text.split()], dtype=dtype)


# 1. Small cases you can check on paper.

def test_three_islands_by_hand(impl):
    grid = grid_of("""
        11000
        11000
        00100
        00011
    """)
    check(impl, grid, 4)  # the top-left block, the single cell, the bottom-right pair
    check(impl, grid, 8)  # corners join them all: one island


def test_diagonal_cells_join_only_under_8_connectivity(impl):
    grid = np.eye(5, dtype=bool) | np.eye(5, dtype=bool)[::-1]  # an X: both diagonals
    for c, n in ((4, 9), (8, 1)):
        call, _, count = run(impl, grid, c)
        if count != n:
            fail(f"count {count}, expected {n}", call=call, got=show(call.out[0]),
                 why="the X's cells touch only at corners: 9 islands under 4-connectivity, one under 8 "
                     "(both diagonal directions, down-right and down-left, are neighbours)")
    check(impl, grid, 8)


def test_no_wrap_around_at_the_borders(impl):
    grid = grid_of("""
        1001
        1001
        0000
        1001
    """)
    for c in (4, 8):
        check(impl, grid, c)  # 4 islands: left and right columns, top and bottom rows never touch


def test_all_water_all_land_empty_and_single(impl):
    for grid in (np.zeros((3, 4), np.uint8), np.ones((3, 4), np.uint8), np.zeros((0, 0), np.uint8),
                 np.zeros((0, 5), np.uint8), np.zeros((1, 1), np.uint8), np.ones((1, 1), np.uint8)):
        for c in (4, 8):
            check(impl, grid, c)


def test_long_snake_is_one_island(impl):
    # A 1-cell-wide serpentine path of about 5 000 cells: a recursive flood fill overflows.
    n = 101
    grid = np.zeros((n, n), np.uint8)
    grid[::2] = 1
    grid[1::4, -1] = 1
    grid[3::4, 0] = 1
    for c in (4, 8):
        try:
            call, got, count = run(impl, grid, c)
        except RecursionError:
            fail(f"label_islands raised RecursionError on a snake-shaped island of {int(grid.sum())} cells",
                 call=f"label_islands(<{n} x {n} serpentine grid>, {c})",
                 why="a recursive flood fill needs one Python frame per cell of the path (the limit is about "
                     "1000): keep an explicit stack or deque, or use union-find")
        if count != 1:
            fail(f"count {count}, expected 1", call=call, got=show(got),
                 why="every row of the snake links to the next at alternating ends: it is one island")
        assert_equal(got, grid.astype(np.int64), call=call, what="labels",
                     why="the snake is one island: label 1 on every land cell, 0 on water")


# 2. Against the breadth-first oracle on seeded random grids.

@pytest.mark.parametrize("connectivity", [4, 8])
def test_matches_breadth_first_search(impl, connectivity):
    rng = np.random.default_rng(connectivity)
    for shape in [(1, 1), (1, 9), (9, 1), (2, 2), (7, 11), (30, 30), (48, 37)]:
        for p in (0.3, 0.5, 0.65):
            check(impl, rng.random(shape) < p, connectivity)


def test_numeric_grids(impl):
    rng = np.random.default_rng(5)
    for dtype in (np.int8, np.int64, np.float32, np.float64):
        check(impl, (rng.random((20, 25)) < 0.55).astype(dtype), 8)


# Conventions.

@pytest.mark.convention("labels in raster order of first cell")
def test_labels_in_raster_order_of_first_cell(impl):
    grid = grid_of("""
        0001
        1101
        0001
        1001
    """)
    call, got, _ = run(impl, grid, 4)
    expected, _ = oracle_label(grid, 4)
    assert_equal(got, expected, call=call, what="labels",
                 why="scan row by row: the right column's first cell (0, 3) comes first, so it is island 1; "
                     "the pair at (1, 0) is 2 and the cell at (3, 0) is 3 (scipy.ndimage.label's numbering)")


@pytest.mark.convention("nonzero is land")
def test_any_nonzero_value_is_land(impl):
    grid = np.array([[2, 0, -1], [255, 0, 0], [0, 0, 1]], dtype=np.int16)
    call, got, count = run(impl, grid, 4)
    expected, n = oracle_label(grid, 4)
    assert_equal(got, expected, call=call, what="labels",
                 why="2, 255, -1 and 1 are all land (nonzero), so there are 3 islands: "
                     "{(0, 0), (1, 0)}, {(0, 2)} and {(2, 2)}")


@pytest.mark.convention("default connectivity: 4")
def test_default_connectivity_is_4(impl):
    grid = np.eye(4, dtype=np.uint8)
    call, got, count = run(impl, grid)
    if count != 4:
        fail(f"label_islands(grid) found {count} island(s) on a diagonal line, expected 4", call=call,
             got=show(got), why="the default is 4-connectivity (scipy.ndimage.label's default cross), "
                                "so cells touching only at a corner are separate islands")


@pytest.mark.contract("connectivity not 4 or 8: ValueError")
def test_bad_connectivity_raises(impl):
    grid = np.eye(3, dtype=np.uint8)
    for c in (6, 0, 2):
        assert_raises(ValueError, impl.label_islands, grid, c,
                      why="only 4 and 8 are neighbourhoods of a square grid")


# Speed.

@pytest.mark.perf
def test_speed_2000x2000(impl, reference, speed):
    rng = np.random.default_rng(0)
    grid = rng.random((2000, 2000), dtype=np.float32) < 0.01  # sparse: about 39 000 small islands
    speed(impl.label_islands, reference.label_islands, grid, 4)
