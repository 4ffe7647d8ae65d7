"""Batch normalisation, forward and backward, in numpy · 批归一化 (BN) 的前向与反向

Training mode normalises each channel with the statistics of the current batch; the running
statistics it keeps along the way are what eval mode uses. Write all four pieces.

Canonical code: ``torch.nn.functional.batch_norm`` (training and eval) is the oracle, and this
statement follows it, except that it takes only 2-D and 4-D ``x`` (torch's BatchNorm1d also takes
(N, C, L)): test ``test_bad_shapes_raise_value_error``. cs231n's ``batchnorm_forward`` /
``batchnorm_backward_alt`` (and ``spatial_batchnorm_forward`` for NCHW) compute the same training
forward and gradients; its running statistics differ in two conventions, each a test of its own:
``running = momentum * running + (1 - momentum) * batch`` with momentum 0.9 (here torch's
``(1 - momentum) * running + momentum * batch`` with 0.1: ``test_running_mean_uses_torch_momentum``),
and the biased batch variance (here the unbiased one: ``test_running_var_is_unbiased``).
The cache's layout is yours: tests only pass it back to your ``batchnorm_backward``.

Run the tests: pytest katas/nn/batchnorm
"""

import numpy as np

__all__ = ["batchnorm_forward", "batchnorm_backward", "update_running_stats", "batchnorm_eval"]


def batchnorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5):
    """Training-mode batch norm: normalise each channel with the batch's own statistics.

    Args:
        x: float array, shape (N, D) (a feature vector per row) or (N, C, H, W). Channels are
            axis 1; the statistics of channel c are taken over every other axis (N, or N, H, W).
        gamma, beta: float arrays of shape (D,) or (C,): the learned scale and shift.
        eps: added to the variance inside the square root.

    Returns:
        ``(out, cache)``: ``out = gamma * (x - mean) / sqrt(var + eps) + beta`` with the same shape
        and dtype as ``x``; ``var`` is the **biased** variance (divide by the count, not count - 1),
        exactly as training-mode BN normalises. ``cache`` is anything your backward needs.

    Accuracy: within 1e-5 (relative) of a float64 computation, also for float32 input.
    Inputs must not be modified. Raises ``ValueError`` when ``x`` is neither 2-D nor 4-D, or when
    ``gamma`` or ``beta`` does not have shape (C,) (a (1,) one that would broadcast included).
    """
    raise NotImplementedError("batchnorm_forward")


def batchnorm_backward(dout: np.ndarray, cache):
    """Gradients of training-mode batch norm.

    Args:
        dout: upstream gradient, same shape as ``x``.
        cache: what ``batchnorm_forward`` returned beside ``out``.

    Returns:
        ``(dx, dgamma, dbeta)`` with the shapes of ``x``, ``gamma`` and ``beta``. Remember that the
        batch mean and variance depend on every element of ``x``: ``dx`` has three terms.
    """
    raise NotImplementedError("batchnorm_backward")


def update_running_stats(x: np.ndarray, running_mean: np.ndarray, running_var: np.ndarray,
                         momentum: float = 0.1):
    """The running statistics after one training batch, in PyTorch's convention.

    ``new = (1 - momentum) * old + momentum * batch_statistic``, where the batch variance here is
    the **unbiased** one (divide by count - 1), as ``torch.nn.BatchNorm2d`` keeps it.

    Args:
        x: the batch, shape (N, D) or (N, C, H, W), with at least two values per channel.
        running_mean, running_var: arrays of shape (D,) or (C,). Not modified.

    Returns:
        ``(new_running_mean, new_running_var)``.
    """
    raise NotImplementedError("update_running_stats")


def batchnorm_eval(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, running_mean: np.ndarray,
                   running_var: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Eval-mode batch norm: ``gamma * (x - running_mean) / sqrt(running_var + eps) + beta``.

    Shapes as in ``batchnorm_forward``; the batch's own statistics are not used at all, so each
    sample's output is independent of the rest of the batch. Returns an array of x's shape and dtype.
    """
    raise NotImplementedError("batchnorm_eval")
