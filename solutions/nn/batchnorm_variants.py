"""Known-wrong answers to nn/batchnorm; `nox -s verify` proves the tests catch every one."""

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


def _running(*, ddof=1, swapped=False):
    def update_running_stats(x, running_mean, running_var, momentum=0.1):
        axes, _ = ref._axes_and_shape(x, (running_mean, running_var))
        keep, new = (momentum, 1 - momentum) if swapped else (1 - momentum, momentum)
        return (keep * running_mean + new * x.mean(axis=axes),
                keep * running_var + new * x.var(axis=axes, ddof=ddof))

    return update_running_stats


def eval_with_batch_statistics(x, gamma, beta, running_mean, running_var, eps=1e-5):
    return ref.batchnorm_forward(x, gamma, beta, eps)[0]


WRONG = {
    "unbiased_normalisation": {"batchnorm_forward": _forward(ddof=1)},
    "per_position_statistics": {"batchnorm_forward": _forward(per_position=True)},
    "eps_outside_sqrt": {"batchnorm_forward": _forward(eps_outside=True)},
    "backward_missing_mean_terms": {"batchnorm_backward": backward_without_mean_terms},
    "biased_running_variance": {"update_running_stats": _running(ddof=0)},
    "swapped_momentum": {"update_running_stats": _running(swapped=True)},
    "eval_uses_batch_statistics": {"batchnorm_eval": eval_with_batch_statistics},
}
SLOW = {}
