"""Known-wrong answers to nn/losses and one in the style of cs231n / torch / open-reid; `nox -s verify`
proves the tests catch every wrong one and that the canonical-style one is solved."""

import numpy as np

from solutions.nn import losses as ref


def kl_swapped(log_q, p):
    q = np.exp(log_q)
    logp = np.log(np.maximum(p, 1e-300))
    n = log_q.shape[0]
    return float(np.sum(q * (log_q - logp)) / n), q * (log_q - logp + 1) / n


def kl_mean(log_q, p):
    loss, grad = ref.kl_divergence(log_q, p)
    k = log_q.shape[1]
    return loss / k, grad / k


def _triplet(*, min_positive=False, squared=False, anchor_only=False):
    def triplet_loss_batch_hard(emb, labels, margin=1.0):
        diff = emb[:, None, :] - emb[None, :, :]
        sq = (diff ** 2).sum(-1)
        dist = sq if squared else np.sqrt(sq)
        same = labels[:, None] == labels[None, :]
        pos_mask = same & ~np.eye(len(emb), dtype=bool)
        valid = pos_mask.any(1) & (~same).any(1)
        demb = np.zeros_like(emb)
        if not valid.any():
            return 0.0, demb
        a = np.flatnonzero(valid)
        if min_positive:
            pos = np.where(pos_mask, dist, np.inf)[a].argmin(1)
        else:
            pos = np.where(pos_mask, dist, -np.inf)[a].argmax(1)
        neg = np.where(same, np.inf, dist)[a].argmin(1)
        d_ap, d_an = dist[a, pos], dist[a, neg]
        w = ((d_ap - d_an + margin > 0) / len(a))[:, None]
        if squared:
            g_ap, g_an = 2 * (emb[a] - emb[pos]) * w, 2 * (emb[a] - emb[neg]) * w
        else:
            g_ap, g_an = (emb[a] - emb[pos]) / d_ap[:, None] * w, (emb[a] - emb[neg]) / d_an[:, None] * w
        np.add.at(demb, a, g_ap - g_an)
        if not anchor_only:
            np.add.at(demb, pos, -g_ap)
            np.add.at(demb, neg, g_an)
        return float(np.maximum(d_ap - d_an + margin, 0).sum() / len(a)), demb

    return triplet_loss_batch_hard


def hinge_with_true_class(scores, labels, margin=1.0):
    n = scores.shape[0]
    m = scores - scores[np.arange(n), labels][:, None] + margin  # the true column keeps its margin
    active = (m > 0).astype(scores.dtype)
    d = active.copy()
    d[np.arange(n), labels] -= active.sum(1)
    return float(np.maximum(m, 0).sum() / n), d / n


def hinge_ge(scores, labels, margin=1.0):
    n = scores.shape[0]
    m = scores - scores[np.arange(n), labels][:, None] + margin
    m[np.arange(n), labels] = -1.0
    active = (m >= 0).astype(scores.dtype)
    d = active.copy()
    d[np.arange(n), labels] = -active.sum(1)
    return float(np.maximum(m, 0).sum() / n), d / n


def l1_without_lambda(w, lam):
    return float(lam * np.abs(w).sum()), np.sign(w)


def l2_with_half(w, lam):
    return float(0.5 * lam * (w ** 2).sum()), lam * w


# Canonical style: torch's kl_div (target * (log target - input), xlogy: 0 where target is 0),
# batch-hard mining with open-reid's squared-norm distance matrix, cs231n's svm_loss_vectorized and reg.

def kl_div_torch(input, target):
    xlogy = np.where(target > 0, target * np.log(np.where(target > 0, target, 1.0)), 0.0)
    output = xlogy - target * input
    return float(output.sum() / input.shape[0]), -target / input.shape[0]


def triplet_open_reid(inputs, targets, margin=1.0):
    n = inputs.shape[0]
    sq = (inputs ** 2).sum(1, keepdims=True)
    dist = np.sqrt(np.clip(sq + sq.T - 2 * inputs @ inputs.T, 1e-12, None))
    mask = targets[:, None] == targets[None, :]
    dist_ap, dist_an, ia, ip, ineg = [], [], [], [], []
    for i in range(n):
        pos = np.flatnonzero(mask[i] & (np.arange(n) != i))
        neg = np.flatnonzero(~mask[i])
        if len(pos) and len(neg):
            j, k = pos[dist[i, pos].argmax()], neg[dist[i, neg].argmin()]
            ia.append(i), ip.append(j), ineg.append(k)
            dist_ap.append(np.linalg.norm(inputs[i] - inputs[j]))
            dist_an.append(np.linalg.norm(inputs[i] - inputs[k]))
    grad = np.zeros_like(inputs)
    if not ia:
        return 0.0, grad
    d_ap, d_an = np.array(dist_ap), np.array(dist_an)
    hinge = d_ap - d_an + margin
    for i, j, k, dp, dn, h in zip(ia, ip, ineg, d_ap, d_an, hinge):
        if h > 0:
            gp, gn = (inputs[i] - inputs[j]) / dp / len(ia), (inputs[i] - inputs[k]) / dn / len(ia)
            grad[i] += gp - gn
            grad[j] -= gp
            grad[k] += gn
    return float(np.maximum(hinge, 0).mean()), grad


def svm_loss_vectorized(x, y, margin=1.0):
    num_train = x.shape[0]
    correct = x[np.arange(num_train), y]
    margins = np.maximum(0, x - correct[:, None] + margin)
    margins[np.arange(num_train), y] = 0
    loss = np.sum(margins) / num_train
    num_pos = np.sum(margins > 0, axis=1)
    dx = np.zeros_like(x)
    dx[margins > 0] = 1
    dx[np.arange(num_train), y] -= num_pos
    dx /= num_train
    return float(loss), dx


def l2_reg_cs231n(W, reg):
    return float(reg * np.sum(W * W)), 2 * reg * W


WRONG = {
    "kl_swapped": {"kl_divergence": kl_swapped},
    "kl_sum_not_batchmean": {"kl_divergence": kl_mean},
    "hardest_positive_as_min": {"triplet_loss_batch_hard": _triplet(min_positive=True)},
    "squared_distances": {"triplet_loss_batch_hard": _triplet(squared=True)},
    "triplet_gradient_anchor_only": {"triplet_loss_batch_hard": _triplet(anchor_only=True)},
    "hinge_counts_true_class": {"hinge_loss": hinge_with_true_class},
    "hinge_active_at_zero": {"hinge_loss": hinge_ge},
    "l1_gradient_without_lambda": {"l1_penalty": l1_without_lambda},
    "l2_with_half": {"l2_penalty": l2_with_half},
}
CANONICAL = {"cs231n_torch": {"kl_divergence": kl_div_torch, "triplet_loss_batch_hard": triplet_open_reid,
                              "hinge_loss": svm_loss_vectorized, "l2_penalty": l2_reg_cs231n}}
SLOW = {}
