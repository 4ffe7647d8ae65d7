"""Tests for detection/centernet_heatmap. Run: pytest katas/detection/centernet_heatmap"""

import math

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, fail

# ---------------------------------------------------------------- the radius


def case_ious(h, w, r):
    """IoU of the three corner-moved boxes of the statement at shift r, straight from the geometry."""
    shifted = (h - r) * (w - r) / (2 * h * w - (h - r) * (w - r))
    shrunk = (h - 2 * r) * (w - 2 * r) / (h * w)
    grown = h * w / ((h + 2 * r) * (w + 2 * r))
    return shifted, shrunk, grown


def hand_radius(h, w, o):
    """The three quadratics of the statement, solved on paper (the root where each case makes sense)."""
    r1 = ((h + w) - math.sqrt((h + w) ** 2 - 4 * h * w * (1 - o) / (1 + o))) / 2
    r2 = (2 * (h + w) - math.sqrt(4 * (h + w) ** 2 - 16 * (1 - o) * h * w)) / 8
    r3 = (-2 * o * (h + w) + math.sqrt(4 * o * o * (h + w) ** 2 + 16 * o * (1 - o) * h * w)) / (8 * o)
    return min(r1, r2, r3), (r1, r2, r3)


def check_radius(impl, h, w, o, why=None):
    __tracebackhide__ = True
    call = Call(impl.gaussian_radius, h, w, o)
    if not isinstance(call.out, (float, np.floating)) or isinstance(call.out, bool):
        fail("gaussian_radius must return a float", call=call, got=repr(call.out))
    expected, (r1, r2, r3) = hand_radius(h, w, o)
    assert_close(call.out, expected, rtol=1e-9, atol=1e-12, call=call, what="radius",
                 why=why or f"the three cases give r1 = {r1:.6g} (shifted), r2 = {r2:.6g} (shrunk), "
                            f"r3 = {r3:.6g} (grown); the radius is the smallest")
    return float(call.out)


def test_radius_by_hand(impl):
    # A square of side 8 at IoU 0.25: shrunk (8 - 2r)^2 / 64 = 1/4 gives r = 2; grown 64 / (8 + 2r)^2 = 1/4
    # gives r = 4; shifted (8 - r)^2 * 1.25 = 0.5 * 64 gives r = 8 - sqrt(25.6) = 2.94. The smallest is 2.
    check_radius(impl, 8, 8, 0.25, why="shrunk: (8 - 2r)^2 / 64 = 0.25 at r = 2, grown at r = 4, shifted at "
                                       "r = 2.94: the radius is 2.0")
    # A 10 x 10 box at 0.7: shrunk gives 5 * (1 - sqrt(0.7)) = 0.8167 (the CenterNet code would say 2.73).
    check_radius(impl, 10, 10, 0.7, why="shrunk: (10 - 2r)^2 / 100 = 0.7 at r = 5 * (1 - sqrt(0.7)) = 0.8167, "
                                        "below the other two cases (0.925 shifted, 0.976 grown). Take the smaller "
                                        "root of each quadratic and divide by 2a")


def test_radius_full_overlap_is_zero(impl):
    for h, w in ((5.0, 9.0), (1.0, 1.0)):
        call = Call(impl.gaussian_radius, h, w, 1.0)
        assert_close(call.out, 0.0, rtol=0, atol=1e-12, call=call, what="radius",
                     why="an IoU of 1 allows no shift at all")


