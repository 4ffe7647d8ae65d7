"""Tests for detection/rotated_iou. Run: pytest katas/detection/rotated_iou"""

import math
import warnings

import numpy as np
import pytest
from shapely import affinity
from shapely.geometry import box as shapely_box

from cvkatas import Call, assert_array, assert_close, assert_raises, fail

ATOL = 1e-9  # float64 against shapely (GEOS) float64: both exact to ~1e-15 on these sizes


def rectangle(b):
    """The box as a shapely polygon, rotated by shapely itself: the convention under test."""
    cx, cy, w, h, angle = (float(v) for v in b)
    return affinity.rotate(shapely_box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), angle, origin=(cx, cy))


def shapely_iou(boxes1, boxes2):
    """(N, M) IoUs from shapely's polygon intersection, and the intersection areas."""
    p1 = [rectangle(b) for b in np.asarray(boxes1, np.float64)]
    p2 = [rectangle(b) for b in np.asarray(boxes2, np.float64)]
    iou, inter = np.zeros((len(p1), len(p2))), np.zeros((len(p1), len(p2)))
    for i, a in enumerate(p1):
        for j, b in enumerate(p2):
            inter[i, j] = a.intersection(b).area
            union = a.area + b.area - inter[i, j]
            iou[i, j] = inter[i, j] / union if union > 0 else 0.0
    return iou, inter


def explain(boxes1, boxes2, got, expected, inter):
    """Name the first wrong pair and what shapely says about it."""
    bad = np.argwhere(~(np.abs(np.asarray(got, np.float64) - expected) <= ATOL))
    if not len(bad):
        return None
    i, j = (int(v) for v in bad[0])
    b1, b2 = np.asarray(boxes1, np.float64)[i], np.asarray(boxes2, np.float64)[j]
    a1, a2 = b1[2] * b1[3], b2[2] * b2[3]
    text = (f"boxes1[{i}] = {b1.tolist()} and boxes2[{j}] = {b2.tolist()}: shapely's intersection area is "
            f"{inter[i, j]:.6g}, the areas are {a1:.6g} and {a2:.6g}, so the IoU is {expected[i, j]:.9f}")
    if inter[i, j] > 0 and abs(inter[i, j] - min(a1, a2)) < 1e-9:
        return text + "; one box lies inside the other, so the overlap is the whole smaller box"
    return text + "; the angle is in degrees and R(angle) turns (w/2, 0) towards (0, w/2)"



def check(impl, boxes1, boxes2, why=None, expected=None):
    """Run the candidate; check type, dtype and shape; compare with shapely (or `expected`)."""
    __tracebackhide__ = True
    call = Call(impl.rotated_box_iou, boxes1, boxes2)
    n, m = len(boxes1), len(boxes2)
    assert_array(call.out, dtype=np.float64, shape=(n, m), call=call, what="IoU matrix")
    oracle, inter = shapely_iou(boxes1, boxes2)
    if expected is not None:
        assert_close(expected, oracle, rtol=0, atol=1e-12, what="the test's own hand value (vs shapely)")
        oracle = np.asarray(expected, np.float64)
    assert_close(call.out, oracle, rtol=0, atol=ATOL, call=call, what="IoU",
                 why=why or explain(boxes1, boxes2, call.out, oracle, inter))
    return np.asarray(call.out)


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


def test_90_degrees_swaps_width_and_height(impl):
    turned = np.array([[5.0, 5.0, 4.0, 2.0, 90.0]])
    others = np.array([[5.0, 5.0, 2.0, 4.0, 0.0], [5.0, 5.0, 4.0, 2.0, 0.0]])
    check(impl, turned, others, expected=[[1.0, 1 / 3]],
          why="a 4 x 2 box at 90 degrees is a 2 x 4 box at 0 degrees (IoU 1); against the unrotated 4 x 2 box "
              "it overlaps in a 2 x 2 square: 4 / (8 + 8 - 4) = 1/3")


def test_square_at_45_degrees_against_itself_unrotated(impl):
    # The overlap is a regular octagon: s^2 (2 sqrt 2 - 2); union 2 s^2 - that; IoU = 1 / sqrt(2).
    for s in (1.0, 6.0):
        check(impl, np.array([[2.0, 1.0, s, s, 45.0]]), np.array([[2.0, 1.0, s, s, 0.0]]),
              expected=[[1 / math.sqrt(2)]],
              why="the overlap is a regular octagon of area s^2 (2 sqrt(2) - 2), so IoU = 1 / sqrt(2) = 0.70711")


