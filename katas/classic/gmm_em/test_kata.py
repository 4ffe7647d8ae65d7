"""Tests for classic/gmm_em. Run: pytest katas/classic/gmm_em

The oracle is the kata's EM written out in float64 numpy, one component at a time (slogdet and solve);
it reproduces sklearn.mixture.GaussianMixture(covariance_type="full") from the same start to ~1e-14
(scikit-learn itself is not imported: it costs over a second). Correctness tests run a fixed number of
iterations (tol=-inf) and read the results leniently, at a tolerance a float32-internal answer meets;
the stopping rule, the all-D-zero seeding rule and float64 outputs have one convention test each."""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail, show
from cvkatas.data import SeededRng

NAMES = ("weights", "means", "covariances", "log_likelihood_history")
# Lenient enough for the same steps computed in float32 (test_float32_x_is_computed_in_float64 asks for
# float64); a wrong M-step or E-step is off by far more.
TOL = {"rtol": 1e-3, "atol": 1e-5}
EXACT = {"rtol": 1e-7, "atol": 1e-9}  # float64 against float64: a different order of operations only
NO_RNG = np.random.default_rng(0)  # passed where init_means makes the generator irrelevant
# chi2.isf(1e-4, df): a correct sampler is rejected once in 10^4 runs.
CHI2_CRITICAL = {1: 15.137, 11: 37.367}


def em_oracle(x, init_means, iterations, reg_covar=1e-6, tol=-np.inf):
    """The statement's EM in float64, written for clarity: start, then up to `iterations` M/E steps,
    stopping right after the first gain below tol. Returns (weights, means, covs, history)."""
    x = np.asarray(x, np.float64)
    n, d = x.shape
    k = len(init_means)
    weights = np.full(k, 1.0 / k)
    means = np.array(init_means, np.float64)
    covs = np.repeat((np.cov(x.T, bias=True).reshape(d, d) + reg_covar * np.eye(d))[None], k, axis=0)

    def e_step(weights, means, covs):
        log_rho = np.empty((n, k))
        for j in range(k):
            diff = x - means[j]
            maha = np.einsum("ni,ni->n", diff, np.linalg.solve(covs[j], diff.T).T)
            log_rho[:, j] = np.log(weights[j]) - 0.5 * (d * np.log(2 * np.pi) + np.linalg.slogdet(covs[j])[1] + maha)
        log_px = np.logaddexp.reduce(log_rho, axis=1)
        return float(log_px.mean()), np.exp(log_rho - log_px[:, None])

    ll, resp = e_step(weights, means, covs)
    history = [ll]
    for _ in range(iterations):
        nk = resp.sum(axis=0) + 10 * np.finfo(np.float64).eps
        means = resp.T @ x / nk[:, None]
        covs = np.stack([(resp[:, j, None] * (x - means[j])).T @ (x - means[j]) / nk[j] for j in range(k)])
        covs += reg_covar * np.eye(d)
        weights = nk / nk.sum()
        ll, resp = e_step(weights, means, covs)
        history.append(ll)
        if history[-1] - history[-2] < tol:
            break
    return weights, means, covs, np.array(history)


def blobs(rng, centres, spreads, counts):
    return np.concatenate([rng.normal(c, s, (n, len(c))) for c, s, n in zip(centres, spreads, counts)])


THREE = dict(centres=[[0.0, 0.0], [3.0, 1.0], [1.0, 4.0]], spreads=[1.0, [1.0, 0.5], 0.7], counts=[100, 100, 100])


