"""Known-wrong answers to classic/kalman and answers in filterpy's style; `nox -s verify` proves the tests
catch every wrong one and that the filterpy-style ones end as kata.toml declares."""

import numpy as np

from solutions.classic import kalman as ref


def _predict(*, with_q=True, piecewise_q=False, f_dt_squared=False, no_cross=False, keep_dtype=False,
             check_shapes=True, check_dt_q=True):
    def kf_predict(x, P, dt, q):
        if check_shapes:
            x, P = ref._check_state(x, P)
        if check_dt_q and (dt < 0 or q < 0):
            raise ValueError("bad dt or q")
        dtype = np.result_type(x, P) if keep_dtype else np.float64
        F = np.eye(4, dtype=dtype)
        F[0, 2] = F[1, 3] = dt**2 if f_dt_squared else dt
        if piecewise_q:
            axis = q * np.array([[dt**4 / 4, dt**3 / 2], [dt**3 / 2, dt**2]])
        else:
            axis = q * np.array([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]])
        if no_cross:  # forgets the position-velocity noise correlation
            axis = np.diag(np.diag(axis))
        Q = np.kron(axis, np.eye(2)).astype(dtype)
        P_pred = F @ P @ F.T + (Q if with_q else 0)
        return (F @ x).astype(dtype), P_pred.astype(dtype)

    return kf_predict


def _update(*, flip=False, elementwise=False, in_place=False, keep_dtype=False, check=True):
    def kf_update(x, P, z, r):
        if check and (np.shape(x) != (4,) or np.shape(P) != (4, 4) or np.shape(z) != (2,) or r <= 0):
            raise ValueError("bad input")
        if not keep_dtype and not in_place:
            x, P, z = (np.asarray(a, dtype=np.float64) for a in (x, P, z))
        H = ref.H.astype(np.result_type(x, P)) if keep_dtype else ref.H
        S = H @ P @ H.T + r * np.eye(2, dtype=H.dtype)
        K = P @ H.T / np.diag(S) if elementwise else P @ H.T @ np.linalg.inv(S)
        y = H @ x - z if flip else z - H @ x
        if in_place:
            x += K @ y
            P_new = (np.eye(4) - K @ H) @ P
            P[...] = P_new
            return x, P
        return x + K @ y, (np.eye(4, dtype=H.dtype) - K @ H) @ P

    return kf_update


def _track(*, prior_gain=False, update_missing=False, update_first=False, reshape=False, check_state=True,
           predict=ref.kf_predict, update=ref.kf_update):
    def kalman_track(zs, dt, q, r, x0, P0):
        zs = np.asarray(zs, dtype=np.float64)
        if reshape:
            zs = zs.reshape(-1, 2)
        elif zs.ndim != 2 or zs.shape[1] != 2:
            raise ValueError("bad zs")
        x, P = ref._check_state(x0, P0) if check_state else (np.asarray(x0, float), np.asarray(P0, float))
        states, covs = np.empty((len(zs), 4)), np.empty((len(zs), 4, 4))
        for i, z in enumerate(zs):
            if update_first:  # treats x0 as the estimate at the first measurement
                if not np.isnan(z).all():
                    x, P = update(x, P, z, r)
                states[i], covs[i] = x, P
                x, P = predict(x, P, dt, q)
                continue
            x, P_pred = predict(x, P, dt, q)
            if update_missing or not np.isnan(z).all():
                x, P = update(x, P if prior_gain else P_pred, z, r)
            else:
                P = P_pred
            states[i], covs[i] = x, P
        return states, covs

    return kalman_track


# Written anew in the style of filterpy (filterpy/kalman/kalman_filter.py KalmanFilter.predict / update,
# filterpy/common/discretization.py Q_discrete_white_noise / Q_continuous_white_noise), as functions.

