"""Tests for classic/dbscan. Run: pytest katas/classic/dbscan"""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_equal, assert_raises, fail, show


def neighbourhoods(x, eps):
    """(N, N) bool: ||x_i - x_j|| <= eps, in float64 (the diagonal is True)."""
    x = np.asarray(x, np.float64)
    return np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)) <= eps


def oracle_dbscan(x, eps, min_samples):
    """The oracle: labels and core mask by the statement's rules (scikit-learn's; it agrees with
    sklearn.cluster.DBSCAN on every input below, checked offline). Core: at least min_samples
    neighbours, itself included; then, scanning the points by index, each core point not yet in a
    cluster starts the next cluster, grown breadth-first over the eps-graph: every unlabelled
    neighbour of a core point joins, and only core points are expanded. A border point is never
    relabelled, so it stays in the first (lowest-numbered) cluster that reached it."""
    near = neighbourhoods(x, eps)
    core = near.sum(axis=1) >= min_samples
    labels = np.full(len(near), -1, np.int64)
    cluster = 0
    for start in np.flatnonzero(core):
        if labels[start] != -1:
            continue
        labels[start] = cluster
        frontier = [start]
        while frontier:
            reached = np.flatnonzero(near[frontier].any(axis=0) & (labels == -1))
            labels[reached] = cluster
            frontier = reached[core[reached]].tolist()
        cluster += 1
    return labels, core


def explain(x, eps, min_samples, got, expected, core) -> tuple[str, str]:
    """Headline and reason for the first disagreement, checked in the order noise, core clusters, borders."""
    x = np.asarray(x, np.float64)
    dist = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
    near = neighbourhoods(x, eps)
    count = near.sum(axis=1)
    if (expected == -1).any() and got.min(initial=0) >= 0 and (got == 0).sum() == (expected == -1).sum():
        return "noise must be labelled -1", "clusters are numbered 0, 1, ...; -1 marks noise"
    for i in np.flatnonzero((got == -1) != (expected == -1)):
        if expected[i] == -1:
            return (f"point {i} should be noise (-1), got label {got[i]}",
                    f"it has {count[i]} neighbour(s) within eps={eps}, itself included (< min_samples="
                    f"{min_samples}), and no core point within eps")
        if core[i]:
            return (f"point {i} is a core point but was labelled noise",
                    f"it has {count[i]} neighbours within eps={eps} (itself included; a distance equal to eps "
                    f"counts) >= min_samples={min_samples}")
        j = int(np.flatnonzero(near[i] & core)[0])
        return (f"point {i} is a border point but was labelled noise",
                f"it is not core ({count[i]} neighbours) but core point {j} is {dist[i, j]:.6g} <= eps away")
    cores = np.flatnonzero(core)
    for i in cores:
        for j in cores[cores > i]:
            if near[i, j] and got[i] != got[j]:
                return (f"core points {i} and {j} are in different clusters ({got[i]} and {got[j]})",
                        f"they are {dist[i, j]:.6g} <= eps={eps} apart, so they must share a cluster")
            if expected[i] != expected[j] and got[i] == got[j]:
                return (f"core points {i} and {j} share cluster {got[i]}",
                        "no chain of core points, each within eps of the next, links them; only core points "
                        "extend a cluster, never a border point")
    for i in np.flatnonzero(core & (got != expected)):
        return (f"core point {i} has label {got[i]}, expected {expected[i]}",
                "clusters are numbered in the order of their lowest-index core point")
    i = int(np.flatnonzero(got != expected)[0])
    options = sorted({int(expected[j]) for j in np.flatnonzero(near[i] & core)})
    return (f"border point {i} has label {got[i]}, expected {expected[i]}",
            f"it is within eps of core points of cluster(s) {options}; a border point belongs to the "
            "lowest-numbered one (the cluster that reaches it first)")


def renumber(labels) -> np.ndarray:
    """Clusters renumbered 0, 1, ... in the order of their first point; noise stays -1. Two labellings
    are the same clustering exactly when their renumberings are equal."""
    labels = np.asarray(labels).astype(np.int64)
    out = np.full(labels.shape, -1, np.int64)
    seen = {}
    for i, v in enumerate(labels.tolist()):
        if v != -1:
            out[i] = seen.setdefault(v, len(seen))
    return out


def border_tie(x, eps, min_samples) -> bool:
    """Whether some border point is within eps of core points of two clusters (a convention decides it)."""
    labels, core = oracle_dbscan(x, eps, min_samples)
    near = neighbourhoods(x, eps)
    for i in np.flatnonzero(~core & (labels != -1)):
        if len(set(labels[near[i] & core].tolist())) > 1:
            return True
    return False


