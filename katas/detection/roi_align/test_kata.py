"""Tests for detection/roi_align. Run: pytest katas/detection/roi_align

Random RoIs have continuous corners, so no sample lands exactly on a border of the rule (y = -1,
y = H, a pixel index); correctness tests read values whatever the dtype, and that the output keeps
the features' dtype is a convention test."""

import math

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises

# The oracle: steps 1-7 of the statement, literally, one sample point at a time, in float64.


def pair(output_size):
    return (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)


def geometry(roi, out_h, out_w, scale, ratio, aligned):
    """Where one RoI samples: the scaled corners, sizes, bin sizes and grid (steps 1-4)."""
    b, x1, y1, x2, y2 = [float(v) for v in roi]
    off = 0.5 if aligned else 0.0
    x1, y1, x2, y2 = x1 * scale - off, y1 * scale - off, x2 * scale - off, y2 * scale - off
    roi_w, roi_h = x2 - x1, y2 - y1
    if not aligned:
        roi_w, roi_h = max(roi_w, 1.0), max(roi_h, 1.0)
    grid_h = ratio if ratio > 0 else math.ceil(roi_h / out_h)
    grid_w = ratio if ratio > 0 else math.ceil(roi_w / out_w)
    return {"b": int(b), "x1": x1, "y1": y1, "roi_w": roi_w, "roi_h": roi_h, "bin_w": roi_w / out_w,
            "bin_h": roi_h / out_h, "grid_h": grid_h, "grid_w": grid_w}


def sample_points(g, ph, pw):
    """The sample points (y, x) of bin (ph, pw) (step 5)."""
    ys = [g["y1"] + ph * g["bin_h"] + (iy + 0.5) * g["bin_h"] / g["grid_h"] for iy in range(g["grid_h"])]
    xs = [g["x1"] + pw * g["bin_w"] + (ix + 0.5) * g["bin_w"] / g["grid_w"] for ix in range(g["grid_w"])]
    return [(y, x) for y in ys for x in xs]


def bilinear(fmap, y, x):
    """Step 6 for one point: `fmap` is (C, H, W); returns the C values at (y, x)."""
    _, h, w = fmap.shape
    if y < -1 or y > h or x < -1 or x > w:
        return np.zeros(len(fmap))
    y, x = max(y, 0.0), max(x, 0.0)
    y_low, x_low = math.floor(y), math.floor(x)
    if y_low >= h - 1:
        y_low = y_high = h - 1
        y = float(y_low)
    else:
        y_high = y_low + 1
    if x_low >= w - 1:
        x_low = x_high = w - 1
        x = float(x_low)
    else:
        x_high = x_low + 1
    ly, lx = y - y_low, x - x_low
    return ((1 - ly) * (1 - lx) * fmap[:, y_low, x_low] + (1 - ly) * lx * fmap[:, y_low, x_high]
            + ly * (1 - lx) * fmap[:, y_high, x_low] + ly * lx * fmap[:, y_high, x_high])


def expected_roi_align(features, rois, output_size, scale, ratio, aligned):
    features = np.asarray(features, np.float64)
    out_h, out_w = pair(output_size)
    out = np.zeros((len(rois), features.shape[1], out_h, out_w))
    for k, roi in enumerate(np.asarray(rois, np.float64)):
        g = geometry(roi, out_h, out_w, scale, ratio, aligned)
        if g["grid_h"] <= 0 or g["grid_w"] <= 0:
            continue  # no samples: 0
        for ph in range(out_h):
            for pw in range(out_w):
                total = sum(bilinear(features[g["b"]], y, x) for y, x in sample_points(g, ph, pw))
                out[k, :, ph, pw] = total / (g["grid_h"] * g["grid_w"])
    return out


