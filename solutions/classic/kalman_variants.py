"""Known-wrong answers to classic/kalman; `nox -s verify` proves the tests catch every one."""

import numpy as np

from solutions.classic import kalman as ref


def _predict(*, with_q=True, piecewise_q=False, f_dt_squared=False):
    def kf_predict(x, P, dt, q):
        x, P = ref._check_state(x, P)
        if dt < 0 or q < 0:
            raise ValueError("bad dt or q")
        F = np.eye(4)
        F[0, 2] = F[1, 3] = dt**2 if f_dt_squared else dt
        if piecewise_q:
            axis = q * np.array([[dt**4 / 4, dt**3 / 2], [dt**3 / 2, dt**2]])
        else:
            axis = q * np.array([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]])
        P_pred = F @ P @ F.T + (np.kron(axis, np.eye(2)) if with_q else 0)
        return F @ x, P_pred

    return kf_predict


def _update(*, flip=False, elementwise=False, in_place=False):
    def kf_update(x, P, z, r):
        if np.shape(x) != (4,) or np.shape(P) != (4, 4) or np.shape(z) != (2,) or r <= 0:
            raise ValueError("bad input")
        H = ref.H
        S = H @ P @ H.T + r * np.eye(2)
        K = P @ H.T / np.diag(S) if elementwise else P @ H.T @ np.linalg.inv(S)
        y = H @ x - z if flip else z - H @ x
        if in_place:
            x += K @ y
            P_new = (np.eye(4) - K @ H) @ P
            P[...] = P_new
            return x, P
        return x + K @ y, (np.eye(4) - K @ H) @ P

    return kf_update


def _track(*, prior_gain=False, update_missing=False):
    def kalman_track(zs, dt, q, r, x0, P0):
        zs = np.asarray(zs, dtype=np.float64)
        if zs.ndim != 2 or zs.shape[1] != 2:
            raise ValueError("bad zs")
        x, P = ref._check_state(x0, P0)
        states, covs = np.empty((len(zs), 4)), np.empty((len(zs), 4, 4))
        for i, z in enumerate(zs):
            x, P_pred = ref.kf_predict(x, P, dt, q)
            if update_missing or not np.isnan(z).all():
                x, P = ref.kf_update(x, P if prior_gain else P_pred, z, r)
            else:
                P = P_pred
            states[i], covs[i] = x, P
        return states, covs

    return kalman_track


WRONG = {
    "q_omitted": {"kf_predict": _predict(with_q=False)},
    "q_piecewise_constant_form": {"kf_predict": _predict(piecewise_q=True)},
    "f_dt_squared": {"kf_predict": _predict(f_dt_squared=True)},
    "innovation_sign_flipped": {"kf_update": _update(flip=True)},
    "gain_divides_elementwise": {"kf_update": _update(elementwise=True)},
    "updates_in_place": {"kf_update": _update(in_place=True)},
    "gain_from_unpredicted_covariance": {"kalman_track": _track(prior_gain=True)},
    "missing_measurement_not_skipped": {"kalman_track": _track(update_missing=True)},
}
SLOW = {}
