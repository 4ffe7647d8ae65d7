"""Connected-component labelling of a binary grid, 4- or 8-connectivity, by vectorised union-find."""

import numpy as np


def _links(land: np.ndarray, connectivity: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat indices (i, j) of every pair of neighbouring land cells, each pair once."""
    h, w = land.shape
    pairs = []
    for dy, dx in [(0, 1), (1, 0)] + ([(1, 1), (1, -1)] if connectivity == 8 else []):
        both = np.zeros((h, w), bool)  # both[y, x]: cell (y, x) and cell (y + dy, x + dx) are land
        x0, x1 = max(0, -dx), w - max(0, dx)  # columns whose neighbour stays inside (no wrap-around)
        both[: h - dy, x0:x1] = land[: h - dy, x0:x1] & land[dy:, x0 + dx : x1 + dx]
        i = np.flatnonzero(both)
        pairs.append((i, i + dy * w + dx))
    return np.concatenate([p for p, _ in pairs]), np.concatenate([q for _, q in pairs])


def label_islands(grid: np.ndarray, connectivity: int = 4) -> tuple[np.ndarray, int]:
    """Label the islands (connected land cells, land = nonzero) of a 2-D grid.

    Returns ``(labels, count)``: int64 labels (H, W), 0 on water and 1..count on land in raster
    order of each island's first cell (as ``scipy.ndimage.label``); ``count`` a Python int.
    """
    if connectivity not in (4, 8):
        raise ValueError(f"connectivity must be 4 or 8, got {connectivity!r}")
    land = np.asarray(grid) != 0
    cells = np.flatnonzero(land)  # node k is the k-th land cell in raster order
    a, b = (np.searchsorted(cells, i) for i in _links(land, connectivity))

    # parent[k] <= k always, so each tree's root ends as its island's first cell.
    parent = np.arange(cells.size)
    while True:
        ra, rb = parent[a], parent[b]
        cross = ra != rb
        if not cross.any():
            break
        a, b, ra, rb = a[cross], b[cross], ra[cross], rb[cross]
        np.minimum.at(parent, np.maximum(ra, rb), np.minimum(ra, rb))  # hook roots on smaller roots
        while True:  # pointer jumping until every node points at its root
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up

    is_root = parent == np.arange(parent.size)
    labels = np.zeros(land.size, np.int64)
    labels[cells] = np.cumsum(is_root)[parent]  # roots in raster order -> 1..count
    return labels.reshape(land.shape), int(is_root.sum())
