"""Known-wrong and canonical-style answers to classic/linear_models; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import numpy as np


def _make(*, signs=True, naive=False, mean=False, squared=False, frozen=False, reg_b=False, f32=False,
          check=True):
    def prep(X, y, C):
        X0 = np.asarray(X)
        X = X0.astype(np.float64)
        y = np.asarray(y)
        if check:
            if X.ndim != 2 or y.shape != (len(X),) or not np.isin(y, (0, 1)).all() or not C > 0:
                raise ValueError("bad input")
        return X0.dtype, X, (2.0 * y - 1.0) if signs else y.astype(np.float64)

    def scale(C, n):
        return C / n if mean else C

    def loss(m):
        if naive:
            with np.errstate(over="ignore"):
                return np.log(1 + np.exp(-m))
        return np.logaddexp(0.0, -m)

    def hinge(m):
        return np.maximum(0.0, 1.0 - m) ** (2 if squared else 1)

    def logistic_objective(w, b, X, y, C=1.0):
        _, X, s = prep(X, y, C)
        w = np.asarray(w, np.float64)
        return float(0.5 * w @ w + (0.5 * b * b if reg_b else 0) + scale(C, len(X)) * loss(s * (X @ w + b)).sum())

    def hinge_objective(w, b, X, y, C=1.0):
        _, X, s = prep(X, y, C)
        w = np.asarray(w, np.float64)
        return float(0.5 * w @ w + (0.5 * b * b if reg_b else 0) + scale(C, len(X)) * hinge(s * (X @ w + b)).sum())

    def out(dt, w, b):
        return (w.astype(np.float32), np.float32(b)) if f32 and dt == np.float32 else (w, float(b))

    def fit_logistic(X, y, C=1.0, n_steps=1000):
        dt, X, s = prep(X, y, C)
        c = scale(C, len(X))
        w, b = np.zeros(X.shape[1]), 0.0
        lr = 1.0 / (1.0 + c * np.linalg.norm(np.hstack([X, np.ones((len(X), 1))]), 2) ** 2 / 4)
        for _ in range(n_steps):
            m = s * (X @ w + b)
            g = -c * s * 0.5 * (1 - np.tanh(m / 2))
            w = w - lr * (w + X.T @ g)
            if not frozen:
                b = b - lr * (g.sum() + (b if reg_b else 0))
        return out(dt, w, b)

    def fit_linear_svm(X, y, C=1.0, n_steps=2000):
        dt, X, s = prep(X, y, C)
        n = len(X)
        c = scale(C, n)
        w, b = np.zeros(X.shape[1]), 0.0
        best = (np.inf, w, b)
        lr0 = 1.0 / (1.0 + c * np.linalg.norm(np.hstack([X, np.ones((n, 1))]), 2) ** 2 / n)
        for t in range(n_steps + 1):
            m = s * (X @ w + b)
            J = 0.5 * w @ w + (0.5 * b * b if reg_b else 0) + c * hinge(m).sum()
            if J < best[0]:
                best = (J, w, b)
            dm = -2 * np.maximum(0.0, 1 - m) if squared else -(m < 1).astype(float)
            g = c * s * dm
            step = lr0 / np.sqrt(t + 1)
            w = w - step * (w + X.T @ g)
            if not frozen:
                b = b - step * (g.sum() + (b if reg_b else 0))
        return out(dt, best[1], best[2])

    return {"logistic_objective": logistic_objective, "hinge_objective": hinge_objective,
            "fit_logistic": fit_logistic, "fit_linear_svm": fit_linear_svm}


def _liblinear():
    """In the style of liblinear: append a constant feature (intercept_scaling = 1) and regularise all
    weights alike, then split the last weight off as the intercept."""

    def aug(X, y, C):
        X, y = np.asarray(X, np.float64), np.asarray(y)
        if X.ndim != 2 or y.shape != (len(X),) or not np.isin(y, (0, 1)).all() or not C > 0:
            raise ValueError("bad input")
        return np.hstack([X, np.ones((len(X), 1))]), np.where(y == 1, 1.0, -1.0)

    def logistic_objective(w, b, X, y, C=1.0):
        Xa, yy = aug(X, y, C)
        wa = np.r_[np.asarray(w, np.float64), b]
        return float(0.5 * wa @ wa + C * np.logaddexp(0, -yy * (Xa @ wa)).sum())

    def hinge_objective(w, b, X, y, C=1.0):
        Xa, yy = aug(X, y, C)
        wa = np.r_[np.asarray(w, np.float64), b]
        return float(0.5 * wa @ wa + C * np.maximum(0, 1 - yy * (Xa @ wa)).sum())

    def fit_logistic(X, y, C=1.0, n_steps=1000):
        Xa, yy = aug(X, y, C)
        wa = np.zeros(Xa.shape[1])
        lr = 1.0 / (1.0 + C * np.linalg.norm(Xa, 2) ** 2 / 4)
        for _ in range(n_steps):
            wa = wa - lr * (wa - C * Xa.T @ (yy / (1 + np.exp(np.clip(yy * (Xa @ wa), -500, 500)))))
        return wa[:-1], float(wa[-1])

    def fit_linear_svm(X, y, C=1.0, n_steps=2000):
        Xa, yy = aug(X, y, C)
        wa, best, bestJ = np.zeros(Xa.shape[1]), None, np.inf
        lr0 = 1.0 / (1.0 + C * np.linalg.norm(Xa, 2) ** 2 / len(Xa))
        for t in range(n_steps + 1):
            m = yy * (Xa @ wa)
            J = 0.5 * wa @ wa + C * np.maximum(0, 1 - m).sum()
            if J < bestJ:
                bestJ, best = J, wa
            wa = wa - lr0 / np.sqrt(t + 1) * (wa - C * Xa.T @ (yy * (m < 1)))
        return best[:-1], float(best[-1])

    return {"logistic_objective": logistic_objective, "hinge_objective": hinge_objective,
            "fit_logistic": fit_logistic, "fit_linear_svm": fit_linear_svm}


WRONG = {
    "labels_as_signs": _make(signs=False),
    "naive_log": {"logistic_objective": _make(naive=True)["logistic_objective"]},
    "mean_loss": _make(mean=True),
    "squared_hinge": {k: v for k, v in _make(squared=True).items() if "svm" in k or "hinge" in k},
    "bias_frozen": {k: v for k, v in _make(frozen=True).items() if k.startswith("fit")},
    "regularised_bias": _make(reg_b=True),
    "float32_result": {k: v for k, v in _make(f32=True).items() if k.startswith("fit")},
    "no_checks": _make(check=False),
}
CANONICAL = {"liblinear": _liblinear()}
