"""Known-wrong answers to nn/batchnorm and a cs231n-style one; `nox -s verify` proves the tests catch
every wrong one and that the cs231n-style one ends as kata.toml declares."""

import numpy as np

from solutions.nn import batchnorm as ref


def _forward(*, ddof=0, per_position=False, eps_outside=False):
    def batchnorm_forward(x, gamma, beta, eps=1e-5):
        axes, shape = ref._axes_and_shape(x, (gamma, beta))
        if per_position:
            axes = (0,)
        x64 = x.astype(np.float64)
        mean = x64.mean(axis=axes, keepdims=True)
        std = x64.std(axis=axes, keepdims=True, ddof=ddof)
        inv_std = 1.0 / (std + eps) if eps_outside else 1.0 / np.sqrt(std**2 + eps)
        xhat = (x64 - mean) * inv_std
        out = gamma.reshape(shape) * xhat + beta.reshape(shape)
        return out.astype(x.dtype), (xhat, inv_std, gamma, axes, shape, x.dtype)

    return batchnorm_forward


def backward_without_mean_terms(dout, cache):
    xhat, inv_std, gamma, axes, shape, dtype = cache
    dx = dout * gamma.reshape(shape) * inv_std  # treats mean and var as constants
    return dx.astype(dtype), (dout * xhat).sum(axis=axes), dout.sum(axis=axes)


def _running(*, ddof=1, swapped=False, per_position=False):
    def update_running_stats(x, running_mean, running_var, momentum=0.1):
        axes, _ = ref._axes_and_shape(x, (running_mean, running_var))
        keep, new = (momentum, 1 - momentum) if swapped else (1 - momentum, momentum)
        var = x.var(axis=axes, ddof=ddof)
        if per_position and x.ndim == 4:  # the average of per-position variances over N
            var = x.var(axis=0, ddof=ddof).mean(axis=(1, 2))
        return keep * running_mean + new * x.mean(axis=axes), keep * running_var + new * var

    return update_running_stats


def eval_with_batch_statistics(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return ref.batchnorm_forward(x, gamma, beta, eps)[0]


def backward_dgamma_over_batch_only(dout, cache):
    dx, _, _ = ref.batchnorm_backward(dout, cache)
    xhat = cache[0]
    axes = (0, 3) if xhat.ndim == 4 else (0,)  # forgets the H axis
    dgamma, dbeta = (dout * xhat).sum(axis=axes), dout.sum(axis=axes)
    return dx, (dgamma[:, 0] if dgamma.ndim > 1 else dgamma), (dbeta[:, 0] if dbeta.ndim > 1 else dbeta)


def _upcast(fn):
    def wrapper(*args, **kwargs):
        out = fn(*args, **kwargs)
        if isinstance(out, tuple):
            return tuple(np.asarray(o, np.float64) if isinstance(o, np.ndarray) else o for o in out[:1]) + out[1:]
        return np.asarray(out, np.float64)

    wrapper.__name__ = fn.__name__
    return wrapper


def forward_unchecked(x, gamma, beta, eps=1e-5):
    axes = tuple(a for a in range(x.ndim) if a != 1)  # any rank, any broadcastable gamma and beta
    shape = (1, -1) + (1,) * (x.ndim - 2)
    x64 = x.astype(np.float64)
    mean = x64.mean(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(x64.var(axis=axes, keepdims=True) + eps)
    xhat = (x64 - mean) * inv_std
    out = gamma.reshape(shape) * xhat + beta.reshape(shape)
    return out.astype(x.dtype), (xhat, inv_std, gamma, axes, shape, x.dtype)


# In the style of cs231n's batchnorm_forward / batchnorm_backward_alt and spatial_batchnorm_forward:
# (N, D) code, NCHW handled by moving channels last and flattening to (N * H * W, C).

def _rows(x):
    if x.ndim == 4:
        N, C, H, W = x.shape
        return x.transpose(0, 2, 3, 1).reshape(-1, C)
    return x


def _unrows(y, like):
    if like.ndim == 4:
        N, C, H, W = like.shape
        return y.reshape(N, H, W, C).transpose(0, 3, 1, 2)
    return y


def batchnorm_forward_cs231n(x, gamma, beta, eps=1e-5):
    xr = _rows(x)
    sample_mean = np.mean(xr, axis=0)
    sample_var = np.var(xr, axis=0)
    x_hat = (xr - sample_mean) / np.sqrt(sample_var + eps)
    out = gamma * x_hat + beta
    cache = (x_hat, gamma, sample_var, eps, x)
    return _unrows(out, x), cache


def batchnorm_backward_cs231n(dout, cache):
    x_hat, gamma, var, eps, x = cache
    dr = _rows(dout)
    N = dr.shape[0]
    dbeta = np.sum(dr, axis=0)
    dgamma = np.sum(dr * x_hat, axis=0)
    dx_hat = dr * gamma
    dx = (1.0 / N) / np.sqrt(var + eps) * (N * dx_hat - np.sum(dx_hat, axis=0)
                                           - x_hat * np.sum(dx_hat * x_hat, axis=0))
    return _unrows(dx, x), dgamma, dbeta


def update_running_stats_cs231n(x, running_mean, running_var, momentum=0.1):
    xr = _rows(x)
    running_mean = momentum * running_mean + (1 - momentum) * np.mean(xr, axis=0)
    running_var = momentum * running_var + (1 - momentum) * np.var(xr, axis=0)
    return running_mean, running_var


def batchnorm_eval_cs231n(x, gamma, beta, running_mean, running_var, eps=1e-5):
    xr = _rows(x)
    out = gamma * (xr - running_mean) / np.sqrt(running_var + eps) + beta
    return _unrows(out, x)


WRONG = {
    "unbiased_normalisation": {"batchnorm_forward": _forward(ddof=1)},
    "per_position_statistics": {"batchnorm_forward": _forward(per_position=True)},
    "eps_outside_sqrt": {"batchnorm_forward": _forward(eps_outside=True)},
    "backward_missing_mean_terms": {"batchnorm_backward": backward_without_mean_terms},
    "biased_running_variance": {"update_running_stats": _running(ddof=0)},
    "swapped_momentum": {"update_running_stats": _running(swapped=True)},
    "eval_uses_batch_statistics": {"batchnorm_eval": eval_with_batch_statistics},
    "running_stats_per_position": {"update_running_stats": _running(per_position=True)},
    "backward_dgamma_over_batch_only": {"batchnorm_backward": backward_dgamma_over_batch_only},
    "upcasts_to_float64": {"batchnorm_forward": _upcast(ref.batchnorm_forward),
                           "batchnorm_eval": _upcast(ref.batchnorm_eval)},
    "no_shape_check": {"batchnorm_forward": forward_unchecked},
}
CANONICAL = {"cs231n": {"batchnorm_forward": batchnorm_forward_cs231n, "batchnorm_backward": batchnorm_backward_cs231n,
                        "update_running_stats": update_running_stats_cs231n,
                        "batchnorm_eval": batchnorm_eval_cs231n}}
SLOW = {}
