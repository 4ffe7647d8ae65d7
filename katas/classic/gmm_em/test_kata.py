"""Tests for classic/gmm_em. Run: pytest katas/classic/gmm_em"""

import warnings

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail

# The same EM steps from the same start agree with scikit-learn to ~1e-14; leave room for a different
# (equally valid) order of floating-point operations over a few dozen iterations.
TOL = {"rtol": 1e-7, "atol": 1e-9}
NO_RNG = np.random.default_rng(0)  # passed where init_means makes the generator irrelevant


def single_thread():
    """BLAS threads only slow the oracle's tiny matrices down on a busy machine."""
    return threadpool_limits(limits=1)


def start_covariance(x, reg_covar):
    d = x.shape[1]
    return np.cov(x.T, bias=True).reshape(d, d) + reg_covar * np.eye(d)


def sklearn_em(x, init_means, iterations, reg_covar=1e-6):
    """scikit-learn's GaussianMixture run for exactly `iterations` EM steps from the kata's start."""
    k = len(init_means)
    precision = np.linalg.inv(start_covariance(x, reg_covar))
    gm = GaussianMixture(k, covariance_type="full", tol=0.0, reg_covar=reg_covar, max_iter=max(iterations, 1),
                         weights_init=np.full(k, 1.0 / k), means_init=init_means,
                         precisions_init=np.repeat(precision[None], k, axis=0), init_params="random_from_data",
                         random_state=0)
    with warnings.catch_warnings(), single_thread():
        warnings.simplefilter("ignore")  # ConvergenceWarning: we stop it on purpose
        gm.fit(x)
    return gm


def mean_log_likelihood(x, weights, means, covs):
    """mean_i log sum_j w_j N(x_i | mu_j, Sigma_j), by slogdet and solve, one component at a time."""
    d = x.shape[1]
    logs = []
    for w, mu, cov in zip(weights, means, covs):
        diff = x - mu
        maha = np.einsum("ni,ni->n", diff, np.linalg.solve(cov, diff.T).T)
        logs.append(np.log(w) - 0.5 * (d * np.log(2 * np.pi) + np.linalg.slogdet(cov)[1] + maha))
    return float(np.logaddexp.reduce(np.array(logs), axis=0).mean())


def blobs(rng, centres, spreads, counts):
    return np.concatenate([rng.normal(c, s, (n, len(c))) for c, s, n in zip(centres, spreads, counts)])


def run(impl, x, k, rng=NO_RNG, **kwargs):
    __tracebackhide__ = True
    try:
        call = Call(impl.gmm_em, x, k, rng, **kwargs)
    except np.linalg.LinAlgError as exc:
        shown = ", ".join(f"{key}={value!r}" for key, value in kwargs.items() if key != "init_means")
        fail(f"gmm_em raised LinAlgError: {exc}", call=f"gmm_em(x of shape {np.shape(x)}, k={k}, rng, {shown})",
             why="a covariance became singular, typically a component collapsed onto (nearly) identical points; "
                 "add reg_covar * I to every covariance in every M-step")
    assert_returns(call, "weights", "means", "covariances", "log_likelihood_history")
    d = np.shape(x)[1]
    for got, shape, name in zip(call.out[:3], ((k,), (k, d), (k, d, d)), ("weights", "means", "covariances")):
        assert_array(got, dtype=np.float64, shape=shape, call=call, what=name)
    assert_array(call.out[3], dtype=np.float64, call=call, what="log_likelihood_history")
    if call.out[3].ndim != 1 or len(call.out[3]) < 1:
        fail(f"the history must be 1-D with at least one entry, got shape {call.out[3].shape}", call=call)
    for got, name in zip(call.out, ("weights", "means", "covariances", "log_likelihood_history")):
        if not np.all(np.isfinite(got)):
            fail(f"{name} contains NaN or inf", call=call, got=str(got)[:300],
                 why="compute responsibilities in the log domain (logsumexp) and add reg_covar to every covariance")
    return call


def check_against_sklearn(impl, x, init_means, iterations, reg_covar=1e-6, why=""):
    __tracebackhide__ = True
    k = len(init_means)
    call = run(impl, x, k, max_iter=iterations, tol=-np.inf, reg_covar=reg_covar, init_means=init_means)
    weights, means, covs, history = call.out
    gm = sklearn_em(x, init_means, iterations, reg_covar)
    base = f"{iterations} EM iteration(s) from the same start as sklearn GaussianMixture(covariance_type='full')"
    why = f"{base}; {why}" if why else base
    if len(history) != iterations + 1:
        fail(f"history has {len(history)} entries after {iterations} iterations with tol=-inf", call=call,
             why="history[0] is the starting point, then one entry per iteration; a negative tol never stops early")
    assert_close(weights, gm.weights_, **TOL, call=call, what="weights", why=why)
    assert_close(means, gm.means_, **TOL, call=call, what="means",
                 why=why + ": mu_j = sum_i r_ij x_i / N_j, weighted by the responsibilities")
    assert_close(covs, gm.covariances_, **TOL, call=call, what="covariances",
                 why=why + ": around the new means, divided by N_j, plus reg_covar on the diagonal")
    assert_close(history[:-1], gm.lower_bounds_, **TOL, call=call, what="history[:-1]",
                 why="history[t] is the mean log-likelihood of the parameters after t iterations "
                     "(sklearn's lower_bounds_ holds the ones before each M-step)")
    with single_thread():
        score = gm.score(x)
    assert_close(history[-1], score, **TOL, call=call, what="history[-1]",
                 why="the mean log-likelihood of the returned parameters (sklearn's score)")
    return call


