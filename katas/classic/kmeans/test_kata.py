"""Tests for classic/kmeans. Run: pytest katas/classic/kmeans"""

import numpy as np
import pytest
from scipy.stats import chi2

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, fail, show

sklearn_cluster = pytest.importorskip("sklearn.cluster")


def sklearn_kmeans(x, k, **kwargs):
    """scikit-learn's KMeans fitted on float64 data, single-threaded (OpenMP threads only add
    start-up and contention on problems this small)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return sklearn_cluster.KMeans(k, **kwargs).fit(np.asarray(x, np.float64))


def sq_dists(x, centers):
    return ((np.asarray(x, np.float64)[:, None, :] - np.asarray(centers, np.float64)[None, :, :]) ** 2).sum(-1)


def blobs(rng, n, k, spread=0.5, gap=20.0):
    """n points in 2-D around k cells of a 4 x 4 grid with spacing `gap`: the best clustering is obvious."""
    cells = rng.choice(16, k, replace=False)
    centres = np.stack([cells // 4, cells % 4], axis=1) * gap
    return centres[rng.integers(0, k, n)] + rng.normal(0, spread, (n, 2))


def check_result(call, x, k, *, max_iter=300):
    """Types and shapes, finite centres, labels = nearest final centre, inertia = their squared distances,
    and a history that never increases."""
    __tracebackhide__ = True
    out = call.out
    if not (isinstance(out, tuple) and len(out) == 4):
        fail("kmeans must return (centers, labels, inertia, history)", call=call, got=repr(out)[:200])
    centers, labels, inertia, history = out
    n, d = np.shape(x)
    assert_array(centers, dtype=np.float64, shape=(k, d), call=call, what="centers")
    assert_array(labels, dtype=np.int64, shape=(n,), call=call, what="labels")
    assert_array(history, dtype=np.float64, call=call, what="history")
    if history.ndim != 1 or not 1 <= len(history) <= max_iter:
        fail(f"history must be 1-D with one inertia per iteration (1 .. {max_iter}), got shape {history.shape}",
             call=call)
    if not np.isfinite(centers).all():
        bad = int(np.flatnonzero(~np.isfinite(centers).all(axis=1))[0])
        fail(f"centre {bad} is not finite: {centers[bad].tolist()}", call=call,
             why="the mean of an empty cluster is 0 / 0; move an empty cluster's centre onto a data point")
    d2 = sq_dists(x, centers)
    nearest = d2.argmin(axis=1)
    wrong = np.flatnonzero(d2[np.arange(n), labels] > d2[np.arange(n), nearest])
    if wrong.size:
        i = int(wrong[0])
        fail(f"point {i} has label {labels[i]} but centre {nearest[i]} is nearer", call=call,
             got=f"squared distances {d2[i, labels[i]]:.6g} vs {d2[i, nearest[i]]:.6g}",
             why="labels must be recomputed for the final centres after the last update")
    expected = float(d2[np.arange(n), labels].sum())
    if not isinstance(inertia, (float, np.floating)):
        fail(f"inertia must be a float, got {type(inertia).__name__}", call=call)
    assert_close(inertia, expected, rtol=1e-9, atol=1e-12, call=call, what="inertia",
                 why="inertia = sum of SQUARED distances from each point to its final centre")
    rises = np.flatnonzero(np.diff(history) > 1e-9 * (1 + history[:-1]))
    if rises.size:
        t = int(rises[0])
        fail(f"the inertia history rises at iteration {t + 1}: {history[t]:.10g} -> {history[t + 1]:.10g}",
             call=call, got=show(history),
             why="assignment and mean update can each only lower the inertia; record it after each assignment")
    if inertia > history[-1] * (1 + 1e-9) + 1e-12:
        fail(f"final inertia {inertia:.10g} is above the last history value {history[-1]:.10g}", call=call,
             why="the last update and re-assignment can only lower the inertia")
    return centers, labels, inertia, history


# Seeding.

def test_seeds_are_distinct_data_points(impl):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 3)).astype(np.float32)
    for seed in range(5):
        call = Call(impl.kmeans_plus_plus, x, 6, np.random.default_rng(seed))
        centers = call.out
        assert_array(centers, dtype=np.float64, shape=(6, 3), call=call, what="centers")
        rows = [np.flatnonzero((x.astype(np.float64) == c).all(axis=1)) for c in centers]
        if any(r.size == 0 for r in rows):
            fail("a seed is not a row of x", call=call, got=show(centers),
                 why="k-means++ picks data points; it does not average or jitter them")
        if len({int(r[0]) for r in rows}) != 6:
            fail("the same data point was chosen twice", call=call, got=[int(r[0]) for r in rows],
                 why="a chosen point has D = 0, so it has probability 0 while other points are left")


def test_seeding_follows_d_squared(impl):
    # Points 0, 1, 3, 7 on a line. The first seed is uniform; given first seed c, the second is point
    # j with probability (x_j - c)^2 / sum (x_i - c)^2.
    x = np.array([[0.0], [1.0], [3.0], [7.0]])
    draws = 2000
    rng = np.random.default_rng(123)
    counts = np.zeros((4, 4))
    for _ in range(draws):
        call = Call(impl.kmeans_plus_plus, x, 2, rng)
        picked = [np.flatnonzero(x[:, 0] == v)[:1] for v in np.asarray(call.out).reshape(-1)[:2]]
        if np.shape(call.out) != (2, 1) or any(p.size == 0 for p in picked):
            fail("the seeds must be two rows of x", call=call, got=show(call.out))
        counts[picked[0][0], picked[1][0]] += 1
    d2 = (x[:, 0][:, None] - x[:, 0][None, :]) ** 2
    expected = draws / 4 * d2 / d2.sum(axis=1, keepdims=True)
    mask = expected > 0
    if (counts[~mask] > 0).any():
        fail("the second seed repeated the first one", call="kmeans_plus_plus([[0], [1], [3], [7]], 2, rng)",
             why="a chosen point has D = 0, so it cannot be drawn again")
    stat = float(((counts[mask] - expected[mask]) ** 2 / expected[mask]).sum())
    p = chi2.sf(stat, mask.sum() - 1)
    if p < 1e-4:
        fail(f"the seeds do not follow the k-means++ distribution (chi-square p = {p:.1e} over {draws} draws)",
             call="kmeans_plus_plus([[0], [1], [3], [7]], 2, rng)",
             got=f"counts (row = first seed, column = second): {counts.astype(int).tolist()}",
             expected=f"about {np.round(expected).astype(int).tolist()}",
             why="first seed uniform; next seed j with probability D(j)^2 / sum D^2 (squared distances: "
                 "from point 0, point 7 is 49 times as likely as point 1, not 7 times)")


def test_seeding_finds_the_outlier(impl):
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(0, 0.01, (999, 2)), [[100.0, 100.0]]])
    hits = 0
    for seed in range(20):
        call = Call(impl.kmeans_plus_plus, x, 2, np.random.default_rng(seed))
        hits += bool((call.out == [100.0, 100.0]).all(axis=1).any())
    if hits < 19:
        fail(f"the far point was a seed in only {hits} of 20 runs", call=call,
             why="once a seed sits in the tight group, the far point holds almost all of sum D^2 and must be "
                 "drawn next; uniform seeding would pick it about 2 times in 1000")


def test_seeding_with_too_few_distinct_points(impl):
    x = np.array([[1.0, 1.0]] * 5 + [[4.0, 5.0]] * 5)
    call = Call(impl.kmeans_plus_plus, x, 4, np.random.default_rng(2))
    centers = call.out
    assert_array(centers, dtype=np.float64, shape=(4, 2), call=call, what="centers")
    if not ((centers[:, None, :] == x[None]).all(axis=2).any(axis=1)).all():
        fail("a seed is not a row of x", call=call, got=show(centers),
             why="when every D is 0, choose uniformly among the points instead of dividing 0 by 0")


# Lloyd, by hand.

def test_two_clusters_by_hand(impl):
    x = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    call = Call(impl.kmeans, x, 2, None, tol=0.0, init=np.array([[0.0, 0.0], [10.0, 0.0]]))
    centers, labels, inertia, history = check_result(call, x, 2)
    assert_close(centers, [[0.0, 0.5], [10.0, 0.5]], call=call, what="centers", why="the mean of each pair")
    assert_equal(labels, np.array([0, 0, 1, 1]), call=call, what="labels")
    assert_close(inertia, 1.0, call=call, what="inertia", why="four points each 0.5 from their centre: 4 * 0.5^2")
    assert_close(history, [2.0, 1.0], call=call, what="history",
                 why="iteration 1 assigns to the starting centres (0 + 1 + 0 + 1), iteration 2 to the means, "
                     "which then stop moving")


def test_empty_cluster_moves_to_the_farthest_point(impl):
    x = np.array([[0, 0], [1, 0], [0, 1], [10, 10], [11, 10], [10, 11]], dtype=np.float64)
    init = np.array([[0.2, 0.3], [10.3, 10.3], [100.0, 100.0]])
    call = Call(impl.kmeans, x, 3, None, tol=0.0, init=init)
    centers, labels, inertia, _ = check_result(call, x, 3)
    why = ("nothing is nearest to (100, 100), so cluster 2 is empty after the first assignment; its centre "
           "moves to the point farthest from its centre, [1, 0] (squared distance 0.73), and then keeps it")
    assert_close(centers, [[0.0, 0.5], [31 / 3, 31 / 3], [1.0, 0.0]], call=call, what="centers", why=why)
    assert_equal(labels, np.array([0, 2, 0, 1, 1, 1]), call=call, what="labels", why=why)
    assert_close(inertia, 0.5 + 4 / 3, call=call, what="inertia", why=why)


# Against scikit-learn.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n,d,k", [(60, 2, 3), (200, 3, 5), (150, 5, 8)])
def test_matches_sklearn_from_the_same_start(impl, n, d, k, dtype):
    rng = np.random.default_rng(n + d + k)
    x = (rng.normal(size=(n, d)) + rng.integers(0, 3, (n, 1)) * 1.5).astype(dtype)
    init = x[rng.choice(n, k, replace=False)].astype(np.float64)
    call = Call(impl.kmeans, x, k, None, tol=0.0, init=init)
    centers, labels, inertia, _ = check_result(call, x, k)
    km = sklearn_kmeans(x, k, init=init, n_init=1, tol=0.0, algorithm="lloyd")
    why = "Lloyd from the same starting centres is deterministic: run it until the labels stop changing"
    assert_equal(labels, km.labels_.astype(np.int64), call=call, what="labels", why=why)
    assert_close(centers, km.cluster_centers_, rtol=1e-9, atol=1e-12, call=call, what="centers", why=why)
    assert_close(inertia, km.inertia_, rtol=1e-9, call=call, what="inertia", why=why)


@pytest.mark.parametrize("k", [2, 4, 6])
def test_finds_well_separated_blobs(impl, k):
    rng = np.random.default_rng(10 + k)
    x = blobs(rng, 300, k)
    best = sklearn_kmeans(x, k, n_init=10, random_state=0).inertia_
    for seed in range(3):
        call = Call(impl.kmeans, x, k, np.random.default_rng(seed))
        _, _, inertia, _ = check_result(call, x, k)
        assert_close(inertia, best, rtol=1e-6, call=call, what="inertia",
                     why="with blobs this far apart, k-means++ puts one seed in each blob and Lloyd finds the "
                         "optimum that scikit-learn finds")


def test_objective_close_to_sklearn_on_uniform_data(impl):
    rng = np.random.default_rng(20)
    x = rng.random((300, 2))
    best = sklearn_kmeans(x, 8, n_init=10, random_state=0).inertia_
    runs = [check_result(Call(impl.kmeans, x, 8, np.random.default_rng(s)), x, 8)[2] for s in range(5)]
    if min(runs) > 1.15 * best:
        fail(f"the best of 5 runs has inertia {min(runs):.6g}, more than 15% above scikit-learn's {best:.6g}",
             call="kmeans(uniform 300 x 2, k=8, seeds 0..4)",
             why="k-means++ and Lloyd should land near the best local optimum on easy data")


# Edge cases and properties.

@pytest.mark.parametrize("max_iter", [1, 2, 3])
def test_labels_are_for_the_final_centres(impl, max_iter):
    rng = np.random.default_rng(30 + max_iter)
    x = rng.normal(size=(80, 2))
    init = x[:4] + 3.0  # far from converged: every iteration moves the centres a lot
    call = Call(impl.kmeans, x, 4, None, max_iter=max_iter, tol=0.0, init=init)
    _, _, _, history = check_result(call, x, 4, max_iter=max_iter)
    if len(history) != max_iter:
        fail(f"history has {len(history)} entries, expected {max_iter}", call=call,
             why="one inertia per iteration run; the centres were still moving, so all max_iter ran")


@pytest.mark.parametrize("seed", range(6))
def test_history_never_increases(impl, seed):
    rng = np.random.default_rng(40 + seed)
    x = rng.standard_t(2, size=(120, 2))  # heavy tails: far points and clusters that empty out
    check_result(Call(impl.kmeans, x, 7, np.random.default_rng(seed), tol=0.0), x, 7)


def test_converged_centres_are_cluster_means(impl):
    rng = np.random.default_rng(50)
    x = rng.normal(size=(100, 3))
    call = Call(impl.kmeans, x, 5, np.random.default_rng(0), tol=0.0)
    centers, labels, _, _ = check_result(call, x, 5)
    means = np.array([x[labels == j].mean(axis=0) for j in range(5)])
    assert_close(centers, means, rtol=1e-9, atol=1e-12, call=call, what="centers",
                 why="with tol=0 Lloyd runs to a fixed point: each centre is the mean of its points")


def test_k_one_and_k_equals_n(impl):
    rng = np.random.default_rng(60)
    x = rng.normal(size=(12, 2))
    call = Call(impl.kmeans, x, 1, np.random.default_rng(0))
    centers, _, inertia, _ = check_result(call, x, 1)
    assert_close(centers, x.mean(axis=0, keepdims=True), call=call, what="centers", why="one cluster: the mean")
    assert_close(inertia, ((x - x.mean(axis=0)) ** 2).sum(), call=call, what="inertia",
                 why="the total sum of squares around the mean")
    call = Call(impl.kmeans, x, 12, np.random.default_rng(0))
    _, labels, inertia, _ = check_result(call, x, 12)
    assert_close(inertia, 0.0, call=call, what="inertia", why="k = N: every point is its own centre")
    assert_equal(np.sort(labels), np.arange(12), call=call, what="sorted labels", why="every cluster has one point")


def test_duplicate_points(impl):
    x = np.array([[1.0, 1.0]] * 6 + [[4.0, 5.0]] * 6)
    call = Call(impl.kmeans, x, 3, np.random.default_rng(3))
    _, _, inertia, _ = check_result(call, x, 3)
    assert_close(inertia, 0.0, call=call, what="inertia", why="two distinct points and three centres")


def test_tol_is_relative_to_the_data_variance(impl):
    rng = np.random.default_rng(80)
    x = rng.random((400, 2))
    init = x[rng.choice(400, 6, replace=False)]
    base = check_result(Call(impl.kmeans, x, 6, None, init=init), x, 6)
    for scale in (2.0**-12, 2.0**12):  # powers of 2 scale every sum and mean exactly
        xs = x * scale
        call = Call(impl.kmeans, xs, 6, None, init=init * scale)
        _, labels, _, history = check_result(call, xs, 6)
        why = (f"x and init scaled by {scale:g}: every centre shift and x.var(axis=0).mean() scale by {scale**2:g}, "
               "so the stopping rule shift <= tol * x.var(axis=0).mean() stops at the same iteration "
               "(a tol not multiplied by the variance does not)")
        if len(history) != len(base[3]):
            fail(f"{len(history)} iteration(s) on the scaled data, {len(base[3])} on the original", call=call,
                 why=why)
        assert_equal(labels, base[1], call=call, what="labels on the scaled data", why=why)


def test_same_seed_same_result(impl):
    x = np.random.default_rng(70).normal(size=(60, 2))
    first = Call(impl.kmeans, x, 4, np.random.default_rng(9)).out
    call = Call(impl.kmeans, x, 4, np.random.default_rng(9))
    for got, want, name in zip(call.out, first, ("centers", "labels", "inertia", "history")):
        assert_equal(np.asarray(got), np.asarray(want), call=call, what=name,
                     why="all randomness must come from rng: the same seed gives the same clustering")


def test_bad_input_raises(impl):
    x = np.zeros((5, 2))
    rng = np.random.default_rng(0)
    assert_raises(ValueError, impl.kmeans, x, 0, rng, why="k must be at least 1")
    assert_raises(ValueError, impl.kmeans, x, 6, rng, why="k cannot exceed the number of points")
    assert_raises(ValueError, impl.kmeans, np.zeros(5), 2, rng, why="x must be (N, D)")
    assert_raises(ValueError, impl.kmeans, x, 2, rng, init=np.zeros((3, 2)), why="init must be (k, D)")
    assert_raises(ValueError, impl.kmeans_plus_plus, x, 6, rng, why="k cannot exceed the number of points")
    assert_raises(ValueError, impl.kmeans_plus_plus, np.array([[0.0, np.nan]]), 1, rng, why="x must be finite")
