"""Tests for detection/box_iou. Run: pytest katas/detection/box_iou

Correctness tests read the result leniently (any (N, M) array of numbers) and never include a pair of
two zero-area boxes; an answer that follows the +1 pixel convention consistently is judged by that
convention's own test, not by every value test. Each convention has one hand-built test."""

import warnings

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, show
from cvkatas.data import clustered_boxes
from cvkatas.oracles import iou_table

RTOL, ATOL = 1e-5, 1e-6  # the statement's promise


def _close(got, expected):
    return got.shape == expected.shape and np.allclose(got, expected, rtol=RTOL, atol=ATOL)


def check(impl, boxes1, boxes2, *, why=None):
    """Run the candidate and compare with the definition (float64, pair by pair). An answer that
    follows the +1 pixel convention throughout is left to `test_continuous_coordinates_no_plus_one`."""
    __tracebackhide__ = True
    call = Call(impl.box_iou, boxes1, boxes2)
    got = np.asarray(call.out)
    if got.shape != (len(boxes1), len(boxes2)) or (got.size and got.dtype.kind not in "fiu"):
        fail(f"box_iou must return an (N, M) = {(len(boxes1), len(boxes2))} array of IoUs, got {show(call.out)}",
             call=call, why="rows are boxes1, columns boxes2")
    expected = iou_table(boxes1, boxes2)
    if not _close(got.astype(np.float64), expected) and _close(got.astype(np.float64),
                                                              iou_table(boxes1, boxes2, plus_one=1.0)):
        return got  # the +1 pixel convention, consistently: its convention test says so
    assert_close(got, expected, rtol=RTOL, atol=ATOL, call=call, what="IoU matrix",
                 why=why or "entry [i, j] = intersection / union of boxes1[i] and boxes2[j], areas without +1")
    return got


def random_boxes(n, rng, dtype=np.float64, extent=100.0, degenerate=0.0):
    """Boxes on non-integer coordinates; with ``degenerate`` > 0 some have zero width or height."""
    xy = rng.uniform(-extent / 2, extent, (n, 2))
    wh = rng.uniform(0, extent / 3, (n, 2)) * (rng.random((n, 2)) > degenerate)
    return np.concatenate([xy, xy + wh], axis=1).astype(dtype)


# 1. Small cases you can check on paper.

HAND = [
    ([0, 0, 2, 2], [0, 0, 2, 2], 1.0, "a box overlaps itself completely"),
    ([0, 0, 2, 2], [1, 0, 3, 2], 1 / 3, "intersection 1 x 2, union 4 + 4 - 2 = 6"),
    ([0, 0, 4, 4], [1, 1, 3, 3], 0.25, "the inner box (area 4) lies inside the outer one (area 16): 4 / 16"),
    ([0, 0, 1, 1], [2, 2, 3, 3], 0.0,
     "apart on both axes: the overlap's width and height are both -1, and (-1) * (-1) = 1 is not an "
     "intersection; clamp width and height at 0 before multiplying"),
    ([0, 0, 1, 1], [1.5, 0, 2.5, 1], 0.0, "boxes apart along x share no area"),
    ([1, 1, 1, 3], [0, 0, 4, 4], 0.0, "a zero-width box has area 0, so it intersects in area 0"),
    ([-3, -3, -1, -1], [-2, -4, 0, -2], 1 / 7, "negative coordinates work the same way"),
]


@pytest.mark.parametrize("a, b, expected, why", HAND, ids=[f"case{i}" for i in range(len(HAND))])
def test_pairs_by_hand(impl, a, b, expected, why):
    check(impl, np.array([a], np.float64), np.array([b], np.float64), why=f"{why}: IoU {expected:.6g}")


def test_matrix_layout_by_hand(impl):
    boxes1 = np.array([[0, 0, 2, 2], [0, 0, 4, 4]], np.float32)
    boxes2 = np.array([[0, 0, 2, 2], [1, 1, 3, 3], [10, 10, 12, 12]], np.float32)
    # expected [[1, 1/7, 0], [0.25, 0.25, 0]]
    check(impl, boxes1, boxes2, why="rows are boxes1, columns boxes2: result[i, j] pairs boxes1[i] with boxes2[j]")


