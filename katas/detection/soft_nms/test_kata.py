"""Tests for detection/soft_nms. Run: pytest katas/detection/soft_nms

Correctness tests use distinct scores above score_threshold and continuous coordinates, drawn so that
no other convention (>= at the threshold, float32 IoUs, tie order, no initial filter) changes the
answer; an answer that follows the +1 pixel convention throughout is judged by that convention's test.
Each convention has one hand-built test."""

import math
import warnings

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail, show
from cvkatas.data import clustered_boxes
from cvkatas.oracles import greedy_nms, pair_iou

METHODS = ("linear", "gaussian", "hard")


def brute_soft_nms(boxes, scores, method="linear", iou_threshold=0.3, sigma=0.5, score_threshold=0.001, *,
                   plus_one=0.0, strict=True, ties="low", prefilter=True, float32=False):
    """Soft-NMS by the definition, one pair at a time in float64. Also returns a trace for messages:
    the current scores of the remaining boxes before each selection, and where each box was dropped.

    The switches give the conventions a learner may follow instead (the original Soft-NMS code follows
    several): ``plus_one=1`` (inclusive pixels), ``strict=False`` (decay at IoU >= threshold),
    ``ties="high"``, ``prefilter=False`` (initial scores below score_threshold kept), ``float32`` IoUs."""
    b = np.asarray(boxes, np.float64).tolist()
    s = [float(v) for v in np.asarray(scores, np.float64)]
    low = [j for j in range(len(s)) if s[j] < score_threshold] if prefilter else []
    dropped = {j: (None, s[j]) for j in low}
    alive = [j for j in range(len(s)) if j not in dropped]
    keep, kept, trace = [], [], []
    sign = 1 if ties == "low" else -1
    while alive:
        trace.append({j: s[j] for j in alive})
        best = max(alive, key=lambda j: (s[j], -sign * j))  # highest current score, then lowest index
        keep.append(best)
        kept.append(s[best])
        alive.remove(best)
        for j in alive:
            iou = pair_iou(b[best], b[j], plus_one)
            if float32:
                iou = float(np.float32(iou))
            over = iou > iou_threshold if strict else iou >= iou_threshold
            if method == "linear":
                s[j] *= 1.0 - iou if over else 1.0
            elif method == "gaussian":
                s[j] *= math.exp(-(iou**2) / sigma)
            elif over:
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


def _read(call):
    """(keep, kept_scores) read leniently as arrays; their exact types are a convention test's business."""
    __tracebackhide__ = True
    out = call.out
    if not isinstance(out, tuple) or len(out) != 2:
        fail("soft_nms must return a tuple (keep, kept_scores)", call=call, got=repr(out)[:200])
    keep, kept = np.asarray(out[0]), np.asarray(out[1])
    if keep.ndim != 1 or kept.shape != keep.shape or (keep.size and keep.dtype.kind not in "iu"):
        fail(f"keep and kept_scores must be 1-D of the same length, keep of integers; got {show(out)}", call=call)
    return keep.astype(np.int64), kept.astype(np.float64)


def _same(got, expected):
    return (np.array_equal(got[0], expected[0])
            and np.allclose(got[1], expected[1], rtol=1e-5, atol=1e-6))


def check(impl, boxes, scores, expected_keep=None, expected_scores=None, why_scores=None, hint="", **kwargs):
    """Run the candidate and compare with the brute force (and a hand answer). An answer that follows the
    +1 pixel convention throughout is left to test_continuous_coordinates_no_plus_one."""
    __tracebackhide__ = True
    call = Call(impl.soft_nms, boxes, scores, **kwargs)
    keep, kept = _read(call)
    exp_keep, exp_scores, trace, dropped = brute_soft_nms(boxes, scores, **kwargs)
    if expected_keep is not None:  # the hand answer and the brute force agree, or this test is wrong
        assert np.array_equal(exp_keep, expected_keep) and np.allclose(exp_scores, expected_scores)
    if not _same((keep, kept), (exp_keep, exp_scores)) and _same(
            (keep, kept), brute_soft_nms(boxes, scores, **kwargs, plus_one=1.0)[:2]):
        return keep, kept
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


def test_linear_leaves_boxes_below_the_threshold_alone(impl):
    # IoU(A, D) = 20 / 100 = 0.2 < 0.3: D keeps its score; B (IoU 0.5) decays to 0.4, below D's 0.6,
    # and then by D (IoU 20 / 50 = 0.4) to 0.4 * 0.6 = 0.24.
    D = [0, 0, 10, 2]
    boxes = np.array([A, D, B], dtype=np.float64)
    scores = np.array([0.9, 0.6, 0.8])
    check(impl, boxes, scores, [0, 1, 2], [0.9, 0.6, 0.24], method="linear", iou_threshold=0.3,
          hint="IoU(box 0, box 1) = 0.2 is not above the threshold 0.3",
          why_scores="linear decay applies only when IoU > iou_threshold: IoU 0.2 leaves the score as it is")


