"""Tests for detection/anchors. Run: pytest katas/detection/anchors"""

import math

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, show


def brute_base(sizes, ratios):
    """The definition, one anchor at a time: for each ratio, for each size; h / w = r, w * h = s**2."""
    rows = []
    for r in ratios:
        for s in sizes:
            w, h = s / math.sqrt(r), s * math.sqrt(r)
            rows.append([-w / 2, -h / 2, w / 2, h / 2])
    return np.array(rows, dtype=np.float64).reshape(-1, 4)


def brute_grid(base, feature_shape, stride, offset=0.0):
    """The definition as a triple loop: cells row-major (y outer, x inner), anchors of a cell together."""
    sy, sx = (stride, stride) if np.ndim(stride) == 0 else stride
    rows = []
    for y in range(feature_shape[0]):
        for x in range(feature_shape[1]):
            cx, cy = (x + offset) * sx, (y + offset) * sy
            for a in np.asarray(base, np.float64).tolist():
                rows.append([a[0] + cx, a[1] + cy, a[2] + cx, a[3] + cy])
    return np.array(rows, dtype=np.float64).reshape(-1, 4)


def describe_row(k, feature_shape, num_anchors):
    """Which cell and base anchor row k of the grid output is."""
    cell, a = divmod(k, num_anchors)
    y, x = divmod(cell, feature_shape[1])
    return f"row {k} is base anchor {a} at cell (y={y}, x={x}): row (y * W + x) * A + a"


def _rows_match(got, expected, rtol=1e-5, atol=1e-4):
    return np.isclose(got, expected, rtol=rtol, atol=atol).all(axis=1)


def check_base(impl, sizes, ratios, why=None):
    """Run base_anchors and compare with the definition. Values are read leniently (any array-like,
    any float dtype) and the torchvision convention of rounding the anchors is accepted here: the
    output dtype and the rounding each have their own convention test."""
    __tracebackhide__ = True
    call = Call(impl.base_anchors, sizes, ratios)
    n = len(np.atleast_1d(sizes)) * len(np.atleast_1d(ratios))
    got = np.asarray(call.out, np.float64)
    if got.shape != (n, 4):
        fail(f"base anchors: shape {got.shape}, expected ({n}, 4)", call=call, got=show(call.out),
             why="one row x1, y1, x2, y2 per (aspect ratio, size) pair")
    expected = brute_base(np.atleast_1d(sizes), np.atleast_1d(ratios))
    if _rows_match(got, np.round(expected), 0, 1e-9).all() and not _rows_match(got, expected).all():
        return got  # torchvision's rounded anchors: test_no_rounding decides that convention
    area = (got[:, 2] - got[:, 0]) * (got[:, 3] - got[:, 1])
    allowed = np.asarray(np.atleast_1d(sizes), np.float64) ** 2
    # a loose check of the formula first; the exact values are checked below
    bad = ~np.isclose(area[:, None], allowed[None, :], rtol=0.02, atol=0).any(axis=1)
    if bad.any():
        k = int(np.argmax(bad))
        fail(f"anchor {k} has area {area[k]:.6g}, which is not size**2 for any of the sizes", call=call,
             got=f"row {k}: {got[k].tolist()}", expected=f"row {k}: {expected[k].tolist()}",
             why="w = s / sqrt(r) and h = s * sqrt(r) keep the area at s**2 whatever the ratio")
    bad = ~_rows_match(got, expected)
    if bad.any():
        k = int(np.argmax(bad))
        i, j = divmod(k, len(np.atleast_1d(sizes)))
        fail(f"base anchors: {int(bad.sum())} of {n} rows wrong, the first is row {k}", call=call,
             got=f"row {k}: {got[k].tolist()}", expected=f"row {k}: {expected[k].tolist()}",
             extra={"order": f"row {k} = i * len(sizes) + j is ratio aspect_ratios[{i}] with size sizes[{j}]"},
             why=why or "ratio-major order (for r in aspect_ratios: for s in sizes); ratio = h / w; "
                        "rows -w/2, -h/2, w/2, h/2")
    return got


