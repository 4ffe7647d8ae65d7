"""Tests for detection/centernet_heatmap. Run: pytest katas/detection/centernet_heatmap

Correctness tests accept what trusted code does differently, each of which has one hand-built
convention test of its own: the radius may follow this statement or the CornerNet / CenterNet
release formula, and may come back unrounded or truncated with int(); the gaussian's sigma is read
from the answer (the value diameter / 6 is a convention test); random draws have zeros under the
window, so max and sum agree there; the heatmap may be written in place and the result may be
float64 (a new array of the heatmap's dtype is a convention test)."""

import math

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, show

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


def release_radius(h, w, o):
    """CornerNet / CenterNet's gaussian_radius as released: larger roots of cases 1 and 2, all three / 2."""
    b1, c1 = h + w, w * h * (1 - o) / (1 + o)
    b2, c2 = 2 * (h + w), (1 - o) * w * h
    a3, b3, c3 = 4 * o, -2 * o * (h + w), (o - 1) * w * h
    return min((b1 + math.sqrt(b1 ** 2 - 4 * c1)) / 2, (b2 + math.sqrt(b2 ** 2 - 16 * c2)) / 2,
               (b3 + math.sqrt(b3 ** 2 - 4 * a3 * c3)) / 2)


def accepted_radii(h, w, o):
    """What correctness accepts: this statement's radius or the release code's, unrounded or int()-truncated."""
    exact, rel = hand_radius(h, w, o)[0], release_radius(h, w, o)
    return {"this statement's": exact, "CenterNet release code's": rel,
            "this statement's, int()-truncated": float(max(0, int(exact))),
            "CenterNet release code's, int()-truncated": float(max(0, int(rel)))}


def read_radius(call):
    __tracebackhide__ = True
    out = call.out
    if isinstance(out, bool) or np.ndim(out) != 0 or np.asarray(out).dtype.kind not in "iuf":
        fail(f"gaussian_radius must return one real number, got {show(out)}", call=call)
    return float(out)


def check_radius(impl, h, w, o, why=None):
    """One radius against every accepted formula (to 1e-9 relative)."""
    __tracebackhide__ = True
    call = Call(impl.gaussian_radius, h, w, o)
    got = read_radius(call)
    accepted = accepted_radii(h, w, o)
    if not any(math.isclose(got, v, rel_tol=1e-9, abs_tol=1e-12) for v in accepted.values()):
        _, (r1, r2, r3) = hand_radius(h, w, o)
        fail(f"radius {got!r} is none of the accepted values", call=call,
             expected={k: round(v, 12) for k, v in accepted.items()},
             why=why or f"the three cases give r1 = {r1:.6g} (shifted), r2 = {r2:.6g} (shrunk), r3 = {r3:.6g} "
                        "(grown); the radius is the smallest")
    return got


def test_radius_by_hand(impl):
    # A square of side 8 at IoU 0.25: shrunk (8 - 2r)^2 / 64 = 1/4 gives r = 2; grown 64 / (8 + 2r)^2 = 1/4
    # gives r = 4; shifted (8 - r)^2 * 1.25 = 0.5 * 64 gives r = 8 - sqrt(25.6) = 2.94. The smallest is 2.
    check_radius(impl, 8, 8, 0.25, why="shrunk: (8 - 2r)^2 / 64 = 0.25 at r = 2, grown at r = 4, shifted at "
                                       "r = 2.94: the radius is 2.0")
    check_radius(impl, 10, 10, 0.7, why="shrunk: (10 - 2r)^2 / 100 = 0.7 at r = 5 * (1 - sqrt(0.7)) = 0.8167, "
                                        "below the other two cases (0.925 shifted, 0.976 grown)")


def test_radius_default_overlap_is_0_7(impl):
    for h, w in ((10.0, 10.0), (37.0, 12.5)):
        call = Call(impl.gaussian_radius, h, w)
        got = read_radius(call)
        accepted = accepted_radii(h, w, 0.7)
        if not any(math.isclose(got, v, rel_tol=1e-9, abs_tol=1e-12) for v in accepted.values()):
            fail(f"radius {got!r} without min_overlap is not the radius at 0.7", call=call,
                 expected={k: round(v, 12) for k, v in accepted.items()}, why="min_overlap defaults to 0.7")


