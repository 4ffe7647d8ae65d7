"""Anchor boxes over a feature map · 锚框生成 (anchor generator)

Anchor-based detectors (Faster R-CNN's RPN, RetinaNet, SSD) predict offsets relative to a fixed set
of reference boxes: a few sizes and aspect ratios, repeated at every cell of a feature map. Build
the zero-centred base anchors, then shift them over the grid, in a documented order.

Run the tests: pytest katas/detection/anchors
"""

import numpy as np

__all__ = ["base_anchors", "grid_anchors"]


def base_anchors(sizes, aspect_ratios) -> np.ndarray:
    """Zero-centred anchors, one per (aspect ratio, size) pair.

    Args:
        sizes: sequence (list, tuple or 1-D array) of positive numbers; an anchor of size ``s`` has
            area ``s**2``.
        aspect_ratios: sequence of positive numbers; ratio ``r`` means **height / width** ``== r``,
            so ``r = 2`` is a tall box and ``r = 0.5`` a wide one.

    Returns:
        float64 array of shape (A, 4) with ``A = len(aspect_ratios) * len(sizes)``, rows
        ``x1, y1, x2, y2`` = ``-w/2, -h/2, w/2, h/2`` where ``w = s / sqrt(r)`` and
        ``h = s * sqrt(r)`` (so ``w * h == s**2`` and ``h / w == r``).

    Order (ratio-major, as torchvision's ``AnchorGenerator`` orders its cell anchors): row
    ``i * len(sizes) + j`` is ratio ``aspect_ratios[i]`` with size ``sizes[j]``, that is
    ``for r in aspect_ratios: for s in sizes: ...``.

    Unlike torchvision, do **not** round the coordinates to integers.

    Raises ``ValueError`` when either sequence is empty or holds a value <= 0.

    Canonical code: torchvision's ``AnchorGenerator.generate_anchors`` (ratio-major, ``h / w = r``,
    ``w * h = s**2``) differs in one convention: it rounds the anchors (``base_anchors.round()``),
    decided by ``test_no_rounding``. mmdetection's ``AnchorGenerator.gen_single_level_base_anchors``
    with ``scale_major=True``, ``base_size=1`` and ``scales=sizes`` gives the same rows (no rounding).
    """
    raise NotImplementedError("base_anchors")


def grid_anchors(base: np.ndarray, feature_shape, stride, offset: float = 0.0) -> np.ndarray:
    """Every base anchor shifted to every cell of a feature map.

    Args:
        base: float array of shape (A, 4), ``x1, y1, x2, y2`` anchors around (0, 0), e.g. from
            ``base_anchors``. Not modified.
        feature_shape: ``(H, W)``, the feature map's height and width in cells (ints >= 0).
        stride: image pixels per feature cell: one positive number for both axes, or a pair
            ``(stride_y, stride_x)`` (height first, like ``feature_shape``).
        offset: where in a cell its anchors are centred, in cells: ``0.0`` puts them at the cell's
            top-left corner (torchvision's convention), ``0.5`` at its centre.

    Returns:
        float64 array of shape (H * W * A, 4). The anchors of cell (row ``y``, column ``x``) are
        ``base + [cx, cy, cx, cy]`` with ``cx = (x + offset) * stride_x`` and
        ``cy = (y + offset) * stride_y``.

    Order: cells row-major (``y`` outer, ``x`` inner), and within a cell all A anchors together in
    the order of ``base``: row ``(y * W + x) * A + a`` is base anchor ``a`` at cell ``(y, x)``,
    which is the order of a ``(H, W, A, 4)`` array reshaped to ``(-1, 4)``. H or W of 0 gives an
    empty (0, 4) array.

    Raises ``ValueError`` when ``base`` is not (A, 4), ``feature_shape`` is not two ints >= 0,
    or a stride is <= 0.

    Canonical code: torchvision's ``AnchorGenerator.grid_anchors`` (cells row-major, a cell's
    anchors together, ``shifts = arange(W) * stride_w``, strides given height first) is this
    function with ``offset=0``. mmdetection's ``single_level_grid_priors`` has the same order but
    takes its strides as ``(stride_w, stride_h)``, width first, and puts ``center_offset`` into the
    base anchors instead; the stride order is decided by ``test_grid_stride_pair_is_y_then_x``.
    """
    raise NotImplementedError("grid_anchors")
