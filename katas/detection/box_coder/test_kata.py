"""Tests for detection/box_coder. Run: pytest katas/detection/box_coder

Correctness tests read the result leniently (any (N, 4) array of numbers, at float32 accuracy) and
accept an answer that follows the +1 pixel convention throughout (maskrcnn-benchmark's TO_REMOVE = 1);
random deltas stay above -clamp and their dx, dy below it, and pass `clamp` explicitly, so that no
convention decides them. Each convention (+1 pixels, the default clamp, clamping from above only,
dx and dy unclamped, result dtype, float64 arithmetic) has one hand-built test of its own."""

import math
import warnings

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, show

CLIP = math.log(1000.0 / 16)
WEIGHTS = [(1.0, 1.0, 1.0, 1.0), (10.0, 10.0, 5.0, 5.0), (2.0, 3.0, 0.5, 4.0)]


# The definitions, one row at a time in float64: the oracles. `plus_one` = 1 is the older
# maskrcnn-benchmark / Detectron convention (widths x2 - x1 + 1, decoded x2 = cx + w / 2 - 1).

def encode_row(a, g, weights, plus_one=0.0):
    wx, wy, ww, wh = weights
    aw, ah = a[2] - a[0] + plus_one, a[3] - a[1] + plus_one
    gw, gh = g[2] - g[0] + plus_one, g[3] - g[1] + plus_one
    ax, ay, gx, gy = a[0] + aw / 2, a[1] + ah / 2, g[0] + gw / 2, g[1] + gh / 2
    return [wx * (gx - ax) / aw, wy * (gy - ay) / ah, ww * math.log(gw / aw), wh * math.log(gh / ah)]


def decode_row(a, d, weights, clamp=CLIP, plus_one=0.0):
    wx, wy, ww, wh = weights
    aw, ah = a[2] - a[0] + plus_one, a[3] - a[1] + plus_one
    cx, cy = a[0] + aw / 2 + d[0] / wx * aw, a[1] + ah / 2 + d[1] / wy * ah
    w, h = aw * math.exp(min(d[2] / ww, clamp)), ah * math.exp(min(d[3] / wh, clamp))
    return [cx - w / 2, cy - h / 2, cx + w / 2 - plus_one, cy + h / 2 - plus_one]


def _rows(fn, x, y, *args, **kw):
    rows = [fn(a, b, *args, **kw) for a, b in zip(np.asarray(x, np.float64).tolist(),
                                                   np.asarray(y, np.float64).tolist())]
    return np.array(rows, np.float64).reshape(-1, 4)


def expected_encode(anchors, boxes, weights=WEIGHTS[0], plus_one=0.0):
    return _rows(encode_row, anchors, boxes, weights, plus_one=plus_one)


def expected_decode(anchors, deltas, weights=WEIGHTS[0], clamp=CLIP, plus_one=0.0):
    return _rows(decode_row, anchors, deltas, weights, clamp, plus_one=plus_one)


def encode_tol(weights):
    """float32 accuracy: dw = log(gw) - log(aw) loses about a rounding step of log(size) ~ 5 before
    it is multiplied by its weight, so 1e-6 per unit of weight."""
    return {"rtol": 1e-5, "atol": 1e-6 * max(1.0, *weights)}


def decode_tol(*arrays):
    """float32 accuracy: corners are centre -/+ half a size, so a few float32 rounding steps of the
    coordinates' magnitude, not of the (possibly tiny) result."""
    scale = max([1.0] + [float(np.abs(a).max()) for a in arrays if np.size(a)])
    return {"rtol": 1e-5, "atol": 4e-7 * scale}


def _close(got, expected, tol):
    return got.shape == expected.shape and np.allclose(got, expected, **tol)


def _values(call, n, what):
    """The result as a float64 (N, 4) array; that it is an ndarray of the right dtype is the dtype
    convention test's business."""
    __tracebackhide__ = True
    got = np.asarray(call.out)
    if got.shape != (n, 4) or (got.size and got.dtype.kind not in "fiu"):
        fail(f"{call.name} must return an (N, 4) = {(n, 4)} array of {what}, got {show(call.out)}", call=call)
    return got.astype(np.float64)


