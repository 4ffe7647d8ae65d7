"""Known-wrong answers to classic/camera_projection and one in the manner of OpenCV's
cvProjectPoints2; `nox -s verify` proves the tests catch or accept each. Never shown to learners."""

import math

import numpy as np

from solutions.classic import camera_projection as ref


def _rodrigues(*, flip_sin=False, guard=True):
    def rodrigues(rvec):
        r = np.asarray(rvec, dtype=np.float64).reshape(3)
        theta = np.linalg.norm(r)
        if guard and theta < 1e-8:
            return np.eye(3) + (-1 if flip_sin else 1) * np.array(
                [[0.0, -r[2], r[1]], [r[2], 0.0, -r[0]], [-r[1], r[0], 0.0]])
        with np.errstate(invalid="ignore", divide="ignore"):
            k = r / theta
        kx = np.array([[0.0, -k[2], k[1]], [k[2], 0.0, -k[0]], [-k[1], k[0], 0.0]])
        s = -np.sin(theta) if flip_sin else np.sin(theta)
        return np.cos(theta) * np.eye(3) + (1 - np.cos(theta)) * np.outer(k, k) + s * kx

    return rodrigues


def _mutant(*, pixel_space=False, swap_p=False, r_not_r2=False, tangential=True, k3_third=False,
            translate_first=False, rod=ref.rodrigues, nan_behind=True, keep_dtype=False, checks=True):
    def project_points(points, rvec, tvec, K, dist=None):
        dtype = np.asarray(points).dtype
        K = np.asarray(K, dtype=np.float64)
        coeffs = np.zeros(5) if dist is None else np.asarray(dist, dtype=np.float64).ravel()
        bad_k = K[0, 1] != 0 or K[1, 0] != 0 or not np.array_equal(K[2], [0, 0, 1])
        if checks and (bad_k or coeffs.size not in (4, 5)):
            raise ValueError("bad K or dist")
        c = np.append(coeffs, np.zeros(5))[:5]
        if k3_third:
            k1, k2, k3, p1, p2 = c
        else:
            k1, k2, p1, p2, k3 = c
        if swap_p:
            p1, p2 = p2, p1
        X = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        t = np.asarray(tvec, np.float64)
        R = rod(rvec)
        pc = (X + t) @ R.T if translate_first else X @ R.T + t
        z = pc[:, 2]
        front = z > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            safe = np.where(front, z, 1.0) if nan_behind else z
            x, y = pc[:, 0] / safe, pc[:, 1] / safe
        if pixel_space:  # the mistake: the polynomial on pixel offsets
            x, y = K[0, 0] * x, K[1, 1] * y
        r2 = x * x + y * y
        rr = np.sqrt(r2) if r_not_r2 else r2
        radial = 1 + k1 * rr + k2 * rr**2 + k3 * rr**3
        xd, yd = x * radial, y * radial
        if tangential:
            xd = xd + 2 * p1 * x * y + p2 * (r2 + 2 * x * x)
            yd = yd + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y
        if pixel_space:
            uv = np.stack([xd + K[0, 2], yd + K[1, 2]], axis=1)
        elif checks:
            uv = np.stack([K[0, 0] * xd + K[0, 2], K[1, 1] * yd + K[1, 2]], axis=1)
        else:  # K as a matrix: a skew is used silently
            uv = (np.stack([xd, yd, np.ones_like(xd)], axis=1) @ K.T)[:, :2]
        if nan_behind:
            uv[~front] = np.nan
        return uv.astype(dtype) if keep_dtype else uv

    return project_points


def cv_rodrigues(src):
    """In the manner of cv::Rodrigues (vector to matrix)."""
    r = np.asarray(src, dtype=np.float64).reshape(3)
    theta = math.sqrt(float(r @ r))
    if theta < np.finfo(np.float64).eps:
        return np.eye(3)
    c, s = math.cos(theta), math.sin(theta)
    c1 = 1.0 - c
    itheta = 1.0 / theta if theta else 0.0
    rx, ry, rz = r * itheta
    rrt = np.array([[rx * rx, rx * ry, rx * rz], [rx * ry, ry * ry, ry * rz], [rx * rz, ry * rz, rz * rz]])
    r_x = np.array([[0, -rz, ry], [rz, 0, -rx], [-ry, rx, 0]])
    return c * np.eye(3) + c1 * rrt + s * r_x


def cv_project_points(objectPoints, rvec, tvec, cameraMatrix, distCoeffs=None):
    """In the manner of cvProjectPoints2's per-point loop (no Jacobians)."""
    R = cv_rodrigues(rvec)
    t = np.asarray(tvec, dtype=np.float64).reshape(3)
    A = np.asarray(cameraMatrix, dtype=np.float64)
    fx, fy, cx, cy = A[0, 0], A[1, 1], A[0, 2], A[1, 2]
    k = [0.0] * 5
    if distCoeffs is not None:
        for i, v in enumerate(np.asarray(distCoeffs, dtype=np.float64).ravel()[:5]):
            k[i] = v
    M = np.asarray(objectPoints, dtype=np.float64).reshape(-1, 3)
    out = np.zeros((len(M), 2))
    for i, (X, Y, Z) in enumerate(M):
        x, y, z = R @ np.array([X, Y, Z]) + t
        z = 1.0 / z if z else 1.0
        x *= z
        y *= z
        r2 = x * x + y * y
        r4 = r2 * r2
        r6 = r4 * r2
        a1, a2, a3 = 2 * x * y, r2 + 2 * x * x, r2 + 2 * y * y
        cdist = 1 + k[0] * r2 + k[1] * r4 + k[4] * r6
        xd = x * cdist + k[2] * a1 + k[3] * a2
        yd = y * cdist + k[2] * a3 + k[3] * a1
        out[i] = (xd * fx + cx, yd * fy + cy)
    return out


WRONG = {
    "distortion_in_pixels": {"project_points": _mutant(pixel_space=True), "rodrigues": ref.rodrigues},
    "p1_p2_swapped": {"project_points": _mutant(swap_p=True), "rodrigues": ref.rodrigues},
    "radial_in_r_not_r2": {"project_points": _mutant(r_not_r2=True), "rodrigues": ref.rodrigues},
    "no_tangential": {"project_points": _mutant(tangential=False), "rodrigues": ref.rodrigues},
    "k3_as_third": {"project_points": _mutant(k3_third=True), "rodrigues": ref.rodrigues},
    "translate_then_rotate": {"project_points": _mutant(translate_first=True), "rodrigues": ref.rodrigues},
    "rodrigues_transposed": {"project_points": _mutant(rod=_rodrigues(flip_sin=True)),
                             "rodrigues": _rodrigues(flip_sin=True)},
    "rodrigues_nan_at_zero": {"project_points": _mutant(rod=_rodrigues(guard=False)),
                              "rodrigues": _rodrigues(guard=False)},
    "behind_camera_projected": {"project_points": _mutant(nan_behind=False), "rodrigues": ref.rodrigues},
    "keeps_float32": {"project_points": _mutant(keep_dtype=True), "rodrigues": ref.rodrigues},
    "no_input_checks": {"project_points": _mutant(checks=False), "rodrigues": ref.rodrigues},
}
CANONICAL = {"opencv": {"project_points": cv_project_points, "rodrigues": cv_rodrigues}}
SLOW = {}
