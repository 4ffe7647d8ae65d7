"""CutOut, CutMix and MixUp · CutOut / CutMix / MixUp 数据增强

Three augmentations that hide or blend image content: CutOut blanks a random square; CutMix pastes
a random rectangle of a second image and mixes the two labels by the pasted area; MixUp blends two
whole images and their labels with one random weight. All randomness comes from an explicit
``numpy.random.Generator`` so every result can be reproduced. Write all three for one image (pair).

Run the tests: pytest katas/detection/mix_augment
"""

import numpy as np

__all__ = ["cutout", "cutmix", "mixup"]


def cutout(image: np.ndarray, rng: np.random.Generator, size: int, fill=0) -> np.ndarray:
    """Blank one ``size`` x ``size`` square of the image, centred at a random pixel (CutOut).

    Args:
        image: array (H, W) or (H, W, C), H, W >= 1, any numeric dtype.
        rng: a ``numpy.random.Generator``.
        size: the square's side in pixels, an integer >= 0.
        fill: the value written into the square (every channel).

    Random draws, exactly these two calls in this order and nothing else::

        cy = rng.integers(H)
        cx = rng.integers(W)

    The square is rows ``[y1, y2)`` and columns ``[x1, x2)`` with ``y1 = cy - size // 2``,
    ``y2 = y1 + size`` (columns likewise), each then clipped to ``[0, H]`` (``[0, W]``): near a
    border the square is cut short, it never wraps around to the other side. (For even sizes this
    is the CutOut authors' box; for odd sizes theirs is one pixel smaller.)

    Returns:
        A new array of the image's shape and dtype. ``image`` is not modified. ``size = 0``
        changes nothing (the two numbers are still drawn).

    ``rng`` not a Generator, ``size`` not an integer >= 0, or an image that is not 2-D or 3-D
    raise ``ValueError``.
    """
    raise NotImplementedError("cutout")


def cutmix(image_a: np.ndarray, label_a: np.ndarray, image_b: np.ndarray, label_b: np.ndarray,
           rng: np.random.Generator, alpha: float = 1.0):
    """Paste a random rectangle of ``image_b`` into ``image_a``; mix the labels by its area (CutMix).

    Args:
        image_a, image_b: arrays of the same shape (H, W) or (H, W, C) and dtype.
        label_a, label_b: 1-D arrays of the same length K: one-hot or probability vectors.
        rng: a ``numpy.random.Generator``.
        alpha: > 0, the Beta distribution's parameter.

    Random draws, exactly these three calls in this order and nothing else::

        lam = rng.beta(alpha, alpha)
        cy = rng.integers(H)
        cx = rng.integers(W)

    The rectangle has ``cut_h = int(H * sqrt(1 - lam))`` rows and ``cut_w = int(W * sqrt(1 - lam))``
    columns (height from H, width from W), about ``(1 - lam) * H * W`` pixels; it spans rows
    ``[cy - cut_h // 2, cy - cut_h // 2 + cut_h)`` and columns likewise, each end clipped to the
    image. Inside it the pixels come from ``image_b`` (the same positions), outside from ``image_a``.

    The label is mixed by the area **actually pasted**, after truncation and clipping, not by the
    sampled ``lam``::

        lam_adjusted = 1 - (y2 - y1) * (x2 - x1) / (H * W)
        label = lam_adjusted * label_a + (1 - lam_adjusted) * label_b

    so each label's weight equals the exact fraction of the image's pixels it supplied.

    Returns:
        ``(image, label)``: a new image with ``image_a``'s shape and dtype, and a float64 label
        of shape (K,). Inputs are not modified.

    Shapes or dtypes that differ, labels that are not 1-D of one length, ``alpha <= 0`` or ``rng``
    not a Generator raise ``ValueError``.
    """
    raise NotImplementedError("cutmix")


def mixup(image_a: np.ndarray, label_a: np.ndarray, image_b: np.ndarray, label_b: np.ndarray,
          rng: np.random.Generator, alpha: float = 1.0):
    """Blend two images and their labels with one random weight (MixUp).

    Arguments as in ``cutmix``. Random draws, exactly this one call and nothing else::

        lam = rng.beta(alpha, alpha)

    The **same** ``lam`` mixes the images and the labels::

        image = lam * image_a + (1 - lam) * image_b
        label = lam * label_a + (1 - lam) * label_b

    dtypes: compute in float64. A float image comes back in its own dtype (float32 stays
    float32). An integer image (e.g. uint8) comes back in its own dtype, rounded to the nearest
    integer (``np.rint``: halves to even); the blend of two valid pixels is always in range, and
    no intermediate step may overflow or wrap around. The label is float64 of shape (K,).

    Returns:
        ``(image, label)``: a new image with ``image_a``'s shape and dtype, and the label.
        Inputs are not modified. Errors as in ``cutmix``.
    """
    raise NotImplementedError("mixup")
