"""Tests for detection/box_coder. Run: pytest katas/detection/box_coder"""

import math
import warnings

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail

CLIP = math.log(1000.0 / 16)
WEIGHTS = [(1.0, 1.0, 1.0, 1.0), (10.0, 10.0, 5.0, 5.0), (2.0, 3.0, 0.5, 4.0)]


# The definitions, one row at a time in float64: the oracles.

def encode_row(a, g, weights):
    wx, wy, ww, wh = weights
    aw, ah, gw, gh = a[2] - a[0], a[3] - a[1], g[2] - g[0], g[3] - g[1]
    ax, ay, gx, gy = a[0] + aw / 2, a[1] + ah / 2, g[0] + gw / 2, g[1] + gh / 2
    return [wx * (gx - ax) / aw, wy * (gy - ay) / ah, ww * math.log(gw / aw), wh * math.log(gh / ah)]


def decode_row(a, d, weights, clamp=CLIP):
    wx, wy, ww, wh = weights
    aw, ah = a[2] - a[0], a[3] - a[1]
    cx, cy = a[0] + aw / 2 + d[0] / wx * aw, a[1] + ah / 2 + d[1] / wy * ah
    w, h = aw * math.exp(min(d[2] / ww, clamp)), ah * math.exp(min(d[3] / wh, clamp))
    return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]


def expected_encode(anchors, boxes, weights):
    rows = [encode_row(a, g, weights) for a, g in zip(np.asarray(anchors, np.float64).tolist(),
                                                         np.asarray(boxes, np.float64).tolist())]
    return np.array(rows, np.float64).reshape(-1, 4)


def expected_decode(anchors, deltas, weights, clamp=CLIP):
    rows = [decode_row(a, d, weights, clamp) for a, d in zip(np.asarray(anchors, np.float64).tolist(),
                                                                np.asarray(deltas, np.float64).tolist())]
    return np.array(rows, np.float64).reshape(-1, 4)


def tolerance(dtype, *arrays, weights=None):
    """float64: tight. float32: corners come from centre -/+ half a size, so the error is a few float32
    rounding steps of the coordinates' magnitude, not of the (possibly tiny) result. Encoded deltas
    are multiplied by the weights, and dw = log(gw) - log(aw) loses about one rounding step of
    log(size) ~ 5 before that: allow 1e-6 per unit of weight."""
    if dtype == np.float64:
        return {"rtol": 1e-9, "atol": 1e-9}
    if weights is not None:
        return {"rtol": 1e-5, "atol": 1e-6 * max(1.0, *weights)}
    scale = max([1.0] + [float(np.abs(a).max()) for a in arrays if np.size(a)])
    return {"rtol": 1e-5, "atol": 4e-7 * scale}


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


def check_encode(impl, anchors, boxes, weights=WEIGHTS[0], why=None):
    __tracebackhide__ = True
    call = Call(impl.encode, anchors, boxes, weights)
    dtype = np.result_type(anchors, boxes)
    assert_array(call.out, dtype=dtype, shape=(len(anchors), 4), call=call, what="deltas")
    assert_close(call.out, expected_encode(anchors, boxes, weights), **tolerance(dtype, weights=weights),
                 call=call, what="deltas",
                 why=why or "dx = wx * (gx - ax) / aw, dw = ww * log(gw / aw), centres at x1 + w / 2")
    return call.out


def check_decode(impl, anchors, deltas, weights=WEIGHTS[0], why=None, **kw):
    __tracebackhide__ = True
    call = Call(impl.decode, anchors, deltas, weights, **kw)
    dtype = np.result_type(anchors, deltas)
    assert_array(call.out, dtype=dtype, shape=(len(anchors), 4), call=call, what="boxes")
    expected = expected_decode(anchors, deltas, weights, **kw)
    assert_close(call.out, expected, **tolerance(dtype, anchors, expected), call=call, what="boxes",
                 why=why or "divide the deltas by the weights, clamp dw and dh from above, then "
                            "centre + d * size and size * exp(d)")
    return call.out


# 1. By hand.

ANCHOR = np.array([[0.0, 0.0, 10.0, 10.0]])  # centre (5, 5), size 10 x 10
BOX = np.array([[2.0, 4.0, 12.0, 24.0]])     # centre (7, 14), size 10 x 20


def test_encode_by_hand(impl):
    call = Call(impl.encode, ANCHOR, BOX)
    assert_close(call.out, [[0.2, 0.9, 0.0, math.log(2)]], call=call, what="deltas",
                 why="centres (5, 5) and (7, 14), sizes 10 x 10 and 10 x 20: dx = 2 / 10, dy = 9 / 10, "
                     "dw = log(10 / 10), dh = log(20 / 10); no +1 on widths")
    call = Call(impl.encode, ANCHOR, BOX, (10.0, 10.0, 5.0, 5.0))
    assert_close(call.out, [[2.0, 9.0, 0.0, 5 * math.log(2)]], call=call, what="deltas with weights (10, 10, 5, 5)",
                 why="encode multiplies each delta by its weight")


