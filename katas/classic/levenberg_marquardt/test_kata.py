"""Tests for classic/levenberg_marquardt. Run: pytest katas/classic/levenberg_marquardt

Oracle: the minima that scipy.optimize.least_squares(f, x0, method="lm", xtol=ftol=gtol=1e-15)
finds on the seeded curve fits below, computed offline and written here (importing scipy.optimize
costs 0.7 s, more than the whole run may take), plus checks that hold at any minimum: the gradient
J^T r vanishes, and the costs never go up. Only the two convention tests look at the cost's scale
and at the exact damping schedule."""

import math

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, show


def problems():
    rng = np.random.default_rng(2024)
    t1 = np.linspace(-6, 6, 30)
    y1 = 5 / (1 + np.exp(-1.3 * (t1 - 0.8))) + rng.normal(0, 0.02, 30)
    t2 = np.linspace(0.1, 5, 20)
    y2 = 2.5 * t2 / (0.7 + t2) + rng.normal(0, 0.01, 20)
    t3 = np.linspace(0, 4, 25)
    y3 = 2 * np.exp(-1.5 * t3) + 0.5 + rng.normal(0, 0.01, 25)

    def logistic(p):
        with np.errstate(over="ignore"):  # a wild trial step may overflow exp: a huge cost, rejected
            return p[0] / (1 + np.exp(-p[1] * (t1 - p[2]))) - y1

    def logistic_jac(p):
        with np.errstate(over="ignore"):
            e = np.exp(-p[1] * (t1 - p[2]))
        d = 1 + e
        return np.stack([1 / d, p[0] * e * (t1 - p[2]) / d**2, -p[0] * e * p[1] / d**2], axis=1)

    def michaelis_menten(p):
        return p[0] * t2 / (p[1] + t2) - y2

    def michaelis_menten_jac(p):
        return np.stack([t2 / (p[1] + t2), -p[0] * t2 / (p[1] + t2) ** 2], axis=1)

    def exp_decay(p):
        return p[0] * np.exp(p[1] * t3) + p[2] - y3

    def exp_decay_jac(p):
        e = np.exp(p[1] * t3)
        return np.stack([e, p[0] * t3 * e, np.ones_like(t3)], axis=1)

    # name: (residual, jacobian, scipy's minimum, starting points)
    return {
        "logistic": (logistic, logistic_jac, [5.000427169242, 1.287710061653, 0.80606202983],
                     [[1, 1, 0], [3, 5, -2], [1, 3, 3]]),
        "michaelis_menten": (michaelis_menten, michaelis_menten_jac, [2.493299560634, 0.692402167571],
                             [[1, 1], [10, 10], [1, 0.01]]),
        "exp_decay": (exp_decay, exp_decay_jac, [2.006065479034, -1.501463070614, 0.500525547934], [[1, 0, 0]]),
    }


CASES = [(name, i) for name, (_, _, _, starts) in problems().items() for i in range(len(starts))]


def run(impl, residual, jacobian, x0, **kw):
    """Call the candidate, check the shape of what comes back, and that the costs never increase."""
    __tracebackhide__ = True
    call = Call(impl.levenberg_marquardt, residual, jacobian, x0, **kw)
    out = call.out
    if not (isinstance(out, tuple) and len(out) == 2):
        fail("levenberg_marquardt must return a tuple (x, costs)", call=call, got=show(out))
    x, costs = np.asarray(out[0], np.float64), np.asarray(out[1], np.float64)
    if x.shape != np.shape(x0) or costs.ndim != 1 or costs.size < 1:
        fail("x must have x0's shape and costs must be 1-D with at least costs[0]", call=call, got=show(out))
    up = np.flatnonzero(np.diff(costs) > 0)
    if up.size:
        k = int(up[0]) + 1
        fail(f"the cost went up at iteration {k}: {costs[k - 1]:.6g} -> {costs[k]:.6g}", call=call,
             got=show(costs), why="a step that does not lower the cost must be rejected (x stays) and the "
                                  "damping increased")
    return call, x, costs


