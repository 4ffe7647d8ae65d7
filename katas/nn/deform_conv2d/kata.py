"""Deformable convolution v1 (offsets) and v2 (modulation masks), forward, in numpy · 可变形卷积 DCN v1/v2 前向

A convolution whose kernel taps move: each tap of each output position reads the input at its
usual place plus a learned fractional offset, by bilinear interpolation, optionally weighted by a
learned mask (v2). Write the forward pass with ``torchvision.ops.deform_conv2d``'s semantics.

Canonical code: ``torchvision.ops.deform_conv2d`` (its CPU kernel: ``deformable_im2col`` with
``bilinear_interpolate``, then one matrix product), whose offset layout, zero padding and mask
this kata follows exactly; the tests compare with it where torchvision is installed. Only a subset
of its arguments is kept: no weight groups (``weight.shape[1] == C``).

Run the tests: pytest katas/nn/deform_conv2d
"""

import numpy as np

__all__ = ["deform_conv2d"]


def deform_conv2d(x: np.ndarray, offset: np.ndarray, weight: np.ndarray, bias=None, stride=1, padding=0,
                  dilation=1, mask=None) -> np.ndarray:
    """Deformable 2-D convolution, as ``torchvision.ops.deform_conv2d``.

    Args:
        x: float array (N, C, H, W), NCHW, float32 or float64.
        offset: (N, 2 * G * KH * KW, OH, OW), x's dtype. G >= 1 is the number of **offset groups**
            (``G = offset.shape[1] // (2 * KH * KW)``); G divides C, and input channels
            ``g * C/G : (g + 1) * C/G`` use the offsets of group g. Within a group, tap
            ``k = u * KW + v`` (row u, column v of the kernel) has its pair at channels
            ``g * 2*KH*KW + 2*k`` (**dy**, the row offset) and ``g * 2*KH*KW + 2*k + 1`` (**dx**).
        weight: (F, C, KH, KW), x's dtype. bias: None or (F,).
        stride, padding, dilation: each an int or a pair (rows, columns), as in conv2d.
        mask: None (v1), or (N, G * KH * KW, OH, OW) (v2): channel ``g * KH*KW + k`` multiplies
            the sample of tap k in group g (no sigmoid is applied here).

    Output size as conv2d: ``OH = (H + 2*ph - dh*(KH - 1) - 1) // sh + 1`` (OW likewise). Tap
    (u, v) of output (i, j) samples every channel of its group at the fractional position::

        y = i*sh - ph + u*dh + dy[n, g, k, i, j]      x = j*sw - pw + v*dw + dx[n, g, k, i, j]

    by **bilinear interpolation** of the four neighbouring pixels, where a neighbour outside the
    image counts as **0** (zero padding): a position with -1 < y < 0 still blends row 0 with zero,
    and a position at y <= -1 or y >= H reads 0. Then
    ``out[n, f, i, j] = bias[f] + sum over c, u, v of weight[f, c, u, v] * mask * sample``.
    Zero offsets (and no mask) give exactly ``conv2d(x, weight, bias, stride, padding, dilation)``.

    Returns:
        A new (N, F, OH, OW) array with x's dtype. N = 0 gives an empty result.

    Accuracy within 1e-5 (relative) / 1e-6 (absolute) of a float64 computation. Inputs are not
    modified. No Python loop over samples, channels or positions is needed (a loop over the
    KH * KW taps is fine), though speed is not tested.
    Raises ``ValueError`` when ``offset.shape[1]`` is not a positive multiple of 2*KH*KW, or when
    offset or mask is not of shape (N, ..., OH, OW) with the channel counts above (a (1, 1) map
    that would broadcast included). G must divide C and ``weight.shape[1]`` must equal C.
    """
    raise NotImplementedError("deform_conv2d")
