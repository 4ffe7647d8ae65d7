"""Tests for classic/miou. Run: pytest katas/classic/miou"""

import warnings

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, assert_returns, fail


def brute_force(pred, target, num_classes, ignore_index=255):
    """Per-class IoU by counting one pixel at a time; NaN for a class with an empty union."""
    inter, union = [0] * num_classes, [0] * num_classes
    for p, t in zip(np.ravel(pred).tolist(), np.ravel(target).tolist()):
        if t == ignore_index:
            continue
        union[t] += 1
        if p == t:
            inter[t] += 1
        else:
            union[p] += 1
    iou = np.array([i / u if u else np.nan for i, u in zip(inter, union)])
    present = iou[~np.isnan(iou)]
    return (float(present.mean()) if present.size else float("nan")), iou


def check(impl, pred, target, num_classes, ignore_index=None, expected=None, why=None):
    __tracebackhide__ = True
    kwargs = {} if ignore_index is None else {"ignore_index": ignore_index}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0 / 0 warnings: test_empty_union_is_nan_without_warning
        call = Call(impl.mean_iou, pred, target, num_classes, **kwargs)
    assert_returns(call, "miou", "per_class_iou")
    miou, per_class = call.out  # read leniently: the exact types are test_returns_float64_and_float
    per_class = np.asarray(per_class)
    if per_class.shape != (num_classes,) or per_class.dtype.kind != "f" or np.ndim(miou) != 0:
        fail(f"per_class_iou must be ({num_classes},) floats and miou one number", call=call, got=repr(call.out)[:300])
    miou = float(miou)
    e_miou, e_iou = expected or brute_force(pred, target, num_classes, 255 if ignore_index is None else ignore_index)
    absent = np.flatnonzero(np.isnan(e_iou)).tolist()
    assert_close(per_class, e_iou, rtol=1e-6, atol=1e-9, call=call, what="per_class_iou",
                 why=why or (f"IoU_c = |pred == c and target == c| / |pred == c or target == c| over non-ignored "
                             f"pixels; classes {absent} occur in neither and must be NaN"))
    assert_close(miou, e_miou, rtol=1e-6, atol=1e-9, call=call, what="miou",
                 why=why or f"the mean over the classes that occur: classes {absent} are left out, "
                               "not counted as 0 or 1")
    return call.out


def random_maps(shape, num_classes, rng, *, dtype=np.int64, ignore=0.1, absent=(), accuracy=0.5):
    """A target with some ignored pixels and a prediction right at about `accuracy` of the pixels;
    the classes in `absent` occur in neither; predictions at ignored pixels are real classes or 255."""
    classes = np.setdiff1d(np.arange(num_classes), absent)
    target = rng.choice(classes, size=shape)
    pred = np.where(rng.random(shape) < accuracy, target, rng.choice(classes, size=shape))
    ignored = rng.random(shape) < ignore
    target = np.where(ignored, 255, target)
    pred = np.where(ignored & (rng.random(shape) < 0.3), 255, pred)
    return pred.astype(dtype), target.astype(dtype)


# 1. By hand.

def test_by_hand(impl):
    target = np.array([[0, 0, 1], [1, 2, 255]])
    pred = np.array([[0, 1, 1], [1, 1, 1]])
    # Non-ignored pixels: 5 (the bottom-right one is ignored, whatever pred says there).
    # class 0: target {(0,0), (0,1)}, pred {(0,0)}                   -> 1 / 2
    # class 1: target {(0,2), (1,0)}, pred {(0,1), (0,2), (1,0), (1,1)} -> 2 / 4
    # class 2: target {(1,1)}, pred {}                               -> 0 / 1
    # class 3: nowhere                                               -> NaN, left out of the mean
    expected = (0.5 + 0.5 + 0.0) / 3, np.array([0.5, 0.5, 0.0, np.nan])
    check(impl, pred, target, 4, expected=expected,
          why="IoU 1/2, 2/4, 0/1 and NaN for class 3, which occurs nowhere; the ignored pixel's prediction "
              "(class 1) must not enlarge class 1's union; miou = (0.5 + 0.5 + 0) / 3")