def run(impl, x, k, rng=NO_RNG, **kwargs):
    """Call gmm_em and read its four results leniently as float64 arrays (their exact type and dtype
    are test_float32_x_is_computed_in_float64's business); shapes and finiteness are checked here."""
    __tracebackhide__ = True
    try:
        call = Call(impl.gmm_em, x, k, rng, **kwargs)
    except np.linalg.LinAlgError as exc:
        shown = ", ".join(f"{key}={value!r}" for key, value in kwargs.items() if key != "init_means")
        fail(f"gmm_em raised LinAlgError: {exc}", call=f"gmm_em(x of shape {np.shape(x)}, k={k}, rng, {shown})",
             why="a covariance became singular, typically a component collapsed onto (nearly) identical points; "
                 "add reg_covar * I to every covariance in every M-step")
    out = assert_returns(call, *NAMES)
    d = np.shape(x)[1]
    got = []
    for value, shape, name in zip(out, ((k,), (k, d), (k, d, d), None), NAMES):
        a = np.asarray(value)
        if a.dtype.kind not in "fiu" or (shape is not None and a.shape != shape):
            fail(f"{name}: expected a float array of shape {shape or '(m + 1,)'}", call=call, got=show(value))
        a = a.astype(np.float64)
        if not np.all(np.isfinite(a)):
            fail(f"{name} contains NaN or inf", call=call, got=show(value),
                 why="compute responsibilities in the log domain (logsumexp), add 10 * eps to N_j and "
                     "reg_covar to every covariance")
        got.append(a)
    if got[3].ndim != 1 or len(got[3]) < 1:
        fail(f"the history must be 1-D with at least one entry, got shape {got[3].shape}", call=call)
    return call, got


def check_against_oracle(impl, x, init_means, iterations, reg_covar=1e-6, why="", tol=TOL):
    __tracebackhide__ = True
    call, (weights, means, covs, history) = run(impl, x, len(init_means), max_iter=iterations, tol=-np.inf,
                                                reg_covar=reg_covar, init_means=init_means)
    expected = em_oracle(x, init_means, iterations, reg_covar)
    base = f"{iterations} EM iteration(s) from the given start (as sklearn GaussianMixture(covariance_type='full'))"
    why = f"{base}; {why}" if why else base
    if len(history) != iterations + 1:
        fail(f"history has {len(history)} entries after {iterations} iterations with tol=-inf", call=call,
             why="history[0] is the starting point, then one entry per iteration; a negative tol never stops early")
    assert_close(weights, expected[0], **tol, call=call, what="weights", why=why + ": w_j = N_j / sum N")
    assert_close(means, expected[1], **tol, call=call, what="means",
                 why=why + ": mu_j = sum_i r_ij x_i / N_j, weighted by the responsibilities")
    assert_close(covs, expected[2], **tol, call=call, what="covariances",
                 why=why + ": around the new means, divided by N_j, plus reg_covar on the diagonal")
    assert_close(history, expected[3], **tol, call=call, what="history",
                 why="history[t] is mean_i log p(x_i) for the parameters after t iterations")
    return call, (weights, means, covs, history)


def seeds(impl, x, k, rng):
    """The initial means (max_iter=0 returns the start), as a float64 array. A plain call, without
    `Call`'s input checks: the statistical tests call it hundreds of times."""
    __tracebackhide__ = True
    out = impl.gmm_em(x, k, rng, max_iter=0)
    means = np.asarray(out[1], dtype=np.float64) if isinstance(out, tuple) and len(out) == 4 else None
    if means is None or means.shape != (k, np.shape(x)[1]):
        fail(f"gmm_em(x, {k}, rng, max_iter=0) must return (weights, means, covariances, history) with "
             f"means of shape ({k}, {np.shape(x)[1]})", call=f"gmm_em({np.asarray(x).tolist()}, {k}, rng, max_iter=0)",
             got=show(out))
    return means


# 1. By hand.

