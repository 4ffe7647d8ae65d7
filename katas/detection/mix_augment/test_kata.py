"""Tests for detection/mix_augment. Run: pytest katas/detection/mix_augment"""

import math

import numpy as np
import pytest
from scipy import stats

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail
from cvkatas.data import SeededRng


def span(centre, cut, n):
    """[start, end) of a cut of length `cut` starting at centre - cut // 2, clipped to [0, n]."""
    start = centre - cut // 2
    return min(max(start, 0), n), min(max(start + cut, 0), n)


# The statement's draws, replayed.

def cutout_box(seed, h, w, size):
    rng = np.random.default_rng(seed)
    cy, cx = int(rng.integers(h)), int(rng.integers(w))
    return (cy, cx), span(cy, size, h), span(cx, size, w)


def cutmix_draws(seed, h, w, alpha):
    rng = np.random.default_rng(seed)
    lam = rng.beta(alpha, alpha)
    cy, cx = int(rng.integers(h)), int(rng.integers(w))
    cut_h, cut_w = int(h * math.sqrt(1 - lam)), int(w * math.sqrt(1 - lam))
    return lam, (cy, cx), (cut_h, cut_w), span(cy, cut_h, h), span(cx, cut_w, w)


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


def check_cutout(impl, image, seed, size, fill=0):
    __tracebackhide__ = True
    call = Call(impl.cutout, image, SeededRng(seed), size, fill=fill)
    assert_array(call.out, dtype=image.dtype, shape=image.shape, call=call, what="image")
    h, w = image.shape[:2]
    (cy, cx), (y1, y2), (x1, x2) = cutout_box(seed, h, w, size)
    expected = image.copy()
    expected[y1:y2, x1:x2] = fill
    assert_equal(call.out, expected, call=call, what="image",
                 why=f"cy = rng.integers({h}) = {cy}, then cx = rng.integers({w}) = {cx}; rows {cy} - {size} // 2 = "
                     f"{cy - size // 2} .. +{size} clipped to [{y1}, {y2}), columns [{x1}, {x2}); everything else "
                     "unchanged, and nothing wraps around the border")
    return call.out


def test_cutout_by_hand(impl):
    # np.random.default_rng(0) gives cy = rng.integers(6) = 5, then cx = rng.integers(8) = 5.
    image = np.ones((6, 8), np.uint8)
    call = Call(impl.cutout, image, SeededRng(0), 3, fill=0)
    expected = np.ones((6, 8), np.uint8)
    expected[4:6, 4:7] = 0
    assert_equal(call.out, expected, call=call, what="image",
                 why="cy = 5, cx = 5; rows 5 - 3 // 2 = 4 up to 4 + 3 = 7, clipped to 6: rows 4-5; columns 4-6")


@pytest.mark.parametrize("size", [1, 4, 5, 9])
def test_cutout_seeded_and_clipped_at_borders(impl, size):
    rng = np.random.default_rng(size)
    image = rng.integers(1, 255, (7, 10, 3)).astype(np.uint8)
    clipped = 0
    for seed in range(25):
        check_cutout(impl, image, seed, size, fill=0)
        (cy, cx), (y1, y2), (x1, x2) = cutout_box(seed, 7, 10, size)
        clipped += (y2 - y1, x2 - x1) != (size, size)
    if size > 1 and not clipped:
        fail("test self-check: no case touched a border")


def test_cutout_size_zero_and_huge(impl):
    image = np.random.default_rng(1).random((5, 4)).astype(np.float32)
    check_cutout(impl, image, 3, 0)
    out = check_cutout(impl, image, 3, 20, fill=-1.0)
    assert_equal(out, np.full((5, 4), -1.0, np.float32), what="image after a square bigger than the image",
                 why="a 20 x 20 square around any pixel covers the whole 5 x 4 image once clipped")


def test_cutout_bad_input(impl):
    image = np.zeros((4, 4), np.uint8)
    assert_raises(ValueError, impl.cutout, image, None, 2, why="rng must be a numpy Generator")
    assert_raises(ValueError, impl.cutout, image, np.random.default_rng(0), -1, why="size must be >= 0")
    assert_raises(ValueError, impl.cutout, np.zeros(4), np.random.default_rng(0), 2, why="image must be 2-D or 3-D")


# ---------------------------------------------------------------- cutmix


