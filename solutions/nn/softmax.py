"""Stable softmax and log-softmax in numpy, and their gradients given the forward's output."""

import numpy as np


def _shifted(x, axis):
    if x.ndim == 0 or x.shape[axis] == 0:
        raise ValueError(f"softmax needs at least one entry along axis {axis}, got shape {x.shape}")
    # Subtracting the maximum leaves the result unchanged and keeps exp() in (0, 1].
    return x - x.max(axis=axis, keepdims=True)


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(_shifted(x, axis))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    z = _shifted(x, axis)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def _check(dout, out):
    if dout.shape != out.shape:
        raise ValueError(f"dout has shape {dout.shape}, out has shape {out.shape}")


def softmax_backward(dout: np.ndarray, out: np.ndarray, axis: int = -1) -> np.ndarray:
    _check(dout, out)
    # dx_i = sum_j dout_j * s_j * (delta_ij - s_i) = s_i * (dout_i - sum_j dout_j * s_j)
    return out * (dout - (dout * out).sum(axis=axis, keepdims=True))


def log_softmax_backward(dout: np.ndarray, out: np.ndarray, axis: int = -1) -> np.ndarray:
    _check(dout, out)
    # d(log s_j)/dx_i = delta_ij - s_i, so dx_i = dout_i - s_i * sum_j dout_j
    return dout - np.exp(out) * dout.sum(axis=axis, keepdims=True)
