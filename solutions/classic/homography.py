"""Hartley normalisation and the normalised DLT for a planar homography."""

import numpy as np


def normalize_points(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(points, dtype=np.float64)
    centroid = p.mean(axis=0)
    mean_dist = np.linalg.norm(p - centroid, axis=1).mean()
    if not mean_dist > 0:
        raise ValueError("all points coincide: the normalising scale is undefined")
    s = np.sqrt(2) / mean_dist
    T = np.array([[s, 0.0, -s * centroid[0]], [0.0, s, -s * centroid[1]], [0.0, 0.0, 1.0]])
    return s * (p - centroid), T


def find_homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    src, dst = np.asarray(src, dtype=np.float64), np.asarray(dst, dtype=np.float64)
    if src.ndim != 2 or src.shape[1] != 2 or src.shape != dst.shape:
        raise ValueError(f"src and dst must both be (N, 2), got {src.shape} and {dst.shape}")
    if len(src) < 4:
        raise ValueError(f"a homography needs at least 4 correspondences, got {len(src)}")
    ns, t_src = normalize_points(src)
    nd, t_dst = normalize_points(dst)
    (x, y), (u, v) = ns.T, nd.T
    zero, one = np.zeros_like(x), np.ones_like(x)
    # two rows per correspondence, from dst x (H src) = 0
    rows_u = np.stack([-x, -y, -one, zero, zero, zero, u * x, u * y, u], axis=1)
    rows_v = np.stack([zero, zero, zero, -x, -y, -one, v * x, v * y, v], axis=1)
    A = np.concatenate([rows_u, rows_v])
    h = np.linalg.svd(A)[2][-1]  # the last row of V^T: smallest singular value
    H = np.linalg.inv(t_dst) @ h.reshape(3, 3) @ t_src
    return H / H[2, 2]