def test_radius_full_overlap_is_zero(impl):
    for h, w in ((5.0, 9.0), (1.0, 1.0)):
        call = Call(impl.gaussian_radius, h, w, 1.0)
        assert_close(read_radius(call), 0.0, rtol=0, atol=1e-12, call=call, what="radius",
                     why="an IoU of 1 allows no shift at all")


@pytest.mark.parametrize("o", [0.1, 0.5, 0.7, 0.99])
def test_radius_matches_the_three_cases(impl, o):
    rng = np.random.default_rng(int(o * 100))
    for h, w in [(1.0, 1.0), (3.0, 50.0), (64.0, 7.5), *rng.uniform(0.5, 200, (6, 2)).tolist()]:
        check_radius(impl, h, w, o)


def test_radius_symmetry_and_scaling(impl):
    rng = np.random.default_rng(1)
    for h, w in rng.uniform(1, 100, (6, 2)).tolist():
        check_radius(impl, w, h, 0.7, why="the three cases are symmetric in h and w")
        check_radius(impl, 2 * h, 2 * w, 0.7, why="every IoU is a ratio of areas: scaling the box scales the radius")


@pytest.mark.convention("radius: exact roots, not CornerNet's (b + sq) / 2")
def test_radius_is_the_exact_root(impl):
    # Each value is accepted unrounded or int()-truncated; the release code gives 2.73 / 2 for 10 x 10.
    for h, w, o in ((10.0, 10.0, 0.7), (8.0, 8.0, 0.25), (40.0, 25.0, 0.5), (120.0, 64.0, 0.7)):
        call = Call(impl.gaussian_radius, h, w, o)
        got = read_radius(call)
        exact, (r1, r2, r3) = hand_radius(h, w, o)
        if not (math.isclose(got, exact, rel_tol=1e-9, abs_tol=1e-12) or got == max(0, int(exact))):
            fail(f"radius {got!r}", call=call, expected=exact,
                 why=f"solve each quadratic a r^2 + b r + c = 0 for its meaningful root "
                     f"(b -/+ sqrt(b^2 - 4ac)) / (2a): r1 = {r1:.6g}, r2 = {r2:.6g}, r3 = {r3:.6g}, so that the "
                     f"tightest of the three IoUs {[round(v, 6) for v in case_ious(h, w, exact)]} equals min_overlap "
                     f"{o}. The CornerNet / CenterNet release code takes the larger roots and divides by 2, "
                     f"not 2a: {release_radius(h, w, o):.6g}")


@pytest.mark.convention("radius: an unrounded Python float")
def test_radius_is_an_unrounded_float(impl):
    # Accepted for either formula; rounding is the caller's step, max(0, int(r)), as in CenterNet.
    for h, w, o in ((10.0, 10.0, 0.7), (40.0, 25.0, 0.5)):
        call = Call(impl.gaussian_radius, h, w, o)
        ok = (hand_radius(h, w, o)[0], release_radius(h, w, o))
        if not (isinstance(call.out, float) and any(math.isclose(call.out, v, rel_tol=1e-9) for v in ok)):
            fail(f"gaussian_radius returned {show(call.out)}", call=call, expected=ok[0],
                 why="the radius comes back as the float itself (a Python float, np.float64 included), not "
                     "rounded: callers truncate it with max(0, int(r)) before drawing")


@pytest.mark.contract("size <= 0 or overlap outside (0, 1]: ValueError")
def test_radius_bad_input_raises_value_error(impl):
    # Each would compute some number silently without the check.
    assert_raises(ValueError, impl.gaussian_radius, 0.0, 5.0, 0.7, why="height must be > 0")
    assert_raises(ValueError, impl.gaussian_radius, 5.0, -1.0, 0.7, why="width must be > 0")
    assert_raises(ValueError, impl.gaussian_radius, 5.0, 5.0, 0.0, why="min_overlap must be in (0, 1]")
    assert_raises(ValueError, impl.gaussian_radius, 5.0, 5.0, 1.5, why="min_overlap must be in (0, 1]")


