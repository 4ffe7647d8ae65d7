"""Tests for detection/mix_augment. Run: pytest katas/detection/mix_augment

Every draw the statement pins is replayed: the values, and the generator's state after the call
(exactly those calls, nothing else). Correctness tests use even cut sizes (or CutMix seeds whose cuts
come out even), where the CutOut and CutMix authors' box (one pixel short for odd sizes) agrees with
the statement's, and accept a uint8 MixUp rounded either way; each of those conventions, the output
dtypes and "a new array" has one hand-built convention test of its own."""

import math

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail
from cvkatas.data import SeededRng


def span(centre, cut, n, official=False):
    """[start, end) of a cut of length `cut` around `centre`, clipped to [0, n]. The statement's end is
    start + cut; the CutOut / CutMix authors' (and timm's) is centre + cut // 2."""
    start = centre - cut // 2
    end = centre + cut // 2 if official else start + cut
    return min(max(start, 0), n), min(max(end, 0), n)


def same_state(call, rng, replay, calls):
    __tracebackhide__ = True
    if rng.bit_generator.state != replay.bit_generator.state:
        fail("the generator was advanced differently from the stated draws", call=call,
             why=f"exactly {calls} and nothing else: the same seed must give the same result everywhere")


# The statement's draws, replayed.

def cutout_box(seed, h, w, size, official=False):
    rng = np.random.default_rng(seed)
    cy, cx = int(rng.integers(h)), int(rng.integers(w))
    return (cy, cx), span(cy, size, h, official), span(cx, size, w, official), rng


def cutmix_draws(seed, h, w, alpha, official=False):
    rng = np.random.default_rng(seed)
    lam = rng.beta(alpha, alpha)
    cy, cx = int(rng.integers(h)), int(rng.integers(w))
    cut_h, cut_w = int(h * math.sqrt(1 - lam)), int(w * math.sqrt(1 - lam))
    return lam, (cy, cx), (cut_h, cut_w), span(cy, cut_h, h, official), span(cx, cut_w, w, official), rng


def undecided_seeds(h, w, alpha, n):
    """The first n seeds whose CutMix box is the same under both box conventions."""
    seeds = [s for s in range(20 * n) if cutmix_draws(s, h, w, alpha)[3:5] == cutmix_draws(s, h, w, alpha, True)[3:5]]
    return seeds[:n]


def distinct_pair(shape, dtype, rng):
    """Two images that differ at every pixel and channel, so each output pixel tells where it came from."""
    if np.dtype(dtype).kind == "f":
        a = rng.uniform(0, 1, shape)
        return a.astype(dtype), (a + 2.0).astype(dtype)
    a = rng.integers(0, 128, shape)
    return a.astype(dtype), (a + 128).astype(dtype)


def one_hot(k, n):
    v = np.zeros(n)
    v[k] = 1.0
    return v


# ---------------------------------------------------------------- cutout


def check_cutout(impl, image, seed, size, fill=None):
    __tracebackhide__ = True
    rng = SeededRng(seed)
    kwargs = {} if fill is None else {"fill": fill}
    call = Call(impl.cutout, image, rng, size, **kwargs)
    h, w = image.shape[:2]
    (cy, cx), (y1, y2), (x1, x2), replay = cutout_box(seed, h, w, size)
    same_state(call, rng, replay, "rng.integers(H), then rng.integers(W)")
    got = np.asarray(call.out)
    expected = image.copy()
    expected[y1:y2, x1:x2] = 0 if fill is None else fill
    if got.shape != expected.shape:
        fail(f"image: shape {got.shape}, expected {expected.shape}", call=call)
    assert_equal(got, expected, call=call, what="image",
                 why=f"cy = rng.integers({h}) = {cy}, then cx = rng.integers({w}) = {cx}; rows {cy} - {size} // 2 = "
                     f"{cy - size // 2} .. +{size} clipped to [{y1}, {y2}), columns [{x1}, {x2}) get the fill "
                     f"{0 if fill is None else fill}{' (the default)' if fill is None else ''}; everything else "
                     "unchanged, and nothing wraps around the border")
    return call.out


