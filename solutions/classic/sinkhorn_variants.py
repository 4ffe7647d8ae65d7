"""Known-wrong and canonical-style answers to classic/sinkhorn; `nox -s verify` proves the tests catch
every wrong one and judge each canonical one as declared in kata.toml."""

import numpy as np

from solutions.classic import sinkhorn as ref


def _mutant(*, multiply=False, update_g=True, max_iters=None, shift=True, check=True, check_every=1):
    def lse(x, axis):
        if shift:
            return ref._logsumexp(x, axis)
        return np.log(np.exp(x).sum(axis=axis))

    def scale(x, reg):
        return x * reg if multiply else x / reg

    def sinkhorn(a, b, cost, reg, num_iters=1000, tol=1e-9):
        if check:
            a, b, cost = ref._validate(a, b, cost, reg)
            if num_iters < 1:
                raise ValueError("num_iters must be >= 1")
        f, g = np.zeros_like(a), np.zeros_like(b)
        back = (lambda v: v / reg) if multiply else (lambda v: v * reg)
        for it in range(num_iters if max_iters is None else min(num_iters, max_iters)):
            f = back(np.log(a) - lse(scale(g[None, :] - cost, reg), axis=1))
            if update_g:
                g = back(np.log(b) - lse(scale(f[:, None] - cost, reg), axis=0))
            plan = np.exp(scale(f[:, None] + g[None, :] - cost, reg))
            if it % check_every == 0 and np.abs(plan.sum(axis=1) - a).max() <= tol and update_g:
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


def pot_sinkhorn_log(a, b, cost, reg, num_iters=1000, tol=1e-9):
    """In the style of POT's sinkhorn_log: log scalings u = v = 0, v (columns) first, then u (rows),
    the L2 column error checked every 10th iteration; the input's dtype kept; no input checks."""
    a, b, M = np.asarray(a), np.asarray(b), np.asarray(cost)
    if len(a) == 0:
        a = np.full(M.shape[0], 1.0 / M.shape[0], dtype=M.dtype)
    if len(b) == 0:
        b = np.full(M.shape[1], 1.0 / M.shape[1], dtype=M.dtype)
    Mr = -M / reg
    u, v = np.zeros(len(a), dtype=M.dtype), np.zeros(len(b), dtype=M.dtype)
    loga, logb = np.log(a), np.log(b)

    def lse(x, axis):
        top = x.max(axis=axis, keepdims=True)
        return (top + np.log(np.exp(x - top).sum(axis=axis, keepdims=True))).squeeze(axis)

    for ii in range(num_iters):
        v = logb - lse(Mr + u[:, None], 0)
        u = loga - lse(Mr + v[None, :], 1)
        if ii % 10 == 0:
            err = np.linalg.norm(np.exp(Mr + u[:, None] + v[None, :]).sum(0) - b)
            if err < tol:
                break
    return np.exp(Mr + u[:, None] + v[None, :])


def no_input_checks(a, b, cost, reg, num_iters=1000, tol=1e-9):
    """The statement's iteration, but without a single input check."""
    a, b, cost = (np.asarray(v, dtype=np.float64) for v in (a, b, cost))
    return _mutant(check=False)(a, b, cost, reg, num_iters, tol)


def float32_stays_float32(a, b, cost, reg, num_iters=1000, tol=1e-9):
    """Right plan, cast back to the dtype of cost."""
    return ref.sinkhorn(a, b, cost, reg, num_iters, tol).astype(np.asarray(cost).dtype)


def checks_every_10th_iteration(a, b, cost, reg, num_iters=1000, tol=1e-9):
    """The statement's updates, but the row error is checked only every 10th iteration (as POT does)."""
    return _mutant(check_every=10)(a, b, cost, reg, num_iters, tol)


WRONG = {
    "naive_domain": {"sinkhorn": naive_domain},
    "reg_as_multiplier": {"sinkhorn": _mutant(multiply=True)},
    "columns_never_updated": {"sinkhorn": _mutant(update_g=False)},
    "one_iteration": {"sinkhorn": _mutant(max_iters=1)},
    "unshifted_logsumexp": {"sinkhorn": _mutant(shift=False)},
    "no_input_checks": {"sinkhorn": no_input_checks},
    "float32_stays_float32": {"sinkhorn": float32_stays_float32},
    "checks_every_10th_iteration": {"sinkhorn": checks_every_10th_iteration},
}
CANONICAL = {"pot_sinkhorn_log": {"sinkhorn": pot_sinkhorn_log}}
SLOW = {}
