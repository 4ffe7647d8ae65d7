"""Known-wrong and canonical-style answers to nn/cross_entropy; `nox -s verify` proves the tests catch
every one. Never shown to learners."""

import numpy as np


def _mutant(*, others_only=False, count_ignored=False, shift=True, average_grad=True, check_labels=True,
            check_eps=True, grad_dtype=True, loss_array=False, empty="zero", default_ignore=-100):
    def softmax_cross_entropy(logits, labels, label_smoothing=0.0, ignore_index=default_ignore):
        labels = np.asarray(labels)
        if logits.ndim != 2 or labels.shape != logits.shape[:1] or not np.issubdtype(labels.dtype, np.integer):
            raise ValueError("bad input")
        if check_eps and not 0 <= label_smoothing <= 1:
            raise ValueError("bad label_smoothing")
        n, k = logits.shape
        kept = labels != ignore_index
        y = labels[kept]
        if check_labels and np.any((y < 0) | (y >= k)):
            raise ValueError("label out of range")
        m = len(y)
        dlogits = np.zeros(logits.shape, dtype=logits.dtype if grad_dtype else np.float64)
        if m == 0:
            if empty == "nan_grad":
                return float("nan"), np.full(logits.shape, np.nan, dtype=logits.dtype)
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
        loss = -(q * logp).sum() / count
        return (np.array([loss]) if loss_array else float(loss)), dlogits

    return softmax_cross_entropy


def _bce(*, stable=True, check=True):
    def bce_with_logits(logits, targets):
        if check and np.shape(targets) != logits.shape:
            raise ValueError("shape mismatch")
        if logits.size == 0:
            return 0.0, np.zeros_like(logits)
        if stable:
            x, t = logits.astype(np.float64), np.asarray(targets, np.float64)
            loss = np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))
            s = np.where(x >= 0, 1, np.exp(-np.abs(x))) / (1 + np.exp(-np.abs(x)))
        else:
            s = 1 / (1 + np.exp(-logits))  # exp(1e4) overflows; log(0) follows
            loss = -targets * np.log(s) - (1 - targets) * np.log(1 - s)
        grad = (s - targets) / loss.size
        return float(loss.mean()), grad.astype(logits.dtype)

    return bce_with_logits


def cs231n_softmax_loss(logits, labels, label_smoothing=0.0, ignore_index=-100):
    """cs231n's softmax_loss(x, y), written anew and extended to smoothing and ignore_index: no checks."""
    keep = labels != ignore_index
    x, y = logits[keep].astype(np.float64), labels[keep]
    num, classes = x.shape
    dx = np.zeros_like(logits)
    if num == 0:
        return 0.0, dx
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    probs = np.exp(log_probs)
    target = np.full_like(probs, label_smoothing / classes)
    target[np.arange(num), y] += 1 - label_smoothing
    loss = -np.sum(target * log_probs) / num
    dx[keep] = (probs - target) / num
    return loss, dx


def torch_port(logits, labels, label_smoothing=0.0, ignore_index=-100):
    """torch.nn.functional.cross_entropy's semantics in numpy, NaN for a mean over no kept row."""
    labels = np.asarray(labels)
    if logits.ndim != 2 or labels.shape != (logits.shape[0],) or labels.dtype.kind not in "iu":
        raise ValueError("expected (N, K) logits and (N,) integer labels")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError("label_smoothing must be in [0, 1]")
    num_classes = logits.shape[1]
    valid = labels != ignore_index
    if ((labels[valid] < 0) | (labels[valid] >= num_classes)).any():
        raise ValueError("target out of bounds")
    z = logits.astype(np.float64)
    lse = z.max(axis=1, keepdims=True) + np.log(np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True))
    logp = z - lse
    safe = np.where(valid, labels, 0)
    nll = -logp[np.arange(len(z)), safe] * valid
    smooth = -logp.mean(axis=1) * valid
    total = valid.sum()
    loss = np.nan if total == 0 else ((1 - label_smoothing) * nll.sum() + label_smoothing * smooth.sum()) / total
    onehot = np.zeros_like(z)
    onehot[np.arange(len(z)), safe] = 1.0
    q = (1 - label_smoothing) * onehot + label_smoothing / num_classes
    grad = np.where(valid[:, None], (np.exp(logp) - q) / max(total, 1), 0.0)
    return float(loss), grad.astype(logits.dtype)


def torch_port_bce(logits, targets):
    if np.shape(targets) != logits.shape:
        raise ValueError("Target size must be the same as input size")
    x, t = logits.astype(np.float64), np.asarray(targets, np.float64)
    if x.size == 0:
        return float("nan"), np.zeros_like(logits)
    loss = (1 - t) * x + np.logaddexp(0.0, -x)
    grad = (0.5 * (1 + np.tanh(0.5 * x)) - t) / x.size
    return float(loss.mean()), grad.astype(logits.dtype)


WRONG = {
    "smoothing_over_k_minus_1": {"softmax_cross_entropy": _mutant(others_only=True)},
    "ignored_rows_in_denominator": {"softmax_cross_entropy": _mutant(count_ignored=True)},
    "no_max_subtraction": {"softmax_cross_entropy": _mutant(shift=False)},
    "gradient_not_averaged": {"softmax_cross_entropy": _mutant(average_grad=False)},
    "bce_via_log_sigmoid": {"bce_with_logits": _bce(stable=False)},
    "nan_gradient_when_nothing_kept": {"softmax_cross_entropy": _mutant(empty="nan_grad")},
    "default_ignore_index_minus_1": {"softmax_cross_entropy": _mutant(default_ignore=-1)},
    "no_label_range_check": {"softmax_cross_entropy": _mutant(check_labels=False)},
    "no_label_smoothing_check": {"softmax_cross_entropy": _mutant(check_eps=False)},
    "float64_gradient": {"softmax_cross_entropy": _mutant(grad_dtype=False)},
    "loss_as_array": {"softmax_cross_entropy": _mutant(loss_array=True)},
    "bce_broadcasts_targets": {"bce_with_logits": _bce(check=False)},
}
CANONICAL = {
    "cs231n": {"softmax_cross_entropy": cs231n_softmax_loss, "bce_with_logits": _bce()},
    "torch_port": {"softmax_cross_entropy": torch_port, "bce_with_logits": torch_port_bce},
}
SLOW = {}
