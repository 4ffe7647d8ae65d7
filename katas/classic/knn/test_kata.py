"""Tests for classic/knn. Run: pytest katas/classic/knn"""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_raises, fail, show


def brute_force(x_train, y_train, x_test, k):
    """The oracle, by the statement's rules: the full (Q, N) matrix of squared distances, a stable sort
    of each row (equal distances: lower training index first), the first k, the label with the most
    votes, the smallest label on a tied vote. Returns the predictions and, per test point, why.
    On the tie-free inputs of test_matches_sklearn it agrees with scikit-learn's
    KNeighborsClassifier(k, algorithm="brute") (checked offline)."""
    x_train, x_test = np.asarray(x_train, np.float64), np.asarray(x_test, np.float64)
    y = np.asarray(y_train)
    d2 = ((x_test[:, None, :] - x_train[None, :, :]) ** 2).sum(-1)
    nearest = np.argsort(d2, axis=1, kind="stable")[:, :k]
    out, why = [], []
    for order in nearest.tolist():
        labels, counts = np.unique(y[order], return_counts=True)  # sorted labels: argmax takes the smallest
        top = labels[counts == counts.max()]
        out.append(int(labels[counts.argmax()]))
        why.append(f"its {k} nearest training points are {order} with labels {y[order].tolist()}"
                   + (f"; labels {top.tolist()} tie with {counts.max()} votes each, the smallest wins"
                      if len(top) > 1 else ""))
    return np.array(out, dtype=np.int64), why


def settled(x_train, y_train, x_test, k):
    """The test points whose prediction no tie rule decides: the k-th and (k+1)-th nearest training
    points are at different distances (so the k neighbours are the same set whatever the order of
    equal distances) and one label has the most votes."""
    x_train, x_test, y = np.asarray(x_train, np.float64), np.asarray(x_test), np.asarray(y_train)
    d2 = ((x_test.astype(np.float64)[:, None, :] - x_train[None]) ** 2).sum(-1)
    keep = np.ones(len(x_test), bool)
    for i, row in enumerate(d2):
        order = np.argsort(row, kind="stable")
        if k < len(row) and row[order[k - 1]] == row[order[k]]:
            keep[i] = False
            continue
        _, counts = np.unique(y[order[:k]], return_counts=True)
        keep[i] = (counts == counts.max()).sum() == 1
    return x_test[keep]


def check(impl, x_train, y_train, x_test, k, *, why=None):
    """Predictions against the oracle; read as integers of any dtype (int64: test_returns_int64)."""
    __tracebackhide__ = True
    call = Call(impl.knn_predict, x_train, y_train, x_test, k)
    q = len(x_test)
    got = np.asarray(call.out)
    if got.shape != (q,) or (q and got.dtype.kind not in "iu"):
        fail(f"knn_predict must return ({q},) integer labels", call=call, got=show(call.out))
    expected = brute_force(x_train, y_train, x_test, k)[0]
    bad = np.flatnonzero(got != expected)
    if bad.size:
        i = int(bad[0])
        fail(f"test point {i}: predicted {got[i]}, expected {expected[i]} ({bad.size} of {q} wrong)",
             call=call, got=show(got), expected=show(np.asarray(expected, np.int64)),
             why=why or brute_force(x_train, y_train, np.asarray(x_test)[i:i + 1], k)[1][0])
    return got


# 1. Small cases you can check on paper.

def test_one_dimension_by_hand(impl):
    x_train = np.array([[0.0], [1.0], [2.0], [10.0], [11.0]])
    y_train = np.array([0, 0, 1, 1, 1])
    # 0.4: nearest 0, 1, 2 -> votes 0, 0, 1. 10.5: 10, 11, 2 -> 1, 1, 1. 5.9: 2 (3.9), 10 (4.1), 1 (4.9) -> 1, 1, 0.
    check(impl, x_train, y_train, np.array([[0.4], [10.5], [5.9]]), 3)


@pytest.mark.convention("tied vote: the smallest label wins")
def test_vote_tie_goes_to_the_smallest_label(impl):
    x_train = np.array([[0.0], [3.0], [10.0], [13.0]])
    y_train = np.array([5, 2, 5, 2])
    check(impl, x_train, y_train, np.array([[1.0], [11.5]]), 2,
          why="each test point has one neighbour of label 5 and one of label 2: a tie, and 2 is the smaller label")
    check(impl, x_train, y_train, np.array([[6.0]]), 4, why="k = N: two votes each for 2 and 5; 2 wins")


@pytest.mark.convention("equal distances: lower training index first")
def test_distance_tie_goes_to_the_lower_index(impl):
    x_train = np.array([[1.0], [-1.0], [5.0], [-1.0], [1.0]])
    y_train = np.array([7, 3, 3, 9, 4])
    check(impl, x_train, y_train, np.array([[0.0]]), 1,
          why="training points 0, 1, 3 and 4 are all at distance 1; the lowest index, 0 (label 7), is the nearest")
    check(impl, np.array([[2.0], [0.0], [2.0]]), np.array([8, 6, 5]), np.array([[1.0]]), 1,
          why="points 0, 1, 2 are all at distance 1; point 0 (label 8) is the nearest")