def _filterpy(continuous):
    def q_block(dt, q):
        if continuous:  # Q_continuous_white_noise(dim=2, dt, spectral_density=q)
            return np.array([[(dt**3) / 3.0, (dt**2) / 2.0], [(dt**2) / 2.0, dt]]) * q
        return np.array([[0.25 * dt**4, 0.5 * dt**3], [0.5 * dt**3, dt**2]]) * q  # Q_discrete_white_noise

    def kf_predict(x, P, dt, q):
        x, P = np.array(x, dtype=float), np.array(P, dtype=float)
        if x.shape != (4,) or P.shape != (4, 4) or dt < 0 or q < 0:
            raise ValueError("bad input")
        F = np.array([[1.0, 0, dt, 0], [0, 1.0, 0, dt], [0, 0, 1.0, 0], [0, 0, 0, 1.0]])
        b = q_block(dt, q)
        Q = np.zeros((4, 4))
        Q[np.ix_([0, 2], [0, 2])] = b  # block_diag over axes, then reordered to px, py, vx, vy
        Q[np.ix_([1, 3], [1, 3])] = b
        x = np.dot(F, x)
        P = np.dot(np.dot(F, P), F.T) + Q  # _alpha_sq = 1
        return x, P

    def kf_update(x, P, z, r):
        x, P, z = (np.array(a, dtype=float) for a in (x, P, z))
        if x.shape != (4,) or P.shape != (4, 4) or z.shape != (2,) or r <= 0:
            raise ValueError("bad input")
        H = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]])
        R = np.eye(2) * float(r)
        y = z - np.dot(H, x)
        PHT = np.dot(P, H.T)
        S = np.dot(H, PHT) + R
        SI = np.linalg.inv(S)
        K = np.dot(PHT, SI)
        x = x + np.dot(K, y)
        I_KH = np.eye(4) - np.dot(K, H)
        P = np.dot(np.dot(I_KH, P), I_KH.T) + np.dot(np.dot(K, R), K.T)  # Joseph form
        return x, P

    def kalman_track(zs, dt, q, r, x0, P0):
        zs = np.asarray(zs, dtype=float)
        x, P = np.array(x0, dtype=float), np.array(P0, dtype=float)
        if zs.ndim != 2 or zs.shape[1] != 2 or x.shape != (4,) or P.shape != (4, 4):
            raise ValueError("bad input")
        xs, Ps = [], []
        for z in zs:
            x, P = kf_predict(x, P, dt, q)
            if not np.all(np.isnan(z)):  # filterpy: update(None) skips the update
                x, P = kf_update(x, P, z, r)
            xs.append(x)
            Ps.append(P)
        return np.array(xs).reshape(-1, 4), np.array(Ps).reshape(-1, 4, 4)

    return {"kf_predict": kf_predict, "kf_update": kf_update, "kalman_track": kalman_track}


WRONG = {
    "q_omitted": {"kf_predict": _predict(with_q=False)},
    "q_piecewise_constant_form": {"kf_predict": _predict(piecewise_q=True)},
    "q_without_cross_terms": {"kf_predict": _predict(no_cross=True)},
    "f_dt_squared": {"kf_predict": _predict(f_dt_squared=True)},
    "innovation_sign_flipped": {"kf_update": _update(flip=True)},
    "gain_divides_elementwise": {"kf_update": _update(elementwise=True)},
    "updates_in_place": {"kf_update": _update(in_place=True)},
    "gain_from_unpredicted_covariance": {"kalman_track": _track(prior_gain=True)},
    "missing_measurement_not_skipped": {"kalman_track": _track(update_missing=True)},
    "update_before_predict": {"kalman_track": _track(update_first=True)},
    "keeps_input_dtype": {"kf_predict": _predict(keep_dtype=True), "kf_update": _update(keep_dtype=True),
                          "kalman_track": _track(predict=_predict(keep_dtype=True),
                                                 update=_update(keep_dtype=True))},
    "no_state_shape_check": {"kf_predict": _predict(check_shapes=False)},
    "no_dt_q_check": {"kf_predict": _predict(check_dt_q=False)},
    "no_measurement_check": {"kf_update": _update(check=False)},
    "reshapes_zs": {"kalman_track": _track(reshape=True, check_state=False)},
}
CANONICAL = {"filterpy_continuous_q": _filterpy(True), "filterpy_discrete_q": _filterpy(False)}
SLOW = {}
