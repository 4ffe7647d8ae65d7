"""Known-wrong, canonical-style and slow-but-correct answers to classic/hungarian; `nox -s verify`
proves the tests catch every wrong one and judge each canonical one as declared. Never shown to learners."""

import numpy as np

from solutions.classic import hungarian as ref


def _checked(cost):
    c = np.asarray(cost)
    if c.ndim != 2 or c.dtype.kind not in "biuf":
        raise ValueError("bad cost")
    c = c.astype(np.float64)
    if np.isnan(c).any() or np.isneginf(c).any():
        raise ValueError("NaN or -inf")
    return c


def greedy(cost):
    """Row by row, the cheapest column still free."""
    c = _checked(cost)
    tall = c.shape[0] > c.shape[1]
    c = c.T if tall else c
    taken = np.zeros(c.shape[1], bool)
    cols = []
    for row in c:
        j = int(np.argmin(np.where(taken, np.inf, row)))
        if row[j] == np.inf:
            raise ValueError("infeasible")
        taken[j] = True
        cols.append(j)
    cols = np.array(cols, dtype=np.int64)
    if tall:
        order = np.argsort(cols)
        return cols[order], order.astype(np.int64)
    return np.arange(len(cols), dtype=np.int64), cols


def maximise(cost):
    """Solves the maximisation problem instead."""
    c = _checked(cost)
    return ref.linear_sum_assignment(-np.where(np.isinf(c), -1e300, c))


def transposed_tall(cost):
    """For a tall matrix, returns the transposed problem's answer without swapping back."""
    c = _checked(cost)
    if c.shape[0] > c.shape[1]:
        return ref.linear_sum_assignment(c.T)
    return ref.linear_sum_assignment(c)


def tall_rows_unsorted(cost):
    """For a tall matrix, the pairs come back in column order, so row_ind is not sorted."""
    c = _checked(cost)
    if c.shape[0] > c.shape[1]:
        cols, rows = ref.linear_sum_assignment(c.T)
        return rows, cols
    return ref.linear_sum_assignment(c)


def first_zero_after_reduction(cost):
    """Subtracts row and column minima, then gives each row the first zero in a free column (the
    cheapest free column when none is left): right only when the zeros happen not to collide."""
    c = _checked(cost)
    tall = c.shape[0] > c.shape[1]
    c = c.T if tall else c
    if c.size:
        c = c - c.min(axis=1, keepdims=True)
        c = c - c.min(axis=0, keepdims=True)
    taken = np.zeros(c.shape[1], bool)
    cols = []
    for row in c:
        zeros = np.flatnonzero((row == 0) & ~taken)
        j = int(zeros[0]) if zeros.size else int(np.argmin(np.where(taken, np.inf, row)))
        taken[j] = True
        cols.append(j)
    cols = np.array(cols, dtype=np.int64)
    if tall:
        order = np.argsort(cols)
        return cols[order], order.astype(np.int64)
    return np.arange(len(cols), dtype=np.int64), cols


def square_only(cost):
    """Brute force written for square matrices: a rectangular one is cut to its leading square block."""
    c = _checked(cost)
    k = min(c.shape)
    return ref.linear_sum_assignment(c[:k, :k])


def inf_as_big_number(cost):
    """Replaces +inf by a large finite cost, so an infeasible problem returns a forbidden pair."""
    c = _checked(cost)
    return ref.linear_sum_assignment(np.where(np.isinf(c), 1e12, c))


