"""Tests for classic/tsne_affinities. Run: pytest katas/classic/tsne_affinities

The oracle `search` below is scikit-learn's sklearn.manifold._utils._binary_search_perplexity
rewritten in numpy over all rows at once (importing scikit-learn costs 1.8 s). It was checked offline
against scikit-learn 1.9 on float32-representable distances (random 3-D points, N from 5 to 200,
perplexities 2 to 30, scales 1e-6 to 1e4): P agreed to 5e-16.

Correctness tests ask only what any right search gives: rows that are Gaussians of the returned
beta, an entropy within tol of log(perplexity), P near the oracle's. That the betas are exactly
scikit-learn's (start at 1, double or halve, then bisect; stop at tol or max_steps) is the business
of the two convention tests."""

import warnings

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail


def search(d, perplexity, tol=1e-5, max_steps=100):
    """The oracle: scikit-learn's search, every row stepping together, finished rows frozen."""
    d = np.asarray(d, np.float64)
    n = len(d)
    beta, lo, hi = np.ones(n), np.full(n, -np.inf), np.full(n, np.inf)
    P, B, done = np.zeros((n, n)), np.ones(n), np.zeros(n, bool)
    for _ in range(max_steps):
        e = np.exp(-d * beta[:, None])
        np.fill_diagonal(e, 0.0)
        s = e.sum(1)
        s[s == 0] = 1e-8
        p = e / s[:, None]
        H = np.log(s) + beta * (d * p).sum(1)
        P, B = np.where(done[:, None], P, p), np.where(done, B, beta)
        diff = H - np.log(perplexity)
        now = ~done & (np.abs(diff) <= tol)
        up, down = ~done & ~now & (diff > 0), ~done & ~now & (diff < 0)
        lo, hi = np.where(up, beta, lo), np.where(down, beta, hi)
        beta = np.where(up, np.where(np.isinf(hi), beta * 2, (beta + hi) / 2),
                        np.where(down, np.where(np.isinf(lo), beta / 2, (beta + lo) / 2), beta))
        done |= now
        if done.all():
            break
    return P, B


def sq_dists(x):
    return ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)


def points(n, seed, scale=1.0, dim=3):
    return sq_dists(np.random.default_rng(seed).normal(size=(n, dim))) * scale


def entropy(P):
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.where(P > 0, P * np.log(P), 0.0).sum(1)


def run(impl, d, perplexity, **kwargs):
    """Call, check shapes and basic sanity (rows sum to 1, zero diagonal), return (P, beta)."""
    __tracebackhide__ = True
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            call = Call(impl.conditional_probabilities, d, perplexity, **kwargs)
        except RuntimeWarning as w:
            fail(f"conditional_probabilities warned: {w}", call=f"conditional_probabilities(<{d.shape} distances>, "
                 f"{perplexity})", why="guard the row sum when every exponential underflows (far-apart points)")
    out = call.out
    if not (isinstance(out, tuple) and len(out) == 2):
        fail("conditional_probabilities must return a tuple (P, beta)", call=call, got=repr(out)[:200])
    P, beta = np.asarray(out[0], np.float64), np.asarray(out[1], np.float64)
    n = len(d)
    if P.shape != (n, n) or beta.shape != (n,):
        fail(f"shapes P {P.shape}, beta {beta.shape}; expected ({n}, {n}) and ({n},)", call=call)
    if not np.isfinite(P).all() or not np.isfinite(beta).all():
        fail("P or beta is not finite", call=call, why="no NaN: guard the division when a row sum underflows to 0")
    assert_close(np.diag(P), np.zeros(n), atol=0, rtol=0, call=call, what="diagonal p_{i|i}",
                 why="a point is not its own neighbour: leave j = i out of the sum and set p_{i|i} = 0")
    assert_close(P.sum(1), np.ones(n), rtol=0, atol=1e-6, call=call, what="row sums of P",
                 why="P[i] is the distribution p_{.|i} over the other points: each row sums to 1")
    return call, P, beta


# 1. Small cases you can check on paper.

def test_two_points(impl):
    d = np.array([[0.0, 4.0], [4.0, 0.0]])
    call, P, _ = run(impl, d, 1.0)
    assert_close(P, np.array([[0.0, 1.0], [1.0, 0.0]]), call=call, what="P",
                 why="each point has one other point: all its probability goes there (entropy 0 = log 1)")