@pytest.mark.convention("continuous coordinates: no +1 in widths and areas")
def test_continuous_coordinates_no_plus_one(impl):
    boxes1 = np.array([[0, 0, 2, 2], [0, 0, 1, 1]], np.float64)
    boxes2 = np.array([[1, 1, 3, 3], [1, 0, 2, 1]], np.float64)
    call = Call(impl.box_iou, boxes1, boxes2)
    assert_close(call.out, [[1 / 7, 0.25], [0.0, 0.0]], rtol=RTOL, atol=ATOL, call=call, what="IoU matrix",
                 why="areas are (x2 - x1) * (y2 - y1): [0, 0, 2, 2] and [1, 1, 3, 3] meet in 1 x 1 of a union of 7 "
                     "(with +1 widths: 4 / 14); boxes that only touch share no area (with +1 they share a pixel)")


def test_boxes_apart_on_both_axes_have_iou_zero(impl):
    # A grid of boxes with gaps between them: every pair of distinct boxes is apart on both axes.
    g = np.arange(4) * 10.0
    xy = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    boxes = np.concatenate([xy, xy + 5], axis=1)
    check(impl, boxes[:7], boxes[7:],
          why="boxes apart on both axes have a negative overlap width AND height; their product is "
              "positive, so clamp each at 0 before multiplying")


def test_zero_area_against_positive_area(impl):
    points = np.array([[1, 1, 1, 1], [2, 5, 2, 9], [0, 2, 3, 2]], np.float64)
    boxes = np.array([[0, 0, 3, 3], [1.5, 4, 2.5, 10], [5, 5, 6, 7]], np.float64)
    check(impl, points, boxes, why="a box of zero area intersects in area 0: IoU 0")


