"""Tests for detection/soft_nms. Run: pytest katas/detection/soft_nms"""

import math
import warnings

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, fail
from cvkatas.data import clustered_boxes
from cvkatas.oracles import greedy_nms, pair_iou

METHODS = ("linear", "gaussian", "hard")


def brute_soft_nms(boxes, scores, method="linear", iou_threshold=0.3, sigma=0.5, score_threshold=0.001):
    """Soft-NMS by the definition, one pair at a time in float64. Also returns a trace for messages:
    the current scores of the remaining boxes before each selection, and where each box was dropped."""
    b = np.asarray(boxes, np.float64).tolist()
    s = [float(v) for v in np.asarray(scores, np.float64)]
    dropped = {j: (None, s[j]) for j in range(len(s)) if s[j] < score_threshold}
    alive = [j for j in range(len(s)) if s[j] >= score_threshold]
    keep, kept, trace = [], [], []
    while alive:
        trace.append({j: s[j] for j in alive})
        best = max(alive, key=lambda j: (s[j], -j))  # highest current score, then lowest index
        keep.append(best)
        kept.append(s[best])
        alive.remove(best)
        for j in alive:
            iou = pair_iou(b[best], b[j])
            if method == "linear":
                s[j] *= 1.0 - iou if iou > iou_threshold else 1.0
            elif method == "gaussian":
                s[j] *= math.exp(-(iou**2) / sigma)
            elif iou > iou_threshold:
                s[j] = 0.0
        dropped.update({j: (best, s[j]) for j in alive if s[j] < score_threshold})
        alive = [j for j in alive if s[j] >= score_threshold]
    return np.array(keep, np.int64), np.array(kept, np.float64), trace, dropped


def why(got, expected, trace, dropped, score_threshold) -> str:
    """Explain the first selection where `got` and `expected` part ways."""
    got, expected = [int(v) for v in got], [int(v) for v in expected]
    for pos in range(max(len(got), len(expected))):
        g = got[pos] if pos < len(got) else None
        e = expected[pos] if pos < len(expected) else None
        if g == e:
            continue
        state = trace[pos] if pos < len(trace) else {}
        if g is None:
            return (f"after {pos} selection(s) box {e} still remains with current score {state[e]:.6g}, "
                    f">= score_threshold {score_threshold}, so it must be selected next")
        if g in got[:pos]:
            return f"box {g} was already selected at position {got.index(g)}; each box is selected at most once"
        if g not in state:
            if g not in dropped:
                return f"{g} is not an index into the original boxes"
            by, score = dropped[g]
            when = "its initial score" if by is None else f"after box {by} was selected its decayed score"
            return (f"box {g} must have been discarded: {when} {score:.6g} is below "
                    f"score_threshold {score_threshold}")
        if e is None:
            return "no box is left at this point"
        if state[e] == state[g]:
            return (f"boxes {e} and {g} both have current score {state[e]:.6g}: equal scores select the "
                    "lower original index first")
        if pos == 0:
            return (f"the first selection is the box with the highest input score, box {e} ({state[e]:.6g}); "
                    f"box {g} has {state[g]:.6g}. Return indices into the arrays you were given, not positions "
                    "in a sorted copy")
        listed = ""
        if len(state) <= 6:
            listed = " (current scores: " + ", ".join(f"box {j}: {v:.6g}" for j, v in state.items()) + ")"
        return (f"selection {pos}: the remaining box with the highest current score is box {e} "
                f"({state[e]:.6g}); box {g} has {state[g]:.6g}{listed}. A current score is the input score "
                "times the decay factors so far; re-select the maximum after every decay")
    return "the selections differ"


