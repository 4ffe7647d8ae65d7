"""Tests for classic/knn. Run: pytest katas/classic/knn"""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_raises, fail, show

sklearn_neighbors = pytest.importorskip("sklearn.neighbors")


def brute_force(x_train, y_train, x_test, k):
    """The rules, one test point at a time: sort by (distance, index), take k, most votes, smallest label."""
    x_train, x_test = np.asarray(x_train, np.float64), np.asarray(x_test, np.float64)
    out, why = [], []
    for q in x_test:
        d2 = ((x_train - q) ** 2).sum(axis=1)
        order = sorted(range(len(x_train)), key=lambda i: (d2[i], i))[:k]
        labels, counts = np.unique(np.asarray(y_train)[order], return_counts=True)
        top = labels[counts == counts.max()]
        out.append(int(top.min()))
        why.append(f"its {k} nearest training points are {order} with labels {np.asarray(y_train)[order].tolist()}"
                   + (f"; labels {top.tolist()} tie with {counts.max()} votes each, the smallest wins"
                      if len(top) > 1 else ""))
    return np.array(out, dtype=np.int64), why


def check(impl, x_train, y_train, x_test, k, *, oracle="brute", why=None):
    __tracebackhide__ = True
    call = Call(impl.knn_predict, x_train, y_train, x_test, k)
    q = len(x_test)
    assert_array(call.out, dtype=np.int64, shape=(q,), call=call, what="predicted labels")
    if oracle == "sklearn":  # only on data without distance ties, where its neighbour order is ours
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):  # threads only add start-up and contention at these sizes
            model = sklearn_neighbors.KNeighborsClassifier(k, algorithm="brute").fit(
                np.asarray(x_train, np.float64), y_train)
            expected = model.predict(np.asarray(x_test, np.float64))
    else:
        expected = brute_force(x_train, y_train, x_test, k)[0]
    got = np.asarray(call.out)
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


def test_vote_tie_goes_to_the_smallest_label(impl):
    x_train = np.array([[0.0], [3.0], [10.0], [13.0]])
    y_train = np.array([5, 2, 5, 2])
    check(impl, x_train, y_train, np.array([[1.0], [11.5]]), 2,
          why="each test point has one neighbour of label 5 and one of label 2: a tie, and 2 is the smaller label")
    check(impl, x_train, y_train, np.array([[6.0]]), 4, why="k = N: two votes each for 2 and 5; 2 wins")


def test_distance_tie_goes_to_the_lower_index(impl):
    x_train = np.array([[1.0], [-1.0], [5.0], [-1.0], [1.0]])
    y_train = np.array([7, 3, 3, 9, 4])
    check(impl, x_train, y_train, np.array([[0.0]]), 1,
          why="training points 0, 1, 3 and 4 are all at distance 1; the lowest index, 0 (label 7), is the nearest")
    check(impl, x_train, y_train, np.array([[0.0]]), 3,
          why="the 3 nearest are points 0, 1, 3 (labels 7, 3, 9): a three-way tie, smallest label 3")


def test_a_training_point_is_its_own_nearest_neighbour(impl):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 2))
    y = rng.integers(0, 5, 30)
    check(impl, x, y, x, 1,
          why="predicting on the training points themselves: distance 0 to the point itself, so with k = 1 "
              "each point gets its own label (no leave-one-out)")
    check(impl, x, y, x.copy(), 3)


def test_labels_that_are_not_0_to_c_minus_1(impl):
    rng = np.random.default_rng(1)
    x_train = rng.normal(size=(40, 3))
    y_train = rng.choice(np.array([-4, 3, 7, 100]), 40)
    check(impl, x_train, y_train, rng.normal(size=(25, 3)), 5, oracle="sklearn",
          why="return the labels themselves (here -4, 3, 7, 100), not their positions among the classes")


# 2. Against scikit-learn and the brute force, seeded.

@pytest.mark.parametrize("k", [1, 2, 3, 4, 10])
@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_matches_sklearn(impl, k, n_classes):
    rng = np.random.default_rng(10 * k + n_classes)
    for n, q in [(k, 1), (30, 17), (200, 60)]:
        centres = rng.normal(0, 2, (n_classes, 4))
        y_train = rng.integers(0, n_classes, n)
        x_train = centres[y_train] + rng.normal(size=(n, 4))  # random floats: no two distances tie
        check(impl, x_train, y_train, rng.normal(0, 2, (q, 4)), k, oracle="sklearn")


@pytest.mark.parametrize("k", [1, 2, 4, 7])
def test_integer_grid_with_many_ties(impl, k):
    rng = np.random.default_rng(20 + k)
    for _ in range(3):
        x_train = rng.integers(0, 4, (40, 2)).astype(np.float64)  # duplicates and equal distances everywhere
        y_train = rng.integers(0, 3, 40)
        check(impl, x_train, y_train, rng.integers(0, 4, (30, 2)).astype(np.float64), k)


def test_float32_inputs(impl):
    rng = np.random.default_rng(30)
    x_train = rng.integers(-3, 4, (50, 3)).astype(np.float32)
    y_train = rng.integers(0, 4, 50).astype(np.int32)
    check(impl, x_train, y_train, rng.integers(-3, 4, (20, 3)).astype(np.float32), 5)


# 3. Edge cases and bad input.

def test_no_test_points(impl):
    call = Call(impl.knn_predict, np.zeros((3, 2)), np.array([0, 1, 1]), np.zeros((0, 2)), 2)
    assert_array(call.out, dtype=np.int64, shape=(0,), call=call, what="predictions for no test points")


def test_single_training_point(impl):
    check(impl, np.array([[2.0, 2.0]]), np.array([6]), np.array([[0.0, 0.0], [9.0, 9.0]]), 1,
          why="one training point: it is everyone's nearest neighbour")


def test_bad_input_raises(impl):
    x, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    fn = impl.knn_predict
    assert_raises(ValueError, fn, x, y, np.zeros((2, 2)), 0, why="k must be at least 1")
    assert_raises(ValueError, fn, x, y, np.zeros((2, 2)), 5, why="k cannot exceed the 4 training points")
    assert_raises(ValueError, fn, x, y, np.zeros((2, 3)), 1, why="test points have 3 features, training points 2")
    assert_raises(ValueError, fn, x, y[:3], np.zeros((2, 2)), 1, why="y_train needs one label per training point")
    assert_raises(ValueError, fn, np.zeros(4), y, np.zeros((2, 1)), 1, why="x_train must be (N, D)")


# 4. Properties.

def test_shuffling_the_training_set(impl):
    rng = np.random.default_rng(40)
    x_train, y_train = rng.normal(size=(60, 3)), rng.integers(0, 4, 60)
    x_test = rng.normal(size=(30, 3))
    base = check(impl, x_train, y_train, x_test, 5)
    perm = rng.permutation(60)
    call = Call(impl.knn_predict, x_train[perm], y_train[perm], x_test, 5)
    if not np.array_equal(call.out, base):
        fail("the order of the training set changed the predictions", call=call, got=show(np.asarray(call.out)),
             expected=show(base), why="with no distance ties, the k nearest are the same points in any order")