@pytest.mark.convention("zero union: IoU 0.0, not NaN, no warning")
def test_zero_union_gives_zero_without_warnings(impl):
    points = np.array([[1, 1, 1, 1], [1, 1, 1, 1], [2, 5, 2, 9]], np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 0 / 0 must be guarded, not left to produce NaN
        try:
            call = Call(impl.box_iou, points, points)
        except RuntimeWarning as w:
            fail(f"box_iou warned: {w}", call=f"box_iou({points.tolist()}, {points.tolist()})",
                 why="two boxes of zero area have a union of 0; guard the division so their IoU is 0")
    if _close(np.asarray(call.out, np.float64), iou_table(points, points, plus_one=1.0)):
        return  # under the +1 convention no union is 0: its own test decides that convention
    assert_close(call.out, np.zeros((3, 3)), call=call, what="IoU of zero-area boxes",
                 why="two boxes of zero area have a union of 0: their IoU is defined as 0.0 (torchvision gives NaN)")


def test_empty_inputs(impl):
    some = np.array([[0, 0, 1, 1], [2, 2, 4, 5]], np.float32)
    for a, b in ((np.zeros((0, 4), np.float32), some), (some, np.zeros((0, 4), np.float32)),
                 (np.zeros((0, 4), np.float32), np.zeros((0, 4), np.float32))):
        call = Call(impl.box_iou, a, b)
        got = np.asarray(call.out)
        if got.shape != (len(a), len(b)):
            fail(f"result when a set is empty: shape {got.shape}, expected {(len(a), len(b))}", call=call,
                 got=show(call.out))


@pytest.mark.contract("bad shapes: ValueError")
def test_bad_shapes_raise_value_error(impl):
    ok = np.array([[0, 0, 2, 2], [1, 1, 3, 3], [0, 1, 2, 4]], np.float64)
    # Five columns and a trailing axis both index fine without a check: they must be refused.
    for bad in (np.zeros((3, 5)), np.ones((3, 4, 1))):
        assert_raises(ValueError, impl.box_iou, bad, ok, why="boxes1 must be (N, 4)")
        assert_raises(ValueError, impl.box_iou, ok, bad, why="boxes2 must be (M, 4)")


@pytest.mark.convention("result dtype: np.result_type of the inputs")
def test_result_dtype_follows_inputs(impl):
    a = np.array([[0, 0, 2, 2], [0, 0, 4, 4]], np.float32)
    b = np.array([[1, 1, 3, 3]], np.float32)
    for x, y, want in ((a, b, np.float32), (a.astype(np.float64), b.astype(np.float64), np.float64),
                       (a, b.astype(np.float64), np.float64), (a[:0], b, np.float32)):
        call = Call(impl.box_iou, x, y)
        assert_array(call.out, dtype=want, shape=(len(x), len(y)), call=call, what="IoU matrix")


@pytest.mark.convention("float64 input: float64 arithmetic")
def test_float64_input_keeps_float64_precision(impl):
    # Near 1e6, float32 steps are 0.0625: the fractions below are lost if the arithmetic is float32.
    a = np.array([[1e6 + 0.01, 1e6, 1e6 + 1.03, 1e6 + 1.0]])
    b = np.array([[1e6 + 0.51, 1e6, 1e6 + 1.52, 1e6 + 1.0]])
    call = Call(impl.box_iou, a, b)
    if _close(np.asarray(call.out, np.float64), iou_table(a, b, plus_one=1.0)):
        return  # the +1 convention, in float64: decided by its own test
    assert_close(call.out, iou_table(a, b), call=call, what="IoU of boxes near 1e6",
                 why="float64 input is computed in float64 (np.result_type); float32 arithmetic rounds "
                     "these coordinates to steps of 0.0625")


# 2. Against the definition and shapely on seeded random inputs.

SIZES = [(0, 3), (1, 1), (1, 6), (6, 1), (5, 5), (13, 29), (40, 31)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n, m", SIZES)
def test_matches_definition(impl, n, m, dtype):
    rng = np.random.default_rng(100 * n + m)
    # zero-area boxes in boxes1 only: no pair of two zero-area boxes (that is a convention test)
    check(impl, random_boxes(n, rng, dtype, degenerate=0.1), random_boxes(m, rng, dtype))
    check(impl, clustered_boxes(n, rng, per_object=4, extent=60, dtype=dtype, integral=False),
          clustered_boxes(m, rng, per_object=4, extent=60, dtype=dtype, integral=False))


def test_mixed_dtypes(impl):
    rng = np.random.default_rng(5)
    check(impl, random_boxes(6, rng, np.float32), random_boxes(4, rng, np.float64),
          why="float32 with float64 inputs: the IoUs of the boxes as given")


def test_matches_shapely(impl):
    shapely = pytest.importorskip("shapely")
    rng = np.random.default_rng(6)
    a, b = random_boxes(20, rng), random_boxes(25, rng)
    pa, pb = shapely.box(*a.T)[:, None], shapely.box(*b.T)[None, :]
    expected = shapely.area(shapely.intersection(pa, pb)) / shapely.area(shapely.union(pa, pb))
    call = Call(impl.box_iou, a, b)
    got = np.asarray(call.out)
    if _close(got, iou_table(a, b, plus_one=1.0)):
        return  # the +1 convention: decided by its own test
    assert_close(got, expected, rtol=RTOL, atol=ATOL, call=call, what="IoU matrix",
                 why="shapely's polygon intersection and union areas give the same ratio")


def test_far_away_large_coordinates(impl):
    rng = np.random.default_rng(7)
    a = (random_boxes(8, rng) + 1e6).astype(np.float32)
    b = np.concatenate([a[:4] + 0.5, (random_boxes(4, rng) - 1e6).astype(np.float32)])
    check(impl, a, b, why="boxes near 1e6 overlap as they would near 0; boxes 2e6 apart do not")


# 4. Properties.

def test_symmetry_and_self_iou(impl):
    rng = np.random.default_rng(8)
    a, b = random_boxes(15, rng), random_boxes(11, rng)
    ab, ba = Call(impl.box_iou, a, b), Call(impl.box_iou, b, a)
    if np.asarray(ba.out).shape != (11, 15):
        fail(f"box_iou(b, a): shape {np.asarray(ba.out).shape}, expected (11, 15)", call=ba)
    assert_close(ba.out, np.asarray(ab.out).T, rtol=RTOL, atol=ATOL, call=ba, what="box_iou(b, a)",
                 why="IoU is symmetric: box_iou(b, a) is box_iou(a, b) transposed")
    aa = Call(impl.box_iou, a, a)
    assert_close(np.diagonal(aa.out), np.ones(15), call=aa, what="diagonal of box_iou(a, a)",
                 why="every box of positive area has IoU 1 with itself")


def test_translation_and_scale_invariance(impl):
    rng = np.random.default_rng(9)
    a, b = random_boxes(12, rng), random_boxes(10, rng)
    base = check(impl, a, b)
    moved = Call(impl.box_iou, a * 3 - 50, b * 3 - 50)
    if not _close(np.asarray(moved.out, np.float64), iou_table(a * 3 - 50, b * 3 - 50, plus_one=1.0)):
        assert_close(moved.out, base, rtol=RTOL, atol=ATOL, call=moved, what="IoU after moving and scaling",
                     why="IoU does not change when both sets are shifted and scaled together")


# 7. Speed.

@pytest.mark.perf
def test_speed_600_by_600(impl, reference, speed):
    rng = np.random.default_rng(0)
    a, b = clustered_boxes(600, rng), clustered_boxes(600, rng)
    speed(impl.box_iou, reference.box_iou, a, b)