def explain(features, rois, output_size, scale, ratio, aligned, k, ph, pw) -> str:
    """Where bin (ph, pw) of RoI k samples, to point at the step that went wrong."""
    h, w = features.shape[2:]
    out_h, out_w = pair(output_size)
    g = geometry(rois[k], out_h, out_w, scale, ratio, aligned)
    text = (f"RoI {k} reads image {g['b']}; on the feature map it starts at x1'={g['x1']:.6g}, "
            f"y1'={g['y1']:.6g} with roi_w={g['roi_w']:.6g}, roi_h={g['roi_h']:.6g} "
            f"({'shifted by -0.5, no minimum size' if aligned else 'no shift, at least 1 x 1'}); "
            f"bins of {g['bin_h']:.6g} x {g['bin_w']:.6g}, a {g['grid_h']} x {g['grid_w']} sample grid "
            f"({'sampling_ratio' if ratio > 0 else 'adaptive: ceil(roi size / output size)'})")
    if g["grid_h"] <= 0 or g["grid_w"] <= 0:
        return text + ", so there are no samples and the bin is 0"
    pts = sample_points(g, ph, pw)
    ys, xs = sorted({round(y, 6) for y, _ in pts}), sorted({round(x, 6) for _, x in pts})
    outside = sum(1 for y, x in pts if y < -1 or y > h or x < -1 or x > w)
    return (text + f"; bin ({ph}, {pw}) samples y in {ys[:6]}{'...' if len(ys) > 6 else ''} and x in "
            f"{xs[:6]}{'...' if len(xs) > 6 else ''}; {outside} of its {len(pts)} samples lie more "
            f"than a pixel outside the {h} x {w} map (they are 0 but still count in the average)")


def check(impl, features, rois, output_size, scale=1.0, ratio=-1, aligned=False, *, expected=None, why=None,
          rtol=1e-5, atol=1e-6):
    """Run the candidate, check the output's form, and compare with `expected` or the oracle."""
    __tracebackhide__ = True
    call = Call(impl.roi_align, features, rois, output_size, spatial_scale=scale, sampling_ratio=ratio,
                aligned=aligned)
    out_h, out_w = pair(output_size)
    assert_array(call.out, shape=(len(rois), features.shape[1], out_h, out_w), call=call)
    if expected is None:
        expected = expected_roi_align(features, rois, output_size, scale, ratio, aligned)
    expected = np.broadcast_to(np.asarray(expected, np.float64), call.out.shape)
    bad = ~(np.abs(call.out.astype(np.float64) - expected) <= atol + rtol * np.abs(expected))
    if bad.any() and why is None:
        k, _, ph, pw = (int(i) for i in np.argwhere(bad)[0])
        why = explain(features, rois, output_size, scale, ratio, aligned, k, ph, pw)
    assert_close(call.out, expected, rtol=rtol, atol=atol, call=call, why=why)
    return call.out


def random_rois(rng, k, n, h, w, scale):
    """RoIs in image coordinates: inside, partly outside, tiny, large, and a few with x2 < x1."""
    x1 = rng.uniform(-3, w + 1, k)
    y1 = rng.uniform(-3, h + 1, k)
    bw = np.exp(rng.uniform(np.log(0.2), np.log(w + 2), k)) * np.where(rng.random(k) < 0.1, -1, 1)
    bh = np.exp(rng.uniform(np.log(0.2), np.log(h + 2), k))
    rois = np.stack([rng.integers(0, n, k), x1, y1, x1 + bw, y1 + bh], axis=1) / [1, scale, scale, scale, scale]
    return rois


# 1. Small cases you can check on paper.

@pytest.mark.parametrize("aligned", [False, True])
def test_constant_map_gives_the_constant(impl, aligned):
    features = np.full((1, 2, 5, 6), 3.5, dtype=np.float32)
    rois = np.array([[0, 0, 0, 5, 4], [0, 1.5, 0.5, 3.25, 3], [0, -0.5, -0.5, 5.5, 4.5]], dtype=np.float32)
    for size in (2, (3, 2)):
        check(impl, features, rois, size, aligned=aligned, expected=3.5,
              why="every sample lies within one pixel of the map and interpolation weights sum to 1")


