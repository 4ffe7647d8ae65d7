"""SSD hard negative mining in numpy: all positives plus the hardest negatives, per image."""

import numbers

import numpy as np


def hard_negative_mining(loss: np.ndarray, labels: np.ndarray, neg_pos_ratio: int = 3) -> np.ndarray:
    loss, labels = np.asarray(loss), np.asarray(labels)
    if loss.ndim != 2 or labels.shape != loss.shape:
        raise ValueError(f"loss and labels must both be (B, A), got {loss.shape} and {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be integers, got dtype {labels.dtype}")
    if not isinstance(neg_pos_ratio, numbers.Integral) or neg_pos_ratio < 0:
        raise ValueError(f"neg_pos_ratio must be an integer >= 0, got {neg_pos_ratio!r}")
    pos, neg = labels > 0, labels == 0
    num_neg = np.minimum(neg_pos_ratio * pos.sum(axis=1), neg.sum(axis=1))  # per image
    # Sort key: hardest negative first; positives and ignored anchors last. Stable: ties by index.
    order = np.argsort(np.where(neg, -loss, np.inf), axis=1, kind="stable")
    rank = np.argsort(order, axis=1)  # the inverse permutation: each anchor's place in `order`
    return pos | (neg & (rank < num_neg[:, None]))