@pytest.mark.parametrize("o", [0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
def test_radius_is_the_largest_shift_that_keeps_min_overlap(impl, o):
    rng = np.random.default_rng(int(o * 100))
    for h, w in [(1.0, 1.0), (3.0, 50.0), (64.0, 7.5), *rng.uniform(0.5, 200, (8, 2)).tolist()]:
        r = check_radius(impl, h, w, o)
        ious = case_ious(h, w, r)
        if min(ious) < o - 1e-9 or abs(min(ious) - o) > 1e-9:
            fail(f"at the returned radius the three configurations have IoUs {[round(v, 9) for v in ious]}",
                 call=f"gaussian_radius({h}, {w}, {o})", got=r,
                 why=f"all three must reach min_overlap {o}, and the tightest must equal it: a larger radius "
                     f"drops below {o}, a smaller one wastes room")


def test_radius_symmetry_scaling_and_monotonicity(impl):
    rng = np.random.default_rng(1)
    for h, w in rng.uniform(1, 100, (6, 2)).tolist():
        base = check_radius(impl, h, w, 0.7)
        swapped = Call(impl.gaussian_radius, w, h, 0.7)
        assert_close(swapped.out, base, rtol=1e-9, call=swapped, what="radius with height and width swapped",
                     why="the three cases are symmetric in h and w")
        doubled = Call(impl.gaussian_radius, 2 * h, 2 * w, 0.7)
        assert_close(doubled.out, 2 * base, rtol=1e-9, call=doubled, what="radius of a box twice as big",
                     why="every IoU is a ratio of areas: scaling the box scales the radius")
        radii = [Call(impl.gaussian_radius, h, w, o).out for o in (0.3, 0.5, 0.7, 0.9)]
        if not all(a > b for a, b in zip(radii, radii[1:])):
            fail("the radius must shrink as min_overlap grows", call=f"gaussian_radius({h}, {w}, o) for o in "
                 "(0.3, 0.5, 0.7, 0.9)", got=radii, why="asking for more overlap allows less shift")


def test_radius_bad_input_raises_value_error(impl):
    assert_raises(ValueError, impl.gaussian_radius, 0.0, 5.0, 0.7, why="height must be > 0")
    assert_raises(ValueError, impl.gaussian_radius, 5.0, -1.0, 0.7, why="width must be > 0")
    assert_raises(ValueError, impl.gaussian_radius, 5.0, 5.0, 0.0, why="min_overlap must be in (0, 1]")
    assert_raises(ValueError, impl.gaussian_radius, 5.0, 5.0, 1.5, why="min_overlap must be in (0, 1]")


# ---------------------------------------------------------------- drawing


def brute_draw(heatmap, center, radius):
    """The statement pixel by pixel in float64: max of the old value and the gaussian in the square window."""
    out = np.asarray(heatmap, np.float64).copy()
    h, w = out.shape
    x, y = center
    sigma = (2 * radius + 1) / 6
    for row in range(max(0, y - radius), min(h, y + radius + 1)):
        for col in range(max(0, x - radius), min(w, x + radius + 1)):
            g = math.exp(-((col - x) ** 2 + (row - y) ** 2) / (2 * sigma * sigma))
            out[row, col] = max(out[row, col], g)
    return out


def explain(heatmap, center, radius, got, expected):
    """Why the first wrong pixel has its expected value."""
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    if got.shape != expected.shape:
        return None
    bad = np.argwhere(~np.isclose(got, expected, rtol=1e-5, atol=1e-6))
    if not len(bad):
        return None
    row, col = (int(v) for v in bad[0])
    x, y = center
    dx, dy = col - x, row - y
    old = float(np.asarray(heatmap)[row, col])
    sigma = (2 * radius + 1) / 6
    if max(abs(dx), abs(dy)) > radius:
        return (f"pixel [row {row}, col {col}] is {dx}, {dy} (dx, dy) from the centre heatmap[y={y}, x={x}]: outside "
                f"the (2r+1) x (2r+1) window, so it keeps its old value {old:.6g}")
    g = math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma))
    return (f"pixel [row {row}, col {col}] is dx={dx}, dy={dy} from the centre heatmap[y={y}, x={x}]: "
            f"G = exp(-(({dx})^2 + ({dy})^2) / (2 * sigma^2)) with sigma = (2 * {radius} + 1) / 6 = {sigma:.6g} gives "
            f"{g:.6g}; the old value is {old:.6g}, so the pixel becomes max(old, G) = {max(old, g):.6g}")