# ---------------------------------------------------------------- drawing


def brute_draw(heatmap, center, radius, sigma=None):
    """The statement pixel by pixel in float64: max of the old value and the gaussian in the square window."""
    out = np.asarray(heatmap, np.float64).copy()
    h, w = out.shape
    x, y = center
    sigma = (2 * radius + 1) / 6 if sigma is None else sigma
    for row in range(max(0, y - radius), min(h, y + radius + 1)):
        for col in range(max(0, x - radius), min(w, x + radius + 1)):
            g = math.exp(-((col - x) ** 2 + (row - y) ** 2) / (2 * sigma * sigma))
            out[row, col] = max(out[row, col], g)
    return out


def read_sigma(got, center, radius):
    """The sigma an answer used, read off its value next to the centre; the statement's when unreadable."""
    h, w = got.shape
    x, y = center
    mine = (2 * radius + 1) / 6
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        if radius >= 1 and 0 <= x + dx < w and 0 <= y + dy < h:
            g = float(got[y + dy, x + dx])
            if 0 < g < 1:
                s = math.sqrt(-1 / (2 * math.log(g)))
                return mine if math.isclose(s, mine, rel_tol=1e-4) else s
    return mine


def explain(heatmap, center, radius, got, expected, sigma):
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
    if max(abs(dx), abs(dy)) > radius:
        return (f"pixel [row {row}, col {col}] is {dx}, {dy} (dx, dy) from the centre heatmap[y={y}, x={x}]: outside "
                f"the (2r+1) x (2r+1) window, so it keeps its old value {old:.6g}")
    g = math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma))
    return (f"pixel [row {row}, col {col}] is dx={dx}, dy={dy} from the centre heatmap[y={y}, x={x}]: "
            f"G = exp(-(({dx})^2 + ({dy})^2) / (2 * sigma^2)) with sigma = {sigma:.6g} (read from your values next "
            f"to the centre; the statement's (2r + 1) / 6 has a test of its own) gives {g:.6g}; the old value is "
            f"{old:.6g}, so the pixel becomes max(old, G) = {max(old, g):.6g}")


def check_draw(impl, heatmap, center, radius, why=None):
    """Draw once on a copy and compare with the pixel-by-pixel definition, at the sigma the answer used.
    Writing in place and the output dtype are convention tests: here any float (H, W) array-like is read."""
    __tracebackhide__ = True
    call = Call(impl.draw_gaussian, heatmap.copy(), center, radius, mutates=True)
    got = np.asarray(call.out)
    if got.shape != heatmap.shape or got.dtype.kind != "f":
        fail(f"draw_gaussian must return a float array of the heatmap's shape {heatmap.shape}, got {show(call.out)}",
             call=call)
    sigma = read_sigma(got, center, radius)
    expected = brute_draw(heatmap, center, radius, sigma)
    f32 = heatmap.dtype == np.float32 or got.dtype == np.float32
    tol = {"rtol": 1e-5, "atol": 1e-6} if f32 else {"rtol": 1e-9, "atol": 1e-12}
    if sigma != (2 * radius + 1) / 6:
        tol = {"rtol": 1e-4, "atol": 1e-6}  # sigma read from a value: its own rounding carries over
    assert_close(got, expected, **tol, call=call, what="heatmap",
                 why=why or explain(heatmap, center, radius, got, expected, sigma))
    return got


def cleared(heat, center, radius):
    """heat with zeros under the window: there max(old, G) and old + G agree, so the combine rule
    (a convention test of its own) decides nothing."""
    heat = heat.copy()
    x, y = center
    heat[max(0, y - radius):y + radius + 1, max(0, x - radius):x + radius + 1] = 0
    return heat


