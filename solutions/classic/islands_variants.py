"""Known-wrong, canonical-style and slow-but-correct answers to classic/islands; `nox -s verify`
proves the tests catch every one. Never shown to learners."""

from collections import deque

import numpy as np

from solutions.classic.islands import label_islands as _reference

STEPS = {4: [(-1, 0), (1, 0), (0, -1), (0, 1)],
         8: [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]}


def _mutant(*, steps=None, wrap=False, sink=False, land_is_one=False, default=4, column_major=False,
            check=True, recursive=False):
    """A raster-scan flood fill (explicit stack unless `recursive`) with one mistake switched on."""

    def label_islands(grid, connectivity=default):
        if check and connectivity not in (4, 8):
            raise ValueError("connectivity must be 4 or 8")
        g = grid if sink else np.array(grid)
        h, w = g.shape
        labels = np.zeros((h, w), np.int64)
        moves = (steps or STEPS)[connectivity if connectivity in (4, 8) else 4]
        order = [(i, j) for j in range(w) for i in range(h)] if column_major else \
                [(i, j) for i in range(h) for j in range(w)]

        def is_land(y, x):
            return g[y, x] == 1 if land_is_one else g[y, x] != 0

        def neighbours(y, x):
            for dy, dx in moves:
                v, u = y + dy, x + dx
                if wrap:
                    v, u = v % h, u % w
                if 0 <= v < h and 0 <= u < w:
                    yield v, u

        def fill(y, x, n):  # recursive depth-first
            labels[y, x] = n
            for v, u in neighbours(y, x):
                if is_land(v, u) and not labels[v, u]:
                    fill(v, u, n)

        n = 0
        for i, j in order:
            if is_land(i, j) and not labels[i, j]:
                n += 1
                if recursive:
                    fill(i, j, n)
                    continue
                labels[i, j] = n
                stack = [(i, j)]
                while stack:
                    y, x = stack.pop()
                    if sink:
                        g[y, x] = 0  # "sink" visited land: changes the caller's grid
                    for v, u in neighbours(y, x):
                        if is_land(v, u) and not labels[v, u]:
                            labels[v, u] = n
                            stack.append((v, u))
        return labels, n

    return label_islands


def scipy_two_pass(grid, connectivity=4):
    """In the style of scipy.ndimage.label (ni_label.pyx): one raster pass gives each land cell a
    provisional label, merging the labels of its already-visited neighbours in an equivalence
    table (union-find); a second pass replaces each label by its class, numbered in raster order."""
    if connectivity not in (4, 8):
        raise ValueError("connectivity must be 4 or 8")
    g = np.asarray(grid) != 0
    h, w = g.shape
    back = [(-1, 0), (0, -1)] + ([(-1, -1), (-1, 1)] if connectivity == 8 else [])
    prov = np.zeros((h, w), np.int64)
    table = [0]

    def find(k):
        while table[k] != k:
            table[k] = table[table[k]]
            k = table[k]
        return k

    for y in range(h):
        for x in range(w):
            if not g[y, x]:
                continue
            seen = [prov[y + dy, x + dx] for dy, dx in back
                    if 0 <= y + dy and 0 <= x + dx < w and prov[y + dy, x + dx]]
            if not seen:
                table.append(len(table))
                prov[y, x] = len(table) - 1
                continue
            roots = [find(k) for k in seen]
            low = min(roots)
            for r in roots:
                table[r] = low
            prov[y, x] = low
    final = np.zeros(len(table), np.int32)
    count = 0
    for k in range(1, len(table)):  # provisional labels appear in raster order of first cell
        r = find(k)
        if r == k:
            count += 1
            final[k] = count
        else:
            final[k] = final[r]
    return final[prov], count


def bfs_python(grid, connectivity=4):
    """Correct (explicit queue, raster order), but a Python loop over every cell of the grid."""
    if connectivity not in (4, 8):
        raise ValueError("connectivity must be 4 or 8")
    land = (np.asarray(grid) != 0).tolist()
    h = len(land)
    w = len(land[0]) if h else np.shape(grid)[1]
    labels = [[0] * w for _ in range(h)]
    n = 0
    for i in range(h):
        row = land[i]
        for j in range(w):
            if row[j] and not labels[i][j]:
                n += 1
                labels[i][j] = n
                queue = deque([(i, j)])
                while queue:
                    y, x = queue.popleft()
                    for dy, dx in STEPS[connectivity]:
                        v, u = y + dy, x + dx
                        if 0 <= v < h and 0 <= u < w and land[v][u] and not labels[v][u]:
                            labels[v][u] = n
                            queue.append((v, u))
    return np.array(labels, np.int64).reshape(np.shape(grid)), n


def _column_major(grid, connectivity=4):
    labels, n = _reference(np.asarray(grid).T, connectivity)
    return np.ascontiguousarray(labels.T), n


WRONG = {
    "recursive_flood_fill": {"label_islands": _mutant(recursive=True)},
    "one_diagonal_only": {"label_islands": _mutant(steps={4: STEPS[4], 8: STEPS[4] + [(-1, -1), (1, 1)]})},
    "always_8_connected": {"label_islands": _mutant(steps={4: STEPS[8], 8: STEPS[8]})},
    "wraps_around": {"label_islands": _mutant(wrap=True)},
    "sinks_the_grid": {"label_islands": _mutant(sink=True)},
    "land_is_one": {"label_islands": _mutant(land_is_one=True)},
    "default_8": {"label_islands": _mutant(default=8)},
    "column_major_scan": {"label_islands": _column_major},
    "no_connectivity_check": {"label_islands": _mutant(check=False)},
}
CANONICAL = {"scipy_two_pass": {"label_islands": scipy_two_pass}}
SLOW = {"bfs_python": {"label_islands": bfs_python}}
