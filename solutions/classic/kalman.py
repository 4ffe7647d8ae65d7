"""Constant-velocity Kalman filter for a 2-D point measured in position."""

import numpy as np

H = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]])


def _check_state(x, P):
    x, P = np.asarray(x, dtype=np.float64), np.asarray(P, dtype=np.float64)
    if x.shape != (4,) or P.shape != (4, 4):
        raise ValueError(f"x must be (4,) and P (4, 4), got {x.shape} and {P.shape}")
    return x, P


def kf_predict(x: np.ndarray, P: np.ndarray, dt: float, q: float):
    x, P = _check_state(x, P)
    if dt < 0 or q < 0:
        raise ValueError("need dt >= 0 and q >= 0")
    F = np.eye(4)
    F[0, 2] = F[1, 3] = dt
    # Per axis, (position, velocity) noise of white-noise acceleration integrated over dt.
    axis = q * np.array([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]])
    Q = np.kron(axis, np.eye(2))  # state order px, py, vx, vy
    return F @ x, F @ P @ F.T + Q


def kf_update(x: np.ndarray, P: np.ndarray, z: np.ndarray, r: float):
    x, P = _check_state(x, P)
    z = np.asarray(z, dtype=np.float64)
    if z.shape != (2,):
        raise ValueError(f"z must be (2,), got {z.shape}")
    if r <= 0:
        raise ValueError("need r > 0")
    S = H @ P @ H.T + r * np.eye(2)
    K = np.linalg.solve(S, H @ P).T  # = P H^T S^-1, as S and P are symmetric
    x_new = x + K @ (z - H @ x)
    P_new = (np.eye(4) - K @ H) @ P
    return x_new, (P_new + P_new.T) / 2


def kalman_track(zs: np.ndarray, dt: float, q: float, r: float, x0: np.ndarray, P0: np.ndarray):
    zs = np.asarray(zs, dtype=np.float64)
    if zs.ndim != 2 or zs.shape[1] != 2:
        raise ValueError(f"zs must be (T, 2), got {zs.shape}")
    x, P = _check_state(x0, P0)
    states, covariances = np.empty((len(zs), 4)), np.empty((len(zs), 4, 4))
    for i, z in enumerate(zs):
        x, P = kf_predict(x, P, dt, q)
        if not np.isnan(z).all():
            x, P = kf_update(x, P, z, r)
        states[i], covariances[i] = x, P
    return states, covariances