def test_hard_method_by_hand(impl):
    boxes = np.array([A, B, C], dtype=np.float32)
    scores = np.array([0.9, 0.8, 0.7], dtype=np.float32)
    check(impl, boxes, scores, [0, 2], [float(np.float32(0.9)), float(np.float32(0.7))], method="hard",
          iou_threshold=0.45, hint="IoU(box 0, box 1) = 0.5 is above the threshold 0.45: box 1 is zeroed")
    check(impl, boxes, scores, [0, 1, 2], [float(np.float32(0.9)), float(np.float32(0.8)), float(np.float32(0.7))],
          method="hard", iou_threshold=0.55, hint="IoU(box 0, box 1) = 0.5 is below the threshold 0.55")


@pytest.mark.convention("IoU equal to iou_threshold: no decay (exact float64)")
def test_iou_exactly_at_the_threshold_does_not_decay(impl):
    # IoU(A, B) = 0.5 and IoU(A, E) = 30 / 100 = 0.3 exactly, equal to the thresholds below.
    E = [0, 0, 10, 3]
    check(impl, np.array([A, B], np.float64), np.array([0.9, 0.8]), [0, 1], [0.9, 0.8], method="linear",
          iou_threshold=0.5, why_scores="IoU exactly 0.5 is not above the threshold 0.5: no decay")
    check(impl, np.array([A, B], np.float64), np.array([0.9, 0.8]), [0, 1], [0.9, 0.8], method="hard",
          iou_threshold=0.5, hint="IoU(box 0, box 1) = 0.5 exactly, not above the threshold 0.5")
    boxes = np.array([A, E], dtype=np.float32)
    scores = np.array([0.9, 0.8], dtype=np.float32)
    for method in ("linear", "hard"):
        check(impl, boxes, scores, [0, 1], [float(np.float32(0.9)), float(np.float32(0.8))], method=method,
              iou_threshold=0.3, hint="IoU(box 0, box 1) = 30 / 100 = 0.3 exactly, not above the threshold 0.3",
              why_scores="the IoU is exactly 0.3, not above 0.3, so box 1 keeps its score; computed in float32, "
                         "30 / 100 rounds to 0.30000001, above the float64 threshold: compute IoUs in float64")
    # The same case for an answer that counts +1 pixels: [0, 0, 9, 9] and [0, 0, 9, 2] are 10 x 10 and 10 x 3
    # there (IoU 0.3 exactly); in continuous coordinates their IoU is 18 / 81, well below 0.3.
    boxes = np.array([[0, 0, 9, 9], [0, 0, 9, 2]], dtype=np.float32)
    for method in ("linear", "hard"):
        check(impl, boxes, scores, [0, 1], [float(np.float32(0.9)), float(np.float32(0.8))], method=method,
              iou_threshold=0.3, why_scores="IoU 18 / 81 (or, with +1 pixels, exactly 30 / 100) is not above 0.3")


def test_decayed_below_score_threshold_is_discarded(impl):
    boxes = np.array([A, B, C], dtype=np.float64)
    scores = np.array([0.9, 0.8, 0.7])
    # B decays to 0.4: kept at score_threshold 0.39, discarded at 0.41.
    check(impl, boxes, scores, [0, 2, 1], [0.9, 0.7, 0.4], method="linear", score_threshold=0.39)
    check(impl, boxes, scores, [0, 2], [0.9, 0.7], method="linear", score_threshold=0.41,
          hint="box 1 decayed to 0.8 * (1 - 0.5) = 0.4, below score_threshold 0.41")


@pytest.mark.convention("score equal to score_threshold: kept")
def test_score_exactly_at_score_threshold_is_kept(impl):
    boxes = np.array([A, B, C], dtype=np.float64)
    check(impl, boxes, np.array([0.9, 0.8, 0.7]), [0, 2, 1], [0.9, 0.7, 0.4], method="linear",
          score_threshold=0.4, why_scores="B decays to exactly 0.4, not below score_threshold 0.4, so it stays")
    check(impl, boxes, np.array([0.9, 0.8, 0.25]), [0, 1, 2], [0.9, 0.4, 0.25], score_threshold=0.25,
          hint="box 2's input score 0.25 equals score_threshold 0.25: it stays")


