"""Tests for detection/box_iou. Run: pytest katas/detection/box_iou"""

import warnings

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail
from cvkatas.data import clustered_boxes
from cvkatas.oracles import iou_matrix


def check(impl, boxes1, boxes2, *, why=None, rtol=1e-5, atol=1e-6):
    """Run the candidate, check type, dtype and shape, and compare with the pair-by-pair definition."""
    __tracebackhide__ = True
    call = Call(impl.box_iou, boxes1, boxes2)
    dtype = np.result_type(boxes1, boxes2)
    assert_array(call.out, dtype=dtype, shape=(len(boxes1), len(boxes2)), call=call, what="IoU matrix")
    assert_close(call.out, iou_matrix(boxes1, boxes2), rtol=rtol, atol=atol, call=call, what="IoU matrix",
                 why=why or "entry [i, j] = intersection / union of boxes1[i] and boxes2[j], areas without +1")
    return call.out


def random_boxes(n, rng, dtype=np.float64, extent=100.0, degenerate=0.1):
    """Boxes on non-integer coordinates, some of them of zero width or height."""
    xy = rng.uniform(-extent / 2, extent, (n, 2))
    wh = rng.uniform(0, extent / 3, (n, 2)) * (rng.random((n, 2)) > degenerate)
    return np.concatenate([xy, xy + wh], axis=1).astype(dtype)


# 1. Small cases you can check on paper.

HAND = [
    ([0, 0, 2, 2], [0, 0, 2, 2], 1.0, "a box overlaps itself completely"),
    ([0, 0, 2, 2], [1, 1, 3, 3], 1 / 7, "intersection 1 x 1, union 4 + 4 - 1 = 7 (with +1 widths it would be 4/14)"),
    ([0, 0, 2, 2], [1, 0, 3, 2], 1 / 3, "intersection 1 x 2, union 4 + 4 - 2 = 6"),
    ([0, 0, 4, 4], [1, 1, 3, 3], 0.25, "the inner box (area 4) lies inside the outer one (area 16): 4 / 16"),
    ([0, 0, 1, 1], [2, 2, 3, 3], 0.0,
     "apart on both axes: the overlap's width and height are both -1, and (-1) * (-1) = 1 is not an "
     "intersection; clamp width and height at 0 before multiplying"),
    ([0, 0, 1, 1], [1, 0, 2, 1], 0.0, "boxes touching along an edge share no area"),
    ([0, 0, 1, 1], [1, 1, 2, 2], 0.0, "boxes touching at a corner share no area"),
    ([1, 1, 1, 3], [0, 0, 4, 4], 0.0, "a zero-width box has area 0, so it intersects in area 0"),
    ([-3, -3, -1, -1], [-2, -4, 0, -2], 1 / 7, "negative coordinates work the same way"),
]


@pytest.mark.parametrize("a, b, expected, why", HAND, ids=[f"case{i}" for i in range(len(HAND))])
def test_pairs_by_hand(impl, a, b, expected, why):
    boxes1, boxes2 = np.array([a], np.float64), np.array([b], np.float64)
    call = Call(impl.box_iou, boxes1, boxes2)
    assert_array(call.out, dtype=np.float64, shape=(1, 1), call=call, what="IoU matrix")
    assert_close(call.out, [[expected]], call=call, what="IoU", why=why)


def test_matrix_layout_by_hand(impl):
    boxes1 = np.array([[0, 0, 2, 2], [0, 0, 4, 4]], np.float32)
    boxes2 = np.array([[0, 0, 2, 2], [1, 1, 3, 3], [10, 10, 12, 12]], np.float32)
    call = Call(impl.box_iou, boxes1, boxes2)
    assert_array(call.out, dtype=np.float32, shape=(2, 3), call=call, what="IoU matrix")
    expected = [[1.0, 1 / 7, 0.0], [0.25, 0.25, 0.0]]
    assert_close(call.out, expected, call=call, what="IoU matrix",
                 why="rows are boxes1, columns boxes2: result[i, j] pairs boxes1[i] with boxes2[j]")


def test_boxes_apart_on_both_axes_have_iou_zero(impl):
    # A grid of boxes with gaps between them: every pair of distinct boxes is apart on both axes.
    g = np.arange(4) * 10.0
    xy = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    boxes = np.concatenate([xy, xy + 5], axis=1)
    check(impl, boxes[:7], boxes[7:],
          why="boxes apart on both axes have a negative overlap width AND height; their product is "
              "positive, so clamp each at 0 before multiplying")


