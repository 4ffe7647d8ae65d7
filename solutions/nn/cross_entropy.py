"""Softmax cross-entropy with label smoothing and ignore_index, and BCE with logits, in numpy."""

import numpy as np


def _log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray, label_smoothing: float = 0.0,
                          ignore_index: int = -100):
    labels = np.asarray(labels)
    if logits.ndim != 2:
        raise ValueError(f"logits must be (N, K), got shape {logits.shape}")
    if labels.shape != logits.shape[:1] or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be an integer array of shape ({len(logits)},)")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must lie in [0, 1], got {label_smoothing}")
    n, k = logits.shape
    kept = labels != ignore_index
    y = labels[kept]
    if np.any((y < 0) | (y >= k)):
        raise ValueError(f"labels must lie in [0, {k}) or equal ignore_index={ignore_index}")
    m = len(y)
    dlogits = np.zeros(logits.shape, dtype=logits.dtype)
    if m == 0:
        return 0.0, dlogits  # nothing to average; torch gives NaN here
    logp = _log_softmax(logits[kept].astype(np.float64))
    # Smoothed target: eps / K on every class, including the true one, plus 1 - eps on the true one.
    q = np.full((m, k), label_smoothing / k)
    q[np.arange(m), y] += 1.0 - label_smoothing
    loss = -(q * logp).sum() / m
    dlogits[kept] = (np.exp(logp) - q) / m
    return float(loss), dlogits


def bce_with_logits(logits: np.ndarray, targets: np.ndarray):
    if np.shape(targets) != logits.shape:
        raise ValueError(f"targets must have the shape of logits {logits.shape}, got {np.shape(targets)}")
    if logits.size == 0:
        return 0.0, np.zeros_like(logits)
    x, t = logits.astype(np.float64), np.asarray(targets, np.float64)
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    loss = np.maximum(x, 0) - x * t + np.log1p(e)
    sigmoid = np.where(x >= 0, 1, e) / (1 + e)
    return float(loss.mean()), ((sigmoid - t) / x.size).astype(logits.dtype)
