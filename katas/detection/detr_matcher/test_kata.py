"""Tests for detection/detr_matcher. Run: pytest katas/detection/detr_matcher

Correctness tests pass the three weights explicitly, read the results leniently (any array-like,
pairs in any order, costs to rtol 1e-5 / atol 1e-5 so float32 maths passes) and judge a matching
by its total cost, so tied optima are all accepted; exact pairs are compared only where the optimum
is unique by a wide margin. Each convention (pairs sorted by prediction, the default weights, a
float64 cost, int64 indices) and each input check has one hand-built test of its own."""

import math

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail, show

TOL = {"rtol": 1e-5, "atol": 1e-5}  # costs are sums of terms up to ~10: float32 maths is within this

# The definition, one pair at a time in float64 (pure Python): the oracle.


def softmax_row(row):
    top = max(row)
    e = [math.exp(v - top) for v in row]
    return [v / sum(e) for v in e]


def giou_cxcywh(a, b):
    ax1, ay1, ax2, ay2 = a[0] - a[2] / 2, a[1] - a[3] / 2, a[0] + a[2] / 2, a[1] + a[3] / 2
    bx1, by1, bx2, by2 = b[0] - b[2] / 2, b[1] - b[3] / 2, b[0] + b[2] / 2, b[1] + b[3] / 2
    inter = max(0.0, min(ax2, bx2) - max(ax1, bx1)) * max(0.0, min(ay2, by2) - max(ay1, by1))
    union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter
    enclose = (max(ax2, bx2) - min(ax1, bx1)) * (max(ay2, by2) - min(ay1, by1))
    return inter / union - (enclose - union) / enclose


def terms(logits, pboxes, labels, tboxes):
    """Per pair: class probability, L1 on cx, cy, w, h, and GIoU."""
    logits = np.asarray(logits, np.float64).tolist()
    pboxes, tboxes = np.asarray(pboxes, np.float64).tolist(), np.asarray(tboxes, np.float64).tolist()
    labels = [int(v) for v in labels]
    out = {}
    for i, (row, pb) in enumerate(zip(logits, pboxes)):
        p = softmax_row(row)
        for j, (lab, tb) in enumerate(zip(labels, tboxes)):
            out[i, j] = (p[lab], sum(abs(u - v) for u, v in zip(pb, tb)), giou_cxcywh(pb, tb))
    return out


def oracle_cost(logits, pboxes, labels, tboxes, wc=1.0, wb=5.0, wg=2.0):
    cost = np.zeros((len(pboxes), len(tboxes)))
    for (i, j), (p, l1, g) in terms(logits, pboxes, labels, tboxes).items():
        cost[i, j] = -wc * p + wb * l1 - wg * g
    return cost


def explain(args, weights, got, expected):
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    if got.shape != expected.shape or not got.size:
        return f"the cost matrix is (Q, T) = {expected.shape}: one row per prediction, one column per target"
    bad = np.argwhere(~np.isclose(got, expected, **TOL))
    if not len(bad):
        return None
    i, j = (int(v) for v in bad[0])
    logits, pboxes, labels, tboxes = args
    p, l1, g = terms(logits[i:i + 1], pboxes[i:i + 1], labels[j:j + 1], tboxes[j:j + 1])[0, 0]
    wc, wb, wg = weights
    return (f"C[{i}, {j}] (prediction {i}, target {j} of class {int(labels[j])}) = -{wc} * p + {wb} * L1 - {wg} * GIoU "
            f"with p = softmax(logits[{i}])[{int(labels[j])}] = {p:.6g} (softmax over all K classes of the row, "
            f"no-object included), L1 on (cx, cy, w, h) = {l1:.6g}, GIoU of the x1y1x2y2 boxes = {g:.6g}: "
            f"{-wc * p + wb * l1 - wg * g:.6g}")


