"""Tests for classic/acute_triangle. Run: pytest katas/classic/acute_triangle

Oracles: the exact answer 1/4; an is_acute written with dot products of the vertices (the angle at
A is acute iff (B - A) . (C - A) > 0), used only away from right triangles; a replay of the pinned
draw; and the Wald formula. The coverage of the interval is tested over many seeds: its exact
coverage at n = 600, p = 1/4 is 0.946 (binomial sum, checked offline with scipy.stats.binom), so
with 600 seeds the observed rate has a standard deviation of 0.0092 and the window [0.915, 0.975]
leaves more than 3 of them on each side (a correct answer that draws differently fails it about
once in a thousand seeds sets); the one-sided z (coverage 0.90) falls below it."""

from statistics import NormalDist

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, fail
from cvkatas.data import SeededRng

TWO_PI = 2 * np.pi


def acute_by_dot_products(angles):
    """Brute force, a different method: every angle of the triangle acute, from the vertices."""
    a = np.asarray(angles, np.float64)
    pts = np.stack([np.cos(a), np.sin(a)], axis=-1)  # (..., 3, 2)
    ok = np.ones(a.shape[:-1], bool)
    for i in range(3):
        u, v = pts[..., (i + 1) % 3, :] - pts[..., i, :], pts[..., (i + 2) % 3, :] - pts[..., i, :]
        ok &= (u * v).sum(-1) > 0
    return ok


def far_from_right(rng, shape):
    """Random vertex angles whose arcs are all at least 1e-6 away from pi (no right triangles)."""
    a = rng.uniform(0, TWO_PI, (*shape, 3))
    s = np.sort(a, -1)
    arcs = np.stack([s[..., 1] - s[..., 0], s[..., 2] - s[..., 1], TWO_PI - s[..., 2] + s[..., 0]], -1)
    keep = (np.abs(arcs - np.pi) > 1e-6).all(-1)
    return a[keep]


def result(call):
    """(estimate, low, high) as floats, read leniently."""
    __tracebackhide__ = True
    out = call.out
    if not (isinstance(out, tuple) and len(out) == 3 and all(np.ndim(v) == 0 for v in out)):
        fail("acute_probability must return a tuple of three floats (estimate, low, high)", call=call,
             got=repr(out)[:200])
    return tuple(float(v) for v in out)


# 1. Small cases you can check on paper.

def test_is_acute_hand_cases(impl):
    cases = np.array([[0, TWO_PI / 3, 2 * TWO_PI / 3],  # equilateral: acute
                      [0, 0.1, 0.2],                     # three close points: obtuse
                      [0, 2, 4],                         # arcs 2, 2, 2.28: all < pi, acute
                      [0, 1, 2],                         # arc 2 pi - 2 = 4.28 > pi: obtuse
                      [4, 0, 2],                         # order does not matter: acute
                      [3.0, 3.2, 0.1]])                  # arcs 0.2, 3.18, 2.9: obtuse
    call = Call(impl.is_acute, cases)
    assert_array(call.out, dtype=np.bool_, shape=(6,), call=call, what="is_acute")
    assert_equal(call.out, np.array([True, False, True, False, True, False]), call=call,
                 why="acute exactly when every arc between neighbouring points is shorter than pi")


def test_is_acute_keeps_the_batch_shape(impl):
    a = far_from_right(np.random.default_rng(1), (40,))[:24].reshape(2, 4, 3, 3)
    call = Call(impl.is_acute, a)
    assert_array(call.out, dtype=np.bool_, shape=(2, 4, 3), call=call, what="is_acute")
    one = Call(impl.is_acute, np.array([0.0, 2.0, 4.0]))
    assert_array(np.asarray(one.out), dtype=np.bool_, shape=(), call=one, what="is_acute of one triangle")
    if not bool(one.out):
        fail("is_acute([0, 2, 4]) must be True", call=one, why="arcs 2, 2 and 2.28 are all shorter than pi")


# 2. Against the dot-product brute force on seeded random triangles.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_is_acute_matches_dot_products(impl, dtype):
    rng = np.random.default_rng(2)
    for size in (0, 1, 7, 2000):
        a = far_from_right(rng, (size,)).astype(dtype)
        a = a[(np.abs(np.sort(a, -1)[..., [1, 2]] - np.sort(a, -1)[..., [0, 1]] - np.pi) > 1e-4).all(-1)]
        call = Call(impl.is_acute, a)
        assert_array(call.out, dtype=np.bool_, shape=(len(a),), call=call, what="is_acute")
        assert_equal(call.out, acute_by_dot_products(a), call=call,
                     why="a triangle is acute when each of its angles is; checked here with dot products")