def check_draw(impl, heatmap, center, radius, why=None):
    """Draw once; check form and values against the pixel-by-pixel definition; return the new heatmap."""
    __tracebackhide__ = True
    call = Call(impl.draw_gaussian, heatmap, center, radius)
    assert_array(call.out, dtype=heatmap.dtype, shape=heatmap.shape, call=call, what="heatmap")
    expected = brute_draw(heatmap, center, radius)
    tol = {"rtol": 1e-6, "atol": 1e-7} if heatmap.dtype == np.float32 else {"rtol": 1e-12, "atol": 1e-15}
    assert_close(call.out, expected, **tol, call=call, what="heatmap",
                 why=why or explain(heatmap, center, radius, call.out, expected))
    return call.out


def test_single_gaussian_by_hand(impl):
    heat = np.zeros((5, 7))
    out = check_draw(impl, heat, (3, 2), 1)  # sigma = 3 / 6 = 0.5: neighbours exp(-2), diagonals exp(-4)
    e1, e2 = math.exp(-2), math.exp(-4)
    expected = np.zeros((5, 7))
    expected[1:4, 2:5] = [[e2, e1, e2], [e1, 1.0, e1], [e2, e1, e2]]
    assert_close(out, expected, rtol=1e-12, atol=0, what="heatmap after draw_gaussian(zeros((5, 7)), (3, 2), 1)",
                 why="radius 1: sigma = diameter / 6 = 0.5, so the 4 neighbours get exp(-1 / (2 * 0.25)) = exp(-2) "
                     "and the diagonals exp(-4); the centre is heatmap[y=2, x=3] = 1")


def test_peak_symmetry_and_offsets(impl):
    r = 4
    out = check_draw(impl, np.zeros((11, 11)), (5, 5), r)
    sigma = (2 * r + 1) / 6
    assert_close(out[5, 5], 1.0, rtol=0, atol=0, what="value at the centre", why="exp(0) = 1 exactly")
    for dx, dy in [(1, 0), (0, 3), (2, 2), (4, 4), (-3, 1)]:
        assert_close(out[5 + dy, 5 + dx], math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)), rtol=1e-12,
                     what=f"value at offset dx={dx}, dy={dy}", why="exp(-(dx^2 + dy^2) / (2 sigma^2)), sigma = 9 / 6")
    for name, view in (("left-right mirror", out[:, ::-1]), ("up-down mirror", out[::-1]), ("transpose", out.T)):
        assert_equal(view, out, what=f"heatmap vs its {name}", why="a gaussian centred in a square is symmetric")
    inside = np.zeros((11, 11), bool)
    inside[1:10, 1:10] = True
    if (out[inside] <= 0).any() or (out[~inside] != 0).any():
        fail("the gaussian must fill exactly the (2r+1) x (2r+1) square window, its corners included", got=out,
             call="draw_gaussian(np.zeros((11, 11)), (5, 5), 4)",
             why="rows and columns 1..9 are within 4 of the centre; row and column 0 and 10 are not")


def test_center_is_x_then_y(impl):
    heat = np.zeros((6, 9), np.float32)
    out = check_draw(impl, heat, (7, 1), 2, why="center is (x, y) = (column 7, row 1): the peak goes to heatmap[1, 7]")
    if out[1, 7] != 1:
        fail("the peak must be at heatmap[y, x] = heatmap[1, 7]", got=np.argwhere(out == out.max()).tolist())


@pytest.mark.parametrize("corner", ["top-left", "top-right", "bottom-left", "bottom-right"])
def test_clipped_at_corners(impl, corner):
    h, w = 7, 9
    x = {"top-left": 0, "top-right": w - 1, "bottom-left": 1, "bottom-right": w - 2}[corner]
    y = {"top-left": 1, "top-right": 0, "bottom-left": h - 1, "bottom-right": h - 2}[corner]
    heat = np.random.default_rng(3).uniform(0, 0.3, (h, w))
    check_draw(impl, heat, (x, y), 3)


