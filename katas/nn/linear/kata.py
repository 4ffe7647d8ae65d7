"""Fully connected (affine) layer, forward and backward, in numpy · 全连接层的前向与反向传播

``out = x @ w.T + b``: the layer behind ``torch.nn.Linear``. Write the forward pass and the
gradients of a loss with respect to the input, the weight and the bias.

Run the tests: pytest katas/nn/linear
"""

import numpy as np

__all__ = ["linear_forward", "linear_backward"]


def linear_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None):
    """The affine map ``out = x @ w.T + b``, with the weight in PyTorch's layout.

    Args:
        x: float array of shape (N, D_in): one sample per row. N may be 0.
        w: float array of shape **(D_out, D_in)**, the layout of ``torch.nn.Linear.weight`` and
            ``torch.nn.functional.linear``: row ``j`` holds the weights of output feature ``j``, so
            ``out[n, j] = sum_i x[n, i] * w[j, i] + b[j]``. (Not the (D_in, D_out) layout of
            some course notes: a square ``w`` must not be transposed.)
        b: float array of shape (D_out,), or None for a layer without bias.

    ``x``, ``w`` and ``b`` share one dtype, float32 or float64.

    Returns:
        ``(out, cache)``: ``out`` of shape (N, D_out) with the dtype of ``x``; ``cache`` is anything
        your backward needs.

    Errors: ``ValueError`` when ``x`` or ``w`` is not 2-D, when their D_in differ, or when ``b``
    is not None and not of shape (D_out,).

    Accuracy: float64 input within 1e-5 (relative) of the exact result; float32 within the rounding
    of a float32 matrix product. Inputs must not be modified.
    """
    raise NotImplementedError("linear_forward")


def linear_backward(dout: np.ndarray, cache):
    """Gradients of the affine layer.

    Args:
        dout: upstream gradient dL/dout, shape (N, D_out), the dtype of ``out``.
        cache: what ``linear_forward`` returned beside ``out``.

    Returns:
        ``(dx, dw, db)``: dL/dx with the shape and dtype of ``x``, dL/dw with the shape (D_out, D_in)
        and dtype of ``w``, dL/db with the shape (D_out,) of ``b``, or ``None`` when the forward
        pass had ``b=None``. An empty batch (N = 0) gives zero ``dw`` and ``db``.

    Errors: ``ValueError`` when ``dout`` is not of shape (N, D_out).
    """
    raise NotImplementedError("linear_backward")
