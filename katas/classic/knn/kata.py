"""k-nearest-neighbour classification · KNN (k 近邻) 分类

Predict a test point's class by a vote among the k training points nearest to it. Simple, but an
interviewer will ask exactly how you find the k nearest and what happens on ties, so the rules
below are precise.

Run the tests: pytest katas/classic/knn
"""

import numpy as np

__all__ = ["knn_predict"]


def knn_predict(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, k: int) -> np.ndarray:
    """Majority vote of the k nearest training points, for every test point.

    Args:
        x_train: float array (N, D), N >= 1, float32 or float64.
        y_train: integer array (N,) of class labels: any integers (not necessarily 0..C-1,
            contiguous or non-negative, e.g. ``[3, 7, 7, -1]``).
        x_test: float array (Q, D) with the same D; Q may be 0.
        k: number of neighbours, 1 <= k <= N.

    Returns:
        int64 array (Q,): the predicted label of each test point.

    Rules:
        - Distance is Euclidean (ranking by squared distance is the same).
        - The k nearest: sort the training points by distance to the test point; training points
          at the same distance are ordered by **lower training index first**, and the first k
          are the neighbours.
        - A test point that coincides with a training point (distance 0) has that training point
          as its nearest neighbour: nothing is left out, even when ``x_test`` is ``x_train``
          (this is prediction, not leave-one-out).
        - Vote: the label held by the most neighbours wins; when several labels have the same
          top count, the **smallest label** wins. Votes are unweighted.
        - Ties in distance only matter where distances are exact; the tests create them with
          small integer coordinates, where any float64 computation is exact.

    The inputs must not be modified. ``ValueError`` if x_train or x_test is not 2-D, their D
    differ, y_train is not (N,), or k is not in 1..N.

    Complexity: vectorise over test and training points (an O(Q N) distance matrix is fine); no
    Python loop over training points.

    Canonical code: ``sklearn.neighbors.KNeighborsClassifier(k, algorithm="brute").predict``. Its
    vote takes the mode of the encoded labels, so a tied vote goes to the smallest label as here
    (test_vote_tie_goes_to_the_smallest_label). Its neighbour search (argpartition, then argsort
    of the k distances) leaves the order of equal distances open; this kata pins lower index first
    (test_distance_tie_goes_to_the_lower_index). Predictions are int64 whatever y_train's integer
    dtype (test_returns_int64); every other test draws points whose answer no tie decides.
    """
    raise NotImplementedError("knn_predict")
