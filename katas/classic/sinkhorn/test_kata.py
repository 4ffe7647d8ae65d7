"""Tests for classic/sinkhorn. Run: pytest katas/classic/sinkhorn

Correctness tests run Sinkhorn to convergence, where the entropic plan is unique whatever the order
of the updates and the stopping rule, and read the plan leniently (any float dtype). The statement's
own iteration (rows first from g = 0, max row error checked every iteration) and the float64 result
are convention tests; each documented ValueError is a contract test."""

import warnings

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.special import logsumexp

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, show


def oracle_plan(a, b, cost, reg):
    """The oracle: log-domain Sinkhorn in float64 (as POT's sinkhorn_log: columns first, from zero
    potentials), run until both marginal errors are below 1e-13. It agrees with POT 0.9.7's
    ot.sinkhorn(..., method="sinkhorn_log", stopThr=1e-13) far inside the tests' tolerances; POT is
    not imported here because importing it (sklearn, torch) costs more than this kata's budget."""
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, cost))
    f, g = np.zeros(len(a)), np.zeros(len(b))
    for _ in range(200_000):
        g = reg * (np.log(b) - logsumexp((f[:, None] - c) / reg, axis=0))
        f = reg * (np.log(a) - logsumexp((g[None, :] - c) / reg, axis=1))
        plan = np.exp((f[:, None] + g[None, :] - c) / reg)
        if np.abs(plan.sum(axis=0) - b).max() < 1e-13:
            break
    return plan


def exact_ot_cost(a, b, cost) -> float:
    """Unregularised optimal transport cost by linear programming (what POT's emd2 returns)."""
    n, m = cost.shape
    rows = np.kron(np.eye(n), np.ones(m))  # sum_j P_ij = a_i
    cols = np.kron(np.ones(n), np.eye(m))  # sum_i P_ij = b_j
    res = linprog(cost.ravel(), A_eq=np.vstack([rows, cols]), b_eq=np.concatenate([a, b]), bounds=(0, None),
                  method="highs")
    return float(res.fun)


def scaling_iterations(a, b, cost, reg, iters):
    """Plain Sinkhorn-Knopp scalings (fine for moderate reg): rows first, then columns, from v = 1."""
    kernel = np.exp(-np.asarray(cost, np.float64) / reg)
    v = np.ones(len(b))
    for _ in range(iters):
        u = a / (kernel @ v)
        v = b / (kernel.T @ u)
    return u[:, None] * kernel * v[None, :]


def problem(n, m, rng, *, scale=1.0):
    """Random masses (sum 1) and a squared-distance cost between random points, max cost `scale`."""
    x, y = rng.random((n, 2)), rng.random((m, 2))
    cost = ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    cost = cost / max(cost.max(), 1e-12) * scale
    return rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(m)), cost


def check_plan(call, a, b, *, tol=1e-8):
    """Form of the result, finite, non-negative, and both marginals within `tol`."""
    __tracebackhide__ = True
    plan = np.asarray(call.out)  # that it is float64 is the convention test's business
    if plan.shape != (len(a), len(b)) or plan.dtype.kind != "f":
        fail(f"the plan must be a float array of shape ({len(a)}, {len(b)})", call=call, got=show(call.out))
    plan = plan.astype(np.float64)
    if not np.isfinite(plan).all():
        fail("the plan has NaN or inf entries", call=call, got=show(plan),
             why="exp(-C / reg) underflows to 0 for C / reg > ~745, and 0 / 0 = NaN: work with log-potentials "
                 "and a log-sum-exp that subtracts the maximum first")
    if (plan < 0).any():
        fail("the plan has negative entries", call=call, why="a plan is exp(...) >= 0 everywhere")
    assert_close(plan.sum(axis=1), a, rtol=0, atol=tol, call=call, what="row sums of the plan (must equal a)",
                 why="the plan moves exactly a[i] out of source i; keep iterating until the row error is within tol")
    assert_close(plan.sum(axis=0), b, rtol=0, atol=tol, call=call, what="column sums of the plan (must equal b)",
                 why="the plan moves exactly b[j] into target j: every iteration must update both potentials")
    return plan


# 1. Small cases you can check on paper.