def check_encode(impl, anchors, boxes, *weights, expected=None, tol=None, why=None):
    """Run encode (weights only if given) and compare with the definition. An answer that follows
    the +1 pixel convention throughout is left to test_continuous_coordinates_no_plus_one."""
    __tracebackhide__ = True
    w = weights[0] if weights else WEIGHTS[0]
    call = Call(impl.encode, anchors, boxes, *weights)
    got = _values(call, len(anchors), "deltas")
    tol = tol or encode_tol(w)
    exp = expected_encode(anchors, boxes, w) if expected is None else np.asarray(expected, np.float64)
    if not _close(got, exp, tol) and _close(got, expected_encode(anchors, boxes, w, plus_one=1.0), tol):
        return got  # the +1 pixel convention, consistently: its own test decides it
    assert_close(got, exp, **tol, call=call, what="deltas",
                 why=why or "dx = wx * (gx - ax) / aw, dw = ww * log(gw / aw), centres at x1 + w / 2")
    return got


def check_decode(impl, anchors, deltas, *args, expected=None, tol=None, why=None, **kw):
    """Run decode (weights and clamp only if given) and compare with the definition; +1 answers as
    in check_encode."""
    __tracebackhide__ = True
    w = args[0] if args else kw.get("weights", WEIGHTS[0])
    clamp = args[1] if len(args) > 1 else kw.get("clamp", CLIP)
    call = Call(impl.decode, anchors, deltas, *args, **kw)
    got = _values(call, len(anchors), "boxes")
    exp = expected_decode(anchors, deltas, w, clamp) if expected is None else np.asarray(expected, np.float64)
    tol = tol or decode_tol(anchors, exp)
    if not _close(got, exp, tol) and _close(got, expected_decode(anchors, deltas, w, clamp, plus_one=1.0), tol):
        return got
    assert_close(got, exp, **tol, call=call, what="boxes",
                 why=why or "divide the deltas by the weights, clamp dw and dh from above, then "
                            "centre + d * size and size * exp(d)")
    return got


def anchors_and_boxes(n, rng, dtype=np.float64, spread=1.0):
    """Integer-coordinate anchors and boxes near them (sizes within a factor of 2), as matched pairs are."""
    centre = rng.uniform(20, 300, (n, 2))
    size = rng.uniform(8, 120, (n, 2))
    g_centre = centre + rng.uniform(-0.4, 0.4, (n, 2)) * size * spread
    g_size = size * np.exp(rng.uniform(-0.69, 0.69, (n, 2)) * spread)
    anchors = np.concatenate([centre - size / 2, centre + size / 2], 1).round()
    boxes = np.concatenate([g_centre - g_size / 2, g_centre + g_size / 2], 1).round()
    boxes[:, 2:] = np.maximum(boxes[:, 2:], boxes[:, :2] + 1)
    return anchors.astype(dtype), boxes.astype(dtype)


def random_deltas(n, rng, weights, clamp, dtype):
    """dx, dy well inside (-clamp, clamp); dw, dh from above -clamp to beyond +clamp (so some are
    clamped from above and none would be from below): no convention decides the result."""
    shift = rng.uniform(-0.9, 0.9, (n, 2)) * clamp
    scale = rng.uniform(-0.9, 1.6, (n, 2)) * clamp
    return (np.concatenate([shift, scale], 1) * np.asarray(weights)).astype(dtype)


# 1. By hand.

ANCHOR = np.array([[0.0, 0.0, 10.0, 10.0]])  # centre (5, 5), size 10 x 10
BOX = np.array([[2.0, 4.0, 12.0, 24.0]])     # centre (7, 14), size 10 x 20


def test_encode_by_hand(impl):
    check_encode(impl, ANCHOR, BOX, expected=[[0.2, 0.9, 0.0, math.log(2)]],  # weights omitted: 1
                 why="centres (5, 5) and (7, 14), sizes 10 x 10 and 10 x 20: dx = 2 / 10, dy = 9 / 10, "
                     "dw = log(10 / 10), dh = log(20 / 10); the default weights are (1, 1, 1, 1)")
    check_encode(impl, ANCHOR, BOX, (10.0, 10.0, 5.0, 5.0), expected=[[2.0, 9.0, 0.0, 5 * math.log(2)]],
                 why="encode multiplies each delta by its weight")


def test_decode_by_hand(impl):
    check_decode(impl, ANCHOR, np.array([[0.2, 0.9, 0.0, math.log(2)]]), expected=BOX,
                 why="centre (5 + 0.2 * 10, 5 + 0.9 * 10) = (7, 14), size (10 * e^0, 10 * e^log 2) = (10, 20); "
                     "the default weights are (1, 1, 1, 1)")
    check_decode(impl, ANCHOR, np.array([[2.0, 9.0, 0.0, 5 * math.log(2)]]), (10.0, 10.0, 5.0, 5.0),
                 expected=BOX, why="decode divides each delta by its weight, undoing encode")


