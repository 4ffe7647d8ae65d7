"""Activation functions and their gradients in numpy, with torch's choices at the kinks."""

import math

import numpy as np
from scipy.special import erf

# Python floats, so that float32 input stays float32 (numpy scalars would promote it).
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_INV_SQRT_2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_GELU_CUBIC = 0.044715


def _check(dout, x):
    if np.shape(dout) != np.shape(x):
        raise ValueError(f"dout has shape {np.shape(dout)}, x has shape {np.shape(x)}")


def relu(x):
    return np.maximum(x, 0)


def relu_backward(dout, x):
    _check(dout, x)
    return np.where(x > 0, dout, 0)


def leaky_relu(x, negative_slope=0.01):
    return np.where(x > 0, x, negative_slope * x)


def leaky_relu_backward(dout, x, negative_slope=0.01):
    _check(dout, x)
    return np.where(x > 0, dout, negative_slope * dout)


def relu6(x):
    return np.clip(x, 0, 6)


def relu6_backward(dout, x):
    _check(dout, x)
    return np.where((x > 0) & (x < 6), dout, 0)


def sigmoid(x):
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1, e) / (1 + e)


def sigmoid_backward(dout, x):
    _check(dout, x)
    s = sigmoid(x)
    return dout * s * (1 - s)


def tanh(x):
    return np.tanh(x)


def tanh_backward(dout, x):
    _check(dout, x)
    return dout * (1 - np.tanh(x) ** 2)


def _gelu_form(approximate):
    if approximate not in ("none", "tanh"):
        raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")
    return approximate == "tanh"


def gelu(x, approximate="none"):
    if _gelu_form(approximate):
        return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x**3)))
    return 0.5 * x * (1 + erf(x * _INV_SQRT_2))


def gelu_backward(dout, x, approximate="none"):
    _check(dout, x)
    if _gelu_form(approximate):
        t = np.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x**3))
        du = _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * x**2)
        return dout * (0.5 * (1 + t) + 0.5 * x * (1 - t**2) * du)
    cdf = 0.5 * (1 + erf(x * _INV_SQRT_2))
    pdf = np.exp(-0.5 * x**2) * _INV_SQRT_2PI
    return dout * (cdf + x * pdf)


def silu(x):
    return x * sigmoid(x)


def silu_backward(dout, x):
    _check(dout, x)
    s = sigmoid(x)
    return dout * s * (1 + x * (1 - s))


def hardswish(x):
    return x * np.clip(x + 3, 0, 6) / 6


def hardswish_backward(dout, x):
    _check(dout, x)
    slope = np.where(x <= -3, 0, np.where(x < 3, x / 3 + 0.5, 1))  # torch: 0 at -3, 1 at 3
    return dout * slope


def softplus(x, beta=1.0, threshold=20.0):
    z = beta * x
    return np.where(z > threshold, x, np.logaddexp(0, z) / beta)


def softplus_backward(dout, x, beta=1.0, threshold=20.0):
    _check(dout, x)
    z = beta * x
    return np.where(z > threshold, dout, dout * sigmoid(z))
