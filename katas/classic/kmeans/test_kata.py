"""Tests for classic/kmeans. Run: pytest katas/classic/kmeans"""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, fail, show

# Chi-square critical values at p = 1e-4 (scipy.stats.chi2.isf(1e-4, df)), hard-coded: importing
# scipy.stats costs more than the whole test run.
CHI2_CRIT_1E4 = {1: 15.1367, 11: 37.3670}


def lloyd(x, init, *, max_iter=300, tol=1e-4):
    """The oracle: Lloyd's k-means in float64 from the given start, with scikit-learn's stopping rule as
    the statement gives it (stop after the iteration whose centre shift is <= tol * x.var(axis=0).mean()),
    then the labels of the final centres. The inputs it is used on are drawn so that no cluster ever
    empties (it asserts so): there, scikit-learn's KMeans(algorithm="lloyd", n_init=1) gives the same."""
    x, centers = np.asarray(x, np.float64), np.array(init, np.float64)
    k = len(centers)
    threshold = tol * x.var(axis=0).mean()
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        labels = sq_dists(x, centers).argmin(axis=1)
        counts = np.bincount(labels, minlength=k)
        assert (counts > 0).all(), "oracle input error: a cluster emptied"
        new = np.array([x[labels == j].mean(axis=0) for j in range(k)])
        shift = ((new - centers) ** 2).sum()
        centers = new
        if shift <= threshold:
            break
    d2 = sq_dists(x, centers)
    labels = d2.argmin(axis=1)
    return centers, labels, float(d2[np.arange(len(x)), labels].sum()), n_iter


def sq_dists(x, centers):
    return ((np.asarray(x, np.float64)[:, None, :] - np.asarray(centers, np.float64)[None, :, :]) ** 2).sum(-1)


