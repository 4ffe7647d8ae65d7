"""Tests for classic/camera_projection. Run: pytest katas/classic/camera_projection

Oracles written below in plain Python, one point at a time: `quaternion_rotation` (the rotation of
an axis-angle vector through its unit quaternion, an independent route to Rodrigues' formula) and
`pinhole` (OpenCV's documented projection model). Both agree with cv2.Rodrigues and
cv2.projectPoints to 1e-10 on these inputs (checked offline; cv2 is not imported here, to keep the
run fast). Random points all lie in front of the camera, so the Z <= 0 rule is decided by its own
convention test only."""

import math
import warnings

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, show


def quaternion_rotation(rvec):
    rx, ry, rz = (float(v) for v in rvec)
    theta = math.sqrt(rx * rx + ry * ry + rz * rz)
    s = math.sin(theta / 2) / theta if theta > 0 else 0.5
    w, x, y, z = math.cos(theta / 2), rx * s, ry * s, rz * s
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
    ])


def pinhole(points, rvec, tvec, K, dist=None):
    R = quaternion_rotation(rvec)
    k1, k2, p1, p2, k3 = (list(dist) + [0.0] * 5)[:5] if dist is not None else [0.0] * 5
    out = []
    for p in np.asarray(points, np.float64).reshape(-1, 3):
        X, Y, Z = R @ p + np.asarray(tvec, np.float64)
        if Z <= 0:
            out.append([math.nan, math.nan])
            continue
        x, y = X / Z, Y / Z
        r2 = x * x + y * y
        radial = 1 + k1 * r2 + k2 * r2**2 + k3 * r2**3
        xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x)
        yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y
        out.append([K[0][0] * xd + K[0][2], K[1][1] * yd + K[1][2]])
    return np.array(out, dtype=np.float64).reshape(-1, 2)


def check_projection(impl, points, rvec, tvec, K, *dist, expected=None, why=None, rtol=1e-9, atol=1e-7):
    __tracebackhide__ = True
    call = Call(impl.project_points, points, rvec, tvec, K, *dist)
    n = len(points)
    if np.shape(call.out) != (n, 2):
        fail(f"project_points must return an ({n}, 2) array of (u, v)", call=call, got=show(call.out))
    if expected is None:
        expected = pinhole(points, rvec, tvec, K, *dist)
    assert_close(call.out, expected, rtol=rtol, atol=atol, call=call, what="pixel coordinates", why=why)
    return call.out


def camera(rng):
    fx, fy = rng.uniform(300, 900, 2)
    K = np.array([[fx, 0.0, rng.uniform(200, 400)], [0.0, fy, rng.uniform(150, 300)], [0.0, 0.0, 1.0]])
    return K, rng.normal(0, 0.6, 3), rng.normal(0, 0.5, 3)


def points_in_front(n, rvec, tvec, rng):
    """World points whose camera-frame depth is between 2 and 8 and whose image lies near the centre."""
    R = quaternion_rotation(rvec)
    z = rng.uniform(2, 8, n)
    xc = np.stack([rng.uniform(-0.5, 0.5, n) * z, rng.uniform(-0.4, 0.4, n) * z, z], axis=1)
    return (xc - tvec) @ R  # invert Xc = R X + t


def random_dist(rng, size):
    scale = np.array([0.2, 0.05, 0.01, 0.01, 0.02])[:size]
    return rng.uniform(-1, 1, size) * scale


# 1. Small cases you can check on paper.

def test_rodrigues_quarter_turn_about_z(impl):
    call = Call(impl.rodrigues, np.array([0.0, 0.0, np.pi / 2]))
    assert_close(call.out, np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), atol=1e-12, call=call,
                 what="R", why="a quarter turn about z (right-hand rule) sends x to y and y to -x")


def test_pinhole_by_hand(impl):
    K = np.array([[100.0, 0.0, 50.0], [0.0, 200.0, 40.0], [0.0, 0.0, 1.0]])
    pts = np.array([[1.0, 2.0, 4.0], [0.0, 0.0, 1.0]])
    check_projection(impl, pts, np.zeros(3), np.zeros(3), K, expected=np.array([[75.0, 140.0], [50.0, 40.0]]),
                     why="x = 1/4, y = 2/4: u = 100 * 0.25 + 50 = 75, v = 200 * 0.5 + 40 = 140; "
                         "the optical axis lands on (cx, cy)")


def test_rotate_then_translate_by_hand(impl):
    K = np.array([[10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 1.0]])
    # R turns (1, 0, 0) into (0, 1, 0); then t = (0, 0, 2) gives Xc = (0, 1, 2): u = 0, v = 10 * 1/2 = 5.
    check_projection(impl, np.array([[1.0, 0.0, 0.0]]), np.array([0.0, 0.0, np.pi / 2]), np.array([0.0, 0.0, 2.0]),
                     K, expected=np.array([[0.0, 5.0]]), why="Xc = R X + t: rotate first, then translate")


