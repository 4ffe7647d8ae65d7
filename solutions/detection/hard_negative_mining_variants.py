"""Known-wrong and canonical-style answers to detection/hard_negative_mining; `nox -s verify` proves
the tests catch every one. Never shown to learners."""

import numpy as np


def _mutant(*, per_image=True, rank_positives=False, ignore_is_negative=False, descending=True, kind="stable",
            in_place=False, zero_positives=False, check_shapes=True, check_dtype=True, check_ratio=True,
            as_int=False):
    def hard_negative_mining(loss, labels, neg_pos_ratio=3):
        if check_shapes and (loss.ndim != 2 or labels.shape != loss.shape):
            raise ValueError("bad shapes")
        if check_dtype and not np.issubdtype(labels.dtype, np.integer):
            raise ValueError("bad dtype")
        if check_ratio and (not isinstance(neg_pos_ratio, (int, np.integer)) or neg_pos_ratio < 0):
            raise ValueError("bad ratio")
        if zero_positives:  # ssd.pytorch: positives ranked with loss 0
            pos, neg = labels > 0, labels == 0
            key = -np.where(labels == 0, loss, 0.0)
            rank = np.argsort(np.argsort(key, axis=1, kind="stable"), axis=1)
            k = np.minimum(neg_pos_ratio * pos.sum(1), neg.sum(1))
            return pos | (neg & (rank < k[:, None]))
        pos = labels > 0
        neg = labels <= 0 if ignore_is_negative else labels == 0
        candidate = (neg | pos) if rank_positives else neg
        if in_place:
            loss[~candidate] = -np.inf
            key = -loss if descending else np.where(candidate, loss, np.inf)
        else:
            key = np.where(candidate, -loss if descending else loss, np.inf)
        if not per_image:  # one pool for the whole batch
            k = min(neg_pos_ratio * pos.sum(), neg.sum())
            order = np.argsort(key.ravel(), kind=kind)
            chosen = np.zeros(loss.size, bool)
            chosen[order[:k]] = True
            return pos | (neg & chosen.reshape(loss.shape))
        k = np.minimum(neg_pos_ratio * pos.sum(1), neg.sum(1))
        rank = np.argsort(np.argsort(key, axis=1, kind=kind), axis=1, kind=kind)
        out = pos | (neg & (rank < k[..., None]))
        return out.astype(np.int64) if as_int else out

    return hard_negative_mining


def ssd_pytorch_style(loss, labels, neg_pos_ratio=3):
    """ssd.pytorch's MultiBoxLoss mining, written anew in numpy: zero the positives' losses, sort
    descending (unstable), rank by a second argsort, clamp at A - 1; its selection masked with
    labels == 0, since SSD has no ignored label. No input checks."""
    pos = labels > 0
    loss_c = loss.copy()
    loss_c[labels != 0] = 0  # filter out positive (and ignored) anchors for now
    loss_idx = np.argsort(-loss_c, axis=1)
    idx_rank = np.argsort(loss_idx, axis=1)
    num_pos = pos.sum(1, keepdims=True)
    num_neg = np.minimum(neg_pos_ratio * num_pos, labels.shape[1] - 1)
    neg = (idx_rank < num_neg) & (labels == 0)
    return pos | neg


def mmdet_style(loss, labels, neg_pos_ratio=3):
    """mmdetection's SSDHead.loss_single, written anew: per image, topk over the negatives only."""
    out = labels > 0
    for b in range(labels.shape[0]):
        neg_inds = np.flatnonzero(labels[b] == 0)
        num_neg = min(neg_pos_ratio * int(out[b].sum()), len(neg_inds))
        top = np.argsort(-loss[b, neg_inds])[:num_neg]  # like torch.topk: equal losses in no set order
        out[b, neg_inds[top]] = True
    return out


WRONG = {
    "ratio_over_batch": {"hard_negative_mining": _mutant(per_image=False)},
    "positives_ranked": {"hard_negative_mining": _mutant(rank_positives=True)},
    "ignored_as_negatives": {"hard_negative_mining": _mutant(ignore_is_negative=True)},
    "lowest_loss": {"hard_negative_mining": _mutant(descending=False)},
    "unstable_rank": {"hard_negative_mining": _mutant(kind="quicksort")},
    "mutates_loss": {"hard_negative_mining": _mutant(in_place=True)},
    "zeroed_positives_ranked": {"hard_negative_mining": _mutant(zero_positives=True)},
    "no_shape_check": {"hard_negative_mining": _mutant(check_shapes=False)},
    "no_label_dtype_check": {"hard_negative_mining": _mutant(check_dtype=False)},
    "no_ratio_check": {"hard_negative_mining": _mutant(check_ratio=False)},
    "int_mask": {"hard_negative_mining": _mutant(as_int=True)},
}
CANONICAL = {
    "ssd_pytorch": {"hard_negative_mining": ssd_pytorch_style},
    "mmdetection": {"hard_negative_mining": mmdet_style},
}
SLOW = {}