def test_direction_of_rotation(impl):
    # A 6 x 1 bar through the origin at +45 degrees points along (1, 1): it runs through the small box
    # at (2, 2). Turned the other way it points along (1, -1) and misses it.
    bar = np.array([[0.0, 0.0, 6.0, 1.0, 45.0]])
    target = np.array([[2.0, 2.0, 1.0, 1.0, 0.0], [2.0, -2.0, 1.0, 1.0, 0.0]])
    iou = check(impl, bar, target,
                why="corners are (cx, cy) + R(angle) @ (+-w/2, +-h/2) with R = [[cos, -sin], [sin, cos]]: "
                    "+45 degrees turns the bar's long axis towards (1, 1), through the box at (2, 2), not (2, -2)")
    if not iou[0, 0] > 0.05:  # 0.0987 by shapely
        fail("the bar at +45 degrees must overlap the box at (2, 2)", got=iou.tolist())


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
    iou = check(impl, boxes1, boxes2, why="boxes that only touch or are apart overlap in area 0")
    pairs = [(0, 0), (0, 1), (1, 2), (2, 0), (2, 1), (2, 2)]
    if not all(abs(iou[p]) <= ATOL for p in pairs):
        fail(f"these pairs touch or are apart, so their IoU must be 0: {pairs}", got=iou.tolist())


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


# 2. Against shapely on seeded random boxes.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n, m", [(0, 3), (3, 0), (1, 1), (4, 7), (16, 18)])
def test_matches_shapely(impl, n, m, dtype):
    rng = np.random.default_rng(10 * n + m)
    boxes1, boxes2 = random_boxes(n, rng, dtype=dtype), random_boxes(m, rng, dtype=dtype)
    if n and m:
        boxes2[0] = boxes1[0]  # an identical pair
        boxes2[-1, :4] = boxes1[-1, :4]  # same rectangle, another angle
    iou = check(impl, boxes1, boxes2)
    if n * m > 100 and np.ptp(iou) < 0.3:
        fail("these random boxes need a spread of IoUs", got=f"IoUs from {iou.min():.3f} to {iou.max():.3f}")


def test_large_and_negative_angles(impl):
    rng = np.random.default_rng(5)
    boxes1, boxes2 = random_boxes(6, rng), random_boxes(6, rng)
    boxes1[:, 4] += rng.choice([-720.0, 360.0, 1080.0], 6)
    check(impl, boxes1, boxes2, why="an angle is periodic: 10 + 360 k degrees is the same rotation as 10")


# 4. Properties.

def test_symmetry_and_rotating_the_whole_scene(impl):
    rng = np.random.default_rng(6)
    boxes1, boxes2 = random_boxes(8, rng), random_boxes(9, rng)
    base = check(impl, boxes1, boxes2)
    swapped = Call(impl.rotated_box_iou, boxes2, boxes1)
    assert_close(swapped.out, base.T, rtol=0, atol=ATOL, call=swapped, what="IoU with the arguments swapped",
                 why="IoU(a, b) = IoU(b, a): the result must be the transpose")
    t = math.radians(35.0)
    turn = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])

    def rotate_scene(b):
        out = b.copy()
        out[:, :2] = b[:, :2] @ turn.T * 3.0 + 50.0  # turn, scale and shift the centres
        out[:, 2:4] *= 3.0
        out[:, 4] += 35.0
        return out

    call = Call(impl.rotated_box_iou, rotate_scene(boxes1), rotate_scene(boxes2))
    assert_close(call.out, base, rtol=0, atol=ATOL, call=call, what="IoU of the turned, scaled and shifted scene",
                 why="turning every centre by 35 degrees about the origin and adding 35 to every angle (then "
                     "scaling and shifting everything) moves the picture rigidly: no IoU may change")


# 5. Bad input.

def test_bad_input_raises_value_error(impl):
    good = np.array([[0.0, 0.0, 1.0, 1.0, 0.0]])
    assert_raises(ValueError, impl.rotated_box_iou, np.zeros((2, 4)), good, why="boxes1 must be (N, 5)")
    assert_raises(ValueError, impl.rotated_box_iou, good, np.zeros(5), why="boxes2 must be (M, 5)")
    assert_raises(ValueError, impl.rotated_box_iou, good, np.array([[0.0, 0.0, -1.0, 2.0, 0.0]]),
                  why="a width below 0 is not a box")
