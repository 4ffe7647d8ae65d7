"""Tests for detection/nms. Run: pytest katas/detection/nms

Correctness tests use distinct scores and inputs on which no other convention (+1 pixel areas,
dropping at IoU >= threshold) changes the answer; each convention has one hand-built test of its own."""

import warnings

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_equal, assert_raises, fail, show
from cvkatas.data import clustered_boxes, undecided
from cvkatas.oracles import greedy_nms
from cvkatas.oracles import pair_iou as iou


def why(boxes, scores, thr, got, expected) -> str:
    """Explain the first place where `got` and `expected` part ways."""
    got, expected = list(got), list(expected)
    for pos in range(max(len(got), len(expected))):
        g = got[pos] if pos < len(got) else None
        e = expected[pos] if pos < len(expected) else None
        if g == e:
            continue
        kept = expected[:pos]
        if e is not None and e not in got:
            worst = max(kept, key=lambda j: iou(boxes[e], boxes[j]), default=None)
            if worst is None:
                return f"box {e} has the highest score, so it is always kept"
            return (f"box {e} was dropped, but its largest IoU with a box kept before it (box {worst}) "
                    f"is {iou(boxes[e], boxes[worst]):.4f}, not above the threshold {thr}, so it must be kept")
        if g is not None and g not in expected:
            j = next((j for j in kept if iou(boxes[g], boxes[j]) > thr), None)
            if j is not None:
                return (f"box {g} overlaps kept box {j} with IoU {iou(boxes[g], boxes[j]):.4f} "
                        f"> {thr}, so it must be dropped")
            return f"box {g} is suppressed by a box kept later in the expected order"
        return (f"position {pos}: box {e} (score {scores[e]}) comes before box {g} (score {scores[g]}): "
                "descending score, equal scores lower index first")
    return "the kept indices differ"


def check(impl, boxes, scores, thr):
    """Run the candidate and compare its kept indices with the brute force. Any 1-D integer sequence
    is read here; that it is an int64 array is the convention test's business."""
    __tracebackhide__ = True
    call = Call(impl.nms, boxes, scores, thr)
    got = np.asarray(call.out)
    if got.ndim != 1 or (got.size and got.dtype.kind not in "iu"):
        fail(f"nms must return a 1-D array of integer indices, got {show(call.out)}", call=call)
    expected = greedy_nms(boxes, scores, thr)
    assert_equal(got.astype(np.int64), expected, call=call, what="kept indices",
                 why=why(np.asarray(boxes, np.float64), scores, thr, got.tolist(), expected))
    return got


ALTERNATIVES = [  # the conventions a learner may follow instead of the statement's
    lambda b, s, t: greedy_nms(b, s, t, plus_one=1.0),
    lambda b, s, t: greedy_nms(b, s, t, strict=False),
]


def random_case(n, thr, dtype, rng):
    """Clustered boxes, distinct scores, and no decision that a +1 area or a >= would flip."""
    def draw(rng):
        boxes = clustered_boxes(n, rng, per_object=10, extent=20000, dtype=dtype, integral=False)
        return boxes, (rng.permutation(n) / max(n, 1) + 0.5 / max(n, 1)).astype(dtype), thr

    return undecided(draw, greedy_nms, ALTERNATIVES, rng=rng)[0]


# 1. Small cases you can check on paper.

def test_overlapping_box_is_dropped(impl):
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]], dtype=np.float32)
    scores = np.array([0.9, 0.8, 0.7], dtype=np.float32)
    # IoU(0, 1) = 81 / 119 = 0.68 > 0.5; box 2 touches nothing.
    check(impl, boxes, scores, 0.5)


def test_highest_score_first_whatever_the_index(impl):
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]], dtype=np.float64)
    scores = np.array([0.3, 0.9, 0.6])
    check(impl, boxes, scores, 0.5)  # expected [1, 2]: box 0 loses to box 1


@pytest.mark.convention("IoU equal to the threshold: kept (strictly greater drops)")
def test_iou_exactly_at_threshold_is_kept(impl):
    scores = np.array([0.9, 0.8, 0.7], dtype=np.float32)
    # Identical boxes: IoU exactly 1, which is not strictly greater than threshold 1.
    same = np.array([[0, 0, 4, 4], [0, 0, 4, 4], [0, 0, 4, 4]], dtype=np.float32)
    check(impl, same, scores, 1.0)
    # Boxes apart: IoU exactly 0, which is not strictly greater than threshold 0.
    apart = np.array([[0, 0, 10, 10], [12, 0, 22, 10], [0, 12, 10, 22]], dtype=np.float32)
    check(impl, apart, scores, 0.0)


@pytest.mark.convention("continuous coordinates: no +1 in widths and areas")
def test_continuous_coordinates_no_plus_one(impl):
    # Areas 4 and 4, intersection 2: IoU 1/3. With the +1 pixel convention it would be 6/12 = 0.5.
    boxes = np.array([[0, 0, 2, 2], [1, 0, 3, 2]], dtype=np.float64)
    check(impl, boxes, np.array([0.9, 0.8]), 0.4)


@pytest.mark.convention("equal scores: lower index first")
def test_equal_scores_keep_lower_index_first(impl):
    # Three copies of one box with the same score: only the first (index 0) survives.
    same = np.array([[0, 0, 10, 10]] * 3 + [[30, 30, 40, 40]], dtype=np.float32)
    check(impl, same, np.array([0.5, 0.5, 0.5, 0.5], dtype=np.float32), 0.5)  # expected [0, 3]
    # Disjoint boxes with equal scores come back in index order.
    apart = np.array([[0, 0, 1, 1], [5, 5, 6, 6], [10, 10, 11, 11]], dtype=np.float32)
    check(impl, apart, np.array([0.7, 0.7, 0.7], dtype=np.float32), 0.5)