def test_zero_iterations_return_the_start(impl):
    x = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    init = np.array([[0.0, 0.0], [2.0, 2.0]])
    call, (weights, means, covs, history) = run(impl, x, 2, max_iter=0, init_means=init, reg_covar=0.5)
    why = "max_iter=0: weights 1/k, the given means, and the biased covariance of x (var 1 per axis) + 0.5 I"
    assert_close(weights, [0.5, 0.5], call=call, what="weights", why=why)
    assert_close(means, init, call=call, what="means", why=why)
    assert_close(covs, np.repeat(np.diag([1.5, 1.5])[None], 2, axis=0), call=call, what="covariances", why=why)
    # p(x) = 0.5 N(x | mu_0, 1.5 I) + 0.5 N(x | mu_1, 1.5 I), N = exp(-|x - mu|^2 / 3) / (3 pi): the corners
    # on the means are at squared distances 0 and 8, the other two at 4 and 4.
    p = [0.5 / (3 * np.pi) * (np.exp(-a / 3) + np.exp(-b / 3)) for a, b in ((0, 8), (4, 4), (4, 4), (8, 0))]
    assert_close(history, [np.mean(np.log(p))], call=call, what="history",
                 why="one entry: the mean log-likelihood of the starting parameters")


def test_one_component_one_iteration(impl):
    x = np.array([[1.0], [2.0], [3.0], [6.0]])
    call, (weights, means, covs, _) = run(impl, x, 1, max_iter=1, tol=-np.inf, init_means=np.array([[0.0]]),
                                          reg_covar=0.0)
    why = "with k = 1 every responsibility is 1: the M-step gives the sample mean 3 and the biased variance 3.5"
    assert_close(weights, [1.0], call=call, what="weights", why=why)
    assert_close(means, [[3.0]], call=call, what="means", why=why)
    assert_close(covs, [[[3.5]]], call=call, what="covariances", why=why)


def test_single_sample(impl):
    x = np.array([[2.0, -1.0]])
    call, (weights, means, covs, history) = run(impl, x, 1, NO_RNG, max_iter=3, tol=-np.inf)
    why = "n = 1, k = 1: the mean is the sample and the covariance is 0 + reg_covar (default 1e-6) * I"
    assert_close(means, x, call=call, what="means", why=why)
    assert_close(covs, [1e-6 * np.eye(2)], rtol=1e-3, atol=1e-8, call=call, what="covariances", why=why)
    assert_close(history, em_oracle(x, x, 3)[3], **TOL, call=call, what="history", why=why)


# 2. Against the oracle from the same start.

@pytest.mark.parametrize("iterations", [1, 4, 25])
def test_matches_oracle_step_by_step(impl, iterations):
    rng = np.random.default_rng(0)
    x = blobs(rng, **THREE)
    check_against_oracle(impl, x, x[[0, 100, 200]] + 0.3, iterations)


@pytest.mark.parametrize("d, k", [(1, 2), (3, 4), (5, 2)])
def test_matches_oracle_other_shapes(impl, d, k):
    rng = np.random.default_rng(10 * d + k)
    x = rng.normal(size=(120, d)) @ rng.normal(size=(d, d)) + rng.integers(0, 3, (120, 1)) * 2.0
    check_against_oracle(impl, x, x[rng.choice(120, k, replace=False)], 10)


def test_far_away_points_need_the_log_domain(impl):
    # One point at 10^4 next to 1999 points around the origin: under the starting covariance its
    # Mahalanobis distance^2 to both means is ~2000, so its density is ~exp(-1000) = 0.0 in float64.
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(0, 1, (1999, 2)), [[1e4, 0.0]]])
    check_against_oracle(impl, x, np.array([[-1.0, 0.0], [1.0, 0.0]]), 5,
                         why="the far point's densities underflow to 0 for every component; in the log domain "
                             "its responsibilities are still well defined (logsumexp)")


def test_duplicated_points_need_reg_covar(impl):
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.normal(0, 1, (60, 2)), np.tile([[8.0, 8.0]], (25, 1))])
    init = np.array([[0.0, 0.0], [8.0, 8.0]])
    call, (_, _, covs, _) = run(impl, x, 2, max_iter=20, tol=-np.inf, init_means=init)  # default reg_covar
    expected = em_oracle(x, init, 20)
    why = "component 1 collapses onto 25 copies of one point: what is left of its covariance is reg_covar * I"
    assert_close(covs[1], 1e-6 * np.eye(2), rtol=1e-3, atol=1e-8, call=call, what="covariance of component 1",
                 why=why + " (the default reg_covar is 1e-6)")
    assert_close(covs[0], expected[2][0], **TOL, call=call, what="covariance of component 0", why=why)


