"""Known-wrong answers to nn/cross_entropy; `nox -s verify` proves the tests catch every one."""

import numpy as np


def _mutant(*, others_only=False, count_ignored=False, shift=True, average_grad=True):
    def softmax_cross_entropy(logits, labels, label_smoothing=0.0, ignore_index=-100):
        labels = np.asarray(labels)
        if logits.ndim != 2 or labels.shape != logits.shape[:1] or not 0 <= label_smoothing <= 1:
            raise ValueError("bad input")
        n, k = logits.shape
        kept = labels != ignore_index
        y = labels[kept]
        if np.any((y < 0) | (y >= k)):
            raise ValueError("label out of range")
        m = len(y)
        dlogits = np.zeros(logits.shape, dtype=logits.dtype)
        if m == 0:
            return 0.0, dlogits
        z = logits[kept].astype(np.float64)
        if shift:
            z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        if others_only:  # eps / (K - 1) on the wrong classes, 1 - eps on the true one
            q = np.full((m, k), label_smoothing / max(k - 1, 1))
            q[np.arange(m), y] = 1.0 - label_smoothing
        else:
            q = np.full((m, k), label_smoothing / k)
            q[np.arange(m), y] += 1.0 - label_smoothing
        count = n if count_ignored else m
        dlogits[kept] = (np.exp(logp) - q) / (count if average_grad else 1)
        return float(-(q * logp).sum() / count), dlogits

    return softmax_cross_entropy


def bce_via_sigmoid(logits, targets):
    if np.shape(targets) != logits.shape:
        raise ValueError("shape mismatch")
    if logits.size == 0:
        return 0.0, np.zeros_like(logits)
    s = 1 / (1 + np.exp(-logits))  # exp(1e4) overflows; log(0) follows
    loss = -targets * np.log(s) - (1 - targets) * np.log(1 - s)
    return float(loss.mean()), ((s - targets) / logits.size).astype(logits.dtype)


WRONG = {
    "smoothing_over_k_minus_1": {"softmax_cross_entropy": _mutant(others_only=True)},
    "ignored_rows_in_denominator": {"softmax_cross_entropy": _mutant(count_ignored=True)},
    "no_max_subtraction": {"softmax_cross_entropy": _mutant(shift=False)},
    "gradient_not_averaged": {"softmax_cross_entropy": _mutant(average_grad=False)},
    "bce_via_log_sigmoid": {"bce_with_logits": bce_via_sigmoid},
}
SLOW = {}
