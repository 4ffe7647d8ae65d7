"""Seeded input generators shared by several katas' tests."""

from __future__ import annotations

import numpy as np


def clustered_boxes(n: int, rng: np.random.Generator, *, per_object: int = 50, extent: float = 1000.0,
                    dtype=np.float32, integral: bool = True) -> np.ndarray:
    """(n, 4) ``x1, y1, x2, y2`` boxes on integer coordinates, clustered around n / per_object objects
    the way a detector's raw output is (so NMS keeps about one box in ten). Integer coordinates keep
    IoUs exact enough that float32 and float64 answers agree, even at a threshold. ``integral=False``
    keeps them continuous, so that no two boxes touch exactly (no IoU of exactly 0 to decide)."""
    objects = max(1, n // per_object)
    centres = rng.uniform(0, extent, (objects, 2))
    sizes = rng.uniform(extent / 50, extent / 5, (objects, 2))
    k = rng.integers(0, objects, n)
    centre = centres[k] + rng.normal(0, 0.15, (n, 2)) * sizes[k]
    size = sizes[k] * rng.uniform(0.7, 1.3, (n, 2))
    out = np.concatenate([centre - size / 2, centre + size / 2], axis=1)
    return (out.round() if integral else out).astype(dtype)


def tied_scores(n: int, rng: np.random.Generator, levels: int = 10, dtype=np.float32) -> np.ndarray:
    """Scores in (0, 1] drawn from only `levels` values, so many are tied."""
    return (rng.integers(1, levels + 1, n) / levels).astype(dtype)


class SeededRng(np.random.Generator):
    """``np.random.default_rng(seed)`` (the same stream) that shows itself as that call in failure
    messages, so a learner can replay the exact case. `Call` lets any Generator advance."""

    def __init__(self, seed: int):
        super().__init__(np.random.PCG64(seed))
        self.seed = seed

    def __repr__(self):
        return f"np.random.default_rng({self.seed})"


def undecided(draw, oracle, alternatives, *, rng, tries: int = 200):
    """Inputs on which no alternative convention changes the answer: ``draw(rng)`` returns a tuple of
    arguments; it is drawn again until ``oracle(*args)`` equals ``alt(*args)`` for every function in
    ``alternatives`` (the oracle run under another convention: +1 areas, ``>=``, reversed ties).
    So a random comparison fails only a wrong algorithm; each convention has its own hand-built test."""
    for _ in range(tries):
        args = draw(rng)
        expected = oracle(*args)
        if all(np.array_equal(np.asarray(alt(*args)), np.asarray(expected)) for alt in alternatives):
            return args, expected
    raise RuntimeError(f"no input in {tries} draws that every convention agrees on; change the draw")
