"""Known-wrong answers to classic/knn; `nox -s verify` proves the tests catch every one."""

import numpy as np

from solutions.classic import knn as ref


def _mutant(*, largest_on_tie=False, skip_zero=False, wrong_axis=False, unmapped=False, later_index_first=False):
    def knn_predict(x_train, y_train, x_test, k):
        x_train, y_train, x_test = ref._validate(x_train, y_train, x_test, k)
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
        return (winner if unmapped else classes[winner]).astype(np.int64)

    return knn_predict


WRONG = {
    "vote_tie_to_largest_label": {"knn_predict": _mutant(largest_on_tie=True)},
    "skips_zero_distance": {"knn_predict": _mutant(skip_zero=True)},
    "argsort_wrong_axis": {"knn_predict": _mutant(wrong_axis=True)},
    "label_index_not_mapped_back": {"knn_predict": _mutant(unmapped=True)},
    "distance_tie_to_higher_index": {"knn_predict": _mutant(later_index_first=True)},
}
SLOW = {}
