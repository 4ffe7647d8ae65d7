"""Batch normalisation in numpy: training forward/backward, running statistics, eval mode."""

import numpy as np


def _axes_and_shape(x, params):
    """Axes to reduce over (all but the channel axis 1) and the shape that broadcasts per channel."""
    if x.ndim not in (2, 4):
        raise ValueError(f"x must be (N, D) or (N, C, H, W), got shape {x.shape}")
    if any(np.shape(p) != (x.shape[1],) for p in params):
        raise ValueError(f"per-channel parameters must have shape ({x.shape[1]},)")
    axes = (0,) if x.ndim == 2 else (0, 2, 3)
    return axes, (1, -1) + (1,) * (x.ndim - 2)


def batchnorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5):
    axes, shape = _axes_and_shape(x, (gamma, beta))
    x64 = x.astype(np.float64)
    mean = x64.mean(axis=axes, keepdims=True)
    var = x64.var(axis=axes, keepdims=True)  # biased, as training-mode BN normalises
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x64 - mean) * inv_std
    out = gamma.reshape(shape) * xhat + beta.reshape(shape)
    return out.astype(x.dtype), (xhat, inv_std, gamma, axes, shape, x.dtype)


def batchnorm_backward(dout: np.ndarray, cache):
    xhat, inv_std, gamma, axes, shape, dtype = cache
    dout = dout.astype(np.float64)
    m = xhat.size // xhat.shape[1]  # values per channel
    dbeta = dout.sum(axis=axes)
    dgamma = (dout * xhat).sum(axis=axes)
    dxhat = dout * gamma.reshape(shape)
    # d/dx of (x - mean) * inv_std, with mean and var functions of x: three terms.
    dx = inv_std / m * (m * dxhat - dxhat.sum(axis=axes, keepdims=True)
                        - xhat * (dxhat * xhat).sum(axis=axes, keepdims=True))
    return dx.astype(dtype), dgamma.astype(gamma.dtype), dbeta.astype(gamma.dtype)


def update_running_stats(x: np.ndarray, running_mean: np.ndarray, running_var: np.ndarray,
                         momentum: float = 0.1):
    axes, _ = _axes_and_shape(x, (running_mean, running_var))
    x64 = x.astype(np.float64)
    new_mean = (1 - momentum) * running_mean + momentum * x64.mean(axis=axes)
    new_var = (1 - momentum) * running_var + momentum * x64.var(axis=axes, ddof=1)  # unbiased
    return new_mean.astype(running_mean.dtype), new_var.astype(running_var.dtype)


def batchnorm_eval(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, running_mean: np.ndarray,
                   running_var: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    _, shape = _axes_and_shape(x, (gamma, beta, running_mean, running_var))
    scale = gamma / np.sqrt(running_var.astype(np.float64) + eps)
    out = (x - running_mean.reshape(shape)) * scale.reshape(shape) + beta.reshape(shape)
    return out.astype(x.dtype)
