"""Known-wrong answers to nn/softmax; `nox -s verify` proves the tests catch every one."""

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


WRONG = {
    "no_max_subtraction": {"softmax": softmax_without_max, "log_softmax": log_softmax_without_max},
    "log_of_softmax": {"log_softmax": log_of_softmax},
    "x_minus_logsumexp": {"log_softmax": log_softmax_minus_logsumexp},
    "wrong_axis": {"softmax": softmax_sum_without_keepdims},
    "softmax_backward_diagonal": {"softmax_backward": softmax_backward_diagonal},
    "log_softmax_backward_diagonal": {"log_softmax_backward": log_softmax_backward_diagonal},
}
SLOW = {}
