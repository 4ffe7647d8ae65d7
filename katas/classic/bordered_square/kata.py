"""Largest 1-bordered square · 最大的以 1 为边界的正方形

In a grid of 0s and 1s, find the largest square sub-grid whose border (its four sides) is made
of 1s only; its interior may hold anything. Return the number of cells in it (LeetCode 1139).

Run the tests: pytest katas/classic/bordered_square
"""

__all__ = ["largest_bordered_square"]


def largest_bordered_square(grid) -> int:
    """Number of cells of the largest square sub-grid whose border cells are all 1.

    Args:
        grid: an (H, W) grid of 0s and 1s: a list of equal-length lists, or a 2-D numpy array
            (any integer or bool dtype). H or W may be 0 (``[]``, ``np.zeros((0, 3))``).

    Returns:
        An int: ``side * side`` for the largest side of a square sub-grid (contiguous rows
        ``r .. r + side - 1`` and columns ``c .. c + side - 1``) whose top row, bottom row, left
        column and right column are all 1; 0 if the grid has no 1 at all. A single 1 is a
        square of side 1 (answer 1); the interior of a larger square does not matter (a ring of
        1s around 0s counts). The number of cells, not the side: a 3 x 3 square gives 9.

    ``grid`` must not be modified. ``ValueError`` if it holds a value other than 0 and 1
    (True and False count as 1 and 0).

    Complexity (not timed): precompute, for every cell, how many 1s run left from it and up from
    it (including itself); then a square of side s with bottom-right corner (i, j) is bordered
    when the runs at (i, j), at (i, j - s + 1) going up and at (i - s + 1, j) going left are all
    >= s: O(H W min(H, W)) in all, against O(H W min(H, W)^2) for checking borders cell by cell.

    Canonical code: LeetCode 1139's dynamic-programming solution (left and up run lengths, then
    every side from min(left, up) down at each bottom-right corner) follows this statement. The
    convention, a test of its own: the answer is the number of cells (side squared), not the side.
    """
    raise NotImplementedError("largest_bordered_square")
