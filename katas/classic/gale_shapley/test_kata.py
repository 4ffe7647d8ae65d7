"""Tests for classic/gale_shapley. Run: pytest katas/classic/gale_shapley

The proposer-optimal stable matching is unique, so correctness tests compare it exactly; they read
the result leniently (any integer sequence). That it is an int64 array is a convention test, and
each documented ValueError a contract test."""

import itertools

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_raises, fail, show


def ranks(lists) -> np.ndarray:
    """rank[x, y]: position of y in x's preference list (0 = favourite)."""
    lists = np.asarray(lists, dtype=np.int64)
    n = len(lists)
    rank = np.empty((n, n), dtype=np.int64)
    for x in range(n):
        for pos, y in enumerate(lists[x]):
            rank[x, y] = pos
    return rank


def ordinal(pos: int) -> str:
    k = pos + 1
    return f"{k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')} choice"


def blocking_pairs(prop, acc, match):
    """Every (p, a) where p prefers a to match[p] and a prefers p to its own partner."""
    pr, ar = ranks(prop), ranks(acc)
    n = len(match)
    partner = np.empty(n, dtype=np.int64)
    partner[match] = np.arange(n)
    return [(p, a) for p in range(n) for a in range(n)
            if pr[p, a] < pr[p, match[p]] and ar[a, p] < ar[a, partner[a]]]


def stable_matchings(prop, acc) -> np.ndarray:
    """Brute force: every perfect matching without a blocking pair, as rows match[p] (n <= 7)."""
    n = len(prop)
    pr, ar = ranks(prop), ranks(acc)
    perms = np.array(list(itertools.permutations(range(n))), dtype=np.int64).reshape(-1, max(n, 1))[:, :n]
    partner = np.argsort(perms, axis=1)
    rank_p = pr[np.arange(n), perms]  # [k, p]: how p ranks its partner in matching k
    rank_a = ar[np.arange(n), partner]  # [k, a]
    blocked = (pr[None] < rank_p[:, :, None]) & (ar.T[None] < rank_a[:, None, :])  # [k, p, a]
    return perms[~blocked.any(axis=(1, 2))]


def proposer_optimal_brute_force(prop, acc) -> np.ndarray:
    """The stable matching in which every proposer has its best stable partner (it always exists)."""
    n = len(prop)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    stable = stable_matchings(prop, acc)
    got = ranks(prop)[np.arange(n), stable]
    best = np.flatnonzero((got == got.min(axis=0)).all(axis=1))
    assert best.size == 1, "theory says the proposer-optimal stable matching exists and is unique"
    return stable[best[0]]


def proposer_optimal_by_rounds(prop, acc) -> np.ndarray:
    """Deferred acceptance in rounds: every free proposer proposes at once, each acceptor keeps the
    best proposer it has seen. Any proposal order ends in the same proposer-optimal matching."""
    n = len(prop)
    ar = ranks(acc)
    nxt, held, free = np.zeros(n, dtype=np.int64), [-1] * n, set(range(n))
    while free:
        offers = {}
        for p in sorted(free):
            offers.setdefault(int(prop[p][nxt[p]]), []).append(p)
            nxt[p] += 1
        free = set()
        for a, ps in offers.items():
            pool = ps + ([held[a]] if held[a] >= 0 else [])
            held[a] = min(pool, key=lambda p: ar[a, p])
            free |= set(pool) - {held[a]}
    match = np.empty(n, dtype=np.int64)
    match[held] = np.arange(n)
    return match


