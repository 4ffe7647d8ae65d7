"""Tests for detection/polygon_iou. Run: pytest katas/detection/polygon_iou

Oracle: shapely. Correctness tests read the result leniently (any real number, at float32 accuracy,
1e-6) and never pair two zero-area polygons; the zero union, the Python float result and float64
accuracy (1e-9, thin slivers) each have one hand-built test of their own."""

import math
import warnings

import numpy as np
import pytest
from shapely.geometry import Polygon

from cvkatas import Call, assert_close, assert_raises, fail, show

ATOL = 1e-6  # correctness: float32 arithmetic is accepted; test_float64_accuracy asks for 1e-9

SQUARE = np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]])  # counter-clockwise


def orientation(poly):
    p = np.asarray(poly, np.float64)
    s = np.sum(p[:, 0] * np.roll(p[:, 1], -1) - np.roll(p[:, 0], -1) * p[:, 1])
    return "counter-clockwise" if s > 0 else "clockwise" if s < 0 else "degenerate"


def shapely_iou(poly1, poly2):
    """IoU and intersection area by shapely; 0 for a zero union."""
    a, b = Polygon(np.asarray(poly1, np.float64)), Polygon(np.asarray(poly2, np.float64))
    inter = a.intersection(b).area
    union = a.area + b.area - inter
    return (inter / union if union > 0 else 0.0), inter, a.area, b.area


def check(impl, poly1, poly2, *, expected=None, why=None, rtol=0.0, atol=ATOL):
    """Run the candidate and compare with shapely (and with the hand value `expected`, if given)."""
    __tracebackhide__ = True
    call = Call(impl.convex_polygon_iou, poly1, poly2)
    got = np.asarray(call.out)
    if got.shape != () or got.dtype.kind not in "fiu" or isinstance(call.out, bool):
        fail("convex_polygon_iou must return one number, the IoU", call=call, got=show(call.out))
    oracle, inter, area1, area2 = shapely_iou(poly1, poly2)
    if expected is not None:
        assert_close(expected, oracle, rtol=0, atol=1e-12, what="the test's own hand value (vs shapely)")
    if why is None:
        why = (f"poly1 is {orientation(poly1)} with area {area1:.6g}, poly2 is {orientation(poly2)} with area "
               f"{area2:.6g}; shapely's intersection area is {inter:.6g}, so IoU = {inter:.6g} / "
               f"({area1:.6g} + {area2:.6g} - {inter:.6g}) = {oracle:.9f}")
    assert_close(got, oracle, rtol=rtol, atol=atol, call=call, what="IoU", why=why)
    return float(got)


def hull(points):
    """Convex hull by Andrew's monotone chain: counter-clockwise, no collinear vertices."""
    pts = sorted(map(tuple, np.asarray(points, np.float64).tolist()))

    def half(seq):
        out = []
        for p in seq:
            while len(out) >= 2 and ((out[-1][0] - out[-2][0]) * (p[1] - out[-2][1])
                                     - (out[-1][1] - out[-2][1]) * (p[0] - out[-2][0])) <= 0:
                out.pop()
            out.append(p)
        return out[:-1]

    return np.array(half(pts) + half(pts[::-1]))


def random_polygon(rng, *, extent=6.0):
    """A random convex polygon (3 to ~10 vertices), counter-clockwise, starting at a random vertex."""
    k = int(rng.integers(3, 15))
    centre = rng.uniform(0, extent, 2)
    points = centre + rng.normal(size=(k, 2)) * rng.uniform(0.5, 3.0, 2)
    poly = hull(points)
    return np.roll(poly, int(rng.integers(len(poly))), axis=0)


def regular(n, radius=1.0, centre=(0.0, 0.0), phase=0.0):
    t = np.deg2rad(phase) + 2 * np.pi * np.arange(n) / n
    return np.stack([centre[0] + radius * np.cos(t), centre[1] + radius * np.sin(t)], axis=1)


# 1. By hand.

def test_triangle_is_half_of_a_square(impl):
    triangle = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]])
    why = "the triangle lies inside the square and covers half of it: IoU = 2 / 4 = 0.5"
    check(impl, SQUARE, triangle, expected=0.5, why=why)
    check(impl, triangle, SQUARE, expected=0.5, why=why)


@pytest.mark.parametrize("flip1", [False, True], ids=["ccw1", "cw1"])
@pytest.mark.parametrize("flip2", [False, True], ids=["ccw2", "cw2"])
def test_either_orientation_is_accepted(impl, flip1, flip2):
    other = SQUARE + 1.0
    poly1, poly2 = (SQUARE[::-1] if flip1 else SQUARE), (other[::-1] if flip2 else other)
    check(impl, poly1, poly2, expected=1 / 7,
          why=f"poly1 is {orientation(poly1)}, poly2 {orientation(poly2)}: orientation does not change the shapes. "
              "Overlap 1 x 1, union 4 + 4 - 1 = 7, IoU = 1/7; orient both (the sign of the shoelace sum) "
              "and take areas with abs()")