def test_peak_window_and_symmetry(impl):
    r = 4
    out = check_draw(impl, np.zeros((11, 11)), (5, 5), r)
    assert_close(out[5, 5], 1.0, rtol=0, atol=1e-12, what="value at the centre", why="exp(0) = 1")
    for name, view in (("left-right mirror", out[:, ::-1]), ("up-down mirror", out[::-1]), ("transpose", out.T)):
        assert_close(view, out, rtol=1e-12, atol=1e-15, what=f"heatmap vs its {name}",
                     why="a gaussian centred in a square is symmetric")
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
    heat = np.random.default_rng(3).uniform(0.05, 0.3, (h, w))
    check_draw(impl, cleared(heat, (x, y), 3), (x, y), 3)


def test_clipped_at_every_edge_position(impl):
    # Centres along all four borders of a small heatmap, with a window wider than the heatmap itself.
    rng = np.random.default_rng(4)
    h, w = 5, 6
    for x, y in [(0, 2), (w - 1, 2), (3, 0), (3, h - 1), (0, 0), (w - 1, h - 1), (2, 2)]:
        for r in (1, 4, 9):
            check_draw(impl, cleared(rng.uniform(0.05, 0.5, (h, w)), (x, y), r), (x, y), r)


def test_radius_zero_and_one_pixel_heatmap(impl):
    heat = np.full((3, 4), 0.25)
    out = check_draw(impl, cleared(heat, (2, 1), 0), (2, 1), 0, why="radius 0: a single pixel of 1 at heatmap[1, 2]")
    if (out != 0.25).sum() != 1:
        fail("radius 0 must change exactly one pixel", got=out)
    check_draw(impl, np.zeros((1, 1), np.float32), (0, 0), 5, why="a 1 x 1 heatmap keeps only the centre: 1")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_pixel_by_pixel_definition(impl, dtype):
    rng = np.random.default_rng(7 if dtype == np.float32 else 8)
    for h, w in [(1, 8), (9, 1), (13, 17), (32, 24)]:
        for _ in range(3):
            centre, r = (int(rng.integers(w)), int(rng.integers(h))), int(rng.integers(0, 8))
            heat = (rng.uniform(0, 1, (h, w)) * rng.uniform(0, 1, (h, w)) ** 4).astype(dtype)
            check_draw(impl, cleared(heat, centre, r), centre, r)


def test_numpy_integer_centre_and_radius(impl):
    check_draw(impl, np.zeros((6, 7)), (np.int64(5), np.int32(2)), np.int64(2))


@pytest.mark.convention("sigma = (2r + 1) / 6, the diameter over 6")
def test_sigma_is_the_diameter_over_six(impl):
    call = Call(impl.draw_gaussian, np.zeros((5, 7)), (3, 2), 1, mutates=True)
    e1, e2 = math.exp(-2), math.exp(-4)
    expected = np.zeros((5, 7))
    expected[1:4, 2:5] = [[e2, e1, e2], [e1, 1.0, e1], [e2, e1, e2]]
    assert_close(np.asarray(call.out, np.float64), expected, rtol=1e-9, atol=1e-12, call=call, what="heatmap",
                 why="radius 1: sigma = diameter / 6 = 3 / 6 = 0.5, so the 4 neighbours get exp(-1 / (2 * 0.25)) = "
                     "exp(-2) and the diagonals exp(-4), as CenterNet's draw_umich_gaussian")
    r, sigma = 4, 9 / 6
    call = Call(impl.draw_gaussian, np.zeros((11, 11)), (5, 5), r, mutates=True)
    out = np.asarray(call.out, np.float64)
    for dx, dy in [(1, 0), (0, 3), (2, 2), (4, 4), (-3, 1)]:
        assert_close(out[5 + dy, 5 + dx], math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)), rtol=1e-9,
                     call=call, what=f"value at offset dx={dx}, dy={dy}",
                     why="exp(-(dx^2 + dy^2) / (2 sigma^2)) with sigma = (2 * 4 + 1) / 6 = 1.5")


