"""Known-wrong answers to classic/homography and two written in the manner of OpenCV and of
Hartley and Zisserman; `nox -s verify` proves the tests catch or accept each. Never shown to learners."""

import numpy as np

from solutions.classic import homography as ref


def _normalize(*, rms=False, guard=True):
    def normalize_points(points):
        p = np.asarray(points, dtype=np.float64)
        c = p.mean(axis=0)
        d = np.linalg.norm(p - c, axis=1)
        spread = np.sqrt((d**2).mean()) if rms else d.mean()
        if guard and not spread > 0:
            raise ValueError("coincident points")
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.sqrt(2) / spread
        T = np.array([[s, 0.0, -s * c[0]], [0.0, s, -s * c[1]], [0.0, 0.0, 1.0]])
        return s * (p - c), T

    return normalize_points


def _mutant(*, normalise=True, backwards=False, column=False, swapped=False, one_row=False, unit=False,
            checks=True, norm=ref.normalize_points):
    def find_homography(src, dst):
        src, dst = np.asarray(src, dtype=np.float64), np.asarray(dst, dtype=np.float64)
        if checks and (src.ndim != 2 or src.shape[1] != 2 or src.shape != dst.shape or len(src) < 4):
            raise ValueError("bad input")
        n = min(len(src), len(dst))
        src, dst = src[:n, :2], dst[:n, :2]
        if swapped:
            src, dst = dst, src
        eye = np.eye(3)
        ns, ts = norm(src) if normalise else (src, eye)
        nd, td = norm(dst) if normalise else (dst, eye)
        rows = []
        for (x, y), (u, v) in zip(ns, nd):
            rows.append([-x, -y, -1, 0, 0, 0, u * x, u * y, u])
            if not one_row:
                rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
        vt = np.linalg.svd(np.array(rows))[2]
        h = (vt[:, -1] if column else vt[-1]).reshape(3, 3)
        H = td @ h @ np.linalg.inv(ts) if backwards else np.linalg.inv(td) @ h @ ts
        if unit:
            return H / np.linalg.norm(H)
        return H / H[2, 2]

    return {"find_homography": find_homography, "normalize_points": norm}


def cv_normalize(points):
    """OpenCV's HomographyEstimatorCallback::runKernel normalisation: per-axis mean absolute deviation."""
    m = np.asarray(points, dtype=np.float64)
    c = m.mean(axis=0)
    dev = np.abs(m - c).sum(axis=0)
    if (dev < np.finfo(np.float64).eps).any():
        raise ValueError("degenerate point set")
    sx, sy = len(m) / dev
    T = np.array([[sx, 0.0, -c[0] * sx], [0.0, sy, -c[1] * sy], [0.0, 0.0, 1.0]])
    return (m - c) * [sx, sy], T


def cv_find_homography(srcPoints, dstPoints):
    """The least-squares kernel of cv2.findHomography(method=0): accumulate L^T L of the normalised
    equations, take the eigenvector of the smallest eigenvalue, denormalise, scale by H[2, 2]."""
    M, m = np.asarray(srcPoints, dtype=np.float64), np.asarray(dstPoints, dtype=np.float64)
    if M.ndim != 2 or M.shape[1] != 2 or M.shape != m.shape:
        raise ValueError("src and dst must be (N, 2) of one size")
    if len(M) < 4:
        raise ValueError("at least 4 points")
    Mn, t_src = cv_normalize(M)
    mn, t_dst = cv_normalize(m)
    LtL = np.zeros((9, 9))
    for (X, Y), (x, y) in zip(Mn, mn):
        Lx = np.array([X, Y, 1, 0, 0, 0, -x * X, -x * Y, -x])
        Ly = np.array([0, 0, 0, X, Y, 1, -y * X, -y * Y, -y])
        LtL += np.outer(Lx, Lx) + np.outer(Ly, Ly)
    _, vecs = np.linalg.eigh(LtL)  # ascending eigenvalues
    H0 = vecs[:, 0].reshape(3, 3)
    H = np.linalg.inv(t_dst) @ H0 @ t_src
    return H / H[2, 2]


def hz_normalize(x):
    x = np.asarray(x, dtype=np.float64)
    centroid = x.mean(axis=0)
    mean_dist = np.mean(np.sqrt(((x - centroid) ** 2).sum(axis=1)))
    if mean_dist == 0:
        raise ValueError("points coincide")
    s = np.sqrt(2) / mean_dist
    T = np.array([[s, 0, -s * centroid[0]], [0, s, -s * centroid[1]], [0, 0, 1]])
    xh = np.c_[x, np.ones(len(x))] @ T.T
    return xh[:, :2], T


def hz_dlt(x1, x2):
    """Algorithm 4.2: normalise, A_i = [[0^T, -w' x^T, y' x^T], [w' x^T, 0^T, -x' x^T]], SVD, denormalise."""
    x1, x2 = np.asarray(x1, dtype=np.float64), np.asarray(x2, dtype=np.float64)
    if x1.ndim != 2 or x1.shape[1] != 2 or x1.shape != x2.shape or len(x1) < 4:
        raise ValueError("need (N, 2) and (N, 2) with N >= 4")
    n1, T1 = hz_normalize(x1)
    n2, T2 = hz_normalize(x2)
    A = []
    for (x, y), (xp, yp) in zip(n1, n2):
        X = np.array([x, y, 1.0])
        A.append(np.r_[np.zeros(3), -X, yp * X])
        A.append(np.r_[X, np.zeros(3), -xp * X])
    _, _, Vt = np.linalg.svd(np.array(A))
    H = np.linalg.inv(T2) @ Vt[-1].reshape(3, 3) @ T1
    return H / H[2, 2]


WRONG = {
    "no_normalisation": _mutant(normalise=False),
    "denormalise_backwards": _mutant(backwards=True),
    "svd_column_not_row": _mutant(column=True),
    "src_dst_swapped": _mutant(swapped=True),
    "one_row_per_pair": _mutant(one_row=True),
    "unit_norm_h": _mutant(unit=True),
    "rms_scale": _mutant(norm=_normalize(rms=True)),
    "no_input_checks": _mutant(checks=False),
    "unguarded_scale": _mutant(norm=_normalize(guard=False)),
}
CANONICAL = {
    "opencv": {"find_homography": cv_find_homography, "normalize_points": cv_normalize},
    "hartley_zisserman": {"find_homography": hz_dlt, "normalize_points": hz_normalize},
}
SLOW = {}