def check_cutmix(impl, a, la, b, lb, seed, alpha=1.0):
    __tracebackhide__ = True
    call = Call(impl.cutmix, a, la, b, lb, SeededRng(seed), alpha=alpha)
    assert_returns(call, "image", "label")
    out, label = call.out
    assert_array(out, dtype=a.dtype, shape=a.shape, call=call, what="image")
    assert_array(label, dtype=np.float64, shape=np.shape(la), call=call, what="label")
    h, w = a.shape[:2]
    lam, (cy, cx), (ch, cw), (y1, y2), (x1, x2) = cutmix_draws(seed, h, w, alpha)
    expected = a.copy()
    expected[y1:y2, x1:x2] = b[y1:y2, x1:x2]
    story = (f"lam = rng.beta({alpha}, {alpha}) = {lam:.6f}, cy = rng.integers({h}) = {cy}, cx = rng.integers({w}) = "
             f"{cx}; cut_h = int({h} * sqrt(1 - lam)) = {ch}, cut_w = int({w} * sqrt(1 - lam)) = {cw}; rows "
             f"[{y1}, {y2}) and columns [{x1}, {x2}) after clipping come from image_b")
    assert_equal(out, expected, call=call, what="image", why=story)
    area = (y2 - y1) * (x2 - x1) / (h * w)
    assert_close(label, (1 - area) * np.asarray(la, float) + area * np.asarray(lb, float), rtol=1e-12, atol=1e-12,
                 call=call, what="label",
                 why=story + f": {(y2 - y1) * (x2 - x1)} of {h * w} pixels come from b, so label = "
                             f"{1 - area:.6f} * label_a + {area:.6f} * label_b (the pasted area, not the sampled lam)")
    return out, label


def test_cutmix_seeded_exact(impl):
    rng = np.random.default_rng(2)
    for shape, dtype in [((12, 20, 3), np.uint8), ((9, 6), np.float32), ((16, 16, 1), np.float64)]:
        a, b = distinct_pair(shape, dtype, rng)
        for seed in range(12):
            check_cutmix(impl, a, one_hot(1, 4), b, one_hot(3, 4), seed)


@pytest.mark.parametrize("alpha", [0.2, 1.0, 5.0])
def test_cutmix_label_weights_equal_pixel_fractions(impl, alpha):
    rng = np.random.default_rng(3)
    a, b = distinct_pair((10, 15, 3), np.uint8, rng)
    la, lb = np.array([0.7, 0.3, 0.0]), np.array([0.0, 0.2, 0.8])
    for seed in range(15):
        call = Call(impl.cutmix, a, la, b, lb, SeededRng(seed), alpha=alpha)
        out, label = call.out
        from_b = (np.asarray(out) == b).all(axis=-1)
        from_a = (np.asarray(out) == a).all(axis=-1)
        if not (from_a | from_b).all():
            fail("some pixels come from neither image", call=call)
        rows, cols = np.flatnonzero(from_b.any(1)), np.flatnonzero(from_b.any(0))
        if from_b.any() and from_b.sum() != rows.size * cols.size:
            fail("the pixels taken from image_b do not form one rectangle", call=call, got=from_b.astype(int))
        frac = from_b.mean()
        # Solve label = wa * la + wb * lb for the two weights (la and lb are independent vectors).
        weights = np.linalg.lstsq(np.stack([la, lb], 1), np.asarray(label, float), rcond=None)[0]
        assert_close(weights, np.array([1 - frac, frac]), rtol=1e-12, atol=1e-12, call=call,
                     what="label weights (on label_a, on label_b)",
                     why=f"{int(from_b.sum())} of {from_b.size} pixels come from image_b: its label must weigh "
                         f"exactly that fraction, {frac:.6f}, and label_a the rest")


def test_cutmix_non_square_uses_height_for_rows(impl):
    rng = np.random.default_rng(4)
    a, b = distinct_pair((6, 30), np.float64, rng)
    for seed in range(10):
        check_cutmix(impl, a, one_hot(0, 2), b, one_hot(1, 2), seed)


def test_cutmix_bad_input(impl):
    a, la = np.zeros((4, 4, 3), np.uint8), one_hot(0, 3)
    gen = np.random.default_rng(0)
    assert_raises(ValueError, impl.cutmix, a, la, np.zeros((4, 5, 3), np.uint8), la, gen, why="shapes differ")
    assert_raises(ValueError, impl.cutmix, a, la, a.astype(np.float32), la, gen, why="dtypes differ")
    assert_raises(ValueError, impl.cutmix, a, la, a, one_hot(0, 4), gen, why="labels differ in length")
    assert_raises(ValueError, impl.cutmix, a, la, a, la, gen, alpha=0.0, why="alpha must be > 0")
    assert_raises(ValueError, impl.cutmix, a, la, a, la, None, why="rng must be a numpy Generator")


# ---------------------------------------------------------------- mixup


