"""Tests for detection/rotated_iou. Run: pytest katas/detection/rotated_iou

Oracle: shapely's polygon intersection. Two conventions decide which rectangle a row describes: the
angle's unit (degrees here, radians in mmcv) and its direction (R(angle) here and in mmcv, R(-angle)
in detectron2). Correctness tests accept an answer that follows another unit or direction
consistently (its IoUs are those of the oracle switched to that convention) and read the result
leniently (any (N, M) array of numbers, at float32 accuracy); each convention, the float64 result
and float64 accuracy have one hand-built test of their own."""

import itertools
import math
import warnings

import numpy as np
import pytest
import shapely

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, show

ATOL = 1e-5  # correctness: float32 arithmetic is accepted; test_float64_accuracy asks for 1e-9
CONVENTIONS = list(itertools.product(("degrees", "radians"), (1, -1)))  # (unit, direction)


def corners(boxes, unit="degrees", direction=1):
    """(N, 4, 2) corners (cx, cy) + R(direction * angle) @ (+-w/2, +-h/2), counter-clockwise in y-up axes."""
    b = np.asarray(boxes, np.float64).reshape(-1, 5)
    t = direction * (np.deg2rad(b[:, 4]) if unit == "degrees" else b[:, 4])
    dx = np.array([-0.5, 0.5, 0.5, -0.5]) * b[:, 2:3]
    dy = np.array([-0.5, -0.5, 0.5, 0.5]) * b[:, 3:4]
    c, s = np.cos(t)[:, None], np.sin(t)[:, None]
    return np.stack([b[:, :1] + c * dx - s * dy, b[:, 1:2] + s * dx + c * dy], axis=-1)


def shapely_iou(boxes1, boxes2, unit="degrees", direction=1):
    """(N, M) IoUs and intersection areas by shapely, under the given convention."""
    p1 = shapely.polygons(corners(boxes1, unit, direction))[:, None]
    p2 = shapely.polygons(corners(boxes2, unit, direction))[None, :]
    if not (p1.size and p2.size):
        return np.zeros((p1.shape[0], p2.shape[1])), np.zeros((p1.shape[0], p2.shape[1]))
    inter = shapely.area(shapely.intersection(p1, p2))
    union = shapely.area(p1) + shapely.area(p2) - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0), inter


def explain(boxes1, boxes2, got, expected, inter):
    """Name the first wrong pair and what shapely says about it."""
    bad = np.argwhere(~(np.abs(got - expected) <= ATOL))
    if not len(bad):
        return None
    i, j = (int(v) for v in bad[0])
    b1, b2 = np.asarray(boxes1, np.float64)[i], np.asarray(boxes2, np.float64)[j]
    a1, a2 = b1[2] * b1[3], b2[2] * b2[3]
    text = (f"boxes1[{i}] = {b1.tolist()} and boxes2[{j}] = {b2.tolist()}: shapely's intersection area is "
            f"{inter[i, j]:.6g}, the areas are {a1:.6g} and {a2:.6g}, so the IoU is {expected[i, j]:.9f}")
    if inter[i, j] > 0 and abs(inter[i, j] - min(a1, a2)) < 1e-9:
        return text + "; one box lies inside the other, so the overlap is the whole smaller box"
    return text + "; corners are (cx, cy) + R(angle) @ (+-w/2, +-h/2), the angle in degrees"


def _values(call, n, m):
    __tracebackhide__ = True
    got = np.asarray(call.out)
    if got.shape != (n, m) or (got.size and got.dtype.kind not in "fiu"):
        fail(f"rotated_box_iou must return an (N, M) = {(n, m)} array of IoUs, got {show(call.out)}", call=call,
             why="rows are boxes1, columns boxes2")
    return got.astype(np.float64)