def check_grid(impl, base, feature_shape, stride, offset=None, why=None, either_stride_order=True):
    """Run grid_anchors and compare with the triple loop. A stride pair read width first
    (mmdetection's order) is accepted unless ``either_stride_order=False``: the convention test
    decides that one."""
    __tracebackhide__ = True
    kwargs = {} if offset is None else {"offset": offset}
    call = Call(impl.grid_anchors, base, feature_shape, stride, **kwargs)
    n = feature_shape[0] * feature_shape[1] * len(base)
    got = np.asarray(call.out, np.float64)
    if got.shape != (n, 4):
        fail(f"grid anchors: shape {got.shape}, expected ({n}, 4)", call=call, got=show(call.out),
             why="H * W * A rows: every base anchor at every cell")
    expected = brute_grid(base, feature_shape, stride, offset or 0.0)
    if either_stride_order and np.ndim(stride) == 1:
        swapped = brute_grid(base, feature_shape, tuple(stride)[::-1], offset or 0.0)
        if _rows_match(got, swapped).all():
            return got  # mmdetection's (stride_w, stride_h): the convention test decides it
    bad = ~_rows_match(got, expected)
    if bad.any():
        k = int(np.argmax(bad))
        sy, sx = (stride, stride) if np.ndim(stride) == 0 else stride
        fail(f"grid anchors: {int(bad.sum())} of {n} rows wrong, the first is row {k}", call=call,
             got=f"row {k}: {got[k].tolist()}", expected=f"row {k}: {expected[k].tolist()}",
             extra={"order": describe_row(k, feature_shape, len(base)),
                    "centre": f"cx = (x + offset) * stride_x, cy = (y + offset) * stride_y with "
                              f"stride_y={sy}, stride_x={sx}, offset={offset or 0.0}"},
             why=why)
    return got


# 1. By hand.

def test_square_anchor(impl):
    call = Call(impl.base_anchors, [32], [1.0])
    assert_close(np.asarray(call.out, np.float64), [[-16.0, -16.0, 16.0, 16.0]], call=call,
                 what="base anchors", why="size 32, ratio 1: a 32 x 32 box centred on (0, 0)")


def test_ratio_is_height_over_width_and_order_is_ratio_major(impl):
    call = Call(impl.base_anchors, [8, 16], [0.25, 4.0])
    expected = [[-8, -2, 8, 2],     # r = 0.25, s = 8: w = 8 / 0.5 = 16, h = 8 * 0.5 = 4 (wide)
                [-16, -4, 16, 4],   # r = 0.25, s = 16
                [-2, -8, 2, 8],     # r = 4, s = 8: w = 4, h = 16 (tall)
                [-4, -16, 4, 16]]   # r = 4, s = 16
    assert_close(np.asarray(call.out, np.float64), expected, call=call, what="base anchors",
                 why="aspect ratio = height / width; rows for r in aspect_ratios: for s in sizes; area s**2")


@pytest.mark.convention("base anchors not rounded (torchvision rounds)")
def test_no_rounding(impl):
    h = 10 * math.sqrt(2)  # ratio 2, size 10: w = 10 / sqrt(2) = 7.07, h = 14.14
    call = Call(impl.base_anchors, [10], [2.0])
    assert_close(np.asarray(call.out, np.float64), [[-h / 4, -h / 2, h / 4, h / 2]], call=call,
                 what="base anchors",
                 why="keep the exact coordinates: torchvision rounds them to integers, this kata does not")


@pytest.mark.convention("returns float64 arrays")
def test_returns_float64_arrays(impl):
    for sizes, ratios in (([32, 64], [1, 2]), (np.array([8.0], np.float32), np.array([0.5], np.float32))):
        call = Call(impl.base_anchors, sizes, ratios)
        assert_array(call.out, dtype=np.float64, shape=(len(sizes) * len(ratios), 4), call=call,
                     what="base anchors from int or float32 input")
    base = np.array([[-1, -2, 1, 2]], np.float32)
    for shape in ((2, 3), (0, 3)):
        call = Call(impl.grid_anchors, base, shape, 8)
        assert_array(call.out, dtype=np.float64, shape=(shape[0] * shape[1], 4), call=call,
                     what="grid anchors from a float32 base")