@pytest.mark.parametrize("aligned", [False, True])
@pytest.mark.parametrize("ratio", [-1, 2, 3])
def test_linear_ramp_gives_the_bin_centres(impl, aligned, ratio):
    # Channel 0 is 2x + 3y + 1, channel 1 is 0.5y - x: bilinear sampling reproduces a linear map
    # exactly, and a bin's samples are symmetric about its centre, so each bin is the map there.
    y, x = np.mgrid[0:6, 0:8].astype(np.float64)
    features = np.stack([2 * x + 3 * y + 1, 0.5 * y - x])[None]
    rois = np.array([[0, 1, 1, 13, 9], [0, 2.5, 3, 7.5, 8.25], [0, 4, 2, 4.5, 2.25], [0, 6, 1.5, 11, 5]])
    scale, off = 0.5, 0.5 if aligned else 0.0
    out_h, out_w = 3, 2
    want = np.zeros((len(rois), 2, out_h, out_w))
    for k, (_, x1, y1, x2, y2) in enumerate(rois * scale - off):
        roi_w, roi_h = (x2 - x1, y2 - y1) if aligned else (max(x2 - x1, 1), max(y2 - y1, 1))
        cx = x1 + (np.arange(out_w) + 0.5) * roi_w / out_w
        cy = y1 + (np.arange(out_h) + 0.5) * roi_h / out_h
        want[k, 0] = 2 * cx + 3 * cy[:, None] + 1
        want[k, 1] = 0.5 * cy[:, None] - cx
    check(impl, features, rois, (out_h, out_w), scale, ratio, aligned, expected=want,
          why=f"a linear map sampled symmetrically about a bin's centre gives its value at the centre "
              f"x1' + (pw + 0.5) * bin_w, y1' + (ph + 0.5) * bin_h, with x1' = x1 * spatial_scale"
              f"{' - 0.5 (aligned)' if aligned else ' (not aligned: no shift; width and height at least 1)'}")


@pytest.mark.parametrize("aligned", [False, True])
def test_half_pixel_shift_when_aligned(impl, aligned):
    features = np.arange(8, dtype=np.float64).reshape(1, 1, 1, 8)  # the value is x
    rois = np.array([[0, 0, 0, 4, 1]], dtype=np.float64)
    expected = [0.5, 2.5] if aligned else [1.0, 3.0]
    check(impl, features, rois, (1, 2), aligned=aligned, expected=np.reshape(expected, (1, 1, 1, 2)),
          why="aligned=True moves the box to x in [-0.5, 3.5], so the bin centres are 0.5 and 2.5; "
              "aligned=False keeps [0, 4] with centres 1 and 3" if aligned else
              "aligned=False keeps the box at x in [0, 4]: bin centres 1 and 3 (no -0.5 shift)")


def test_sampling_grid_is_adaptive_per_roi(impl):
    # One row; a single 1 at x = 2. RoI 0 spans x in [0, 4]: ceil(4 / 1) = 4 samples at 0.5, 1.5,
    # 2.5, 3.5 read 0, 0.5, 0.5, 0 -> 0.25. RoI 1 spans [1.5, 2.5]: one sample at x = 2 -> 1.
    features = np.zeros((1, 1, 1, 6))
    features[0, 0, 0, 2] = 1.0
    rois = np.array([[0, 0, 0, 4, 1], [0, 1.5, 0, 2.5, 1]], dtype=np.float64)
    check(impl, features, rois, 1, expected=np.reshape([0.25, 1.0], (2, 1, 1, 1)),
          why="with sampling_ratio <= 0 each RoI gets its own grid ceil(roi_w / out_w): 4 samples for "
              "RoI 0 (average 0.25, not a max), 1 sample for RoI 1 (exactly on the spike)")


