"""Largest square whose border is all 1s (LeetCode 1139), with run lengths, vectorised over corners."""

import numpy as np


def _runs(ones: np.ndarray, axis: int) -> np.ndarray:
    """Length of the run of 1s ending at each cell along `axis` (left or up), the cell included."""
    count = np.cumsum(ones, axis=axis)
    last_zero = np.maximum.accumulate(np.where(ones, 0, count), axis=axis)  # count at the last 0 before
    return count - last_zero


def largest_bordered_square(grid) -> int:
    """Cells (side * side) of the largest square sub-grid whose four sides are all 1; 0 if none."""
    g = np.asarray(grid)
    if g.size == 0:  # [] or an (H, 0) / (0, W) array
        return 0
    if not np.isin(g, (0, 1)).all():
        raise ValueError("grid must hold only 0s and 1s")
    ones = g.astype(np.int64)
    left, up = _runs(ones, 1), _runs(ones, 0)
    h, w = ones.shape
    for s in range(min(h, w), 0, -1):  # largest side first; the first hit is the answer
        # Bottom-right corners (i, j) with i, j >= s - 1: bottom and right sides end here, the top
        # side ends at (i - s + 1, j) and the left side at (i, j - s + 1).
        ok = (left[s - 1:, s - 1:] >= s) & (up[s - 1:, s - 1:] >= s)
        ok &= (left[: h - s + 1, s - 1:] >= s) & (up[s - 1:, : w - s + 1] >= s)
        if ok.any():
            return s * s
    return 0
