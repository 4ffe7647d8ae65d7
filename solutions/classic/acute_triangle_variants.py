"""Known-wrong and canonical-style answers to classic/acute_triangle; `nox -s verify` proves the
tests catch every one. Never shown to learners."""

from statistics import NormalDist

import numpy as np


def _is_acute(*, wrap=True, le=False, check=True):
    def is_acute(angles):
        a = np.asarray(angles, dtype=np.float64)
        if check and (a.ndim < 1 or a.shape[-1] != 3):
            raise ValueError("angles must be (..., 3)")
        a = np.sort(np.mod(a, 2 * np.pi) if wrap else a, axis=-1)
        arcs = np.stack([a[..., 1] - a[..., 0], a[..., 2] - a[..., 1], 2 * np.pi - (a[..., 2] - a[..., 0])], -1)
        return (arcs <= np.pi if le else arcs < np.pi).all(axis=-1)

    return is_acute


def _estimate(*, se="sqrt_pq_n", z="two_sided", draw="pinned", clip=True, check=True):
    def acute_probability(n, rng, confidence=0.95):
        if check and (n < 1 or not 0 < confidence < 1):
            raise ValueError("bad n or confidence")
        if draw == "pinned":
            angles = rng.uniform(0.0, 2 * np.pi, size=(n, 3))
            hits = _is_acute()(angles)
        elif draw == "transposed":
            hits = _is_acute()(rng.uniform(0.0, 2 * np.pi, size=(3, n)).T)
        else:  # uniform in the unit disc: acute iff every angle of the triangle is acute
            r, t = np.sqrt(rng.uniform(size=(n, 3))), rng.uniform(0, 2 * np.pi, size=(n, 3))
            pts = np.stack([r * np.cos(t), r * np.sin(t)], -1)
            hits = np.ones(n, bool)
            for i in range(3):
                u, v = pts[:, (i + 1) % 3] - pts[:, i], pts[:, (i + 2) % 3] - pts[:, i]
                hits &= (u * v).sum(-1) > 0
        p = float(np.mean(hits))
        zz = {"two_sided": NormalDist().inv_cdf((1 + confidence) / 2),
              "one_sided": NormalDist().inv_cdf(confidence), "fixed": 1.96}[z]
        s = {"sqrt_pq_n": np.sqrt(p * (1 - p) / n), "no_n": np.sqrt(p * (1 - p)),
             "variance": p * (1 - p) / n, "over_n": np.sqrt(p * (1 - p)) / n}[se]
        low, high = p - zz * s, p + zz * s
        return (p, max(0.0, low), min(1.0, high)) if clip else (p, low, high)

    return acute_probability


def statsmodels_normal(n, rng, confidence=0.95):
    """In the style of statsmodels.stats.proportion.proportion_confint(method='normal')."""
    if n < 1 or not 0 < confidence < 1:
        raise ValueError("n >= 1 and 0 < confidence < 1")
    count = int(_is_acute()(rng.uniform(0.0, 2 * np.pi, size=(n, 3))).sum())
    alpha = 1 - confidence
    q_ = count / n
    std_ = np.sqrt(q_ * (1 - q_) / n)
    dist = NormalDist().inv_cdf(1 - alpha / 2) * std_
    ci_low, ci_upp = np.clip(q_ - dist, 0, 1), np.clip(q_ + dist, 0, 1)
    return q_, float(ci_low), float(ci_upp)


def statsmodels_wilson(n, rng, confidence=0.95):
    """In the style of proportion_confint(method='wilson')."""
    if n < 1 or not 0 < confidence < 1:
        raise ValueError("n >= 1 and 0 < confidence < 1")
    count = int(_is_acute()(rng.uniform(0.0, 2 * np.pi, size=(n, 3))).sum())
    q_ = count / n
    crit = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    crit2 = crit**2
    denom = 1 + crit2 / n
    center = (q_ + crit2 / (2 * n)) / denom
    dist = crit * np.sqrt(q_ * (1 - q_) / n + crit2 / (4 * n**2)) / denom
    return q_, float(center - dist), float(center + dist)


WRONG = {
    "se_without_n": {"acute_probability": _estimate(se="no_n")},
    "variance_as_se": {"acute_probability": _estimate(se="variance")},
    "se_over_n": {"acute_probability": _estimate(se="over_n")},
    "one_sided_z": {"acute_probability": _estimate(z="one_sided")},
    "fixed_z": {"acute_probability": _estimate(z="fixed")},
    "points_in_disc": {"acute_probability": _estimate(draw="disc")},
    "no_mod_two_pi": {"is_acute": _is_acute(wrap=False)},
    "arc_at_most_pi": {"is_acute": _is_acute(le=True)},
    "transposed_draw": {"acute_probability": _estimate(draw="transposed")},
    "no_clip": {"acute_probability": _estimate(clip=False)},
    "no_checks": {"acute_probability": _estimate(check=False), "is_acute": _is_acute(check=False)},
}
CANONICAL = {
    "statsmodels_normal": {"acute_probability": statsmodels_normal},
    "statsmodels_wilson": {"acute_probability": statsmodels_wilson},
}
