"""Merge per-device (count, mean, biased variance) into the global batch statistics."""

import torch


def merge_stats(counts: torch.Tensor, means: torch.Tensor, variances: torch.Tensor,
                unbiased: bool = False) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    if counts.dim() != 1 or means.dim() != 2 or means.shape[0] != counts.shape[0]:
        raise ValueError(f"counts must be (D,) and means (D, C); got {tuple(counts.shape)} and {tuple(means.shape)}")
    if variances.shape != means.shape:
        raise ValueError(f"variances {tuple(variances.shape)} must have the shape of means {tuple(means.shape)}")
    if (counts < 0).any():
        raise ValueError("counts must be >= 0")
    total = counts.sum()
    if total == 0:
        raise ValueError("every count is 0: there is no sample to take statistics of")
    n = counts.to(means.dtype)[:, None]
    seen = n > 0  # an empty device's statistics may be NaN: mask them out, 0 * NaN is NaN
    mean_d = torch.where(seen, means, 0.0)
    var_d = torch.where(seen, variances, 0.0)
    big_n = n.sum()
    mean = (n * mean_d).sum(0) / big_n
    m2 = (n * (var_d + (mean_d - mean) ** 2)).sum(0)  # within-device + between-device spread
    var = m2 / (big_n - 1) if unbiased else m2 / big_n
    return total, mean, var
