"""Known-wrong answers to nn/activations and a cs231n/torch-style one; `nox -s verify` proves the tests
catch every wrong one and that the canonical-style one ends as kata.toml declares."""

import math

import numpy as np
from scipy.special import erf

from solutions.nn import activations as ref


def naive_sigmoid(x):
    return 1 / (1 + np.exp(-x))  # exp(1000) overflows: inf and a RuntimeWarning


def naive_sigmoid_backward(dout, x):
    s = naive_sigmoid(x)
    return dout * s * (1 - s)


def relu_backward_one_at_zero(dout, x):
    ref._check(dout, x)
    return np.where(x >= 0, dout, 0)


def relu6_backward_inclusive(dout, x):
    ref._check(dout, x)
    return np.where((x >= 0) & (x <= 6), dout, 0)


def hardswish_backward_inclusive(dout, x):
    ref._check(dout, x)
    return dout * np.where(x < -3, 0, np.where(x <= 3, x / 3 + 0.5, 1))


def tanh_backward_from_output(dout, x):
    ref._check(dout, x)
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


def leaky_relu_backward_one_at_zero(dout, x, negative_slope=0.01):
    ref._check(dout, x)
    return np.where(x >= 0, dout, negative_slope * dout)


def softplus_ge_threshold(x, beta=1.0, threshold=20.0):
    z = beta * x
    return np.where(z >= threshold, x, np.logaddexp(0, z) / beta)


def softplus_backward_ge_threshold(dout, x, beta=1.0, threshold=20.0):
    ref._check(dout, x)
    z = beta * x
    return np.where(z >= threshold, dout, dout * ref.sigmoid(z))


def gelu_numpy_constants(x, approximate="none"):
    ref._gelu_form(approximate)
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    return 0.5 * x * (1 + erf(x / np.sqrt(2.0)))  # a numpy float64 scalar promotes float32 x to float64


def gelu_backward_numpy_constants(dout, x, approximate="none"):
    return ref.gelu_backward(dout, x, approximate).astype(np.float64)


def _empty_returns_input(fn):
    def wrapper(*args, **kwargs):
        if np.size(args[0]) == 0:
            return args[0]  # the empty input itself, not a new array
        return fn(*args, **kwargs)

    wrapper.__name__ = fn.__name__
    return wrapper


def _unchecked(name):
    """The reference backward without its dout shape check: a broadcastable dout passes silently."""
    def wrapper(dout, x, **kwargs):
        dout, x = np.broadcast_arrays(dout, x)
        return getattr(ref, name)(dout, x, **kwargs)

    wrapper.__name__ = name
    return wrapper


def gelu_any_approximation(x, approximate="none"):
    return ref.gelu(x, "tanh" if approximate == "tanh" else "none")


def gelu_backward_any_approximation(dout, x, approximate="none"):
    return ref.gelu_backward(dout, x, "tanh" if approximate == "tanh" else "none")


def leaky_relu_default_slope(x, negative_slope=0.1):
    return np.where(x > 0, x, negative_slope * x)


def leaky_relu_backward_default_slope(dout, x, negative_slope=0.1):
    ref._check(dout, x)
    return np.where(x > 0, dout, negative_slope * dout)


# In the style of cs231n (relu_forward / relu_backward, rnn_layers' stable sigmoid) and, for what
# cs231n lacks, of torch's CPU kernels (gelu, silu, hardswish, softplus formulas).

def _same_shape(dout, x):
    if dout.shape != x.shape:
        raise ValueError("dout and x differ in shape")


def relu_cs231n(x):
    return np.maximum(0, x).astype(x.dtype, copy=False)


def relu_backward_cs231n(dout, x):
    _same_shape(dout, x)
    dx = dout.copy()
    dx[x <= 0] = 0
    return dx


def sigmoid_cs231n(x):
    pos_mask = x >= 0
    neg_mask = x < 0
    z = np.zeros_like(x)
    z[pos_mask] = np.exp(-x[pos_mask])
    z[neg_mask] = np.exp(x[neg_mask])
    top = np.ones_like(x)
    top[neg_mask] = z[neg_mask]
    return top / (1 + z)


def sigmoid_backward_cs231n(dout, x):
    _same_shape(dout, x)
    s = sigmoid_cs231n(x)
    return dout * s * (1 - s)


def tanh_backward_cs231n(dout, x):
    _same_shape(dout, x)
    return dout * (1 - np.tanh(x) ** 2)


def leaky_relu_torch(x, negative_slope=0.01):
    return np.where(x > 0, x, x * negative_slope)


def leaky_relu_backward_torch(dout, x, negative_slope=0.01):
    _same_shape(dout, x)
    return np.where(x > 0, dout, dout * negative_slope)


def relu6_torch(x):
    return np.minimum(np.maximum(x, 0), 6)  # hardtanh(x, 0, 6)