def test_component_with_no_responsibility(impl):
    # The third start mean is so far from every point that its responsibilities underflow to exactly 0:
    # N_2 = 0 + 10 eps, so its mean becomes 0 / N_2 = [0, 0], its covariance 0 + reg_covar * I, and its
    # weight 10 eps / n. It stays empty (nothing is near the origin), and nothing is NaN.
    rng = np.random.default_rng(3)
    x = blobs(rng, [[10.0, 10.0], [20.0, 20.0]], [1.0, 1.5], [40, 40])
    init = np.array([[10.0, 10.0], [20.0, 20.0], [1e4, 1e4]])
    call, (weights, means, covs, _) = check_against_oracle(
        impl, x, init, 5, why="component 2 gets no responsibility: N_2 = sum_i r_i2 + 10 eps = 10 eps")
    why = ("N_2 = 10 * eps: mu_2 = sum_i 0 * x_i / N_2 = 0 and Sigma_2 = 0 / N_2 + reg_covar * I "
           "(what sklearn computes; 0 / 0 without the 10 eps)")
    assert_close(means[2], [0.0, 0.0], rtol=0, atol=1e-6, call=call, what="mean of the empty component", why=why)
    assert_close(covs[2], 1e-6 * np.eye(2), rtol=1e-3, atol=1e-8, call=call, what="covariance of the empty component",
                 why=why)
    if not 0 <= weights[2] < 1e-6:
        fail(f"the empty component has weight {weights[2]!r}", call=call, expected="about 10 * eps / 80 = 2.8e-17",
             why=why)


def test_float32_input(impl):
    rng = np.random.default_rng(3)
    x = blobs(rng, **THREE).astype(np.float32)
    check_against_oracle(impl, x, x[[0, 100, 200]].astype(np.float64) + 0.3, 10,
                         why="float32 x holds the values the float64 oracle uses")


# k-means++ initialisation (read through max_iter=0, which returns the start).

def test_seeds_are_distinct_data_points(impl):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(30, 2))
    for seed in range(4):
        means = seeds(impl, x, 5, np.random.default_rng(seed))
        rows = [np.flatnonzero((x == m).all(axis=1)) for m in means]
        if any(r.size == 0 for r in rows) or len({int(r[0]) for r in rows}) != 5:
            fail("the initial means must be 5 distinct rows of x", call=f"gmm_em(x, 5, np.random.default_rng({seed}), "
                 "max_iter=0)", got=show(means),
                 why="k-means++ picks samples; a chosen one has D = 0 and cannot be drawn again")
    x = x[:6]
    means = seeds(impl, x, 6, np.random.default_rng(0))  # k == n: every sample, in some order
    assert_equal(np.sort(means[:, 0]), np.sort(x[:, 0]), call="gmm_em(x of 6 samples, 6, rng, max_iter=0)",
                 what="the initial means (first coordinate, sorted)", why="k = n: k-means++ takes every sample once")