def test_perfect_and_hopeless_predictions(impl):
    target = np.array([0, 1, 1, 2, 2, 2, 255])
    check(impl, np.array([0, 1, 1, 2, 2, 2, 7]), target, 4, expected=(1.0, np.array([1.0, 1.0, 1.0, np.nan])),
          why="every non-ignored pixel right: IoU 1 for classes 0-2; class 3 never occurs: NaN")
    check(impl, np.array([1, 2, 2, 0, 0, 0, 0]), target, 3, expected=(0.0, np.zeros(3)),
          why="every non-ignored pixel wrong: intersections are all 0")


# 2. Against the pixel-by-pixel count, seeded.

@pytest.mark.parametrize("shape", [(0,), (1,), (7,), (5, 6), (3, 8, 9), (2, 2, 4, 5)])
@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.int64])
def test_matches_brute_force(impl, shape, dtype):
    rng = np.random.default_rng(sum(shape) + np.dtype(dtype).itemsize)
    for num_classes, absent in ((1, ()), (3, ()), (6, (2,)), (21, (0, 5, 20))):
        pred, target = random_maps(shape, num_classes, rng, dtype=dtype, absent=absent)
        check(impl, pred, target, num_classes)


def test_uint8_maps_with_many_classes(impl):
    # target * K + pred reaches 150 * 150 here: computed in uint8 it wraps around modulo 256.
    rng = np.random.default_rng(3)
    pred, target = random_maps((40, 50), 150, rng, dtype=np.uint8, accuracy=0.7)
    check(impl, pred, target, 150)


def test_batch_is_pooled_not_averaged_per_image(impl):
    # Image 0 is all class 0 and right; image 1 is half class 1 predicted as class 0.
    target = np.array([[[0, 0, 0, 0]], [[1, 1, 1, 1]]])
    pred = np.array([[[0, 0, 0, 0]], [[0, 0, 1, 1]]])
    check(impl, pred, target, 2, expected=((4 / 6 + 2 / 4) / 2, np.array([4 / 6, 2 / 4])),
          why="all pixels of the batch count together: class 0 has 4 hits in a union of 6, class 1 2 in 4; "
              "averaging the per-image mIoUs (1 and (0 + 0.5) / 2) would give 0.625 instead of 0.583")


def test_custom_ignore_index(impl):
    rng = np.random.default_rng(4)
    pred, target = random_maps((9, 11), 5, rng)
    target = np.where(target == 255, -1, target)
    pred = np.where(pred == 255, -1, pred)
    check(impl, pred, target, 5, ignore_index=-1)


# 3. Edge cases.

def test_everything_ignored_gives_nan(impl):
    target = np.full((3, 4), 255, np.uint8)
    pred = np.zeros((3, 4), np.uint8)
    check(impl, pred, target, 3, expected=(float("nan"), np.full(3, np.nan)),
          why="no pixel is left: every class has an empty union, so every IoU and the mean are NaN")


@pytest.mark.convention("union 0: NaN without a RuntimeWarning")
def test_empty_union_is_nan_without_warning(impl):
    pred, target = np.array([0, 0, 1, 255]), np.array([0, 1, 1, 255])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            call = Call(impl.mean_iou, pred, target, 3)
        except RuntimeWarning as w:
            fail(f"mean_iou warned: {w}", call="mean_iou([0, 0, 1, 255], [0, 1, 1, 255], 3)",
                 why="class 2 occurs nowhere: its union is 0 and its IoU NaN, set without dividing 0 by 0")
        try:
            empty = Call(impl.mean_iou, np.zeros(0, np.int64), np.zeros(0, np.int64), 2)
        except RuntimeWarning as w:
            fail(f"mean_iou warned: {w}", call="mean_iou([], [], 2)",
                 why="no pixel: every IoU is NaN and so is the mean, without a 'mean of empty slice' warning")
    assert_close(np.asarray(call.out[1], np.float64), [0.5, 0.5, np.nan], call=call, what="per_class_iou")
    if not np.isnan(float(empty.out[0])):
        fail("mIoU of no pixels must be NaN", call=empty, got=repr(empty.out[0]))


