"""CutOut, CutMix (label mixed by the pasted area) and MixUp, with an explicit numpy Generator."""

from numbers import Integral

import numpy as np


def _need_rng(rng):
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")


def _pair(image_a, label_a, image_b, label_b, rng, alpha):
    _need_rng(rng)
    a, b = np.asarray(image_a), np.asarray(image_b)
    la, lb = np.asarray(label_a, np.float64), np.asarray(label_b, np.float64)
    if a.shape != b.shape or a.dtype != b.dtype or a.ndim not in (2, 3):
        raise ValueError(f"images must share shape and dtype, (H, W) or (H, W, C); got {a.shape} {a.dtype}, "
                         f"{b.shape} {b.dtype}")
    if la.ndim != 1 or la.shape != lb.shape:
        raise ValueError(f"labels must be 1-D of one length, got {la.shape} and {lb.shape}")
    if not alpha > 0:
        raise ValueError(f"alpha must be > 0, got {alpha}")
    return a, la, b, lb


def _span(centre, cut, n):
    start = centre - cut // 2
    return min(max(start, 0), n), min(max(start + cut, 0), n)  # clipped: never negative, never wraps


def cutout(image: np.ndarray, rng: np.random.Generator, size: int, fill=0) -> np.ndarray:
    _need_rng(rng)
    image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError(f"image must be (H, W) or (H, W, C), got {image.shape}")
    if not isinstance(size, Integral) or size < 0:
        raise ValueError(f"size must be an integer >= 0, got {size!r}")
    H, W = image.shape[:2]
    cy, cx = int(rng.integers(H)), int(rng.integers(W))
    (y1, y2), (x1, x2) = _span(cy, size, H), _span(cx, size, W)
    out = image.copy()
    out[y1:y2, x1:x2] = fill
    return out


def cutmix(image_a: np.ndarray, label_a: np.ndarray, image_b: np.ndarray, label_b: np.ndarray,
           rng: np.random.Generator, alpha: float = 1.0):
    a, la, b, lb = _pair(image_a, label_a, image_b, label_b, rng, alpha)
    H, W = a.shape[:2]
    lam = rng.beta(alpha, alpha)
    cy, cx = int(rng.integers(H)), int(rng.integers(W))
    ratio = np.sqrt(1.0 - lam)
    (y1, y2), (x1, x2) = _span(cy, int(H * ratio), H), _span(cx, int(W * ratio), W)
    out = a.copy()
    out[y1:y2, x1:x2] = b[y1:y2, x1:x2]
    lam = 1.0 - (y2 - y1) * (x2 - x1) / (H * W)  # the area actually pasted, after truncation and clipping
    return out, lam * la + (1.0 - lam) * lb


def mixup(image_a: np.ndarray, label_a: np.ndarray, image_b: np.ndarray, label_b: np.ndarray,
          rng: np.random.Generator, alpha: float = 1.0):
    a, la, b, lb = _pair(image_a, label_a, image_b, label_b, rng, alpha)
    lam = rng.beta(alpha, alpha)
    mixed = lam * a.astype(np.float64) + (1.0 - lam) * b.astype(np.float64)
    if a.dtype.kind in "iub":
        mixed = np.rint(mixed)
    return mixed.astype(a.dtype), lam * la + (1.0 - lam) * lb