def test_custom_clamp_by_hand(impl):
    h = 10 * math.exp(-0.5)
    check_decode(impl, ANCHOR, np.array([[0.0, 0.0, 3.0, -0.5]]), clamp=math.log(2),
                 expected=[[-5.0, 5 - h / 2, 15.0, 5 + h / 2]],
                 why="dw = 3 is clamped to the given clamp log 2 (width 20); dh = -0.5 is below it and "
                     "kept (height 10 / e^0.5)")


def test_clamp_applies_after_dividing_by_weights(impl):
    # dw / ww = 10 / 2 = 5 > log(62.5) = 4.14: clamped. dh / wh = 10 / 4 = 2.5: not clamped.
    check_decode(impl, ANCHOR, np.array([[0.0, 0.0, 10.0, 10.0]]), (1.0, 1.0, 2.0, 4.0), CLIP,
                 why="the clamp bounds dw / ww and dh / wh, the values that go into exp, not the raw deltas")


# 3. Edge cases.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_huge_deltas_stay_finite_without_warnings(impl, dtype):
    anchors = np.array([[0, 0, 16, 16], [10, 20, 50, 40]], dtype)
    deltas = np.array([[0, 0, 1000, 1000], [0.5, -0.5, 200, 89]], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            call = Call(impl.decode, anchors, deltas)  # the default clamp, whatever its value
        except RuntimeWarning as w:
            fail(f"decode warned: {w}", call=f"decode({anchors.tolist()}, {deltas.tolist()})",
                 why="clamp dw and dh before exp: exp(1000) overflows to inf")
    got = _values(call, 2, "boxes")
    if not np.isfinite(got).all():
        fail("decode returned a non-finite box", call=call, got=show(call.out), why="clamp dw and dh before exp")


def test_empty(impl):
    for fn in (impl.encode, impl.decode):
        _values(Call(fn, np.zeros((0, 4), np.float32), np.zeros((0, 4), np.float32)), 0, "values")


@pytest.mark.contract("non-positive width or height: ValueError")
def test_non_positive_sizes_raise_value_error(impl):
    good = np.array([[0.0, 0.0, 4.0, 4.0], [1.0, 1.0, 3.0, 5.0]])
    why = "a zero or negative width or height has no log: encode must refuse it"
    # width 0, and height -2: both compute without error (log 0 = -inf, log of a negative = NaN)
    for bad in ([[0, 0, 4, 4], [2, 1, 2, 5]], [[0, 0, 4, 4], [1, 3, 3, 1]]):
        bad = np.array(bad, np.float64)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            assert_raises(ValueError, impl.encode, bad, good, why=why)
            assert_raises(ValueError, impl.encode, good, bad, why=why)


@pytest.mark.contract("bad shapes: ValueError")
def test_bad_shapes_raise_value_error(impl):
    a = np.array([[0.0, 0.0, 4.0, 4.0], [1.0, 1.0, 3.0, 5.0], [2.0, 0.0, 5.0, 3.0]])
    for fn in (impl.encode, impl.decode):
        # One row against three broadcasts silently; so do five columns read as x1, y1, x2, y2.
        assert_raises(ValueError, fn, a[:1], a, why="one box or delta per anchor: N must match")
        assert_raises(ValueError, fn, a, a[:1], why="one box or delta per anchor: N must match")
        assert_raises(ValueError, fn, np.hstack([a, a[:, :1]]), np.hstack([a, a[:, :1]]),
                      why="rows must have exactly 4 values")


# 2. Against the definition on seeded random inputs.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_encode_matches_definition(impl, dtype):
    rng = np.random.default_rng(1)
    for n in (1, 7, 60):
        for weights in WEIGHTS:
            anchors, boxes = anchors_and_boxes(n, rng, dtype, spread=2.0)
            check_encode(impl, anchors, boxes, weights)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_decode_matches_definition(impl, dtype):
    rng = np.random.default_rng(2)
    for n in (1, 7, 60):
        for weights in WEIGHTS:
            for clamp in (1.5, CLIP):
                anchors, _ = anchors_and_boxes(n, rng, dtype)
                check_decode(impl, anchors, random_deltas(n, rng, weights, clamp, dtype), weights, clamp)


def test_mixed_dtypes(impl):
    rng = np.random.default_rng(3)
    anchors, boxes = anchors_and_boxes(5, rng, np.float32)
    check_encode(impl, anchors, boxes.astype(np.float64), why="float32 anchors with float64 boxes")
    check_encode(impl, anchors.astype(np.float64), boxes, why="float64 anchors with float32 boxes")
    deltas = random_deltas(5, rng, WEIGHTS[1], 1.5, np.float64)
    check_decode(impl, anchors, deltas, WEIGHTS[1], 1.5, why="float32 anchors with float64 deltas")
    check_decode(impl, anchors.astype(np.float64), deltas.astype(np.float32), WEIGHTS[1], 1.5,
                 why="float64 anchors with float32 deltas")


# 4. Properties.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip(impl, dtype):
    rng = np.random.default_rng(4)
    for weights in WEIGHTS:
        anchors, boxes = anchors_and_boxes(40, rng, dtype)
        deltas = np.asarray(Call(impl.encode, anchors, boxes, weights).out)
        call = Call(impl.decode, anchors, deltas, weights)
        assert_close(_values(call, 40, "boxes"), boxes, **decode_tol(boxes), call=call,
                     what="decode(anchors, encode(anchors, boxes))",
                     why="decode inverts encode with the same weights (no delta here reaches the clamp)")


def test_anchor_onto_itself_gives_zero_deltas(impl):
    rng = np.random.default_rng(5)
    anchors, _ = anchors_and_boxes(10, rng)
    check_encode(impl, anchors, anchors, (10.0, 10.0, 5.0, 5.0), expected=np.zeros((10, 4)),
                 why="same centre and size: no shift, log(1) = 0")


def test_translation_and_scale_invariance(impl):
    rng = np.random.default_rng(6)
    anchors, boxes = anchors_and_boxes(20, rng)
    base = check_encode(impl, anchors, boxes)
    if _close(base, expected_encode(anchors, boxes, plus_one=1.0), encode_tol(WEIGHTS[0])):
        return  # +1 widths are not scale invariant: that convention has its own test
    check_encode(impl, anchors * 3 + 100, boxes * 3 + 100, expected=base,
                 why="the deltas are relative to the anchor's size: shifting and scaling everything keeps them")


def test_matches_torchvision_box_coder(impl):
    pytest.importorskip("torchvision")
    import torch
    from torchvision.models.detection._utils import BoxCoder

    rng = np.random.default_rng(7)
    anchors, boxes = anchors_and_boxes(30, rng)
    weights = (10.0, 10.0, 5.0, 5.0)
    coder = BoxCoder(weights)
    expected = coder.encode_single(torch.tensor(boxes), torch.tensor(anchors)).numpy()
    check_encode(impl, anchors, boxes, weights, expected=expected,
                 why="torchvision's BoxCoder.encode_single(gt_boxes, anchors) uses the same parametrisation")
    deltas = random_deltas(30, rng, weights, CLIP, np.float64)
    expected = coder.decode_single(torch.tensor(deltas), torch.tensor(anchors)).numpy()
    check_decode(impl, anchors, deltas, weights, CLIP, expected=expected,
                 why="torchvision's BoxCoder.decode_single(deltas, anchors) clamps dw, dh at log(1000 / 16)")


# Conventions: one hand-built test each.

def _plus_one(call, anchors, other, oracle, *args):
    """True if the call's result is the +1 pixel convention's (decided by its own test, not here)."""
    got = np.asarray(call.out, np.float64)
    return _close(got, oracle(anchors, other, *args, plus_one=1.0), {"rtol": 1e-5, "atol": 1e-5})


@pytest.mark.convention("continuous coordinates: no +1 in widths")
def test_continuous_coordinates_no_plus_one(impl):
    # anchor 0..4 (width 4, centre 2), box 1..5 (width 4, centre 3); +1 widths would give 5 and 1/5
    anchor, box = np.array([[0.0, 0.0, 4.0, 4.0]]), np.array([[1.0, 0.0, 5.0, 8.0]])
    call = Call(impl.encode, anchor, box)
    assert_close(call.out, [[0.25, 0.5, 0.0, math.log(2)]], call=call, what="deltas",
                 why="continuous coordinates: width = x2 - x1 = 4 (no + 1), so dx = 1 / 4 and dh = log(8 / 4); "
                     "the +1 convention (maskrcnn-benchmark, Detectron) gives dx = 1 / 5, dh = log(9 / 5)")
    call = Call(impl.decode, anchor, np.array([[0.25, 0.5, 0.0, math.log(2)]]))
    assert_close(call.out, box, call=call, what="box",
                 why="continuous coordinates: no + 1 on the anchor's width, no - 1 on the decoded x2, y2")


@pytest.mark.convention("default clamp: dw, dh at most log(1000 / 16)")
def test_default_clamp_is_log_1000_over_16(impl):
    anchor = np.array([[0.0, 0.0, 16.0, 16.0]])  # centre (8, 8), size 16
    deltas = np.array([[0.0, 0.0, 20.0, 4.125]])
    call = Call(impl.decode, anchor, deltas)
    if _plus_one(call, anchor, deltas, expected_decode):
        return
    w, h = 1000.0, 16 * math.exp(4.125)
    assert_close(call.out, [[8 - w / 2, 8 - h / 2, 8 + w / 2, 8 + h / 2]], call=call, what="box",
                 why="the default clamp is log(1000 / 16) = 4.135 (torchvision's bbox_xform_clip): dw = 20 is "
                     "clamped to it, a width of 16 * 1000 / 16 = 1000; dh = 4.125 is just below it and kept")


@pytest.mark.convention("clamp from above only: very negative dw, dh kept")
def test_clamp_only_from_above(impl):
    deltas = np.array([[0.0, 0.0, -6.0, -20.0]])
    call = Call(impl.decode, ANCHOR, deltas)
    if _plus_one(call, ANCHOR, deltas, expected_decode):
        return
    w, h = 10 * math.exp(-6), 10 * math.exp(-20)
    assert_close(call.out, [[5 - w / 2, 5 - h / 2, 5 + w / 2, 5 + h / 2]], atol=1e-9, call=call, what="box",
                 why="the clamp bounds dw and dh from above only (it keeps exp from overflowing): dw = -6 and "
                     "dh = -20 are kept, a box of 10 e^-6 x 10 e^-20 (mmdetection clips at -clamp too)")


@pytest.mark.convention("dx, dy not clamped (only dw, dh)")
def test_dx_dy_are_not_clamped(impl):
    deltas = np.array([[10.0, -8.0, 0.0, 0.0]])
    call = Call(impl.decode, ANCHOR, deltas)
    if _plus_one(call, ANCHOR, deltas, expected_decode):
        return
    assert_close(call.out, [[100.0, -80.0, 110.0, -70.0]], call=call, what="box",
                 why="the clamp bounds only dw and dh (it keeps exp from overflowing); dx = 10 and dy = -8 "
                     "move the centre (5, 5) by 10 and -8 anchor sizes to (105, -75), size unchanged 10 x 10")


@pytest.mark.convention("result dtype: np.result_type of the inputs")
def test_result_dtype_follows_inputs(impl):
    a = np.array([[0, 0, 10, 10], [1, 2, 5, 9]], np.float32)
    b = np.array([[2, 4, 12, 24], [0, 0, 6, 6]], np.float32)
    f64 = np.float64
    for x, y, want in ((a, b, np.float32), (a.astype(f64), b.astype(f64), f64), (a, b.astype(f64), f64),
                       (a.astype(f64), b, f64), (a[:0], b[:0], np.float32)):
        for fn, what in ((impl.encode, "deltas"), (impl.decode, "boxes")):
            call = Call(fn, x, y)
            assert_array(call.out, dtype=want, shape=(len(x), 4), call=call,
                         what=f"{what} for {x.dtype} and {y.dtype} inputs (np.result_type: {np.dtype(want)})")


@pytest.mark.convention("float64 input: float64 arithmetic")
def test_float64_input_keeps_float64_precision(impl):
    # Near 1e6 float32 steps are 0.0625: these fractions are lost if the arithmetic is float32.
    anchor = np.array([[1e6 + 0.51, 2e6 + 0.02, 1e6 + 1.52, 2e6 + 1.07]])
    box = np.array([[1e6 + 0.01, 2e6 + 0.33, 1e6 + 1.03, 2e6 + 1.21]])
    deltas = np.array([[0.13, -0.27, 0.05, -0.11]])
    tol = {"rtol": 1e-6, "atol": 1e-6}
    why = "float64 input is computed in float64; float32 arithmetic rounds these coordinates to steps of 0.0625"
    call = Call(impl.encode, anchor, box)
    if not _plus_one(call, anchor, box, expected_encode):
        assert_close(call.out, expected_encode(anchor, box), **tol, call=call, what="deltas near 1e6", why=why)
    call = Call(impl.decode, anchor, deltas)
    if not _plus_one(call, anchor, deltas, expected_decode):
        assert_close(call.out, expected_decode(anchor, deltas), **tol, call=call, what="box near 1e6", why=why)
