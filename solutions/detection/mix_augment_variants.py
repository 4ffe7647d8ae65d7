"""Known-wrong answers to detection/mix_augment and answers in the style of the canonical codes;
`nox -s verify` proves the tests catch every wrong one. Never shown to learners."""

import numpy as np

from solutions.detection import mix_augment as ref


def _cutout(*, clip=True, official_end=False, same_when_empty=False, check=True):
    def cutout(image, rng, size, fill=0):
        image = np.asarray(image)
        if check:
            ref._need_rng(rng)
            if image.ndim not in (2, 3) or not isinstance(size, (int, np.integer)) or size < 0:
                raise ValueError("bad input")
        cy, cx = int(rng.integers(image.shape[0])), int(rng.integers(image.shape[1]))
        y1, x1 = cy - size // 2, cx - size // 2
        y2, x2 = (cy + size // 2, cx + size // 2) if official_end else (y1 + size, x1 + size)
        if clip:
            y1, y2 = (min(max(v, 0), image.shape[0]) for v in (y1, y2))
            x1, x2 = (min(max(v, 0), image.shape[1]) for v in (x1, x2))
        if same_when_empty and (y2 <= y1 or x2 <= x1):
            return image
        out = image.copy()
        out[y1:y2, x1:x2] = fill
        return out

    return cutout


def _cutmix(*, label_lam="area", swap_labels=False, swap_hw=False, in_place=False, x_first=False,
            official_end=False, check=True, label_dtype=False):
    def cutmix(image_a, label_a, image_b, label_b, rng, alpha=1.0):
        if check:
            a, la, b, lb = ref._pair(image_a, label_a, image_b, label_b, rng, alpha)
        else:
            a, b = np.asarray(image_a), np.asarray(image_b)
            la, lb = np.asarray(label_a, np.float64), np.asarray(label_b, np.float64)
        if label_dtype:
            la, lb = np.asarray(label_a), np.asarray(label_b)
        H, W = a.shape[:2]
        lam = rng.beta(alpha, alpha)
        if x_first:
            cx, cy = int(rng.integers(W)), int(rng.integers(H))
        else:
            cy, cx = int(rng.integers(H)), int(rng.integers(W))
        ratio = np.sqrt(1.0 - lam)
        cut_h, cut_w = (int(W * ratio), int(H * ratio)) if swap_hw else (int(H * ratio), int(W * ratio))
        if official_end:
            y1, y2 = np.clip([cy - cut_h // 2, cy + cut_h // 2], 0, H)
            x1, x2 = np.clip([cx - cut_w // 2, cx + cut_w // 2], 0, W)
        else:
            (y1, y2), (x1, x2) = ref._span(cy, cut_h, H), ref._span(cx, cut_w, W)
        out = a if in_place else a.copy()
        out[y1:y2, x1:x2] = b[y1:y2, x1:x2]
        if label_lam == "area":
            lam = 1.0 - (y2 - y1) * (x2 - x1) / (H * W)
        if swap_labels:
            la, lb = lb, la
        label = lam * la + (1.0 - lam) * lb
        return out, label.astype(la.dtype) if label_dtype and la.dtype.kind == "f" else label

    return cutmix


def _mixup(*, second_lam=False, swap_labels=False, lerp_in_dtype=False, truncate=False, as_float=False,
           check=True):
    def mixup(image_a, label_a, image_b, label_b, rng, alpha=1.0):
        if check:
            a, la, b, lb = ref._pair(image_a, label_a, image_b, label_b, rng, alpha)
        else:
            a, b = np.asarray(image_a), np.asarray(image_b)
            la, lb = np.asarray(label_a, np.float64), np.asarray(label_b, np.float64)
        lam = rng.beta(alpha, alpha)
        if lerp_in_dtype:  # b + lam * (a - b): a - b wraps around in uint8
            mixed = b + lam * (a - b)
        else:
            mixed = lam * a.astype(np.float64) + (1.0 - lam) * b.astype(np.float64)
        if as_float:
            return mixed, lam * la + (1.0 - lam) * lb
        if a.dtype.kind in "iub" and not truncate:
            mixed = np.rint(mixed)
        label_lam = rng.beta(alpha, alpha) if second_lam else lam
        if swap_labels:
            la, lb = lb, la
        return mixed.astype(a.dtype), label_lam * la + (1.0 - label_lam) * lb

    return mixup


# ---- written anew in the style of the canonical codes (a Generator in place of np.random)

def cutout_authors(image, rng, size, fill=0):
    """uoguelph-mlrg/Cutout: a float32 mask of ones, zeroed on [y - length // 2, y + length // 2),
    then img * mask (fill written where the mask is 0). Input checks added."""
    ref._need_rng(rng)
    img = np.asarray(image)
    if img.ndim not in (2, 3) or not isinstance(size, (int, np.integer)) or size < 0:
        raise ValueError("bad input")
    h, w = img.shape[:2]
    mask = np.ones((h, w), np.float32)
    y, x = rng.integers(h), rng.integers(w)
    y1, y2 = np.clip(y - size // 2, 0, h), np.clip(y + size // 2, 0, h)
    x1, x2 = np.clip(x - size // 2, 0, w), np.clip(x + size // 2, 0, w)
    mask[y1:y2, x1:x2] = 0.0
    if img.ndim == 3:
        mask = mask[..., None]
    return img * mask + fill * (1 - mask)


def cutmix_authors(image_a, label_a, image_b, label_b, rng, alpha=1.0):
    """clovaai/CutMix-PyTorch: lam from beta, rand_bbox (cut_rat = sqrt(1 - lam), box to
    centre + cut // 2, np.clip), paste, then lam = 1 - box area / image area."""
    a, la, b, lb = ref._pair(image_a, label_a, image_b, label_b, rng, alpha)
    lam = rng.beta(alpha, alpha)
    H, W = a.shape[:2]
    cut_rat = np.sqrt(1.0 - lam)
    cut_h, cut_w = int(H * cut_rat), int(W * cut_rat)
    cy, cx = rng.integers(H), rng.integers(W)
    bby1, bby2 = np.clip(cy - cut_h // 2, 0, H), np.clip(cy + cut_h // 2, 0, H)
    bbx1, bbx2 = np.clip(cx - cut_w // 2, 0, W), np.clip(cx + cut_w // 2, 0, W)
    out = a.copy()
    out[bby1:bby2, bbx1:bbx2] = b[bby1:bby2, bbx1:bbx2]
    lam = 1 - ((bbx2 - bbx1) * (bby2 - bby1) / (H * W))
    return out, la * lam + lb * (1.0 - lam)


def mixup_paper(image_a, label_a, image_b, label_b, rng, alpha=1.0):
    """mixup-cifar10 style: lam * x + (1 - lam) * x[index], cast back with astype."""
    a, la, b, lb = ref._pair(image_a, label_a, image_b, label_b, rng, alpha)
    lam = rng.beta(alpha, alpha)
    mixed_x = lam * a.astype(np.float64) + (1 - lam) * b.astype(np.float64)
    return mixed_x.astype(a.dtype), lam * la + (1 - lam) * lb


def cutmix_timm(image_a, label_a, image_b, label_b, rng, alpha=1.0):
    """timm's cutmix_bbox_and_lam(correct_lam=True): rand_bbox's yl, yh, xl, xh, then the area."""
    a, la, b, lb = ref._pair(image_a, label_a, image_b, label_b, rng, alpha)
    lam = float(rng.beta(alpha, alpha))
    img_h, img_w = a.shape[:2]
    ratio = np.sqrt(1 - lam)
    cut_h, cut_w = int(img_h * ratio), int(img_w * ratio)
    cy, cx = rng.integers(0, img_h), rng.integers(0, img_w)
    yl, yh = np.clip(cy - cut_h // 2, 0, img_h), np.clip(cy + cut_h // 2, 0, img_h)
    xl, xh = np.clip(cx - cut_w // 2, 0, img_w), np.clip(cx + cut_w // 2, 0, img_w)
    lam = 1.0 - (yh - yl) * (xh - xl) / float(img_h * img_w)
    out = a.copy()
    out[yl:yh, xl:xh] = b[yl:yh, xl:xh]
    return out, la * lam + lb * (1.0 - lam)


def mixup_timm_fast_collate(image_a, label_a, image_b, label_b, rng, alpha=1.0):
    """timm's FastCollateMixup: blend in float32, np.rint, back to the input dtype."""
    a, la, b, lb = ref._pair(image_a, label_a, image_b, label_b, rng, alpha)
    lam = float(rng.beta(alpha, alpha))
    if a.dtype.kind in "iub":  # the uint8 collate path
        mixed = a.astype(np.float32) * lam + b.astype(np.float32) * (1 - lam)
        np.rint(mixed, out=mixed)
    else:  # Mixup on float tensors: x * lam + x_flipped * (1 - lam) in their own dtype
        mixed = a * lam + b * (1 - lam)
    return mixed.astype(a.dtype), la * lam + lb * (1.0 - lam)


WRONG = {
    "cutmix_label_sampled_lam": {"cutmix": _cutmix(label_lam="sampled")},
    "mixup_label_second_lam": {"mixup": _mixup(second_lam=True)},
    "label_weights_swapped": {"cutmix": _cutmix(swap_labels=True), "mixup": _mixup(swap_labels=True)},
    "cutout_not_clipped": {"cutout": _cutout(clip=False)},
    "mixup_uint8_overflow": {"mixup": _mixup(lerp_in_dtype=True)},
    "cutmix_height_width_swapped": {"cutmix": _cutmix(swap_hw=True)},
    "cutmix_pastes_into_a": {"cutmix": _cutmix(in_place=True)},
    "cutmix_draws_cx_first": {"cutmix": _cutmix(x_first=True)},
    "mixup_uint8_truncated": {"mixup": _mixup(truncate=True)},
    "cutout_odd_size_short": {"cutout": _cutout(official_end=True)},
    "cutmix_odd_cut_short": {"cutmix": _cutmix(official_end=True)},
    "mixup_returns_float64": {"mixup": _mixup(as_float=True)},
    "label_in_input_dtype": {"cutmix": _cutmix(label_dtype=True)},
    "cutout_returns_input_when_empty": {"cutout": _cutout(same_when_empty=True)},
    "cutout_no_checks": {"cutout": _cutout(check=False)},
    "cutmix_no_checks": {"cutmix": _cutmix(check=False)},
    "mixup_no_checks": {"mixup": _mixup(check=False)},
}
CANONICAL = {
    "authors_codes": {"cutout": cutout_authors, "cutmix": cutmix_authors, "mixup": mixup_paper},
    "timm": {"cutmix": cutmix_timm, "mixup": mixup_timm_fast_collate},
}
SLOW = {}