# One sample exactly at (y, x): a 1 x 1 RoI centred there, one bin, sampling_ratio 1.
PROBES = {
    "inside": (1.5, 0.5, (16 + 32 + 256 + 512) / 4, "halfway between rows 1, 2 and columns 0, 1"),
    "y_in_-1_0_reads_row_0": (-0.5, 1.0, 2.0, "-1 <= y <= 0 is clamped to y = 0: f[0, 1]"),
    "y_exactly_-1_reads_row_0": (-1.0, 1.0, 2.0, "y = -1 is not below -1: clamped to row 0"),
    "y_below_-1_is_zero": (-1.25, 1.0, 0.0, "y < -1 lies more than a pixel outside: the sample is 0"),
    "y_in_H-1_H_reads_last_row": (2.5, 1.0, 512.0, "H - 1 <= y <= H reads row H - 1 = 2 only"),
    "y_exactly_H_reads_last_row": (3.0, 1.0, 512.0, "y = H = 3 is not above H: row 2"),
    "y_above_H_is_zero": (3.25, 1.0, 0.0, "y > H lies more than a pixel outside: 0"),
    "x_in_-1_0_reads_column_0": (1.0, -0.75, 16.0, "-1 <= x <= 0 is clamped to column 0"),
    "x_in_W-1_W_reads_last_column": (1.0, 3.5, 128.0, "W - 1 <= x <= W reads column 3 only"),
    "x_above_W_is_zero": (1.0, 4.5, 0.0, "x > W = 4: 0"),
    "x_below_-1_is_zero": (1.0, -2.0, 0.0, "x < -1: 0"),
    "corner_clamped_both_ways": (-0.5, 3.75, 8.0, "y clamped to row 0 and x to column 3: f[0, 3]"),
    "bottom_edge_between_columns": (2.5, 0.5, (256 + 512) / 2, "row 2, halfway between columns 0 and 1"),
}


@pytest.mark.parametrize("probe", list(PROBES))
def test_border_rule_at_one_point(impl, probe):
    y, x, value, why = PROBES[probe]
    features = (2.0 ** np.arange(12)).reshape(1, 1, 3, 4)  # f[i, j] = 2 ** (4 i + j), H = 3, W = 4
    rois = np.array([[0, x - 0.5, y - 0.5, x + 0.5, y + 0.5]])
    check(impl, features, rois, 1, ratio=1, expected=value,
          why=f"the only sample is at (y, x) = ({y}, {x}): {why}")


@pytest.mark.parametrize("ratio", [4, -1])
def test_samples_outside_still_count_in_the_average(impl, ratio):
    # A constant map of ones, 2 x 3. The RoI spans x in [-6, 2]: with 4 samples per axis they sit
    # at x = -5, -3, -1, 1, and the two beyond -1 are 0 -> 8 / 16. Adaptively 8 x 2 samples at
    # x = -5.5 ... 1.5, of which 3 are within the band -> 3 / 8.
    features = np.ones((1, 1, 2, 3))
    rois = np.array([[0, -6, 0, 2, 2]], dtype=np.float64)
    check(impl, features, rois, 1, ratio=ratio, expected=0.5 if ratio == 4 else 0.375,
          why="samples with x < -1 are 0 and still count: divide by grid_h * grid_w, not by the "
              "number of samples inside")


def test_tiny_and_empty_rois(impl):
    features = np.arange(8, dtype=np.float64).reshape(1, 1, 1, 8)  # the value is x
    rois = np.array([[0, 2, 0, 2.25, 0.25]])
    check(impl, features, rois, (1, 2), expected=np.reshape([2.25, 2.75], (1, 1, 1, 2)),
          why="not aligned: the 0.25 x 0.25 box is widened to 1 x 1 from its top-left corner, so x in "
              "[2, 3] with bin centres 2.25 and 2.75")
    check(impl, features, np.array([[0, 2, 0, 2, 1]]), (1, 2), aligned=True, expected=0.0,
          why="aligned: a box of width 0 keeps width 0, so grid_w = ceil(0 / 2) = 0: no samples, 0")