def check_mixup(impl, a, la, b, lb, seed, alpha=1.0):
    __tracebackhide__ = True
    call = Call(impl.mixup, a, la, b, lb, SeededRng(seed), alpha=alpha)
    assert_returns(call, "image", "label")
    out, label = call.out
    assert_array(out, dtype=a.dtype, shape=a.shape, call=call, what="image")
    assert_array(label, dtype=np.float64, shape=np.shape(la), call=call, what="label")
    lam = np.random.default_rng(seed).beta(alpha, alpha)
    blend = lam * a.astype(np.float64) + (1 - lam) * b.astype(np.float64)
    story = f"lam = rng.beta({alpha}, {alpha}) = {lam:.9f}, the same for image and label"
    if a.dtype.kind == "f":
        tol = {"rtol": 1e-6, "atol": 1e-6} if a.dtype == np.float32 else {"rtol": 1e-12, "atol": 1e-12}
        assert_close(out, blend.astype(a.dtype), **tol, call=call, what="image", why=story + "; image = lam * a + "
                     "(1 - lam) * b")
    else:
        assert_equal(out, np.rint(blend).astype(a.dtype), call=call, what="image",
                     why=story + f"; image = rint(lam * a + (1 - lam) * b) computed in float64, then back to {a.dtype} "
                                 "(round to nearest, not truncate; a - b in uint8 wraps around)")
    assert_close(label, lam * np.asarray(la, float) + (1 - lam) * np.asarray(lb, float), rtol=1e-12, atol=1e-12,
                 call=call, what="label", why=story + "; label = lam * label_a + (1 - lam) * label_b")
    return out, label


@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
def test_mixup_seeded_exact(impl, dtype):
    rng = np.random.default_rng(5)
    for shape in [(5, 7, 3), (8, 8)]:
        a, b = (rng.integers(0, 256, shape).astype(dtype) for _ in range(2))
        for seed in range(8):
            check_mixup(impl, a, one_hot(2, 5), b, one_hot(0, 5), seed, alpha=float(rng.choice([0.2, 1.0, 4.0])))


def test_mixup_uint8_extremes_do_not_wrap(impl):
    a = np.array([[0, 10, 255, 250]], np.uint8)
    b = np.array([[255, 250, 0, 10]], np.uint8)
    for seed in range(6):
        out, _ = check_mixup(impl, a, one_hot(0, 2), b, one_hot(1, 2), seed)
        if (np.asarray(out).astype(int) < np.minimum(a, b)).any() or (np.asarray(out).astype(int) >
                                                                       np.maximum(a, b)).any():
            fail("a mixed pixel lies outside the range of its two sources", got=out,
                 why="a convex blend of 10 and 250 is between 10 and 250: something wrapped around in uint8")


def test_mixup_image_and_label_share_one_lam(impl):
    rng = np.random.default_rng(6)
    a, b = distinct_pair((6, 6, 3), np.float64, rng)
    la, lb = np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.5, 0.5])
    for seed in range(10):
        call = Call(impl.mixup, a, la, b, lb, SeededRng(seed))
        out, label = call.out
        lam_image = float(np.mean((np.asarray(out) - b) / (a - b)))
        lam_label = float(np.asarray(label)[0])
        assert_close(lam_label, lam_image, rtol=1e-9, atol=1e-12, call=call, what="weight of label_a",
                     why=f"the image is {lam_image:.9f} * image_a + {1 - lam_image:.9f} * image_b, so label_a must "
                         f"weigh {lam_image:.9f} too: one lam for image and label, on the same side")


@pytest.mark.parametrize("alpha", [0.4, 1.0, 4.0])
def test_mixup_lam_follows_beta(impl, alpha):
    a, b = np.ones((1, 1)), np.zeros((1, 1))  # the mixed pixel is lam itself
    lams = np.array([float(np.asarray(Call(impl.mixup, a, one_hot(0, 2), b, one_hot(1, 2), SeededRng(s),
                                           alpha=alpha).out[0])[0, 0]) for s in range(300)])
    p = stats.kstest(lams, stats.beta(alpha, alpha).cdf).pvalue
    if p < 1e-4:
        fail(f"300 draws of lam do not look like Beta({alpha}, {alpha}) (Kolmogorov-Smirnov p = {p:.2g})",
             got=f"mean {lams.mean():.3f}, quartiles {np.quantile(lams, [0.25, 0.5, 0.75]).round(3).tolist()}",
             expected=f"mean 0.5, quartiles {stats.beta(alpha, alpha).ppf([0.25, 0.5, 0.75]).round(3).tolist()}",
             why="lam = rng.beta(alpha, alpha)")


def test_mixup_bad_input(impl):
    a, la = np.zeros((4, 4), np.float32), one_hot(0, 3)
    gen = np.random.default_rng(0)
    assert_raises(ValueError, impl.mixup, a, la, np.zeros((4, 3), np.float32), la, gen, why="shapes differ")
    assert_raises(ValueError, impl.mixup, a, la, a, la, gen, alpha=-1.0, why="alpha must be > 0")
    assert_raises(ValueError, impl.mixup, a, la, a, la, None, why="rng must be a numpy Generator")
