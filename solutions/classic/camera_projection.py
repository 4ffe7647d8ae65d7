"""Rodrigues' formula and pinhole projection with radial-tangential distortion (OpenCV's model)."""

import numpy as np


def rodrigues(rvec: np.ndarray) -> np.ndarray:
    r = np.asarray(rvec, dtype=np.float64).reshape(3)
    theta = np.linalg.norm(r)
    kx = np.array([[0.0, -r[2], r[1]], [r[2], 0.0, -r[0]], [-r[1], r[0], 0.0]])  # [rvec]_x
    if theta < 1e-8:  # sin(t)/t -> 1 and (1 - cos t)/t^2 -> 1/2; the second-order term is below 1e-16
        return np.eye(3) + kx
    # cos(t) I + (1 - cos t) k k^T + sin(t) [k]_x, written with rvec itself: k k^T = r r^T / t^2
    return np.cos(theta) * np.eye(3) + (1 - np.cos(theta)) / theta**2 * np.outer(r, r) + np.sin(theta) / theta * kx


def project_points(points: np.ndarray, rvec: np.ndarray, tvec: np.ndarray, K: np.ndarray,
                   dist: np.ndarray | None = None) -> np.ndarray:
    K = np.asarray(K, dtype=np.float64)
    if K.shape != (3, 3) or K[0, 1] != 0 or K[1, 0] != 0 or not np.array_equal(K[2], [0.0, 0.0, 1.0]):
        raise ValueError(f"K must be [[fx, 0, cx], [0, fy, cy], [0, 0, 1]], got {K.tolist()}")
    coeffs = np.zeros(5) if dist is None else np.asarray(dist, dtype=np.float64).ravel()
    if coeffs.size not in (4, 5):
        raise ValueError(f"dist must hold (k1, k2, p1, p2) or (k1, k2, p1, p2, k3), got {coeffs.size} values")
    k1, k2, p1, p2, k3 = np.append(coeffs, 0.0)[:5]

    pc = np.asarray(points, dtype=np.float64).reshape(-1, 3) @ rodrigues(rvec).T + np.asarray(tvec, np.float64)
    z = pc[:, 2]
    front = z > 0
    safe = np.where(front, z, 1.0)  # no division by 0 or a negative depth; those points become NaN
    x, y = pc[:, 0] / safe, pc[:, 1] / safe
    r2 = x * x + y * y
    radial = 1 + r2 * (k1 + r2 * (k2 + r2 * k3))
    xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x)  # distortion on normalised coordinates
    yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y
    uv = np.stack([K[0, 0] * xd + K[0, 2], K[1, 1] * yd + K[1, 2]], axis=1)
    uv[~front] = np.nan
    return uv
