"""Merge per-device batch statistics (SyncBN) · 同步 BN: 合并各卡的均值与方差

SyncBatchNorm normalises with the statistics of the whole global batch, but each GPU only sees its
own slice. Each device computes (count, mean, variance) of its slice per channel; the devices
exchange those few numbers and every device merges them into the global mean and variance, exactly
what one device would have computed on the concatenated batch. Averaging the means or the
variances is not enough: the counts differ, and the spread between the device means is variance too.

Run the tests: pytest katas/torch/syncbn_stats
"""

import torch

__all__ = ["merge_stats"]


def merge_stats(counts: torch.Tensor, means: torch.Tensor, variances: torch.Tensor,
                unbiased: bool = False) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Global (count, mean, variance) per channel from the per-device ones.

    Args:
        counts: ``(D,)`` tensor, the number of samples (per channel: N * H * W) each of the ``D``
            devices saw; integer or floating dtype (torch's SyncBatchNorm passes floats), values
            whole numbers >= 0.
        means: ``(D, C)`` floating tensor (float32 or float64), device ``d``'s mean of channel ``c``.
        variances: ``(D, C)``, same dtype, device ``d``'s **biased** variance of channel ``c``
            (the sum of squared deviations divided by ``counts[d]``, what batch norm normalises with).
        unbiased: False (the default): return the global biased variance ``M2 / N``, what
            SyncBatchNorm normalises the batch with. True: the unbiased ``M2 / (N - 1)``, what goes
            into ``running_var``.

    With ``N = sum_d n_d``, the global mean is ``mean = sum_d n_d * mean_d / N`` and the sum of
    squared deviations from it is ``M2 = sum_d n_d * (var_d + (mean_d - mean) ** 2)``. The result
    equals ``x.mean(0)`` and ``x.var(0, unbiased=...)`` of the concatenation ``x`` of all the devices'
    samples. Compute it in this centred form: ``E[x^2] - E[x]^2`` loses every digit in float32 when
    the mean is large against the spread (a mean of 1e4 and a variance of 1: the tests check this).

    Returns:
        ``(count, mean, var)``: ``count`` a 0-d tensor ``N`` with the dtype of ``counts``; ``mean``
        and ``var`` tensors of shape ``(C,)`` with the dtype of ``means``. All on the inputs' device.
        ``C = 0`` gives empty ``(0,)`` results.

    Rules:
        - A device with ``counts[d] == 0`` (an empty slice) contributes nothing: its mean and
          variance are ignored whatever they hold, **NaN included** (the mean of nothing is NaN).
        - ``unbiased=True`` with ``N == 1``: the variance is NaN (0 / 0, as ``numpy.var(ddof=1)`` and
          ``torch.var`` of one sample), not 0 and not an error.
        - The inputs are not modified. No autograd requirement.
        - ``ValueError`` if ``counts`` is not 1-D, if ``means`` is not 2-D with ``means.shape[0] ==
          len(counts)``, if ``variances.shape != means.shape`` (no broadcasting of a ``(1, C)`` or
          ``(1,)`` argument), if a count is negative, or if every count is 0 (no sample anywhere).

    Example: device 0 saw ``[1, 3]`` (n 2, mean 2, var 1) and device 1 saw ``[5]`` (n 1, mean 5,
    var 0): ``N = 3``, ``mean = (2 * 2 + 1 * 5) / 3 = 3``, ``M2 = 2 * (1 + 1) + 1 * (0 + 4) = 8``, so
    the biased variance is ``8 / 3`` and the unbiased one ``4`` (that of ``[1, 3, 5]``).

    Canonical code: torch's ``nn.SyncBatchNorm`` all-gathers ``(mean, invstd, count)`` and calls
    ``torch.batch_norm_gather_stats_with_counts`` (CUDA only), whose kernel folds the devices in
    one at a time with Chan's parallel update (``delta = mean_d - mean``, ``M2 += n_d * var_d +
    delta ** 2 * n * n_d / (n + n_d)``): the same numbers, but an empty device's NaN mean poisons
    the result (``0 * NaN``; test ``test_empty_devices_with_nan_statistics_are_ignored``), and it
    checks no input (the contract tests). It then updates ``running_var`` with ``M2 / (N - 1)``.
    """
    raise NotImplementedError("merge_stats")