def test_cutout_by_hand(impl):
    # np.random.default_rng(0) gives cy = rng.integers(6) = 5, then cx = rng.integers(8) = 5.
    image = np.ones((6, 8), np.uint8)
    call = Call(impl.cutout, image, SeededRng(0), 4)  # fill left out: 0
    expected = np.ones((6, 8), np.uint8)
    expected[3:6, 3:7] = 0
    assert_equal(np.asarray(call.out), expected, call=call, what="image",
                 why="cy = 5, cx = 5; rows 5 - 4 // 2 = 3 up to 3 + 4 = 7, clipped to 6: rows 3-5; columns 3-6; "
                     "fill defaults to 0")


@pytest.mark.parametrize("size", [2, 4, 6, 10])
def test_cutout_seeded_and_clipped_at_borders(impl, size):
    rng = np.random.default_rng(size)
    images = [rng.integers(1, 255, (7, 10, 3)).astype(np.uint8), rng.integers(-900, 900, (9, 5)).astype(np.int16),
              rng.random((6, 6, 2)).astype(np.float32)]
    clipped = 0
    for seed in range(12):
        image = images[seed % 3]
        check_cutout(impl, image, seed, size, fill=None if seed % 2 else [0, 7, -3.5][seed % 3])
        _, (y1, y2), (x1, x2), _ = cutout_box(seed, *image.shape[:2], size)
        clipped += (y2 - y1, x2 - x1) != (size, size)
    if not clipped:
        fail("test self-check: no case touched a border")


def test_cutout_size_zero_and_huge(impl):
    image = np.random.default_rng(1).random((5, 4)).astype(np.float32)
    check_cutout(impl, image, 3, 0)  # nothing changes, but both numbers are still drawn
    out = check_cutout(impl, image, 3, 20, fill=-1.0)
    assert_equal(np.asarray(out), np.full((5, 4), -1.0, np.float32), what="image after a square bigger than the image",
                 why="a 20 x 20 square around any pixel covers the whole 5 x 4 image once clipped")


@pytest.mark.convention("CutOut odd size: the whole size x size square")
def test_cutout_odd_size_is_a_whole_square(impl):
    image = np.ones((6, 8), np.uint8)
    for size, rows, cols in ((3, (4, 6), (4, 7)), (1, (5, 6), (5, 6))):
        call = Call(impl.cutout, image, SeededRng(0), size)
        expected = image.copy()
        expected[slice(*rows), slice(*cols)] = 0
        assert_equal(np.asarray(call.out), expected, call=call, what="image",
                     why=f"cy = 5, cx = 5; rows 5 - {size} // 2 = {5 - size // 2} up to {5 - size // 2} + {size}, "
                         f"clipped: [{rows[0]}, {rows[1]}); columns [{cols[0]}, {cols[1]}). The CutOut authors' "
                         f"end, centre + size // 2, makes an odd square one pixel short")


@pytest.mark.contract("CutOut bad rng, size or image: ValueError")
def test_cutout_bad_input_raises(impl):
    image, gen = np.zeros((4, 4), np.uint8), np.random.default_rng(0)
    assert_raises(ValueError, impl.cutout, image, gen, -1,
                  why="size must be >= 0 (-1 would silently blank nothing)")
    assert_raises(ValueError, impl.cutout, image, gen, 2.5, why="size must be an integer")
    assert_raises(ValueError, impl.cutout, np.zeros((1, 4, 4, 3)), gen, 2,
                  why="image must be 2-D or 3-D (a batch would silently be cut along its first two axes)")
    assert_raises(ValueError, impl.cutout, np.zeros(4), gen, 2, why="image must be 2-D or 3-D")
    assert_raises(ValueError, impl.cutout, image, np.random.RandomState(0), 2,
                  why="rng must be a numpy.random.Generator")
    assert_raises(ValueError, impl.cutout, image, None, 2, why="rng must be a numpy.random.Generator")