def check(impl, boxes, scores, expected_keep=None, expected_scores=None, why_scores=None, hint="", **kwargs):
    """Run the candidate, check the output's form, and compare with the brute force (and a hand answer)."""
    __tracebackhide__ = True
    call = Call(impl.soft_nms, boxes, scores, **kwargs)
    out = call.out
    if not isinstance(out, tuple) or len(out) != 2:
        fail("soft_nms must return a tuple (keep, kept_scores)", call=call, got=repr(out)[:200])
    keep, kept = out
    assert_array(keep, dtype=np.int64, call=call, what="keep")
    assert_array(kept, dtype=np.float64, call=call, what="kept_scores")
    if keep.ndim != 1 or kept.shape != keep.shape:
        fail(f"keep and kept_scores must be 1-D of the same length, got shapes {keep.shape} and {kept.shape}",
             call=call)
    exp_keep, exp_scores, trace, dropped = brute_soft_nms(boxes, scores, **kwargs)
    if expected_keep is not None:  # the hand answer and the brute force agree, or this test is wrong
        assert np.array_equal(exp_keep, expected_keep) and np.allclose(exp_scores, expected_scores)
    thr = kwargs.get("score_threshold", 0.001)
    assert_equal(keep, exp_keep, call=call, what="keep (selected indices, in selection order)",
                 why=why(keep, exp_keep, trace, dropped, thr) + (f"; {hint}" if hint else ""))
    assert_close(kept, exp_scores, call=call, what="kept_scores",
                 why=why_scores or "each box's score when it was selected: its input score times the decay "
                                   "factors of the boxes selected before it")
    return keep, kept


# 1. Small cases you can check on paper.
# A = [0, 0, 10, 10]; B = [0, 0, 10, 5] covers half of A: IoU 50 / 100 = 0.5; C is far away.
A, B, C = [0, 0, 10, 10], [0, 0, 10, 5], [50, 50, 60, 60]


def test_linear_decay_reorders_the_boxes(impl):
    boxes = np.array([A, B, C], dtype=np.float64)
    scores = np.array([0.9, 0.8, 0.7])
    # A first; B decays to 0.8 * (1 - 0.5) = 0.4, now below C's 0.7: so A, C, B.
    check(impl, boxes, scores, [0, 2, 1], [0.9, 0.7, 0.4], method="linear", iou_threshold=0.3,
          why_scores="B overlaps A with IoU 0.5 > 0.3, so its score becomes 0.8 * (1 - 0.5) = 0.4")


def test_gaussian_decay_by_hand(impl):
    boxes = np.array([C, A, B], dtype=np.float32)
    scores = np.array([0.7, 0.9, 0.8], dtype=np.float32)
    # B decays to 0.8 * exp(-0.5**2 / 0.5) = 0.485 < 0.7: so A, C, B. C overlaps nothing: factor exp(0) = 1.
    b_score = float(np.float32(0.8)) * math.exp(-0.25 / 0.5)
    check(impl, boxes, scores, [1, 0, 2], [float(np.float32(0.9)), float(np.float32(0.7)), b_score],
          method="gaussian", sigma=0.5,
          why_scores="Gaussian decay: s * exp(-iou**2 / sigma) = 0.8 * exp(-0.25 / 0.5) = 0.485 for B")


def test_gaussian_sigma_changes_the_order(impl):
    boxes = np.array([A, B, C], dtype=np.float64)
    scores = np.array([0.9, 0.8, 0.7])
    # sigma = 2: B keeps 0.8 * exp(-0.25 / 2) = 0.706 > 0.7, so it stays before C.
    check(impl, boxes, scores, [0, 1, 2], [0.9, 0.8 * math.exp(-0.125), 0.7], method="gaussian", sigma=2.0,
          why_scores="exp(-iou**2 / sigma): a larger sigma decays less")


def test_linear_leaves_boxes_at_or_below_the_threshold_alone(impl):
    # IoU(A, D) = 20 / 100 = 0.2 < 0.3 and IoU(A, B) = 0.5, exactly at the threshold 0.5.
    D = [0, 0, 10, 2]
    boxes = np.array([A, D, B], dtype=np.float64)
    scores = np.array([0.9, 0.6, 0.8])
    check(impl, boxes, scores, [0, 2, 1], [0.9, 0.8, 0.6], method="linear", iou_threshold=0.5,
          hint="IoU(box 0, box 1) = 0.2 and IoU(box 0, box 2) = 0.5 are not above the threshold 0.5",
          why_scores="linear decay applies only when IoU > iou_threshold: IoU 0.2 and IoU exactly 0.5 "
                     "leave the scores as they are")


def test_hard_method_at_the_threshold(impl):
    boxes = np.array([A, B], dtype=np.float32)
    scores = np.array([0.9, 0.8], dtype=np.float32)
    check(impl, boxes, scores, [0, 1], [float(np.float32(0.9)), float(np.float32(0.8))], method="hard",
          iou_threshold=0.5, hint="IoU(box 0, box 1) = 0.5 exactly, not above the threshold 0.5",
          why_scores="IoU exactly 0.5 is not above the threshold 0.5: B is kept, undecayed")
    check(impl, boxes, scores, [0], [float(np.float32(0.9))], method="hard", iou_threshold=0.49)