def check(impl, boxes1, boxes2, why=None, expected=None, accept=CONVENTIONS, atol=ATOL):
    """Run the candidate and compare with shapely (or `expected`). If it matches the oracle under
    another convention in `accept` (degrees or radians, R(angle) or R(-angle)), return: that
    convention's own test decides it."""
    __tracebackhide__ = True
    call = Call(impl.rotated_box_iou, boxes1, boxes2)
    got = _values(call, len(boxes1), len(boxes2))
    oracle, inter = shapely_iou(boxes1, boxes2)
    if expected is not None:
        assert_close(expected, oracle, rtol=0, atol=1e-12, what="the test's own hand value (vs shapely)")
        oracle = np.asarray(expected, np.float64)
    if not np.allclose(got, oracle, rtol=0, atol=atol):
        for unit, direction in accept:
            if (unit, direction) != ("degrees", 1) and np.allclose(
                    got, shapely_iou(boxes1, boxes2, unit, direction)[0], rtol=0, atol=atol):
                return got
    assert_close(got, oracle, rtol=0, atol=atol, call=call, what="IoU",
                 why=why or explain(boxes1, boxes2, got, oracle, inter))
    return got


def random_boxes(n, rng, *, extent=10.0, dtype=np.float64):
    centre = rng.uniform(0, extent, (n, 2))
    size = rng.uniform(0.5, extent * 0.8, (n, 2))
    angle = rng.uniform(-180, 180, (n, 1))
    return np.concatenate([centre, size, angle], axis=1).astype(dtype)


# 1. By hand.

@pytest.mark.parametrize("angle", [0.0, 30.0, 90.0, -170.0, 405.0])
def test_identical_boxes_have_iou_one(impl, angle):
    b = np.array([[3.0, -2.0, 4.0, 1.5, angle]])
    check(impl, b, b, expected=[[1.0]], why="a box overlaps itself completely, whatever its angle")


def test_small_box_inside_a_big_one(impl):
    big = np.array([[0.0, 0.0, 10.0, 10.0, 30.0]])
    small = np.array([[1.0, 0.5, 2.0, 3.0, -50.0]])  # every corner within 2.92 of the big box's centre
    why = ("the small box lies entirely inside the big one: the overlap is the whole small box, "
           "IoU = 6 / 100 = 0.06 (keep the corners of one box that lie inside the other)")
    check(impl, big, small, expected=[[0.06]], why=why)
    check(impl, small, big, expected=[[0.06]], why=why)


def test_apart_and_touching_boxes_have_iou_zero(impl):
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    boxes1 = np.array([
        [0.0, 0.0, 2.0, 2.0, 0.0],     # touches boxes2[0] along an edge and boxes2[1] at a corner
        [0.0, 0.0, 2.0, 2.0, 30.0],    # touches boxes2[2] along a rotated edge
        [100.0, 100.0, 3.0, 1.0, 10.0],  # far from everything
    ])
    boxes2 = np.array([[2.0, 0.0, 2.0, 2.0, 0.0], [2.0, 2.0, 2.0, 2.0, 0.0], [2 * c, 2 * s, 2.0, 2.0, 30.0]])
    # shapely gives 0 for (0, 0), (0, 1), (1, 2) and every pair with boxes1[2]
    check(impl, boxes1, boxes2, why="boxes that only touch (along an edge or at a corner) or are apart "
                                    "overlap in area 0")