def test_is_acute_takes_angles_modulo_two_pi(impl):
    rng = np.random.default_rng(3)
    a = far_from_right(rng, (500,))
    a = a[(np.abs(np.sort(a, -1)[:, 1:] - np.sort(a, -1)[:, :-1] - np.pi) > 1e-3).all(-1)]
    shifted = a + TWO_PI * rng.integers(-3, 4, a.shape)
    call = Call(impl.is_acute, shifted)
    assert_equal(call.out, acute_by_dot_products(a), call=call,
                 why="adding multiples of 2 pi to an angle does not move the point")


def test_estimate_is_close_to_one_quarter(impl):
    call = Call(impl.acute_probability, 100_000, SeededRng(0))
    est, _, _ = result(call)  # one interval misses 1/4 one time in 20: coverage has its own test
    sd = np.sqrt(0.25 * 0.75 / 100_000)
    if abs(est - 0.25) > 5 * sd:
        fail(f"estimate {est:.5f} is {abs(est - 0.25) / sd:.1f} standard deviations from 1/4", call=call,
             why="P(acute) = 1/4 exactly: draw the vertices uniformly ON the circle (angles), not in the disc; "
                 "acute means every arc < pi")


def test_estimate_is_a_fraction_of_n(impl):
    for n in (1, 2, 7, 1000):
        call = Call(impl.acute_probability, n, SeededRng(n))
        est, low, high = result(call)
        if abs(est * n - round(est * n)) > 1e-9 or not 0 <= est <= 1:
            fail(f"estimate {est!r} is not k / {n} for a count k", call=call,
                 why="the estimate is the fraction of the n triangles that are acute")
        if not low <= est <= high:
            fail("the interval must contain the estimate", call=call, got=f"({est}, {low}, {high})")


def test_one_triangle(impl):
    for seed in range(4):
        call = Call(impl.acute_probability, 1, SeededRng(seed))
        est, low, high = result(call)
        if est not in (0.0, 1.0) or not 0 <= low <= est <= high <= 1:
            fail("n = 1: the estimate is 0 or 1, inside its interval", call=call, got=f"({est}, {low}, {high})",
                 why="one triangle is acute or not")


def test_coverage_of_one_quarter_at_the_stated_rate(impl):
    covered, seeds = 0, 600
    for seed in range(seeds):
        est, low, high = result(Call(impl.acute_probability, 600, SeededRng(seed)))
        covered += low <= 0.25 <= high
    rate = covered / seeds
    if not 0.915 <= rate <= 0.975:
        fail(f"the 95% interval covered 1/4 in {rate:.3f} of {seeds} runs (n = 600, seeds 0..{seeds - 1})",
             call="acute_probability(600, np.random.default_rng(seed)) for each seed",
             expected="a rate in [0.915, 0.975]: the exact coverage is 0.946",
             why="se = sqrt(p (1 - p) / n) (not without the 1 / n, not p (1 - p) / n) and the two-sided z = "
                 "1.96; a rate near 0.90 means the one-sided z = 1.645")


@pytest.mark.parametrize("confidence", [0.8, 0.99])
def test_width_shrinks_like_one_over_sqrt_n(impl, confidence):
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    for n in (1000, 16000):
        call = Call(impl.acute_probability, n, SeededRng(n), confidence)
        est, low, high = result(call)
        expected = 2 * z * np.sqrt(0.25 * 0.75 / n)
        if not 0.9 * expected <= high - low <= 1.1 * expected:
            fail(f"interval width {high - low:.5f} at n = {n}, confidence {confidence}", call=call,
                 expected=f"about 2 z sqrt(p (1 - p) / n) = {expected:.5f} (z = {z:.4f}), within 10%",
                 why="the standard error of a proportion is sqrt(p (1 - p) / n): 4 times as many samples halve "
                     "the width; z comes from the confidence level")


