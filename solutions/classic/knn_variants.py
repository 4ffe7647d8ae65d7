"""Known-wrong answers to classic/knn; `nox -s verify` proves the tests catch every one."""

import numpy as np

from solutions.classic import knn as ref


def _mutant(*, largest_on_tie=False, skip_zero=False, wrong_axis=False, unmapped=False, later_index_first=False,
            check_k=True, check_shapes=True, keep_dtype=False):
    def knn_predict(x_train, y_train, x_test, k):
        dtype = np.asarray(y_train).dtype
        x_train, x_test = np.asarray(x_train, dtype=np.float64), np.asarray(x_test, dtype=np.float64)
        y_train = np.asarray(y_train)
        if check_shapes and (x_train.ndim != 2 or x_test.ndim != 2 or x_train.shape[1] != x_test.shape[1]
                             or y_train.shape != (len(x_train),)):
            raise ValueError("bad shapes")
        if check_k and not 1 <= k <= len(x_train):
            raise ValueError("bad k")
        d2 = ((x_test[:, None, :] - x_train[None, :, :]) ** 2).sum(axis=-1)
        if skip_zero:  # "don't count the point itself"
            d2 = np.where(d2 == 0, np.inf, d2)
        if wrong_axis:
            nearest = np.argsort(d2, axis=0, kind="stable")[:k].T
        elif later_index_first:
            n = d2.shape[1]
            nearest = (n - 1 - np.argsort(d2[:, ::-1], axis=1, kind="stable"))[:, :k]
        else:
            nearest = np.argsort(d2, axis=1, kind="stable")[:, :k]
        classes, class_of = np.unique(y_train, return_inverse=True)
        votes = np.zeros((len(nearest), len(classes)), dtype=np.int64)
        np.add.at(votes, (np.arange(len(nearest))[:, None], class_of[nearest]), 1)
        if largest_on_tie:
            winner = len(classes) - 1 - votes[:, ::-1].argmax(axis=1)
        else:
            winner = votes.argmax(axis=1)
        return (winner if unmapped else classes[winner]).astype(dtype if keep_dtype else np.int64)

    return knn_predict


def sklearn_style(x_train, y_train, x_test, k):
    """Written anew in the style of KNeighborsClassifier(algorithm="brute").predict: classes_ and
    encoded labels from np.unique, kneighbors by argpartition then argsort of the k distances
    (neither stable), then the mode of the encoded labels (scipy.stats.mode: the smallest on ties)."""
    x_train, y_train, x_test = ref._validate(x_train, y_train, x_test, k)
    classes, _y = np.unique(y_train, return_inverse=True)
    dist = (x_test ** 2).sum(1)[:, None] - 2 * x_test @ x_train.T + (x_train ** 2).sum(1)[None, :]
    np.maximum(dist, 0, out=dist)
    rows = np.arange(len(x_test))[:, None]
    neigh_ind = np.argpartition(dist, k - 1, axis=1)[:, :k]
    neigh_ind = neigh_ind[rows, np.argsort(dist[rows, neigh_ind], axis=1)]
    counts = np.zeros((len(x_test), len(classes)), dtype=np.int64)
    np.add.at(counts, (rows, _y[neigh_ind]), 1)
    return classes[counts.argmax(axis=1)].astype(np.int64)


WRONG = {
    "vote_tie_to_largest_label": {"knn_predict": _mutant(largest_on_tie=True)},
    "skips_zero_distance": {"knn_predict": _mutant(skip_zero=True)},
    "argsort_wrong_axis": {"knn_predict": _mutant(wrong_axis=True)},
    "label_index_not_mapped_back": {"knn_predict": _mutant(unmapped=True)},
    "distance_tie_to_higher_index": {"knn_predict": _mutant(later_index_first=True)},
    "no_k_check": {"knn_predict": _mutant(check_k=False)},
    "no_shape_check": {"knn_predict": _mutant(check_shapes=False)},
    "labels_keep_input_dtype": {"knn_predict": _mutant(keep_dtype=True)},
}
CANONICAL = {"sklearn": {"knn_predict": sklearn_style}}
SLOW = {}