def test_equidistant_points(impl):
    d = 2.0 * (1 - np.eye(4))  # a regular tetrahedron: every pair at squared distance 2
    call, P, _ = run(impl, d, 3.0)
    assert_close(P, (1 - np.eye(4)) / 3, call=call, what="P",
                 why="three neighbours at the same distance share p = 1/3 whatever beta; entropy log 3 = target")


def test_nearer_neighbours_get_more_probability(impl):
    x = np.array([[0.0], [1.0], [3.0], [7.0]])
    call, P, _ = run(impl, sq_dists(x), 2.0)
    order = np.argsort(sq_dists(x)[0][1:]) + 1
    if not (np.diff(P[0, order]) < 0).all():
        fail("p_{j|0} must fall as the distance to j grows", call=call, got=P[0].tolist(),
             why="a Gaussian of the distance: exp(-beta d) decreases with d")


# 2. Against the oracle, and what every right answer satisfies.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n,perplexity", [(3, 1.5), (10, 3.0), (40, 5.0), (120, 30.0)])
def test_matches_the_oracle(impl, n, perplexity, dtype):
    d = points(n, n).astype(dtype)
    call, P, beta = run(impl, d, perplexity)
    expected, _ = search(d, perplexity)
    assert_close(P, expected, rtol=0, atol=1e-4, call=call, what="P",
                 why="the Gaussian of each row whose entropy is log(perplexity) within tol (1e-5 nats)")


@pytest.mark.parametrize("n,perplexity", [(10, 3.0), (60, 8.0)])
def test_rows_are_gaussians_of_the_returned_beta(impl, n, perplexity):
    d = points(n, 100 + n)
    call, P, beta = run(impl, d, perplexity)
    e = np.exp(-d * beta[:, None]) * (1 - np.eye(n))
    assert_close(P, e / e.sum(1, keepdims=True), rtol=1e-9, atol=1e-15, call=call, what="P",
                 why="p_{j|i} = exp(-beta_i d_ij) / sum_{k != i} exp(-beta_i d_ik), with the beta_i returned "
                     "(beta multiplies the squared distance, no factor 1/2)")


@pytest.mark.parametrize("tol", [1e-5, 1e-2])
def test_entropy_hits_the_perplexity_in_nats(impl, tol):
    d, perplexity = points(50, 7), 6.0
    kwargs = {} if tol == 1e-5 else {"tol": tol}  # the default is 1e-5
    call, P, _ = run(impl, d, perplexity, **kwargs)
    err = np.abs(entropy(P) - np.log(perplexity))
    if (err > tol + 1e-9).any():
        i = int(err.argmax())
        fail(f"row {i}: entropy {entropy(P)[i]:.6f} nats, target log({perplexity}) = {np.log(perplexity):.6f}",
             call=call, why=f"search each beta until |H - log(perplexity)| <= tol = {tol}; H in nats (natural "
                             "log), the target log(perplexity) in nats too")


def test_unreachable_perplexity_ends_uniform(impl):
    d = points(5, 3)
    call, P, _ = run(impl, d, 10.0)  # 4 neighbours: the entropy never exceeds log 4 < log 10
    assert_close(P, (1 - np.eye(5)) / 4, rtol=0, atol=1e-9, call=call, what="P",
                 why="no beta reaches perplexity 10 with 4 neighbours: beta keeps halving for max_steps steps and "
                     "the Gaussian flattens to uniform")
    same = np.zeros((4, 4))  # four identical points
    call, P, _ = run(impl, same, 2.0)
    assert_close(P, (1 - np.eye(4)) / 3, rtol=0, atol=1e-12, call=call, what="P for identical points",
                 why="all neighbours at distance 0: uniform whatever beta")


@pytest.mark.parametrize("scale", [1e-6, 100.0, 1e4])
def test_far_and_close_points(impl, scale):
    d, perplexity = points(30, 4, scale=scale), 2.0
    call, P, _ = run(impl, d, perplexity)
    err = np.abs(entropy(P) - np.log(perplexity))
    if (err > 1e-5 + 1e-9).any():
        i = int(err.argmax())
        fail(f"squared distances scaled by {scale:g}: row {i} has entropy {entropy(P)[i]:.5f}, target "
             f"{np.log(perplexity):.5f}", call=call,
             why="at beta = 1 the exponentials of far points underflow; only a row sum of exactly 0 needs a "
                 "guard: clamping the sum to 1e-8 (np.maximum) wrecks rows whose true sum is tiny but positive")


