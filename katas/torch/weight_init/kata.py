"""Xavier and Kaiming weight initialisation · Xavier 与 Kaiming 权重初始化

A layer's output variance is its fan times its weights' variance times its input's variance, so a
deep network keeps its signals (forward, fan_in) or its gradients (backward, fan_out) at a steady
scale only when the weights' variance is about 1 / fan, times a gain that makes up for what the
nonlinearity removes (ReLU halves the variance: gain sqrt(2)). Glorot and Bengio average the two
fans (Xavier); He et al. keep one and the ReLU gain (Kaiming). Convolutions count every tap of the
kernel in the fan. Implement the fans, the gains, and the four initialisers of ``torch.nn.init``.

Run the tests: pytest katas/torch/weight_init
"""

import torch

__all__ = ["calculate_fan_in_and_fan_out", "calculate_gain", "xavier_uniform_", "xavier_normal_",
           "kaiming_uniform_", "kaiming_normal_"]


def calculate_fan_in_and_fan_out(tensor: torch.Tensor) -> tuple[int, int]:
    """The fans of a weight in torch's layout: ``(out_features, in_features)`` for a Linear,
    ``(out_channels, in_channels / groups, *kernel_size)`` for a ConvNd.

    Returns two Python ints ``(fan_in, fan_out)``::

        receptive = product of tensor.shape[2:]     (1 for a 2-D weight)
        fan_in    = tensor.shape[1] * receptive
        fan_out   = tensor.shape[0] * receptive

    e.g. a Conv2d weight (64, 16, 3, 3) has fan_in 16 * 9 = 144 and fan_out 64 * 9 = 576. Shapes
    with a zero are allowed (a (0, 3) weight has fans (3, 0)). Only the shape is read.

    Raises ValueError for a tensor with fewer than 2 dimensions.
    """
    raise NotImplementedError("calculate_fan_in_and_fan_out")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The gain recommended for a nonlinearity, as a Python float::

        "linear", "conv1d", "conv2d", "conv3d",
        "conv_transpose1d", "conv_transpose2d",
        "conv_transpose3d", "sigmoid"                       1
        "tanh"                                              5 / 3
        "relu"                                              sqrt(2)
        "leaky_relu"                                        sqrt(2 / (1 + a^2)), a = param
                                                            (the negative slope; default 0.01)
        "selu"                                              3 / 4

    ``param`` is read for "leaky_relu" only. Raises ValueError for any other name.
    """
    raise NotImplementedError("calculate_gain")


def xavier_uniform_(tensor: torch.Tensor, gain: float = 1.0,
                    generator: torch.Generator | None = None) -> torch.Tensor:
    """Fill ``tensor`` with U(-b, b), ``b = gain * sqrt(6 / (fan_in + fan_out))`` (so its standard
    deviation is ``gain * sqrt(2 / (fan_in + fan_out))``).

    Fans as in ``calculate_fan_in_and_fan_out`` (ValueError below 2 dimensions). Works **in place**
    and returns ``tensor`` itself (the same object: device, dtype and shape kept), without recording
    autograd history, so it may be an ``nn.Parameter`` that requires grad (it still does after).
    Random numbers come from ``generator`` (a ``torch.Generator`` on the tensor's device), or the
    global generator of that device when None: the same generator state gives the same values.
    A tensor with no elements is returned unchanged.
    """
    raise NotImplementedError("xavier_uniform_")


def xavier_normal_(tensor: torch.Tensor, gain: float = 1.0,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    """Fill ``tensor`` with N(0, std^2), ``std = gain * sqrt(2 / (fan_in + fan_out))``, an
    untruncated normal. In place, returns ``tensor``, as ``xavier_uniform_``.
    """
    raise NotImplementedError("xavier_normal_")


def kaiming_uniform_(tensor: torch.Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator: torch.Generator | None = None) -> torch.Tensor:
    """Fill ``tensor`` with U(-b, b), ``b = sqrt(3) * std``, ``std = gain / sqrt(fan)``, where
    ``gain = calculate_gain(nonlinearity, a)`` (``a``, the negative slope, is read only for
    "leaky_relu": the defaults a = 0 and "leaky_relu" give sqrt(2), the ReLU gain) and ``fan`` is
    fan_in for ``mode="fan_in"`` (keeps the forward variance) or fan_out for ``mode="fan_out"``
    (keeps the backward variance). ``nn.Linear`` and ``nn.Conv2d`` call this with ``a = sqrt(5)``.

    In place, returns ``tensor``, as ``xavier_uniform_``. Raises ValueError for a ``mode`` other
    than "fan_in" or "fan_out", for an unknown nonlinearity, and below 2 dimensions.
    """
    raise NotImplementedError("kaiming_uniform_")


def kaiming_normal_(tensor: torch.Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator: torch.Generator | None = None) -> torch.Tensor:
    """Fill ``tensor`` with N(0, std^2), ``std = gain / sqrt(fan)``, an untruncated normal; gain,
    fan, modes, errors and in-place behaviour as in ``kaiming_uniform_``.

    Canonical code: ``torch.nn.init`` (``_calculate_fan_in_and_fan_out``, ``calculate_gain``, and
    the four initialisers under ``torch.no_grad()`` with ``tensor.uniform_(-b, b)`` /
    ``tensor.normal_(0, std)``): this kata has its fan and gain rules and defaults, and accepts
    any sampler with the right distribution (the tests are statistical: fixed seeds, tolerances of
    several standard errors). Keras' ``he_normal`` / ``glorot_normal`` (``VarianceScaling``) draw a
    normal truncated at 2 standard deviations and rescaled to the same variance, where this kata's
    normals are not truncated (``test_normals_are_not_truncated``); Keras also lays kernels out as
    ``(*kernel_size, in, out)``, so its fans read other axes of the shape.
    """
    raise NotImplementedError("kaiming_normal_")