def test_default_confidence_is_95_percent(impl):
    call = Call(impl.acute_probability, 4000, SeededRng(11))
    est, low, high = result(call)
    expected = 2 * 1.959964 * np.sqrt(0.25 * 0.75 / 4000)
    if not 0.9 * expected <= high - low <= 1.1 * expected:
        fail(f"interval width {high - low:.5f} without a confidence argument", call=call,
             expected=f"about {expected:.5f}, the 95% width", why="confidence defaults to 0.95")


def test_same_seed_same_answer(impl):
    a = result(Call(impl.acute_probability, 500, SeededRng(9)))
    b = result(Call(impl.acute_probability, 500, SeededRng(9)))
    if a != b:
        fail("two runs with np.random.default_rng(9) differ", got=f"{a} then {b}",
             why="all randomness must come from rng, so that a seed replays the run")


# 5. Conventions.

@pytest.mark.convention("an arc of exactly pi (right triangle) is not acute")
def test_right_triangle_is_not_acute(impl):
    right = np.array([[0, np.pi / 2, np.pi], [np.pi / 2, 0, 3 * np.pi / 2], [0, 0.25, np.pi]])
    call = Call(impl.is_acute, right)
    assert_equal(np.asarray(call.out, bool), np.array([False, False, False]), call=call,
                 why="each has two points at opposite ends of a diameter, an arc of exactly pi: a right "
                     "angle, which is not acute (compare arcs with < pi)")


@pytest.mark.convention("one draw: rng.uniform(0, 2 pi, size=(n, 3))")
def test_draw_replays_the_pinned_call(impl):
    for n, seed in ((1, 0), (50, 1), (333, 2)):
        call = Call(impl.acute_probability, n, SeededRng(seed))
        est, _, _ = result(call)
        angles = np.random.default_rng(seed).uniform(0.0, TWO_PI, size=(n, 3))
        expected = float(acute_by_dot_products(angles).mean())
        assert_close(est, expected, rtol=0, atol=1e-12, call=call, what="estimate",
                     why="the statement pins the draw, one call of rng.uniform from 0 to 2 pi of shape (n, 3), "
                         "row i being triangle i, so the same seed gives the same estimate")


@pytest.mark.convention("Wald interval: estimate -+ z sqrt(p (1 - p) / n)")
def test_wald_interval_formula(impl):
    for n, conf in ((1000, 0.95), (2500, 0.9), (777, 0.5), (1, 0.95), (1, 0.99)):  # n = 1: se = 0, width 0
        call = Call(impl.acute_probability, n, SeededRng(n), conf)
        est, low, high = result(call)
        half = NormalDist().inv_cdf((1 + conf) / 2) * np.sqrt(est * (1 - est) / n)
        assert_close(np.array([low, high]), np.array([est - half, est + half]), rtol=1e-9, atol=1e-12,
                     call=call, what="(low, high)",
                     why=f"the Wald interval around the estimate {est}: z = Phi^-1((1 + {conf}) / 2), "
                         f"se = sqrt(p (1 - p) / {n}); the Wilson score interval is not centred on the estimate")


@pytest.mark.convention("interval clipped to [0, 1]")
def test_interval_clipped_to_zero_one(impl):
    clipped = 0
    for seed in range(20):
        call = Call(impl.acute_probability, 3, SeededRng(seed))
        est, low, high = result(call)
        if low < 0 or high > 1:
            fail(f"interval [{low:.4f}, {high:.4f}] leaves [0, 1]", call=call,
                 why="a probability lies in [0, 1]: clip both ends (as statsmodels does for method='normal')")
        clipped += est in (1 / 3, 2 / 3)
    assert clipped > 0, "test error: no draw had an interval to clip"


# Contracts.

@pytest.mark.contract("n < 1 or confidence outside (0, 1): ValueError")
def test_bad_arguments_raise(impl):
    assert_raises(ValueError, impl.acute_probability, 0, SeededRng(0), why="no triangles: no estimate")
    for conf in (0.0, -0.5):
        assert_raises(ValueError, impl.acute_probability, 100, SeededRng(0), conf,
                      why="a confidence level lies strictly between 0 and 1")


@pytest.mark.contract("angles not (..., 3): ValueError")
def test_bad_angle_shape_raises(impl):
    assert_raises(ValueError, impl.is_acute, np.zeros((4, 2)))
    assert_raises(ValueError, impl.is_acute, np.zeros((2, 4)))