def check_cost(impl, logits, pboxes, labels, tboxes, weights=(1.0, 5.0, 2.0), why=None):
    """The cost matrix, read as any (Q, T) float array-like (its dtype is a convention test)."""
    __tracebackhide__ = True
    call = Call(impl.detr_cost_matrix, logits, pboxes, labels, tboxes, *weights)
    expected = oracle_cost(logits, pboxes, labels, tboxes, *weights)
    got = np.asarray(call.out)
    if got.shape != expected.shape or got.dtype.kind != "f":
        fail(f"detr_cost_matrix must return a float (Q, T) = {expected.shape} array, got {show(call.out)}",
             call=call, why="one row per prediction, one column per target")
    assert_close(got, expected, **TOL, call=call, what="cost matrix",
                 why=why or explain((logits, pboxes, labels, tboxes), weights, got, expected))
    return expected


def check_match(impl, logits, pboxes, labels, tboxes, weights=(1.0, 5.0, 2.0), why=None):
    """Run detr_match; check that it is a one-to-one matching of min(Q, T) pairs and of minimum total cost.
    Pairs are read in any order and as any integer array-likes (order and dtype are convention tests).
    Returns the pairs sorted by prediction."""
    __tracebackhide__ = True
    call = Call(impl.detr_match, logits, pboxes, labels, tboxes, *weights)
    assert_returns(call, "pred_idx", "tgt_idx")
    rows, cols = (np.asarray(v) for v in call.out)
    q, t = len(pboxes), len(tboxes)
    n = min(q, t)
    for name, v in (("pred_idx", rows), ("tgt_idx", cols)):
        if v.shape != (n,) or (n and v.dtype.kind not in "iu"):
            fail(f"{name} must be {n} integer indices (min(Q, T) = min({q}, {t})), got {show(v)}", call=call)
    rows, cols = rows.astype(np.int64), cols.astype(np.int64)
    if n and (rows.min() < 0 or rows.max() >= q or cols.min() < 0 or cols.max() >= t):
        fail("an index is out of range", call=call, got=(rows.tolist(), cols.tolist()))
    if len(set(rows.tolist())) != n or len(set(cols.tolist())) != n:
        fail("a prediction or a target is used twice: the matching must be one-to-one", call=call,
             got=(rows.tolist(), cols.tolist()))
    cost = oracle_cost(logits, pboxes, labels, tboxes, *weights)
    r, c = linear_sum_assignment(cost)
    best, total = cost[r, c].sum(), cost[rows, cols].sum()
    if not abs(total - best) <= 1e-5 * max(1, n) * max(1.0, abs(best)):
        fail(f"the matching costs {total:.9g} in total; the minimum is {best:.9g}", call=call,
             got=(rows.tolist(), cols.tolist()), expected=(r.tolist(), c.tolist()),
             why=why or "the assignment must minimise the total cost of the matrix of the statement (the Hungarian "
                        "algorithm, e.g. scipy.optimize.linear_sum_assignment on the (Q, T) cost matrix)")
    order = np.argsort(rows, kind="stable")
    return rows[order], cols[order]


def linear_sum_assignment(cost):
    """scipy's solver, imported on first use (an unstarted kata's run stays fast)."""
    from scipy.optimize import linear_sum_assignment as solve
    return solve(cost)


def unique_optimum(cost, margin=1e-3):
    """True if every other matching costs at least `margin` more than the optimum: then the pairs are
    decided, whatever the precision or the tie rule of the solver."""
    r, c = linear_sum_assignment(cost)
    best = cost[r, c].sum()
    for i, j in zip(r, c):  # the best matching without one optimal pair
        banned = cost.copy()
        banned[i, j] = 1e9
        r2, c2 = linear_sum_assignment(banned)
        if banned[r2, c2].sum() - best < margin:
            return False
    return True


def random_case(q, t, rng, k=None, dtype=np.float64):
    k = k or int(rng.integers(2, 7))
    logits = rng.normal(0, 2, (q, k))
    tboxes = np.concatenate([rng.uniform(0.1, 0.9, (t, 2)), rng.uniform(0.02, 0.5, (t, 2))], axis=1)
    pboxes = np.concatenate([rng.uniform(0.1, 0.9, (q, 2)), rng.uniform(0.02, 0.5, (q, 2))], axis=1)
    near = rng.integers(0, max(t, 1), q)  # most predictions near some target, as after some training
    if t:
        jitter = tboxes[near] + rng.normal(0, 0.03, (q, 4))
        pboxes = np.where(rng.random((q, 1)) < 0.7, jitter, pboxes)
        pboxes[:, 2:] = np.abs(pboxes[:, 2:]) + 0.01
    labels = rng.integers(0, k - 1, t).astype(np.int64)
    return logits.astype(dtype), pboxes.astype(dtype), labels, tboxes.astype(dtype)