THREE = dict(centres=[[0.0, 0.0], [3.0, 1.0], [1.0, 4.0]], spreads=[1.0, [1.0, 0.5], 0.7], counts=[100, 100, 100])


# 1. By hand.

def test_zero_iterations_return_the_start(impl):
    x = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    init = np.array([[0.0, 0.0], [2.0, 2.0]])
    call = run(impl, x, 2, max_iter=0, init_means=init, reg_covar=0.5)
    weights, means, covs, history = call.out
    why = "max_iter=0: weights 1/k, the given means, and the biased covariance of x (var 1 per axis) + 0.5 I"
    assert_close(weights, [0.5, 0.5], call=call, what="weights", why=why)
    assert_close(means, init, call=call, what="means", why=why)
    assert_close(covs, np.repeat(np.diag([1.5, 1.5])[None], 2, axis=0), call=call, what="covariances", why=why)
    assert_close(history, [mean_log_likelihood(x, weights, init, covs)], call=call, what="history",
                 why="one entry: the mean log-likelihood of the starting parameters")


def test_one_component_one_iteration(impl):
    x = np.array([[1.0], [2.0], [3.0], [6.0]])
    call = run(impl, x, 1, max_iter=1, tol=-np.inf, init_means=np.array([[0.0]]), reg_covar=0.0)
    weights, means, covs, _ = call.out
    why = "with k = 1 every responsibility is 1: the M-step gives the sample mean 3 and the biased variance 3.5"
    assert_close(weights, [1.0], call=call, what="weights", why=why)
    assert_close(means, [[3.0]], call=call, what="means", why=why)
    assert_close(covs, [[[3.5]]], call=call, what="covariances", why=why)


# 2. Against scikit-learn from the same start.

@pytest.mark.parametrize("iterations", [1, 4, 25])
def test_matches_sklearn_step_by_step(impl, iterations):
    rng = np.random.default_rng(0)
    x = blobs(rng, **THREE)
    check_against_sklearn(impl, x, x[[0, 100, 200]] + 0.3, iterations)


@pytest.mark.parametrize("d, k", [(1, 2), (3, 4), (5, 2)])
def test_matches_sklearn_other_shapes(impl, d, k):
    rng = np.random.default_rng(10 * d + k)
    x = rng.normal(size=(120, d)) @ rng.normal(size=(d, d)) + rng.integers(0, 3, (120, 1)) * 2.0
    check_against_sklearn(impl, x, x[rng.choice(120, k, replace=False)], 10)


def test_far_away_points_need_the_log_domain(impl):
    # One point at 10^4 next to 1999 points around the origin: under the starting covariance its
    # Mahalanobis distance^2 to both means is ~2000, so its density is ~exp(-1000) = 0.0 in float64.
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(0, 1, (1999, 2)), [[1e4, 0.0]]])
    check_against_sklearn(impl, x, np.array([[-1.0, 0.0], [1.0, 0.0]]), 5,
                          why="the far point's densities underflow to 0 for every component; in the log domain "
                              "its responsibilities are still well defined (logsumexp)")


def test_duplicated_points_need_reg_covar(impl):
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.normal(0, 1, (60, 2)), np.tile([[8.0, 8.0]], (25, 1))])
    call = check_against_sklearn(impl, x, np.array([[0.0, 0.0], [8.0, 8.0]]), 20,
                                 why="component 1 collapses onto 25 copies of one point: its covariance is 0 "
                                     "without reg_covar")
    assert_close(call.out[2][1], 1e-6 * np.eye(2), rtol=1e-6, atol=1e-12, call=call, what="covariance of component 1",
                 why="all its points coincide, so what is left is reg_covar * I")


def test_float32_input(impl):
    rng = np.random.default_rng(3)
    x = blobs(rng, **THREE)
    init = x[[0, 100, 200]] + 0.3
    call = run(impl, x.astype(np.float32), 3, max_iter=10, tol=-np.inf, init_means=init)
    gm = sklearn_em(x.astype(np.float32).astype(np.float64), init, 10)
    assert_close(call.out[1], gm.means_, **TOL, call=call, what="means",
                 why="float32 input is computed in float64 and returned as float64")


# k-means++ initialisation: the best fit on well-separated data.

