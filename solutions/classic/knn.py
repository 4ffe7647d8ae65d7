"""k-nearest-neighbour classification: stable sort for distance ties, smallest label for vote ties."""

import numpy as np


def _validate(x_train, y_train, x_test, k):
    x_train, x_test = np.asarray(x_train, dtype=np.float64), np.asarray(x_test, dtype=np.float64)
    y_train = np.asarray(y_train)
    if x_train.ndim != 2 or x_test.ndim != 2 or x_train.shape[1] != x_test.shape[1]:
        raise ValueError(f"x_train (N, D) and x_test (Q, D) needed, got {x_train.shape} and {x_test.shape}")
    if y_train.shape != (len(x_train),):
        raise ValueError(f"y_train must have shape ({len(x_train)},), got {y_train.shape}")
    if not 1 <= k <= len(x_train):
        raise ValueError(f"k must be in 1 .. N = {len(x_train)}, got {k}")
    return x_train, y_train, x_test


def knn_predict(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, k: int) -> np.ndarray:
    x_train, y_train, x_test = _validate(x_train, y_train, x_test, k)
    d2 = ((x_test[:, None, :] - x_train[None, :, :]) ** 2).sum(axis=-1)  # (Q, N)
    nearest = np.argsort(d2, axis=1, kind="stable")[:, :k]  # stable: equal distances keep index order
    classes, class_of = np.unique(y_train, return_inverse=True)  # classes sorted ascending
    votes = np.zeros((len(x_test), len(classes)), dtype=np.int64)
    np.add.at(votes, (np.arange(len(x_test))[:, None], class_of[nearest]), 1)
    return classes[votes.argmax(axis=1)].astype(np.int64)  # argmax takes the first, i.e. smallest, label