def test_seeding_follows_d_squared(impl):
    # Samples 0, 2, 3, 5 on a line. The first mean is uniform; given first mean c, the second is sample j
    # with probability (x_j - c)^2 / sum_i (x_i - c)^2.
    x = np.array([[0.0], [2.0], [3.0], [5.0]])
    draws, rng = 400, SeededRng(123)
    counts = np.zeros((4, 4))
    for _ in range(draws):
        first, second = seeds(impl, x, 2, rng)[:, 0]
        if first not in x or second not in x:
            fail("the initial means must be samples of x", call="gmm_em([[0], [2], [3], [5]], 2, rng, max_iter=0)",
                 got=[first, second])
        counts[int(np.flatnonzero(x[:, 0] == first)[0]), int(np.flatnonzero(x[:, 0] == second)[0])] += 1
    d2 = (x[:, 0][:, None] - x[:, 0][None, :]) ** 2
    expected = draws / 4 * d2 / d2.sum(axis=1, keepdims=True)
    mask = expected > 0
    if (counts[~mask] > 0).any():
        fail("the second mean repeated the first one", call="gmm_em([[0], [2], [3], [5]], 2, rng, max_iter=0)",
             why="a chosen sample has D = 0, so it cannot be drawn again")
    stat = float(((counts[mask] - expected[mask]) ** 2 / expected[mask]).sum())
    if stat > CHI2_CRITICAL[11]:
        fail(f"the initial means do not follow k-means++ (chi-square {stat:.1f} > {CHI2_CRITICAL[11]}, "
             f"p < 1e-4, over {draws} draws)", call="gmm_em([[0], [2], [3], [5]], 2, np.random.default_rng(123), "
             "max_iter=0), repeated with the same generator",
             got=f"counts (row = first mean, column = second): {counts.astype(int).tolist()}",
             expected=f"about {np.round(expected).astype(int).tolist()}",
             why="first mean uniform; next one sample j with probability D(j)^2 / sum D^2 (squared distances: "
                 "from 0, sample 5 is 25 / 4 times as likely as sample 2, not 5 / 2); one candidate per draw, "
                 "no greedy local trials")


def test_kmeans_pp_start_finds_the_best_fit(impl):
    rng = np.random.default_rng(100)
    centres = np.array([[0.0, 0.0], [12.0, 0.0], [0.0, 12.0], [12.0, 12.0]])
    x = blobs(rng, centres, [0.5, 0.8, 0.6, 0.5], [80, 60, 100, 70])
    best = em_oracle(x, centres, 200, tol=1e-9)[3][-1]
    # D^2 sampling seeds one mean per blob with high probability, not always: keep the best of 4 runs,
    # as GaussianMixture(n_init=4) would.
    runs = [run(impl, x, 4, np.random.default_rng(seed), max_iter=200, tol=1e-9) for seed in range(4)]
    call, got = max(runs, key=lambda r: r[1][3][-1])
    if not got[3][-1] > best - 1e-6:
        fail("EM from k-means++ seeding ended in a worse fit than the best one, in each of 4 runs", call=call,
             got=f"best final mean log-likelihood {got[3][-1]:.6f}",
             expected=f"{best:.6f} (EM started at the true centres)",
             why="on four far-apart blobs k-means++ seeds one mean per blob in most runs, and EM then converges to "
                 "the best mixture; check the seeding (D^2 sampling) and the EM steps")
    assert_close(np.sort(got[0]), np.sort([80, 60, 100, 70]) / 310, rtol=0, atol=1e-6, call=call,
                 what="sorted weights", why="each blob's share of the points")


def test_all_randomness_comes_from_rng(impl):
    x = blobs(np.random.default_rng(4), **THREE)
    np.random.seed(1)
    _, first = run(impl, x, 3, np.random.default_rng(7), max_iter=5)
    np.random.seed(2)
    call, again = run(impl, x, 3, np.random.default_rng(7), max_iter=5)
    for a, b, name in zip(first, again, NAMES):
        assert_equal(b, a, call=call, what=f"{name} of a second run with the same seed",
                     why="all randomness comes from rng (not np.random): the same seed must give the same fit")
    rng = np.random.default_rng(8)
    state = rng.bit_generator.state
    call, _ = run(impl, x, 3, rng, max_iter=2, init_means=x[[0, 100, 200]])
    if rng.bit_generator.state != state:
        fail("gmm_em drew from rng although init_means was given", call=call,
             why="the generator is only for the k-means++ start; with init_means it must be left untouched")


# Defaults and properties.

