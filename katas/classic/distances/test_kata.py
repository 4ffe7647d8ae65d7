"""Tests for classic/distances. Run: pytest katas/classic/distances

The oracle is the definition, one pair at a time in float64 (`pair_loop`); on these inputs it agrees
with scipy.spatial.distance.cdist to 1e-12 (checked offline: importing scipy.spatial costs 0.6 s,
more than the whole run may take). Random inputs have no zero rows and are float64, so the zero
vector rule and the output dtype are each decided by one convention test only."""

import warnings

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, show


def pair_loop(metric, xa, xb, vi=None):
    xa, xb = np.asarray(xa, np.float64), np.asarray(xb, np.float64)
    out = np.zeros((len(xa), len(xb)))
    for i, u in enumerate(xa):
        for j, v in enumerate(xb):
            if metric == "euclidean":
                out[i, j] = np.sqrt(np.sum((u - v) ** 2))
            elif metric == "cosine":
                nu, nv = np.sqrt(u @ u), np.sqrt(v @ v)
                out[i, j] = 1.0 - (u @ v / (nu * nv) if nu > 0 and nv > 0 else 0.0)
            else:
                out[i, j] = np.sqrt((u - v) @ vi @ (u - v))
    return out


def fn(impl, metric):
    return getattr(impl, f"{metric}_distances")


def check(impl, metric, xa, xb, *extra, expected=None, why=None, rtol=1e-7, atol=1e-9):
    __tracebackhide__ = True
    call = Call(fn(impl, metric), xa, xb, *extra)
    got = call.out
    if not isinstance(got, np.ndarray) or got.shape != (len(xa), len(xb)):
        fail(f"{metric}_distances must return an ({len(xa)}, {len(xb)}) array", call=call, got=show(got))
    if expected is None:
        expected = pair_loop(metric, xa, xb, *extra)
    assert_close(got, expected, rtol=rtol, atol=atol, call=call, what=f"{metric} distances", why=why)
    return got


def spd(d, rng):
    a = rng.normal(size=(d, d))
    return a @ a.T + 0.5 * np.eye(d)  # symmetric positive definite, far from the identity


# 1. Small cases you can check on paper.

def test_euclidean_by_hand(impl):
    xa = np.array([[0.0, 0.0], [1.0, 1.0]])
    xb = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]])
    check(impl, "euclidean", xa, xb, expected=np.array([[5.0, 0.0, 1.0], [np.sqrt(13), np.sqrt(2), 1.0]]),
          why="(3, 4) is 5 away from the origin: a 3-4-5 triangle")


def test_cosine_by_hand(impl):
    xa = np.array([[1.0, 0.0]])
    xb = np.array([[0.0, 2.0], [1.0, 1.0], [-3.0, 0.0], [5.0, 0.0]])
    check(impl, "cosine", xa, xb, expected=np.array([[1.0, 1.0 - np.sqrt(0.5), 2.0, 0.0]]),
          why="orthogonal: 1; 45 degrees: 1 - cos 45 = 0.2929; opposite: 2; same direction: 0 (lengths do not matter)")


def test_mahalanobis_by_hand(impl):
    vi = np.diag([0.25, 1.0])  # covariance diag(4, 1): x varies twice as much as y
    xa = np.array([[0.0, 0.0]])
    xb = np.array([[2.0, 0.0], [0.0, 2.0], [2.0, 1.0]])
    check(impl, "mahalanobis", xa, xb, vi, expected=np.array([[1.0, 2.0, np.sqrt(2.0)]]),
          why="vi is the INVERSE covariance: 2 along x (std 2) is 1 standard deviation, 2 along y (std 1) is 2")


# 2. Against the definition on seeded random inputs.

SIZES = [(0, 3), (3, 0), (1, 1), (1, 5), (7, 4), (25, 18)]


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
@pytest.mark.parametrize("m, n", SIZES)
def test_matches_the_definition(impl, metric, m, n):
    rng = np.random.default_rng(100 * m + n)
    for d in (1, 3, 16):
        check(impl, metric, rng.normal(size=(m, d)), rng.normal(1.0, 2.0, size=(n, d)))


@pytest.mark.parametrize("m, n", SIZES)
def test_mahalanobis_matches_the_definition(impl, m, n):
    rng = np.random.default_rng(7 + 100 * m + n)
    for d in (1, 3, 6):
        check(impl, "mahalanobis", rng.normal(size=(m, d)), rng.normal(size=(n, d)), spd(d, rng))


# 3. Edge cases.

