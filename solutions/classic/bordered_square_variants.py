"""Known-wrong and canonical-style answers to classic/bordered_square; `nox -s verify` proves the
tests catch every one. Never shown to learners."""

import numpy as np


def _mutant(*, interior=False, two_sides=False, off_by_one=False, largest_only=False, min_side=1,
            in_place=False, empty_ok=True, as_side=False, check=True):
    def largest_bordered_square(grid):
        if not empty_ok:
            h, w = len(grid), len(grid[0])  # IndexError on []
        if len(grid) == 0 or np.size(grid) == 0:
            return 0
        if check and not np.isin(np.asarray(grid), (0, 1)).all():
            raise ValueError("0s and 1s only")
        g = grid if in_place else np.array(grid, dtype=np.int64)
        g = g if isinstance(g, np.ndarray) else np.array(g, dtype=np.int64)
        h, w = g.shape
        ones = (g != 0).astype(np.int64)
        left = np.zeros((h, w), np.int64)
        up = np.zeros((h, w), np.int64)
        for i in range(h):
            for j in range(w):
                if ones[i, j]:
                    left[i, j] = (left[i, j - 1] if j else 0) + 1
                    up[i, j] = (up[i - 1, j] if i else 0) + 1
        if in_place and g.dtype.kind in "iu":
            g[...] = np.minimum(left, up)  # "reuse the grid as the DP table"
        best = 0
        d = 0 if off_by_one else 1
        for i in range(h):
            for j in range(w):
                top = min(left[i, j], up[i, j])
                sides = [top] if largest_only else range(top, max(best, min_side - 1), -1)
                for s in sides:
                    if s < min_side or s <= best:
                        break
                    if interior:
                        ok = ones[i - s + 1:i + 1, j - s + 1:j + 1].all()
                    elif two_sides:
                        ok = True
                    else:
                        jj, ii = j - s + d, i - s + d
                        ok = jj >= 0 and ii >= 0 and up[i, jj] >= s and left[ii, j] >= s
                    if ok:
                        best = s
                        break
        return best if as_side else best * best

    return {"largest_bordered_square": largest_bordered_square}


def leetcode_dp(grid):
    """LeetCode 1139's editorial solution, in Python lists."""
    rows = [list(r) for r in grid]
    if not rows or not rows[0]:
        return 0
    if any(v not in (0, 1) for r in rows for v in r):
        raise ValueError("grid must hold 0s and 1s")
    m, n = len(rows), len(rows[0])
    left = [[0] * (n + 1) for _ in range(m + 1)]
    up = [[0] * (n + 1) for _ in range(m + 1)]
    best = 0
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            if rows[i - 1][j - 1] == 1:
                left[i][j] = left[i][j - 1] + 1
                up[i][j] = up[i - 1][j] + 1
                k = min(left[i][j], up[i][j])
                while k > best:
                    if up[i][j - k + 1] >= k and left[i - k + 1][j] >= k:
                        best = k
                        break
                    k -= 1
    return best * best


WRONG = {
    "interior_must_be_ones": _mutant(interior=True),
    "only_two_sides": _mutant(two_sides=True),
    "off_by_one_side": _mutant(off_by_one=True),
    "largest_candidate_only": _mutant(largest_only=True),
    "single_cell_not_counted": _mutant(min_side=2),
    "runs_written_into_grid": _mutant(in_place=True),
    "crashes_on_empty": _mutant(empty_ok=False),
    "returns_side": _mutant(as_side=True),
    "no_value_check": _mutant(check=False),
}
CANONICAL = {"leetcode_dp": {"largest_bordered_square": leetcode_dp}}
