"""Constant-velocity Kalman filter · 卡尔曼滤波（匀速模型）

The motion model inside SORT-style trackers: a point moves at constant velocity, disturbed by
random acceleration, and a detector measures its position with noise. Write the predict and update
steps of the Kalman filter for it, then run it over a sequence of detections.

Run the tests: pytest katas/classic/kalman
"""

import numpy as np

__all__ = ["kf_predict", "kf_update", "kalman_track"]


def kf_predict(x: np.ndarray, P: np.ndarray, dt: float, q: float):
    """Propagate the state estimate ``dt`` seconds ahead.

    Args:
        x: float array (4,), the state ``[px, py, vx, vy]`` (position and velocity).
        P: float array (4, 4), its covariance (symmetric positive semi-definite).
        dt: time step in seconds, >= 0.
        q: spectral density of the random acceleration (continuous white-noise acceleration model),
            >= 0, the same on both axes.

    Model:
        ``F = [[1, 0, dt, 0], [0, 1, 0, dt], [0, 0, 1, 0], [0, 0, 0, 1]]`` and, in the same state
        order, ``Q = q * [[dt^3/3, 0, dt^2/2, 0], [0, dt^3/3, 0, dt^2/2], [dt^2/2, 0, dt, 0],
        [0, dt^2/2, 0, dt]]`` (the exact discretisation of white-noise acceleration; not the
        piecewise-constant form with dt^4/4).

    Returns:
        ``(x_pred, P_pred) = (F x, F P F^T + Q)``, new float64 arrays of shapes (4,) and (4, 4), also
        for float32 or integer inputs (and also when dt = 0 leaves the values unchanged).

    Errors (``ValueError``): x not (4,), P not (4, 4), dt < 0 or q < 0.
    Inputs must not be modified.

    Canonical code: filterpy's ``KalmanFilter.predict`` (``x = F x``, ``P = F P F^T + Q``) with
    ``Q`` from ``filterpy.common.Q_continuous_white_noise(dim=2, dt, spectral_density=q)`` per axis;
    its ``Q_discrete_white_noise`` (dt^4/4, dt^3/2, dt^2) is another noise model, which the tests
    accept everywhere except test_q_is_continuous_white_noise.
    """
    raise NotImplementedError("kf_predict")


def kf_update(x: np.ndarray, P: np.ndarray, z: np.ndarray, r: float):
    """Correct the (predicted) estimate with a position measurement.

    Args:
        x, P: the predicted state (4,) and covariance (4, 4), as ``kf_predict`` returns them.
        z: float array (2,), the measured position ``[px, py]``.
        r: measurement noise variance, > 0: ``R = r * I`` (2 x 2).

    Model and step:
        ``H = [[1, 0, 0, 0], [0, 1, 0, 0]]``; innovation ``y = z - H x``;
        ``S = H P H^T + R``; gain ``K = P H^T S^{-1}`` (a matrix inverse or solve, since S need not
        be diagonal); ``x_new = x + K y``; ``P_new = (I - K H) P`` (the Joseph form
        ``(I - K H) P (I - K H)^T + K R K^T`` is equal and also accepted: the tests compare at
        rtol 1e-9, where the two differ by rounding only).

    Returns:
        ``(x_new, P_new)``, new float64 arrays of shapes (4,) and (4, 4); ``P_new`` symmetric up to
        rounding.

    Errors (``ValueError``): x not (4,), P not (4, 4), z not (2,), r <= 0.
    Inputs must not be modified (``x += ...`` on the caller's array is a bug).

    Canonical code: filterpy's ``KalmanFilter.update`` (``S = H P H^T + R``, ``K = P H^T inv(S)``,
    the Joseph form) and OpenCV's ``cv2.KalmanFilter.correct`` (``P - K H P``) both follow this
    statement; the reference uses the simple form.
    """
    raise NotImplementedError("kf_update")


def kalman_track(zs: np.ndarray, dt: float, q: float, r: float, x0: np.ndarray, P0: np.ndarray):
    """Filter a sequence of position measurements taken every ``dt`` seconds.

    Args:
        zs: float array (T, 2) of measured positions, T >= 0. A row that is all NaN means no
            measurement at that step (a missed detection): predict only.
        dt, q, r: as in ``kf_predict`` and ``kf_update``.
        x0, P0: the state (4,) and covariance (4, 4) one step (``dt``) **before** the first
            measurement.

    For each step i: predict ``dt`` ahead from the previous estimate, then update with ``zs[i]``
    (unless it is missing).

    Returns:
        ``(states, covariances)``: new float64 arrays (T, 4) and (T, 4, 4), the estimate after step i
        (after its update, or after its prediction where the measurement is missing).

    Errors (``ValueError``): zs not (T, 2); x0 not (4,) or P0 not (4, 4), also when T = 0; the
    errors of ``kf_predict`` and ``kf_update`` (dt, q, r) from the first step that calls them.
    Inputs must not be modified.

    Canonical code: the usual ``for z in zs: kf.predict(); kf.update(z)`` loop of filterpy or
    ``cv2.KalmanFilter`` (one test compares with OpenCV where it is installed).
    """
    raise NotImplementedError("kalman_track")
