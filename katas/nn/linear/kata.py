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
    is not None and not of shape (D_out,) (a ``b`` of shape (1,) that would broadcast included).

    Accuracy: each output within 1e-5 relative, or 1e-6 of the largest ``sum_i |x[n, i] * w[j, i]|``,
    of the exact result (the rounding of a float32 matrix product), whatever the dtype. Inputs must
    not be modified.

    Canonical code: cs231n's ``affine_forward`` / ``affine_backward`` compute the same maps but keep
    ``w`` as (D_in, D_out) (here it is torch's (D_out, D_in): use ``x @ w.T`` and ``dw = dout.T @ x``),
    flatten an input of shape (N, d_1, ..., d_k) instead of rejecting it (and ``x.reshape(N, -1)``
    fails for N = 0: test ``test_empty_batch``), always return
    ``db = dout.sum(0)`` (here ``db`` is None without bias: test ``test_no_bias_gives_db_none``) and
    check no shapes (tests ``test_forward_bad_shapes_raise_value_error`` and
    ``test_backward_bad_dout_raises_value_error``). ``torch.nn.functional.linear`` follows this
    layout and is the tests' oracle.
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

    Errors: ``ValueError`` when ``dout`` is not of shape (N, D_out) (a (1, N, D_out) ``dout`` that
    matrix products would broadcast included).
    """
    raise NotImplementedError("linear_backward")