def test_iou_at_the_threshold_is_computed_in_float64(impl):
    E = [0, 0, 10, 3]  # IoU(A, E) = 30 / 100 = 0.3 exactly
    boxes = np.array([A, E], dtype=np.float32)
    scores = np.array([0.9, 0.8], dtype=np.float32)
    for method in ("linear", "hard"):
        check(impl, boxes, scores, [0, 1], [float(np.float32(0.9)), float(np.float32(0.8))], method=method,
              iou_threshold=0.3, hint="IoU(box 0, box 1) = 30 / 100 = 0.3 exactly, not above the threshold 0.3",
              why_scores="the IoU is exactly 0.3, not above 0.3, so box 1 keeps its score; computed in float32, "
                         "30 / 100 rounds to 0.30000001, above the float64 threshold: compute IoUs in float64")


def test_decayed_below_score_threshold_is_discarded(impl):
    boxes = np.array([A, B, C], dtype=np.float64)
    scores = np.array([0.9, 0.8, 0.7])
    # B decays to exactly 0.4: kept at score_threshold 0.4, discarded at 0.41.
    check(impl, boxes, scores, [0, 2, 1], [0.9, 0.7, 0.4], method="linear", score_threshold=0.4,
          why_scores="a score exactly equal to score_threshold is not below it, so B stays")
    check(impl, boxes, scores, [0, 2], [0.9, 0.7], method="linear", score_threshold=0.41)


def test_low_initial_scores_are_discarded(impl):
    boxes = np.array([C, A, B], dtype=np.float64)
    check(impl, boxes, np.array([0.05, 0.9, 0.2]), [1, 2], [0.9, 0.1], method="linear", score_threshold=0.1)
    call = Call(impl.soft_nms, boxes, np.array([0.01, 0.02, 0.03]), score_threshold=0.5)
    assert_array(call.out[0], dtype=np.int64, shape=(0,), call=call, what="keep when every score is too low")
    assert_array(call.out[1], dtype=np.float64, shape=(0,), call=call, what="kept_scores")


def test_equal_scores_select_the_lower_index_first(impl):
    apart = np.array([[0, 0, 1, 1], [5, 5, 6, 6], [10, 10, 11, 11]], dtype=np.float32)
    check(impl, apart, np.full(3, 0.5, np.float32), [0, 1, 2], [0.5, 0.5, 0.5])
    # After A is selected, B (index 2) decays to 0.8 * 0.5 = 0.4 exactly, tying with C (index 1): C first.
    boxes = np.array([A, C, B], dtype=np.float64)
    check(impl, boxes, np.array([0.9, 0.4, 0.8]), [0, 1, 2], [0.9, 0.4, 0.4], method="linear")
    check(impl, boxes[[0, 2, 1]], np.array([0.9, 0.8, 0.4]), [0, 1, 2], [0.9, 0.4, 0.4], method="linear")


# 3. Edge cases.

def test_empty_and_single(impl):
    call = Call(impl.soft_nms, np.zeros((0, 4), np.float32), np.zeros(0, np.float32))
    assert_array(call.out[0], dtype=np.int64, shape=(0,), call=call, what="keep for no boxes")
    assert_array(call.out[1], dtype=np.float64, shape=(0,), call=call, what="kept_scores for no boxes")
    for method in METHODS:
        check(impl, np.array([[2, 3, 5, 7]], np.float32), np.array([0.25], np.float32), [0], [0.25],
              method=method)


def test_zero_area_boxes_without_warnings(impl):
    boxes = np.array([[1, 1, 1, 1], [1, 1, 1, 1], [0, 0, 2, 2], [3, 3, 3, 5]], dtype=np.float64)
    scores = np.array([0.9, 0.8, 0.7, 0.6])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 0 / 0 must be guarded, not left to produce NaN
        for method in METHODS:
            try:
                check(impl, boxes, scores, [0, 1, 2, 3], [0.9, 0.8, 0.7, 0.6], method=method, iou_threshold=0.0)
            except RuntimeWarning as w:
                fail(f"soft_nms warned: {w}", call=f"soft_nms({boxes.tolist()}, {scores.tolist()}, {method!r})",
                     why="two zero-area boxes have a union of 0; guard the division so their IoU is 0")


