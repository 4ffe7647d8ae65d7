"""Max and average pooling, forward and backward, in numpy · 最大池化与平均池化的前向与反向传播

The semantics of ``torch.nn.functional.max_pool2d`` and ``avg_pool2d`` with their defaults
(``dilation=1``, ``ceil_mode=False``, ``count_include_pad=True``), and the gradients autograd gives.

Conventions shared by the four functions:
    - ``x``: float32 or float64 array of shape (N, C, H, W) (NCHW), finite values; N and C may be 0.
    - ``kernel_size``, ``stride``, ``padding``: an int or a pair ``(for H, for W)``. ``stride=None``
      means ``stride = kernel_size``. Need ``kernel >= 1``, ``stride >= 1`` and
      ``0 <= padding <= kernel // 2`` (torch's rule), else ``ValueError``.
    - Output size, rounding down: ``H_out = (H + 2 * pad_h - k_h) // s_h + 1`` (the same for W); if
      it would be below 1, ``ValueError``. Also ``ValueError`` when ``x`` is not 4-D.
    - Window (i, j) covers padded rows ``i * s_h ... i * s_h + k_h - 1`` and columns likewise.
    - Outputs have ``x``'s dtype; inputs are never modified. ``cache`` is anything your backward
      needs; the backward returns ``dx`` with ``x``'s shape and dtype and raises ``ValueError`` when
      ``dout`` does not have the forward output's shape.
    - Windows may overlap (stride < kernel): an input position then receives gradient from every
      window that uses it.

Canonical code: ``torch.nn.functional.max_pool2d`` / ``avg_pool2d`` with their defaults and autograd
are the oracle; the kata follows them. Where a learner may choose otherwise, one convention test
each: tied maxima send the gradient to the first one in row-major order
(``test_maxpool_ties_go_to_the_first_maximum``); padding counts in the average's divisor (``count_include_pad=True``:
``test_avgpool_counts_padding_in_the_divisor``); the output size rounds down (``ceil_mode=False``:
``test_output_size_rounds_down``). cs231n's ``max_pool_forward_naive`` / ``max_pool_backward_naive``
compute the same values with loops, but take no padding, check no arguments, and (in the common
``mask = window == max`` form) send a window's gradient to every tied maximum.

Run the tests: pytest katas/nn/pooling
"""

import numpy as np

__all__ = ["maxpool2d_forward", "maxpool2d_backward", "avgpool2d_forward", "avgpool2d_backward"]


def maxpool2d_forward(x: np.ndarray, kernel_size, stride=None, padding=0):
    """Max pooling: each output is the maximum of its window.

    Padding counts as ``-inf``, so it never wins (every window holds at least one real value).

    Returns:
        ``(out, cache)``, ``out`` of shape (N, C, H_out, W_out).
    """
    raise NotImplementedError("maxpool2d_forward")


def maxpool2d_backward(dout: np.ndarray, cache) -> np.ndarray:
    """Gradient of max pooling.

    Each window sends its ``dout`` to exactly **one** input position: the position of its maximum,
    and when several positions tie for the maximum, the **first in row-major order within the
    window** (the smallest row, then the smallest column), as torch's CPU kernel does. Positions
    used by several windows accumulate the gradients of all of them.
    """
    raise NotImplementedError("maxpool2d_backward")


def avgpool2d_forward(x: np.ndarray, kernel_size, stride=None, padding=0):
    """Average pooling: each output is the sum of its window divided by ``k_h * k_w``.

    Padding counts as zeros **and is counted in the divisor** (torch's ``count_include_pad=True``),
    so a corner window with padding 1 and kernel 2 averages one real value with three zeros.

    Returns:
        ``(out, cache)``, ``out`` of shape (N, C, H_out, W_out).
    """
    raise NotImplementedError("avgpool2d_forward")


def avgpool2d_backward(dout: np.ndarray, cache) -> np.ndarray:
    """Gradient of average pooling: every window spreads ``dout / (k_h * k_w)`` over its positions
    (the share that falls on padding is dropped); overlapping windows accumulate."""
    raise NotImplementedError("avgpool2d_backward")