def test_decode_by_hand(impl):
    call = Call(impl.decode, ANCHOR, np.array([[0.2, 0.9, 0.0, math.log(2)]]))
    assert_close(call.out, BOX, call=call, what="box",
                 why="centre (5 + 0.2 * 10, 5 + 0.9 * 10) = (7, 14), size (10 * e^0, 10 * e^log 2) = (10, 20)")
    call = Call(impl.decode, ANCHOR, np.array([[2.0, 9.0, 0.0, 5 * math.log(2)]]), (10.0, 10.0, 5.0, 5.0))
    assert_close(call.out, BOX, call=call, what="box from weighted deltas",
                 why="decode divides each delta by its weight, undoing encode")


def test_large_dw_is_clamped_by_hand(impl):
    anchor = np.array([[0.0, 0.0, 16.0, 16.0]])  # centre (8, 8), size 16
    call = Call(impl.decode, anchor, np.array([[0.0, 0.0, 20.0, 20.0]]))
    assert_close(call.out, [[-492.0, -492.0, 508.0, 508.0]], call=call, what="box",
                 why="dw = 20 is clamped to log(1000 / 16), so the size is 16 * 1000 / 16 = 1000 around "
                     "centre 8; without the clamp it would be 16 * e^20")


def test_custom_clamp_by_hand(impl):
    call = Call(impl.decode, ANCHOR, np.array([[0.0, 0.0, 3.0, -1.0]]), clamp=math.log(2))
    h = 10 * math.exp(-1)
    assert_close(call.out, [[-5.0, 5 - h / 2, 15.0, 5 + h / 2]], call=call, what="box",
                 why="dw = 3 is clamped to log 2 (width 20); dh = -1 is below the clamp and kept (height 10 / e)")


def test_clamp_applies_after_dividing_by_weights(impl):
    # dw / ww = 10 / 2 = 5 > log(62.5) = 4.14: clamped. dh / wh = 10 / 4 = 2.5: not clamped.
    deltas = np.array([[0.0, 0.0, 10.0, 10.0]])
    check_decode(impl, ANCHOR, deltas, (1.0, 1.0, 2.0, 4.0),
                 why="the clamp bounds dw / ww and dh / wh, the values that go into exp, not the raw deltas")


def test_very_negative_dw_is_not_clamped(impl):
    check_decode(impl, ANCHOR, np.array([[0.0, 0.0, -6.0, -20.0]]),
                 why="the clamp only guards exp against overflow: a box may shrink as much as the deltas say")


def test_large_dx_dy_are_not_clamped(impl):
    call = Call(impl.decode, ANCHOR, np.array([[10.0, -8.0, 0.0, 0.0]]))
    assert_close(call.out, [[100.0, -80.0, 110.0, -70.0]], call=call, what="box",
                 why="the clamp bounds only dw and dh (it keeps exp from overflowing); dx = 10 and dy = -8 "
                     "move the centre (5, 5) by 10 and -8 anchor sizes to (105, -75), size unchanged 10 x 10")


# 3. Edge cases.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_huge_deltas_stay_finite_without_warnings(impl, dtype):
    anchors = np.array([[0, 0, 16, 16], [10, 20, 50, 40]], dtype)
    deltas = np.array([[0, 0, 1000, 1000], [0.5, -0.5, 200, 89]], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            out = check_decode(impl, anchors, deltas)
        except RuntimeWarning as w:
            fail(f"decode warned: {w}", call=f"decode({anchors.tolist()}, {deltas.tolist()})",
                 why="clamp dw and dh before exp: exp(1000) overflows to inf")
    if not np.isfinite(out).all():
        fail("decode returned a non-finite box", got=str(out), why="clamp dw and dh before exp")


def test_deltas_are_not_modified(impl):
    deltas = np.array([[0.1, 0.2, 30.0, -2.0], [0.0, 0.0, 1.0, 50.0]])
    anchors = np.array([[0.0, 0.0, 10.0, 10.0], [5.0, 5.0, 9.0, 8.0]])
    check_decode(impl, anchors, deltas, (10.0, 10.0, 5.0, 5.0))  # Call fails if deltas changed


def test_empty(impl):
    for fn in (impl.encode, impl.decode):
        call = Call(fn, np.zeros((0, 4), np.float32), np.zeros((0, 4), np.float32))
        assert_array(call.out, dtype=np.float32, shape=(0, 4), call=call, what="result for N = 0")


def test_non_positive_sizes_raise_value_error(impl):
    good = np.array([[0.0, 0.0, 4.0, 4.0], [1.0, 1.0, 3.0, 5.0]])
    for bad in ([[0, 0, 4, 4], [2, 1, 2, 5]], [[0, 0, 4, 4], [1, 3, 3, 1]]):
        bad = np.array(bad, np.float64)
        why = "a zero or negative width or height has no log: encode must refuse it"
        assert_raises(ValueError, impl.encode, bad, good, why=why)
        assert_raises(ValueError, impl.encode, good, bad, why=why)


def test_bad_shapes_raise_value_error(impl):
    a = np.zeros((3, 4)) + [0, 0, 1, 1]
    for fn in (impl.encode, impl.decode):
        assert_raises(ValueError, fn, a, a[:2], why="one delta or box per anchor: N must match")
        assert_raises(ValueError, fn, a[:, :3], a[:, :3], why="rows must have 4 values")
        assert_raises(ValueError, fn, a[0], a[0], why="inputs are (N, 4) arrays")


# 2. Against the definition on seeded random inputs.

@pytest.mark.parametrize("weights", WEIGHTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 7, 60])
def test_encode_matches_definition(impl, n, dtype, weights):
    rng = np.random.default_rng(n)
    anchors, boxes = anchors_and_boxes(n, rng, dtype, spread=2.0)
    check_encode(impl, anchors, boxes, weights)


