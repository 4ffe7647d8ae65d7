"""Gale-Shapley deferred acceptance with the proposers proposing: the proposer-optimal stable matching."""

import numpy as np


def _preference_lists(prefs, n=None) -> np.ndarray:
    lists = np.asarray(prefs)
    if lists.ndim != 2 or lists.shape[0] != lists.shape[1] or (n is not None and len(lists) != n):
        raise ValueError(f"preferences must be square (n, n) and the same n on both sides, got shape {lists.shape}")
    if lists.size and lists.dtype.kind not in "iu":
        raise ValueError(f"preferences must be integers, got dtype {lists.dtype}")
    if (np.sort(lists, axis=1) != np.arange(len(lists))).any():
        raise ValueError("every preference row must be a permutation of 0 .. n-1")
    return lists.astype(np.int64)


def stable_matching(proposer_prefs, acceptor_prefs) -> np.ndarray:
    prop = _preference_lists(proposer_prefs)
    acc = _preference_lists(acceptor_prefs, len(prop))
    n = len(prop)
    rank = np.empty((n, n), dtype=np.int64)  # rank[a, p]: position of p in a's list (0 = favourite)
    rank[np.arange(n)[:, None], acc] = np.arange(n)
    next_choice = np.zeros(n, dtype=np.int64)  # how far down its list each proposer has gone
    held = np.full(n, -1)  # the proposer each acceptor holds on to, -1 if none yet
    free = list(range(n - 1, -1, -1))
    while free:
        p = free.pop()
        a = prop[p, next_choice[p]]
        next_choice[p] += 1
        q = held[a]
        if q < 0 or rank[a, p] < rank[a, q]:  # a trades up; the one it dropped is free again
            held[a] = p
            if q >= 0:
                free.append(q)
        else:
            free.append(p)
    match = np.empty(n, dtype=np.int64)
    match[held] = np.arange(n)
    return match