def check(impl, prop, acc, *, expected=None, why=None):
    """Run the candidate; the result must be a stable perfect matching, and the proposer-optimal one."""
    __tracebackhide__ = True
    call = Call(impl.stable_matching, prop, acc)
    prop, acc = np.asarray(prop), np.asarray(acc)
    n = len(prop)
    match = np.asarray(call.out)  # that it is an int64 array is the convention test's business
    if match.shape != (n,) or (n and match.dtype.kind not in "iu"):
        fail(f"match must hold {n} integer indices, one acceptor per proposer", call=call, got=show(call.out))
    match = match.astype(np.int64)
    if not np.array_equal(np.sort(match), np.arange(n)):
        fail("match must be a permutation of 0 .. n-1 (every acceptor matched exactly once)", call=call,
             got=match.tolist(), why="with n on each side and complete lists everyone is matched")
    pr, ar = ranks(prop), ranks(acc)
    blocking = blocking_pairs(prop, acc, match)
    if blocking:
        p, a = blocking[0]
        q = int(np.flatnonzero(match == a)[0])
        fail("the matching is not stable", call=call, got=match.tolist(),
             why=f"proposer {p} and acceptor {a} block it: proposer {p} has acceptor {match[p]} (its "
                 f"{ordinal(pr[p, match[p]])}) but prefers acceptor {a} (its {ordinal(pr[p, a])}), and acceptor "
                 f"{a} has proposer {q} (its {ordinal(ar[a, q])}) but prefers proposer {p} (its "
                 f"{ordinal(ar[a, p])}). An acceptor must trade up to a better proposal, and preference rows "
                 "are lists (best first), not rank tables")
    if expected is None:
        expected = proposer_optimal_brute_force(prop, acc) if n <= 6 else proposer_optimal_by_rounds(prop, acc)
    expected = np.asarray(expected)
    if not np.array_equal(match, expected):
        p = int(np.flatnonzero(pr[np.arange(n), match] != pr[np.arange(n), expected])[0])
        why = why or (f"this matching is stable, but proposer {p} gets acceptor {match[p]} (its "
                      f"{ordinal(pr[p, match[p]])}) while in the stable matching {expected.tolist()} it gets "
                      f"acceptor {expected[p]} (its {ordinal(pr[p, expected[p]])}); the proposers must do the "
                      "proposing, so that each gets its best stable partner")
        fail("not the proposer-optimal stable matching", call=call, got=match.tolist(),
             expected=expected.tolist(), why=why)
    return match


def random_prefs(n, rng):
    return rng.permuted(np.tile(np.arange(n), (n, 1)), axis=1)


# 1. Small cases you can check on paper.

def test_first_choices_all_different(impl):
    prop = [[0, 1, 2], [1, 2, 0], [2, 0, 1]]
    acc = [[1, 2, 0], [2, 0, 1], [0, 1, 2]]
    check(impl, prop, acc, expected=[0, 1, 2],
          why="the proposers' first choices (acceptors 0, 1, 2) are all different, so one proposal each ends "
              "it, whatever the acceptors think (every acceptor would prefer another partner: with the "
              "acceptors proposing the answer would be [2, 0, 1])")


def test_acceptor_trades_up(impl):
    prop = [[0, 1], [0, 1]]
    acc = [[1, 0], [1, 0]]
    check(impl, prop, acc, expected=[1, 0],
          why="both proposers want acceptor 0, who prefers proposer 1: whoever proposes first, acceptor 0 "
              "ends with proposer 1 and proposer 0 moves on to acceptor 1")


def test_rows_are_lists_not_ranks(impl):
    prop = [[0, 1, 2]] * 3  # every proposer: acceptor 0 first, then 1, then 2
    acc = [[1, 2, 0], [2, 0, 1], [0, 1, 2]]
    check(impl, prop, acc, expected=[2, 0, 1],
          why="all proposers try acceptor 0 first, and its list [1, 2, 0] puts proposer 1 first (read as ranks "
              "it would wrongly favour proposer 2); then acceptor 1 ([2, 0, 1]) takes proposer 2 over 0")


def test_identical_lists(impl):
    n = 5
    check(impl, np.tile(np.arange(n), (n, 1)), np.tile(np.arange(n), (n, 1)), expected=np.arange(n),
          why="everyone agrees on the order: proposer 0 gets acceptor 0, proposer 1 the next, and so on")


# 2. Against the brute force over every perfect matching, seeded.

@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 6])
def test_matches_brute_force(impl, n):
    rng = np.random.default_rng(n)
    for _ in range(12):
        check(impl, random_prefs(n, rng), random_prefs(n, rng))


def test_instances_with_many_stable_matchings(impl):
    rng = np.random.default_rng(42)
    found = 0
    while found < 8:
        prop, acc = random_prefs(6, rng), random_prefs(6, rng)
        if len(stable_matchings(prop, acc)) >= 3:  # here proposer- and acceptor-optimal differ
            check(impl, prop, acc)
            found += 1


@pytest.mark.parametrize("n", [10, 40, 120])
def test_larger_instances(impl, n):
    rng = np.random.default_rng(100 + n)
    for _ in range(2):
        check(impl, random_prefs(n, rng), random_prefs(n, rng))


# 3. Edge cases and bad input.

