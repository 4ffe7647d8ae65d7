"""LayerNorm, GroupNorm and InstanceNorm, forward and backward, in numpy · 层归一化、组归一化与实例归一化

Three normalisations that, unlike batch norm, never look across the samples of a batch: each
sample is normalised with its own mean and variance, taken over a different set of axes (LayerNorm:
the trailing feature axes; GroupNorm: a group of channels and every position; InstanceNorm: one
channel's positions), then scaled and shifted per feature or per channel. Write the forward pass and
the gradients of all three; one shared helper for "normalise over these axes" is the whole trick.

Canonical code: ``torch.nn.functional.layer_norm``, ``group_norm`` and ``instance_norm`` (training
statistics, ``use_input_stats=True``) and their autograd gradients are the oracle, and the kata
follows them, with three differences, each decided by a test: LayerNorm's normalised shape is
``gamma.shape`` (torch passes ``normalized_shape`` separately and also allows no affine);
InstanceNorm's ``gamma`` and ``beta`` are required and there are no running statistics; and bad
shapes raise ``ValueError`` (torch raises ``RuntimeError``): tests
``test_groupnorm_channels_must_divide_into_groups`` and ``test_bad_shapes_raise_value_error``.
cs231n's ``layernorm_forward`` and ``spatial_groupnorm_forward`` compute the same statistics, but
its GroupNorm takes ``gamma`` of shape (1, C, 1, 1); here it is (C,), as in torch.
The cache's layout is yours: tests only pass it back to your backward.

Run the tests: pytest katas/nn/norms
"""

import numpy as np

__all__ = ["layernorm_forward", "layernorm_backward", "groupnorm_forward", "groupnorm_backward",
           "instancenorm_forward", "instancenorm_backward"]


def layernorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5):
    """Layer normalisation over the trailing axes that ``gamma`` covers.

    Args:
        x: float32 or float64 array of shape (*lead, *S), at least 1-D; any leading size may be 0.
        gamma, beta: arrays of shape S, the **trailing** shape of ``x`` that is normalised
            (``normalized_shape`` in torch): for ``x`` of shape (B, T, D) and ``gamma`` of shape
            (D,), each of the B * T vectors is normalised over its D features; with ``gamma`` of
            shape (T, D), each of the B samples over T * D values. ``gamma[s]`` scales and
            ``beta[s]`` shifts feature ``s``.
        eps: added to the variance inside the square root.

    Returns:
        ``(out, cache)``: ``out = gamma * (x - mean) / sqrt(var + eps) + beta``, with ``mean`` and
        the **biased** ``var`` (divide by the count) of each leading index's block of shape S.
        ``out`` has the shape and dtype of ``x``. ``cache`` is anything your backward needs.
        A block of a single value has variance 0: its output is ``beta``.

    Accuracy: within 1e-5 (relative) of a float64 computation, also for float32 input (accumulate
    in float64). Inputs must not be modified.

    Errors: ``ValueError`` when ``gamma`` is 0-D, when ``gamma`` and ``beta`` differ in shape, or
    when ``x.shape`` does not end with ``gamma.shape`` (a ``gamma`` of shape (1,) that would
    broadcast included).
    """
    raise NotImplementedError("layernorm_forward")


def layernorm_backward(dout: np.ndarray, cache):
    """Gradients of ``layernorm_forward``.

    Args:
        dout: upstream gradient, the shape of ``x``.
        cache: what ``layernorm_forward`` returned beside ``out``.

    Returns:
        ``(dx, dgamma, dbeta)`` with the shapes of ``x``, ``gamma`` and ``beta``; ``dx`` in the
        dtype of ``x``, ``dgamma`` and ``dbeta`` in that of ``gamma``. The mean and variance depend
        on every value of their block, so ``dx`` has three terms; ``dgamma`` and ``dbeta`` sum over
        the leading axes (zeros when a leading size is 0).
    """
    raise NotImplementedError("layernorm_backward")


def groupnorm_forward(x: np.ndarray, num_groups: int, gamma: np.ndarray, beta: np.ndarray,
                      eps: float = 1e-5):
    """Group normalisation: per sample, per group of channels, over the group's channels and all positions.

    Args:
        x: float32 or float64 array of shape (N, C, *spatial), at least 2-D (N may be 0; spatial
            may be empty, as for (N, C) input).
        num_groups: G, a divisor of C. Group ``g`` holds the **contiguous** channels
            ``g * C // G`` to ``(g + 1) * C // G - 1`` (torch's layout: channels 0..C/G-1 first).
        gamma, beta: arrays of shape (C,): the scale and shift of each **channel** (not of each
            group).
        eps: added to the variance inside the square root.

    Returns:
        ``(out, cache)``: ``out[n, c] = gamma[c] * (x[n, c] - mean[n, g]) / sqrt(var[n, g] + eps)
        + beta[c]`` with ``g`` the group of channel ``c`` and the biased variance over the group's
        ``C / G * prod(spatial)`` values. Shape and dtype of ``x``. G = 1 is LayerNorm over
        (C, *spatial) with per-channel affine; G = C is InstanceNorm.

    Accuracy and inputs: as in ``layernorm_forward``.

    Errors: ``ValueError`` when ``num_groups`` does not divide C (even where ``x.size`` would let a
    reshape pass silently), or when ``gamma`` or ``beta`` does not have shape (C,).
    """
    raise NotImplementedError("groupnorm_forward")


def groupnorm_backward(dout: np.ndarray, cache):
    """Gradients of ``groupnorm_forward``: ``(dx, dgamma, dbeta)``, shapes of ``x``, ``gamma``, ``beta``.

    ``dgamma[c]`` and ``dbeta[c]`` sum over the samples and positions of channel ``c``; ``dx`` in
    the dtype of ``x``, ``dgamma`` and ``dbeta`` in that of ``gamma``.
    """
    raise NotImplementedError("groupnorm_backward")


def instancenorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5):
    """Instance normalisation: each (sample, channel) pair normalised over its positions.

    Args:
        x: float32 or float64 array of shape (N, C, *spatial) with at least one spatial axis
            ((N, C, L) or (N, C, H, W), ...). N may be 0.
        gamma, beta: arrays of shape (C,), required (torch's ``affine=True``).
        eps: added to the variance inside the square root.

    Returns:
        ``(out, cache)``: ``out[n, c] = gamma[c] * (x[n, c] - mean[n, c]) / sqrt(var[n, c] + eps)
        + beta[c]``, the statistics (biased variance) over the spatial axes only. Shape and dtype of
        ``x``. No running statistics are kept: this is the training-mode / ``use_input_stats``
        computation, which torch's ``InstanceNorm2d`` also uses in eval by default.

    Accuracy and inputs: as in ``layernorm_forward``.

    Errors: ``ValueError`` when ``x`` has fewer than 3 axes or ``gamma`` / ``beta`` is not (C,).
    """
    raise NotImplementedError("instancenorm_forward")


def instancenorm_backward(dout: np.ndarray, cache):
    """Gradients of ``instancenorm_forward``: ``(dx, dgamma, dbeta)``, shapes of ``x``, ``gamma``, ``beta``.

    Dtypes as in ``groupnorm_backward``.
    """
    raise NotImplementedError("instancenorm_backward")