def test_zero_union_gives_zero_without_warnings(impl):
    points = np.array([[1, 1, 1, 1], [1, 1, 1, 1], [2, 5, 2, 9], [0, 0, 3, 3]], np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 0 / 0 must be guarded, not left to produce NaN
        try:
            check(impl, points, points, why="two boxes of zero area have a union of 0: their IoU is defined as 0")
        except RuntimeWarning as w:
            fail(f"box_iou warned: {w}", call=f"box_iou({points.tolist()}, {points.tolist()})",
                 why="two boxes of zero area have a union of 0; guard the division so their IoU is 0")


def test_empty_inputs(impl):
    some = np.array([[0, 0, 1, 1], [2, 2, 4, 5]], np.float32)
    for a, b in ((np.zeros((0, 4), np.float32), some), (some, np.zeros((0, 4), np.float32)),
                 (np.zeros((0, 4), np.float32), np.zeros((0, 4), np.float32))):
        call = Call(impl.box_iou, a, b)
        assert_array(call.out, dtype=np.float32, shape=(len(a), len(b)), call=call,
                     what="result when a set is empty")


def test_bad_shapes_raise_value_error(impl):
    ok = np.zeros((3, 4))
    for bad in (np.zeros((3, 5)), np.zeros(4), np.zeros((2, 4, 1))):
        assert_raises(ValueError, impl.box_iou, bad, ok, why="boxes must be (N, 4)")
        assert_raises(ValueError, impl.box_iou, ok, bad, why="boxes must be (M, 4)")


# 2. Against the definition and shapely on seeded random inputs.

SIZES = [(0, 3), (1, 1), (1, 6), (6, 1), (5, 5), (13, 29), (40, 31)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n, m", SIZES)
def test_matches_definition(impl, n, m, dtype):
    rng = np.random.default_rng(100 * n + m)
    check(impl, random_boxes(n, rng, dtype), random_boxes(m, rng, dtype))
    check(impl, clustered_boxes(n, rng, per_object=4, extent=60, dtype=dtype),
          clustered_boxes(m, rng, per_object=4, extent=60, dtype=dtype))


def test_mixed_dtypes_give_float64(impl):
    rng = np.random.default_rng(5)
    check(impl, random_boxes(6, rng, np.float32), random_boxes(4, rng, np.float64),
          why="float32 with float64 computes and returns float64 (np.result_type of the inputs)")


def test_matches_shapely(impl):
    shapely = pytest.importorskip("shapely")
    rng = np.random.default_rng(6)
    a, b = random_boxes(20, rng, degenerate=0.0), random_boxes(25, rng, degenerate=0.0)
    pa, pb = shapely.box(*a.T)[:, None], shapely.box(*b.T)[None, :]
    expected = shapely.area(shapely.intersection(pa, pb)) / shapely.area(shapely.union(pa, pb))
    call = Call(impl.box_iou, a, b)
    assert_array(call.out, dtype=np.float64, shape=(20, 25), call=call, what="IoU matrix")
    assert_close(call.out, expected, rtol=1e-9, atol=1e-12, call=call, what="IoU matrix",
                 why="shapely's polygon intersection and union areas give the same ratio")


def test_far_away_large_coordinates(impl):
    rng = np.random.default_rng(7)
    a = random_boxes(8, rng, degenerate=0.0) + 1e6
    b = np.concatenate([a[:4] + 0.5, random_boxes(4, rng) - 1e6])
    check(impl, a, b, why="boxes near 1e6 overlap as they would near 0; boxes 2e6 apart do not")


# 4. Properties.

def test_symmetry_and_self_iou(impl):
    rng = np.random.default_rng(8)
    a, b = random_boxes(15, rng, degenerate=0.0), random_boxes(11, rng)
    ab, ba = Call(impl.box_iou, a, b), Call(impl.box_iou, b, a)
    assert_array(ba.out, shape=(11, 15), call=ba, what="IoU matrix")
    assert_close(ba.out, np.asarray(ab.out).T, rtol=1e-12, atol=0, call=ba, what="box_iou(b, a)",
                 why="IoU is symmetric: box_iou(b, a) is box_iou(a, b) transposed")
    aa = Call(impl.box_iou, a, a)
    assert_close(np.diagonal(aa.out), np.ones(15), call=aa, what="diagonal of box_iou(a, a)",
                 why="every box of positive area has IoU 1 with itself")


def test_translation_and_scale_invariance(impl):
    rng = np.random.default_rng(9)
    a, b = random_boxes(12, rng), random_boxes(10, rng)
    base = check(impl, a, b)
    moved = Call(impl.box_iou, a * 3 - 50, b * 3 - 50)
    assert_close(moved.out, base, rtol=1e-9, atol=1e-12, call=moved, what="IoU after moving and scaling",
                 why="IoU does not change when both sets are shifted and scaled together")


# 7. Speed.

@pytest.mark.perf
def test_speed_2000_by_2000(impl, reference, speed):
    rng = np.random.default_rng(0)
    a, b = clustered_boxes(2000, rng), clustered_boxes(2000, rng)
    speed(impl.box_iou, reference.box_iou, a, b)