def munkres(cost):
    """Correct, but the textbook zero-covering Munkres method in pure Python: O(n^4) worst case."""
    c = _checked(cost)
    tall = c.shape[0] > c.shape[1]
    a = (c.T if tall else c).tolist()
    n, m = len(a), (len(a[0]) if a else 0)
    for row in a:  # step 1: row reduction
        low = min(row)
        if low == np.inf:
            raise ValueError("infeasible")
        row[:] = [x - low for x in row]
    star_in_row, star_in_col = [-1] * n, [-1] * m
    for i in range(n):  # step 2: star independent zeros
        for j in range(m):
            if a[i][j] == 0 and star_in_col[j] < 0:
                star_in_row[i], star_in_col[j] = j, i
                break
    while True:
        col_cov = [star_in_col[j] >= 0 for j in range(m)]  # step 3
        if sum(col_cov) == n:
            break
        row_cov, prime_in_row = [False] * n, [-1] * n
        while True:  # step 4: prime uncovered zeros
            spot = next(((i, j) for i in range(n) if not row_cov[i] for j in range(m)
                         if not col_cov[j] and a[i][j] == 0), None)
            if spot is None:  # step 6: make a new zero
                low = min((a[i][j] for i in range(n) if not row_cov[i] for j in range(m) if not col_cov[j]),
                          default=np.inf)
                if low == np.inf:
                    raise ValueError("infeasible")
                for i in range(n):
                    for j in range(m):
                        if row_cov[i] and col_cov[j]:
                            a[i][j] += low
                        elif not row_cov[i] and not col_cov[j]:
                            a[i][j] -= low
                continue
            i, j = spot
            prime_in_row[i] = j
            if star_in_row[i] >= 0:
                row_cov[i], col_cov[star_in_row[i]] = True, False
                continue
            while True:  # step 5: alternate primes and stars along the path
                i_star = star_in_col[j]
                star_in_row[i], star_in_col[j] = j, i
                if i_star < 0:
                    break
                i, j = i_star, prime_in_row[i_star]
            break
    cols = np.array(star_in_row, dtype=np.int64)
    if tall:
        order = np.argsort(cols)
        return cols[order], order.astype(np.int64)
    return np.arange(n, dtype=np.int64), cols


def returns_lists(cost):
    """Right pairs, returned as two Python lists."""
    rows, cols = ref.linear_sum_assignment(cost)
    return rows.tolist(), cols.tolist()


def no_value_checks(cost):
    """Skips the NaN / -inf check: -inf entries go into the potentials and an answer comes back."""
    c = np.asarray(cost)
    if c.ndim != 2 or c.dtype.kind not in "biuf":
        raise ValueError("bad cost")
    c = np.where(np.isneginf(c), -1e300, np.nan_to_num(c, nan=0.0, posinf=np.inf))
    return ref.linear_sum_assignment(c)


def no_dtype_check(cost):
    """Converts anything with astype(float64): strings of digits pass silently."""
    c = np.asarray(cost)
    if c.ndim != 2:
        raise ValueError("cost must be 2-D")
    return ref.linear_sum_assignment(c.astype(np.float64))


def emaxx_hungarian(cost):
    """The O(n^2 m) Hungarian method with potentials u, v, the matching p and the path `way`
    (1-indexed, column 0 a virtual start), as on e-maxx / cp-algorithms; scipy's checks in front."""
    a = np.asarray(cost)
    if a.ndim != 2:
        raise ValueError("expected a matrix (2-D array)")
    if not (np.issubdtype(a.dtype, np.number) or a.dtype == np.bool_):
        raise ValueError("expected a matrix containing numerical entries")
    a = a.astype(np.float64)
    if np.isnan(a).any() or np.isneginf(a).any():
        raise ValueError("matrix contains invalid numeric entries")
    transposed = a.shape[0] > a.shape[1]
    if transposed:
        a = a.T
    n, m = a.shape
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    p, way = [0] * (m + 1), [0] * (m + 1)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, -1
            for j in range(1, m + 1):
                if not used[j]:
                    cur = a[i0 - 1, j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            if delta == inf:
                raise ValueError("cost matrix is infeasible")
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    pairs = sorted((p[j] - 1, j - 1) for j in range(1, m + 1) if p[j])
    rows = np.array([r for r, _ in pairs], dtype=np.int64)
    cols = np.array([c for _, c in pairs], dtype=np.int64)
    if transposed:
        order = np.argsort(cols)
        return cols[order], rows[order]
    return rows, cols


WRONG = {
    "greedy": {"linear_sum_assignment": greedy},
    "maximise": {"linear_sum_assignment": maximise},
    "transposed_tall": {"linear_sum_assignment": transposed_tall},
    "tall_rows_unsorted": {"linear_sum_assignment": tall_rows_unsorted},
    "first_zero_after_reduction": {"linear_sum_assignment": first_zero_after_reduction},
    "square_only": {"linear_sum_assignment": square_only},
    "inf_as_big_number": {"linear_sum_assignment": inf_as_big_number},
    "returns_lists": {"linear_sum_assignment": returns_lists},
    "no_value_checks": {"linear_sum_assignment": no_value_checks},
    "no_dtype_check": {"linear_sum_assignment": no_dtype_check},
}
CANONICAL = {"emaxx_hungarian": {"linear_sum_assignment": emaxx_hungarian}}
SLOW = {"munkres": {"linear_sum_assignment": munkres}}
