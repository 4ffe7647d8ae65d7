"""The One Euro filter (Casiez et al., CHI 2012), vectorised over signals."""

import numpy as np


def _alpha(te, cutoff):
    tau = 1.0 / (2 * np.pi * cutoff)
    return 1.0 / (1.0 + tau / te)


def one_euro_filter(values: np.ndarray, timestamps: np.ndarray, min_cutoff: float = 1.0, beta: float = 0.0,
                    d_cutoff: float = 1.0) -> np.ndarray:
    x = np.asarray(values, dtype=np.float64)
    t = np.asarray(timestamps, dtype=np.float64)
    if x.ndim not in (1, 2) or t.shape != (len(x),):
        raise ValueError(f"values must be (T,) or (T, D) and timestamps (T,), got {x.shape} and {t.shape}")
    if np.any(np.diff(t) <= 0):
        raise ValueError("timestamps must be strictly increasing")
    if min_cutoff <= 0 or d_cutoff <= 0 or beta < 0:
        raise ValueError("need min_cutoff > 0, d_cutoff > 0 and beta >= 0")
    out = np.empty_like(x)
    if len(x) == 0:
        return out
    out[0] = x[0]
    dx = np.zeros_like(x[0])
    for i in range(1, len(x)):
        te = t[i] - t[i - 1]
        a_d = _alpha(te, d_cutoff)
        dx = a_d * (x[i] - out[i - 1]) / te + (1 - a_d) * dx
        a = _alpha(te, min_cutoff + beta * np.abs(dx))
        out[i] = a * x[i] + (1 - a) * out[i - 1]
    return out