def test_single_source_and_target(impl):
    call = Call(impl.sinkhorn, np.array([1.0]), np.array([1.0]), np.array([[3.0]]), 0.1)
    assert_close(check_plan(call, [1.0], [1.0]), [[1.0]], call=call, what="plan", why="all the mass goes 0 -> 0")


@pytest.mark.parametrize("reg", [0.5, 2.0, 0.1])
def test_two_by_two_closed_form(impl, reg):
    a = b = np.array([0.5, 0.5])
    cost = np.array([[0.0, 1.0], [1.0, 0.0]])
    # By symmetry P = [[p, q], [q, p]] with p + q = 1/2 and p / q = exp(-0 / reg) / exp(-1 / reg).
    p = 0.5 / (1.0 + np.exp(-1.0 / reg))
    call = Call(impl.sinkhorn, a, b, cost, reg)
    assert_close(check_plan(call, a, b), [[p, 0.5 - p], [0.5 - p, p]], call=call, what="plan",
                 why=f"P_ij is proportional to exp(-C_ij / reg): p / q = exp(1 / {reg}); reg divides the cost")


def test_constant_cost_gives_the_independent_plan(impl):
    a, b = np.array([0.2, 0.5, 0.3]), np.array([0.6, 0.4])
    call = Call(impl.sinkhorn, a, b, np.full((3, 2), 7.0), 0.3)
    assert_close(check_plan(call, a, b), np.outer(a, b), call=call, what="plan",
                 why="when every route costs the same, maximum entropy spreads the mass as a * b^T")


# 2. Against POT on seeded random problems.

@pytest.mark.parametrize("reg", [2.0, 0.5, 0.1, 0.03])
def test_matches_pot(impl, reg):
    for shape in [(1, 4), (4, 1), (3, 3), (5, 7), (20, 15), (40, 30)]:
        rng = np.random.default_rng(shape[0] * 100 + shape[1])
        a, b, cost = problem(*shape, rng)
        call = Call(impl.sinkhorn, a, b, cost, reg, num_iters=20_000, tol=1e-12)
        plan = check_plan(call, a, b)
        # Both solvers stop at marginal errors <= 1e-12; the plans then agree far inside 1e-10.
        assert_close(plan, oracle_plan(a, b, cost, reg), rtol=1e-6, atol=1e-10, call=call, what="plan",
                     why="the entropic plan is unique; P_ij = exp((f_i + g_j - C_ij) / reg)")


def test_defaults_reach_tol_1e_9_within_1000_iterations(impl):
    # This problem needs about 220 iterations to bring the marginal error under 1e-9 (150 for 1e-6).
    a, b, cost = problem(5, 6, np.random.default_rng(3))
    call = Call(impl.sinkhorn, a, b, cost, 0.02)  # num_iters=1000 and tol=1e-9 left out
    check_plan(call, a, b, tol=1e-9)