def test_straight_line_is_linear_least_squares(impl):
    t = np.array([0.0, 1.0, 2.0, 3.0])
    y = np.array([1.0, 3.2, 4.9, 7.1])
    A = np.stack([t, np.ones(4)], axis=1)
    call, x, _ = run(impl, lambda p: A @ p - y, lambda p: A, np.zeros(2))
    assert_close(x, np.linalg.lstsq(A, y, rcond=None)[0], rtol=1e-8, atol=1e-10, call=call, what="(slope, intercept)",
                 why="a linear residual: the minimum is the ordinary least-squares line (slope 2.01, intercept 1.0)")


def test_one_unknown_by_hand(impl):
    call, x, _ = run(impl, lambda p: np.array([p[0] - 3.0, 2.0 * (p[0] - 3.0)]),
                     lambda p: np.array([[1.0], [2.0]]), np.array([0.0]))
    assert_close(x, np.array([3.0]), rtol=1e-9, call=call, what="x", why="both residuals vanish at x = 3")


@pytest.mark.parametrize("name, start", CASES)
def test_matches_scipy_least_squares(impl, name, start):
    residual, jacobian, expected, starts = problems()[name]
    x0 = np.array(starts[start], dtype=np.float64)
    call, x, costs = run(impl, residual, jacobian, x0)
    assert_close(x, np.array(expected), rtol=1e-6, atol=1e-9, call=call, what=f"{name} fit from x0 = {x0.tolist()}",
                 why="scipy.optimize.least_squares finds this minimum; from this start Gauss-Newton without "
                     "damping, or a damping that never adapts, does not")
    if len(costs) > 101:
        fail(f"{len(costs) - 1} iterations for max_iter = 100 (the default)", call=call, got=show(costs))


@pytest.mark.parametrize("name", ["logistic", "michaelis_menten"])
def test_gradient_vanishes_at_the_answer(impl, name):
    residual, jacobian, _, starts = problems()[name]
    call, x, _ = run(impl, residual, jacobian, np.array(starts[0], float))
    g = jacobian(x).T @ residual(x)
    assert_close(g, np.zeros_like(g), atol=1e-8, call=call, what="J^T r at the returned x",
                 why="at a minimum of 0.5 |r|^2 the gradient J^T r is zero")


def test_already_at_the_minimum(impl):
    A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]])
    x0 = np.array([0.5, -1.0])
    y = A @ x0
    call, x, costs = run(impl, lambda p: A @ p - y, lambda p: A, x0)
    if not (np.array_equal(x, x0) and len(costs) == 1):
        fail("x0 has zero residual: stop before the first step", call=call, got=show(call.out),
             why="the gradient J^T r is exactly 0 <= gtol, so no iteration runs: x = x0 and costs = [0.0]")


def test_stops_when_the_step_is_small(impl):
    def residual(p):  # minimum at x = 3.4 with cost 0.1 > 0: near it no step lowers the cost any more
        return np.array([p[0] - 3.0, 2.0 * (p[0] - 3.5)])

    call, x, costs = run(impl, residual, lambda p: np.array([[1.0], [2.0]]), np.array([0.0]), xtol=1e-8, gtol=0.0)
    assert_close(x, np.array([3.4]), rtol=1e-8, call=call, what="x")
    # The accepted steps shrink fast (3.4, then about 7e-4, then 1e-8): a few iterations reach |step| <= xtol |x|.
    if len(costs) > 11:
        fail(f"{len(costs) - 1} iterations; the xtol test should have stopped it within 10", call=call,
             got=show(costs), why="after an accepted step with |step| <= xtol * (|x| + xtol), stop (gtol = 0 "
                                  "switches the gradient test off here; without the xtol test every later step "
                                  "is rejected until max_iter)")