def test_grid_by_hand(impl):
    base = np.array([[-1, -1, 1, 1], [-2, -1, 2, 1]], dtype=np.float64)
    call = Call(impl.grid_anchors, base, (2, 3), 4)  # offset omitted: its default is 0.0
    expected = [[-1, -1, 1, 1], [-2, -1, 2, 1],    # cell (y=0, x=0): centre (0, 0)
                [3, -1, 5, 1], [2, -1, 6, 1],      # cell (0, 1): centre (4, 0)
                [7, -1, 9, 1], [6, -1, 10, 1],     # cell (0, 2): centre (8, 0)
                [-1, 3, 1, 5], [-2, 3, 2, 5],      # cell (1, 0): centre (0, 4)
                [3, 3, 5, 5], [2, 3, 6, 5],        # cell (1, 1)
                [7, 3, 9, 5], [6, 3, 10, 5]]       # cell (1, 2)
    assert_close(np.asarray(call.out, np.float64), expected, call=call, what="grid anchors",
                 why="cells row-major (y outer, x inner), the A anchors of a cell together; with the "
                     "default offset 0 cell (y, x) is centred on (x * stride, y * stride)")


def test_grid_offset_half_centres_the_cells(impl):
    call = Call(impl.grid_anchors, np.array([[-1.0, -1.0, 1.0, 1.0]]), (1, 2), 10, offset=0.5)
    assert_close(np.asarray(call.out, np.float64), [[4, 4, 6, 6], [14, 4, 16, 6]], call=call,
                 what="grid anchors", why="offset 0.5: cell (0, x) is centred on ((x + 0.5) * 10, 0.5 * 10), "
                                         "offset is in cells, not pixels")


@pytest.mark.convention("stride pair is (stride_y, stride_x)")
def test_grid_stride_pair_is_y_then_x(impl):
    check_grid(impl, np.array([[-1.0, -2.0, 1.0, 2.0]]), (2, 3), (8, 4), either_stride_order=False,
               why="stride (stride_y, stride_x) = (8, 4), height first like feature_shape: x moves 4 per "
                   "column, y moves 8 per row (mmdetection's strides are width first; this kata's are not)")


# 2. Against the definitions on seeded random inputs.

@pytest.mark.parametrize("seed", range(4))
def test_base_anchors_match_the_definition(impl, seed):
    rng = np.random.default_rng(seed)
    sizes = rng.uniform(4, 600, rng.integers(1, 5)).tolist()
    ratios = rng.uniform(0.2, 5, rng.integers(1, 5)).tolist()
    check_base(impl, sizes, ratios)


def test_base_anchors_accept_arrays_and_ints(impl):
    check_base(impl, np.array([32, 64, 128]), np.array([0.5, 1.0, 2.0]))
    check_base(impl, (100,), (1, 3))


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (1, 1), (4, 1), (3, 4), (7, 5)])
def test_grid_matches_the_triple_loop(impl, shape):
    rng = np.random.default_rng(sum(shape))
    for stride, offset in [(16, None), ((8, 12), 0.5), (4.5, 0.25), ((32, 16), 0.0)]:
        a = int(rng.integers(1, 5))
        half = rng.uniform(1, 50, (a, 2))
        base = np.concatenate([-half, half], axis=1)
        check_grid(impl, base, shape, stride, offset)


def test_grid_keeps_an_uncentred_base_and_float32(impl):
    base = np.array([[0, 0, 10, 20], [-3, 1, 2, 2]], dtype=np.float32)  # need not be centred
    check_grid(impl, base, (2, 2), 8)


# 4. Properties.

def test_one_cell_at_offset_zero_is_the_base(impl):
    base = np.array([[-5.0, -2.5, 5.0, 2.5], [-1.0, -4.0, 1.0, 4.0]])
    call = Call(impl.grid_anchors, base, (1, 1), 16)
    assert_close(np.asarray(call.out, np.float64), base, call=call, what="grid anchors of a 1 x 1 map",
                 why="cell (0, 0) with offset 0 is centred on (0, 0): the base anchors themselves")