def test_empty_and_single(impl):
    check(impl, np.zeros((0, 0), dtype=np.int64), np.zeros((0, 0), dtype=np.int64), expected=[])
    check(impl, [[0]], [[0]], expected=[0], why="one proposer, one acceptor")


@pytest.mark.convention("returns an int64 numpy array")
def test_returns_int64_array(impl):
    for prop, acc in (([[0, 1], [0, 1]], [[1, 0], [1, 0]]), (np.zeros((0, 0), np.int64), np.zeros((0, 0), np.int64)),
                      (np.array([[1, 0], [0, 1]], np.int32), np.array([[0, 1], [1, 0]], np.int32))):
        call = Call(impl.stable_matching, prop, acc)
        assert_array(call.out, dtype=np.int64, shape=(len(prop),), call=call, what="match")


def test_int32_and_nested_lists(impl):
    rng = np.random.default_rng(5)
    prop, acc = random_prefs(6, rng), random_prefs(6, rng)
    check(impl, prop.astype(np.int32), acc.astype(np.int32))
    check(impl, prop.tolist(), acc.tolist())


@pytest.mark.contract("not square (n, n) integers, or n differs: ValueError")
def test_bad_shapes_raise_value_error(impl):
    good = np.array([[0, 1], [1, 0]])
    assert_raises(ValueError, impl.stable_matching, good, np.array([[0, 1, 2]] * 3),
                  why="both sides must have the same n")
    assert_raises(ValueError, impl.stable_matching, np.array([0, 1]), good, why="preferences are (n, n)")
    assert_raises(ValueError, impl.stable_matching, np.array([[0, 1, 2], [2, 1, 0]]), good,
                  why="preferences are square (n, n)")
    assert_raises(ValueError, impl.stable_matching, good.astype(np.float64), good,
                  why="preferences are integer arrays: a float index list is rejected, not rounded")


@pytest.mark.contract("a row is not a permutation: ValueError")
def test_rows_not_permutations_raise_value_error(impl):
    good = np.array([[0, 1], [1, 0]])
    assert_raises(ValueError, impl.stable_matching, np.array([[0, 0], [1, 0]]), good,
                  why="row [0, 0] is not a permutation: acceptor 1 is missing from proposer 0's list")
    assert_raises(ValueError, impl.stable_matching, good, np.array([[1, 2], [0, 1]]),
                  why="2 is not a proposer when n = 2 (lists hold 0-based indices)")
    # Proposer 1 never reaches the end of its list here, so only a check catches the repeated 0.
    assert_raises(ValueError, impl.stable_matching, np.array([[0, 1, 2], [1, 1, 1], [2, 0, 1]]),
                  np.array([[0, 1, 2]] * 3), why="row [1, 1, 1] is not a permutation of 0 .. 2")


# 4. Properties.

def test_swapping_roles_gives_the_other_extreme(impl):
    rng = np.random.default_rng(7)
    for _ in range(10):
        prop, acc = random_prefs(7, rng), random_prefs(7, rng)
        mine = check(impl, prop, acc)
        call = Call(impl.stable_matching, acc, prop)  # now the acceptors propose
        theirs = np.argsort(np.asarray(call.out))  # back to match[p]
        if blocking_pairs(prop, acc, theirs):
            fail("with the roles swapped the result is not stable", call=call, got=show(call.out))
        pr = ranks(prop)
        worse = np.flatnonzero(pr[np.arange(7), mine] > pr[np.arange(7), theirs])
        if worse.size:
            p = int(worse[0])
            fail("a proposer does better when the acceptors propose", call=call, got=show(call.out),
                 why=f"proposer {p} gets acceptor {theirs[p]} when the acceptors propose but only acceptor "
                     f"{mine[p]} when it proposes itself; proposing must give each proposer its best stable "
                     "partner, and the acceptor-proposing matching its worst")


def test_relabelling_proposers(impl):
    rng = np.random.default_rng(8)
    prop, acc = random_prefs(8, rng), random_prefs(8, rng)
    match = check(impl, prop, acc)
    perm = rng.permutation(8)  # new proposer i is old proposer perm[i]
    new_name = np.argsort(perm)
    relabelled = check(impl, prop[perm], new_name[acc])  # check() returns an int64 array
    if not np.array_equal(relabelled, match[perm]):
        fail("renaming the proposers changed who is matched with whom", got=relabelled.tolist(),
             expected=match[perm].tolist(), why="the proposer-optimal stable matching does not depend on names")
