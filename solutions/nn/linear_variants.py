"""Known-wrong answers to nn/linear and a cs231n-style one; `nox -s verify` proves the tests catch
every wrong one and that the cs231n-style one ends as kata.toml declares."""

import numpy as np

from solutions.nn.linear import linear_backward as _ref_backward
from solutions.nn.linear import linear_forward as _ref_forward


def forward_with_untransposed_weight(x, w, b=None):
    if x.ndim != 2 or w.ndim != 2:
        raise ValueError("bad shapes")
    out = x @ w  # treats w as (D_in, D_out)
    return (out if b is None else out + b), (x, w, b)


def _backward(*, dw_transposed=False, db_axis=0, dx_transposed=False, mean=False, db_zeros=False,
              check=True):
    def linear_backward(dout, cache):
        x, w, b = cache
        if check and dout.shape != (x.shape[0], w.shape[0]):
            raise ValueError("dout must be (N, D_out)")
        dx = dout @ w.T if dx_transposed else dout @ w
        dw = x.T @ dout if dw_transposed else dout.T @ x
        if mean:
            dw = dw / max(len(x), 1)
        if b is None:
            db = np.zeros(w.shape[0], w.dtype) if db_zeros else None
        else:
            db = dout.sum(axis=db_axis)
        return dx, dw, db

    return linear_backward


def forward_without_bias_check(x, w, b=None):
    if x.ndim != 2 or w.ndim != 2 or x.shape[1] != w.shape[1]:
        raise ValueError("bad shapes")
    out = x @ w.T
    return (out if b is None else out + b), (x, w, b)  # a (1,) or (N, D_out) b broadcasts silently


def forward_float64(x, w, b=None):
    out, cache = _ref_forward(x, w, b)
    return out.astype(np.float64), cache


def backward_float64(dout, cache):
    return tuple(None if g is None else g.astype(np.float64) for g in _ref_backward(dout, cache))


def affine_forward_cs231n(x, w, b=None):
    """cs231n's affine_forward written for torch's weight layout: flatten the rows, no checks."""
    N = x.shape[0]
    out = x.reshape(N, -1).dot(w.T)
    if b is not None:
        out = out + b
    return out, (x, w, b)


def affine_backward_cs231n(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    x_rows = x.reshape(N, -1)
    dx = dout.dot(w).reshape(x.shape)
    dw = dout.T.dot(x_rows)
    db = np.sum(dout, axis=0)
    return dx, dw, db


WRONG = {
    "forward_transposed_weight": {"linear_forward": forward_with_untransposed_weight},
    "dw_transposed": {"linear_backward": _backward(dw_transposed=True)},
    "db_wrong_axis": {"linear_backward": _backward(db_axis=1)},
    "dx_uses_w_transposed": {"linear_backward": _backward(dx_transposed=True)},
    "dw_averaged_over_batch": {"linear_backward": _backward(mean=True)},
    "db_zeros_without_bias": {"linear_backward": _backward(db_zeros=True)},
    "no_bias_shape_check": {"linear_forward": forward_without_bias_check},
    "no_dout_shape_check": {"linear_backward": _backward(check=False)},
    "upcasts_to_float64": {"linear_forward": forward_float64, "linear_backward": backward_float64},
}
CANONICAL = {"cs231n": {"linear_forward": affine_forward_cs231n, "linear_backward": affine_backward_cs231n}}
SLOW = {}
