"""Known-wrong and slow-but-correct answers to torch/pairwise_distance; `nox -s verify` proves the
tests catch every one. Never shown to learners."""

import torch


def _mutant(*, clamp=True, zero_diag=True, safe_sqrt=True, cpu_buffer=False, eps=0.0, two=2.0, broadcast=True):
    def pairwise_distance(x, y=None):
        same = y is None
        y = x if same else y
        if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1] or x.dtype != y.dtype or x.device != y.device:
            raise ValueError("bad inputs")
        xx, yy = (x * x).sum(1), (y * y).sum(1)
        if broadcast:
            xx, yy = xx[:, None], yy[None, :]
        sq = xx + yy - two * x @ y.T
        if clamp:
            sq = sq.clamp_min(0)
        if same and zero_diag:
            sq = sq.masked_fill(torch.eye(len(x), dtype=torch.bool, device=x.device), 0)
        sq = sq + eps
        if cpu_buffer:  # torch.zeros(n, m): float32 on the CPU, whatever x is
            out = torch.zeros(sq.shape)
            pos = sq > 0
            out[pos] = sq[pos].sqrt().to(out.dtype)
            return out
        if not safe_sqrt:
            return sq.sqrt()
        pos = sq > 0
        return torch.where(pos, torch.where(pos, sq, 1).sqrt(), 0)

    return pairwise_distance


def _uses_cdist(x, y=None):
    y = x if y is None else y
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1] or x.dtype != y.dtype or x.device != y.device:
        raise ValueError("bad inputs")
    return torch.cdist(x, y)


def double_loop(x, y=None):
    """Correct, but a Python loop over all n * m pairs."""
    y = x if y is None else y
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1] or x.dtype != y.dtype or x.device != y.device:
        raise ValueError("bad inputs")
    if len(x) == 0 or len(y) == 0:
        return x.new_zeros((len(x), len(y)))
    return torch.stack([torch.stack([torch.linalg.vector_norm(a - b) for b in y]) for a in x])


WRONG = {
    "no_clamp": {"pairwise_distance": _mutant(clamp=False, safe_sqrt=False)},
    "nan_gradient_at_zero": {"pairwise_distance": _mutant(safe_sqrt=False)},
    "diagonal_not_zeroed": {"pairwise_distance": _mutant(zero_diag=False)},
    "cpu_float32_buffer": {"pairwise_distance": _mutant(cpu_buffer=True)},
    "eps_inside_sqrt": {"pairwise_distance": _mutant(eps=1e-8)},
    "missing_factor_two": {"pairwise_distance": _mutant(two=1.0)},
    "norms_not_broadcast": {"pairwise_distance": _mutant(broadcast=False)},
    "uses_cdist": {"pairwise_distance": _uses_cdist},
}
SLOW = {"double_loop": {"pairwise_distance": double_loop}}