@pytest.mark.convention("per_class_iou float64 array; miou a float")
def test_returns_float64_and_float(impl):
    for dtype in (np.uint8, np.int32):
        call = Call(impl.mean_iou, np.array([0, 1, 1, 2], dtype), np.array([0, 1, 2, 2], dtype), 3)
        assert_returns(call, "miou", "per_class_iou")
        assert_array(call.out[1], dtype=np.float64, shape=(3,), call=call, what="per_class_iou")
        if not isinstance(call.out[0], float):
            fail(f"miou must be a float, got {type(call.out[0]).__name__}", call=call, got=repr(call.out[0]))


@pytest.mark.contract("class id outside [0, K): ValueError")
def test_out_of_range_classes_raise(impl):
    # Each id out of range lands inside the K * K confusion matrix (or is skipped by per-class masks),
    # so without the check it is miscounted silently.
    target = np.array([[0, 1], [2, 255]], np.uint8)
    why = "a prediction outside [0, K) at a non-ignored pixel is a bug upstream; say so instead of miscounting"
    assert_raises(ValueError, impl.mean_iou, np.array([[3, 1], [2, 0]], np.uint8), target, 3,
                  why=why + " (target 0 * 3 + pred 3 would count as target 1, pred 0)")
    assert_raises(ValueError, impl.mean_iou, np.array([[0, -1], [2, 0]]), target.astype(np.int64), 3,
                  why=why + " (target 1 * 3 + pred -1 would count as target 0, pred 2)")
    assert_raises(ValueError, impl.mean_iou, np.array([[0, 1], [0, 0]]), np.array([[0, 1], [3, 255]]), 3,
                  why="a target outside [0, K) that is not ignore_index is not a class either")


@pytest.mark.contract("shapes differ: ValueError")
def test_shape_mismatch_raises(impl):
    assert_raises(ValueError, impl.mean_iou, np.zeros((2, 3), np.int64), np.zeros((3, 2), np.int64), 3,
                  why="pred and target must have the same shape (the same number of pixels is not enough)")


def test_anything_goes_at_ignored_pixels(impl):
    target = np.array([0, 1, 255, 255])
    check(impl, np.array([0, 1, 255, 99]), target, 2, expected=(1.0, np.array([1.0, 1.0])),
          why="predictions at ignored pixels are not looked at, even out of range")


# 4. Properties.

def test_pixel_order_and_class_renaming(impl):
    rng = np.random.default_rng(5)
    pred, target = random_maps((12, 13), 6, rng, absent=(4,))
    miou, iou = check(impl, pred, target, 6)
    perm = rng.permutation(pred.size)
    shuffled = Call(impl.mean_iou, pred.ravel()[perm], target.ravel()[perm], 6)
    assert_close(shuffled.out[1], iou, rtol=1e-12, atol=0, call=shuffled, what="per_class_iou of shuffled pixels",
                 why="IoU counts pixels; their order does not matter")
    rename = rng.permutation(6)
    lut = np.append(rename, 255)  # ignore stays ignore
    renamed = Call(impl.mean_iou, np.where(pred == 255, 255, lut[np.minimum(pred, 6)]),
                   np.where(target == 255, 255, lut[np.minimum(target, 6)]), 6)
    expected = np.empty(6)
    expected[rename] = iou
    assert_close(renamed.out[1], expected, rtol=1e-12, atol=0, call=renamed,
                 what="per_class_iou after renaming classes",
                 why="renaming class c to rename[c] moves its IoU to position rename[c]")
