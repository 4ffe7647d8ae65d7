"""Tests for classic/homography. Run: pytest katas/classic/homography

Oracles: the homography that generated exact correspondences, and `hartley_dlt` below (Hartley and
Zisserman's Algorithm 4.2, one correspondence at a time) for noisy ones. On exact correspondences
both agree with cv2.findHomography(src, dst, 0) to its float32 precision (checked offline; cv2
is not imported here, to keep the run fast). Homographies are compared up to scale (each divided
by its own H[2, 2]); that H[2, 2] is 1 is test_h22_is_one's business."""

import math
import warnings

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, show


def transfer(H, pts):
    q = np.c_[pts, np.ones(len(pts))] @ np.asarray(H, np.float64).T
    return q[:, :2] / q[:, 2:]


def hartley_dlt(src, dst):
    def similarity(p):
        c = p.mean(0)
        s = math.sqrt(2) / np.mean([math.hypot(*(q - c)) for q in p])
        return np.array([[s, 0, -s * c[0]], [0, s, -s * c[1]], [0, 0, 1.0]])

    ts, td = similarity(src), similarity(dst)
    rows = []
    for p, q in zip(transfer(ts, src), transfer(td, dst)):
        x, y = p
        u, v = q
        rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, -u])
    h = np.linalg.svd(np.array(rows))[2][-1].reshape(3, 3)
    H = np.linalg.inv(td) @ h @ ts
    return H / H[2, 2]


def scaled(H):
    H = np.asarray(H, np.float64)
    return H / H[2, 2]


def check_h(impl, src, dst, expected, *, why=None, rtol=1e-8):
    __tracebackhide__ = True
    call = Call(impl.find_homography, src, dst)
    if np.shape(call.out) != (3, 3):
        fail("find_homography must return a (3, 3) array", call=call, got=show(call.out))
    e = scaled(expected)
    assert_close(scaled(call.out), e, rtol=rtol, atol=rtol * np.abs(e).max(), call=call,
                 what="H (both divided by their H[2, 2])", why=why)
    return call.out


def check_transfer(impl, src, dst, *, tol=0.5, why=None):
    """Noisy correspondences: H must map src within `tol` pixels of where the Hartley DLT maps it."""
    __tracebackhide__ = True
    call = Call(impl.find_homography, src, dst)
    if np.shape(call.out) != (3, 3):
        fail("find_homography must return a (3, 3) array", call=call, got=show(call.out))
    got, expected = transfer(call.out, src), transfer(hartley_dlt(src, dst), src)
    err = np.abs(got - expected).max()
    if not err <= tol:
        fail(f"your H maps the src points up to {err:.3g} pixels away from the normalised DLT's H (allowed {tol})",
             call=call, got=show(scaled(call.out)), expected=show(hartley_dlt(src, dst)), why=why)


def random_h(rng, scale=1.0):
    """A mild projective warp of points of size about `scale` (pixels): no point goes near infinity."""
    A = np.eye(2) + rng.normal(0, 0.15, (2, 2))
    return np.array([[*A[0], rng.normal(0, 0.2) * scale], [*A[1], rng.normal(0, 0.2) * scale],
                     [*(rng.normal(0, 0.2, 2) / scale), 1.0]])


# 1. Small cases you can check on paper.

SQUARE = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])


def test_translation_by_hand(impl):
    check_h(impl, SQUARE, SQUARE + [2.0, 3.0], np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 3.0], [0.0, 0.0, 1.0]]),
            why="every point moves by (2, 3): H is the identity with (2, 3) in its last column")


def test_perspective_by_hand(impl):
    # H = [[1, 0, 0], [0, 1, 0], [1, 0, 1]] maps (x, y) to (x, y) / (x + 1).
    dst = np.array([[0.0, 0.0], [0.5, 0.0], [0.5, 0.5], [0.0, 1.0]])
    check_h(impl, SQUARE, dst, np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0]]),
            why="(1, 0) -> (0.5, 0) and (1, 1) -> (0.5, 0.5): w = x + 1, so H's bottom row is [1, 0, 1]")


def test_normalize_points_by_hand(impl):
    pts = np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]])
    call = Call(impl.normalize_points, pts)
    if not (isinstance(call.out, tuple) and len(call.out) == 2):
        fail("normalize_points must return a tuple (normalized, T)", call=call, got=show(call.out))
    normalized, T = call.out
    assert_close(T, np.array([[1.0, 0.0, -1.0], [0.0, 1.0, -1.0], [0.0, 0.0, 1.0]]), call=call, what="T",
                 why="centroid (1, 1); every corner is sqrt(2) from it already, so the scale is 1")
    assert_close(normalized, pts - 1.0, call=call, what="normalized points")


# 2. Against the generating homography (exact) and the normalised DLT (noisy), seeded.

@pytest.mark.parametrize("n", [4, 5, 12, 60])
def test_exact_correspondences(impl, n):
    rng = np.random.default_rng(n)
    for _ in range(4):
        H = random_h(rng)
        src = rng.uniform(-1, 1, (n, 2))
        check_h(impl, src, transfer(H, src), H)


@pytest.mark.parametrize("n", [4, 8, 30])
def test_exact_correspondences_in_pixels(impl, n):
    rng = np.random.default_rng(100 + n)
    for _ in range(3):
        ox, oy = rng.uniform(5000, 20000, 2)
        shift = np.array([[1, 0, ox], [0, 1, oy], [0, 0, 1.0]])
        H = shift @ random_h(rng, scale=500.0) @ np.linalg.inv(shift)  # a warp about (ox, oy)
        src = [ox, oy] + rng.uniform(0, 800, (n, 2))
        check_h(impl, src, transfer(H, src), H, rtol=1e-7)


