"""CutOut, CutMix and MixUp · CutOut / CutMix / MixUp 数据增强

Three augmentations that hide or blend image content: CutOut blanks a random square; CutMix pastes
a random rectangle of a second image and mixes the two labels by the pasted area; MixUp blends two
whole images and their labels with one random weight. All randomness comes from an explicit
``numpy.random.Generator`` so every result can be reproduced. Write all three for one image (pair).

Canonical code: the CutOut authors' ``Cutout`` (uoguelph-mlrg/Cutout), the CutMix authors'
``rand_bbox`` and training loop (clovaai/CutMix-PyTorch: ``cut_rat = sqrt(1 - lam)``, the box
clipped, ``lam`` recomputed from the box's exact area), timm's ``cutmix_bbox_and_lam`` /
``Mixup`` and mixup-paper style ``lam * x + (1 - lam) * x[perm]``. They draw the same numbers in
the same order (the row centre first), from NumPy's legacy global ``np.random``. Where this kata
differs, each is a convention test of its own:
    - the CutOut and CutMix authors and timm end the box at ``centre + cut // 2``, so an odd side
      comes out one pixel short; here the box is the whole ``cut`` long
      (test_cutout_odd_size_is_a_whole_square, test_cutmix_odd_cut_is_pasted_whole);
    - YOLOv5's ``mixup`` casts the blend back with ``.astype(np.uint8)`` (truncation); here it is
      rounded to the nearest integer, as timm's ``FastCollateMixup`` does with ``np.rint``
      (test_mixup_uint8_rounds_to_nearest);
    - the image keeps its dtype, also where the CutOut authors multiply by a float32 mask
      (test_images_keep_their_dtype), the label is float64
      (test_labels_are_float64), and the image is always a new array (test_returns_a_new_image).

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
    raise ``ValueError``. ``fill`` defaults to 0.
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
    (The CutMix authors' ``rand_bbox`` ends the box at ``centre + cut // 2``: one pixel short for
    an odd cut; here it is the whole cut.)

    The label is mixed by the area **actually pasted**, after truncation and clipping, not by the
    sampled ``lam``::

        lam_adjusted = 1 - (y2 - y1) * (x2 - x1) / (H * W)
        label = lam_adjusted * label_a + (1 - lam_adjusted) * label_b

    so each label's weight equals the exact fraction of the image's pixels it supplied.

    Returns:
        ``(image, label)``: a new image with ``image_a``'s shape and dtype, and a float64 label
        of shape (K,). Inputs are not modified.

    Shapes or dtypes that differ, labels that are not 1-D of one length, ``alpha <= 0`` (which
    ``rng.beta`` refuses too) or ``rng`` not a Generator raise ``ValueError``. ``alpha`` defaults
    to 1 (lam uniform on [0, 1]).
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