# ---------------------------------------------------------------- cutmix


def check_cutmix(impl, a, la, b, lb, seed, alpha=None):
    __tracebackhide__ = True
    rng = SeededRng(seed)
    call = Call(impl.cutmix, a, la, b, lb, rng, **({} if alpha is None else {"alpha": alpha}))
    alpha = 1.0 if alpha is None else alpha
    h, w = a.shape[:2]
    lam, (cy, cx), (ch, cw), (y1, y2), (x1, x2), replay = cutmix_draws(seed, h, w, alpha)
    same_state(call, rng, replay, "rng.beta(alpha, alpha), rng.integers(H), rng.integers(W)")
    out, label = (np.asarray(v) for v in assert_returns(call, "image", "label"))
    expected = a.copy()
    expected[y1:y2, x1:x2] = b[y1:y2, x1:x2]
    story = (f"lam = rng.beta({alpha}, {alpha}) = {lam:.6f}, cy = rng.integers({h}) = {cy}, cx = rng.integers({w}) = "
             f"{cx}; cut_h = int({h} * sqrt(1 - lam)) = {ch}, cut_w = int({w} * sqrt(1 - lam)) = {cw}; rows "
             f"[{y1}, {y2}) and columns [{x1}, {x2}) after clipping come from image_b")
    if out.shape != a.shape:
        fail(f"image: shape {out.shape}, expected {a.shape}", call=call)
    assert_equal(out, expected, call=call, what="image", why=story)
    area = (y2 - y1) * (x2 - x1) / (h * w)
    assert_close(label, (1 - area) * np.asarray(la, float) + area * np.asarray(lb, float), rtol=1e-6, atol=1e-9,
                 call=call, what="label",
                 why=story + f": {(y2 - y1) * (x2 - x1)} of {h * w} pixels come from b, so label = "
                             f"{1 - area:.6f} * label_a + {area:.6f} * label_b (the pasted area, not the sampled lam)")
    return out, label


@pytest.mark.parametrize("alpha", [None, 0.3, 4.0])
def test_cutmix_seeded_exact(impl, alpha):
    rng = np.random.default_rng(2)
    for shape, dtype in [((12, 20, 3), np.uint8), ((9, 6), np.float32), ((16, 16, 1), np.float64)]:
        a, b = distinct_pair(shape, dtype, rng)
        for seed in undecided_seeds(*shape[:2], 1.0 if alpha is None else alpha, 5):
            check_cutmix(impl, a, one_hot(1, 4), b, one_hot(3, 4), seed, alpha)


def test_cutmix_non_square_uses_height_for_rows(impl):
    a, b = distinct_pair((6, 30), np.float64, np.random.default_rng(4))
    for seed in undecided_seeds(6, 30, 0.5, 6):
        check_cutmix(impl, a, one_hot(0, 2), b, one_hot(1, 2), seed, alpha=0.5)


@pytest.mark.parametrize("alpha", [0.2, 5.0])
def test_cutmix_label_weights_equal_pixel_fractions(impl, alpha):
    rng = np.random.default_rng(3)
    a, b = distinct_pair((10, 15, 3), np.uint8, rng)
    la, lb = np.array([0.7, 0.3, 0.0]), np.array([0.0, 0.2, 0.8])
    for seed in range(10):  # any seed: whatever box was pasted, the label must weigh its pixels
        call = Call(impl.cutmix, a, la, b, lb, SeededRng(seed), alpha=alpha)
        out, label = (np.asarray(v) for v in assert_returns(call, "image", "label"))
        from_b = (out == b).all(axis=-1)
        from_a = (out == a).all(axis=-1)
        if not (from_a | from_b).all():
            fail("some pixels come from neither image", call=call)
        rows, cols = np.flatnonzero(from_b.any(1)), np.flatnonzero(from_b.any(0))
        if from_b.any() and from_b.sum() != rows.size * cols.size:
            fail("the pixels taken from image_b do not form one rectangle", call=call, got=from_b.astype(int))
        frac = from_b.mean()
        # Solve label = wa * la + wb * lb for the two weights (la and lb are independent vectors).
        weights = np.linalg.lstsq(np.stack([la, lb], 1), label.astype(float), rcond=None)[0]
        assert_close(weights, np.array([1 - frac, frac]), rtol=1e-9, atol=1e-9, call=call,
                     what="label weights (on label_a, on label_b)",
                     why=f"{int(from_b.sum())} of {from_b.size} pixels come from image_b: its label must weigh "
                         f"exactly that fraction, {frac:.6f}, and label_a the rest")