@pytest.mark.parametrize("shape", [(4, 4)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_small_regularisation_stays_finite(impl, shape):
    rng = np.random.default_rng(sum(shape))
    a, b, cost = problem(*shape, rng)
    cost[0] = rng.uniform(0.8, 1.0, shape[1])  # source 0 is far from every target
    reg = 1e-3  # costs up to 1: exp(-C / reg) is exp(-1000) = 0 in float64
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # overflow, 0 / 0 and log(0) must not happen at all
        try:
            call = Call(impl.sinkhorn, a, b, cost, reg, num_iters=20_000, tol=1e-11)
        except RuntimeWarning as w:
            fail(f"sinkhorn warned: {w}", call=f"sinkhorn(a, b, cost (max {cost.max():.3g}), reg={reg})",
                 why="work in the log domain and subtract the maximum inside log-sum-exp")
    plan = check_plan(call, a, b)
    assert_close(plan, oracle_plan(a, b, cost, reg), rtol=1e-5, atol=1e-9, call=call, what="plan",
                 why="at small reg the plan is nearly the exact OT plan, and still unique")
    exact = exact_ot_cost(a, b, cost)
    total = float((plan * cost).sum())
    if not exact - 1e-9 <= total <= exact + reg * np.log(len(a) * len(b)) + 1e-9:
        fail(f"transport cost <P, C> = {total:.10g} is not within reg * log(N M) above the exact optimum {exact:.10g}",
             call=call, why="entropic OT approaches exact OT as reg -> 0")


# 3. Edge cases and bad input.

def test_unnormalised_masses(impl):
    rng = np.random.default_rng(3)
    a, b, cost = problem(4, 6, rng)
    base = check_plan(Call(impl.sinkhorn, a, b, cost, 0.2, tol=1e-12), a, b)
    call = Call(impl.sinkhorn, 3 * a, 3 * b, cost, 0.2, tol=1e-12)
    assert_close(check_plan(call, 3 * a, 3 * b), 3 * base, call=call, what="plan for masses 3a and 3b",
                 why="scaling both masses scales the plan: only equal totals are needed, not totals of 1")


def test_float32_inputs(impl):
    rng = np.random.default_rng(4)
    a, b, cost = problem(5, 4, rng)
    a32, b32, cost32 = (v.astype(np.float32) for v in (a, b, cost))
    call = Call(impl.sinkhorn, a32, b32, cost32, 0.1, tol=1e-12)
    a64, b64, cost64 = (v.astype(np.float64) for v in (a32, b32, cost32))
    # float32 masses sum to 1 only within ~1e-7, hence the looser marginal tolerance.
    check_plan(call, a64, b64 * a64.sum() / b64.sum(), tol=1e-6)
    expected = oracle_plan(a64, b64 * a64.sum() / b64.sum(), cost64, 0.1)
    assert_close(np.asarray(call.out, np.float64), expected, rtol=1e-5, atol=1e-8, call=call, what="plan",
                 why="inputs are read in float64")


GOOD = (np.array([0.5, 0.5]), np.array([0.25, 0.75]), np.array([[0.0, 1.0], [2.0, 0.5]]))


@pytest.mark.contract("shapes that do not fit: ValueError")
def test_bad_shapes_raise_value_error(impl):
    a, b, cost = GOOD
    # Each would broadcast silently inside the updates without a check.
    assert_raises(ValueError, impl.sinkhorn, a, b, np.zeros((2, 1)), 0.1, why="cost must be (N, M) = (2, 2)")
    assert_raises(ValueError, impl.sinkhorn, a[:, None], b, cost, 0.1, why="a must be 1-D")
    assert_raises(ValueError, impl.sinkhorn, a, b[None, :], cost, 0.1, why="b must be 1-D")
    assert_raises(ValueError, impl.sinkhorn, np.zeros(0), np.zeros(0), np.zeros((0, 0)), 0.1,
                  why="N and M must be >= 1")


@pytest.mark.contract("masses not > 0 or totals differ: ValueError")
def test_bad_masses_raise_value_error(impl):
    a, b, cost = GOOD
    assert_raises(ValueError, impl.sinkhorn, np.array([1.0, 0.0]), b, cost, 0.1, why="masses must be > 0")
    assert_raises(ValueError, impl.sinkhorn, np.array([1.5, -0.5]), b, cost, 0.1, why="masses must be > 0")
    assert_raises(ValueError, impl.sinkhorn, a, np.array([0.5, 0.7]), cost, 0.1, why="a sums to 1 but b to 1.2")


@pytest.mark.contract("cost not finite: ValueError")
def test_non_finite_cost_raises_value_error(impl):
    a, b, _ = GOOD
    for bad in (np.nan, np.inf):
        assert_raises(ValueError, impl.sinkhorn, a, b, np.array([[0.0, bad], [1.0, 0.0]]), 0.1,
                      why="cost must be finite")


@pytest.mark.contract("reg <= 0 or num_iters < 1: ValueError")
def test_bad_reg_or_num_iters_raise_value_error(impl):
    a, b, cost = GOOD
    assert_raises(ValueError, impl.sinkhorn, a, b, cost, 0.0, why="reg must be > 0")
    assert_raises(ValueError, impl.sinkhorn, a, b, cost, -1.0, why="reg must be > 0")
    assert_raises(ValueError, impl.sinkhorn, a, b, cost, 0.1, num_iters=0, why="num_iters must be >= 1")


# 4. Properties.

@pytest.mark.convention("rows first from g = 0; stop on max row error")
def test_num_iters_and_tol_are_respected(impl):
    rng = np.random.default_rng(5)
    a, b, cost = problem(4, 5, rng)
    for iters in (1, 2, 5):
        call = Call(impl.sinkhorn, a, b, cost, 0.05, num_iters=iters, tol=0.0)
        assert_close(call.out, scaling_iterations(a, b, cost, 0.05, iters), rtol=1e-9, atol=1e-12, call=call,
                     what=f"plan after {iters} iteration(s)",
                     why="start from g = 0; each iteration fits the rows to a, then the columns to b")
    call = Call(impl.sinkhorn, a, b, cost, 0.05, tol=10.0)
    assert_close(call.out, scaling_iterations(a, b, cost, 0.05, 1), rtol=1e-9, atol=1e-12, call=call,
                 what="plan with tol=10", why="any row error is within tol=10, so the first check stops the loop")
    # The first iteration after which the row error is within 1e-3: the check runs after every iteration.
    tol = 1e-3
    iters = next(k for k in range(1, 100) if np.abs(scaling_iterations(a, b, cost, 0.05, k).sum(1) - a).max() <= tol)
    call = Call(impl.sinkhorn, a, b, cost, 0.05, tol=tol)
    assert_close(call.out, scaling_iterations(a, b, cost, 0.05, iters), rtol=1e-9, atol=1e-12, call=call,
                 what=f"plan with tol={tol}",
                 why=f"the row error first drops to {tol} after iteration {iters}: stop there (check every iteration)")


@pytest.mark.convention("the plan is float64, also for float32 inputs")
def test_returns_float64(impl):
    a, b, cost = (np.array(v, np.float32) for v in ([0.25, 0.75], [0.5, 0.5], [[0.0, 1.0], [1.0, 0.0]]))
    call = Call(impl.sinkhorn, a, b, cost, 0.5)
    assert_array(call.out, dtype=np.float64, shape=(2, 2), call=call, what="plan")


def test_scaling_cost_and_reg_together(impl):
    rng = np.random.default_rng(6)
    a, b, cost = problem(6, 5, rng)
    base = check_plan(Call(impl.sinkhorn, a, b, cost, 0.05, tol=1e-12), a, b)
    call = Call(impl.sinkhorn, a, b, cost * 1000.0, 50.0, tol=1e-12)
    assert_close(check_plan(call, a, b), base, rtol=1e-6, atol=1e-10, call=call, what="plan for (1000 C, 1000 reg)",
                 why="the plan depends on C / reg only")


def test_row_and_column_offsets_do_not_change_the_plan(impl):
    rng = np.random.default_rng(7)
    a, b, cost = problem(5, 6, rng)
    base = check_plan(Call(impl.sinkhorn, a, b, cost, 0.1, tol=1e-12), a, b)
    shifted = cost + rng.normal(0, 5, (5, 1)) + rng.normal(0, 5, (1, 6))
    call = Call(impl.sinkhorn, a, b, shifted, 0.1, tol=1e-12)
    assert_close(check_plan(call, a, b), base, rtol=1e-6, atol=1e-10, call=call, what="plan for C + r_i + s_j",
                 why="every feasible plan pays sum_i a_i r_i + sum_j b_j s_j extra: the minimiser does not move")


def test_large_constant_added_to_every_cost(impl):
    rng = np.random.default_rng(9)
    a, b, cost = problem(4, 5, rng)
    base = check_plan(Call(impl.sinkhorn, a, b, cost, 1.0, tol=1e-12), a, b)
    call = Call(impl.sinkhorn, a, b, cost + 5000.0, 1.0, tol=1e-12)
    assert_close(check_plan(call, a, b), base, rtol=1e-6, atol=1e-10, call=call, what="plan for C + 5000",
                 why="a constant added to every route changes no choice; but exp(-5000) is 0 in float64, so only "
                     "a max-shifted log-sum-exp survives it")


def test_large_reg_tends_to_the_independent_plan(impl):
    rng = np.random.default_rng(8)
    a, b, cost = problem(4, 3, rng)
    call = Call(impl.sinkhorn, a, b, cost, 1e6)
    assert_close(check_plan(call, a, b), np.outer(a, b), rtol=1e-5, atol=1e-7, call=call, what="plan at reg = 1e6",
                 why="with a huge entropy weight the cost hardly matters: P -> a * b^T")
