"""Fully connected layer in numpy, torch's weight layout (D_out, D_in)."""

import numpy as np


def linear_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None):
    if x.ndim != 2 or w.ndim != 2 or x.shape[1] != w.shape[1]:
        raise ValueError(f"need x (N, D_in) and w (D_out, D_in), got {x.shape} and {w.shape}")
    if b is not None and b.shape != (w.shape[0],):
        raise ValueError(f"b must have shape ({w.shape[0]},), got {b.shape}")
    out = x @ w.T
    if b is not None:
        out = out + b
    return out.astype(x.dtype, copy=False), (x, w, b)


def linear_backward(dout: np.ndarray, cache):
    x, w, b = cache
    if dout.shape != (x.shape[0], w.shape[0]):
        raise ValueError(f"dout must have shape {(x.shape[0], w.shape[0])}, got {dout.shape}")
    dx = dout @ w  # (N, D_out) @ (D_out, D_in)
    dw = dout.T @ x  # (D_out, N) @ (N, D_in): the layout of w
    db = None if b is None else dout.sum(axis=0).astype(b.dtype, copy=False)
    return dx.astype(x.dtype, copy=False), dw.astype(w.dtype, copy=False), db
