"""Tests for detection/simota. Run: pytest katas/detection/simota"""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail, show
from cvkatas.data import undecided
from cvkatas.oracles import iou_matrix

# ---------------------------------------------------------------- the definition, one gt and one anchor at a time


class Brute:
    """SimOTA matching by the statement, with Python lists. Keeps what it saw, to explain any anchor."""

    def __init__(self, cost, ious, mask=None, n_candidate_k=10, claimants_only=False):
        self.cost = np.asarray(cost, np.float64).tolist()
        self.ious = np.asarray(ious, np.float64).tolist()
        g, a = np.shape(cost)
        mask = [True] * a if mask is None else [bool(m) for m in mask]
        self.mask = mask
        cands = [i for i in range(a) if mask[i]]
        self.k, self.sums, self.chosen = [], [], []
        self.claims = [[] for _ in range(a)]
        self.near_integer = False  # a sum of IoUs within 1e-9 of an integer: truncation would be fragile
        for j in range(g if cands else 0):
            n = min(n_candidate_k, len(cands))
            top = sorted((self.ious[j][i] for i in cands), reverse=True)[:n]
            s = sum(top)
            k = max(1, int(s))
            self.near_integer |= abs(s - round(s)) < 1e-9 and s != round(s)
            chosen = sorted(cands, key=lambda i, j=j: (self.cost[j][i], i))[:k]
            self.k.append(k)
            self.sums.append((n, s))
            self.chosen.append(chosen)
            for i in chosen:
                self.claims[i].append(j)
        self.assigned, self.iou = [-1] * a, [0.0] * a
        for i, who in enumerate(self.claims):
            if len(who) == 1:
                self.assigned[i] = who[0]
            elif len(who) > 1:  # YOLOX: the whole column; `claimants_only` is the other reading
                self.assigned[i] = min(who if claimants_only else range(g), key=lambda j, i=i: (self.cost[j][i], j))
            if who:
                self.iou[i] = self.ious[self.assigned[i]][i]
        self.conflicts = sum(len(w) > 1 for w in self.claims)

    def explain(self, i) -> str:
        if not self.mask[i]:
            return f"anchor {i} is not a candidate (candidate_mask is False), so it is background"
        parts = []
        for j, (k, (n, s), chosen) in enumerate(zip(self.k, self.sums, self.chosen)):
            rank = sorted((c for c in range(len(self.mask)) if self.mask[c]),
                          key=lambda c, j=j: (self.cost[j][c], c)).index(i)
            took = "claims it" if i in chosen else "does not claim it"
            parts.append(f"gt {j}: top-{n} IoUs sum to {s:.6g}, so k = max(1, int({s:.6g})) = {k}; anchor {i} is "
                         f"number {rank} by cost ({self.cost[j][i]:.6g}) -> {took}")
        who = self.claims[i]
        if len(who) > 1:
            col = [round(self.cost[j][i], 6) for j in range(len(self.k))]
            parts.append(f"claimed by gts {who}: it goes to the lowest cost in its whole column {col} "
                         f"(ties: lower gt), gt {self.assigned[i]}")
        return f"anchor {i}: " + "; ".join(parts)


def check(impl, cost, ious, mask=None, n_candidate_k=10, *, defaults=False):
    """Run simota_assign and compare with the brute force. Outputs are read leniently (any integer /
    float array-like; the exact dtypes are a convention test)."""
    __tracebackhide__ = True
    fn = impl.simota_assign
    call = Call(fn, cost, ious) if defaults else Call(fn, cost, ious, mask, n_candidate_k)
    assert_returns(call, "assigned_gt", "assigned_iou")
    assigned, iou = (np.asarray(v) for v in call.out)
    a = np.shape(cost)[1]
    for v, name, kinds in ((assigned, "assigned_gt", "iu"), (iou, "assigned_iou", "f")):
        if v.shape != (a,) or (v.size and v.dtype.kind not in kinds):
            fail(f"{name} must be a 1-D {'integer' if kinds == 'iu' else 'float'} array of length {a}",
                 call=call, got=show(v))
    brute = Brute(cost, ious, mask, n_candidate_k)
    bad = np.flatnonzero(assigned != np.asarray(brute.assigned, np.int64))
    assert_equal(assigned, np.array(brute.assigned, np.int64), call=call, what="assigned_gt",
                 why=brute.explain(int(bad[0])) if len(bad) else None)
    assert_close(iou, np.array(brute.iou), rtol=1e-6, atol=0, call=call, what="assigned_iou",
                 why="ious[assigned_gt[a], a] for a matched anchor, 0.0 for background")
    return assigned, brute


