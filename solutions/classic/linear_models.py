"""Logistic regression and a hinge-loss linear SVM, fitted by (sub)gradient descent in numpy."""

import numpy as np


def _check(X, y, C):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (len(X),):
        raise ValueError(f"X must be (N, D) and y (N,), got {X.shape} and {y.shape}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("y must hold 0/1 labels")
    if not C > 0:
        raise ValueError(f"C must be > 0, got {C}")
    return X, 2.0 * y - 1.0  # signs in {-1, +1}


def logistic_objective(w, b, X, y, C=1.0) -> float:
    X, s = _check(X, y, C)
    w = np.asarray(w, dtype=np.float64)
    m = s * (X @ w + b)
    return float(0.5 * w @ w + C * np.logaddexp(0.0, -m).sum())  # log(1 + e^-m) without overflow


def hinge_objective(w, b, X, y, C=1.0) -> float:
    X, s = _check(X, y, C)
    w = np.asarray(w, dtype=np.float64)
    m = s * (X @ w + b)
    return float(0.5 * w @ w + C * np.maximum(0.0, 1.0 - m).sum())


def fit_logistic(X, y, C=1.0, n_steps=1000) -> tuple:
    X, s = _check(X, y, C)
    w, b = np.zeros(X.shape[1]), 0.0
    # the gradient is L-Lipschitz with L = 1 + C ||[X, 1]||_2^2 / 4: a step of 1 / L always descends
    lr = 1.0 / (1.0 + C * np.linalg.norm(np.hstack([X, np.ones((len(X), 1))]), 2) ** 2 / 4)
    for _ in range(n_steps):
        m = s * (X @ w + b)
        g = -C * s * 0.5 * (1 - np.tanh(m / 2))  # d/dz of C log(1 + e^-sz) = -C s sigmoid(-m)
        w, b = w - lr * (w + X.T @ g), b - lr * g.sum()  # the bias is not regularised
    return w, float(b)


def fit_linear_svm(X, y, C=1.0, n_steps=2000) -> tuple:
    X, s = _check(X, y, C)
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    best = (np.inf, w, b)
    lr0 = 1.0 / (1.0 + C * np.linalg.norm(np.hstack([X, np.ones((n, 1))]), 2) ** 2 / n)
    for t in range(n_steps):
        m = s * (X @ w + b)
        J = 0.5 * w @ w + C * np.maximum(0.0, 1.0 - m).sum()
        if J < best[0]:  # subgradient steps do not always descend: keep the best iterate
            best = (J, w, b)
        g = -C * s * (m < 1)  # a subgradient of the hinge (0 at the kink m = 1)
        step = lr0 / np.sqrt(t + 1)
        w, b = w - step * (w + X.T @ g), b - step * g.sum()
    m = s * (X @ w + b)
    if 0.5 * w @ w + C * np.maximum(0.0, 1.0 - m).sum() < best[0]:
        best = (None, w, b)
    return best[1], float(best[2])