# 1. By hand.

def test_one_pair_by_hand(impl):
    logits = np.zeros((1, 4))  # 3 classes + no-object, all equal: p = 1/4 each
    pb, tb = np.array([[0.5, 0.5, 0.2, 0.2]]), np.array([[0.6, 0.5, 0.2, 0.2]])
    call = Call(impl.detr_cost_matrix, logits, pb, np.array([1]), tb, 1.0, 5.0, 2.0)
    assert_close(np.asarray(call.out), [[-5 / 12]], **TOL, call=call, what="cost matrix",
                 why="p = softmax([0, 0, 0, 0])[1] = 1/4 (the no-object column counts); L1 on (cx, cy, w, h) = 0.1; "
                     "x1y1x2y2 (0.4, 0.4, 0.6, 0.6) vs (0.5, 0.4, 0.7, 0.6): IoU = 0.02 / 0.06 = 1/3, the enclosing "
                     "box is the union, GIoU = 1/3. C = -1 * 1/4 + 5 * 0.1 - 2 * 1/3 = -5/12")


def test_each_term_and_its_sign(impl):
    rng = np.random.default_rng(1)
    logits, pb, labels, tb = random_case(3, 2, rng, k=4)
    check_cost(impl, logits, pb, labels, tb, (1.0, 0.0, 0.0),
               why="cost_class only: C = -p[target class]; a likelier class must be cheaper (minus sign)")
    check_cost(impl, logits, pb, labels, tb, (0.0, 1.0, 0.0),
               why="cost_bbox only: C = L1 distance of the (cx, cy, w, h) vectors, as given (not x1y1x2y2)")
    check_cost(impl, logits, pb, labels, tb, (0.0, 0.0, 1.0),
               why="cost_giou only: C = -GIoU of the boxes converted to x1y1x2y2; more overlap must be cheaper")


def test_giou_of_nested_and_apart_boxes_by_hand(impl):
    # Nested: target inside the prediction, IoU = GIoU = 0.04 / 0.16 = 1/4 (the enclosing box is the
    # prediction). Apart: (0.1..0.3) and (0.5..0.7) on x, same rows: IoU 0, E = 0.6 x 0.2 = 0.12,
    # union 0.08, GIoU = -(0.12 - 0.08) / 0.12 = -1/3, where plain IoU would give 0.
    pb = np.array([[0.4, 0.4, 0.4, 0.4], [0.2, 0.5, 0.2, 0.2]])
    tb = np.array([[0.4, 0.4, 0.2, 0.2], [0.6, 0.5, 0.2, 0.2]])
    call = Call(impl.detr_cost_matrix, np.zeros((2, 2)), pb, np.array([0, 0]), tb, 0.0, 0.0, 1.0)
    assert_close(np.asarray(call.out)[[0, 1], [0, 1]], [-0.25, 1 / 3], **TOL, call=call,
                 what="GIoU costs C[0, 0] and C[1, 1]",
                 why="C = -GIoU; GIoU = IoU - (area(E) - union) / area(E): 1/4 for the nested pair, -1/3 for the "
                     "pair 0.2 apart")


