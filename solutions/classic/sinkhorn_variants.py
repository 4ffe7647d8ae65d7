"""Known-wrong answers to classic/sinkhorn; `nox -s verify` proves the tests catch every one."""

import numpy as np

from solutions.classic import sinkhorn as ref


def _mutant(*, multiply=False, update_g=True, max_iters=None, shift=True):
    def lse(x, axis):
        if shift:
            return ref._logsumexp(x, axis)
        return np.log(np.exp(x).sum(axis=axis))

    def scale(x, reg):
        return x * reg if multiply else x / reg

    def sinkhorn(a, b, cost, reg, num_iters=1000, tol=1e-9):
        a, b, cost = ref._validate(a, b, cost, reg)
        f, g = np.zeros_like(a), np.zeros_like(b)
        back = (lambda v: v / reg) if multiply else (lambda v: v * reg)
        for _ in range(num_iters if max_iters is None else min(num_iters, max_iters)):
            f = back(np.log(a) - lse(scale(g[None, :] - cost, reg), axis=1))
            if update_g:
                g = back(np.log(b) - lse(scale(f[:, None] - cost, reg), axis=0))
            plan = np.exp(scale(f[:, None] + g[None, :] - cost, reg))
            if np.abs(plan.sum(axis=1) - a).max() <= tol and update_g:
                break
        return plan

    return sinkhorn


def naive_domain(a, b, cost, reg, num_iters=1000, tol=1e-9):
    """Textbook scaling with K = exp(-C / reg): underflows to 0 / 0 when C / reg is large."""
    a, b, cost = ref._validate(a, b, cost, reg)
    kernel = np.exp(-cost / reg)
    v = np.ones_like(b)
    for _ in range(num_iters):
        u = a / (kernel @ v)
        v = b / (kernel.T @ u)
        plan = u[:, None] * kernel * v[None, :]
        if np.abs(plan.sum(axis=1) - a).max() <= tol:
            break
    return plan


WRONG = {
    "naive_domain": {"sinkhorn": naive_domain},
    "reg_as_multiplier": {"sinkhorn": _mutant(multiply=True)},
    "columns_never_updated": {"sinkhorn": _mutant(update_g=False)},
    "one_iteration": {"sinkhorn": _mutant(max_iters=1)},
    "unshifted_logsumexp": {"sinkhorn": _mutant(shift=False)},
}
SLOW = {}