def test_bad_input_raises_value_error(impl):
    boxes, scores = np.zeros((3, 4), np.float32), np.ones(3, np.float32)
    assert_raises(ValueError, impl.soft_nms, boxes, scores, method="softer", why="unknown method")
    assert_raises(ValueError, impl.soft_nms, boxes, scores, method="gaussian", sigma=0.0)
    assert_raises(ValueError, impl.soft_nms, boxes, scores, score_threshold=0.0)
    assert_raises(ValueError, impl.soft_nms, np.zeros((3, 5), np.float32), scores)
    assert_raises(ValueError, impl.soft_nms, boxes, np.ones(2, np.float32))


# 2. Against the brute force on seeded random inputs.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [0, 1, 2, 7, 30, 80])
def test_matches_brute_force(impl, n, dtype):
    rng = np.random.default_rng(100 + n)
    settings = [{"method": "linear", "iou_threshold": 0.3}, {"method": "linear", "iou_threshold": 0.0},
                {"method": "gaussian", "sigma": 0.5}, {"method": "gaussian", "sigma": 0.1, "score_threshold": 0.05},
                {"method": "hard", "iou_threshold": 0.5}, {"method": "linear", "score_threshold": 0.2}]
    for kwargs in settings:
        boxes = clustered_boxes(n, rng, per_object=6, extent=120, dtype=dtype)
        check(impl, boxes, rng.random(n).astype(dtype), **kwargs)  # distinct scores


# 4. Properties.

@pytest.mark.parametrize("thr", [0.3, 0.5, 0.7])
def test_hard_method_is_greedy_nms(impl, thr):
    rng = np.random.default_rng(7)
    boxes = clustered_boxes(150, rng, per_object=10, extent=300)
    scores = rng.random(150).astype(np.float32) + 0.01
    call = Call(impl.soft_nms, boxes, scores, method="hard", iou_threshold=thr)
    expected = greedy_nms(boxes, scores, thr)
    assert_equal(call.out[0], expected, call=call, what="keep for method='hard'",
                 why="zeroing every box that overlaps a selected box by more than the threshold is greedy NMS")
    assert_close(call.out[1], scores[expected], call=call, what="kept_scores for method='hard'",
                 why="hard NMS never changes the score of a box it keeps")


def test_scores_only_decay_and_stay_above_the_threshold(impl):
    rng = np.random.default_rng(8)
    boxes = clustered_boxes(200, rng, per_object=8, extent=300, dtype=np.float64)
    scores = rng.random(200)
    for method in ("linear", "gaussian"):
        call = Call(impl.soft_nms, boxes, scores, method=method, score_threshold=0.05)
        keep, kept = call.out
        if (kept > scores[keep] + 1e-12).any():
            j = int(np.argmax(kept - scores[keep]))
            fail("a kept score is higher than the box's input score", call=call,
                 got=f"box {keep[j]}: kept score {kept[j]}", expected=f"at most {scores[keep[j]]}",
                 why="every decay factor is in [0, 1]")
        if (kept < 0.05).any():
            j = int(np.argmin(kept))
            fail("a kept score is below score_threshold 0.05", call=call, got=f"box {keep[j]} with score {kept[j]:.6g}",
                 why="boxes whose decayed score falls below the threshold are discarded, after every decay")
        if len(set(keep.tolist())) != len(keep):
            fail("keep contains an index twice", call=call, got=keep.tolist())


def test_permuting_the_input_permutes_the_output(impl):
    rng = np.random.default_rng(9)
    boxes = clustered_boxes(60, rng, per_object=6, extent=150, dtype=np.float64)
    scores = rng.random(60)
    for method in METHODS:
        base, base_scores = check(impl, boxes, scores, method=method)
        perm = rng.permutation(60)
        call = Call(impl.soft_nms, boxes[perm], scores[perm], method=method)
        assert_equal(perm[call.out[0]], base, call=call, what="selected boxes of the shuffled input",
                     why="with distinct scores the same boxes are selected in the same order, whatever their "
                         "positions in the arrays: return indices into the arrays you were given")
        assert_close(call.out[1], base_scores, call=call, what="kept_scores of the shuffled input")
