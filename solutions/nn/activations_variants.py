"""Known-wrong answers to nn/activations; `nox -s verify` proves the tests catch every one."""

import math

import numpy as np

from solutions.nn import activations as ref


def naive_sigmoid(x):
    return 1 / (1 + np.exp(-x))  # exp(1000) overflows: inf and a RuntimeWarning


def naive_sigmoid_backward(dout, x):
    s = naive_sigmoid(x)
    return dout * s * (1 - s)


def relu_backward_one_at_zero(dout, x):
    return np.where(x >= 0, dout, 0)


def relu6_backward_inclusive(dout, x):
    return np.where((x >= 0) & (x <= 6), dout, 0)


def hardswish_backward_inclusive(dout, x):
    return dout * np.where(x < -3, 0, np.where(x <= 3, x / 3 + 0.5, 1))


def tanh_backward_from_output(dout, x):
    return dout * (1 - x**2)  # treats the input as if it were tanh's output


SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


def _gelu_pair(*, constant=SQRT_2_OVER_PI, exact_is_tanh=False):
    def tanh_form(x):
        return np.tanh(constant * (x + 0.044715 * x**3))

    def gelu(x, approximate="none"):
        if approximate not in ("none", "tanh"):
            raise ValueError(approximate)
        if approximate == "tanh" or exact_is_tanh:
            return 0.5 * x * (1 + tanh_form(x))
        return ref.gelu(x)

    def gelu_backward(dout, x, approximate="none"):
        if approximate not in ("none", "tanh"):
            raise ValueError(approximate)
        if approximate == "tanh" or exact_is_tanh:
            t = tanh_form(x)
            return dout * (0.5 * (1 + t) + 0.5 * x * (1 - t**2) * constant * (1 + 3 * 0.044715 * x**2))
        return ref.gelu_backward(dout, x)

    return {"gelu": gelu, "gelu_backward": gelu_backward}


def softplus_without_threshold(x, beta=1.0, threshold=20.0):
    return np.log1p(np.exp(beta * x)) / beta


def softplus_backward_without_threshold(dout, x, beta=1.0, threshold=20.0):
    return dout * ref.sigmoid(beta * x)


WRONG = {
    "sigmoid_overflow": {"sigmoid": naive_sigmoid, "sigmoid_backward": naive_sigmoid_backward},
    "relu_grad_one_at_zero": {"relu_backward": relu_backward_one_at_zero},
    "relu6_grad_one_at_kinks": {"relu6_backward": relu6_backward_inclusive},
    "hardswish_boundary_grads": {"hardswish_backward": hardswish_backward_inclusive},
    "tanh_backward_from_output": {"tanh_backward": tanh_backward_from_output},
    "gelu_exact_is_tanh": _gelu_pair(exact_is_tanh=True),
    "gelu_tanh_constant": _gelu_pair(constant=2 / math.pi),
    "softplus_no_threshold": {"softplus": softplus_without_threshold,
                              "softplus_backward": softplus_backward_without_threshold},
}
SLOW = {}
