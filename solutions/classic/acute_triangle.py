"""Monte Carlo estimate of P(three random points on a circle form an acute triangle) = 1/4."""

from statistics import NormalDist

import numpy as np


def is_acute(angles: np.ndarray) -> np.ndarray:
    a = np.asarray(angles, dtype=np.float64)
    if a.ndim < 1 or a.shape[-1] != 3:
        raise ValueError(f"angles must have shape (..., 3), got {a.shape}")
    a = np.sort(np.mod(a, 2 * np.pi), axis=-1)
    arcs = np.stack([a[..., 1] - a[..., 0], a[..., 2] - a[..., 1], 2 * np.pi - (a[..., 2] - a[..., 0])], axis=-1)
    return (arcs < np.pi).all(axis=-1)  # an arc of exactly pi is a right triangle


def acute_probability(n: int, rng: np.random.Generator, confidence: float = 0.95) -> tuple:
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    p = float(is_acute(rng.uniform(0.0, 2 * np.pi, size=(n, 3))).mean())
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    half = z * np.sqrt(p * (1 - p) / n)  # the standard error of a proportion: sqrt(p q / n)
    return p, max(0.0, p - half), min(1.0, p + half)
