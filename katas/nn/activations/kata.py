"""Activation functions, forward and backward, in numpy · 激活函数的前向与反向传播

ReLU, LeakyReLU, ReLU6, sigmoid, tanh, GELU (exact and tanh approximation), SiLU, hardswish and
softplus, each with the gradient PyTorch's autograd computes, also at the kinks, and stable for
inputs of any size.

Conventions shared by every function here:
    - ``x`` is a float32 or float64 numpy array of any shape (size 0 included). Every function
      returns a **new** array of ``x``'s shape and dtype; ``x`` and ``dout`` are never modified.
    - ``name(x, ...)`` is the forward pass, ``name_backward(dout, x, ...)`` returns
      ``dL/dx = dout * f'(x)`` given the upstream gradient ``dout`` (same shape as ``x``, else
      ``ValueError``) and the forward's **input** ``x`` (not its output), with the same keyword
      arguments as the forward.
    - At a kink (a point where ``f`` has no derivative) the gradient is the one
      ``torch.nn.functional`` + autograd returns; each docstring says which.
    - No overflow, no NaN and no RuntimeWarning for any finite input: ``sigmoid(-1000.0)`` is 0.0
      and ``softplus(1000.0)`` is 1000.0, quietly.
    - Accuracy: within 1e-5 (relative) or 1e-6 (absolute) of a float64 computation.
    - numpy only; ``scipy.special.erf`` is allowed for the exact GELU (numpy has no erf).

Canonical code: ``torch.nn.functional`` and its autograd formulas are the oracle, kinks included
(one convention test per kink: relu'(0) = 0, leaky_relu'(0) = negative_slope, relu6' = 0 at 0 and 6,
hardswish' = 0 at -3 and 1 at 3, softplus linear only where ``beta * x > threshold``). cs231n's
``relu_forward`` / ``relu_backward`` (``dx[x <= 0] = 0``) and its stable sigmoid (``exp(-x)`` where
``x >= 0``, ``exp(x)`` elsewhere) follow this statement. ``scipy.special.expit`` is a stable sigmoid
too. A textbook ``1 / (1 + exp(-x))`` and torch's softplus written with ``np.where`` over the whole
array overflow for large ``|x|`` (``exp`` is evaluated on both branches): not allowed here.

Run the tests: pytest katas/nn/activations
"""

import numpy as np

__all__ = [
    "relu", "relu_backward",
    "leaky_relu", "leaky_relu_backward",
    "relu6", "relu6_backward",
    "sigmoid", "sigmoid_backward",
    "tanh", "tanh_backward",
    "gelu", "gelu_backward",
    "silu", "silu_backward",
    "hardswish", "hardswish_backward",
    "softplus", "softplus_backward",
]


def relu(x: np.ndarray) -> np.ndarray:
    """``max(x, 0)``."""
    raise NotImplementedError("relu")


def relu_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Gradient of ``relu``: ``dout`` where ``x > 0``, else 0. At ``x == 0`` the gradient is **0**."""
    raise NotImplementedError("relu_backward")


def leaky_relu(x: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    """``x`` where ``x > 0``, else ``negative_slope * x``."""
    raise NotImplementedError("leaky_relu")


def leaky_relu_backward(dout: np.ndarray, x: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    """Gradient of ``leaky_relu``: ``dout`` where ``x > 0``, else ``negative_slope * dout``; so at
    ``x == 0`` the gradient is ``negative_slope * dout``."""
    raise NotImplementedError("leaky_relu_backward")


def relu6(x: np.ndarray) -> np.ndarray:
    """``min(max(x, 0), 6)`` (MobileNet's activation)."""
    raise NotImplementedError("relu6")


def relu6_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Gradient of ``relu6``: ``dout`` where ``0 < x < 6`` (strictly), else 0; so 0 at both kinks,
    ``x == 0`` and ``x == 6``."""
    raise NotImplementedError("relu6_backward")


def sigmoid(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))``, computed without overflow: exact 0.0 and 1.0 far out, no warning."""
    raise NotImplementedError("sigmoid")


def sigmoid_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Gradient of ``sigmoid``: ``dout * s * (1 - s)`` with ``s = sigmoid(x)``."""
    raise NotImplementedError("sigmoid_backward")


def tanh(x: np.ndarray) -> np.ndarray:
    """The hyperbolic tangent."""
    raise NotImplementedError("tanh")


def tanh_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Gradient of ``tanh`` given its input ``x``: ``dout * (1 - tanh(x)**2)``."""
    raise NotImplementedError("tanh_backward")


def gelu(x: np.ndarray, approximate: str = "none") -> np.ndarray:
    """GELU, ``x * Phi(x)`` with ``Phi`` the standard normal CDF, as ``torch.nn.functional.gelu``.

    ``approximate="none"``: the exact form ``0.5 * x * (1 + erf(x / sqrt(2)))``.
    ``approximate="tanh"``: ``0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))``.
    Any other value of ``approximate`` raises ``ValueError``.
    """
    raise NotImplementedError("gelu")


def gelu_backward(dout: np.ndarray, x: np.ndarray, approximate: str = "none") -> np.ndarray:
    """Gradient of ``gelu`` in the same form (exact or tanh) as ``approximate`` selects.

    Exact: ``Phi(x) + x * phi(x)`` with ``phi`` the standard normal density. Any other value of
    ``approximate`` than "none" or "tanh" raises ``ValueError``.
    """
    raise NotImplementedError("gelu_backward")


def silu(x: np.ndarray) -> np.ndarray:
    """SiLU (swish): ``x * sigmoid(x)``; stable for large ``|x|`` like ``sigmoid``."""
    raise NotImplementedError("silu")


def silu_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Gradient of ``silu``: ``dout * s * (1 + x * (1 - s))`` with ``s = sigmoid(x)``."""
    raise NotImplementedError("silu_backward")


def hardswish(x: np.ndarray) -> np.ndarray:
    """``x * relu6(x + 3) / 6`` (MobileNetV3's h-swish): 0 for ``x <= -3``, ``x`` for ``x >= 3``."""
    raise NotImplementedError("hardswish")


def hardswish_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Gradient of ``hardswish``, as torch computes it: ``0`` for ``x <= -3``, ``x / 3 + 0.5`` for
    ``-3 < x < 3``, ``1`` for ``x >= 3`` (times ``dout``). So exactly 0 at ``x == -3`` and exactly 1
    at ``x == 3``, although the middle formula would give -0.5 and 1.5 there."""
    raise NotImplementedError("hardswish_backward")


def softplus(x: np.ndarray, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    """``log(1 + exp(beta * x)) / beta``, a smooth ReLU, with torch's linear cut-off.

    Where ``beta * x > threshold`` (strictly) the result is ``x`` itself, exactly as
    ``torch.nn.functional.softplus``; at ``beta * x == threshold`` the log formula still applies.
    ``beta > 0``. Large negative ``x`` gives a value near 0 without underflow warnings.
    """
    raise NotImplementedError("softplus")


def softplus_backward(dout: np.ndarray, x: np.ndarray, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    """Gradient of ``softplus``: ``dout * sigmoid(beta * x)``, and exactly ``dout`` where
    ``beta * x > threshold``."""
    raise NotImplementedError("softplus_backward")
