"""Transposed convolution (a.k.a. deconvolution), forward · 转置卷积 (反卷积) 的前向

The learned upsampling layer of FCNs, U-Nets and GAN generators, and the gradient of a convolution
with respect to its input. Implement ``torch.nn.functional.conv_transpose2d`` (no groups, no
dilation) in numpy.

Run the tests: pytest katas/nn/conv_transpose2d
"""

import numpy as np

__all__ = ["conv_transpose2d"]


def conv_transpose2d(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, stride=1, padding=0,
                     output_padding=0) -> np.ndarray:
    """What ``torch.nn.functional.conv_transpose2d(x, w, b, stride, padding, output_padding)`` computes.

    Args:
        x: float array (N, C_in, H, W), NCHW, float32 or float64.
        w: float array (C_in, C_out, KH, KW) with x's dtype. **Note the layout**: torch keeps a
            transposed convolution's weight as (in, out, KH, KW), the reverse of Conv2d's.
        b: None or a float array of shape (C_out,), added to every output pixel of its channel.
        stride, padding, output_padding: each an int or a pair ``(for rows, for columns)``.

    Returns:
        float array (N, C_out, OH, OW) with x's dtype, where::

            OH = (H - 1) * sh - 2 * ph + KH + oph                  (OW likewise)

        Think of it as a scatter: every input pixel (i, j) adds ``x[n, c, i, j] * w[c, :, u, v]``
        to the output pixel ``(i * sh + u - ph, j * sw + v - pw)`` for every tap (u, v), and the
        bias is added last. Overlapping stamps add up. ``padding`` **crops** ph rows/pw columns
        from each side of that full result (it does not add any), and ``output_padding`` adds
        oph rows at the bottom / opw columns on the right that only the bias reaches, so that
        the output size can match any input size that a stride-s convolution maps to H.

        It is the adjoint of ``conv2d`` with the same w, stride and padding: for every y of the
        output's shape, ``<conv2d(y, w), x> == <y, conv_transpose2d(x, w)>``. Seen as a
        convolution, it is a cross-correlation of the zero-dilated, padded input with the
        kernel flipped and its in/out axes swapped.

    Rules and edge cases:
        - N = 0 gives an empty output. Inputs must not be modified.
        - Accuracy: within 1e-5 (relative and absolute) of a float64 computation, whatever the dtype.
        - Raises ``ValueError`` when x or w is not 4-D, ``w.shape[0] != C_in``, b is neither
          None nor of shape (C_out,), a stride is below 1, a padding or output_padding is
          negative, an output_padding is not smaller than its stride, or the padding leaves no
          output (OH < 1 or OW < 1).

    Canonical code: ``torch.nn.functional.conv_transpose2d`` is the oracle and this statement
    follows it (weight (C_in, C_out, KH, KW), padding crops, output_padding at the bottom/right).
    The ``dx`` of cs231n's ``conv_backward_naive`` is the same scatter (``dx_pad[n, :, rows, cols]
    += w[f] * dout[n, f, i, j]``, then crop the padding) with ``dout`` as the input; it checks no
    arguments (test ``test_bad_input_raises_value_error``), and its ``dx_pad[:, :, pad:-pad,
    pad:-pad]`` crop is empty for pad = 0: crop ``pad:pad + OH`` instead.
    """
    raise NotImplementedError("conv_transpose2d")