def settled(draw, rng):
    """A draw on which settling conflicts among the claimants only gives the same answer as YOLOX's
    whole-column minimum (that difference has a convention test of its own)."""
    def oracle(*args):
        return np.array(Brute(*args).assigned)

    def claimants(*args):
        return np.array(Brute(*args, claimants_only=True).assigned)

    return undecided(draw, oracle, [claimants], rng=rng)[0]


def arr(rows, dtype=np.float64):
    return np.array(rows, dtype)


# 1. By hand.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dynamic_k_truncates(impl, dtype):
    ious = arr([[0.75, 0.5, 0.875, 0.25, 0.25, 0.125]], dtype)  # sum 2.75
    cost = arr([[5, 1, 4, 2, 3, 6]], dtype)
    assigned, _ = check(impl, cost, ious)
    assert_equal(assigned, [-1, 0, -1, 0, -1, -1], what="assigned_gt",
                 why="the IoUs sum to 2.75 and int(2.75) = 2 (truncation, not rounding): the two cheapest, 1 and 3")


def test_every_gt_gets_at_least_one_anchor(impl):
    ious = arr([[0.125, 0.125, 0.125, 0.125], [0, 0, 0, 0]])
    cost = arr([[3, 2, 1, 4], [2, 9, 9, 9]])
    assigned, _ = check(impl, cost, ious)
    assert_equal(assigned, [1, -1, 0, -1], what="assigned_gt",
                 why="gt 0's IoUs sum to 0.5 and gt 1's to 0: int() gives 0, and max(1, .) gives each gt one anchor")


def test_dynamic_k_sums_only_the_top_n_ious(impl):
    ious = arr([[0.5] * 8])
    cost = arr([[8, 7, 6, 5, 4, 3, 2, 1]])
    assigned, _ = check(impl, cost, ious, None, 3)
    assert_equal(assigned, [-1] * 7 + [0], what="assigned_gt",
                 why="n_candidate_k=3: the three largest IoUs sum to 1.5, so k = 1 (all eight would give 4)")
    assigned, _ = check(impl, cost, ious, None, 10)
    assert_equal(assigned, [-1, -1, -1, -1, 0, 0, 0, 0], what="assigned_gt",
                 why="n = min(10, 8) = 8 IoUs sum to 4: the four cheapest anchors")


def test_dynamic_k_comes_from_the_largest_ious(impl):
    ious = arr([[1, 1, 0.25, 0.25]])
    cost = arr([[9, 8, 1, 2]])
    assigned, _ = check(impl, cost, ious, None, 2)
    assert_equal(assigned, [-1, -1, 0, 0], what="assigned_gt",
                 why="the two largest IoUs (anchors 0 and 1) sum to 2, so k = 2 and the two cheapest (2, 3) are "
                     "claimed; the IoUs of the two cheapest would sum to 0.5")


@pytest.mark.convention("equal costs: the lower anchor index first")
def test_cost_ties_take_the_lower_anchor_index(impl):
    ious = arr([[0.5, 0.5, 0.5, 0.5]])
    cost = arr([[2, 1, 2, 2]])
    assigned, _ = check(impl, cost, ious)
    assert_equal(assigned, [0, 0, -1, -1], what="assigned_gt",
                 why="k = 2: anchor 1 (cost 1), then the lowest index among anchors 0, 2, 3 tied at cost 2 "
                     "(YOLOX's torch.topk(largest=False) leaves the order of ties open; this kata pins it)")


def test_conflict_goes_to_the_lowest_cost(impl):
    ious = arr([[0.75, 0.25, 0], [0.25, 0, 0.5]])  # k = 1 for both
    cost = arr([[1, 4, 9], [0.5, 9, 3]])
    assigned, brute = check(impl, cost, ious)
    assert_equal(assigned, [1, -1, -1], what="assigned_gt",
                 why="both gts claim anchor 0; gt 1's cost there (0.5) is lower than gt 0's (1), whatever the IoUs")
    if brute.conflicts != 1:
        fail("test design: anchor 0 should be claimed twice")