def test_identical_rows_give_zero_not_nan(impl):
    rng = np.random.default_rng(3)
    x = rng.uniform(-2, 2, (40, 8))  # norms up to about 6
    for metric, extra in (("euclidean", ()), ("mahalanobis", (spd(8, rng),))):
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            call = Call(fn(impl, metric), x, x, *extra)
        got = np.asarray(call.out, np.float64)
        if np.isnan(got).any():
            fail(f"{metric}_distances gave NaN for identical rows", call=call, got=show(got),
                 why="|a|^2 + |b|^2 - 2 a.b of equal rows rounds to a tiny negative number; clamp at 0 before sqrt")
        assert_close(np.diag(got), np.zeros(40), atol=1e-6, call=call, what="distance of each row to itself")


# 4. Properties.

def test_cosine_ignores_vector_length(impl):
    rng = np.random.default_rng(5)
    xa, xb = rng.normal(size=(6, 4)), rng.normal(size=(5, 4))
    base = check(impl, "cosine", xa, xb)
    scaled = check(impl, "cosine", xa * rng.uniform(0.1, 50, (6, 1)), xb * rng.uniform(0.1, 50, (5, 1)))
    assert_close(scaled, base, rtol=1e-9, atol=1e-12, what="cosine distances after rescaling every row",
                 why="cosine distance depends on directions only")


def test_mahalanobis_with_identity_is_euclidean(impl):
    rng = np.random.default_rng(6)
    xa, xb = rng.normal(size=(9, 3)), rng.normal(size=(4, 3))
    check(impl, "mahalanobis", xa, xb, np.eye(3), expected=pair_loop("euclidean", xa, xb),
          why="with the identity as inverse covariance, Mahalanobis is plain Euclidean distance")


# Conventions and input checks.

@pytest.mark.convention("cosine with a zero vector: distance 1.0, no NaN")
def test_zero_vector_has_distance_one(impl):
    xa = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 2.0]])
    xb = np.array([[0.0, 0.0, 0.0], [2.0, 0.0, 0.0], [-1.0, -2.0, -2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            check(impl, "cosine", xa, xb, expected=np.array([[1.0, 1.0, 1.0], [1.0, 2.0 / 3.0, 2.0]]),
                  why="a zero vector has similarity 0 with everything: distance 1.0 (sklearn; scipy gives NaN)")
        except RuntimeWarning as w:
            fail(f"cosine_distances warned: {w}", call=f"cosine_distances({xa.tolist()}, {xb.tolist()})",
                 why="guard the division by a zero norm: a zero vector has distance 1.0 to everything")


@pytest.mark.convention("float32 inputs: float64 distances")
def test_float32_inputs_give_float64(impl):
    rng = np.random.default_rng(8)
    xa = rng.normal(size=(5, 3)).astype(np.float32)
    xb = rng.normal(size=(4, 3)).astype(np.float32)
    for metric, extra in (("euclidean", ()), ("cosine", ()), ("mahalanobis", (spd(3, rng),))):
        call = Call(fn(impl, metric), xa, xb, *extra)
        assert_array(call.out, dtype=np.float64, shape=(5, 4), call=call, what=f"{metric} distances")
        assert_close(call.out, pair_loop(metric, xa, xb, *extra), rtol=1e-9, atol=1e-12, call=call,
                     what=f"{metric} distances", why="compute in float64 (as scipy's cdist does)")


@pytest.mark.convention("default vi: inverse sample covariance (ddof=1) of xa and xb stacked")
def test_default_vi_is_inverse_sample_covariance_of_both_sets(impl):
    xa = np.array([[0.0, 0.0], [2.0, 1.0], [4.0, 0.0]])
    xb = np.array([[1.0, 3.0], [3.0, 1.0]])
    both = np.vstack([xa, xb])
    centred = both - both.mean(0)
    vi = np.linalg.inv(centred.T @ centred / (len(both) - 1))  # np.cov's default, written out
    call = Call(impl.mahalanobis_distances, xa, xb)
    assert_close(call.out, pair_loop("mahalanobis", xa, xb, vi), rtol=1e-9, atol=1e-12, call=call,
                 what="Mahalanobis distances with the default vi",
                 why="vi=None means inv(np.cov(np.vstack([xa, xb]).T)): the covariance of all 5 points, "
                     "divided by 5 - 1 (scipy's cdist default)")


@pytest.mark.contract("xa and xb not 2-D with the same columns: ValueError")
def test_mismatched_columns_raise(impl):
    xa, one_col = np.arange(12.0).reshape(4, 3), np.arange(2.0).reshape(2, 1)
    for metric, extra in (("euclidean", ()), ("cosine", ()), ("mahalanobis", (np.eye(3),))):
        assert_raises(ValueError, fn(impl, metric), xa, one_col, *extra,
                      why="xb has 1 column and xa 3: broadcasting would pair them silently")
