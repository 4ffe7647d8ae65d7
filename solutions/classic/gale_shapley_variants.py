"""Known-wrong and canonical-style answers to classic/gale_shapley; `nox -s verify` proves the tests
catch every wrong one and judge each canonical one as declared in kata.toml."""

import numpy as np

from solutions.classic import gale_shapley as ref


def _deferred_acceptance(prop_order, acc_rank, *, trade_up=True):
    """Proposers go down `prop_order` rows; acceptor a prefers p to q when acc_rank[a, p] < acc_rank[a, q]."""
    n = len(prop_order)
    next_choice, held = np.zeros(n, dtype=np.int64), np.full(n, -1)
    free = list(range(n - 1, -1, -1))
    while free:
        p = free.pop()
        a = prop_order[p, next_choice[p]]
        next_choice[p] += 1
        q = held[a]
        if q < 0 or (trade_up and acc_rank[a, p] < acc_rank[a, q]):
            held[a] = p
            if q >= 0:
                free.append(q)
        else:
            free.append(p)
    match = np.empty(n, dtype=np.int64)
    match[held] = np.arange(n)
    return match


def _ranks(lists):
    n = len(lists)
    rank = np.empty((n, n), dtype=np.int64)
    rank[np.arange(n)[:, None], lists] = np.arange(n)
    return rank


def acceptor_optimal(proposer_prefs, acceptor_prefs):
    """Roles swapped: the acceptors propose, which gives the acceptor-optimal stable matching."""
    prop = ref._preference_lists(proposer_prefs)
    acc = ref._preference_lists(acceptor_prefs, len(prop))
    partner_of_acceptor = _deferred_acceptance(acc, _ranks(prop))
    match = np.empty(len(prop), dtype=np.int64)
    match[partner_of_acceptor] = np.arange(len(prop))
    return match


def keeps_first_proposal(proposer_prefs, acceptor_prefs):
    """An acceptor keeps the first proposal it gets and rejects every later one, even a better one."""
    prop = ref._preference_lists(proposer_prefs)
    acc = ref._preference_lists(acceptor_prefs, len(prop))
    return _deferred_acceptance(prop, _ranks(acc), trade_up=False)


def acceptor_list_as_rank(proposer_prefs, acceptor_prefs):
    """Compares two proposers with acceptor_prefs[a, p] as if the list were a rank table."""
    prop = ref._preference_lists(proposer_prefs)
    acc = ref._preference_lists(acceptor_prefs, len(prop))
    return _deferred_acceptance(prop, acc)


def lists_read_as_ranks(proposer_prefs, acceptor_prefs):
    """Reads both inputs as rank tables (prefs[p, a] = rank of a) instead of ordered lists."""
    prop = ref._preference_lists(proposer_prefs)
    acc = ref._preference_lists(acceptor_prefs, len(prop))
    return _deferred_acceptance(np.argsort(prop, axis=1), acc)


def returns_acceptor_view(proposer_prefs, acceptor_prefs):
    """Returns, for each acceptor, its proposer, instead of each proposer's acceptor."""
    match = ref.stable_matching(proposer_prefs, acceptor_prefs)
    return np.argsort(match).astype(np.int64)


def returns_list(proposer_prefs, acceptor_prefs):
    """The right matching as a Python list."""
    return ref.stable_matching(proposer_prefs, acceptor_prefs).tolist()


def no_permutation_check(proposer_prefs, acceptor_prefs):
    """Checks the shapes but not that every row is a permutation."""
    prop, acc = np.asarray(proposer_prefs), np.asarray(acceptor_prefs)
    if prop.ndim != 2 or acc.shape != prop.shape or prop.shape[0] != prop.shape[1] or \
            (prop.size and (prop.dtype.kind not in "iu" or acc.dtype.kind not in "iu")):
        raise ValueError("bad shapes")
    n = len(prop)
    if n and (prop.max() >= n or acc.max() >= n or prop.min() < 0 or acc.min() < 0):
        raise ValueError("index out of range")
    rank = np.full((n, n), n)
    for a in range(n):
        for pos, p in enumerate(acc[a]):
            rank[a, p] = min(rank[a, p], pos)
    return _deferred_acceptance(prop.astype(np.int64), rank)


def kleinberg_tardos(proposer_prefs, acceptor_prefs):
    """Kleinberg & Tardos 2.3: free list, Next[m], Ranking[w, m], Current[w]; a list of partners
    back and no input checks, as in the book."""
    man_pref = [list(map(int, row)) for row in proposer_prefs]
    woman_pref = [list(map(int, row)) for row in acceptor_prefs]
    n = len(man_pref)
    ranking = [[0] * n for _ in range(n)]
    for w in range(n):
        for i, m in enumerate(woman_pref[w]):
            ranking[w][m] = i
    nxt, current, wife = [0] * n, [None] * n, [None] * n
    free = list(range(n))
    while free:
        m = free[0]
        w = man_pref[m][nxt[m]]
        nxt[m] += 1
        if current[w] is None:
            current[w], wife[m] = m, w
            free.pop(0)
        elif ranking[w][m] < ranking[w][current[w]]:
            old = current[w]
            wife[old] = None
            current[w], wife[m] = m, w
            free[0] = old
        # else: w rejects m, who stays free and proposes again
    return wife


WRONG = {
    "acceptor_optimal": {"stable_matching": acceptor_optimal},
    "keeps_first_proposal": {"stable_matching": keeps_first_proposal},
    "acceptor_list_as_rank": {"stable_matching": acceptor_list_as_rank},
    "lists_read_as_ranks": {"stable_matching": lists_read_as_ranks},
    "returns_acceptor_view": {"stable_matching": returns_acceptor_view},
    "returns_list": {"stable_matching": returns_list},
    "no_permutation_check": {"stable_matching": no_permutation_check},
}
CANONICAL = {"kleinberg_tardos": {"stable_matching": kleinberg_tardos}}
SLOW = {}