@pytest.mark.convention("conflict at equal costs: the lower gt index")
def test_conflict_cost_ties_go_to_the_lower_gt(impl):
    ious = arr([[0.75, 0.25, 0], [0.25, 0, 0.5]])  # k = 1 for both; both claim anchor 0
    assigned, _ = check(impl, arr([[1, 4, 9], [1, 9, 3]]), ious)
    assert_equal(assigned, [0, -1, -1], what="assigned_gt",
                 why="equal costs in the conflict: the lower gt index (torch.min returns the first minimum)")


@pytest.mark.convention("conflict: minimum of the whole cost column")
def test_conflict_uses_the_whole_cost_column(impl):
    ious = arr([[0.25, 0, 0], [0.25, 0, 0], [0.25, 0, 0]])  # k = 1 for every gt
    cost = arr([[1, 5, 9], [1, 9, 5], [0.5, 9, 0.25]])
    assigned, _ = check(impl, cost, ious)
    assert_equal(assigned, [2, -1, 2], what="assigned_gt",
                 why="gts 0 and 1 claim anchor 0, gt 2 claims anchor 2; the conflict on anchor 0 is settled by the "
                     "minimum of its whole cost column [1, 1, 0.5]: gt 2, as YOLOX's torch.min(cost[:, m], dim=0)")


def test_non_candidates_are_ignored(impl):
    ious = arr([[0.5, 0.5, 1, 1, 0.5]])
    cost = arr([[3, 2, 0, 0, 1]])
    mask = np.array([True, True, False, False, True])
    assigned, _ = check(impl, cost, ious, mask)
    assert_equal(assigned, [-1, -1, -1, -1, 0], what="assigned_gt",
                 why="anchors 2 and 3 are not candidates: their IoUs do not count (the three candidates' sum is 1.5, "
                     "k = 1) and they are never assigned, however cheap")


def test_defaults_all_candidates_and_top_10(impl):
    ious = arr([[0.5] * 12])
    cost = arr([list(range(12, 0, -1))])
    assigned, _ = check(impl, cost, ious, defaults=True)
    assert_equal(assigned, [-1] * 7 + [0] * 5, what="assigned_gt",
                 why="candidate_mask=None makes all 12 anchors candidates and n_candidate_k defaults to 10: the "
                     "10 largest IoUs sum to 5, so k = 5 (all 12 would give 6)")


def test_empty_inputs(impl):
    for g, a in ((0, 5), (3, 0), (0, 0)):
        assigned, _ = check(impl, np.zeros((g, a)), np.zeros((g, a)))
        if not np.all(assigned == -1):
            fail("with no gts every anchor is background", got=assigned)
    assigned, _ = check(impl, arr([[1, 2]]), arr([[0.5, 0.5]]), np.array([False, False]))
    assert_equal(assigned, [-1, -1], what="assigned_gt", why="no candidates: nothing to assign")


@pytest.mark.convention("assigned_gt int64, assigned_iou float64")
def test_output_dtypes(impl):
    for cost, ious in ((arr([[2, 1, 3]], np.float32), arr([[0.5, 0.75, 0.25]], np.float32)),
                       (np.zeros((0, 3), np.float32), np.zeros((0, 3), np.float32))):
        call = Call(impl.simota_assign, cost, ious)
        assigned, iou = assert_returns(call, "assigned_gt", "assigned_iou")
        assert_array(assigned, dtype=np.int64, shape=(3,), call=call, what="assigned_gt")
        assert_array(iou, dtype=np.float64, shape=(3,), call=call, what="assigned_iou (float64 for float32 input)")


# Bad input: each would go through silently without its check.

@pytest.mark.contract("cost and ious not one (G, A) shape: ValueError")
def test_bad_shapes_raise(impl):
    c = np.ones((2, 3))
    assert_raises(ValueError, impl.simota_assign, c, np.ones((2, 4)), why="cost and ious differ in shape")
    assert_raises(ValueError, impl.simota_assign, np.ones((1, 2, 3)), np.ones((1, 2, 3)), why="cost must be 2-D (G, A)")


