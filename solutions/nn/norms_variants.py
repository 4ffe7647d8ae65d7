"""Known-wrong answers to nn/norms and one in the style of ATen's native kernels; `nox -s verify`
proves the tests catch every wrong one and that the ATen-style one is solved."""

import numpy as np

from solutions.nn import norms as ref


def _stats(x, axes, eps, *, ddof=0, eps_outside=False):
    x64 = x.astype(np.float64)
    mean = x64.mean(axis=axes, keepdims=True)
    std = x64.std(axis=axes, keepdims=True, ddof=ddof)
    inv_std = 1.0 / (std + eps) if eps_outside else 1.0 / np.sqrt(std ** 2 + eps)
    return (x64 - mean) * inv_std, inv_std


def _layernorm(*, over_batch=False, check=True, **stat_kw):
    def layernorm_forward(x, gamma, beta, eps=1e-5):
        k = np.ndim(gamma)
        if check:
            if k == 0 or k > x.ndim:
                raise ValueError("bad gamma")
            ref._check_affine(gamma, beta, x.shape[x.ndim - k:])
        axes = tuple(range(x.ndim - k)) if over_batch else tuple(range(x.ndim - k, x.ndim))
        xhat, inv_std = _stats(x, axes, eps, **stat_kw)
        return (gamma * xhat + beta).astype(x.dtype), (xhat, inv_std, gamma, axes, x.dtype)

    return layernorm_forward


