"""Tests for classic/kalman. Run: pytest katas/classic/kalman"""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, assert_returns, fail

# Two algebraically equal covariance updates ((I - KH) P and the Joseph form) differ by rounding only.
TOL = {"rtol": 1e-9, "atol": 1e-9}
H = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]])


def transition(dt):
    return np.array([[1, 0, dt, 0], [0, 1, 0, dt], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=np.float64)


def process_noise(dt, q):
    a, b, c = dt**3 / 3, dt**2 / 2, dt
    return q * np.array([[a, 0, b, 0], [0, a, 0, b], [b, 0, c, 0], [0, b, 0, c]])


def oracle_predict(x, P, dt, q):
    F = transition(dt)
    return F @ x, F @ P @ F.T + process_noise(dt, q)


def oracle_update(x, P, z, r):
    """Textbook update with an explicit inverse and the Joseph-form covariance."""
    R = r * np.eye(2)
    K = P @ H.T @ np.linalg.inv(H @ P @ H.T + R)
    A = np.eye(4) - K @ H
    return x + K @ (z - H @ x), A @ P @ A.T + K @ R @ K.T


def oracle_track(zs, dt, q, r, x0, P0):
    x, P, xs, Ps = x0, P0, [], []
    for z in zs:
        x, P = oracle_predict(x, P, dt, q)
        if not np.isnan(z).all():
            x, P = oracle_update(x, P, z, r)
        xs.append(x)
        Ps.append(P)
    return np.array(xs).reshape(-1, 4), np.array(Ps).reshape(-1, 4, 4)


def random_spd(rng, scale=1.0):
    """A covariance with correlations between every pair of state entries."""
    A = rng.normal(size=(4, 4))
    return scale * (A @ A.T + 0.5 * np.eye(4))


def check_pair(call, expected, names, why):
    __tracebackhide__ = True
    assert_returns(call, *names)
    for got, exp, name in zip(call.out, expected, names):
        assert_array(got, dtype=np.float64, shape=np.shape(exp), call=call, what=name)
        assert_close(got, exp, **TOL, call=call, what=name, why=why)


def check_symmetric(P, call, what):
    __tracebackhide__ = True
    P = np.asarray(P)
    if np.abs(P - P.T).max() > 1e-9 * max(1.0, np.abs(P).max()):
        fail(f"{what} is not symmetric", call=call, got=str(P), why="a covariance matrix is symmetric; "
             "F P F^T + Q and (I - K H) P keep it so up to rounding")


PREDICT_WHY = "x_pred = F x, P_pred = F P F^T + Q, with dt in F at (0, 2) and (1, 3), and Q = q [[dt^3/3, dt^2/2], " \
              "[dt^2/2, dt]] per axis"
UPDATE_WHY = "y = z - H x, S = H P H^T + r I, K = P H^T S^-1 (a matrix inverse), x + K y, (I - K H) P"


# 1. By hand.

def test_predict_by_hand(impl):
    x, P = np.array([1.0, 2.0, 3.0, 4.0]), np.eye(4)
    call = Call(impl.kf_predict, x, P, 0.5, 2.0)
    # F P F^T: 1 + dt^2 = 1.25 on positions, dt = 0.5 between position and velocity, 1 on velocities.
    # Q with q = 2, dt = 0.5: 2 * dt^3 / 3 = 1/12, 2 * dt^2 / 2 = 1/4, 2 * dt = 1.
    expected_P = np.array([[4 / 3, 0, 0.75, 0], [0, 4 / 3, 0, 0.75], [0.75, 0, 2, 0], [0, 0.75, 0, 2]])
    check_pair(call, (np.array([2.5, 4.0, 3.0, 4.0]), expected_P), ("x_pred", "P_pred"),
               "position moves by velocity * dt (1.5, 2); F P F^T = [[1.25, 0.5], [0.5, 1]] per axis plus "
               "Q = [[1/12, 1/4], [1/4, 1]]: continuous white-noise acceleration, q * (dt^3/3, dt^2/2, dt)")


def test_update_by_hand(impl):
    x = np.array([0.0, 0.0, 1.0, 1.0])
    P = np.array([[2.0, 0, 1, 0], [0, 2.0, 0, 1], [1, 0, 2.0, 0], [0, 1, 0, 2.0]])
    call = Call(impl.kf_update, x, P, np.array([4.0, -2.0]), 2.0)
    # S = 2 I + 2 I = 4 I, K = P H^T / 4 = [[0.5, 0], [0, 0.5], [0.25, 0], [0, 0.25]], innovation (4, -2).
    expected_P = np.array([[1, 0, 0.5, 0], [0, 1, 0, 0.5], [0.5, 0, 1.75, 0], [0, 0.5, 0, 1.75]])
    check_pair(call, (np.array([2.0, -1.0, 2.0, 0.5]), expected_P), ("x_new", "P_new"),
               "S = 4 I, K = P H^T / 4; the innovation z - H x = (4, -2) moves the position by (2, -1) and the "
               "velocity by (1, -0.5) through the position-velocity covariance")


def test_track_by_hand(impl):
    # One step: predict from x0 by dt = 1 (no noise: q = 0), then update.
    x0, P0 = np.array([0.0, 0.0, 1.0, 1.0]), np.eye(4)
    call = Call(impl.kalman_track, np.array([[1.0, 1.0]]), 1.0, 0.0, 1.0, x0, P0)
    x_pred, P_pred = np.array([1.0, 1.0, 1.0, 1.0]), transition(1.0) @ transition(1.0).T
    check_pair(call, tuple(a[None] for a in oracle_update(x_pred, P_pred, np.array([1.0, 1.0]), 1.0)),
               ("states", "covariances"),
               "x0 is one step before the first measurement: predict (to (1, 1, 1, 1)), then update; the "
               "measurement agrees with the prediction, so the state stays and the covariance shrinks")


# 2. Against the textbook matrices, seeded.

@pytest.mark.parametrize("seed", range(6))
def test_predict_matches_matrices(impl, seed):
    rng = np.random.default_rng(seed)
    x, P = rng.normal(size=4) * 10, random_spd(rng, rng.uniform(0.1, 10))
    dt, q = [0.0, 0.04, 0.5, 1.0, 2.0, 3.7][seed], rng.uniform(0.0, 5.0)
    call = Call(impl.kf_predict, x, P, dt, q)
    check_pair(call, oracle_predict(x, P, dt, q), ("x_pred", "P_pred"), PREDICT_WHY)
    check_symmetric(call.out[1], call, "P_pred")


@pytest.mark.parametrize("seed", range(6))
def test_update_matches_matrices(impl, seed):
    rng = np.random.default_rng(10 + seed)
    x, P = rng.normal(size=4) * 10, random_spd(rng, rng.uniform(0.1, 10))
    z, r = rng.normal(size=2) * 10, rng.uniform(0.05, 5.0)
    call = Call(impl.kf_update, x, P, z, r)
    check_pair(call, oracle_update(x, P, z, r), ("x_new", "P_new"),
               UPDATE_WHY + "; here the positions are correlated, so S is not diagonal")
    check_symmetric(call.out[1], call, "P_new")


@pytest.mark.parametrize("T", [0, 1, 2, 40])
def test_track_matches_matrices(impl, T):
    rng = np.random.default_rng(20 + T)
    dt, q, r = 1 / 30, 4.0, 0.25
    truth = np.cumsum(np.full((T, 2), [3.0, -1.0]) * dt, axis=0)
    zs = truth + rng.normal(0, 0.5, (T, 2))
    x0, P0 = np.zeros(4), np.diag([10.0, 10.0, 100.0, 100.0])
    call = Call(impl.kalman_track, zs, dt, q, r, x0, P0)
    check_pair(call, oracle_track(zs, dt, q, r, x0, P0), ("states", "covariances"),
               "each step: predict with the covariance of the previous estimate, then update with the "
               "predicted covariance P_pred (not the one from before the prediction)")


def test_missed_detections_predict_only(impl):
    rng = np.random.default_rng(30)
    zs = np.cumsum(rng.normal(0, 1, (25, 2)), axis=0)
    zs[[3, 4, 10, 24]] = np.nan
    x0, P0 = np.zeros(4), np.eye(4) * 5.0
    call = Call(impl.kalman_track, zs, 0.1, 1.0, 0.5, x0, P0)
    check_pair(call, oracle_track(zs, 0.1, 1.0, 0.5, x0, P0), ("states", "covariances"),
               "a NaN row is a missed detection: keep the prediction (no update), so the estimate stays finite "
               "and its covariance grows")


def test_track_matches_opencv(impl):
    cv2 = pytest.importorskip("cv2")
    rng = np.random.default_rng(31)
    dt, q, r, T = 0.2, 0.5, 0.3, 30
    zs = np.cumsum(rng.normal(0, 1, (T, 2)), axis=0)
    x0, P0 = np.array([0.0, 0.0, 1.0, -1.0]), random_spd(rng)
    kf = cv2.KalmanFilter(4, 2, 0, cv2.CV_64F)
    kf.transitionMatrix, kf.measurementMatrix = transition(dt), H.copy()
    kf.processNoiseCov, kf.measurementNoiseCov = process_noise(dt, q), r * np.eye(2)
    kf.statePost, kf.errorCovPost = x0.reshape(4, 1).copy(), P0.copy()
    states, covs = [], []
    for z in zs:
        kf.predict()
        kf.correct(z.reshape(2, 1))
        states.append(kf.statePost.ravel().copy())
        covs.append(kf.errorCovPost.copy())
    call = Call(impl.kalman_track, zs, dt, q, r, x0, P0)
    check_pair(call, (np.array(states), np.array(covs)), ("states", "covariances"),
               "must agree with cv2.KalmanFilter given the same F, H, Q and R")


# 4. Properties.

def test_noise_free_constant_velocity_is_recovered(impl):
    dt = 0.1
    t = np.arange(1, 101) * dt
    truth = np.stack([3.0 + 2.0 * t, -1.0 + 0.5 * t], axis=1)
    call = Call(impl.kalman_track, truth, dt, 1e-3, 1e-2, np.zeros(4), np.eye(4) * 100.0)
    states = np.asarray(call.out[0])
    assert_close(states[-1], [truth[-1, 0], truth[-1, 1], 2.0, 0.5], rtol=0, atol=1e-2, call=call,
                 what="final state [px, py, vx, vy]",
                 why="exact positions of a point moving at velocity (2, 0.5): the filter must lock on to both the "
                     "position and the velocity it never measures directly")


def test_update_shrinks_and_predict_grows_the_covariance(impl):
    rng = np.random.default_rng(40)
    x, P = rng.normal(size=4), random_spd(rng)
    upd = Call(impl.kf_update, x, P, rng.normal(size=2), 0.7)
    lowest = np.linalg.eigvalsh(P - np.asarray(upd.out[1])).min()
    if lowest < -1e-9:
        fail("the update made the covariance larger in some direction", call=upd,
             got=f"smallest eigenvalue of P - P_new: {lowest:.3g}",
             why="a measurement adds information: P - P_new = K S K^T is positive semi-definite")
    pred = Call(impl.kf_predict, x, P, 0.3, 2.0)
    F = transition(0.3)
    lowest = np.linalg.eigvalsh(np.asarray(pred.out[1]) - F @ P @ F.T).min()
    if lowest < -1e-9:
        fail("predict added a noise term that is not positive semi-definite", call=pred,
             got=f"smallest eigenvalue of P_pred - F P F^T: {lowest:.3g}", why="P_pred - F P F^T = Q is a covariance")


def test_measurement_noise_extremes(impl):
    x = np.array([1.0, 2.0, 0.5, -0.5])
    P = np.diag([4.0, 4.0, 1.0, 1.0])
    z = np.array([5.0, -3.0])
    trusted = Call(impl.kf_update, x, P, z, 1e-12)
    assert_close(np.asarray(trusted.out[0])[:2], z, rtol=0, atol=1e-9, call=trusted, what="position after update",
                 why="with r -> 0 the measurement is exact: the position snaps to z")
    ignored = Call(impl.kf_update, x, P, z, 1e12)
    assert_close(ignored.out[0], x, rtol=0, atol=1e-9, call=ignored, what="state after update",
                 why="with r -> infinity the measurement carries no information: the state is unchanged")


# 3. Bad input.

def test_bad_input_raises(impl):
    x, P = np.zeros(4), np.eye(4)
    assert_raises(ValueError, impl.kf_predict, np.zeros(3), P, 0.1, 1.0, why="the state is [px, py, vx, vy]")
    assert_raises(ValueError, impl.kf_predict, x, np.eye(3), 0.1, 1.0, why="P must be 4 x 4")
    assert_raises(ValueError, impl.kf_predict, x, P, -0.1, 1.0, why="time does not run backwards")
    assert_raises(ValueError, impl.kf_predict, x, P, 0.1, -1.0, why="q is a variance density, >= 0")
    assert_raises(ValueError, impl.kf_update, x, P, np.zeros(3), 1.0, why="z is a position [px, py]")
    assert_raises(ValueError, impl.kf_update, x, P, np.zeros(2), 0.0, why="r must be > 0")
    assert_raises(ValueError, impl.kalman_track, np.zeros((5, 3)), 0.1, 1.0, 1.0, x, P, why="zs must be (T, 2)")