@pytest.mark.contract("candidate_mask not bool (A,): ValueError")
def test_bad_candidate_mask_raises(impl):
    c, q = np.ones((2, 3)), np.full((2, 3), 0.5)
    assert_raises(ValueError, impl.simota_assign, c, q, np.ones(3), why="candidate_mask must be bool")
    assert_raises(ValueError, impl.simota_assign, c, q, np.ones(2, bool), why="candidate_mask must have shape (A,)")


@pytest.mark.contract("n_candidate_k < 1: ValueError")
def test_bad_n_candidate_k_raises(impl):
    c, q = np.ones((2, 3)), np.full((2, 3), 0.5)
    assert_raises(ValueError, impl.simota_assign, c, q, None, 0, why="n_candidate_k must be >= 1")


# 2. Against the brute force, seeded. IoUs are multiples of 1/64, so every sum is exact in any order;
# costs are distinct, so no tie decides anything.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("g, a", [(1, 1), (1, 30), (3, 7), (5, 60), (12, 300)])
def test_matches_brute_force(impl, g, a, dtype):
    rng = np.random.default_rng(10 * g + a)
    conflicts, seen = 0, set()
    for n_candidate_k in (10, 3, 1):
        def draw(rng, n_candidate_k=n_candidate_k):
            ious = (rng.integers(0, 65, (g, a)) * (rng.random((g, a)) < 0.4) / 64).astype(dtype)
            cost = ((rng.permutation(g * a).reshape(g, a) + 0.5) / 4).astype(dtype)  # distinct
            mask = rng.random(a) < 0.8 if n_candidate_k != 10 else None
            return cost, ious, mask, n_candidate_k

        _, brute = check(impl, *settled(draw, rng))
        conflicts += brute.conflicts
        seen |= set(brute.assigned)
    if g >= 3 and (conflicts == 0 or len(seen) < 3):
        fail("test design: these cases should have conflicts and several gts assigned")


def test_yolox_style_cost(impl):
    """Cost as YOLOX builds it: classification cost + 3 * IoU cost + 1e5 outside the centre prior."""
    rng = np.random.default_rng(5)

    def draw(rng):
        g, a = int(rng.integers(1, 6)), int(rng.integers(20, 120))
        xy = rng.integers(0, 80, (g, 2))
        gt = np.concatenate([xy, xy + rng.integers(8, 40, (g, 2))], axis=1)
        pxy = rng.integers(0, 100, (a, 2))
        pred = np.concatenate([pxy, pxy + rng.integers(4, 40, (a, 2))], axis=1)
        ious = iou_matrix(gt, pred)
        centres = (pred[:, :2] + pred[:, 2:]) / 2
        inside = ((centres[None] > gt[:, None, :2]) & (centres[None] < gt[:, None, 2:])).all(-1)
        prob = rng.uniform(0.05, 0.95, (g, a))
        cost = -np.log(prob) + 3 * -np.log(ious + 1e-8) + 1e5 * ~inside
        return cost, ious, inside.any(axis=0), 10

    for _ in range(4):
        _, brute = check(impl, *settled(draw, rng))
        if brute.near_integer:
            fail("test design: a sum of IoUs lies within 1e-9 of an integer; pick another seed")


# 4. Properties.

def test_permuting_anchors_and_scaling_the_cost(impl):
    rng = np.random.default_rng(3)
    g, a = 6, 80
    cost, ious, _, _ = settled(lambda rng: (rng.permutation(g * a).reshape(g, a) / 8.0,  # distinct costs
                                            rng.integers(0, 65, (g, a)) / 64, None, 10), rng)
    base, brute = check(impl, cost, ious)
    perm = rng.permutation(a)
    call = Call(impl.simota_assign, cost[:, perm], ious[:, perm])
    assert_equal(np.asarray(call.out[0]), base[perm], call=call, what="assigned_gt of the shuffled anchors",
                 why="with distinct costs the matching does not depend on the anchors' order")
    call = Call(impl.simota_assign, cost * 4, ious)
    assert_equal(np.asarray(call.out[0]), base, call=call, what="assigned_gt with the cost multiplied by 4",
                 why="costs are only compared, so scaling them changes nothing")
    if brute.conflicts == 0:
        fail("test design: this case should have conflicts")