@pytest.mark.convention("initial scores below score_threshold: discarded")
def test_low_initial_scores_are_discarded(impl):
    boxes = np.array([C, A, B], dtype=np.float64)
    check(impl, boxes, np.array([0.05, 0.9, 0.2]), [1, 2], [0.9, 0.1], method="linear", score_threshold=0.1,
          hint="box 0 overlaps nothing, but its input score 0.05 is already below score_threshold 0.1")
    call = Call(impl.soft_nms, boxes, np.array([0.01, 0.02, 0.03]), score_threshold=0.5)
    keep, kept = _read(call)
    assert_equal(keep, np.zeros(0, np.int64), call=call, what="keep when every score is too low",
                 why="every input score is below score_threshold 0.5: nothing is selected")


@pytest.mark.convention("equal scores: lower index first")
def test_equal_scores_select_the_lower_index_first(impl):
    apart = np.array([[0, 0, 1, 1], [5, 5, 6, 6], [10, 10, 11, 11]], dtype=np.float32)
    check(impl, apart, np.full(3, 0.5, np.float32), [0, 1, 2], [0.5, 0.5, 0.5])
    # Box 2 first; then boxes 0 and 1 tie: box 0 first (swapping box 2 to the front must not reorder them).
    check(impl, apart, np.array([0.5, 0.5, 0.9], np.float32), [2, 0, 1], [0.9, 0.5, 0.5])
    # After A is selected, B (index 2) decays to 0.8 * 0.5 = 0.4 exactly, tying with C (index 1): C first.
    boxes = np.array([A, C, B], dtype=np.float64)
    check(impl, boxes, np.array([0.9, 0.4, 0.8]), [0, 1, 2], [0.9, 0.4, 0.4], method="linear")
    check(impl, boxes[[0, 2, 1]], np.array([0.9, 0.8, 0.4]), [0, 1, 2], [0.9, 0.4, 0.4], method="linear")


@pytest.mark.convention("continuous coordinates: no +1 in widths and areas")
def test_continuous_coordinates_no_plus_one(impl):
    # IoU([0, 0, 2, 2], [1, 0, 3, 2]) = 2 / 6 = 1/3; with +1 widths 6 / 12 = 0.5.
    boxes = np.array([[0, 0, 2, 2], [1, 0, 3, 2]], np.float64)
    call = Call(impl.soft_nms, boxes, np.array([0.9, 0.8]), method="linear", iou_threshold=0.3)
    keep, kept = _read(call)
    assert_close(kept, [0.9, 0.8 * (1 - 1 / 3)], call=call, what="kept_scores",
                 why="areas are (x2 - x1) * (y2 - y1): IoU 2 / 6, so box 1 decays to 0.8 * (1 - 1/3) = 0.533 "
                     "(with +1 pixel widths the IoU would be 0.5 and the score 0.4)")


@pytest.mark.convention("keep int64, kept_scores float64 arrays")
def test_output_types(impl):
    for boxes, scores in ((np.array([A, B, C], np.float32), np.array([0.9, 0.8, 0.7], np.float32)),
                          (np.zeros((0, 4), np.float32), np.zeros(0, np.float32)),
                          (np.array([A], np.float64), np.array([0.01]))):
        call = Call(impl.soft_nms, boxes, scores)
        out = assert_returns(call, "keep", "kept_scores")
        n = len(brute_soft_nms(boxes, scores)[0])
        assert_array(out[0], dtype=np.int64, shape=(n,), call=call, what="keep")
        assert_array(out[1], dtype=np.float64, shape=(n,), call=call, what="kept_scores")


# 3. Edge cases.

def test_empty_and_single(impl):
    call = Call(impl.soft_nms, np.zeros((0, 4), np.float32), np.zeros(0, np.float32))
    keep, kept = _read(call)
    assert_equal(keep, np.zeros(0, np.int64), call=call, what="keep for no boxes")
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
                check(impl, boxes, scores, [0, 1, 2, 3], [0.9, 0.8, 0.7, 0.6], method=method, iou_threshold=0.5)
            except RuntimeWarning as w:
                fail(f"soft_nms warned: {w}", call=f"soft_nms({boxes.tolist()}, {scores.tolist()}, {method!r})",
                     why="two zero-area boxes have a union of 0; guard the division so their IoU is 0")


@pytest.mark.contract("bad method, sigma or score_threshold: ValueError")
def test_bad_arguments_raise_value_error(impl):
    boxes = np.array([A, B, C], np.float64)
    scores = np.array([0.9, 0.8, 0.7])
    assert_raises(ValueError, impl.soft_nms, boxes, scores, method="softer", why="unknown method")
    assert_raises(ValueError, impl.soft_nms, boxes, scores, method="gaussian", sigma=0.0, why="sigma must be > 0")
    assert_raises(ValueError, impl.soft_nms, boxes, scores, method="gaussian", sigma=-1.0, why="sigma must be > 0")
    assert_raises(ValueError, impl.soft_nms, boxes, scores, score_threshold=0.0, why="score_threshold must be > 0")