def test_defaults(impl):
    rng = np.random.default_rng(9)
    x = blobs(rng, [[0.0, 0.0], [2.0, 0.5]], [1.0, 0.8], [40, 30])  # overlapping: gains shrink slowly
    init = np.array([[-0.5, 0.0], [3.0, 0.5]])
    call, got = run(impl, x, 2, NO_RNG, tol=-np.inf, init_means=init)
    if len(got[3]) != 101:
        fail(f"history has {len(got[3])} entries with tol=-inf and max_iter left out", call=call,
             why="max_iter defaults to 100: 100 iterations, so 101 entries")
    expected = em_oracle(x, init, 100)
    assert_close(got[1], expected[1], **TOL, call=call, what="means after the default 100 iterations")
    call, got = run(impl, x, 2, NO_RNG, init_means=init)
    stop = len(em_oracle(x, init, 100, tol=1e-6)[3])
    # tol defaults to 1e-6; one iteration more is how scikit-learn stops (test_stops_right_after_a_small_gain)
    if len(got[3]) not in (stop, stop + 1):
        fail(f"{len(got[3]) - 1} iterations run with tol left out; with tol=1e-6 EM stops after {stop - 1}",
             call=call, got=show(np.diff(got[3])),
             why="tol defaults to 1e-6: stop after the first iteration that gains less than 1e-6")
    expected = em_oracle(x, init, len(got[3]) - 1)
    assert_close(got[1], expected[1], **TOL, call=call, what="means", why="the default reg_covar is 1e-6")


def test_history_never_decreases_and_ends_at_the_returned_fit(impl):
    rng = np.random.default_rng(5)
    x = blobs(rng, **THREE)
    call, (weights, means, covs, history) = run(impl, x, 5, np.random.default_rng(1), max_iter=60, tol=-np.inf)
    steps = np.diff(history)
    if steps.size and steps.min() < -1e-6:
        t = int(np.argmin(steps))
        fail(f"the log-likelihood decreased at iteration {t + 1}: {history[t]:.12f} -> {history[t + 1]:.12f}",
             call=call, why="each EM iteration maximises a lower bound that touches the log-likelihood: it cannot "
                            "go down. A decrease means the E- or M-step is not the exact one")
    ll = np.mean(np.logaddexp.reduce(  # the mean log-likelihood of the returned parameters
        [np.log(w) - 0.5 * (2 * np.log(2 * np.pi) + np.linalg.slogdet(c)[1]
                            + np.einsum("ni,ni->n", x - m, np.linalg.solve(c, (x - m).T).T))
         for w, m, c in zip(weights, means, covs)], axis=0))
    assert_close(history[-1], ll, **TOL, call=call, what="history[-1]",
                 why="the mean log-likelihood of the returned parameters")
    assert_close(weights.sum(), 1.0, rtol=0, atol=1e-6, call=call, what="sum of the weights")
    if not (weights > 0).all():
        fail("weights must be positive", call=call, got=show(weights))
    assert_close(covs, covs.transpose(0, 2, 1), rtol=0, atol=1e-6, call=call, what="covariances vs their transposes",
                 why="covariance matrices are symmetric")
    if np.linalg.eigvalsh(covs).min() <= 0:
        fail("a covariance is not positive definite", call=call, got=show(np.linalg.eigvalsh(covs)))


# Conventions.

@pytest.mark.convention("stop after the iteration that gains < tol")
def test_stops_right_after_a_small_gain(impl):
    rng = np.random.default_rng(6)
    x = blobs(rng, **THREE)
    init = x[[0, 100, 200]] + 0.3
    call, (_, means, _, history) = run(impl, x, 3, NO_RNG, max_iter=500, tol=1e-3, init_means=init)
    expected = em_oracle(x, init, 500, tol=1e-3)
    why = ("stop as soon as history[-1] - history[-2] < tol and return those parameters; scikit-learn detects the "
           "small gain one E-step later and returns the parameters of one more M-step")
    if len(history) != len(expected[3]):
        fail(f"{len(history) - 1} iterations run; the first gain below tol = 1e-3 comes at iteration "
             f"{len(expected[3]) - 1}", call=call, got=f"gains per iteration: {show(np.diff(history))}",
             expected=f"gains: {show(np.diff(expected[3]))}", why=why)
    assert_close(means, expected[1], **TOL, call=call, what="means", why=why)


