"""KL divergence, batch-hard triplet loss, multiclass hinge loss and L1/L2 penalties, with gradients."""

import numpy as np


def kl_divergence(log_q: np.ndarray, p: np.ndarray):
    n = log_q.shape[0]
    logp = np.log(np.where(p > 0, p, 1.0))  # 0 * log 0 = 0
    loss = np.sum(np.where(p > 0, p * (logp - log_q), 0.0)) / n
    return float(loss), -p / n


def triplet_loss_batch_hard(emb: np.ndarray, labels: np.ndarray, margin: float = 1.0):
    diff = emb[:, None, :] - emb[None, :, :]
    dist = np.sqrt((diff ** 2).sum(-1))
    same = labels[:, None] == labels[None, :]
    pos_mask = same & ~np.eye(len(emb), dtype=bool)
    valid = pos_mask.any(1) & (~same).any(1)
    demb = np.zeros_like(emb)
    if not valid.any():
        return 0.0, demb
    a = np.flatnonzero(valid)
    pos = np.where(pos_mask, dist, -np.inf)[a].argmax(1)  # hardest positive: the farthest
    neg = np.where(same, np.inf, dist)[a].argmin(1)  # hardest negative: the closest
    d_ap, d_an = dist[a, pos], dist[a, neg]
    active = d_ap - d_an + margin > 0
    loss = np.sum(np.maximum(d_ap - d_an + margin, 0)) / len(a)
    # d|a - x| / da = (a - x) / |a - x|; each active anchor pulls its positive and pushes its negative
    g_ap = (emb[a] - emb[pos]) / d_ap[:, None] * (active / len(a))[:, None]
    g_an = (emb[a] - emb[neg]) / d_an[:, None] * (active / len(a))[:, None]
    np.add.at(demb, a, g_ap - g_an)
    np.add.at(demb, pos, -g_ap)
    np.add.at(demb, neg, g_an)
    return float(loss), demb


def hinge_loss(scores: np.ndarray, labels: np.ndarray, margin: float = 1.0):
    n = scores.shape[0]
    rows = np.arange(n)
    m = scores - scores[rows, labels][:, None] + margin
    m[rows, labels] = 0.0  # the true class adds nothing
    active = (m > 0).astype(scores.dtype)
    d = active.copy()
    d[rows, labels] = -active.sum(1)
    return float(np.maximum(m, 0).sum() / n), d / n


def l1_penalty(w: np.ndarray, lam: float):
    return float(lam * np.abs(w).sum()), lam * np.sign(w)


def l2_penalty(w: np.ndarray, lam: float):
    return float(lam * (w ** 2).sum()), 2 * lam * w
