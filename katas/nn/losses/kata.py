"""KL divergence, batch-hard triplet loss, multiclass hinge loss, L1/L2 penalties, with gradients · 常用损失函数及其梯度

Five losses an interviewer likes to have written on a whiteboard, each returning its value and the
gradient with respect to its input: the KL divergence of distillation, the batch-hard triplet loss
of metric learning, the multiclass SVM hinge loss, and the L1 / L2 weight penalties.

Canonical code: ``torch.nn.functional.kl_div(log_q, p, reduction="batchmean")`` (same argument
order: log-probabilities first, the target distribution second), ``triplet_margin_loss`` on the
mined triplets (batch-hard mining as in Hermans et al., "In Defense of the Triplet Loss"), and
cs231n's ``svm_loss_vectorized`` (torch's ``multi_margin_loss`` is the same sum divided by K).
The L2 penalty follows cs231n, ``lam * sum(w ** 2)`` with gradient ``2 * lam * w``; torch's
``weight_decay`` corresponds to ``0.5 * lam * sum(w ** 2)`` instead (test
``test_l2_penalty_has_no_half``).

Run the tests: pytest katas/nn/losses
"""

import numpy as np

__all__ = ["kl_divergence", "triplet_loss_batch_hard", "hinge_loss", "l1_penalty", "l2_penalty"]


def kl_divergence(log_q: np.ndarray, p: np.ndarray):
    """``KL(p || q)`` per row, averaged over the rows ("batchmean"), and its gradient.

    Args:
        log_q: float64 array (N, K), the model's log-probabilities (log-softmax output), N >= 1.
        p: float64 array (N, K), the target distribution of each row (rows sum to 1; entries may
            be 0, and ``0 * log 0`` counts as 0).

    Returns:
        ``(loss, dlog_q)``: ``loss = sum(p * (log p - log_q)) / N`` (a float), and
        ``dlog_q = -p / N`` of shape (N, K).
    """
    raise NotImplementedError("kl_divergence")


def triplet_loss_batch_hard(emb: np.ndarray, labels: np.ndarray, margin: float = 1.0):
    """Batch-hard triplet loss on Euclidean (not squared) distances, and its gradient.

    For every anchor ``a``: its hardest positive is the sample with the same label (other than
    ``a``) at the **largest** distance, its hardest negative the sample with another label at the
    **smallest** distance; its loss is ``max(0, d(a, pos) - d(a, neg) + margin)``. The loss is the
    mean over the anchors that have both a positive and a negative (0.0 if none has).

    Args:
        emb: float64 array (N, D) of embeddings; distinct points (no zero distances).
        labels: integer array (N,).
        margin: the margin, default 1.0.

    Returns:
        ``(loss, demb)``: a float and the gradient of shape (N, D), the mining held fixed.
    """
    raise NotImplementedError("triplet_loss_batch_hard")


def hinge_loss(scores: np.ndarray, labels: np.ndarray, margin: float = 1.0):
    """Multiclass SVM (Weston-Watkins) hinge loss, averaged over the N >= 1 rows, and its gradient.

    ``loss = mean_i sum_{j != y_i} max(0, scores[i, j] - scores[i, y_i] + margin)``; the true class
    itself adds nothing. The gradient at a margin of exactly 0 is 0 (the term is inactive).

    Returns ``(loss, dscores)``: a float and an array of ``scores``' shape.
    """
    raise NotImplementedError("hinge_loss")


def l1_penalty(w: np.ndarray, lam: float):
    """``(lam * sum(|w|), lam * sign(w))``; the gradient at ``w = 0`` is 0 (the subgradient torch uses)."""
    raise NotImplementedError("l1_penalty")


def l2_penalty(w: np.ndarray, lam: float):
    """``(lam * sum(w ** 2), 2 * lam * w)``: cs231n's convention, no factor 0.5."""
    raise NotImplementedError("l2_penalty")