def test_matching_beats_greedy_by_hand(impl):
    # Class cost only: C = -[[0.5, 0.4], [0.45, 0.05]]. Greedy per target takes prediction 0 for target 0
    # (0.5), leaving 0.05: total -0.55. The optimum crosses over: 0.4 + 0.45 = -0.85.
    logits = np.log(np.array([[0.5, 0.4, 0.05, 0.05], [0.45, 0.05, 0.25, 0.25]]))
    pb = np.array([[0.3, 0.3, 0.2, 0.2], [0.7, 0.7, 0.2, 0.2]])
    tb = np.array([[0.3, 0.3, 0.2, 0.2], [0.7, 0.7, 0.2, 0.2]])
    rows, cols = check_match(impl, logits, pb, np.array([0, 1]), tb, (1.0, 0.0, 0.0),
                             why="prediction 0 -> target 1 (p 0.4) and prediction 1 -> target 0 (p 0.45) cost -0.85, "
                                 "less than the greedy -0.55")
    assert_equal((rows, cols), (np.array([0, 1]), np.array([1, 0])), what="(pred_idx, tgt_idx), sorted by prediction",
                 why="the only optimum pairs prediction 0 with target 1 and prediction 1 with target 0")


def test_perfect_predictions_match_their_targets(impl):
    rng = np.random.default_rng(2)
    _, _, labels, tb = random_case(0, 5, rng, k=6)
    perm = rng.permutation(8)  # 8 queries: 5 copies of the targets, shuffled, and 3 far-off extras
    pb = np.concatenate([tb, [[0.05, 0.05, 0.02, 0.02]] * 3])[perm]
    logits = np.full((8, 6), -4.0)
    logits[np.argsort(perm)[:5], labels] = 4.0  # each copy confident about its own target's class
    rows, cols = check_match(impl, logits, pb, labels, tb, (1.0, 5.0, 2.0))
    copy_of = np.argsort(perm)[:5]  # copy_of[j]: the query that holds target j's box
    want = sorted((int(q), j) for j, q in enumerate(copy_of))
    assert_equal(list(zip(rows.tolist(), cols.tolist())), want, what="matched (prediction, target) pairs",
                 why="each target has an exact copy with its class at high probability: L1 0, GIoU 1")


# 2. Against the brute force.

def test_empty_inputs(impl):
    rng = np.random.default_rng(0)
    for q, t in ((0, 0), (0, 3), (5, 0)):
        check_cost(impl, *random_case(q, t, rng), (1.0, 5.0, 2.0))
        check_match(impl, *random_case(q, t, rng), (1.0, 5.0, 2.0))


@pytest.mark.parametrize("q,t", [(1, 1), (7, 3), (3, 7), (20, 12)])
def test_cost_matches_brute_force(impl, q, t):
    rng = np.random.default_rng(10 * q + t)
    for dtype in (np.float32, np.float64):
        for weights in ((1.0, 5.0, 2.0), (2.0, 1.0, 0.5)):
            check_cost(impl, *random_case(q, t, rng, dtype=dtype), weights)


@pytest.mark.parametrize("q,t", [(1, 1), (1, 5), (8, 3), (4, 9), (25, 10)])
def test_matching_is_optimal(impl, q, t):
    rng = np.random.default_rng(100 + 10 * q + t)
    for dtype in (np.float32, np.float64):
        for weights in ((1.0, 5.0, 2.0), (1.0, 0.0, 0.0), (0.0, 1.0, 3.0)):
            check_match(impl, *random_case(q, t, rng, dtype=dtype), weights)


def test_tied_optima_are_all_accepted_but_must_be_optimal(impl):
    # Two identical predictions and two identical targets: both matchings cost the same, either is right.
    logits = np.array([[2.0, 0.0, -1.0]] * 2 + [[-3.0, -3.0, 3.0]])
    pb = np.array([[0.5, 0.5, 0.2, 0.2]] * 2 + [[0.1, 0.1, 0.05, 0.05]])
    tb = np.array([[0.52, 0.5, 0.2, 0.22]] * 2)
    rows, _ = check_match(impl, logits, pb, np.array([0, 0]), tb, (1.0, 5.0, 2.0))
    assert_equal(rows, np.array([0, 1]), what="matched predictions",
                 why="the far-off no-object prediction 2 must stay unmatched, whichever twin gets which target")


# 3. Edge cases.

