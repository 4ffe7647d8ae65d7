"""Linear sum assignment by shortest augmenting paths (Jonker-Volgenant style), O(N^2 M)."""

import numpy as np


def linear_sum_assignment(cost) -> tuple[np.ndarray, np.ndarray]:
    c = np.asarray(cost)
    if c.ndim != 2:
        raise ValueError(f"cost must be a 2-D matrix, got shape {c.shape}")
    if c.dtype.kind not in "biuf":
        raise ValueError(f"cost must be numeric, got dtype {c.dtype}")
    c = c.astype(np.float64)
    if np.isnan(c).any() or np.isneginf(c).any():
        raise ValueError("cost contains NaN or -inf")
    tall = c.shape[0] > c.shape[1]
    if tall:  # solve with rows <= columns, then swap back
        c = c.T
    n, m = c.shape
    u, v = np.zeros(n), np.zeros(m)  # dual potentials: reduced costs c - u[:, None] - v stay >= 0
    col4row, row4col = np.full(n, -1), np.full(m, -1)
    for cur in range(n):
        # Dijkstra on reduced costs from row `cur` until the nearest free column is settled.
        dist, path = np.full(m, np.inf), np.full(m, -1)
        seen_rows, seen_cols = np.zeros(n, bool), np.zeros(m, bool)
        i, d = cur, 0.0
        while True:
            seen_rows[i] = True
            through_i = d + c[i] - u[i] - v
            better = ~seen_cols & (through_i < dist)
            dist[better], path[better] = through_i[better], i
            open_dist = np.where(seen_cols, np.inf, dist)
            d = open_dist.min()
            if d == np.inf:
                raise ValueError("cost matrix is infeasible: every assignment uses a +inf entry")
            ties = np.flatnonzero(open_dist == d)
            free = ties[row4col[ties] < 0]
            j = free[0] if free.size else ties[0]  # on ties, finish at a free column
            seen_cols[j] = True
            if row4col[j] < 0:
                break
            i = row4col[j]
        # Shift potentials so the augmenting path has reduced cost 0 and none goes negative.
        u[cur] += d
        rows = np.flatnonzero(seen_rows)
        rows = rows[rows != cur]
        u[rows] += d - dist[col4row[rows]]
        v[seen_cols] -= d - dist[seen_cols]
        while True:  # flip the path: each column on it takes the row before it
            i = path[j]
            row4col[j] = i
            col4row[i], j = j, col4row[i]
            if i == cur:
                break
    if tall:
        order = np.argsort(col4row)
        return col4row[order].astype(np.int64), order.astype(np.int64)
    return np.arange(n, dtype=np.int64), col4row.astype(np.int64)