def test_radial_distortion_by_hand(impl):
    K = np.array([[200.0, 0.0, 100.0], [0.0, 200.0, 80.0], [0.0, 0.0, 1.0]])
    # x = 0.5, y = 0: r^2 = 0.25, 1 + 0.4 * 0.25 = 1.1, so x' = 0.55 and u = 200 * 0.55 + 100 = 210.
    check_projection(impl, np.array([[1.0, 0.0, 2.0]]), np.zeros(3), np.zeros(3), K,
                     np.array([0.4, 0.0, 0.0, 0.0]), expected=np.array([[210.0, 80.0]]),
                     why="distortion acts on normalised coordinates: r^2 = 0.5^2, not (100 pixels)^2")


def test_tangential_distortion_by_hand(impl):
    K = np.array([[100.0, 0.0, 0.0], [0.0, 100.0, 0.0], [0.0, 0.0, 1.0]])
    pts = np.array([[1.0, 1.0, 2.0]])  # x = y = 0.5, r^2 = 0.5
    # p1 = 0.1: x' = 0.5 + 2 * 0.1 * 0.25 = 0.55, y' = 0.5 + 0.1 * (0.5 + 0.5) = 0.6
    check_projection(impl, pts, np.zeros(3), np.zeros(3), K, np.array([0.0, 0.0, 0.1, 0.0]),
                     expected=np.array([[55.0, 60.0]]),
                     why="dist is (k1, k2, p1, p2): p1 = 0.1 moves y by p1 (r^2 + 2 y^2)")
    # p2 = 0.1: x' = 0.5 + 0.1 * (0.5 + 0.5) = 0.6, y' = 0.5 + 2 * 0.1 * 0.25 = 0.55
    check_projection(impl, pts, np.zeros(3), np.zeros(3), K, np.array([0.0, 0.0, 0.0, 0.1]),
                     expected=np.array([[60.0, 55.0]]), why="p2 = 0.1 moves x by p2 (r^2 + 2 x^2)")


def test_k3_is_the_fifth_coefficient(impl):
    K = np.array([[100.0, 0.0, 0.0], [0.0, 100.0, 0.0], [0.0, 0.0, 1.0]])
    # x = 1, y = 0: r^2 = 1, radial = 1 + k3 = 1.5; (k1, k2, p1, p2, k3) order.
    check_projection(impl, np.array([[2.0, 0.0, 2.0]]), np.zeros(3), np.zeros(3), K,
                     np.array([0.0, 0.0, 0.0, 0.0, 0.5]), expected=np.array([[150.0, 0.0]]),
                     why="OpenCV's order is (k1, k2, p1, p2, k3): the fifth value multiplies r^6")


# 2. Against the oracle on seeded random cameras and points.

@pytest.mark.parametrize("seed", range(6))
def test_rodrigues_matches_quaternions(impl, seed):
    rng = np.random.default_rng(seed)
    for rvec in (rng.normal(0, 1.5, 3), rng.normal(0, 1e-3, 3), np.array([0.0, np.pi, 0.0]) + rng.normal(0, 1e-2, 3)):
        call = Call(impl.rodrigues, rvec)
        assert_array(call.out, shape=(3, 3), call=call, what="R")
        assert_close(call.out, quaternion_rotation(rvec), rtol=1e-10, atol=1e-12, call=call, what="R")


@pytest.mark.parametrize("n", [0, 1, 7, 60])
@pytest.mark.parametrize("dist_size", [None, 4, 5])
def test_projection_matches_the_model(impl, n, dist_size):
    rng = np.random.default_rng(10 * n + (dist_size or 0))
    for _ in range(3):
        K, rvec, tvec = camera(rng)
        pts = points_in_front(n, rvec, tvec, rng)
        extra = () if dist_size is None else (random_dist(rng, dist_size),)
        check_projection(impl, pts, rvec, tvec, K, *extra)


# 3. Edge cases.

def test_rodrigues_at_and_near_zero(impl):
    call = Call(impl.rodrigues, np.zeros(3))
    if not np.array_equal(np.asarray(call.out, np.float64), np.eye(3)):
        fail("rodrigues(0) must be exactly the identity", call=call, got=show(call.out),
             why="no rotation; guard the division by the angle 0")
    for rvec in (np.array([1e-10, -2e-10, 3e-10]), np.array([0.0, 0.0, 1e-7])):
        call = Call(impl.rodrigues, rvec)
        assert_close(call.out, quaternion_rotation(rvec), rtol=1e-12, atol=1e-15, call=call, what="R",
                     why="for a tiny angle R = I + [rvec]_x to second order: no NaN, no loss of the small terms")