def test_spatial_scale_and_batch_index(impl):
    y, x = np.mgrid[0:4, 0:4].astype(np.float64)
    features = np.stack([x + 10 * y, x + 10 * y + 100])[:, None]  # image 1 is image 0 + 100
    rois = np.array([[1, 0, 0, 8, 8], [0, 4, 4, 12, 12]], dtype=np.float64)
    check(impl, features, rois, 1, scale=0.25, ratio=2, expected=np.reshape([111.0, 22.0], (2, 1, 1, 1)),
          why="spatial_scale 0.25 maps [0, 0, 8, 8] to [0, 0, 2, 2] (centre (1, 1)) on image 1 and "
              "[4, 4, 12, 12] to [1, 1, 3, 3] (centre (2, 2)) on image 0; the batch index is never scaled")


# 2. Against the oracle on seeded random inputs.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("aligned", [False, True])
@pytest.mark.parametrize("ratio", [-1, 1, 3])
def test_matches_per_sample_oracle(impl, dtype, aligned, ratio):
    rng = np.random.default_rng(100 * aligned + 10 * (ratio + 1) + (dtype == np.float32))
    features = rng.normal(size=(2, 3, 7, 9)).astype(dtype)
    for size in (1, (2, 3)):
        rois = random_rois(rng, 10, 2, 7, 9, scale=0.5).astype(dtype)
        check(impl, features, rois, size, 0.5, ratio, aligned)


def test_single_roi_and_no_rois(impl):
    rng = np.random.default_rng(5)
    features = rng.normal(size=(1, 4, 6, 5)).astype(np.float32)
    check(impl, features, np.array([[0, 1.3, 0.7, 8.9, 9.4]], np.float32), 3, 0.5)
    call = Call(impl.roi_align, features, np.zeros((0, 5), np.float32), (2, 3))
    assert_array(call.out, shape=(0, 4, 2, 3), call=call, what="result for no RoIs")


# 4. Properties.

def test_linear_in_the_features(impl):
    rng = np.random.default_rng(6)
    f1, f2 = rng.normal(size=(2, 1, 2, 6, 7))
    rois = random_rois(rng, 8, 1, 6, 7, scale=1.0)
    a = Call(impl.roi_align, f1, rois, 2, sampling_ratio=2)
    b = Call(impl.roi_align, f2, rois, 2, sampling_ratio=2)
    both = Call(impl.roi_align, 2 * f1 - 3 * f2, rois, 2, sampling_ratio=2)
    assert_close(both.out, 2 * a.out - 3 * b.out, call=both, what="roi_align(2 f1 - 3 f2)",
                 why="interpolation and averaging are linear, so roi_align(2 f1 - 3 f2) = "
                     "2 roi_align(f1) - 3 roi_align(f2); a max over samples is not")


def test_mirror_symmetry_when_aligned(impl):
    # Flipping the map left-right and mirroring the boxes flips the output: with aligned=True the
    # samples are placed symmetrically within every bin and the border rule is symmetric too.
    rng = np.random.default_rng(7)
    features = rng.normal(size=(1, 2, 5, 8))
    rois = random_rois(rng, 8, 1, 5, 8, scale=1.0)
    mirrored = rois.copy()
    mirrored[:, 1], mirrored[:, 3] = 8 - rois[:, 3], 8 - rois[:, 1]
    base = Call(impl.roi_align, features, rois, (2, 3), aligned=True)
    flip = Call(impl.roi_align, features[..., ::-1].copy(), mirrored, (2, 3), aligned=True)
    assert_close(flip.out, base.out[..., ::-1], call=flip, what="output for the mirrored map and boxes",
                 why="pixel j sits at x = j, so the mirror of x is W - 1 - x: an aligned box [x1, x2] maps "
                     "to [W - x2, W - x1]; the output must be the original's mirror image")


# 5. Bad input.

@pytest.mark.convention("output dtype is the features' dtype")
def test_output_keeps_the_features_dtype(impl):
    rng = np.random.default_rng(21)
    for dtype, roi_dtype in ((np.float32, np.float64), (np.float64, np.float32), (np.float32, np.float32)):
        features = rng.normal(size=(2, 3, 6, 7)).astype(dtype)
        rois = random_rois(rng, 4, 2, 6, 7, scale=1.0).astype(roi_dtype)
        for k in (4, 0):
            call = Call(impl.roi_align, features, rois[:k], (2, 3), aligned=True)
            assert_array(call.out, dtype=np.dtype(dtype), shape=(k, 3, 2, 3), call=call)


