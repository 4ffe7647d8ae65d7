"""2-D convolution with loops, the whiteboard version · 手写卷积 (朴素循环版)

The first thing many interviewers ask for: the convolution layer of a CNN, written with loops over
the output positions and a dot product with every filter, with stride and zero padding. As in every
deep-learning framework, "convolution" here means cross-correlation: the kernel is not flipped.

Run the tests: pytest katas/nn/conv2d_naive
"""

import numpy as np

__all__ = ["conv2d_naive"]


def conv2d_naive(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, stride=1, padding=0) -> np.ndarray:
    """Cross-correlate a batch of images with a bank of filters, as ``torch.nn.functional.conv2d`` does.

    Args:
        x: float array (N, C, H, W), NCHW (batch, channels, rows, columns), float32 or float64.
        w: float array (F, C, KH, KW) with x's dtype: F filters, each spanning all C input channels.
        b: None (no bias) or a float array of shape (F,): one bias per filter, added at every
            output position of that filter's channel.
        stride: int, or a pair ``(sh, sw)`` for rows and columns: the step between neighbouring
            windows.
        padding: int, or a pair ``(ph, pw)``: ``ph`` rows of zeros are added above **and** below
            the image, ``pw`` columns of zeros left **and** right.

    Returns:
        float array (N, F, OH, OW) with x's dtype, where::

            OH = floor((H + 2 * ph - KH) / sh) + 1        OW = floor((W + 2 * pw - KW) / sw) + 1
            out[n, f, i, j] = b[f] + sum over c, u, v of  xp[n, c, i * sh + u, j * sw + v] * w[f, c, u, v]

        with ``xp`` the zero-padded input. The kernel is **not** flipped (cross-correlation, like
        every deep-learning framework). A window that does not fit entirely inside the padded
        input is not computed (the floor above).

    Rules and edge cases:
        - N = 0 or F = 0 gives an empty array of the right shape.
        - ``x``, ``w`` and ``b`` must not be modified.
        - Raises ``ValueError`` when x or w is not 4-D, ``w.shape[1] != C``, b is not None and not
          of shape (F,), a stride is below 1, a padding is negative, or the kernel is larger than
          the padded input (no output position at all).

    Canonical code: cs231n's ``conv_forward_naive`` (assignment 2, ``layers.py``) is this algorithm
    (pad once, loop over the output positions, sum window * filter, add b[f]); it takes a
    ``conv_param`` dict where this kata takes ``stride`` and ``padding`` arguments. It differs in
    two things that are tests of their own: it returns float64 whatever the input dtype
    (``test_output_has_the_input_dtype``), and it checks no input (the contract tests).
    ``torch.nn.functional.conv2d`` computes the same values.

    Speed: loops are the point of this version; loop over the output positions (i, j) and let
    numpy do each dot product over (C, KH, KW). No speed test.
    """
    raise NotImplementedError("conv2d_naive")
