"""Bilinear image resize, exactly as PyTorch does it · 双线性插值 (numpy 实现)

Resizing is everywhere: data pipelines, FPN top-down paths, segmentation heads. The maths is one
line; the conventions (where a pixel's centre is, what happens at the border, align_corners) are
what interviews and deployment bugs are about. Match ``torch.nn.functional.interpolate`` exactly.

Run the tests: pytest katas/nn/bilinear_resize
"""

import numpy as np

__all__ = ["resize_bilinear"]


def resize_bilinear(image: np.ndarray, out_h: int, out_w: int, align_corners: bool = False) -> np.ndarray:
    """Resize an image with bilinear interpolation.

    The result equals ``torch.nn.functional.interpolate(t, size=(out_h, out_w), mode="bilinear",
    align_corners=align_corners, antialias=False)`` for ``t`` the image as a (1, C, H, W) tensor.

    Args:
        image: float32 or float64 array, (H, W) or (H, W, C) (channels last), H, W >= 1.
        out_h, out_w: output height and width, integers >= 1.
        align_corners: which coordinate convention; see below.

    Returns:
        A new array (out_h, out_w) or (out_h, out_w, C) with the image's dtype. Each channel is
        interpolated on its own.

    Where output pixel ``d`` (a row or a column index) reads from, per axis, input size ``n``,
    output size ``m``:

        - ``align_corners=False`` (the default; pixels are unit squares and values live at their
          centres ``d + 0.5``): ``src = (d + 0.5) * n / m - 0.5``, and a negative ``src`` (left or
          top border when upsampling) is clamped to 0.
        - ``align_corners=True`` (the centres of the corner pixels of input and output coincide):
          ``src = d * (n - 1) / (m - 1)``, and ``src = 0`` when ``m == 1``.

    Then with ``i0 = min(floor(src), n - 1)``, ``i1 = min(i0 + 1, n - 1)`` and ``t = src - i0``,
    the value along that axis is ``(1 - t) * v[i0] + t * v[i1]``: past the last pixel the image
    repeats its edge (never wraps, never reads index -1). Rows and columns are done this way
    independently (rows use H and out_h, columns W and out_w), so a pixel mixes 4 inputs.

    Rules and edge cases:
        - Same size with either convention returns the input values unchanged.
        - H = 1 or W = 1 (or out size 1) must work; C = 0 gives an empty (out_h, out_w, 0).
        - The input must not be modified.
        - Accuracy: float64 within 1e-9 of torch; float32 within 1e-5 (relative or absolute) of
          torch's float64 result on values in [0, 1] (the weights may be computed in float32).
        - Raises ``ValueError`` for an image that is not 2-D or 3-D or has H or W = 0, a
          non-float dtype, or out_h or out_w below 1.

    Canonical code: ``torch.nn.functional.interpolate(mode="bilinear", antialias=False)`` (its CPU
    kernel ``upsample_bilinear2d``: ``area_pixel_compute_source_index`` clamps a negative source to
    0, and the second tap steps back to the last pixel at the edge) is the definition. OpenCV's
    ``cv2.resize(image, (out_w, out_h), interpolation=cv2.INTER_LINEAR)`` follows the same
    half-pixel rule and clamping on float images, but has no align_corners=True mode, and on uint8
    images it blends with 11-bit fixed-point weights and rounds (within 1 grey level of this).
    Neither antialiases; torch's ``antialias=True`` (and PIL, and ``cv2.INTER_AREA``) average wider
    windows when downsampling and give other values. TF1's legacy ``resize_bilinear`` without
    ``half_pixel_centers`` uses ``src = d * in / out``: not this kata's rule.

    Speed: vectorised (no Python loop over pixels). Resizing a 256x256x3 float32 image to
    192x320 must run within the ratio to the reference that ``kata.toml`` gives under [speed].
    """
    raise NotImplementedError("resize_bilinear")