@pytest.mark.convention("CutMix odd cut: the whole cut_h x cut_w box")
def test_cutmix_odd_cut_is_pasted_whole(impl):
    # Seed 1 on 10 x 12: lam = 0.4242, cy = 2, cx = 9; cut_h = int(10 * sqrt(0.5758)) = 7, cut_w = 9.
    a, b = np.zeros((10, 12), np.float64), np.ones((10, 12), np.float64)
    call = Call(impl.cutmix, a, one_hot(0, 2), b, one_hot(1, 2), SeededRng(1))
    lam, (cy, cx), (ch, cw), (y1, y2), (x1, x2), _ = cutmix_draws(1, 10, 12, 1.0)
    assert (ch % 2, cw % 2) == (1, 1), "test self-check: both cuts odd"
    expected = a.copy()
    expected[y1:y2, x1:x2] = 1.0
    out, label = assert_returns(call, "image", "label")
    why = (f"lam = {lam:.4f}, cy = {cy}, cx = {cx}, cut_h = {ch}, cut_w = {cw}: rows {cy} - {ch} // 2 = {y1} up to "
           f"{y1} + {ch} = {y2}, columns [{x1}, {x2}); the CutMix authors' rand_bbox and timm end at "
           f"centre + cut // 2, one pixel short for odd cuts")
    assert_equal(np.asarray(out), expected, call=call, what="image", why=why)
    area = (y2 - y1) * (x2 - x1) / 120
    assert_close(np.asarray(label, float), [1 - area, area], rtol=1e-6, call=call, what="label", why=why)


@pytest.mark.contract("CutMix bad images, labels, alpha or rng: ValueError")
def test_cutmix_bad_input_raises(impl):
    a, la, gen = np.zeros((4, 4, 3), np.uint8), one_hot(0, 3), np.random.default_rng(0)
    assert_raises(ValueError, impl.cutmix, a, la, np.zeros((4, 5, 3), np.uint8), la, gen, why="shapes differ")
    assert_raises(ValueError, impl.cutmix, a, la, np.zeros((5, 4, 3), np.uint8), la, gen, why="shapes differ")
    assert_raises(ValueError, impl.cutmix, a, la, a.astype(np.float32), la, gen,
                  why="dtypes differ (float32 pixels would be cast into uint8)")
    assert_raises(ValueError, impl.cutmix, a, np.ones(1), a, la, gen,
                  why="labels differ in length (1 and 3 would broadcast)")
    assert_raises(ValueError, impl.cutmix, a, la[None], a, la[None], gen, why="labels must be 1-D")
    assert_raises(ValueError, impl.cutmix, a, la, a, la, gen, alpha=0.0, why="alpha must be > 0")
    assert_raises(ValueError, impl.cutmix, a, la, a, la, np.random.RandomState(0),
                  why="rng must be a numpy.random.Generator")


# ---------------------------------------------------------------- mixup


