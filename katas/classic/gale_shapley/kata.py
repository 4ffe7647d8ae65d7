"""Stable matching by Gale-Shapley deferred acceptance · Gale-Shapley 算法 (稳定婚配)

n proposers and n acceptors each rank the other side. A matching is stable when no proposer and
acceptor would both rather be with each other than with their partners. Gale-Shapley finds one in
O(n^2) proposals, and the one it finds is the best stable matching for every proposer.

Run the tests: pytest katas/classic/gale_shapley
"""

import numpy as np

__all__ = ["stable_matching"]


def stable_matching(proposer_prefs, acceptor_prefs) -> np.ndarray:
    """The proposer-optimal stable matching.

    Args:
        proposer_prefs: integer array-like of shape (n, n). Row ``p`` is proposer p's preference
            **list**, best first: ``proposer_prefs[p, 0]`` is the acceptor p likes most,
            ``proposer_prefs[p, n - 1]`` the one p likes least. Each row is a permutation of
            ``0 .. n-1`` (complete lists, no ties).
        acceptor_prefs: integer array-like of shape (n, n), the same for the acceptors: row ``a``
            lists proposers, best first.

        These are ordered lists, not rank tables: for the row ``[2, 0, 1]`` acceptor 2 is the
        favourite and acceptor 1 the last; it does NOT mean "acceptor 0 has rank 2". Turn a list
        into ranks yourself when you need to compare two candidates quickly.

    Returns:
        int64 array ``match`` of shape (n,): ``match[p]`` is the acceptor matched to proposer p.
        It is a permutation of ``0 .. n-1`` (everyone is matched: both sides have n members and
        complete lists).

    The matching returned:
        - is stable: there is no pair (p, a), not matched to each other, where p prefers a to
          ``match[p]`` and a prefers p to its own partner;
        - is the proposer-optimal one: among all stable matchings, every proposer gets the best
          partner it has in any of them. This is what deferred acceptance gives with the
          proposers proposing, in any order: each free proposer proposes to the best acceptor it
          has not yet proposed to; an acceptor holds on to the best proposal it has received so
          far and rejects the other one.

    Edge cases: n = 0 (arrays of shape (0, 0)) gives an empty int64 array; n = 1 gives ``[0]``.
    The inputs must not be modified.

    Errors: ``ValueError`` if either input is not a square 2-D integer array, the two have
    different n, or a row is not a permutation of ``0 .. n-1``.

    Complexity: O(n^2) time (at most n^2 proposals, each O(1) with a rank table).

    Canonical code: the deferred-acceptance algorithm of Gale and Shapley (1962) as in Kleinberg
    and Tardos, "Algorithm Design", 2.3 (a list of free proposers, a next-proposal pointer per
    proposer, an inverse "ranking" array per acceptor), or the ``matching`` package's
    ``StableMarriage.solve(optimal="suitor")``. The proposer-optimal matching is unique, so every
    correct implementation returns the same one, whatever order the free proposers go in. The
    textbook returns a list or a dict of pairs and checks no input: here the result is an int64
    array (``test_returns_int64_array``) and bad input raises ``ValueError`` (the two
    ``ValueError`` tests).
    """
    raise NotImplementedError("stable_matching")
