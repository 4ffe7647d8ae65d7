"""CenterNet heatmap targets: gaussian radius and drawing · CenterNet 高斯半径与热力图绘制

CenterNet (Objects as Points) trains a heatmap whose peaks are object centres. Every ground-truth
centre is splatted onto the heatmap as a 2-D gaussian, so that pixels near the centre are penalised
less than pixels far away. The gaussian's size comes from the object: its radius is the largest
shift of a box's corners that still leaves a box overlapping the object by ``min_overlap`` IoU.
Write the radius and the drawing in numpy.

Canonical code: CenterNet's ``gaussian_radius``, ``gaussian2D`` and ``draw_umich_gaussian``
(xingyizhou/CenterNet, src/lib/utils/image.py; CornerNet has the same). This kata follows their
drawing (a (2r + 1) square window, ``sigma = diameter / 6``, ``np.maximum`` with what is there,
the window cut at the border around the centre; ``gaussian2D``'s zeroing of values below
``eps * max`` never fires in that window) and differs where named, each a test of its own:
  - the radius is the exact root of each quadratic, ``(b -/+ sqrt(b^2 - 4ac)) / (2a)``, as in
    MMDetection's ``gaussian_radius``; the release code takes ``(b + sq) / 2`` for all three
    (test_radius_is_the_exact_root);
  - ``draw_gaussian`` returns a new array; ``draw_umich_gaussian`` writes into the heatmap it is
    given (test_returns_a_new_array);
  - bad input raises ValueError; the release code checks nothing (the four input-check tests);
  - the signature takes ``height, width`` where CenterNet takes ``det_size = (height, width)``.
The other tests accept either radius formula, unrounded or truncated with ``int()`` (the
unrounded float is test_radius_is_an_unrounded_float), read the gaussian's width from the answer
(diameter / 6 is test_sigma_is_the_diameter_over_six) and draw where max and sum agree (max is
test_overlaps_take_the_max_not_the_sum).

Run the tests: pytest katas/detection/centernet_heatmap
"""

import numpy as np

__all__ = ["gaussian_radius", "draw_gaussian"]


def gaussian_radius(height: float, width: float, min_overlap: float = 0.7) -> float:
    """The gaussian radius of a ``height`` x ``width`` object: how far its corners may move.

    For an object box of size h x w, consider three ways of moving its corners by ``r``:

        1. the same h x w box shifted by r along x and along y (one corner inside, one outside):
               IoU1(r) = (h - r) * (w - r) / (2 * h * w - (h - r) * (w - r))
        2. the box shrunk by r on every side (both corners inside):
               IoU2(r) = (h - 2 * r) * (w - 2 * r) / (h * w)
        3. the box grown by r on every side (both corners outside):
               IoU3(r) = h * w / ((h + 2 * r) * (w + 2 * r))

    Each IoU is 1 at r = 0 and falls as r grows. Let ``r_k`` be the smallest r >= 0 with
    ``IoU_k(r) == min_overlap`` (each is a quadratic equation in r: take the root where the
    configuration makes sense, r < min(h, w) for case 1 and r < min(h, w) / 2 for case 2). Return
    ``min(r1, r2, r3)``: the largest r for which all three configurations still reach
    ``min_overlap``.

    This is the **corrected** formula, as in MMDetection's ``gaussian_radius``. The CornerNet /
    CenterNet release code solves the same three quadratics but takes the other root of the first
    two and divides by 2 instead of ``2 * a``: its radius is much larger (2.73 instead of 0.82 for a
    10 x 10 box at 0.7). This kata asks for the exact roots.

    Args:
        height, width: the object's size in heatmap pixels, floats > 0.
        min_overlap: the IoU to keep, 0 < min_overlap <= 1 (1 gives radius 0).

    Returns:
        The radius as a Python ``float`` (not rounded: callers use ``max(0, int(r))``), accurate
        to 1e-9 relative. Symmetric in height and width; doubling both doubles the radius.

    ``height <= 0``, ``width <= 0`` or ``min_overlap`` outside (0, 1] raise ``ValueError``.
    """
    raise NotImplementedError("gaussian_radius")


def draw_gaussian(heatmap: np.ndarray, center, radius: int) -> np.ndarray:
    """Splat a 2-D gaussian of radius ``radius`` onto ``heatmap`` at ``center``; keep the maximum.

    Args:
        heatmap: float32 or float64 array of shape (H, W), H, W >= 1 (one class channel).
        center: ``(x, y)`` = (column, row), two integers (Python or numpy ints) with
            ``0 <= x < W`` and ``0 <= y < H``. Note the order: ``heatmap[y, x]`` is the centre.
        radius: an integer >= 0.

    The gaussian is a (2r + 1) x (2r + 1) square window (a square, not a disc) centred on the
    centre, with ``sigma = (2 * radius + 1) / 6`` (the diameter over 6)::

        G(dx, dy) = exp(-(dx ** 2 + dy ** 2) / (2 * sigma ** 2))    for |dx|, |dy| <= radius

    so the centre gets exactly 1 and radius 0 gives a single pixel of 1. The part of the window
    that falls outside the heatmap is cut off (at edges and corners); the rest lines up with the
    centre as if the heatmap went on.

    Returns:
        A **new** array of the heatmap's shape and dtype: ``max(heatmap, G)`` element-wise inside
        the window, the heatmap's own values elsewhere. Overlapping gaussians therefore keep the
        larger value, never the sum, and values never exceed 1 unless the heatmap already did.
        ``heatmap`` itself is not modified (the original CenterNet code writes in place; this
        kata does not). Accurate to float32 rounding (1e-6) for float32 heatmaps.

    A heatmap that is not a 2-D float array, a centre that is not two integers inside the heatmap,
    or a radius that is not an integer >= 0 raise ``ValueError``.
    """
    raise NotImplementedError("draw_gaussian")