def relu6_backward_torch(dout, x):
    _same_shape(dout, x)
    return np.where((x <= 0) | (x >= 6), 0, dout)  # hardtanh_backward


M_SQRT1_2 = 1 / math.sqrt(2)
K_ALPHA = 2 / math.sqrt(math.pi) * M_SQRT1_2 * 0.5
K_BETA = math.sqrt(2) * 2 / math.sqrt(math.pi) * 0.5
K_KAPPA = 0.044715


def _gelu_mode(approximate):
    if approximate not in ("none", "tanh"):
        raise ValueError(f"approximate argument must be either none or tanh, got {approximate}")
    return approximate == "tanh"


def gelu_torch(x, approximate="none"):
    if _gelu_mode(approximate):
        inner = K_BETA * (x + K_KAPPA * x * x * x)
        return 0.5 * x * (1 + np.tanh(inner))
    return x * 0.5 * (1 + erf(x * M_SQRT1_2))


def gelu_backward_torch(dout, x, approximate="none"):
    _same_shape(dout, x)
    if _gelu_mode(approximate):
        x_sq = x * x
        inner = K_BETA * (x + K_KAPPA * x_sq * x)
        tanh_inner = np.tanh(inner)
        left_derivative = 0.5 * (1 + tanh_inner)
        right_derivative = 0.5 * x * (1 - tanh_inner * tanh_inner) * K_BETA * (1 + 3 * K_KAPPA * x_sq)
        return dout * (left_derivative + right_derivative)
    cdf = 0.5 * (1 + erf(x * M_SQRT1_2))
    pdf = K_ALPHA * np.exp(-0.5 * x * x)
    return dout * (cdf + x * pdf)


def silu_torch(x):
    return x * sigmoid_cs231n(x)


def silu_backward_torch(dout, x):
    _same_shape(dout, x)
    s = sigmoid_cs231n(x)
    return dout * s * (1 + x * (1 - s))


def hardswish_torch(x):
    return np.where(x <= -3, 0, np.where(x < 3, x * (x + 3) / 6, x)).astype(x.dtype, copy=False)


def hardswish_backward_torch(dout, x):
    _same_shape(dout, x)
    # torch's hardswish_backward: 0 up to -3, x / 3 + 0.5 strictly inside, 1 from 3 on
    slope = np.where(x <= -3, 0, np.where(x < 3, x / 3 + 0.5, 1))
    return (dout * slope).astype(x.dtype, copy=False)


def softplus_torch(x, beta=1.0, threshold=20.0):
    z = x * beta
    # log1p(exp(z)) only where z <= threshold, so exp never overflows
    return np.where(z > threshold, x, np.log1p(np.exp(np.minimum(z, threshold))) / beta)


def softplus_backward_torch(dout, x, beta=1.0, threshold=20.0):
    _same_shape(dout, x)
    z = x * beta
    return np.where(z > threshold, dout, dout * sigmoid_cs231n(z))


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
    "leaky_relu_grad_one_at_zero": {"leaky_relu_backward": leaky_relu_backward_one_at_zero},
    "softplus_ge_threshold": {"softplus": softplus_ge_threshold, "softplus_backward": softplus_backward_ge_threshold},
    "gelu_upcasts_float32": {"gelu": gelu_numpy_constants, "gelu_backward": gelu_backward_numpy_constants},
    "empty_input_returned": {name: _empty_returns_input(getattr(ref, name)) for name in ("relu", "relu_backward")},
    "no_dout_shape_check": {name + "_backward": _unchecked(name + "_backward")
                            for name in ("relu", "sigmoid", "softplus")},
    "gelu_accepts_any_approximation": {"gelu": gelu_any_approximation,
                                       "gelu_backward": gelu_backward_any_approximation},
    "leaky_relu_default_slope": {"leaky_relu": leaky_relu_default_slope,
                                 "leaky_relu_backward": leaky_relu_backward_default_slope},
}
CANONICAL = {"cs231n_torch_kernels": {
    "relu": relu_cs231n, "relu_backward": relu_backward_cs231n,
    "sigmoid": sigmoid_cs231n, "sigmoid_backward": sigmoid_backward_cs231n,
    "tanh": np.tanh, "tanh_backward": tanh_backward_cs231n,
    "leaky_relu": leaky_relu_torch, "leaky_relu_backward": leaky_relu_backward_torch,
    "relu6": relu6_torch, "relu6_backward": relu6_backward_torch,
    "gelu": gelu_torch, "gelu_backward": gelu_backward_torch,
    "silu": silu_torch, "silu_backward": silu_backward_torch,
    "hardswish": hardswish_torch, "hardswish_backward": hardswish_backward_torch,
    "softplus": softplus_torch, "softplus_backward": softplus_backward_torch,
}}
SLOW = {}