@pytest.mark.parametrize("weights", WEIGHTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 7, 60])
def test_decode_matches_definition(impl, n, dtype, weights):
    rng = np.random.default_rng(10 + n)
    anchors, _ = anchors_and_boxes(n, rng, dtype)
    deltas = (rng.normal(0, 1, (n, 4)) * np.array(weights) * [1, 1, 3, 3]).astype(dtype)  # some clamped
    check_decode(impl, anchors, deltas, weights)


def test_mixed_dtypes_give_float64(impl):
    rng = np.random.default_rng(3)
    anchors, boxes = anchors_and_boxes(5, rng, np.float32)
    check_encode(impl, anchors, boxes.astype(np.float64), why="float32 with float64 gives float64")
    check_decode(impl, anchors, rng.normal(size=(5, 4)), why="float32 with float64 gives float64")


# 4. Properties.

@pytest.mark.parametrize("weights", WEIGHTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip(impl, weights, dtype):
    rng = np.random.default_rng(4)
    anchors, boxes = anchors_and_boxes(50, rng, dtype)
    deltas = Call(impl.encode, anchors, boxes, weights).out
    call = Call(impl.decode, anchors, deltas, weights)
    assert_close(call.out, boxes, **tolerance(dtype, boxes), call=call, what="decode(anchors, encode(anchors, boxes))",
                 why="decode inverts encode with the same weights (no delta here reaches the clamp)")


def test_anchor_onto_itself_gives_zero_deltas(impl):
    rng = np.random.default_rng(5)
    anchors, _ = anchors_and_boxes(10, rng)
    call = Call(impl.encode, anchors, anchors, (10.0, 10.0, 5.0, 5.0))
    assert_close(call.out, np.zeros((10, 4)), atol=1e-12, call=call, what="deltas of each anchor to itself",
                 why="same centre and size: no shift, log(1) = 0")


def test_translation_and_scale_invariance(impl):
    rng = np.random.default_rng(6)
    anchors, boxes = anchors_and_boxes(20, rng)
    base = check_encode(impl, anchors, boxes)
    call = Call(impl.encode, anchors * 3 + 100, boxes * 3 + 100)
    assert_close(call.out, base, rtol=1e-9, atol=1e-9, call=call, what="deltas after moving and scaling both",
                 why="the deltas are relative to the anchor's size: shifting and scaling everything keeps them")


# An extra oracle where torchvision is installed.

def test_matches_torchvision_box_coder(impl):
    pytest.importorskip("torchvision")
    import torch
    from torchvision.models.detection._utils import BoxCoder

    rng = np.random.default_rng(7)
    anchors, boxes = anchors_and_boxes(30, rng)
    weights = (10.0, 10.0, 5.0, 5.0)
    coder = BoxCoder(weights)
    expected = coder.encode_single(torch.tensor(boxes), torch.tensor(anchors)).numpy()
    call = Call(impl.encode, anchors, boxes, weights)
    assert_close(call.out, expected, rtol=1e-9, atol=1e-9, call=call, what="deltas",
                 why="torchvision's BoxCoder.encode_single(gt_boxes, anchors) uses the same parametrisation")
    deltas = rng.normal(0, 5, (30, 4))
    expected = coder.decode_single(torch.tensor(deltas), torch.tensor(anchors)).numpy()
    call = Call(impl.decode, anchors, deltas, weights)
    assert_close(call.out, expected, rtol=1e-9, atol=1e-9, call=call, what="boxes",
                 why="torchvision's BoxCoder.decode_single(deltas, anchors) clamps dw, dh at log(1000 / 16)")
