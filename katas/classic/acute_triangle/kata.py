"""Acute triangles on a circle, by Monte Carlo · 圆上三点构成锐角三角形的概率（蒙特卡洛）

Three points drawn uniformly on a circle form an acute triangle with probability exactly 1/4 (the
triangle is acute exactly when it contains the centre). Estimate that probability by simulation and
say how sure you are: return a confidence interval that really covers 1/4 as often as it claims.

Run the tests: pytest katas/classic/acute_triangle
"""

import numpy as np

__all__ = ["is_acute", "acute_probability"]


def is_acute(angles: np.ndarray) -> np.ndarray:
    """Which triangles, given by the angles of their three vertices on a circle, are acute.

    Args:
        angles: float array of shape (..., 3) (float32 or float64): the polar angles, in radians,
            of three points on one circle. Any real values, in any order: angles are taken modulo
            2 pi, so -pi/2 and 3 pi/2 are the same point.

    Returns:
        bool array of shape ``angles.shape[:-1]`` (a 0-d array for a single triangle): True where
        the triangle is acute.

    Rules and edge cases:
        - Going round the circle, the three points cut it into three arcs that add up to 2 pi. The
          angle of the triangle at a vertex is half the arc opposite it, so the triangle is acute
          exactly when every arc is **strictly** shorter than pi. An arc of exactly pi (a right
          triangle, such as angles 0, pi/2, pi) is not acute.
        - ``angles`` is not modified.
        - ``angles`` whose last axis is not 3 raise ``ValueError``.
    """
    raise NotImplementedError("is_acute")


def acute_probability(n: int, rng: np.random.Generator, confidence: float = 0.95) -> tuple:
    """Monte Carlo estimate of P(acute), with a normal-approximation confidence interval.

    Args:
        n: number of random triangles, n >= 1.
        rng: the only source of randomness. Draw all vertex angles with one call,
            ``rng.uniform(0.0, 2 * np.pi, size=(n, 3))`` (row i is triangle i), so the same seed
            gives the same answer.
        confidence: the confidence level of the interval, 0 < confidence < 1.

    Returns:
        ``(estimate, low, high)``, three floats: ``estimate = k / n`` where k of the n triangles
        are acute, and the interval ``[low, high]``.

    The interval (Wald): ``estimate -+ z * se`` with the standard error of a proportion,
    ``se = sqrt(estimate * (1 - estimate) / n)``, and ``z`` the two-sided normal quantile,
    ``z = Phi^-1((1 + confidence) / 2)`` (1.96 for 0.95; ``statistics.NormalDist().inv_cdf``
    gives it without scipy). Then clip both ends to [0, 1]. For large n (say n >= 500 here, where
    k is far from 0 and n) the interval contains 1/4 in a fraction of runs close to
    ``confidence``, and its width shrinks like ``1 / sqrt(n)``.

    Rules and edge cases:
        - n = 1 gives an estimate of 0 or 1 and an interval of width 0 (se = 0).
        - n < 1, or confidence not strictly between 0 and 1, raise ``ValueError``.

    Canonical code: statsmodels ``proportion_confint(k, n, alpha=1 - confidence, method="normal")``
    is this interval, clipped the same way. Its ``method="wilson"`` (the Wilson score interval,
    better for small n) covers as well but is not the Wald formula (test_wald_interval_formula).

    Speed: there is no speed test, but the tests make about a thousand calls: vectorise over the n
    triangles (no Python loop over them).
    """
    raise NotImplementedError("acute_probability")