@pytest.mark.convention("overlapping gaussians: max, not sum")
def test_overlaps_take_the_max_not_the_sum(impl):
    # Compared at the sigma the answer draws with (diameter / 6 has its own test).
    first = np.asarray(Call(impl.draw_gaussian, np.zeros((9, 12)), (3, 4), 3, mutates=True).out, np.float64)
    s = read_sigma(first, (3, 4), 3)
    call = Call(impl.draw_gaussian, first.copy(), (6, 4), 3, mutates=True)
    assert_close(np.asarray(call.out, np.float64), brute_draw(first, (6, 4), 3, s), rtol=1e-6, atol=1e-9, call=call,
                 what="heatmap with two overlapping gaussians",
                 why="where two gaussians overlap the larger value wins: max(old, G), never old + G (sums go above 1)")
    call = Call(impl.draw_gaussian, np.full((5, 5), 0.9), (2, 2), 2, mutates=True)
    s = read_sigma(np.asarray(Call(impl.draw_gaussian, np.zeros((5, 5)), (2, 2), 2, mutates=True).out), (2, 2), 2)
    assert_close(np.asarray(call.out, np.float64), brute_draw(np.full((5, 5), 0.9), (2, 2), 2, s), rtol=1e-6,
                 atol=1e-9, call=call, what="heatmap of 0.9 after drawing",
                 why="old values larger than the gaussian are kept (max(0.9, G)); smaller ones are raised to G")


@pytest.mark.convention("returns a new array; heatmap not modified")
def test_returns_a_new_array(impl):
    heat = np.zeros((6, 6), np.float32)
    call = Call(impl.draw_gaussian, heat, (2, 3), 2)  # Call fails if `heat` was changed
    if call.out is heat or np.shares_memory(call.out, heat):
        fail("draw_gaussian must return a new array, not the input heatmap or a view of it", call=call,
             why="the statement asks for a new heatmap and leaves the caller's alone; CenterNet's "
                 "draw_umich_gaussian writes into it in place")


@pytest.mark.convention("result keeps the heatmap's dtype")
def test_result_keeps_the_heatmap_dtype(impl):
    for dtype in (np.float32, np.float64):
        call = Call(impl.draw_gaussian, np.zeros((4, 5), dtype), (1, 2), 1, mutates=True)
        assert_array(call.out, dtype=dtype, shape=(4, 5), call=call,
                     what=f"heatmap drawn on a {np.dtype(dtype).name} heatmap (the result keeps the heatmap's dtype, "
                          "as CenterNet's in-place np.maximum does)")


@pytest.mark.contract("heatmap not a 2-D float array: ValueError")
def test_bad_heatmap_raises_value_error(impl):
    assert_raises(ValueError, impl.draw_gaussian, np.zeros((5, 6, 1)), (2, 2), 0,
                  why="heatmap must be 2-D (H, W); a (5, 6, 1) array is not")
    assert_raises(ValueError, impl.draw_gaussian, np.zeros((5, 6), np.int64), (1, 1), 1, why="heatmap must be float")


@pytest.mark.contract("centre not two integers inside: ValueError")
def test_bad_center_raises_value_error(impl):
    heat = np.zeros((5, 6))
    assert_raises(ValueError, impl.draw_gaussian, heat, (6, 1), 1, why="x = 6 is outside a heatmap 6 wide")
    assert_raises(ValueError, impl.draw_gaussian, heat, (1, -1), 1, why="y = -1 is outside the heatmap")
    assert_raises(ValueError, impl.draw_gaussian, heat, (1.5, 2), 1, why="the centre must be integers")


@pytest.mark.contract("radius not an integer >= 0: ValueError")
def test_bad_draw_radius_raises_value_error(impl):
    heat = np.zeros((5, 6))
    assert_raises(ValueError, impl.draw_gaussian, heat, (1, 2), -1, why="radius must be >= 0")
    assert_raises(ValueError, impl.draw_gaussian, heat, (1, 2), 1.5, why="radius must be an integer")
