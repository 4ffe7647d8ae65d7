"""Known-wrong answers to detection/hard_negative_mining; `nox -s verify` proves the tests catch every
one. Never shown to learners."""

import numpy as np


def _mutant(*, per_image=True, rank_positives=False, ignore_is_negative=False, descending=True, kind="stable",
            in_place=False):
    def hard_negative_mining(loss, labels, neg_pos_ratio=3):
        if loss.ndim != 2 or labels.shape != loss.shape or not np.issubdtype(labels.dtype, np.integer):
            raise ValueError("bad shapes or dtype")
        if not isinstance(neg_pos_ratio, (int, np.integer)) or neg_pos_ratio < 0:
            raise ValueError("bad ratio")
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
        return pos | (neg & (rank < k[:, None]))

    return hard_negative_mining


WRONG = {
    "ratio_over_batch": {"hard_negative_mining": _mutant(per_image=False)},
    "positives_ranked": {"hard_negative_mining": _mutant(rank_positives=True)},
    "ignored_as_negatives": {"hard_negative_mining": _mutant(ignore_is_negative=True)},
    "lowest_loss": {"hard_negative_mining": _mutant(descending=False)},
    "unstable_rank": {"hard_negative_mining": _mutant(kind="quicksort")},
    "mutates_loss": {"hard_negative_mining": _mutant(in_place=True)},
}
SLOW = {}
