"""Known-wrong answers to nn/softmax and a cs231n-style one; `nox -s verify` proves the tests catch
every wrong one and that the cs231n-style one ends as kata.toml declares."""

import numpy as np

from solutions.nn import softmax as ref


def softmax_without_max(x, axis=-1):
    e = np.exp(x)  # exp(1e4) overflows to inf, and inf / inf is NaN
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax_without_max(x, axis=-1):
    return x - np.log(np.exp(x).sum(axis=axis, keepdims=True))


def log_of_softmax(x, axis=-1):
    return np.log(ref.softmax(x, axis))  # softmax underflows to 0 for very negative logits: log(0) = -inf


def log_softmax_minus_logsumexp(x, axis=-1):
    m = x.max(axis=axis, keepdims=True)
    return x - (m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True)))  # large m + small log rounds in float32


def softmax_sum_without_keepdims(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis)  # for (N, N) and axis=-1, entry [i, j] is divided by the sum of row j


def softmax_backward_diagonal(dout, out, axis=-1):
    return dout * out * (1 - out)  # the Jacobian's diagonal only


def log_softmax_backward_diagonal(dout, out, axis=-1):
    return dout * (1 - np.exp(out))  # the Jacobian's diagonal only


def log_softmax_backward_one_hot(dout, out, axis=-1):
    ref._check(dout, out)
    return np.exp(out) + dout  # right only when dout sums to -1 along the axis


def softmax_backward_sums_dout(dout, out, axis=-1):
    ref._check(dout, out)
    return out * (dout - dout.sum(axis=axis, keepdims=True))


def _upcast(fn):
    def wrapper(a, *args, **kwargs):
        return fn(np.asarray(a, np.float64), *(np.asarray(v, np.float64) if isinstance(v, np.ndarray) else v
                                               for v in args), **kwargs)

    wrapper.__name__ = fn.__name__
    return wrapper


def softmax_backward_unchecked(dout, out, axis=-1):
    return out * (dout - (dout * out).sum(axis=axis, keepdims=True))


def log_softmax_backward_unchecked(dout, out, axis=-1):
    return dout - np.exp(out) * dout.sum(axis=axis, keepdims=True)


def softmax_with_identity(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True, initial=-np.inf))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax_with_identity(x, axis=-1):
    z = x - np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def _cs231n_log_probs(x, axis):
    shifted_logits = x - np.max(x, axis=axis, keepdims=True)
    Z = np.sum(np.exp(shifted_logits), axis=axis, keepdims=True)
    return shifted_logits - np.log(Z)


def softmax_cs231n(x, axis=-1):
    return np.exp(_cs231n_log_probs(x, axis))


def log_softmax_cs231n(x, axis=-1):
    return _cs231n_log_probs(x, axis)


WRONG = {
    "no_max_subtraction": {"softmax": softmax_without_max, "log_softmax": log_softmax_without_max},
    "log_of_softmax": {"log_softmax": log_of_softmax},
    "x_minus_logsumexp": {"log_softmax": log_softmax_minus_logsumexp},
    "wrong_axis": {"softmax": softmax_sum_without_keepdims},
    "softmax_backward_diagonal": {"softmax_backward": softmax_backward_diagonal},
    "log_softmax_backward_diagonal": {"log_softmax_backward": log_softmax_backward_diagonal},
    "log_softmax_backward_assumes_one_hot": {"log_softmax_backward": log_softmax_backward_one_hot},
    "softmax_backward_sums_dout": {"softmax_backward": softmax_backward_sums_dout},
    "upcasts_to_float64": {name: _upcast(getattr(ref, name)) for name in
                           ("softmax", "log_softmax", "softmax_backward", "log_softmax_backward")},
    "no_dout_shape_check": {"softmax_backward": softmax_backward_unchecked,
                            "log_softmax_backward": log_softmax_backward_unchecked},
    "empty_axis_returns_empty": {"softmax": softmax_with_identity, "log_softmax": log_softmax_with_identity},
}
CANONICAL = {"cs231n_shifted_logits": {"softmax": softmax_cs231n, "log_softmax": log_softmax_cs231n,
                                       "softmax_backward": softmax_backward_unchecked,
                                       "log_softmax_backward": log_softmax_backward_unchecked}}
SLOW = {}
