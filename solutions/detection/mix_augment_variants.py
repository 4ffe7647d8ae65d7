"""Known-wrong answers to detection/mix_augment; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np

from solutions.detection import mix_augment as ref


def cutout_unclipped(image, rng, size, fill=0):
    """The square's start is not clipped: near the top or left border the slice starts at a negative index."""
    ref._need_rng(rng)
    image = np.asarray(image)
    if image.ndim not in (2, 3) or not isinstance(size, (int, np.integer)) or size < 0:
        raise ValueError("bad input")
    cy, cx = int(rng.integers(image.shape[0])), int(rng.integers(image.shape[1]))
    y1, x1 = cy - size // 2, cx - size // 2
    out = image.copy()
    out[y1:y1 + size, x1:x1 + size] = fill
    return out


def _cutmix(*, label_lam="area", swap_labels=False, swap_hw=False, in_place=False):
    def cutmix(image_a, label_a, image_b, label_b, rng, alpha=1.0):
        a, la, b, lb = ref._pair(image_a, label_a, image_b, label_b, rng, alpha)
        H, W = a.shape[:2]
        lam = rng.beta(alpha, alpha)
        cy, cx = int(rng.integers(H)), int(rng.integers(W))
        ratio = np.sqrt(1.0 - lam)
        cut_h, cut_w = (int(W * ratio), int(H * ratio)) if swap_hw else (int(H * ratio), int(W * ratio))
        (y1, y2), (x1, x2) = ref._span(cy, cut_h, H), ref._span(cx, cut_w, W)
        out = a if in_place else a.copy()
        out[y1:y2, x1:x2] = b[y1:y2, x1:x2]
        if label_lam == "area":
            lam = 1.0 - (y2 - y1) * (x2 - x1) / (H * W)
        if swap_labels:
            la, lb = lb, la
        return out, lam * la + (1.0 - lam) * lb

    return cutmix


def _mixup(*, second_lam=False, swap_labels=False, lerp_in_dtype=False, truncate=False):
    def mixup(image_a, label_a, image_b, label_b, rng, alpha=1.0):
        a, la, b, lb = ref._pair(image_a, label_a, image_b, label_b, rng, alpha)
        lam = rng.beta(alpha, alpha)
        if lerp_in_dtype:  # b + lam * (a - b): a - b wraps around in uint8
            mixed = b + lam * (a - b)
        else:
            mixed = lam * a.astype(np.float64) + (1.0 - lam) * b.astype(np.float64)
        if a.dtype.kind in "iub" and not truncate:
            mixed = np.rint(mixed)
        label_lam = rng.beta(alpha, alpha) if second_lam else lam
        if swap_labels:
            la, lb = lb, la
        return mixed.astype(a.dtype), label_lam * la + (1.0 - label_lam) * lb

    return mixup


WRONG = {
    "cutmix_label_sampled_lam": {"cutmix": _cutmix(label_lam="sampled")},
    "mixup_label_second_lam": {"mixup": _mixup(second_lam=True)},
    "label_weights_swapped": {"cutmix": _cutmix(swap_labels=True), "mixup": _mixup(swap_labels=True)},
    "cutout_not_clipped": {"cutout": cutout_unclipped},
    "mixup_uint8_overflow": {"mixup": _mixup(lerp_in_dtype=True)},
    "mixup_uint8_truncated": {"mixup": _mixup(truncate=True)},
    "cutmix_height_width_swapped": {"cutmix": _cutmix(swap_hw=True)},
    "cutmix_pastes_into_a": {"cutmix": _cutmix(in_place=True)},
}
SLOW = {}