def check(impl, x, eps, min_samples=None, *, expected=None, why=None, exact=False):
    """Compare with the oracle (scikit-learn's result) as a clustering: the same groups and the same noise, whatever the
    cluster numbers (`exact=True`: the numbers too; that is the numbering convention's test).
    `min_samples=None` leaves it out of the call, to exercise the default."""
    __tracebackhide__ = True
    if min_samples is None:
        call, min_samples = Call(impl.dbscan, x, eps), 5
    else:
        call = Call(impl.dbscan, x, eps, min_samples)
    n = len(x)
    got = np.asarray(call.out)
    if got.shape != (n,) or (n and got.dtype.kind not in "iu"):
        fail(f"dbscan must return ({n},) integer labels", call=call, got=show(call.out))
    oracle, core = oracle_dbscan(x, eps, min_samples)
    if expected is not None:
        assert np.array_equal(oracle, expected), "hand-computed labels disagree with the oracle"
    if not exact:
        got, oracle = renumber(got), renumber(oracle)
    if not np.array_equal(got, oracle):
        headline, reason = explain(x, eps, min_samples, got, oracle, core)
        fail(headline, call=call, got=show(got), expected=show(oracle),
             why=why or reason)
    return got


# 1. Small cases you can check on paper.

def test_chains_on_a_line(impl):
    x = np.array([[0.0], [1.0], [2.0], [3.0], [10.0], [11.0], [20.0]])
    # Neighbours are 1 apart < eps = 1.1. With min_samples=2 every point but the last has a neighbour: two
    # clusters and one noise point.
    check(impl, x, 1.1, 2, expected=np.array([0, 0, 0, 0, 1, 1, -1]),
          why="min_samples counts the point itself")
    # With min_samples=3 only the inner points 1 and 2 are core; 0 and 3 are border points of their cluster,
    # and 10, 11, 20 are noise.
    check(impl, x, 1.1, 3, expected=np.array([0, 0, 0, 0, -1, -1, -1]),
          why="0 and 3 are border points: not core, but within eps of a core point")


@pytest.mark.convention("distance exactly eps: a neighbour (<=)")
def test_distance_equal_to_eps_counts(impl):
    x = np.array([[0.0], [1.0], [2.0], [3.0], [10.0], [11.0], [20.0]])
    check(impl, x, 1.0, 2, expected=np.array([0, 0, 0, 0, 1, 1, -1]),
          why="neighbours are exactly 1 = eps apart, and a distance equal to eps counts (<=, as scikit-learn)")


def test_default_min_samples_is_five(impl):
    # Five points in one group (each has 5 neighbours, itself included: core) and four in another (4 < 5).
    x = np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 0.1], [0.1, 0.1], [0.05, 0.05],
                  [5.0, 5.0], [5.1, 5.0], [5.0, 5.1], [5.1, 5.1]])
    check(impl, x, 0.5, expected=np.array([0] * 5 + [-1] * 4),
          why="min_samples defaults to 5: the group of five is a cluster, the group of four is noise")


def test_border_point_does_not_merge_clusters(impl):
    # Core points are 1 (index 0) and -1 (index 4); the point at 0 (index 3) has 3 < 4 neighbours, so it is a
    # border point of both clusters: it must not chain them into one.
    x = np.array([[1.0], [1.5], [2.0], [0.0], [-1.0], [-1.5], [-2.0]])
    call = Call(impl.dbscan, x, 1.2, 4)
    got = np.asarray(call.out)
    if got.shape != (7,) or len(set(got[[0, 4]].tolist())) != 2 or -1 in got.tolist():
        fail("the two groups must be two clusters, and no point is noise", call=call, got=show(call.out),
             why="point 3 is not core (3 neighbours < 4): only core points extend a cluster")


@pytest.mark.convention("border point of two clusters: the lower-numbered")
def test_border_point_between_two_clusters(impl):
    x = np.array([[1.0], [1.5], [2.0], [0.0], [-1.0], [-1.5], [-2.0]])
    check(impl, x, 1.2, 4, expected=np.array([0, 0, 0, 0, 1, 1, 1]),
          why="point 3 is a border point of both clusters, and joins cluster 0, the one numbered first "
              "(the one that reaches it first, as in scikit-learn)")


@pytest.mark.convention("clusters numbered by their lowest-index core point")
def test_numbering_follows_the_lowest_index_core_point(impl):
    x = np.array([[50.0, 0.0], [0.0, 0.0], [50.0, 1.0], [0.0, 1.0], [25.0, 25.0]])
    check(impl, x, 1.5, 2, expected=np.array([0, 1, 0, 1, -1]), exact=True,
          why="point 0 is the first core point, so its cluster is number 0")


def test_min_samples_one_makes_every_point_core(impl):
    x = np.array([[0.0, 0.0], [5.0, 5.0], [0.5, 0.0], [9.0, 9.0]])
    check(impl, x, 1.0, 1, expected=np.array([0, 1, 0, 2]),
          why="min_samples=1 counts the point itself: nobody is noise")