# 3. Edge cases.

def test_boxes_apart_are_never_suppressed(impl):
    # Apart on both axes: the "intersection" width and height are both negative (-2 x -2), so an
    # unclamped product is a positive 4 and the IoU looks like 0.02.
    boxes = np.array([[0, 0, 10, 10], [12, 12, 22, 22], [30, 0, 40, 10]], dtype=np.float32)
    check(impl, boxes, np.array([0.9, 0.8, 0.7], dtype=np.float32), 0.01)


def test_zero_area_boxes_have_iou_zero_without_warnings(impl):
    boxes = np.array([[1, 1, 1, 1], [1, 1, 1, 1], [0, 0, 2, 2], [3, 3, 3, 5]], dtype=np.float64)
    scores = np.array([0.9, 0.8, 0.7, 0.6])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 0 / 0 must be guarded, not left to produce NaN
        try:
            check(impl, boxes, scores, 1.0)  # 1.0: under a +1 convention too, nothing is dropped
        except RuntimeWarning as w:
            fail(f"nms warned: {w}", call=f"nms({boxes.tolist()}, {scores.tolist()}, 1.0)",
                 why="two zero-area boxes have a union of 0; guard the division so their IoU is 0")


def test_empty_and_single(impl):
    check(impl, np.zeros((0, 4), np.float32), np.zeros(0, np.float32), 0.5)
    check(impl, np.array([[2, 3, 5, 7]], np.float32), np.array([0.1], np.float32), 0.5)


def test_threshold_one_keeps_everything_in_score_order(impl):
    rng = np.random.default_rng(7)
    boxes = clustered_boxes(40, rng, per_object=20)
    check(impl, boxes, rng.permutation(40).astype(np.float32) / 40, 1.0)


@pytest.mark.convention("returns an int64 numpy array")
def test_returns_int64_array(impl):
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]], dtype=np.float32)
    call = Call(impl.nms, boxes, np.array([0.9, 0.8, 0.7], dtype=np.float32), 0.5)
    assert_array(call.out, dtype=np.int64, shape=(2,), call=call, what="kept indices")
    empty = Call(impl.nms, np.zeros((0, 4), np.float32), np.zeros(0, np.float32), 0.5)
    assert_array(empty.out, dtype=np.int64, shape=(0,), call=empty, what="result for no boxes")


@pytest.mark.contract("bad shapes: ValueError")
def test_bad_shapes_raise_value_error(impl):
    boxes = np.zeros((3, 4), np.float32)
    assert_raises(ValueError, impl.nms, np.zeros((3, 5), np.float32), np.zeros(3), 0.5)
    assert_raises(ValueError, impl.nms, boxes, np.zeros(2, np.float32), 0.5)


# 2. Against the brute force on seeded random inputs.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [0, 1, 2, 7, 60, 250])
def test_matches_brute_force(impl, n, dtype):
    rng = np.random.default_rng(n)
    for thr in (0.1, 0.3, 0.5, 0.7):  # threshold 0 is decided by > against >=: see the convention tests
        check(impl, *random_case(n, thr, dtype, rng))


# 4. Properties.

def test_translation_and_scale_invariance(impl):
    rng = np.random.default_rng(3)
    boxes, scores, _ = random_case(120, 0.5, np.float64, rng)
    base = check(impl, boxes, scores, 0.5)
    moved = Call(impl.nms, boxes * 4 + 1000, scores, 0.5)
    assert_equal(moved.out, base, call=moved, what="kept indices after moving and scaling every box",
                 why="IoU does not change when all boxes are shifted and scaled together")


def test_permuting_the_input_permutes_the_output(impl):
    rng = np.random.default_rng(4)
    boxes, scores, _ = random_case(100, 0.5, np.float32, rng)  # distinct scores
    base = check(impl, boxes, scores, 0.5)
    perm = rng.permutation(100)
    call = Call(impl.nms, boxes[perm], scores[perm], 0.5)
    assert_equal(perm[call.out], base, call=call, what="kept boxes of the shuffled input",
                 why="with distinct scores, the same boxes must be kept whatever their order")


def test_matches_torchvision_where_installed(impl):
    ops = pytest.importorskip("torchvision.ops")  # first: where it is missing, torch is never imported
    import torch
    rng = np.random.default_rng(11)
    for n in (1, 30, 300):
        boxes = clustered_boxes(n, rng, per_object=10, extent=300)
        scores = (rng.permutation(n) / n).astype(np.float32)  # distinct: torchvision orders ties freely
        for thr in (0.3, 0.5, 0.7):
            call = Call(impl.nms, boxes, scores, thr)
            expected = ops.nms(torch.from_numpy(boxes), torch.from_numpy(scores), thr).numpy()
            assert_equal(call.out, expected, call=call, what="kept indices",
                         why="torchvision.ops.nms keeps the same boxes in the same order")


# 7. Speed.

@pytest.mark.perf
def test_speed_5000_boxes(impl, reference, speed):
    rng = np.random.default_rng(0)
    boxes = clustered_boxes(5000, rng)
    scores = rng.random(5000).astype(np.float32)
    speed(impl.nms, reference.nms, boxes, scores, 0.5)