def test_clipped_at_every_edge_position(impl):
    # Centres along all four borders of a small heatmap, with a window wider than the heatmap itself.
    rng = np.random.default_rng(4)
    h, w = 5, 6
    for x, y in [(0, 2), (w - 1, 2), (3, 0), (3, h - 1), (0, 0), (w - 1, h - 1), (2, 2)]:
        for r in (1, 4, 9):
            check_draw(impl, rng.uniform(0, 0.5, (h, w)), (x, y), r)


def test_radius_zero_and_one_pixel_heatmap(impl):
    heat = np.full((3, 4), 0.25)
    out = check_draw(impl, heat, (2, 1), 0, why="radius 0: a single pixel of 1 at heatmap[1, 2]")
    if (out != 0.25).sum() != 1:
        fail("radius 0 must change exactly one pixel", got=out)
    check_draw(impl, np.zeros((1, 1), np.float32), (0, 0), 5, why="a 1 x 1 heatmap keeps only the centre: 1")


def test_overlaps_take_the_max_not_the_sum(impl):
    heat = np.zeros((9, 12))
    first = check_draw(impl, heat, (3, 4), 3)
    both = check_draw(impl, first, (6, 4), 3, why="where two gaussians overlap the larger value wins (max, not sum)")
    if both.max() > 1:
        fail("overlapping gaussians summed: values above 1", got=both.max())
    kept = check_draw(impl, np.full((5, 5), 0.9), (2, 2), 2,
                      why="old values larger than the gaussian are kept: max(0.9, G)")
    if kept.min() < 0.9:
        fail("an old value larger than the gaussian was lowered", got=kept)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_pixel_by_pixel_definition(impl, dtype):
    rng = np.random.default_rng(7 if dtype == np.float32 else 8)
    for h, w in [(1, 1), (1, 8), (9, 1), (13, 17), (32, 24)]:
        heat = (rng.uniform(0, 1, (h, w)) * rng.uniform(0, 1, (h, w)) ** 4).astype(dtype)
        for _ in range(4):
            centre = (int(rng.integers(w)), int(rng.integers(h)))
            heat = check_draw(impl, heat, centre, int(rng.integers(0, 8)))


def test_returns_a_new_array(impl):
    heat = np.zeros((6, 6), np.float32)
    call = Call(impl.draw_gaussian, heat, (2, 3), 2)  # Call fails if `heat` was changed
    if call.out is heat or np.shares_memory(call.out, heat):
        fail("draw_gaussian must return a new array, not the input heatmap or a view of it", call=call,
             why="the statement asks for a new heatmap; the caller's array stays as it was")


def test_numpy_integer_centre_and_radius(impl):
    check_draw(impl, np.zeros((6, 7)), (np.int64(5), np.int32(2)), np.int64(2))


def test_draw_bad_input_raises_value_error(impl):
    heat = np.zeros((5, 6))
    assert_raises(ValueError, impl.draw_gaussian, np.zeros((2, 5, 6)), (1, 1), 1, why="heatmap must be 2-D")
    assert_raises(ValueError, impl.draw_gaussian, np.zeros((5, 6), np.int64), (1, 1), 1, why="heatmap must be float")
    assert_raises(ValueError, impl.draw_gaussian, heat, (6, 1), 1, why="x = 6 is outside a heatmap 6 wide")
    assert_raises(ValueError, impl.draw_gaussian, heat, (1, -1), 1, why="y = -1 is outside the heatmap")
    assert_raises(ValueError, impl.draw_gaussian, heat, (1.5, 2), 1, why="the centre must be integers")
    assert_raises(ValueError, impl.draw_gaussian, heat, (1, 2), -1, why="radius must be >= 0")
    assert_raises(ValueError, impl.draw_gaussian, heat, (1, 2), 1.5, why="radius must be an integer")
