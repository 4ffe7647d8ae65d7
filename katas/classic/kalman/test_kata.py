"""Tests for classic/kalman. Run: pytest katas/classic/kalman

Correctness tests accept either discretisation of the process noise (the statement's continuous
white-noise Q, or filterpy's Q_discrete_white_noise with dt^4/4) and read results leniently; which Q,
and float64 arrays back, are one convention test each. Both covariance updates, (I - K H) P and the
Joseph form, are accepted everywhere (they differ by rounding only)."""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, assert_returns, fail, show

# Two algebraically equal covariance updates ((I - KH) P and the Joseph form) differ by rounding only.
TOL = {"rtol": 1e-9, "atol": 1e-9}
H = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]])


def transition(dt):
    return np.array([[1, 0, dt, 0], [0, 1, 0, dt], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=np.float64)


def process_noise(dt, q, piecewise=False):
    """Continuous white-noise acceleration (the statement), or filterpy's Q_discrete_white_noise
    (piecewise-constant acceleration: dt^4/4, dt^3/2, dt^2) when `piecewise`."""
    a, b, c = (dt**4 / 4, dt**3 / 2, dt**2) if piecewise else (dt**3 / 3, dt**2 / 2, dt)
    return q * np.array([[a, 0, b, 0], [0, a, 0, b], [b, 0, c, 0], [0, b, 0, c]])


def oracle_predict(x, P, dt, q, piecewise=False):
    F = transition(dt)
    return F @ x, F @ P @ F.T + process_noise(dt, q, piecewise)


def oracle_update(x, P, z, r):
    """Textbook update with an explicit inverse and the Joseph-form covariance."""
    R = r * np.eye(2)
    K = P @ H.T @ np.linalg.inv(H @ P @ H.T + R)
    A = np.eye(4) - K @ H
    return x + K @ (z - H @ x), A @ P @ A.T + K @ R @ K.T


def oracle_track(zs, dt, q, r, x0, P0, piecewise=False):
    x, P, xs, Ps = x0, P0, [], []
    for z in zs:
        x, P = oracle_predict(x, P, dt, q, piecewise)
        if not np.isnan(z).all():
            x, P = oracle_update(x, P, z, r)
        xs.append(x)
        Ps.append(P)
    return np.array(xs).reshape(-1, 4), np.array(Ps).reshape(-1, 4, 4)


def random_spd(rng, scale=1.0):
    """A covariance with correlations between every pair of state entries."""
    A = rng.normal(size=(4, 4))
    return scale * (A @ A.T + 0.5 * np.eye(4))


def check_pair(call, expected, names, why, alternative=None):
    """The two results, read leniently as float64 arrays (their exact type and dtype are
    test_returns_new_float64_arrays' business), against `expected`; an answer that matches
    `alternative` (the same step with filterpy's Q) passes too: that Q is test_q_is_continuous_white_noise's."""
    __tracebackhide__ = True
    out = assert_returns(call, *names)
    got = []
    for value, exp, name in zip(out, expected, names):
        a = np.asarray(value)
        if a.dtype.kind not in "fiu" or a.shape != np.shape(exp):
            fail(f"{name}: expected a float array of shape {np.shape(exp)}", call=call, got=show(value))
        got.append(a.astype(np.float64))
    if alternative is not None and all(close(g, e) for g, e in zip(got, alternative)):
        return got
    for g, exp, name in zip(got, expected, names):
        assert_close(g, exp, **TOL, call=call, what=name, why=why)
    return got


def close(got, expected):
    return got.shape == np.shape(expected) and np.allclose(got, expected, rtol=TOL["rtol"], atol=TOL["atol"])


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
    call = Call(impl.kf_predict, x, P, 0.5, 0.0)
    # q = 0: F P F^T only, 1 + dt^2 = 1.25 on positions, dt = 0.5 between position and velocity.
    expected_P = np.array([[1.25, 0, 0.5, 0], [0, 1.25, 0, 0.5], [0.5, 0, 1, 0], [0, 0.5, 0, 1]])
    check_pair(call, (np.array([2.5, 4.0, 3.0, 4.0]), expected_P), ("x_pred", "P_pred"),
               "q = 0: the position moves by velocity * dt (1.5, 2) and P_pred = F P F^T, "
               "[[1 + dt^2, dt], [dt, 1]] per axis")


@pytest.mark.convention("Q: continuous white noise (dt^3/3, not dt^4/4)")
def test_q_is_continuous_white_noise(impl):
    x, P = np.array([1.0, 2.0, 3.0, 4.0]), np.eye(4)
    call = Call(impl.kf_predict, x, P, 0.5, 2.0)
    # F P F^T as in test_predict_by_hand, plus Q with q = 2, dt = 0.5: 2 dt^3/3 = 1/12, 2 dt^2/2 = 1/4, 2 dt = 1.
    expected_P = np.array([[4 / 3, 0, 0.75, 0], [0, 4 / 3, 0, 0.75], [0.75, 0, 2, 0], [0, 0.75, 0, 2]])
    check_pair(call, (np.array([2.5, 4.0, 3.0, 4.0]), expected_P), ("x_pred", "P_pred"),
               "Q = q [[dt^3/3, dt^2/2], [dt^2/2, dt]] per axis: white-noise acceleration integrated over dt "
               "(filterpy's Q_continuous_white_noise); Q_discrete_white_noise's [[dt^4/4, dt^3/2], [dt^3/2, dt^2]] "
               "is another model")


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
    got = check_pair(call, oracle_predict(x, P, dt, q), ("x_pred", "P_pred"), PREDICT_WHY,
                     alternative=oracle_predict(x, P, dt, q, piecewise=True))
    check_symmetric(got[1], call, "P_pred")


@pytest.mark.parametrize("seed", range(6))
def test_update_matches_matrices(impl, seed):
    rng = np.random.default_rng(10 + seed)
    x, P = rng.normal(size=4) * 10, random_spd(rng, rng.uniform(0.1, 10))
    z, r = rng.normal(size=2) * 10, rng.uniform(0.05, 5.0)
    call = Call(impl.kf_update, x, P, z, r)
    got = check_pair(call, oracle_update(x, P, z, r), ("x_new", "P_new"),
                     UPDATE_WHY + "; here the positions are correlated, so S is not diagonal")
    check_symmetric(got[1], call, "P_new")


@pytest.mark.parametrize("T", [0, 1, 2, 40])
def test_track_matches_matrices(impl, T):
    rng = np.random.default_rng(20 + T)
    dt, q, r = 1 / 30, 4.0, 0.25
    truth = np.cumsum(np.full((T, 2), [3.0, -1.0]) * dt, axis=0)
    zs = truth + rng.normal(0, 0.5, (T, 2))
    x0, P0 = np.zeros(4), np.diag([10.0, 10.0, 100.0, 100.0])
    call = Call(impl.kalman_track, zs, dt, q, r, x0, P0)
    check_pair(call, oracle_track(zs, dt, q, r, x0, P0), ("states", "covariances"),
               alternative=oracle_track(zs, dt, q, r, x0, P0, piecewise=True),
               why="each step: predict with the covariance of the previous estimate, then update with the "
               "predicted covariance P_pred (not the one from before the prediction)")


def test_missed_detections_predict_only(impl):
    rng = np.random.default_rng(30)
    zs = np.cumsum(rng.normal(0, 1, (25, 2)), axis=0)
    zs[[3, 4, 10, 24]] = np.nan
    x0, P0 = np.zeros(4), np.eye(4) * 5.0
    call = Call(impl.kalman_track, zs, 0.1, 1.0, 0.5, x0, P0)
    check_pair(call, oracle_track(zs, 0.1, 1.0, 0.5, x0, P0), ("states", "covariances"),
               alternative=oracle_track(zs, 0.1, 1.0, 0.5, x0, P0, piecewise=True),
               why="a NaN row is a missed detection: keep the prediction (no update), so the estimate stays finite "
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
               "must agree with cv2.KalmanFilter given the same F, H, Q and R (its correct() uses (I - K H) P)",
               alternative=oracle_track(zs, dt, q, r, x0, P0, piecewise=True))


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


# Conventions and bad input.

@pytest.mark.convention("new float64 arrays, also for float32 or int input")
def test_returns_new_float64_arrays(impl):
    f32 = np.float32
    x, P = np.array([1, 2, 3, 4], dtype=np.int32), np.eye(4, dtype=f32)
    for call, names in (
        (Call(impl.kf_predict, x, P, 0.5, 0.0), ("x_pred", "P_pred")),
        (Call(impl.kf_update, x.astype(f32), P, np.array([2, 1], dtype=f32), f32(0.5)), ("x_new", "P_new")),
        (Call(impl.kalman_track, np.array([[1.0, 2.0]], dtype=f32), 0.5, 1.0, 0.5, x, P), ("states", "covariances")),
        (Call(impl.kalman_track, np.zeros((0, 2)), 0.5, 1.0, 0.5, x, P), ("states", "covariances")),
    ):
        for value, name in zip(assert_returns(call, *names), names):
            assert_array(value, dtype=np.float64, call=call, what=f"{name} for float32 / int32 inputs")
    x, P = np.array([1.0, 2.0, 3.0, 4.0]), np.eye(4)
    call = Call(impl.kf_predict, x, P, 0.0, 0.0)  # F = I and Q = 0: the values do not change
    for value, given, name in zip(call.out, (x, P), ("x_pred", "P_pred")):
        if np.shares_memory(np.asarray(value), given):
            fail(f"{name} shares memory with the input", call=call,
                 why="results are new arrays, even when dt = 0 leaves the values as they were")


@pytest.mark.contract("x not (4,), P not (4, 4): ValueError")
def test_bad_state_shapes_raise(impl):
    x, P = np.zeros(4), np.eye(4)
    assert_raises(ValueError, impl.kf_predict, np.zeros((4, 1)), P, 0.1, 1.0,
                  why="the state is a (4,) vector [px, py, vx, vy]; a (4, 1) column would broadcast silently")
    assert_raises(ValueError, impl.kf_predict, x, np.eye(4)[None], 0.1, 1.0,
                  why="P must be (4, 4); a (1, 4, 4) stack would broadcast silently")
    assert_raises(ValueError, impl.kf_update, np.zeros((4, 1)), P, np.zeros(2), 1.0, why="x must be (4,)")
    assert_raises(ValueError, impl.kf_update, x, np.eye(4)[None], np.zeros(2), 1.0, why="P must be (4, 4)")


@pytest.mark.contract("dt < 0 or q < 0: ValueError")
def test_negative_dt_or_q_raises(impl):
    x, P = np.zeros(4), np.eye(4)
    assert_raises(ValueError, impl.kf_predict, x, P, -0.1, 1.0, why="time does not run backwards")
    assert_raises(ValueError, impl.kf_predict, x, P, 0.1, -1.0, why="q is a variance density, >= 0")
    assert_raises(ValueError, impl.kalman_track, np.ones((2, 2)), -0.1, 1.0, 1.0, x, P,
                  why="kalman_track raises kf_predict's errors at its first step")


@pytest.mark.contract("z not (2,) or r <= 0: ValueError")
def test_bad_measurement_raises(impl):
    x, P = np.zeros(4), np.eye(4)
    assert_raises(ValueError, impl.kf_update, x, P, np.array([3.0]), 1.0,
                  why="z is a position [px, py]; one number would broadcast silently")
    assert_raises(ValueError, impl.kf_update, x, P, np.zeros(2), 0.0, why="r must be > 0 (R = r I is a variance)")
    assert_raises(ValueError, impl.kf_update, x, P, np.zeros(2), -0.5, why="r must be > 0")
    assert_raises(ValueError, impl.kalman_track, np.ones((2, 2)), 0.1, 1.0, 0.0, x, P,
                  why="kalman_track raises kf_update's errors at its first measurement")


@pytest.mark.contract("zs not (T, 2), x0 / P0 bad: ValueError")
def test_track_bad_shapes_raise(impl):
    x, P = np.zeros(4), np.eye(4)
    assert_raises(ValueError, impl.kalman_track, np.zeros((3, 4)), 0.1, 1.0, 1.0, x, P,
                  why="zs must be (T, 2); rows of 4 numbers are not positions (no reshape(-1, 2))")
    assert_raises(ValueError, impl.kalman_track, np.zeros((1, 3, 2)), 0.1, 1.0, 1.0, x, P, why="zs must be 2-D")
    assert_raises(ValueError, impl.kalman_track, np.zeros((0, 2)), 0.1, 1.0, 1.0, np.zeros(3), P,
                  why="x0 must be (4,), also when there is nothing to filter")