def check_mixup(impl, a, la, b, lb, seed, alpha=None):
    __tracebackhide__ = True
    rng = SeededRng(seed)
    call = Call(impl.mixup, a, la, b, lb, rng, **({} if alpha is None else {"alpha": alpha}))
    alpha = 1.0 if alpha is None else alpha
    replay = np.random.default_rng(seed)
    lam = replay.beta(alpha, alpha)
    same_state(call, rng, replay, "one rng.beta(alpha, alpha)")
    out, label = (np.asarray(v) for v in assert_returns(call, "image", "label"))
    blend = lam * a.astype(np.float64) + (1 - lam) * b.astype(np.float64)
    story = f"lam = rng.beta({alpha}, {alpha}) = {lam:.9f}, the same for image and label"
    if out.shape != a.shape:
        fail(f"image: shape {out.shape}, expected {a.shape}", call=call)
    if a.dtype.kind == "f":
        assert_close(out, blend, rtol=1e-6, atol=1e-6, call=call, what="image",
                     why=story + "; image = lam * a + (1 - lam) * b")
    else:  # rounded or truncated: the convention test decides; no wrap-around, no other value
        bad = np.abs(out.astype(np.float64) - blend) >= 1
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(bad)[0])
            fail(f"image: pixel {idx} is {out[idx]}, but lam * a + (1 - lam) * b = {blend[idx]:.4f} there", call=call,
                 why=story + "; compute the blend in float64 (a - b in uint8 wraps around), then round")
    assert_close(label, lam * np.asarray(la, float) + (1 - lam) * np.asarray(lb, float), rtol=1e-6, atol=1e-9,
                 call=call, what="label", why=story + "; label = lam * label_a + (1 - lam) * label_b")
    return out, label


@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
def test_mixup_seeded(impl, dtype):
    rng = np.random.default_rng(5)
    for shape in [(5, 7, 3), (8, 8)]:
        a, b = (rng.integers(0, 256, shape).astype(dtype) for _ in range(2))
        for seed, alpha in enumerate((None, 0.2, 4.0, 1.0)):
            check_mixup(impl, a, one_hot(2, 5), b, one_hot(0, 5), seed, alpha=alpha)


def test_mixup_uint8_extremes_do_not_wrap(impl):
    a = np.array([[0, 10, 255, 250]], np.uint8)
    b = np.array([[255, 250, 0, 10]], np.uint8)
    for seed in range(4):
        check_mixup(impl, a, one_hot(0, 2), b, one_hot(1, 2), seed)


def test_mixup_image_and_label_share_one_lam(impl):
    a, b = distinct_pair((6, 6, 3), np.float64, np.random.default_rng(6))
    la, lb = np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.5, 0.5])
    for seed in range(5):
        call = Call(impl.mixup, a, la, b, lb, SeededRng(seed), alpha=0.7)
        out, label = assert_returns(call, "image", "label")
        lam_image = float(np.mean((np.asarray(out) - b) / (a - b)))
        lam_label = float(np.asarray(label)[0])
        assert_close(lam_label, lam_image, rtol=1e-9, atol=1e-12, call=call, what="weight of label_a",
                     why=f"the image is {lam_image:.9f} * image_a + {1 - lam_image:.9f} * image_b, so label_a must "
                         f"weigh {lam_image:.9f} too: one lam for image and label, on the same side")


@pytest.mark.convention("uint8 MixUp: rounded to nearest (np.rint)")
def test_mixup_uint8_rounds_to_nearest(impl):
    # Seed 0: lam = rng.beta(1, 1) = 0.7025; the blends are 75.87, 179.13, 70.25, 170.25 and 238.64.
    a = np.array([[0, 255, 100, 200, 255]], np.uint8)
    b = np.array([[255, 0, 0, 100, 200]], np.uint8)
    call = Call(impl.mixup, a, one_hot(0, 2), b, one_hot(1, 2), SeededRng(0))
    lam = np.random.default_rng(0).beta(1.0, 1.0)
    blend = lam * a.astype(float) + (1 - lam) * b.astype(float)
    assert (np.abs(blend - np.floor(blend) - 0.5) > 0.05).all() and (blend - np.floor(blend) > 0.5).any()
    assert_equal(np.asarray(assert_returns(call, "image", "label")[0]), np.rint(blend).astype(np.uint8), call=call,
                 what="image", why=f"lam = {lam:.4f}; blends {np.round(blend, 2).tolist()} round to the nearest "
                                   "integer, not down (YOLOv5's .astype(np.uint8) truncates)")