@pytest.mark.contract("bad shapes: ValueError")
def test_bad_shapes_raise_value_error(impl):
    boxes, scores = np.array([A, B, C], np.float64), np.array([0.9, 0.8, 0.7])
    assert_raises(ValueError, impl.soft_nms, np.zeros((3, 5)), scores, why="boxes must be (N, 4)")
    assert_raises(ValueError, impl.soft_nms, boxes, scores[:2], why="scores must be (N,)")


# 2. Against the brute force on seeded random inputs.

ALTERNATIVES = [dict(strict=False), dict(float32=True), dict(prefilter=False), dict(ties="high")]


def random_case(n, dtype, kwargs, rng):
    """Continuous clustered boxes and distinct scores above every score_threshold used here, redrawn
    until no other convention (>= at the IoU threshold, float32 IoUs, ...) changes the answer."""
    def draw(rng):
        boxes = clustered_boxes(n, rng, per_object=6, extent=120, dtype=dtype, integral=False)
        return boxes, ((rng.permutation(n) + 0.5) / max(n, 1) * 0.7 + 0.3).astype(dtype)

    for _ in range(100):  # cvkatas.data.undecided, with kept scores compared to the statement's tolerance
        boxes, scores = draw(rng)
        expected = brute_soft_nms(boxes, scores, **kwargs)[:2]
        if all(_same(brute_soft_nms(boxes, scores, **kwargs, **alt)[:2], expected) for alt in ALTERNATIVES):
            return boxes, scores
    raise RuntimeError("no input that every convention agrees on; change the draw")


SETTINGS = [{"method": "linear", "iou_threshold": 0.3}, {"method": "linear", "iou_threshold": 0.0},
            {"method": "gaussian", "sigma": 0.5}, {"method": "gaussian", "sigma": 0.1, "score_threshold": 0.05},
            {"method": "hard", "iou_threshold": 0.5}, {"method": "linear", "score_threshold": 0.2}]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [0, 1, 2, 7, 30, 60])
def test_matches_brute_force(impl, n, dtype):
    rng = np.random.default_rng(100 + n)
    for kwargs in SETTINGS:
        check(impl, *random_case(n, dtype, kwargs, rng), **kwargs)  # distinct scores


# 4. Properties.

@pytest.mark.parametrize("thr", [0.3, 0.5, 0.7])
def test_hard_method_is_greedy_nms(impl, thr):
    rng = np.random.default_rng(7)
    boxes = clustered_boxes(150, rng, per_object=10, extent=300, integral=False)
    scores = (rng.permutation(150) / 150 + 0.01).astype(np.float32)
    call = Call(impl.soft_nms, boxes, scores, method="hard", iou_threshold=thr)
    expected = greedy_nms(boxes, scores, thr)
    if np.array_equal(_read(call)[0], greedy_nms(boxes, scores, thr, plus_one=1.0)):
        return  # the +1 convention: decided by its own test
    assert_equal(_read(call)[0], expected, call=call, what="keep for method='hard'",
                 why="zeroing every box that overlaps a selected box by more than the threshold is greedy NMS")
    assert_close(_read(call)[1], scores[expected], call=call, what="kept_scores for method='hard'",
                 why="hard NMS never changes the score of a box it keeps")


def test_scores_only_decay_and_stay_above_the_threshold(impl):
    rng = np.random.default_rng(8)
    boxes = clustered_boxes(200, rng, per_object=8, extent=300, dtype=np.float64, integral=False)
    scores = rng.permutation(200) / 200 * 0.9 + 0.06
    for method in ("linear", "gaussian"):
        call = Call(impl.soft_nms, boxes, scores, method=method, score_threshold=0.05)
        keep, kept = _read(call)
        if (kept > scores[keep] * (1 + 1e-6)).any():
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
    boxes = clustered_boxes(60, rng, per_object=6, extent=150, dtype=np.float64, integral=False)
    scores = rng.permutation(60) / 60 + 0.01
    for method in METHODS:
        base, base_scores = check(impl, boxes, scores, method=method)
        perm = rng.permutation(60)
        call = Call(impl.soft_nms, boxes[perm], scores[perm], method=method)
        assert_equal(perm[_read(call)[0]], base, call=call, what="selected boxes of the shuffled input",
                     why="with distinct scores the same boxes are selected in the same order, whatever their "
                         "positions in the arrays: return indices into the arrays you were given")
        assert_close(_read(call)[1], base_scores, call=call, what="kept_scores of the shuffled input")