def test_grid_of_base_anchors_end_to_end(impl):
    base = np.asarray(Call(impl.base_anchors, [32, 64], [0.5, 1.0, 2.0]).out, np.float64)
    got = check_grid(impl, base, (3, 4), 16, 0.5)
    cell = got.reshape(3, 4, 6, 4)[2, 1]  # the 6 anchors of cell (y=2, x=1)
    assert_close((cell[:, 0] + cell[:, 2]) / 2, np.full(6, 1.5 * 16), what="centre x of cell (2, 1)")
    assert_close((cell[:, 1] + cell[:, 3]) / 2, np.full(6, 2.5 * 16), what="centre y of cell (2, 1)")


# Bad input: each input below would go through silently without its check.

@pytest.mark.contract("empty or non-positive sizes/ratios: ValueError")
def test_base_anchors_bad_values_raise(impl):
    assert_raises(ValueError, impl.base_anchors, [], [1.0], why="no sizes: an empty (0, 4) result hides the mistake")
    assert_raises(ValueError, impl.base_anchors, [32], [], why="no aspect ratios")
    assert_raises(ValueError, impl.base_anchors, [32, -8], [1.0], why="a size must be > 0")
    assert_raises(ValueError, impl.base_anchors, [32], [0.0, 1.0], why="a ratio of 0 has no width")
    assert_raises(ValueError, impl.base_anchors, [32], [-1.0], why="a ratio must be > 0")


@pytest.mark.contract("base not (A, 4): ValueError")
def test_grid_bad_base_raises(impl):
    assert_raises(ValueError, impl.grid_anchors, np.zeros((2, 1)), (2, 2), 4,
                  why="base must be (A, 4); a (2, 1) array would broadcast silently")
    assert_raises(ValueError, impl.grid_anchors, np.array([-1.0, -1.0, 1.0, 1.0]), (2, 2), 4,
                  why="base must be 2-D (A, 4), not a single (4,) row")


@pytest.mark.contract("feature_shape not two ints >= 0: ValueError")
def test_grid_bad_feature_shape_raises(impl):
    base = np.array([[-1.0, -1.0, 1.0, 1.0]])
    assert_raises(ValueError, impl.grid_anchors, base, (2, -1), 4, why="a negative width")
    assert_raises(ValueError, impl.grid_anchors, base, (2.5, 3), 4, why="a height of 2.5 cells is not an int")


@pytest.mark.contract("stride <= 0: ValueError")
def test_grid_bad_stride_raises(impl):
    base = np.array([[-1.0, -1.0, 1.0, 1.0]])
    assert_raises(ValueError, impl.grid_anchors, base, (2, 2), 0, why="stride 0 piles every cell on (0, 0)")
    assert_raises(ValueError, impl.grid_anchors, base, (2, 2), (8, -4), why="a negative stride_x")


# An extra oracle where torchvision is installed.

def test_matches_torchvision_anchor_generator(impl):
    torchvision = pytest.importorskip("torchvision")
    import torch
    from torchvision.models.detection.anchor_utils import AnchorGenerator

    sizes, ratios = (32, 64, 128), (0.5, 1.0, 2.0)
    gen = AnchorGenerator((sizes,), (ratios,))
    tv_base = gen.generate_anchors(list(sizes), list(ratios), dtype=torch.float64).numpy()
    call = Call(impl.base_anchors, list(sizes), list(ratios))
    assert_close(np.round(call.out), tv_base, call=call, what="base anchors, rounded",
                 why=f"torchvision {torchvision.__version__} rounds its cell anchors; rounded, ours must match")
    gen.cell_anchors = [torch.as_tensor(tv_base)]
    strides = [[torch.tensor(16), torch.tensor(8)]]
    tv_grid = gen.grid_anchors([[3, 5]], strides)[0].numpy()
    call = Call(impl.grid_anchors, tv_base, (3, 5), (16, 8))
    assert_close(call.out, tv_grid, call=call, what="grid anchors",
                 why="torchvision's order: cells row-major, the anchors of a cell together, offset 0")
