"""Stable softmax and log-softmax, forward and backward, in numpy · Softmax 与 LogSoftmax 的前向、反向及数值稳定

Softmax turns logits into probabilities; written naively it overflows at logits of a few hundred.
Write both functions so that they are exact for logits of any size, and their gradients.

Canonical code: ``scipy.special.softmax`` / ``log_softmax`` (subtract the slice maximum, then
``tmp - log(sum(exp(tmp)))``) and the shifted logits of cs231n's ``softmax_loss`` follow this
statement, except that scipy's ``axis`` defaults to None (the whole array) where here it is -1.
``torch.softmax`` / ``torch.log_softmax`` and their autograd formulas (``out * (dout - sum(dout *
out))`` and ``dout - exp(out) * sum(dout)``) are the tests' oracle; torch returns an empty result for
an empty axis where this kata raises ``ValueError``, as numpy's ``max`` does
(test ``test_empty_axis_raises_value_error``).

Run the tests: pytest katas/nn/softmax
"""

import numpy as np

__all__ = ["softmax", "log_softmax", "softmax_backward", "log_softmax_backward"]


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """``exp(x) / sum(exp(x))`` along ``axis``, as ``torch.softmax(x, dim=axis)``.

    Args:
        x: float32 or float64 array of any shape with at least one dimension; ``x.shape[axis]``
            must be at least 1 (else ``ValueError``), other dimensions may be 0. Entries may be
            ``-inf`` (masked logits) as long as every slice along ``axis`` has a finite entry;
            a masked entry gets probability 0.
        axis: the axis to normalise over (negative values count from the end).

    Returns:
        A new array of ``x``'s shape and dtype; every slice along ``axis`` sums to 1.

    Stability: exact (within 1e-5 relative, 1e-6 absolute, of a float64 computation) for logits as
    large as +-1e4 in float32 and float64, with no overflow, NaN or RuntimeWarning. ``x`` is not
    modified.
    """
    raise NotImplementedError("softmax")


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """``log(softmax(x))`` along ``axis``, computed so that it stays finite, as ``torch.log_softmax``.

    Same arguments, shapes and rules as ``softmax``. For a logit far below the others the result
    is a large negative number, e.g. ``log_softmax([0, -1e4]) == [0, -1e4]``, never ``-inf``
    (only a ``-inf`` logit gives ``-inf``). No RuntimeWarning; ``x`` is not modified.
    """
    raise NotImplementedError("log_softmax")


def softmax_backward(dout: np.ndarray, out: np.ndarray, axis: int = -1) -> np.ndarray:
    """Gradient through softmax, given its **output**.

    Args:
        dout: upstream gradient dL/d(out), the shape of ``out`` (else ``ValueError``).
        out: what ``softmax(x, axis)`` returned.
        axis: the same axis as the forward pass.

    Returns:
        dL/dx, the shape and dtype of ``out``. Every output depends on every input of its slice
        (the Jacobian is not diagonal), so each entry of dx collects terms from the whole slice.
    """
    raise NotImplementedError("softmax_backward")


def log_softmax_backward(dout: np.ndarray, out: np.ndarray, axis: int = -1) -> np.ndarray:
    """Gradient through log-softmax, given its **output** ``out = log_softmax(x, axis)``.

    Args, shapes and errors as ``softmax_backward``. ``dout`` is any upstream gradient: do not
    assume it sums to -1 along ``axis`` as it does under a one-hot cross-entropy.
    """
    raise NotImplementedError("log_softmax_backward")