@pytest.mark.parametrize("seed", range(4))
def test_noisy_poorly_scaled_points(impl, seed):
    rng = np.random.default_rng(200 + seed)
    offset = rng.uniform(1e4, 2e4, 2)
    H = np.array([[1.1, 0.05, 30.0], [-0.03, 0.95, -20.0], [1e-5, -2e-5, 1.0]])
    src = offset + rng.uniform(0, 500, (20, 2))
    dst = transfer(H, src) + rng.normal(0, 0.5, (20, 2))
    check_transfer(impl, src, dst,
                   why="pixel coordinates near 10^4 make the DLT matrix's columns differ by 10^8 in scale; "
                       "normalise src and dst (centroid 0, mean distance sqrt(2)) before the SVD")


def test_noisy_points_near_the_origin(impl):
    rng = np.random.default_rng(9)
    for n in (6, 40):
        H = random_h(rng)
        src = rng.uniform(-1, 1, (n, 2))
        check_transfer(impl, src, transfer(H, src) + rng.normal(0, 0.01, (n, 2)), tol=2e-3)  # extent 2


def test_normalize_points_properties(impl):
    rng = np.random.default_rng(10)
    for n in (2, 3, 50):
        pts = rng.normal(300, 80, (n, 2))
        call = Call(impl.normalize_points, pts)
        normalized, T = call.out
        assert_array(np.asarray(T), shape=(3, 3), call=call, what="T")
        assert_close(normalized, transfer(T, pts), rtol=1e-9, atol=1e-9, call=call, what="normalized points",
                     why="the normalised points are T applied to the points")
        assert_close(np.mean(normalized, axis=0), np.zeros(2), atol=1e-9, call=call, what="centroid",
                     why="normalisation moves the centroid to the origin")
        if np.abs(np.asarray(T, np.float64)[2] - [0, 0, 1]).max() > 1e-12 or T[0, 1] != 0 or T[1, 0] != 0:
            fail("T must be a scale and a translation: [[s, 0, tx], [0, s, ty], [0, 0, 1]]", call=call, got=show(T))


# 4. Properties.

def test_swapping_src_and_dst_inverts_h(impl):
    rng = np.random.default_rng(11)
    H = random_h(rng)
    src = rng.uniform(-1, 1, (10, 2))
    dst = transfer(H, src)
    check_h(impl, src, dst, H)
    check_h(impl, dst, src, np.linalg.inv(H), why="the map from dst back to src is the inverse homography")


def test_order_of_correspondences_does_not_matter(impl):
    rng = np.random.default_rng(12)
    src = rng.uniform(-1, 1, (15, 2))
    dst = transfer(random_h(rng), src) + rng.normal(0, 0.01, (15, 2))
    perm = rng.permutation(15)
    base = Call(impl.find_homography, src, dst).out
    check_h(impl, src[perm], dst[perm], base, rtol=1e-7,
            why="least squares over the same set of pairs: the order of the rows of A does not matter")


# Conventions and input checks.

@pytest.mark.convention("H scaled so that H[2, 2] = 1")
def test_h22_is_one(impl):
    dst = np.array([[0.0, 0.0], [0.5, 0.0], [0.5, 0.5], [0.0, 1.0]])
    call = Call(impl.find_homography, SQUARE, dst)
    assert_close(call.out, np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 0.0, 1.0]]), atol=1e-9, call=call,
                 what="H", why="a homography is defined up to scale; this kata returns it divided by "
                               "H[2, 2], as OpenCV does, not the unit-norm singular vector")


@pytest.mark.convention("Hartley scale: one factor, mean distance sqrt(2)")
def test_normalize_points_uses_hartley_scale(impl):
    pts = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 3.0], [0.0, -3.0]])  # centroid 0; distances 1, 1, 3, 3
    call = Call(impl.normalize_points, pts)
    s = math.sqrt(2) / 2.0
    assert_close(call.out[1], np.diag([s, s, 1.0]), call=call, what="T",
                 why="mean distance 2 -> s = sqrt(2) / 2 for both axes (RMS distance sqrt(5) would give "
                     "sqrt(2/5); separate x and y scales would differ)")


@pytest.mark.contract("fewer than 4 pairs or bad shapes: ValueError")
def test_bad_input_raises(impl):
    fn = impl.find_homography
    assert_raises(ValueError, fn, SQUARE[:3], SQUARE[:3] + 1, why="3 correspondences do not determine 8 unknowns")
    assert_raises(ValueError, fn, SQUARE, np.vstack([SQUARE, [[5.0, 5.0]]]) + 1,
                  why="5 dst points for 4 src points: the pairs do not correspond")
    assert_raises(ValueError, fn, np.c_[SQUARE, np.ones(4)], np.c_[SQUARE, np.ones(4)],
                  why="points must be (N, 2), not homogeneous (N, 3)")


@pytest.mark.contract("coincident points: ValueError")
def test_coincident_points_raise(impl):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert_raises(ValueError, impl.normalize_points, np.array([[3.0, 4.0], [3.0, 4.0], [3.0, 4.0]]),
                      why="all points coincide: their mean distance is 0 and no scale makes it sqrt(2)")
