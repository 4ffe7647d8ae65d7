"""Centred-difference numerical gradients and the elementwise relative error, in numpy."""

import numpy as np


def numerical_gradient(f, x: np.ndarray, dout=None, h: float = 1e-5) -> np.ndarray:
    x = np.array(x, dtype=np.float64)  # a float64 copy: the caller's x is never touched
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = np.asarray(f(x), dtype=np.float64)
        flat[i] = old - h
        minus = np.asarray(f(x), dtype=np.float64)
        flat[i] = old
        diff = plus - minus
        gflat[i] = np.sum(diff if dout is None else diff * dout) / (2 * h)
    return grad


def relative_error(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))