def test_everything_noise(impl):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 1000, (20, 2)).astype(np.float64) * 10
    check(impl, x, 0.5, 2, expected=np.full(20, -1))


# 2. Against scikit-learn on seeded random data.

def blobs_with_noise(rng, n, dtype=np.float64):
    k = max(1, n // 40)
    centres = rng.uniform(0, 10, (k, 2))
    clustered = centres[rng.integers(0, k, n - n // 4)] + rng.normal(0, 0.4, (n - n // 4, 2))
    return np.concatenate([clustered, rng.uniform(-1, 11, (n // 4, 2))]).astype(dtype)


@pytest.mark.parametrize("min_samples", [1, 2, 4, 10])
@pytest.mark.parametrize("n", [1, 2, 30, 300])
def test_matches_sklearn(impl, n, min_samples):
    rng = np.random.default_rng(n * 10 + min_samples)
    for eps in (0.2, 0.5, 1.0):
        x = blobs_with_noise(rng, n)  # continuous: no distance is exactly eps
        while border_tie(x, eps, min_samples):  # a border point of two clusters is the convention's test
            x = blobs_with_noise(rng, n)
        check(impl, x, eps, min_samples)


@pytest.mark.parametrize("eps,min_samples", [(1.2, 3), (1.2, 5), (2.1, 4), (2.1, 9)])
def test_integer_grid(impl, eps, min_samples):
    # Points on an integer grid: many points at the same distances, none at exactly eps.
    rng = np.random.default_rng(int(eps * 10) + min_samples)
    done = 0
    while done < 2:
        x = rng.permutation(np.unique(rng.integers(0, 12, (90, 2)), axis=0).astype(np.float64))
        if not border_tie(x, eps, min_samples):
            check(impl, x, eps, min_samples)
            done += 1


def test_float32_input(impl):
    rng = np.random.default_rng(5)
    x = np.round(blobs_with_noise(rng, 200) * 8) / 8  # multiples of 1/8: exact in float32 and float64
    while border_tie(x, 0.55, 4):
        x = np.round(blobs_with_noise(rng, 200) * 8) / 8
    check(impl, x.astype(np.float32), 0.55, 4)  # 0.55: no distance between multiples of 1/8 equals it


# 3. Edge cases and bad input.

def test_empty_input(impl):
    call = Call(impl.dbscan, np.zeros((0, 2)), 0.5, 3)
    if np.shape(call.out) != (0,):
        fail("no points: an empty array of labels", call=call, got=show(call.out))


def test_duplicate_points_are_neighbours(impl):
    x = np.array([[1.0, 1.0]] * 3 + [[5.0, 5.0]])
    check(impl, x, 0.1, 3, expected=np.array([0, 0, 0, -1]), why="identical points are at distance 0 <= eps")


@pytest.mark.convention("labels: an int64 array")
def test_returns_int64(impl):
    for x in (np.array([[0.0, 0.0], [0.5, 0.0], [9.0, 9.0]], np.float32), np.zeros((0, 2))):
        call = Call(impl.dbscan, x, 1.0, 2)
        assert_array(call.out, dtype=np.int64, shape=(len(x),), call=call, what="labels")


@pytest.mark.contract("eps <= 0 or min_samples < 1: ValueError")
def test_bad_parameters_raise(impl):
    x = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]])
    assert_raises(ValueError, impl.dbscan, x, 0.0, 2, why="eps must be > 0")
    assert_raises(ValueError, impl.dbscan, x, -1.0, 2, why="eps must be > 0")
    assert_raises(ValueError, impl.dbscan, x, 1.0, 0, why="min_samples must be >= 1")


@pytest.mark.contract("x not a finite 2-D array: ValueError")
def test_bad_x_raises(impl):
    assert_raises(ValueError, impl.dbscan, np.array([[0.0, np.nan], [0.0, 0.0]]), 1.0, 1, why="x must be finite")
    assert_raises(ValueError, impl.dbscan, np.array([[np.inf, 0.0], [0.0, 0.0]]), 1.0, 1, why="x must be finite")
    assert_raises(ValueError, impl.dbscan, np.zeros((3, 2, 1)), 1.0, 1, why="x must be (N, D)")


# 4. Properties.

def test_translation_and_rotation_keep_the_labels(impl):
    rng = np.random.default_rng(6)
    x = np.unique(rng.integers(0, 15, (120, 2)), axis=0).astype(np.float64)
    base = np.asarray(Call(impl.dbscan, x, 1.2, 3).out)
    moved = np.stack([-x[:, 1], x[:, 0]], axis=1) + 1000.0  # a quarter turn and a shift: exact on integers
    call = Call(impl.dbscan, moved, 1.2, 3)
    assert_equal(np.asarray(call.out), base, call=call, what="labels after rotating and shifting every point",
                 why="DBSCAN depends on pairwise distances only")