@pytest.mark.convention("all D = 0: next k-means++ seed uniform")
def test_seed_uniform_when_every_distance_is_zero(impl):
    # Samples 0, 1, 1, 1 and k = 3: the first two means are 0 and 1 (in some order); then every D is 0
    # and the third mean is uniform over the 4 samples: the value 0 with probability 1/4.
    x = np.array([[0.0], [1.0], [1.0], [1.0]])
    rng, draws = SeededRng(5), 200
    zeros = sum(seeds(impl, x, 3, rng)[2, 0] == 0.0 for _ in range(draws))
    stat = (zeros - draws / 4) ** 2 / (draws / 4) + (draws - zeros - 3 * draws / 4) ** 2 / (3 * draws / 4)
    if stat > CHI2_CRITICAL[1]:
        fail(f"the third mean was the sample 0 in {zeros} of {draws} draws (chi-square {stat:.1f}, p < 1e-4)",
             call="gmm_em([[0], [1], [1], [1]], 3, np.random.default_rng(5), max_iter=0), repeated",
             expected=f"about {draws // 4}",
             why="when every D is 0 the next mean is drawn uniformly over all n samples (1 in 4 here); "
                 "scikit-learn's cumulative-sum draw takes sample 0 every time instead")


@pytest.mark.convention("float64 arrays back, computed in float64")
def test_float32_x_is_computed_in_float64(impl):
    rng = np.random.default_rng(3)
    x = blobs(rng, **THREE).astype(np.float32)
    init = x[[0, 100, 200]].astype(np.float64) + 0.3
    call = Call(impl.gmm_em, x, 3, NO_RNG, max_iter=10, tol=-np.inf, init_means=init)
    for value, name in zip(assert_returns(call, *NAMES), NAMES):
        assert_array(value, dtype=np.float64, call=call, what=f"{name} for float32 x")
    expected = em_oracle(x, init, 10)
    for value, want, name in zip(call.out, expected, NAMES):
        assert_close(value, want, **EXACT, call=call, what=name,
                     why="float32 x is converted to float64 and every step computed in float64 (scikit-learn "
                         "keeps float32 data in float32)")
    call = Call(impl.gmm_em, x[:4].astype(np.float64), 2, NO_RNG, max_iter=1, init_means=init[:2, :])
    for value, name in zip(assert_returns(call, *NAMES), NAMES):
        assert_array(value, dtype=np.float64, call=call, what=name)


# Bad input.

@pytest.mark.contract("k outside 1..n: ValueError")
def test_bad_k_raises(impl):
    x = np.random.default_rng(7).normal(size=(10, 2))
    assert_raises(ValueError, impl.gmm_em, x, 11, NO_RNG, max_iter=2, init_means=x[np.r_[0:10, 0]] + 0.5,
                  why="more components than samples: k must lie in 1..n = 1..10")
    assert_raises(ValueError, impl.gmm_em, x, 0, np.random.default_rng(0), why="k must be at least 1")


@pytest.mark.contract("x not 2-D: ValueError")
def test_x_not_2d_raises(impl):
    x = np.random.default_rng(7).normal(size=10)
    assert_raises(ValueError, impl.gmm_em, x, 1, NO_RNG, max_iter=2, init_means=np.zeros((1, 10)),
                  why="x must be (n, d): 10 numbers are not one 10-D sample (no np.atleast_2d)")


@pytest.mark.contract("init_means not (k, d): ValueError")
def test_bad_init_means_raises(impl):
    x = np.random.default_rng(7).normal(size=(10, 2))
    assert_raises(ValueError, impl.gmm_em, x, 2, NO_RNG, max_iter=2, init_means=np.array([[-1.0], [1.0]]),
                  why="init_means must be (k, d) = (2, 2); a (2, 1) array would broadcast silently")


@pytest.mark.contract("reg_covar < 0: ValueError")
def test_negative_reg_covar_raises(impl):
    x = np.random.default_rng(7).normal(size=(10, 2))
    assert_raises(ValueError, impl.gmm_em, x, 2, NO_RNG, max_iter=2, reg_covar=-1e-3, init_means=x[:2],
                  why="reg_covar must be >= 0")
