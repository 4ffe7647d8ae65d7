"""LSTM cell and single-layer LSTM forward in numpy, with torch's weight layout (gates i, f, g, o)."""

import numpy as np


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # exact identity, never overflows


def _check(x, h, w_ih, w_hh, b_ih, b_hh):
    H, I = h.shape[-1], x.shape[-1]
    if np.shape(w_ih) != (4 * H, I) or np.shape(w_hh) != (4 * H, H):
        raise ValueError(f"w_ih must be (4H, I) = {(4 * H, I)} and w_hh (4H, H) = {(4 * H, H)}, "
                         f"got {np.shape(w_ih)} and {np.shape(w_hh)}")
    if any(b is not None and np.shape(b) != (4 * H,) for b in (b_ih, b_hh)):
        raise ValueError(f"biases must be None or of shape (4H,) = {(4 * H,)}")


def _step(x, h, c, w_ih, w_hh, b):
    z = x @ w_ih.T + h @ w_hh.T + b
    i, f, g, o = np.split(z, 4, axis=-1)
    c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c), c


def _bias(b_ih, b_hh, H, dtype):
    return sum((b for b in (b_ih, b_hh) if b is not None), np.zeros(4 * H, dtype))


def lstm_cell(x: np.ndarray, h: np.ndarray, c: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray,
              b_ih, b_hh):
    _check(x, h, w_ih, w_hh, b_ih, b_hh)
    h_new, c_new = _step(x, h, c, w_ih, w_hh, _bias(b_ih, b_hh, h.shape[-1], x.dtype))
    return h_new.astype(x.dtype), c_new.astype(x.dtype)


def lstm(x: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b_ih, b_hh, h0=None, c0=None):
    T, N, _ = x.shape
    H = w_hh.shape[1]
    h = np.zeros((N, H), x.dtype) if h0 is None else h0
    c = np.zeros((N, H), x.dtype) if c0 is None else c0
    _check(x, h, w_ih, w_hh, b_ih, b_hh)
    b = _bias(b_ih, b_hh, H, x.dtype)
    output = np.empty((T, N, H), x.dtype)
    for t in range(T):  # the recurrence is sequential; each step is batched over N
        h, c = _step(x[t], h, c, w_ih, w_hh, b)
        output[t] = h
    return output, (np.array(h, x.dtype), np.array(c, x.dtype))