def test_zero_area_boxes_give_zero_without_warnings(impl):
    boxes1 = np.array([[0.0, 0.0, 0.0, 3.0, 20.0], [0.0, 0.0, 0.0, 0.0, 0.0]])
    boxes2 = np.array([[0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 4.0, 4.0, 10.0], [0.0, 0.0, 2.0, 0.0, 70.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            check(impl, boxes1, boxes2, expected=np.zeros((2, 3)),
                  why="a box of zero width or height has area 0, so its IoU with anything is 0; "
                      "two such boxes have union 0: guard the division")
        except RuntimeWarning as w:
            fail(f"rotated_box_iou warned: {w}", call=f"rotated_box_iou({boxes1.tolist()}, {boxes2.tolist()})",
                 why="a union of 0 must give IoU 0 without dividing by it")


def test_empty_inputs(impl):
    some = np.array([[0.0, 0.0, 2.0, 1.0, 10.0], [1.0, 1.0, 1.0, 3.0, -20.0]])
    for a, b in ((np.zeros((0, 5)), some), (some, np.zeros((0, 5))), (np.zeros((0, 5)), np.zeros((0, 5)))):
        _values(Call(impl.rotated_box_iou, a, b), len(a), len(b))


# 2. Against shapely on seeded random boxes.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_shapely(impl, dtype):
    rng = np.random.default_rng(1)
    for n, m in ((1, 1), (4, 7), (16, 18)):
        boxes1, boxes2 = random_boxes(n, rng, dtype=dtype), random_boxes(m, rng, dtype=dtype)
        boxes2[0] = boxes1[0]  # an identical pair
        boxes2[-1, :4] = boxes1[-1, :4]  # same rectangle, another angle
        iou = check(impl, boxes1, boxes2)
        if n * m > 100 and np.ptp(iou) < 0.3:
            fail("these random boxes need a spread of IoUs", got=f"IoUs from {iou.min():.3f} to {iou.max():.3f}")


def test_large_and_negative_angles(impl):
    rng = np.random.default_rng(5)
    boxes1, boxes2 = random_boxes(6, rng), random_boxes(6, rng)
    boxes1[:, 4] += rng.choice([-720.0, 360.0, 1080.0], 6)
    boxes2[:, 4] += rng.choice([-270.0, 90.0, 540.0], 6)  # not a multiple of 180: a w x h box turned
    check(impl, boxes1, boxes2, why="an angle is periodic: 10 + 360 k degrees is the same rotation as 10; "
                                    "an odd multiple of 90 swaps the roles of w and h")


# 4. Properties.

def test_symmetry_and_rotating_the_whole_scene(impl):
    rng = np.random.default_rng(6)
    boxes1, boxes2 = random_boxes(8, rng), random_boxes(9, rng)
    base = check(impl, boxes1, boxes2)
    swapped = Call(impl.rotated_box_iou, boxes2, boxes1)
    assert_close(_values(swapped, 9, 8), base.T, rtol=0, atol=ATOL, call=swapped,
                 what="IoU with the arguments swapped", why="IoU(a, b) = IoU(b, a): the result must be the transpose")
    t = math.radians(35.0)
    turn = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])

    def rotate_scene(b):
        out = b.copy()
        out[:, :2] = b[:, :2] @ turn.T * 3.0 + 50.0  # turn, scale and shift the centres
        out[:, 2:4] *= 3.0
        out[:, 4] += 35.0
        return out

    # The moved scene lies near (50, 50): float32 arithmetic, which correctness accepts, is good to
    # about 2e-5 there (a wrong turn or scale is off by far more); test_float64_accuracy asks for float64.
    check(impl, rotate_scene(boxes1), rotate_scene(boxes2), expected=shapely_iou(boxes1, boxes2)[0], atol=1e-4,
          why="turning every centre by 35 degrees about the origin and adding 35 to every angle (then "
              "scaling and shifting everything) moves the picture rigidly: no IoU may change")


# Conventions and input checks: one hand-built test each.

@pytest.mark.convention("angle in degrees (not radians)")
def test_angle_in_degrees(impl):
    # Decided by the unit only: the same answer whichever way the boxes turn.
    turned = np.array([[5.0, 5.0, 4.0, 2.0, 90.0]])
    others = np.array([[5.0, 5.0, 2.0, 4.0, 0.0], [5.0, 5.0, 4.0, 2.0, 0.0]])
    check(impl, turned, others, expected=[[1.0, 1 / 3]], accept=[("degrees", -1)],
          why="the angle is in degrees: a 4 x 2 box at 90 degrees is a 2 x 4 box at 0 degrees (IoU 1); against "
              "the unrotated 4 x 2 box it overlaps in a 2 x 2 square: 4 / (8 + 8 - 4) = 1/3")
    # The overlap of a square and itself turned by 45 degrees is a regular octagon: IoU 1 / sqrt(2).
    for s in (1.0, 6.0):
        check(impl, np.array([[2.0, 1.0, s, s, 45.0]]), np.array([[2.0, 1.0, s, s, 0.0]]),
              expected=[[1 / math.sqrt(2)]], accept=[("degrees", -1)],
              why="45 degrees: the overlap is a regular octagon of area s^2 (2 sqrt(2) - 2), so IoU = "
                  "1 / sqrt(2) = 0.70711 (45 radians would be another angle)")


@pytest.mark.convention("angle direction: R(angle), clockwise with y down")
def test_direction_of_rotation(impl):
    # A 6 x 1 bar through the origin at +45 degrees points along (1, 1): it runs through the small box
    # at (2, 2). Turned the other way it points along (1, -1) and misses it.
    bar = np.array([[0.0, 0.0, 6.0, 1.0, 45.0]])
    target = np.array([[2.0, 2.0, 1.0, 1.0, 0.0], [2.0, -2.0, 1.0, 1.0, 0.0]])
    check(impl, bar, target, accept=[("radians", 1)],
          why="corners are (cx, cy) + R(angle) @ (+-w/2, +-h/2) with R = [[cos, -sin], [sin, cos]]: +45 degrees "
              "turns the bar's long axis towards (1, 1), through the box at (2, 2), not (2, -2); with y down "
              "(image coordinates) that is clockwise on screen, as in mmcv; detectron2 turns the other way")


@pytest.mark.convention("result: float64 for any input")
def test_result_is_float64(impl):
    a = np.array([[0.0, 0.0, 2.0, 1.0, 10.0], [1.0, 1.0, 1.0, 3.0, -20.0]], np.float32)
    for x, y in ((a, a), (a, a.astype(np.float64)), (a[:0], a)):
        call = Call(impl.rotated_box_iou, x, y)
        assert_array(call.out, dtype=np.float64, shape=(len(x), len(y)), call=call,
                     what=f"IoU matrix for {x.dtype} and {y.dtype} boxes (float64 whatever the input)")


@pytest.mark.convention("float64 arithmetic: within 1e-9")
def test_float64_accuracy(impl):
    # Boxes near (500, 300): float32 steps there are 3e-5 and 6e-5, so float32 arithmetic is off by
    # about 1e-5. The oracle works on the same boxes moved (exactly) to the origin.
    shift = np.array([500.0, 300.0, 0.0, 0.0, 0.0])
    base = shift + [[0.123, -0.456, 3.1, 1.7, 12.5], [0.2, -0.5, 2.9, 2.3, -40.0]]
    other = base + [[0.5, -0.3, 0.2, 0.1, 7.0], [-0.4, 0.6, -0.1, 0.3, 19.0]]
    call = Call(impl.rotated_box_iou, base, other)
    got = _values(call, 2, 2)
    # judge the answer by the convention it follows (the nearest oracle): only the precision is at stake
    expected = min((shapely_iou(base - shift, other - shift, unit, direction)[0] for unit, direction in CONVENTIONS),
                   key=lambda e: float(np.abs(got - e).max()))
    assert_close(got, expected, rtol=0, atol=1e-9, call=call, what="IoU of boxes near (500, 300)",
                 why="the statement promises float64 arithmetic, within 1e-9; float32 rounds these corners "
                     "to steps of 3e-5")


@pytest.mark.contract("bad shapes: ValueError")
def test_bad_shapes_raise_value_error(impl):
    good = np.array([[0.0, 0.0, 1.0, 1.0, 0.0], [0.5, 0.5, 1.0, 2.0, 30.0]])
    # Six columns, a single 1-D box and a trailing axis can all be indexed without a check.
    for bad in (np.hstack([good, good[:, :1]]), good[0], good[:, :, None]):
        assert_raises(ValueError, impl.rotated_box_iou, bad, good, why="boxes1 must be (N, 5)")
        assert_raises(ValueError, impl.rotated_box_iou, good, bad, why="boxes2 must be (M, 5)")


@pytest.mark.contract("negative width or height: ValueError")
def test_negative_size_raises_value_error(impl):
    good = np.array([[0.0, 0.0, 1.0, 1.0, 0.0]])
    why = "a width or height below 0 is not a box"
    for bad in ([[0.0, 0.0, -1.0, 2.0, 0.0]], [[0.0, 0.0, 2.0, -0.5, 30.0]]):
        assert_raises(ValueError, impl.rotated_box_iou, good, np.array(bad), why=why)
        assert_raises(ValueError, impl.rotated_box_iou, np.array(bad), good, why=why)