def test_max_iter_bounds_the_iterations(impl):
    residual, jacobian, _, starts = problems()["logistic"]
    for max_iter in (0, 1, 5):
        x0 = np.array(starts[0], float)
        call, x, costs = run(impl, residual, jacobian, x0, max_iter=max_iter)
        if len(costs) > max_iter + 1:
            fail(f"costs has {len(costs)} entries for max_iter = {max_iter}", call=call, got=show(costs),
                 why="at most max_iter iterations, accepted or rejected, and one entry each after costs[0]")
        if max_iter == 0 and not np.array_equal(x, x0):
            fail("max_iter = 0: x must be x0", call=call, got=show(x))


def test_float_output(impl):
    call, x, costs = run(impl, lambda p: p - 2.0, lambda p: np.eye(2), np.array([0, 0]))
    assert_array(call.out[0], dtype=np.float64, shape=(2,), call=call, what="x from an integer x0")
    assert_array(call.out[1], dtype=np.float64, call=call, what="costs")
    assert_close(x, np.array([2.0, 2.0]), rtol=1e-9, call=call, what="x")


# Conventions and input checks.

@pytest.mark.convention("cost = 0.5 * sum of squared residuals")
def test_cost_is_half_the_sum_of_squares(impl):
    call, _, costs = run(impl, lambda p: np.array([p[0] - 1.0, p[1] + 2.0, 3.0]), lambda p: np.eye(3)[:, :2],
                         np.array([4.0, 0.0]))
    assert_close(costs[0], 0.5 * (9.0 + 4.0 + 9.0), call=call, what="costs[0]",
                 why="residuals (3, 2, 3) at x0: cost = 0.5 * (9 + 4 + 9) = 11, scipy's convention")
    assert_close(costs[-1], 4.5, rtol=1e-8, call=call, what="final cost", why="only the constant residual 3 is left")


@pytest.mark.convention("damping lam * I: x10 on rejection, /10 on acceptance")
def test_damping_schedule_from_a_rejected_step(impl):
    # r(x) = atan(x) from x = 2: J = 1/5, so the step is -0.2 atan(2) / (0.04 + lam).
    # lam = 1e-3: x -> -3.40, |atan| grows: rejected.  lam = 1e-2: x -> -2.43: rejected.
    # lam = 0.1: x -> 0.419: accepted, and the cost drops to 0.5 atan(0.419)^2.
    def residual(p):
        return np.array([math.atan(p[0])])

    def jacobian(p):
        return np.array([[1.0 / (1.0 + p[0] ** 2)]])

    x0 = np.array([2.0])
    x3 = 2.0 - 0.2 * math.atan(2.0) / (0.04 + 0.1)
    call, x, costs = run(impl, residual, jacobian, x0, max_iter=3)
    if len(costs) != 4:
        fail(f"max_iter = 3 must give 4 costs, got {len(costs)}", call=call, got=show(costs),
             why="one entry per iteration, rejected ones included, after costs[0]")
    expected = np.array([1.0, 1.0, 1.0, (math.atan(x3) / math.atan(2.0)) ** 2])
    assert_close(costs / costs[0], expected, rtol=1e-12, call=call, what="costs / costs[0]",
                 why="iterations 1 and 2 are rejected (lam 1e-3, then 1e-2) and repeat the cost; the third, "
                     "with lam = 0.1, is accepted")
    assert_close(x, np.array([x3]), rtol=1e-12, call=call, what="x after 3 iterations")


@pytest.mark.contract("lam0 <= 0: ValueError")
def test_nonpositive_lam0_raises(impl):
    A = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([1.0, 2.0, 2.5])
    for lam0 in (0.0, -1.0):
        assert_raises(ValueError, impl.levenberg_marquardt, lambda p: A @ p - y, lambda p: A, np.zeros(2),
                      lam0=lam0, why="the damping must be positive: lam0 = 0 is undamped Gauss-Newton")