def _groupnorm(*, interleaved=False, check_groups=True, check=True, **stat_kw):
    def groupnorm_forward(x, num_groups, gamma, beta, eps=1e-5):
        n, c, *spatial = x.shape
        if check_groups and c % num_groups:
            raise ValueError("num_groups must divide C")
        if check:
            ref._check_affine(gamma, beta, (c,))
        if interleaved:
            xg = x.reshape(n, c // num_groups, num_groups, -1)
            axes = (1, 3)
        else:
            # silently mixes channels when G does not divide C (explicit size: N = 0 still reshapes)
            xg = x.reshape(n, num_groups, x.size // max(n * num_groups, 1))
            axes = (2,)
        xhat, _ = _stats(xg, axes, eps, **stat_kw)
        per_channel = (1, c) + (1,) * len(spatial)
        out = xhat.reshape(x.shape) * np.reshape(gamma, per_channel) + np.reshape(beta, per_channel)
        return out.astype(x.dtype), ("mutant", x, num_groups, gamma, beta, eps)

    return groupnorm_forward


def groupnorm_backward_of_mutant(dout, cache):
    """The reference's gradients at the mutant's input (the mutants differ in their forward only)."""
    _, x, groups, gamma, beta, eps = cache
    return ref.groupnorm_backward(dout, ref._channel_norm(x, groups, np.asarray(gamma).reshape(-1),
                                                          np.asarray(beta).reshape(-1), eps)[1])


def _instancenorm(*, over_channels=False, check=True):
    def instancenorm_forward(x, gamma, beta, eps=1e-5):
        if check:
            if x.ndim < 3:
                raise ValueError("x needs a spatial axis")
            ref._check_affine(gamma, beta, (x.shape[1],))
        return ref._channel_norm(x, 1 if over_channels else x.shape[1], gamma, beta, eps)

    return instancenorm_forward


def layernorm_backward_without_mean_terms(dout, cache):
    xhat, inv_std, gamma, axes, dtype = cache
    lead = tuple(range(xhat.ndim - len(axes)))
    dx = dout * gamma * inv_std  # mean and variance treated as constants
    return dx.astype(dtype), (dout * xhat).sum(axis=lead), dout.sum(axis=lead)


def _upcast(fn):
    def wrapper(*args, **kwargs):
        out = fn(*args, **kwargs)
        if isinstance(out[1], tuple):  # a forward: (out, cache)
            return np.asarray(out[0], np.float64), out[1]
        return tuple(np.asarray(o, np.float64) for o in out)

    wrapper.__name__ = fn.__name__
    return wrapper


# In the style of ATen's native kernels (aten/src/ATen/native/cpu/layer_norm_kernel.cpp and
# group_norm_kernel.cpp): view x as M rows of `inner` values, one mean and rstd per row, fold the
# affine into per-channel scale a = rstd * gamma and bias b = beta - mean * a, and in the backward
# build dx from the row sums ds = sum(dy * gamma * x) and db = sum(dy * gamma).

def _rows_forward(x, rows, inner, eps):
    x64 = x.astype(np.float64).reshape(rows, inner)
    mean = x64.mean(axis=1)
    rstd = 1.0 / np.sqrt(((x64 - mean[:, None]) ** 2).mean(axis=1) + eps)
    return x64, mean, rstd


def _rows_backward(dy_gamma, x64, mean, rstd):
    """dx for rows normalised with (mean, rstd), given dy * gamma per element (ATen's formula)."""
    inner = x64.shape[1]
    ds = (dy_gamma * x64).sum(axis=1)
    db = dy_gamma.sum(axis=1)
    c2 = (db * mean - ds) * rstd ** 3 / inner
    c3 = -c2 * mean - db * rstd / inner
    return dy_gamma * rstd[:, None] + c2[:, None] * x64 + c3[:, None]


def layernorm_forward_aten(x, gamma, beta, eps=1e-5):
    k = np.ndim(gamma)
    if k == 0 or k > x.ndim or x.shape[x.ndim - k:] != np.shape(gamma) or np.shape(beta) != np.shape(gamma):
        raise ValueError("normalized shape must be the trailing shape of x")
    inner = int(np.prod(np.shape(gamma)))
    rows = x.size // inner if inner else 0
    x64, mean, rstd = _rows_forward(x, rows, inner, eps)
    y = ((x64 - mean[:, None]) * rstd[:, None]) * gamma.reshape(-1) + beta.reshape(-1)
    return y.reshape(x.shape).astype(x.dtype), (x64, mean, rstd, gamma, x.shape, x.dtype)


def layernorm_backward_aten(dout, cache):
    x64, mean, rstd, gamma, shape, dtype = cache
    dy = dout.astype(np.float64).reshape(x64.shape)
    g = gamma.reshape(-1)
    dx = _rows_backward(dy * g, x64, mean, rstd)
    xhat = (x64 - mean[:, None]) * rstd[:, None]
    dgamma = (dy * xhat).sum(axis=0).reshape(gamma.shape)
    dbeta = dy.sum(axis=0).reshape(gamma.shape)
    return dx.reshape(shape).astype(dtype), dgamma.astype(gamma.dtype), dbeta.astype(gamma.dtype)


def _groupnorm_aten(x, group, gamma, beta, eps):
    n, c = x.shape[:2]
    hxw = int(np.prod(x.shape[2:], dtype=np.int64))
    x64, mean, rstd = _rows_forward(x, n * group, c // group * hxw, eps)
    a = rstd.reshape(n, group, 1) * gamma.reshape(1, group, c // group)  # (N, G, D): per-channel scale
    b = beta.reshape(1, group, c // group) - mean.reshape(n, group, 1) * a
    y = x64.reshape(n, c, hxw) * a.reshape(n, c, 1) + b.reshape(n, c, 1)
    return y.reshape(x.shape).astype(x.dtype), (x64, mean, rstd, gamma, group, x.shape, x.dtype)


def groupnorm_forward_aten(x, num_groups, gamma, beta, eps=1e-5):
    if num_groups < 1 or x.shape[1] % num_groups:
        raise ValueError("Expected number of channels in input to be divisible by num_groups")
    if np.shape(gamma) != (x.shape[1],) or np.shape(beta) != (x.shape[1],):
        raise ValueError("Expected weight and bias to be a vector of size equal to the number of channels")
    return _groupnorm_aten(x, num_groups, gamma, beta, eps)


def groupnorm_backward_aten(dout, cache):
    x64, mean, rstd, gamma, group, shape, dtype = cache
    n, c = shape[:2]
    hxw = int(np.prod(shape[2:], dtype=np.int64))
    dy = dout.astype(np.float64).reshape(n, c, hxw)
    xc = x64.reshape(n, c, hxw)
    dx = _rows_backward((dy * gamma.reshape(1, c, 1)).reshape(x64.shape), x64, mean, rstd)
    # per-channel gamma / beta gradients from ds, db per (n, c), as ATen's GammaBetaBackward does
    ds = (dy * xc).sum(axis=2)
    db = dy.sum(axis=2)
    m, r = mean.reshape(n, group, 1), rstd.reshape(n, group, 1)
    dgamma = ((ds.reshape(n, group, c // group) - db.reshape(n, group, c // group) * m) * r).sum(axis=0).reshape(c)
    dbeta = db.sum(axis=0)
    return dx.reshape(shape).astype(dtype), dgamma.astype(gamma.dtype), dbeta.astype(gamma.dtype)


def instancenorm_forward_aten(x, gamma, beta, eps=1e-5):
    # ATen's instance_norm runs batch_norm on x viewed as (1, N * C, *spatial); the same statistics
    if x.ndim < 3:
        raise ValueError("Expected input with a spatial dimension")
    if np.shape(gamma) != (x.shape[1],) or np.shape(beta) != (x.shape[1],):
        raise ValueError("Expected weight and bias of size C")
    return _groupnorm_aten(x, x.shape[1], gamma, beta, eps)


WRONG = {
    "layernorm_over_batch": {"layernorm_forward": _layernorm(over_batch=True)},
    "interleaved_groups": {"groupnorm_forward": _groupnorm(interleaved=True),
                           "groupnorm_backward": groupnorm_backward_of_mutant},
    "instancenorm_over_channels": {"instancenorm_forward": _instancenorm(over_channels=True)},
    "unbiased_variance": {"layernorm_forward": _layernorm(ddof=1)},
    "eps_outside_sqrt": {"layernorm_forward": _layernorm(eps_outside=True)},
    "backward_missing_mean_terms": {"layernorm_backward": layernorm_backward_without_mean_terms},
    "groups_not_checked": {"groupnorm_forward": _groupnorm(check_groups=False),
                           "groupnorm_backward": groupnorm_backward_of_mutant},
    "no_shape_checks": {"layernorm_forward": _layernorm(check=False),
                        "groupnorm_forward": _groupnorm(check=False),
                        "groupnorm_backward": groupnorm_backward_of_mutant,
                        "instancenorm_forward": _instancenorm(check=False)},
    "upcasts_to_float64": {name: _upcast(getattr(ref, name)) for name in
                           ("layernorm_forward", "layernorm_backward", "groupnorm_forward", "groupnorm_backward",
                            "instancenorm_forward", "instancenorm_backward")},
}
CANONICAL = {"torch_native": {
    "layernorm_forward": layernorm_forward_aten, "layernorm_backward": layernorm_backward_aten,
    "groupnorm_forward": groupnorm_forward_aten, "groupnorm_backward": groupnorm_backward_aten,
    "instancenorm_forward": instancenorm_forward_aten, "instancenorm_backward": groupnorm_backward_aten}}
SLOW = {}