def test_huge_logits_are_stable(impl):
    logits = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 1e4], [0.0, 0.0, 1e4]])
    pb = np.array([[0.5, 0.5, 0.3, 0.3], [0.2, 0.2, 0.1, 0.2], [0.8, 0.4, 0.2, 0.1]])
    tb = np.array([[0.5, 0.5, 0.3, 0.3], [0.25, 0.2, 0.1, 0.1]])
    check_cost(impl, logits, pb, np.array([0, 1]), tb,
               why="subtract each row's maximum before exp: exp(1e4) overflows to inf and inf / inf is NaN")
    check_match(impl, logits, pb, np.array([0, 1]), tb)


def test_boxes_far_apart_have_negative_giou(impl):
    pb = np.array([[0.1, 0.1, 0.1, 0.1]])
    tb = np.array([[0.9, 0.9, 0.1, 0.1], [0.1, 0.3, 0.1, 0.1]])
    cost = check_cost(impl, np.zeros((1, 2)), pb, np.array([0, 0]), tb, (0.0, 0.0, 1.0))
    if not (cost > 0).all():
        fail("disjoint boxes have GIoU < 0, so their GIoU cost must be > 0", got=cost)


# 4. Properties.

def test_permuting_targets_permutes_the_matching(impl):
    rng = np.random.default_rng(5)
    logits, pb, labels, tb = random_case(10, 6, rng)
    assert unique_optimum(oracle_cost(logits, pb, labels, tb))  # so the pairs themselves are decided
    rows, cols = check_match(impl, logits, pb, labels, tb, (1.0, 5.0, 2.0))
    perm = rng.permutation(6)
    call = Call(impl.detr_match, logits, pb, labels[perm], tb[perm], 1.0, 5.0, 2.0)
    r2, c2 = (np.asarray(v) for v in call.out)
    assert_equal(sorted(zip(r2.tolist(), perm[c2].tolist())), sorted(zip(rows.tolist(), cols.tolist())),
                 call=call, what="matched (prediction, original target) pairs after shuffling the targets",
                 why="the order of the targets must not change which prediction each one gets")


# Conventions.

@pytest.mark.convention("pairs sorted by prediction index")
def test_pairs_sorted_by_prediction(impl):
    # Optimum: prediction 0 -> target 2, 1 -> 0, 2 -> 1 (each prediction is a copy of one target).
    tb = np.array([[0.2, 0.2, 0.1, 0.1], [0.5, 0.5, 0.1, 0.1], [0.8, 0.8, 0.1, 0.1]])
    pb = tb[[2, 0, 1]] + 0.01
    labels = np.array([0, 1, 0])
    call = Call(impl.detr_match, np.zeros((3, 3)), pb, labels, tb, 1.0, 5.0, 2.0)
    got = tuple(np.asarray(v).tolist() for v in call.out)
    assert_equal(got, ([0, 1, 2], [2, 0, 1]), call=call, what="(pred_idx, tgt_idx)",
                 why="pairs come sorted by pred_idx ascending, as DETR's matcher (scipy's row order) returns "
                     "them, not in target order")


@pytest.mark.convention("default weights: class 1, L1 5, GIoU 2")
def test_default_weights_are_detrs(impl):
    # Class probabilities favour the crossed pairs (0.9 vs 0.05), the boxes the straight ones. With
    # DETR's weights (1, 5, 2) the boxes win; with HungarianMatcher's constructor defaults (1, 1, 1)
    # the crossed matching would.
    logits = np.log(np.array([[0.05, 0.9, 0.05], [0.9, 0.05, 0.05]]))
    tb = np.array([[0.4, 0.5, 0.2, 0.2], [0.6, 0.5, 0.2, 0.2]])
    pb = np.array([[0.46, 0.5, 0.2, 0.2], [0.54, 0.5, 0.2, 0.2]])
    labels = np.array([0, 1])
    why = ("the defaults are cost_class=1, cost_bbox=5, cost_giou=2 (DETR's --set_cost_* training defaults, "
           "not HungarianMatcher's constructor defaults of 1, 1, 1)")
    call = Call(impl.detr_cost_matrix, logits, pb, labels, tb)
    assert_close(np.asarray(call.out), oracle_cost(logits, pb, labels, tb, 1.0, 5.0, 2.0), **TOL, call=call,
                 what="cost matrix with the default weights", why=why)
    call = Call(impl.detr_match, logits, pb, labels, tb)
    got = tuple(np.asarray(v).tolist() for v in call.out)
    assert_equal(got, ([0, 1], [0, 1]), call=call, what="(pred_idx, tgt_idx) with the default weights", why=why)