def test_larger_perplexity_means_smaller_beta(impl):
    d = points(40, 9)
    _, _, b5 = run(impl, d, 5.0)
    call, _, b15 = run(impl, d, 15.0)
    if not (b15 < b5).all():
        i = int(np.argmax(b15 >= b5))
        fail(f"row {i}: beta {b15[i]:.5f} at perplexity 15 is not below {b5[i]:.5f} at perplexity 5", call=call,
             why="more effective neighbours need a wider Gaussian: a smaller precision beta")


def test_permuting_the_points_permutes_the_result(impl):
    d = points(25, 12)
    _, P, beta = run(impl, d, 4.0)
    perm = np.random.default_rng(0).permutation(25)
    call, Pp, bp = run(impl, d[perm][:, perm], 4.0)
    assert_close(Pp, P[perm][:, perm], rtol=0, atol=1e-9, call=call, what="P of the permuted points",
                 why="each row's search depends only on that point's distances")


# 5. Conventions.

@pytest.mark.convention("scikit-learn's search: beta from 1, x2 or /2, then bisect")
def test_search_path_matches_scikit_learn(impl):
    for n, perplexity, tol in ((12, 3.0, 1e-5), (50, 7.0, 1e-5), (30, 5.0, 1e-2)):
        d = points(n, 200 + n)
        kwargs = {} if tol == 1e-5 else {"tol": tol}
        call, P, beta = run(impl, d, perplexity, **kwargs)
        P_exp, b_exp = search(d, perplexity, tol)
        assert_close(beta, b_exp, rtol=1e-12, atol=0, call=call, what="beta",
                     why="start at beta = 1; entropy too high: double beta until one is too high, then bisect; too "
                         "low: halve, then bisect; stop at the first beta with |H - log(perplexity)| <= tol")
        assert_close(P, P_exp, rtol=1e-9, atol=1e-15, call=call, what="P")


@pytest.mark.convention("max_steps betas at most; the last one evaluated is returned")
def test_max_steps_bounds_the_search(impl):
    d = points(5, 3)  # perplexity 10 is unreachable with 4 neighbours: beta halves every step
    for steps, expected in ((1, 1.0), (5, 1 / 16), (100, 2.0**-99)):
        kwargs = {} if steps == 100 else {"max_steps": steps}
        call, P, beta = run(impl, d, 10.0, **kwargs)
        assert_close(beta, np.full(5, expected), rtol=1e-12, atol=0, call=call, what="beta",
                     why=f"{steps} step(s): betas 1, 1/2, ..., 2^-{steps - 1} are evaluated; return the last one "
                         "evaluated, the one P was computed with (max_steps defaults to 100)")
    d = points(20, 5)
    call, P, beta = run(impl, d, 4.0, max_steps=3)
    P_exp, b_exp = search(d, 4.0, max_steps=3)
    assert_close(beta, b_exp, rtol=1e-12, atol=0, call=call, what="beta after 3 steps")


@pytest.mark.convention("float64 P and beta, also for float32 input")
def test_returns_float64(impl):
    d = points(6, 1).astype(np.float32)
    call = Call(impl.conditional_probabilities, d, 2.0)
    assert_array(call.out[0], dtype=np.float64, shape=(6, 6), call=call, what="P")
    assert_array(call.out[1], dtype=np.float64, shape=(6,), call=call, what="beta")


# Contracts.

@pytest.mark.contract("distances not (N, N) with N >= 2: ValueError")
def test_bad_distance_shapes_raise(impl):
    assert_raises(ValueError, impl.conditional_probabilities, np.zeros((3, 4)), 2.0)
    assert_raises(ValueError, impl.conditional_probabilities, np.zeros((1, 1)), 2.0,
                  why="one point has no neighbours: no distribution over them")


@pytest.mark.contract("perplexity <= 0: ValueError")
def test_bad_perplexity_raises(impl):
    for perplexity in (0.0, -3.0):
        assert_raises(ValueError, impl.conditional_probabilities, points(5, 0), perplexity,
                      why="the perplexity exp(H) of a distribution is at least 1, never <= 0")