def test_no_distortion_three_ways(impl):
    rng = np.random.default_rng(20)
    K, rvec, tvec = camera(rng)
    pts = points_in_front(9, rvec, tvec, rng)
    base = check_projection(impl, pts, rvec, tvec, K)
    for zeros in (np.zeros(4), np.zeros(5)):
        check_projection(impl, pts, rvec, tvec, K, zeros, expected=base,
                         why="all-zero coefficients are the same as dist=None")


# 4. Properties.

def test_rodrigues_is_a_rotation_about_its_axis(impl):
    rng = np.random.default_rng(21)
    for _ in range(5):
        rvec = rng.normal(0, 1.2, 3)
        call = Call(impl.rodrigues, rvec)
        R = np.asarray(call.out, np.float64)
        assert_close(R @ R.T, np.eye(3), atol=1e-12, call=call, what="R R^T", why="a rotation is orthonormal")
        assert_close(R @ rvec, rvec, atol=1e-12, call=call, what="R @ rvec", why="the axis does not move")
        back = Call(impl.rodrigues, -rvec)
        assert_close(np.asarray(back.out) @ R, np.eye(3), atol=1e-12, call=back, what="R(-rvec) R(rvec)",
                     why="turning back by the same angle undoes the rotation")


def test_scaling_the_scene_keeps_the_image(impl):
    rng = np.random.default_rng(22)
    K, rvec, tvec = camera(rng)
    pts = points_in_front(12, rvec, tvec, rng)
    d = random_dist(rng, 5)
    base = check_projection(impl, pts, rvec, tvec, K, d)
    check_projection(impl, pts * 3.0, rvec, tvec * 3.0, K, d, expected=base,
                     why="scaling the world and the translation together leaves every X / Z unchanged")


# Conventions and input checks.

@pytest.mark.convention("Z <= 0: NaN pixels, no warning")
def test_points_not_in_front_of_the_camera_are_nan(impl):
    K = np.array([[100.0, 0.0, 50.0], [0.0, 100.0, 50.0], [0.0, 0.0, 1.0]])
    pts = np.array([[1.0, 1.0, 2.0], [1.0, 1.0, 0.0], [1.0, 1.0, -2.0], [0.0, 0.0, 4.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            check_projection(impl, pts, np.zeros(3), np.zeros(3), K, np.array([0.1, 0.0, 0.0, 0.0]),
                             expected=np.array([[102.5, 102.5], [np.nan] * 2, [np.nan] * 2, [50.0, 50.0]]),
                             why="a point on (Z = 0) or behind (Z < 0) the camera plane has no image: NaN")
        except RuntimeWarning as w:
            fail(f"project_points warned: {w}", call="project_points(points with Z = 0 and Z < 0, ...)",
                 why="do not divide by a zero or negative depth; mark those points NaN")


@pytest.mark.convention("float64 pixels whatever the input dtype")
def test_returns_float64(impl):
    rng = np.random.default_rng(23)
    K, rvec, tvec = camera(rng)
    pts = points_in_front(5, rvec, tvec, rng).astype(np.float32)
    call = Call(impl.project_points, pts, rvec.astype(np.float32), tvec.astype(np.float32), K.astype(np.float32),
                random_dist(rng, 5).astype(np.float32))
    assert_array(call.out, dtype=np.float64, shape=(5, 2), call=call, what="pixel coordinates")
    assert_array(Call(impl.rodrigues, rvec.astype(np.float32)).out, dtype=np.float64, shape=(3, 3), what="R")


@pytest.mark.contract("K not [[fx,0,cx],[0,fy,cy],[0,0,1]] or dist not 4/5 values: ValueError")
def test_bad_intrinsics_or_distortion_raise(impl):
    pts, r, t = np.array([[0.1, 0.2, 3.0]]), np.zeros(3), np.zeros(3)
    K = np.array([[100.0, 0.0, 50.0], [0.0, 100.0, 50.0], [0.0, 0.0, 1.0]])
    skew, bottom = K.copy(), K.copy()
    skew[0, 1], bottom[2, 2] = 5.0, 2.0
    fn = impl.project_points
    assert_raises(ValueError, fn, pts, r, t, skew, why="K[0, 1] = 5 is a skew, which this model has not got")
    assert_raises(ValueError, fn, pts, r, t, bottom, why="K's bottom row must be [0, 0, 1]")
    assert_raises(ValueError, fn, pts, r, t, K, np.zeros(8),
                  why="8 coefficients (OpenCV's rational model) are not (k1, k2, p1, p2[, k3])")
    assert_raises(ValueError, fn, pts, r, t, K, np.zeros(3), why="3 coefficients: p2 is missing")
