"""Known-wrong and canonical-style answers to torch/syncbn_stats; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import torch


def _mutant(*, weighted=True, between=True, centred=True, pooled=False, upcast=False, mask=True, clamp=False,
            shapes=True, negative=True):
    def merge_stats(counts, means, variances, unbiased=False):
        if shapes and (counts.dim() != 1 or means.dim() != 2 or means.shape[0] != counts.shape[0]
                       or variances.shape != means.shape):
            raise ValueError("shapes")
        if negative and (counts < 0).any():
            raise ValueError("negative count")
        total = counts.sum()
        if total == 0:
            raise ValueError("no samples")
        dt = torch.float64 if upcast else means.dtype
        n = counts.to(dt).reshape(-1, 1)
        m, v = means.to(dt), variances.to(dt)
        if mask:
            m, v = torch.where(n > 0, m, 0.0), torch.where(n > 0, v, 0.0)
        w = n if weighted else (n > 0).to(dt)
        big_n = n.sum()
        mean = (w * m).sum(0) / w.sum()
        if centred:
            spread = (m - mean) ** 2 if between else 0.0
            m2 = (w * (v + spread)).sum(0) / w.sum() * big_n
        else:
            m2 = ((n * (v + m * m)).sum(0) / big_n - mean * mean) * big_n
        denom = big_n
        if unbiased:
            denom = big_n - (n > 0).sum() if pooled else big_n - 1
            if clamp:
                denom = denom.clamp(min=1)
        return total, mean, m2 / denom

    return {"merge_stats": merge_stats}


def chan_kernel(counts, means, variances, unbiased=False):
    """Like torch's CUDA batch_norm_reduce_statistics kernel: Chan's update, device after device."""
    dtype = means.dtype
    n = torch.zeros((), dtype=dtype, device=means.device)
    avg = torch.zeros(means.shape[1], dtype=dtype, device=means.device)
    m2 = torch.zeros_like(avg)
    for j in range(counts.shape[0]):
        c = counts[j].to(dtype)
        factor = 1.0 / torch.clamp(n + c, min=1.0)
        delta = means[j] - avg
        m2 = m2 + variances[j] * c + delta * delta * n * c * factor
        avg = n * factor * avg + c * factor * means[j]
        n = n + c
    return counts.sum(), avg, m2 / (n - 1) if unbiased else m2 / n


WRONG = {
    "unweighted_mean": _mutant(weighted=False),
    "within_variance_only": _mutant(between=False),
    "sum_of_squares": _mutant(centred=False),
    "pooled_denominator": _mutant(pooled=True),
    "upcasts_to_float64": _mutant(upcast=True),
    "nan_from_empty_device": _mutant(mask=False),
    "clamps_single_sample": _mutant(clamp=True),
    "broadcasts_shapes": _mutant(shapes=False),
    "no_negative_check": _mutant(negative=False),
}
CANONICAL = {"chan_kernel": {"merge_stats": chan_kernel}}
SLOW = {}