@pytest.mark.convention("cost float64, computed in float64")
def test_cost_is_float64_computed_in_float64(impl):
    rng = np.random.default_rng(9)
    logits, pb, labels, tb = random_case(6, 4, rng, k=5, dtype=np.float32)
    call = Call(impl.detr_cost_matrix, logits, pb, labels, tb, 1.0, 5.0, 2.0)
    assert_array(call.out, dtype=np.float64, shape=(6, 4), call=call, what="cost matrix of float32 inputs")
    assert_close(call.out, oracle_cost(logits, pb, labels, tb), rtol=1e-12, atol=1e-12, call=call,
                 what="cost matrix of float32 inputs",
                 why="the statement asks for float64 maths whatever the input dtype: cast the inputs first, "
                     "not only the result (DETR itself computes in the model's float32)")


@pytest.mark.convention("indices: two int64 arrays")
def test_indices_are_int64_arrays(impl):
    rng = np.random.default_rng(8)
    for q, t in ((5, 3), (0, 2), (3, 0)):
        logits, pb, labels, tb = random_case(q, t, rng, k=4)
        call = Call(impl.detr_match, logits, pb, labels, tb, 1.0, 5.0, 2.0)
        assert_returns(call, "pred_idx", "tgt_idx")
        for name, v in zip(("pred_idx", "tgt_idx"), call.out):
            assert_array(v, dtype=np.int64, shape=(min(q, t),), call=call, what=name)


# Input checks: each input below would pass silently without its check.

def _all(impl):
    return (impl.detr_cost_matrix, impl.detr_match)


@pytest.mark.contract("bad shapes: ValueError")
def test_bad_shapes_raise_value_error(impl):
    logits, pb, labels, tb = random_case(3, 2, np.random.default_rng(7), k=4)
    for fn in _all(impl):
        assert_raises(ValueError, fn, logits[:1], pb, labels, tb,
                      why="pred_logits has 1 row for 3 boxes: its class term would broadcast over all 3")
        assert_raises(ValueError, fn, logits, pb[:1], labels, tb,
                      why="pred_boxes has 1 row for 3 predictions: pred_boxes must be (Q, 4), Q as the logits")
        assert_raises(ValueError, fn, logits, pb, labels[:1], tb, why="one label per target box (T, not 1)")
        assert_raises(ValueError, fn, logits, pb, labels, tb[:1], why="tgt_boxes must be (T, 4), one per label")
        assert_raises(ValueError, fn, logits[:, :1], pb, labels[:0], tb[:0],
                      why="K = 1 logits leave no real class besides no-object: K >= 2 is required")


@pytest.mark.contract("label not a class in [0, K - 2]: ValueError")
def test_bad_labels_raise_value_error(impl):
    logits, pb, labels, tb = random_case(3, 2, np.random.default_rng(7), k=4)
    for fn in _all(impl):
        assert_raises(ValueError, fn, logits, pb, np.array([0, 3]), tb,
                      why="label 3 is the no-object column of 4 logits: targets are real classes 0..2")
        assert_raises(ValueError, fn, logits, pb, np.array([0, -1]), tb,
                      why="label -1 would silently index the no-object column from the end")
        assert_raises(ValueError, fn, logits, pb, np.array([0.0, 1.0]), tb, why="labels must be integers")


@pytest.mark.contract("box with w <= 0 or h <= 0: ValueError")
def test_bad_box_sizes_raise_value_error(impl):
    logits, pb, labels, tb = random_case(3, 2, np.random.default_rng(7), k=4)
    for fn in _all(impl):
        bad = tb.copy()
        bad[0, 2] = 0.0
        assert_raises(ValueError, fn, logits, pb, labels, bad, why="a target box of zero width")
        bad = pb.copy()
        bad[1, 3] = -0.1
        assert_raises(ValueError, fn, logits, bad, labels, tb, why="a predicted box of negative height")