@pytest.mark.parametrize("flip", [False, True], ids=["ccw", "cw"])
def test_square_inside_a_square(impl, flip):
    big = np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0]])
    small = np.array([[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 2.0]])
    small = small[::-1] if flip else small
    why = ("the small square lies entirely inside the big one: the overlap is the small square itself, "
           "IoU = 1 / 16 (no edges cross, so the vertices inside the other polygon are the whole answer)")
    check(impl, small, big, expected=1 / 16, why=why)
    check(impl, big, small, expected=1 / 16, why=why)


def test_identical_polygons_from_any_vertex_and_orientation(impl):
    hexagon = regular(6, 2.0, (1.0, -3.0), 10.0)
    for poly2 in (hexagon, np.roll(hexagon, 2, axis=0), hexagon[::-1], np.roll(hexagon[::-1], 3, axis=0)):
        check(impl, hexagon, poly2, expected=1.0,
              why="the same hexagon listed from another vertex or in the other direction: IoU 1")


def test_hexagons(impl):
    hexagon = regular(6, 2.0)
    check(impl, hexagon, regular(6, 2.0, phase=30.0))  # a 12-gon overlap
    check(impl, hexagon, regular(6, 2.0, centre=(1.5, 0.5)))
    check(impl, regular(6, 1.0, centre=(0.3, 0.2), phase=17.0), hexagon[::-1])  # one inside the other


def test_collinear_vertices(impl):
    # The 2 x 2 square with the midpoint of every edge as an extra vertex.
    octo = np.array([[0, 0], [1, 0], [2, 0], [2, 1], [2, 2], [1, 2], [0, 2], [0, 1]], dtype=np.float64)
    check(impl, octo, SQUARE + [1.0, 0.5], expected=1.5 / 6.5)
    check(impl, SQUARE + [1.0, 0.5], octo[::-1], expected=1.5 / 6.5)
    # Clockwise, starting on an edge: the first three vertices are collinear, so their cross
    # product is 0 and says nothing about the orientation; the whole polygon's signed area does.
    cw_on_edge = np.roll(octo[::-1], -5, axis=0)  # (2, 0), (1, 0), (0, 0), (0, 1), ...
    check(impl, SQUARE + [1.0, 0.5], cw_on_edge, expected=1.5 / 6.5)
    check(impl, cw_on_edge, SQUARE + [1.0, 0.5], expected=1.5 / 6.5)


def test_thin_slivers(impl):
    eps = 1e-2
    shifted = SQUARE + [2.0 - eps, 0.3]  # overlaps the square in a strip eps wide
    strip = eps * (2.0 - 0.3)
    check(impl, SQUARE, shifted, expected=strip / (8.0 - strip),
          why=f"the squares overlap in a strip {eps:g} x 1.7: a small IoU, but not 0")
    turned = regular(4, math.sqrt(2), (1.0, 1.0), 45.0 + 1e-4)  # nearly parallel edges: turned by 1e-4 degrees
    check(impl, SQUARE[::-1], turned)


def test_vertex_a_hair_outside_an_edge(impl):
    # The triangle's tip lies 1e-12 beyond (or inside, or on) the square's right edge, its other two
    # vertices on the square's top and bottom edges: nearly-zero and exactly-zero side tests in one clip.
    for tip in (2.0 + 1e-12, 2.0 - 1e-12, 2.0):
        triangle = np.array([[1.0, 2.0], [tip, 1.0], [1.0, 0.0]])  # clockwise
        why = "the triangle (area 1) lies inside the square up to 1e-12: IoU 1 / 4"
        check(impl, SQUARE, triangle, why=why)
        check(impl, triangle[::-1], SQUARE[::-1], why=why)


# 3. Edge cases.

def test_apart_and_touching_polygons_have_iou_zero(impl):
    why = "polygons that only touch or are apart overlap in area 0"
    check(impl, SQUARE, SQUARE + [2.0, 0.0], expected=0.0, why=why)  # a shared edge
    check(impl, SQUARE, SQUARE + [2.0, 2.0], expected=0.0, why=why)  # a shared vertex
    check(impl, SQUARE, np.array([[3.0, 1.0], [4.0, 0.0], [4.0, 2.0]]), expected=0.0, why=why)
    check(impl, SQUARE[::-1], regular(5, 1.0, (100.0, -50.0)), expected=0.0, why=why)