@pytest.mark.convention("image comes back in its own dtype")
def test_images_keep_their_dtype(impl):
    rng = np.random.default_rng(8)
    for dtype in (np.uint8, np.int16, np.float32):
        a, b = (rng.integers(0, 200, (3, 4, 2)).astype(dtype) for _ in range(2))
        calls = [Call(impl.cutout, a, SeededRng(1), 2),
                 Call(impl.cutmix, a, one_hot(0, 2), b, one_hot(1, 2), SeededRng(1)),
                 Call(impl.mixup, a, one_hot(0, 2), b, one_hot(1, 2), SeededRng(1))]
        for i, call in enumerate(calls):  # calls[0] is cutout: an image alone, not a tuple
            out = call.out if i == 0 else assert_returns(call, "image", "label")[0]
            assert_array(out, dtype=dtype, shape=a.shape, call=call, what=f"image ({np.dtype(dtype).name} in)")


@pytest.mark.contract("MixUp bad images, labels, alpha or rng: ValueError")
def test_mixup_bad_input_raises(impl):
    a, la, gen = np.zeros((4, 4), np.float32), one_hot(0, 3), np.random.default_rng(0)
    assert_raises(ValueError, impl.mixup, a, la, np.zeros((1, 4), np.float32), la, gen,
                  why="shapes differ ((1, 4) would broadcast)")
    assert_raises(ValueError, impl.mixup, a, la, a.astype(np.float64), la, gen, why="dtypes differ")
    assert_raises(ValueError, impl.mixup, a, np.ones(1), a, la, gen,
                  why="labels differ in length (1 and 3 would broadcast)")
    assert_raises(ValueError, impl.mixup, a, la, a, la, gen, alpha=-1.0, why="alpha must be > 0")
    assert_raises(ValueError, impl.mixup, a, la, a, la, np.random.RandomState(0),
                  why="rng must be a numpy.random.Generator (a RandomState has beta too, but another stream)")


# ---------------------------------------------------------------- all three


@pytest.mark.convention("labels come back float64 (K,)")
def test_labels_are_float64(impl):
    a, b = distinct_pair((6, 6), np.float32, np.random.default_rng(9))
    for la, lb in ((one_hot(0, 3).astype(np.float32), one_hot(2, 3).astype(np.float32)),
                   (np.array([1, 0, 0], np.int32), np.array([0, 0, 1], np.int32))):
        for fn in (impl.cutmix, impl.mixup):
            call = Call(fn, a, la, b, lb, SeededRng(2))
            assert_array(assert_returns(call, "image", "label")[1], dtype=np.float64, shape=(3,), call=call,
                         what=f"label ({la.dtype} labels in)")


@pytest.mark.convention("a new image every call, never the input")
def test_returns_a_new_image(impl):
    image = np.arange(12, dtype=np.float64).reshape(3, 4)
    calls = [Call(impl.cutout, image, SeededRng(0), 0),  # nothing blanked
             # lam ~ 1: nothing pasted
             Call(impl.cutmix, image, one_hot(0, 2), image.copy(), one_hot(1, 2), SeededRng(0), alpha=0.05),
             Call(impl.mixup, image, one_hot(0, 2), image.copy(), one_hot(1, 2), SeededRng(0))]
    for i, call in enumerate(calls):  # calls[0] is cutout: an image alone, not a tuple
        out = call.out if i == 0 else assert_returns(call, "image", "label")[0]
        if isinstance(out, np.ndarray) and np.shares_memory(out, image):
            fail(f"{call.name} returned the input image (or a view of it)", call=call,
                 why="a caller that edits the result must not change its own image")
