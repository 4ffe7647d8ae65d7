"""Tests for classic/bordered_square. Run: pytest katas/classic/bordered_square

The oracle is a brute force written below: every square, largest first, its four sides checked
cell by cell. Correctness tests accept either the number of cells or the side (they differ only
for sides >= 2); which one to return has a convention test of its own."""

import numpy as np
import pytest

from cvkatas import Call, assert_raises, fail, show


def oracle(grid):
    """(side, top, left) of the first largest 1-bordered square found, or (0, None, None)."""
    g = np.asarray(grid, dtype=np.int64)
    if g.size == 0:
        return 0, None, None
    h, w = g.shape
    for s in range(min(h, w), 0, -1):
        for r in range(h - s + 1):
            for c in range(w - s + 1):
                if (g[r, c:c + s].all() and g[r + s - 1, c:c + s].all()
                        and g[r:r + s, c].all() and g[r:r + s, c + s - 1].all()):
                    return s, r, c
    return 0, None, None


def check(impl, grid, why=None):
    __tracebackhide__ = True
    call = Call(impl.largest_bordered_square, grid)
    got = call.out
    if not isinstance(got, (int, np.integer)) or isinstance(got, (bool, np.bool_)):
        fail(f"the result must be an int, got {type(got).__name__}", call=call, got=show(got))
    side, r, c = oracle(grid)
    if got not in (side * side, side):  # the side instead of the cell count: the convention test's business
        where = (f"the {side} x {side} square with top-left cell ({r}, {c}) has all-1 sides"
                 if side else "the grid has no 1")
        if side and got > side * side:
            where += f", and no square larger than {side} x {side} has"
        fail(f"got {got}, expected {side * side}", call=call, got=show(got), expected=str(side * side),
             why=why or where + " (its interior does not matter)")
    return got


def ring(n):
    g = np.ones((n, n), np.int64)
    g[1:-1, 1:-1] = 0
    return g


# 1. Small cases you can check on paper.

def test_leetcode_examples(impl):
    check(impl, [[1, 1, 1], [1, 0, 1], [1, 1, 1]], why="the whole 3 x 3 grid: its border is all 1 (the 0 is inside)")
    check(impl, [[1, 1, 0, 0]], why="one row: only 1 x 1 squares, and there are 1s")


def test_single_cells_and_no_ones(impl):
    check(impl, [[1]], why="a single 1 is a 1 x 1 bordered square: 1 cell")
    check(impl, [[0]], why="no 1 at all: 0")
    check(impl, np.zeros((4, 5), np.int64), why="no 1 at all: 0")
    check(impl, [[0, 0], [0, 1]], why="one 1: a 1 x 1 square")


def test_empty_grid(impl):
    for grid in ([], np.zeros((0, 0), np.int64), np.zeros((0, 3), np.int64), np.zeros((3, 0), np.int64)):
        check(impl, grid, why="an empty grid has no square: 0")


def test_ring_with_a_hole(impl):
    check(impl, ring(6), why="a ring of 1s: the 6 x 6 square's border is all 1, the 0s inside do not matter")


def test_largest_candidate_fails_but_a_smaller_one_holds(impl):
    # At the bottom-right corner (4, 4) four 1s run left and four up, but the 4 x 4 square's top
    # row has a gap; the 3 x 3 square ending there is bordered.
    grid = [[0, 0, 0, 0, 0],
            [0, 1, 0, 1, 1],
            [0, 1, 1, 1, 1],
            [0, 1, 1, 0, 1],
            [0, 1, 1, 1, 1]]
    check(impl, grid, why="sides 4 fail (cell (1, 2) is 0), side 3 with top-left (2, 2) holds: when the longest "
                          "runs do not close a square, try the smaller sides at the same corner")


def test_two_sides_are_not_enough(impl):
    # An L: long runs of 1s left and up from the corner (3, 3), but no top or left side.
    grid = [[0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 1], [1, 1, 1, 1]]
    check(impl, grid, why="an L shape has only the bottom and right sides: the largest bordered square is 1 x 1")


def test_square_at_the_far_corner(impl):
    grid = np.zeros((6, 7), np.int64)
    grid[3:, 4:] = ring(3)
    check(impl, grid, why="the 3 x 3 ring touching the bottom and right edges")


# 2. Against the brute force on seeded random grids.

@pytest.mark.parametrize("shape", [(1, 1), (1, 6), (6, 1), (2, 2), (5, 5), (8, 11), (14, 12)])
def test_matches_brute_force(impl, shape):
    rng = np.random.default_rng(shape[0] * 37 + shape[1])
    for p in (0.5, 0.8, 0.92):
        for _ in range(3):
            check(impl, (rng.random(shape) < p).astype(np.int64))


def test_planted_rings(impl):
    rng = np.random.default_rng(9)
    for n in (4, 7, 9):
        grid = (rng.random((12, 12)) < 0.6).astype(np.int64)
        r, c = rng.integers(0, 12 - n + 1, 2)
        grid[r:r + n, c:c + n] |= ring(n)
        check(impl, grid)


def test_list_and_bool_inputs(impl):
    rng = np.random.default_rng(3)
    grid = rng.random((9, 8)) < 0.85
    check(impl, grid)
    check(impl, grid.astype(np.uint8))
    check(impl, grid.astype(int).tolist())


def test_rotations_give_the_same_answer(impl):
    rng = np.random.default_rng(4)
    grid = (rng.random((10, 13)) < 0.85).astype(np.int64)
    base = check(impl, grid)
    for k in (1, 2, 3):
        turned = np.ascontiguousarray(np.rot90(grid, k))
        call = Call(impl.largest_bordered_square, turned)
        if call.out != base:
            fail(f"rotating the grid by {90 * k} degrees changed the answer from {base} to {call.out}", call=call,
                 why="a bordered square stays a bordered square when the grid is rotated")


# Conventions.

@pytest.mark.convention("returns the number of cells (side squared), not the side")
def test_returns_the_number_of_cells(impl):
    call = Call(impl.largest_bordered_square, ring(4))
    if call.out != 16:
        fail(f"got {call.out}, expected 16", call=call, got=show(call.out),
             why="the largest bordered square is 4 x 4: the answer is its number of cells, 16, not its side 4")


@pytest.mark.contract("values other than 0 and 1: ValueError")
def test_other_values_raise(impl):
    for grid in ([[1, 2], [1, 1]], np.array([[1, 1], [1, -1]])):
        assert_raises(ValueError, impl.largest_bordered_square, grid,
                      why="the grid holds 0s and 1s only; a 2 is neither, so it must not silently count as either")