def test_zero_area_against_positive_area(impl):
    line = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    point = np.array([[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for poly1, poly2 in ((line, SQUARE), (SQUARE, line), (point, SQUARE[::-1])):
            try:
                check(impl, poly1, poly2, expected=0.0,
                      why="a polygon with zero area (all vertices on one line) overlaps anything in area 0: IoU 0")
            except (RuntimeWarning, ZeroDivisionError) as exc:
                fail(f"convex_polygon_iou raised or warned: {exc!r}",
                     call=f"convex_polygon_iou({poly1.tolist()}, {poly2.tolist()})",
                     why="the union is the other polygon's area, not 0: nothing to guard here")


@pytest.mark.convention("zero union: IoU 0.0, not NaN, no error")
def test_zero_union_gives_zero(impl):
    line = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    point = np.array([[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for poly1, poly2 in ((line, line), (point, point), (line, point)):
            try:
                check(impl, poly1, poly2, expected=0.0,
                      why="when both polygons have zero area the union is 0: the IoU is defined as 0.0")
            except (RuntimeWarning, ZeroDivisionError) as exc:
                fail(f"convex_polygon_iou raised or warned: {exc!r}",
                     call=f"convex_polygon_iou({poly1.tolist()}, {poly2.tolist()})",
                     why="both polygons have zero area, so the union is 0: return 0.0 instead of dividing "
                         "(shapely's intersection.area / union.area raises ZeroDivisionError here)")


@pytest.mark.convention("returns a Python float")
def test_returns_python_float(impl):
    for dtype in (np.float64, np.float32):
        call = Call(impl.convex_polygon_iou, SQUARE.astype(dtype), (SQUARE + 1.0).astype(dtype))
        if not isinstance(call.out, float):
            fail(f"the IoU must be a Python float, got {type(call.out).__name__}", call=call, got=show(call.out),
                 why="return float(iou), not a numpy scalar or a 0-d array, whatever the input dtype")


@pytest.mark.convention("float64 arithmetic: within 1e-9, thin slivers too")
def test_float64_accuracy(impl):
    eps = 1e-6
    shifted = SQUARE + [2.0 - eps, 0.3]  # overlaps the square in a strip 1e-6 wide
    strip = eps * (2.0 - 0.3)
    why = ("the statement promises float64 arithmetic (within 1e-9, relative 1e-6 for slivers): float32 loses "
           "a strip 1e-6 wide next to coordinates of size 2")
    check(impl, SQUARE, shifted, expected=strip / (8.0 - strip), rtol=1e-6, atol=1e-13, why=why)
    # float32 input is converted to float64 before any arithmetic: 2 - 2^-20 is a float32 value.
    sq32 = SQUARE.astype(np.float32)
    check(impl, sq32, sq32 + np.float32([2.0 - 2.0**-20, 0.3]), rtol=1e-6, atol=1e-13, why=why)
    check(impl, regular(7, 1e3, (5e3, -2e3)), regular(7, 1e3, (5e3 + 1.7e3, -2e3), phase=9.0), atol=1e-9, why=why)


@pytest.mark.contract("bad shapes: ValueError")
def test_bad_input_raises_value_error(impl):
    # Two vertices, a third coordinate and a trailing axis can all be indexed without a check.
    for bad in (SQUARE[:2], np.hstack([SQUARE, SQUARE[:, :1]]), SQUARE[:, :, None]):
        assert_raises(ValueError, impl.convex_polygon_iou, bad, SQUARE, why="poly1 must be (K, 2) with K >= 3")
        assert_raises(ValueError, impl.convex_polygon_iou, SQUARE, bad, why="poly2 must be (L, 2) with L >= 3")


# 2. Against shapely on seeded random convex polygons.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_shapely_on_random_polygons(impl, dtype):
    rng = np.random.default_rng(11)
    ious = []
    for trial in range(60):
        poly1, poly2 = random_polygon(rng).astype(dtype), random_polygon(rng).astype(dtype)
        if trial % 2:
            poly1 = poly1[::-1]
        if trial % 3 == 1:
            poly2 = poly2[::-1]
        ious.append(check(impl, poly1, poly2))
    if sum(0.05 < v < 0.95 for v in ious) < 20:
        fail("these random polygons need a spread of IoUs", got=np.round(ious, 3).tolist())


# 4. Properties.

def test_symmetric_and_invariant_to_moving_both(impl):
    rng = np.random.default_rng(12)
    for _ in range(10):
        poly1, poly2 = random_polygon(rng), random_polygon(rng)
        base = check(impl, poly1, poly2)
        swapped = Call(impl.convex_polygon_iou, poly2[::-1], poly1)
        assert_close(swapped.out, base, rtol=0, atol=ATOL, call=swapped, what="IoU with the arguments swapped",
                     why="IoU(a, b) = IoU(b, a), whatever the orientation")
        moved = Call(impl.convex_polygon_iou, poly1 * 7.0 - 300.0, poly2 * 7.0 - 300.0)
        # 1e-4: float32 shoelace sums near (-300, -300) lose about 2e-5 (the precision is test_float64_accuracy's)
        assert_close(moved.out, base, rtol=0, atol=1e-4, call=moved, what="IoU after scaling and shifting both",
                     why="scaling and shifting both polygons together changes no ratio of areas")