def test_a_training_point_is_its_own_nearest_neighbour(impl):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 2))
    y = rng.integers(0, 5, 30)
    check(impl, x, y, x, 1,
          why="predicting on the training points themselves: distance 0 to the point itself, so with k = 1 "
              "each point gets its own label (no leave-one-out)")
    check(impl, x, y, settled(x, y, x, 3), 3)


def test_labels_that_are_not_0_to_c_minus_1(impl):
    rng = np.random.default_rng(1)
    x_train = rng.normal(size=(40, 3))
    y_train = rng.choice(np.array([-4, 3, 7, 100]), 40)
    check(impl, x_train, y_train, settled(x_train, y_train, rng.normal(size=(25, 3)), 5), 5,
          why="return the labels themselves (here -4, 3, 7, 100), not their positions among the classes")


# 2. Against the brute force (scikit-learn's answers on these inputs), seeded.

@pytest.mark.parametrize("k", [1, 2, 3, 4, 10])
@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_matches_sklearn(impl, k, n_classes):
    rng = np.random.default_rng(10 * k + n_classes)
    for n, q in [(k, 1), (30, 17), (200, 60)]:
        centres = rng.normal(0, 2, (n_classes, 4))
        y_train = rng.integers(0, n_classes, n)
        x_train = centres[y_train] + rng.normal(size=(n, 4))  # random floats: no two distances tie
        x_test = settled(x_train, y_train, rng.normal(0, 2, (q, 4)), k)  # no tied vote
        check(impl, x_train, y_train, x_test, k)


@pytest.mark.parametrize("k", [1, 2, 4, 7])
def test_integer_grid_with_many_ties(impl, k):
    # Duplicates and equal distances everywhere; kept are the test points where the tie rules agree.
    rng = np.random.default_rng(20 + k)
    for _ in range(3):
        x_train = rng.integers(0, 4, (40, 2)).astype(np.float64)
        y_train = rng.integers(0, 3, 40)
        x_test = settled(x_train, y_train, rng.integers(0, 4, (60, 2)).astype(np.float64), k)
        check(impl, x_train, y_train, x_test, k)


def test_float32_inputs(impl):
    rng = np.random.default_rng(30)
    x_train = rng.integers(-3, 4, (50, 3)).astype(np.float32)
    y_train = rng.integers(0, 4, 50).astype(np.int32)
    x_test = settled(x_train, y_train, rng.integers(-3, 4, (40, 3)).astype(np.float32), 5)
    check(impl, x_train, y_train, x_test.astype(np.float32), 5)


# 3. Edge cases and bad input.

def test_no_test_points(impl):
    call = Call(impl.knn_predict, np.zeros((3, 2)), np.array([0, 1, 1]), np.zeros((0, 2)), 2)
    if np.shape(call.out) != (0,):
        fail("no test points: an empty array of predictions", call=call, got=show(call.out))


def test_single_training_point(impl):
    check(impl, np.array([[2.0, 2.0]]), np.array([6]), np.array([[0.0, 0.0], [9.0, 9.0]]), 1,
          why="one training point: it is everyone's nearest neighbour")


@pytest.mark.convention("predictions: an int64 array")
def test_returns_int64(impl):
    x = np.array([[0.0], [1.0], [5.0]], np.float32)
    for y in (np.array([4, 4, 9], np.int32), np.array([4, 4, 9], np.int64)):
        for q in (np.array([[0.2], [4.0]], np.float32), np.zeros((0, 1), np.float32)):
            call = Call(impl.knn_predict, x, y, q, 1)
            assert_array(call.out, dtype=np.int64, shape=(len(q),), call=call, what="predictions")


@pytest.mark.contract("k not in 1..N: ValueError")
def test_bad_k_raises(impl):
    x, y = np.arange(8.0).reshape(4, 2), np.array([0, 1, 0, 1])
    assert_raises(ValueError, impl.knn_predict, x, y, np.zeros((2, 2)), 0, why="k must be at least 1")
    assert_raises(ValueError, impl.knn_predict, x, y, np.zeros((2, 2)), 5, why="k cannot exceed the 4 training points")


@pytest.mark.contract("bad shapes: ValueError")
def test_bad_shapes_raise(impl):
    x, y = np.arange(8.0).reshape(4, 2), np.array([0, 1, 0, 1])
    fn = impl.knn_predict
    assert_raises(ValueError, fn, x, y, np.zeros((2, 1)), 1, why="test points have 1 feature, training points 2")
    assert_raises(ValueError, fn, x, np.array([0, 1, 0, 1, 1]), np.zeros((2, 2)), 1,
                  why="y_train needs exactly one label per training point (5 labels for 4 points)")
    assert_raises(ValueError, fn, x, y, np.zeros((2, 1, 2)), 1, why="x_test must be (Q, D)")


# 4. Properties.

def test_shuffling_the_training_set(impl):
    rng = np.random.default_rng(40)
    x_train, y_train = rng.normal(size=(60, 3)), rng.integers(0, 4, 60)
    x_test = rng.normal(size=(30, 3))
    x_test = settled(x_train, y_train, x_test, 5)  # no tied vote
    base = check(impl, x_train, y_train, x_test, 5)
    perm = rng.permutation(60)
    call = Call(impl.knn_predict, x_train[perm], y_train[perm], x_test, 5)
    if not np.array_equal(call.out, base):
        fail("the order of the training set changed the predictions", call=call, got=show(np.asarray(call.out)),
             expected=show(base), why="with no distance ties, the k nearest are the same points in any order")
