"""2-D convolution layer, forward and backward, vectorised · 卷积层的前向与反向 (im2col)

The real layer: stride, zero padding, dilation and groups, fast enough to train with, and its
gradients with respect to the input, the weights and the bias. As in every deep-learning framework,
"convolution" means cross-correlation: the kernel is not flipped.

Run the tests: pytest katas/nn/conv2d
"""

import numpy as np

__all__ = ["conv2d_forward", "conv2d_backward"]


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, stride=1, padding=0, dilation=1, groups=1):
    """What ``torch.nn.functional.conv2d(x, w, b, stride, padding, dilation, groups)`` computes.

    Args:
        x: float array (N, C, H, W), NCHW, float32 or float64.
        w: float array (F, C // groups, KH, KW) with x's dtype: F filters.
        b: None (no bias) or a float array of shape (F,), one bias per output channel.
        stride, padding, dilation: each an int or a pair ``(for rows, for columns)``.
            ``padding`` adds that many rows/columns of zeros on **both** sides; ``dilation`` d puts
            d - 1 pixels between neighbouring kernel taps, so a kernel of size K spans
            ``d * (K - 1) + 1`` pixels (d = 1 is the ordinary convolution).
        groups: G >= 1, dividing both C and F. Input channels are split into G **contiguous**
            blocks of C / G and filters into G contiguous blocks of F / G; filter f sees only the
            block of input channels of its own group ``f // (F / G)``. G = C = F is a depthwise
            convolution.

    Returns:
        ``(out, cache)``. ``out`` is a float array (N, F, OH, OW) with x's dtype::

            OH = floor((H + 2 * ph - dh * (KH - 1) - 1) / sh) + 1         (OW likewise)
            out[n, f, i, j] = b[f] + sum over c < C/G, u, v of
                              xp[n, g * C/G + c, i * sh + u * dh, j * sw + v * dw] * w[f, c, u, v]

        with ``xp`` the zero-padded input and ``g = f // (F / G)``. The kernel is **not** flipped.
        ``cache`` is anything your backward needs.

    Rules and edge cases:
        - N = 0 gives an empty (0, F, OH, OW) array. Inputs must not be modified.
        - Accuracy: float64 within 1e-9 of the exact result; float32 within 1e-5 (relative or
          absolute) of a float64 computation, on unit-size data.
        - Raises ``ValueError`` when x or w is not 4-D, groups does not divide C and F,
          ``w.shape[1] != C // groups``, b is neither None nor of shape (F,), a stride or a
          dilation is below 1, a padding is negative, or the dilated kernel is larger than the
          padded input.

    Canonical code: cs231n's im2col layers (assignment 2: ``im2col.py``'s ``im2col_indices`` /
    ``col2im_indices`` with ``np.add.at``, and ``conv_forward_im2col`` / ``conv_backward_im2col``) are
    this algorithm for groups = 1, dilation = 1 and square stride and padding; extended to groups
    (one matrix product per block) and dilation (taps ``dilation`` apart) they pass every test.
    cs231n always has a bias; here ``b=None`` gives ``db=None`` (``test_no_bias_gives_db_none``).
    Output and gradient dtypes follow the inputs (``test_outputs_keep_the_input_dtypes``).
    ``torch.nn.functional.conv2d`` and its autograd compute the same values.

    Speed: no Python loop over samples, positions or channels (a loop over the G groups or the
    KH * KW taps is fine). The forward pass on a (4, 16, 24, 24) float32 input with 16 3x3 filters
    and padding 1 must run within the ratio to the reference that ``kata.toml`` gives under [speed]
    (the reference builds all receptive fields as one strided view and does one matrix product).
    """
    raise NotImplementedError("conv2d_forward")


def conv2d_backward(dout: np.ndarray, cache):
    """Gradients of the loss with respect to the convolution's input, weights and bias.

    Args:
        dout: float array (N, F, OH, OW), the gradient of the loss with respect to ``out``.
        cache: what ``conv2d_forward`` returned beside ``out``.

    Returns:
        ``(dx, dw, db)``: ``dx`` with x's shape and dtype, ``dw`` with w's shape and dtype, and
        ``db`` of shape (F,) with b's dtype, or ``None`` when the forward had ``b=None``.
        ``dw`` and ``db`` sum over the whole batch and every output position; ``dx`` sends each
        gradient back to the very pixel that each kernel tap read (mind stride, dilation and
        padding; the padding itself gets no gradient).

    Rules: ``dout`` and ``cache`` must not be modified. Accuracy as in the forward pass.

    Speed: vectorised like the forward; the backward pass of a (2, 16, 16, 16) float32 input with 16
    3x3 filters and padding 1 must run within the same ratio to the reference.
    """
    raise NotImplementedError("conv2d_backward")