def test_kmeans_pp_start_finds_the_best_fit(impl):
    rng = np.random.default_rng(100)
    centres = np.array([[0.0, 0.0], [12.0, 0.0], [0.0, 12.0], [12.0, 12.0]])
    x = blobs(rng, centres, [0.5, 0.8, 0.6, 0.5], [80, 60, 100, 70])
    with single_thread():
        best = GaussianMixture(4, tol=1e-9, max_iter=200, means_init=centres, reg_covar=1e-6,
                               init_params="random_from_data", random_state=0).fit(x).score(x)
    # D^2 sampling seeds one mean per blob with high probability, not always: keep the best of 4 runs,
    # as GaussianMixture(n_init=4) would.
    calls = [run(impl, x, 4, np.random.default_rng(seed), max_iter=200, tol=1e-9) for seed in range(4)]
    call = max(calls, key=lambda c: c.out[3][-1])
    got = float(call.out[3][-1])
    if not got > best - 1e-6:
        fail("EM from k-means++ seeding ended in a worse fit than the best one, in each of 4 runs", call=call,
             got=f"best final mean log-likelihood {got:.6f}",
             expected=f"{best:.6f} (sklearn, started at the true centres)",
             why="on four far-apart blobs k-means++ seeds one mean per blob in most runs, and EM then converges to "
                 "the best mixture; check the seeding (D^2 sampling) and the EM steps")
    assert_close(np.sort(call.out[0]), np.sort([80, 60, 100, 70]) / 310, rtol=0, atol=1e-6, call=call,
                 what="sorted weights", why="each blob's share of the points")


def test_same_generator_seed_same_result(impl):
    rng = np.random.default_rng(4)
    x = blobs(rng, **THREE)
    first = run(impl, x, 3, np.random.default_rng(7), max_iter=15)
    again = run(impl, x, 3, np.random.default_rng(7), max_iter=15)
    for a, b, name in zip(first.out, again.out, ("weights", "means", "covariances", "history")):
        assert_equal(b, a, call=again, what=f"{name} of a second run with the same seed",
                     why="all randomness comes from rng: the same seed must give the same fit")


# 4. Properties.

def test_history_never_decreases_and_ends_at_the_returned_fit(impl):
    rng = np.random.default_rng(5)
    x = blobs(rng, **THREE)
    call = run(impl, x, 5, np.random.default_rng(1), max_iter=150, tol=-np.inf)
    weights, means, covs, history = call.out
    steps = np.diff(history)
    if steps.size and steps.min() < -1e-9:
        t = int(np.argmin(steps))
        fail(f"the log-likelihood decreased at iteration {t + 1}: {history[t]:.12f} -> {history[t + 1]:.12f}",
             call=call, why="each EM iteration maximises a lower bound that touches the log-likelihood: it cannot "
                            "go down. A decrease means the E- or M-step is not the exact one")
    assert_close(history[-1], mean_log_likelihood(x, weights, means, covs), rtol=1e-10, atol=1e-12, call=call,
                 what="history[-1]", why="the mean log-likelihood of the returned parameters")
    assert_close(weights.sum(), 1.0, rtol=0, atol=1e-12, call=call, what="sum of the weights")
    if not (weights > 0).all():
        fail("weights must be positive", call=call, got=str(weights))
    assert_close(covs, covs.transpose(0, 2, 1), rtol=0, atol=1e-12, call=call, what="covariances vs their transposes",
                 why="covariance matrices are symmetric")
    if np.linalg.eigvalsh(covs).min() <= 0:
        fail("a covariance is not positive definite", call=call, got=str(np.linalg.eigvalsh(covs)))


def test_stops_once_the_gain_drops_below_tol(impl):
    rng = np.random.default_rng(6)
    x = blobs(rng, **THREE)
    call = run(impl, x, 3, np.random.default_rng(2), max_iter=500, tol=1e-3)
    steps = np.diff(call.out[3])
    if steps.size == 0 or steps[-1] >= 1e-3 or (steps[:-1] < 1e-3).any():
        fail("the run must stop right after the first iteration that gains less than tol = 1e-3", call=call,
             got=f"gains per iteration: {np.array2string(steps, precision=6)}",
             why="stop as soon as history[-1] - history[-2] < tol, and not before")


# Bad input.

def test_bad_input_raises(impl):
    x = np.random.default_rng(7).normal(size=(10, 2))
    rng = np.random.default_rng(0)
    assert_raises(ValueError, impl.gmm_em, x, 0, rng, why="k must be at least 1")
    assert_raises(ValueError, impl.gmm_em, x, 11, rng, why="more components than samples")
    assert_raises(ValueError, impl.gmm_em, x[:, 0], 2, rng, why="x must be (n, d)")
    assert_raises(ValueError, impl.gmm_em, x, 2, rng, init_means=np.zeros((3, 2)), why="init_means must be (k, d)")
    assert_raises(ValueError, impl.gmm_em, x, 2, rng, reg_covar=-1.0, why="reg_covar must be >= 0")