@pytest.mark.contract("features not (N, C, H>0, W>0) or rois not (K, 5): ValueError")
def test_bad_shapes_raise_value_error(impl):
    features = np.zeros((2, 1, 4, 4))
    roi = np.array([[0, 0, 0, 2, 2]], dtype=np.float64)
    assert_raises(ValueError, impl.roi_align, np.zeros((1, 4, 4)), roi, 2, why="features must be 4-D")
    assert_raises(ValueError, impl.roi_align, np.zeros((2, 1, 0, 4)), roi, 2, why="H = 0: nothing to sample")
    assert_raises(ValueError, impl.roi_align, features, roi[:, 1:], 2, why="rois must be (K, 5)")
    assert_raises(ValueError, impl.roi_align, features, np.zeros((1, 6)), 2, why="rois must be (K, 5)")


@pytest.mark.contract("batch index not a whole number in [0, N): ValueError")
def test_bad_batch_index_raises_value_error(impl):
    features = np.zeros((2, 1, 4, 4))
    assert_raises(ValueError, impl.roi_align, features, np.array([[2, 0, 0, 2, 2.0]]), 2,
                  why="batch index 2 does not exist in a batch of 2")
    # int(0.5) would silently read image 0, and -1 would silently read the last image
    assert_raises(ValueError, impl.roi_align, features, np.array([[0.5, 0, 0, 2, 2]]), 2,
                  why="a batch index must be a whole number")
    assert_raises(ValueError, impl.roi_align, features, np.array([[-1, 0, 0, 2, 2.0]]), 2,
                  why="batch index -1 is not in [0, 2)")


@pytest.mark.contract("output_size not positive: ValueError")
def test_bad_output_size_raises_value_error(impl):
    features = np.zeros((2, 1, 4, 4))
    roi = np.array([[0, 0, 0, 2, 2]], dtype=np.float64)
    assert_raises(ValueError, impl.roi_align, features, roi, (2, 0), why="output_size must be positive")
    assert_raises(ValueError, impl.roi_align, features, roi, 0, why="output_size must be positive")


# An extra oracle where torchvision is installed.

@pytest.mark.parametrize("aligned", [False, True])
@pytest.mark.parametrize("ratio", [-1, 2])
def test_matches_torchvision(impl, aligned, ratio):
    tv = pytest.importorskip("torchvision")
    import torch

    rng = np.random.default_rng(8 + ratio + 3 * aligned)
    features = rng.normal(size=(2, 3, 9, 11))
    rois = random_rois(rng, 20, 2, 9, 11, scale=0.25)
    want = tv.ops.roi_align(torch.from_numpy(features), torch.from_numpy(rois), (3, 2), spatial_scale=0.25,
                            sampling_ratio=ratio, aligned=aligned).numpy()
    check(impl, features, rois, (3, 2), 0.25, ratio, aligned, expected=want)


# 7. Speed.

@pytest.mark.perf
def test_speed_60_rois(impl, reference, speed):
    rng = np.random.default_rng(0)
    features = rng.normal(size=(2, 16, 50, 68)).astype(np.float32)  # stride 16 on an 800 x 1088 image
    size = np.exp(rng.uniform(np.log(32), np.log(512), (60, 2)))  # proposal sizes in pixels
    centre = rng.uniform(0, [1088, 800], (60, 2))
    boxes = np.clip(np.concatenate([centre - size / 2, centre + size / 2], axis=1), 0, [1088, 800] * 2)
    rois = np.concatenate([rng.integers(0, 2, (60, 1)), boxes], axis=1).astype(np.float32)
    speed(impl.roi_align, reference.roi_align, features, rois, 7, 1 / 16, -1, True)
