"""LayerNorm, GroupNorm and InstanceNorm in numpy: one normalise-over-axes helper, three views of x."""

import numpy as np


def _normalise(x, axes, eps):
    """x_hat and 1 / std of x over `axes` (biased variance), in float64."""
    x64 = x.astype(np.float64)
    mean = x64.mean(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(((x64 - mean) ** 2).mean(axis=axes, keepdims=True) + eps)
    return (x64 - mean) * inv_std, inv_std


def _normalise_backward(dxhat, xhat, inv_std, axes):
    """d/dx of x_hat = (x - mean) * inv_std, given dL/dx_hat: the mean and the variance depend on x."""
    return inv_std * (dxhat - dxhat.mean(axis=axes, keepdims=True)
                      - xhat * (dxhat * xhat).mean(axis=axes, keepdims=True))


def _check_affine(gamma, beta, shape):
    if np.shape(gamma) != tuple(shape) or np.shape(beta) != tuple(shape):
        raise ValueError(f"gamma and beta must have shape {tuple(shape)}, got {np.shape(gamma)} and {np.shape(beta)}")


def layernorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5):
    k = np.ndim(gamma)
    if k == 0 or k > x.ndim:
        raise ValueError(f"gamma must be 1-D to {x.ndim}-D, got shape {np.shape(gamma)}")
    _check_affine(gamma, beta, x.shape[x.ndim - k:])
    axes = tuple(range(x.ndim - k, x.ndim))
    xhat, inv_std = _normalise(x, axes, eps)
    out = gamma * xhat + beta
    return out.astype(x.dtype), (xhat, inv_std, gamma, axes, x.dtype)


def layernorm_backward(dout: np.ndarray, cache):
    xhat, inv_std, gamma, axes, dtype = cache
    dout = dout.astype(np.float64)
    lead = tuple(range(xhat.ndim - len(axes)))
    dgamma = (dout * xhat).sum(axis=lead)
    dbeta = dout.sum(axis=lead)
    dx = _normalise_backward(dout * gamma, xhat, inv_std, axes)
    return dx.astype(dtype), dgamma.astype(gamma.dtype), dbeta.astype(gamma.dtype)


def _channel_norm(x, groups, gamma, beta, eps):
    """Normalise x (N, C, *S) per sample over groups of C // groups contiguous channels and all of S."""
    n, c, *spatial = x.shape
    xg = x.reshape(n, groups, c // groups, *spatial)  # explicit sizes: N = 0 still reshapes
    axes = tuple(range(2, xg.ndim))
    xhat, inv_std = _normalise(xg, axes, eps)
    per_channel = (1, c) + (1,) * len(spatial)
    out = xhat.reshape(x.shape) * gamma.reshape(per_channel) + beta.reshape(per_channel)
    return out.astype(x.dtype), (xhat, inv_std, gamma, axes, x.shape, x.dtype)


def _channel_norm_backward(dout, cache):
    xhat, inv_std, gamma, axes, shape, dtype = cache
    dout = dout.astype(np.float64)
    not_channel = (0,) + tuple(range(2, len(shape)))
    dgamma = (dout * xhat.reshape(shape)).sum(axis=not_channel)
    dbeta = dout.sum(axis=not_channel)
    dxhat = (dout * gamma.reshape((1, -1) + (1,) * (len(shape) - 2))).reshape(xhat.shape)
    dx = _normalise_backward(dxhat, xhat, inv_std, axes).reshape(shape)
    return dx.astype(dtype), dgamma.astype(gamma.dtype), dbeta.astype(gamma.dtype)


def groupnorm_forward(x: np.ndarray, num_groups: int, gamma: np.ndarray, beta: np.ndarray,
                      eps: float = 1e-5):
    if x.ndim < 2:
        raise ValueError(f"x must be (N, C, *spatial), got shape {x.shape}")
    if num_groups < 1 or x.shape[1] % num_groups:
        raise ValueError(f"num_groups={num_groups} does not divide C={x.shape[1]}")
    _check_affine(gamma, beta, (x.shape[1],))
    return _channel_norm(x, num_groups, gamma, beta, eps)


def groupnorm_backward(dout: np.ndarray, cache):
    return _channel_norm_backward(dout, cache)


def instancenorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5):
    if x.ndim < 3:
        raise ValueError(f"x must be (N, C, *spatial) with a spatial axis, got shape {x.shape}")
    _check_affine(gamma, beta, (x.shape[1],))
    return _channel_norm(x, x.shape[1], gamma, beta, eps)  # InstanceNorm is GroupNorm with G = C


def instancenorm_backward(dout: np.ndarray, cache):
    return _channel_norm_backward(dout, cache)
