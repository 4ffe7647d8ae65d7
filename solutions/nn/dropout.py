"""Inverted dropout in numpy: one uniform draw per element, survivors scaled by 1 / (1 - p)."""

import numpy as np


def _check(p):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p}")


def _scale(p):
    return 0.0 if p == 1.0 else 1.0 / (1.0 - p)  # p = 1 drops everything: no 0 / 0


def dropout_forward(x: np.ndarray, p: float, rng: np.random.Generator, training: bool = True):
    _check(p)
    if not training:
        return x.copy(), None
    mask = rng.random(x.shape) >= p
    return (x * mask * _scale(p)).astype(x.dtype, copy=False), mask


def dropout_backward(dout: np.ndarray, mask, p: float) -> np.ndarray:
    if mask is None:
        return dout.copy()
    return (dout * mask * _scale(p)).astype(dout.dtype, copy=False)