def blobs(rng, n, k, spread=0.5, gap=20.0):
    """n points in 2-D around k cells of a 4 x 4 grid with spacing `gap`, and the blob of each point:
    the best clustering is obvious (the blobs themselves)."""
    cells = rng.choice(16, k, replace=False)
    centres = np.stack([cells // 4, cells % 4], axis=1) * gap
    blob = rng.integers(0, k, n)
    return centres[blob] + rng.normal(0, spread, (n, 2)), blob


def check_result(call, x, k, *, max_iter=300):
    """Shapes, finite centres, labels = nearest final centre, inertia = their squared distances, and a
    history that never increases. Values are read leniently (any array-like, any float or int dtype);
    the exact dtypes are the business of test_returns_float64_and_int64."""
    __tracebackhide__ = True
    out = call.out
    if not (isinstance(out, tuple) and len(out) == 4):
        fail("kmeans must return (centers, labels, inertia, history)", call=call, got=repr(out)[:200])
    centers, labels, inertia, history = (np.asarray(v) for v in out)
    if inertia.dtype.kind not in "fiu":
        fail("inertia must be a number", call=call, got=show(out[2]))
    n, d = np.shape(x)
    if centers.shape != (k, d) or labels.shape != (n,) or labels.dtype.kind not in "iu":
        fail(f"centers must be ({k}, {d}) and labels ({n},) integers", call=call, got=show(out))
    centers, history = centers.astype(np.float64), history.astype(np.float64)
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
    if inertia.shape != ():
        fail("inertia must be a single number", call=call, got=show(out[2]))
    rtol = 1e-9 if inertia.dtype == np.float64 and centers.dtype == np.float64 else 1e-6  # float32 given back
    inertia = float(inertia)
    assert_close(inertia, expected, rtol=rtol, atol=1e-12, call=call, what="inertia",
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


def seeds_of(call, x, k):
    """The seeds as a float64 (k, D) array, read leniently (dtype: see test_returns_float64_and_int64)."""
    __tracebackhide__ = True
    out = np.asarray(call.out)
    if out.shape != (k, np.shape(x)[1]):
        fail(f"kmeans_plus_plus must return ({k}, {np.shape(x)[1]}) centres", call=call, got=show(call.out))
    return out.astype(np.float64)


# Seeding.

def test_seeds_are_distinct_data_points(impl):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 3)).astype(np.float32)
    for seed in range(5):
        call = Call(impl.kmeans_plus_plus, x, 6, np.random.default_rng(seed))
        centers = seeds_of(call, x, 6)
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
    draws = 1200
    rng = np.random.default_rng(123)
    counts = np.zeros((4, 4))
    for _ in range(draws):
        out = impl.kmeans_plus_plus(x, 2, rng)
        picked = [np.flatnonzero(x[:, 0] == v)[:1] for v in np.asarray(out).reshape(-1)[:2]]
        if np.shape(out) != (2, 1) or any(p.size == 0 for p in picked):
            fail("the seeds must be two rows of x", call="kmeans_plus_plus([[0], [1], [3], [7]], 2, rng)",
                 got=show(out))
        counts[picked[0][0], picked[1][0]] += 1
    d2 = (x[:, 0][:, None] - x[:, 0][None, :]) ** 2
    expected = draws / 4 * d2 / d2.sum(axis=1, keepdims=True)
    mask = expected > 0
    if (counts[~mask] > 0).any():
        fail("the second seed repeated the first one", call="kmeans_plus_plus([[0], [1], [3], [7]], 2, rng)",
             why="a chosen point has D = 0, so it cannot be drawn again")
    stat = float(((counts[mask] - expected[mask]) ** 2 / expected[mask]).sum())
    crit = CHI2_CRIT_1E4[int(mask.sum()) - 1]
    if stat > crit:
        fail(f"the seeds do not follow the k-means++ distribution (chi-square {stat:.1f} > {crit}, p < 1e-4, "
             f"over {draws} draws)",
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
    centers = seeds_of(call, x, 4)
    if not ((centers[:, None, :] == x[None]).all(axis=2).any(axis=1)).all():
        fail("a seed is not a row of x", call=call, got=show(centers),
             why="when every D is 0, choose uniformly among the points instead of dividing 0 by 0")


@pytest.mark.convention("every D = 0: next seed uniform over all points")
def test_seed_uniform_when_every_distance_is_zero(impl):
    # One point at 0 and three at 1, k = 3: the first two seeds are 0 and 1 in some order; then every
    # D is 0 and the third seed is uniform over the 4 points: the value 0 with probability 1/4.
    x = np.array([[0.0], [1.0], [1.0], [1.0]])
    rng, draws = np.random.default_rng(5), 400
    zeros = 0
    for _ in range(draws):
        third = float(np.asarray(impl.kmeans_plus_plus(x, 3, rng)).reshape(-1)[2])
        zeros += third == 0.0
    stat = (zeros - draws / 4) ** 2 / (draws / 4) + (draws - zeros - 3 * draws / 4) ** 2 / (3 * draws / 4)
    if stat > CHI2_CRIT_1E4[1]:
        fail(f"the third seed was the point 0 in {zeros} of {draws} draws (chi-square {stat:.1f} > "
             f"{CHI2_CRIT_1E4[1]}, p < 1e-4)",
             call="kmeans_plus_plus([[0], [1], [1], [1]], 3, rng)", expected=f"about {draws // 4}",
             why="when every D is 0 the next seed is drawn uniformly over all N points (1 in 4 here); "
                 "scikit-learn's cumulative-sum draw takes point 0 every time instead")


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


# Several empty clusters in one step: x, and a start whose centres 2 and 3 get no point.
TWO_EMPTY_X = np.array([[0, 0], [1, 0], [0, 1.5], [10, 10], [11, 10], [10, 12]])
TWO_EMPTY_INIT = np.array([[0.2, 0.3], [10.3, 10.3], [100.0, 100.0], [200.0, 200.0]])
TWO_EMPTY_WHY = ("nothing is nearest to (100, 100) or (200, 200), so clusters 2 and 3 are empty after the first "
                 "assignment; the two points farthest from their centres are [10, 12] (squared distance 2.98) and "
                 "[0, 1.5] (1.48)")


def test_several_empty_clusters_take_distinct_far_points(impl):
    x, init = TWO_EMPTY_X, TWO_EMPTY_INIT
    call = Call(impl.kmeans, x, 4, None, max_iter=1, tol=0.0, init=init)
    centers, _, _, history = check_result(call, x, 4, max_iter=1)
    got = sorted(map(tuple, centers[2:].tolist()))
    if got != [(0.0, 1.5), (10.0, 12.0)]:
        fail("after one iteration, the two empty clusters must sit on the two farthest points, one each",
             call=call, got=show(centers), expected="centres 2 and 3 on [10, 12] and [0, 1.5] (in either order)",
             why=TWO_EMPTY_WHY)
    assert_close(history, [6.08], call=call, what="history", why="0.13 + 0.73 + 1.48 + 0.18 + 0.58 + 2.98")
    call = Call(impl.kmeans, x, 4, None, tol=0.0, init=init)
    centers, _, inertia, _ = check_result(call, x, 4)
    assert_close(inertia, 1.0, call=call, what="inertia", why=TWO_EMPTY_WHY + "; Lloyd then converges to the "
                 "pairs [0, 0], [1, 0] and [10, 10], [11, 10] (0.5 each) and the two single points")


@pytest.mark.convention("empty cluster: farthest point; donor keeps its mean")
def test_empty_cluster_relocation_rule(impl):
    x, init = TWO_EMPTY_X, TWO_EMPTY_INIT
    call = Call(impl.kmeans, x, 4, None, max_iter=1, tol=0.0, init=init)
    centers, _, _, _ = check_result(call, x, 4, max_iter=1)
    assert_close(centers, [[1 / 3, 0.5], [31 / 3, 32 / 3], [10.0, 12.0], [0.0, 1.5]], call=call,
                 what="centres after one iteration",
                 why=TWO_EMPTY_WHY + ". The empty clusters take them in order of cluster index (2 gets the "
                     "farthest), and clusters 0 and 1 are the plain means of all their points (scikit-learn "
                     "also takes the moved point out of its old cluster's mean, and leaves the order open)")


# Against scikit-learn (its results, reproduced by the numpy oracles above; checked offline).

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n,d,k", [(60, 2, 3), (200, 3, 5), (150, 5, 8)])
def test_matches_sklearn_from_the_same_start(impl, n, d, k, dtype):
    rng = np.random.default_rng(n + d + k)
    x = (rng.normal(size=(n, d)) + rng.integers(0, 3, (n, 1)) * 1.5).astype(dtype)
    init = x[rng.choice(n, k, replace=False)].astype(np.float64)
    call = Call(impl.kmeans, x, k, None, tol=0.0, init=init)
    centers, labels, inertia, _ = check_result(call, x, k)
    want_centers, want_labels, want_inertia, _ = lloyd(x, init, tol=0.0)
    why = "Lloyd from the same starting centres is deterministic: run it until the labels stop changing"
    assert_equal(labels, want_labels, call=call, what="labels", why=why)
    rtol = 1e-9 if dtype == np.float64 else 1e-6  # float32 x: its values, held in float64 or not
    assert_close(centers, want_centers, rtol=rtol, atol=1e-12, call=call, what="centers", why=why)
    assert_close(inertia, want_inertia, rtol=rtol, call=call, what="inertia", why=why)


def test_default_tol_and_max_iter_stop_where_sklearn_stops(impl):
    rng = np.random.default_rng(90)
    x = rng.normal(size=(300, 2)) + rng.integers(0, 3, (300, 1)) * 2.0
    init = x[rng.choice(300, 6, replace=False)]
    call = Call(impl.kmeans, x, 6, None, init=init)  # tol=1e-4 and max_iter=300 by default
    centers, labels, inertia, history = check_result(call, x, 6)
    want_centers, want_labels, _, n_iter = lloyd(x, init)  # tol=1e-4, as scikit-learn's default
    why = ("the default tol=1e-4 stops after the first iteration whose centre shift is at most "
           "1e-4 * x.var(axis=0).mean(), as scikit-learn does")
    if len(history) != n_iter:
        fail(f"{len(history)} iteration(s) run, scikit-learn runs {n_iter}", call=call, why=why)
    assert_close(centers, want_centers, rtol=1e-9, atol=1e-12, call=call, what="centers", why=why)
    assert_equal(labels, want_labels, call=call, what="labels", why=why)


@pytest.mark.parametrize("k", [2, 4, 6])
def test_finds_well_separated_blobs(impl, k):
    rng = np.random.default_rng(10 + k)
    x, blob = blobs(rng, 300, k)
    # The optimum: each blob its own cluster (the blobs are 20 apart, their points within about 2 of
    # the centre), so the inertia is the sum of squares of each blob around its mean.
    best = sum(((x[blob == j] - x[blob == j].mean(axis=0)) ** 2).sum() for j in range(k))
    for seed in range(3):
        call = Call(impl.kmeans, x, k, np.random.default_rng(seed))
        _, _, inertia, _ = check_result(call, x, k)
        assert_close(inertia, best, rtol=1e-6, call=call, what="inertia",
                     why="with blobs this far apart, k-means++ puts one seed in each blob and Lloyd finds the "
                         "optimum: one cluster per blob")


# scikit-learn's KMeans(8, n_init=10, random_state=0).fit(x).inertia_ on the x of the next test.
SKLEARN_BEST_UNIFORM_8 = 6.036984


def test_objective_close_to_sklearn_on_uniform_data(impl):
    rng = np.random.default_rng(20)
    x = rng.random((300, 2))
    best = SKLEARN_BEST_UNIFORM_8
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
    np.random.seed(1)
    first = np.asarray(Call(impl.kmeans_plus_plus, x, 4, np.random.default_rng(9)).out)
    np.random.seed(2)
    call = Call(impl.kmeans_plus_plus, x, 4, np.random.default_rng(9))
    assert_equal(np.asarray(call.out), first, call=call, what="seeds",
                 why="all randomness must come from rng (not np.random): the same seed gives the same seeds")
    first = Call(impl.kmeans, x, 4, np.random.default_rng(9)).out
    call = Call(impl.kmeans, x, 4, np.random.default_rng(9))
    for got, want, name in zip(call.out, first, ("centers", "labels", "inertia", "history")):
        assert_equal(np.asarray(got), np.asarray(want), call=call, what=name,
                     why="all randomness must come from rng: the same seed gives the same clustering")


@pytest.mark.convention("float64 centers and history, int64 labels")
def test_returns_float64_and_int64(impl):
    x = np.array([[0, 0], [0, 1], [10, 0], [10, 1]], dtype=np.float32)
    call = Call(impl.kmeans_plus_plus, x, 2, np.random.default_rng(0))
    assert_array(call.out, dtype=np.float64, shape=(2, 2), call=call, what="seeds of float32 x")
    call = Call(impl.kmeans, x, 2, None, init=np.array([[0, 0], [10, 0]], dtype=np.float32))
    centers, labels, inertia, history = call.out
    assert_array(centers, dtype=np.float64, shape=(2, 2), call=call, what="centers of float32 x")
    assert_array(labels, dtype=np.int64, shape=(4,), call=call, what="labels")
    assert_array(history, dtype=np.float64, call=call, what="history")
    if not isinstance(inertia, (float, np.floating)):
        fail(f"inertia must be a float, got {type(inertia).__name__}", call=call, got=show(inertia))


@pytest.mark.contract("k not in 1..N: ValueError")
def test_bad_k_raises(impl):
    x = np.random.default_rng(0).normal(size=(5, 2))
    rng = np.random.default_rng(0)
    for fn in (impl.kmeans_plus_plus, impl.kmeans):
        assert_raises(ValueError, fn, x, 0, rng, why="k must be at least 1")
        assert_raises(ValueError, fn, x, 6, rng, why="k cannot exceed the number of points N = 5")


@pytest.mark.contract("x not a finite 2-D array: ValueError")
def test_bad_x_raises(impl):
    rng = np.random.default_rng(0)
    nan = np.array([[0.0, np.nan], [1.0, 2.0], [3.0, 1.0]])
    assert_raises(ValueError, impl.kmeans_plus_plus, nan, 1, rng, why="x must be finite")
    assert_raises(ValueError, impl.kmeans, nan, 1, rng, why="x must be finite")
    assert_raises(ValueError, impl.kmeans_plus_plus, np.zeros((5, 2, 1)), 1, rng, why="x must be (N, D)")


@pytest.mark.contract("bad init or max_iter: ValueError")
def test_bad_init_or_max_iter_raises(impl):
    x = np.random.default_rng(0).normal(size=(5, 2))
    init = x[:2].copy()
    assert_raises(ValueError, impl.kmeans, x, 2, None, init=x[:3].copy(), why="init must be (k, D) = (2, 2)")
    assert_raises(ValueError, impl.kmeans, x, 2, None, init=np.array([[0.0, np.inf], [1.0, 1.0]]),
                  why="init must be finite")
    assert_raises(ValueError, impl.kmeans, x, 2, None, max_iter=0, init=init, why="max_iter must be >= 1")
