"""Tests for detection/batched_nms. Run: pytest katas/detection/batched_nms

Correctness tests use distinct scores, continuous coordinates >= 0 (where torchvision's offset trick
holds) and inputs on which neither +1 pixel areas nor dropping at IoU >= threshold changes the answer;
each convention (and negative coordinates, where torchvision departs) has one hand-built test."""

import numpy as np
import pytest
import torch

from cvkatas import Call, assert_array, assert_equal, assert_raises, fail, show, to_numpy
from cvkatas.data import clustered_boxes, undecided
from cvkatas.oracles import greedy_nms, pair_iou

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def expected_keep(boxes, scores, idxs, thr, **conventions) -> np.ndarray:
    """The oracle: greedy NMS (brute force) within each category, merged, then sorted by descending
    score with equal scores in index order. ``conventions`` go to cvkatas.oracles.greedy_nms."""
    b, s, c = (t.detach().cpu().double().numpy() if torch.is_tensor(t) else np.asarray(t, np.float64)
               for t in (boxes, scores, idxs))
    keep = []
    for cls in np.unique(c):
        members = np.flatnonzero(c == cls)
        keep += members[greedy_nms(b[members], s[members], thr, **conventions)].tolist()
    return np.array(sorted(keep, key=lambda i: (-s[i], i)), dtype=np.int64)


def why(boxes, scores, idxs, thr, got, expected) -> str:
    """Explain the first place where `got` and `expected` part ways."""
    b, s, c = (t.detach().cpu().double().numpy() for t in (boxes, scores, idxs))
    got, expected = [int(v) for v in got], [int(v) for v in expected]
    for pos in range(max(len(got), len(expected))):
        g = got[pos] if pos < len(got) else None
        e = expected[pos] if pos < len(expected) else None
        if g == e:
            continue
        if g is not None and not 0 <= g < len(b):
            return f"{g} is not an index into boxes"
        if e is not None and e not in got:
            def before(j, e=e):  # j is visited before e within its category
                return s[j] > s[e] or (s[j] == s[e] and j < e)

            same = [j for j in range(len(b)) if j != e and c[j] == c[e]]
            kept = [j for j in same if j in expected and before(j)]
            best = max(kept, key=lambda j: pair_iou(b[e], b[j]), default=None)
            tie = [j for j in got if j in same and s[j] == s[e] and j > e and pair_iou(b[e], b[j]) > thr]
            suppressed = [j for j in same if j not in expected and before(j) and pair_iou(b[e], b[j]) > thr]
            other = [j for j in range(len(b)) if c[j] != c[e] and pair_iou(b[e], b[j]) > thr]
            if tie:
                return (f"boxes {e} and {tie[0]} have the same score and overlap: the lower index, box {e}, "
                        "is visited first and kept")
            if best is not None and pair_iou(b[e], b[best]) == thr:
                return (f"box {e}'s IoU with kept box {best} is exactly {thr}, not above the threshold, "
                        f"so box {e} must be kept")
            if other and not suppressed:
                return (f"box {e} (category {c[e]:g}) was dropped, but the box it overlaps, box {other[0]} "
                        f"(IoU {pair_iou(b[e], b[other[0]]):.4f}), is of category {c[other[0]]:g}: boxes of "
                        "different categories never suppress each other (an offset too small, or negative "
                        "coordinates?)")
            if suppressed:
                return (f"box {e} overlaps box {suppressed[0]} (IoU {pair_iou(b[e], b[suppressed[0]]):.4f}), "
                        f"but box {suppressed[0]} was itself suppressed; only kept boxes suppress others")
            largest = "" if best is None else f" (its largest IoU is {pair_iou(b[e], b[best]):.4f}, with box {best})"
            return (f"box {e} (category {c[e]:g}) overlaps no better kept box of its category by more than "
                    f"{thr}{largest}, so it must be kept")
        if g is not None and g not in expected:
            j = next((j for j in expected if c[j] == c[g] and pair_iou(b[g], b[j]) > thr
                      and (s[j] > s[g] or (s[j] == s[g] and j < g))), None)
            if j is not None:
                return (f"box {g} overlaps kept box {j} of the same category {c[g]:g} with IoU "
                        f"{pair_iou(b[g], b[j]):.4f} > {thr}, so it must be dropped")
            return f"box {g} must be dropped (it is suppressed within its category {c[g]:g})"
        return (f"position {pos}: box {e} (score {s[e]:.6g}, category {c[e]:g}) comes before box {g} "
                f"(score {s[g]:.6g}, category {c[g]:g}): one descending score order over all categories, "
                "equal scores lower index first")
    return "the kept indices differ"


def read(call):
    """The kept indices as an int64 numpy array; that they are an int64 tensor on the boxes' device is
    the convention test's business."""
    __tracebackhide__ = True
    got = to_numpy(call.out) if torch.is_tensor(call.out) else np.asarray(call.out)
    if got.ndim != 1 or (got.size and got.dtype.kind not in "iu"):
        fail(f"batched_nms must return a 1-D tensor of integer indices, got {show(call.out)}", call=call)
    return got.astype(np.int64)


def check(impl, boxes, scores, idxs, thr, hint="", plus_one_ok=True):
    """Run the candidate and compare its kept indices with the oracle. An answer that follows the +1
    pixel convention throughout is left to test_continuous_coordinates_no_plus_one."""
    __tracebackhide__ = True
    call = Call(impl.batched_nms, boxes, scores, idxs, thr)
    got = read(call)
    expected = expected_keep(boxes, scores, idxs, thr)
    if plus_one_ok and not np.array_equal(got, expected) and np.array_equal(
            got, expected_keep(boxes, scores, idxs, thr, plus_one=1.0)):
        return torch.as_tensor(got)
    assert_equal(got, expected, call=call, what="kept indices",
                 why=why(boxes, scores, idxs, thr, got, expected) + (f"; {hint}" if hint else ""))
    return torch.as_tensor(got)


def tensors(device, boxes, scores, idxs, dtype=torch.float32):
    return (torch.tensor(boxes, dtype=dtype, device=device), torch.tensor(scores, dtype=dtype, device=device),
            torch.tensor(idxs, dtype=torch.int64, device=device))


ALTERNATIVES = [dict(plus_one=1.0), dict(strict=False)]


def random_case(n, rng, device, dtype=torch.float32, categories=(0, 1, 2), thr=0.5, shift=0.0):
    """Clustered continuous boxes shared by all categories (so boxes of different categories overlap
    heavily), distinct scores, redrawn until neither +1 areas nor >= changes the answer."""
    def draw(rng):
        boxes = clustered_boxes(n, rng, per_object=8, extent=20000, dtype=np.float64, integral=False)
        boxes = boxes - boxes.min(initial=0.0) + 1.0 + shift  # coordinates >= 1 (shift: see the callers)
        b = np.asarray(torch.tensor(boxes, dtype=dtype), np.float64)  # the values the candidate sees
        return b, rng.permutation(n) / max(n, 1) + 0.01, rng.choice(np.asarray(categories), n)

    def rule(**conv):
        return lambda b, s, c: expected_keep(b, s, c, thr, **conv)

    (boxes, scores, idxs), _ = undecided(draw, rule(), [rule(**alt) for alt in ALTERNATIVES], rng=rng)
    return tensors(device, boxes, scores, idxs, dtype)


# 1. Small cases you can check on paper.

def test_categories_do_not_suppress_each_other(impl, device):
    # Boxes 0 and 1 are the same box in categories 0 and 1: both kept. Box 2 (category 0) overlaps
    # box 0 with IoU 81 / 119 = 0.68 > 0.5 and is dropped.
    boxes, scores, idxs = tensors(device, [[0, 0, 10, 10], [0, 0, 10, 10], [1, 1, 11, 11]],
                                  [0.9, 0.8, 0.7], [0, 1, 0])
    check(impl, boxes, scores, idxs, 0.5)


def test_neighbouring_category_ids_still_separate(impl, device):
    # Categories 0 and 1, large boxes: shifting category 1 by one pixel is far from enough.
    boxes, scores, idxs = tensors(device, [[0, 0, 100, 100], [0, 0, 100, 100], [2, 2, 102, 102]],
                                  [0.9, 0.8, 0.7], [0, 1, 1])
    check(impl, boxes, scores, idxs, 0.5)  # expected [0, 1]: box 2 loses to box 1 only


def test_output_is_one_score_order_over_all_categories(impl, device):
    boxes, scores, idxs = tensors(device, [[0, 0, 5, 5], [20, 20, 25, 25], [40, 40, 45, 45], [60, 60, 65, 65]],
                                  [0.5, 0.9, 0.7, 0.8], [0, 1, 0, 1])
    check(impl, boxes, scores, idxs, 0.5)  # expected [1, 3, 2, 0], not category by category


@pytest.mark.convention("IoU equal to the threshold: kept (strictly greater drops)")
def test_iou_exactly_at_threshold_is_kept(impl, device):
    # Boxes 0 and 1: intersection 8, union 16: IoU exactly 0.5, not above 0.5. Boxes 2 and 3 (another
    # category) have IoU 0.45, but 0.60 with +1 pixel widths: they tell the two pixel conventions apart.
    boxes, scores, idxs = tensors(device, [[0, 0, 4, 4], [0, 0, 4, 2], [10, 0, 12, 2], [10.75, 0, 12.75, 2]],
                                  [0.9, 0.8, 0.7, 0.6], [3, 3, 4, 4])
    check(impl, boxes, scores, idxs, 0.5, hint="IoU(box 0, box 1) is exactly 0.5, which is not above 0.5")


def test_only_kept_boxes_suppress(impl, device):
    # A chain within one category: IoU(0, 1) = 0.6 > 0.5 and IoU(1, 2) = 0.6 > 0.5, but IoU(0, 2) = 0.25.
    # Box 1 is dropped by box 0, so it cannot drop box 2: keep [0, 2].
    boxes, scores, idxs = tensors(device, [[0, 0, 10, 10], [2.5, 0, 12.5, 10], [5, 0, 15, 10]],
                                  [0.9, 0.8, 0.7], [4, 4, 4])
    check(impl, boxes, scores, idxs, 0.5)


@pytest.mark.convention("negative coordinates: categories still separate")
def test_negative_coordinates(impl, device):
    # Box 1 repeats box 0 in category 1, far into negative coordinates; box 2 sets the largest
    # coordinate to 10. Offsetting category k by k * (max + 1) = 11 (torchvision's trick, which asks for
    # coordinates >= 0) makes boxes 0 and 1 overlap.
    boxes, scores, idxs = tensors(device, [[-1000, -1000, -900, -900], [-1000, -1000, -900, -900], [0, 0, 10, 10]],
                                  [0.9, 0.8, 0.7], [0, 1, 0])
    check(impl, boxes, scores, idxs, 0.5,
          hint="coordinates may be negative: an offset k * (max + 1) does not separate categories then")
    rng = np.random.default_rng(5)
    for shift in (-500.0, -1e4):
        check(impl, *random_case(120, rng, device, shift=shift), 0.5)
    # every coordinate <= 0, the largest exactly 0
    b = np.array([[-30, -30, -20, -20], [-30, -30, -20, -20], [-29, -29, -19, -19], [-5, -5, 0, 0]], np.float64)
    check(impl, *tensors(device, b, [0.9, 0.8, 0.7, 0.6], [0, 1, 1, 0]), 0.5)


@pytest.mark.convention("equal scores: lower index first")
def test_equal_scores_keep_lower_index_first(impl, device):
    boxes, scores, idxs = tensors(device, [[0, 0, 10, 10]] * 4 + [[30, 30, 40, 40]] * 2,
                                  [0.5] * 6, [1, 0, 1, 0, 0, 1])
    check(impl, boxes, scores, idxs, 0.5)  # expected [0, 1, 4, 5]


@pytest.mark.convention("continuous coordinates: no +1 in widths and areas")
def test_continuous_coordinates_no_plus_one(impl, device):
    # Areas 4 and 4, intersection 2: IoU 1/3. With the +1 pixel convention it would be 6/12 = 0.5.
    boxes, scores, idxs = tensors(device, [[0, 0, 2, 2], [1, 0, 3, 2]], [0.9, 0.8], [1, 1], dtype=torch.float64)
    check(impl, boxes, scores, idxs, 0.4, hint="IoU = 2 / (4 + 4 - 2) = 1/3 without +1 widths: not above 0.4",
          plus_one_ok=False)


@pytest.mark.convention("returns an int64 tensor on the boxes' device")
def test_returns_int64_tensor_on_the_device(impl, device):
    for dtype in DTYPES.values():
        boxes, scores, idxs = tensors(device, [[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]], [0.9, 0.8, 0.7],
                                      [0, 0, 1], dtype=dtype)
        call = Call(impl.batched_nms, boxes, scores, idxs, 0.5)
        assert_array(call.out, kind="tensor", dtype=torch.int64, shape=(2,), device=device, call=call,
                     what="kept indices")
        call = Call(impl.batched_nms, boxes[:0], scores[:0], idxs[:0], 0.5)
        assert_array(call.out, kind="tensor", dtype=torch.int64, shape=(0,), device=device, call=call,
                     what="result for no boxes")


# 3. Edge cases.

def test_empty_and_single(impl, device):
    for dtype in DTYPES.values():
        boxes = torch.zeros((0, 4), dtype=dtype, device=device)
        call = Call(impl.batched_nms, boxes, torch.zeros(0, dtype=dtype, device=device),
                    torch.zeros(0, dtype=torch.int64, device=device), 0.5)
        assert_equal(read(call), np.zeros(0, np.int64), call=call, what="result for no boxes")
    check(impl, *tensors(device, [[2, 3, 5, 7]], [0.1], [7]), 0.5)


def test_zero_area_boxes(impl, device):
    boxes, scores, idxs = tensors(device, [[1, 1, 1, 1], [1, 1, 1, 1], [0, 0, 2, 2], [3, 3, 3, 5]],
                                  [0.9, 0.8, 0.7, 0.6], [0, 0, 0, 0], dtype=torch.float64)
    check(impl, boxes, scores, idxs, 0.6,
          hint="two zero-area boxes have union 0 and IoU 0 (guard the division; NaN must not suppress or leak)")


@pytest.mark.contract("bad shapes: ValueError")
def test_bad_shapes_raise_value_error(impl, device):
    boxes = torch.zeros((3, 4), device=device)
    scores, idxs = torch.ones(3, device=device), torch.zeros(3, dtype=torch.int64, device=device)
    assert_raises(ValueError, impl.batched_nms, torch.zeros((3, 5), device=device), scores, idxs, 0.5)
    assert_raises(ValueError, impl.batched_nms, boxes, torch.ones(2, device=device), idxs, 0.5)
    assert_raises(ValueError, impl.batched_nms, boxes, scores, torch.zeros(4, dtype=torch.int64, device=device), 0.5)


# 2. Against the oracle on seeded random inputs.

@pytest.mark.parametrize("dtype", sorted(DTYPES))
@pytest.mark.parametrize("n", [0, 1, 2, 7, 40, 120])
def test_matches_per_category_nms(impl, device, n, dtype):
    rng = np.random.default_rng(n)
    for thr, categories in [(0.1, (0, 1)), (0.3, (0, 5, 17)), (0.5, (2,)), (0.7, tuple(range(7)))]:
        check(impl, *random_case(n, rng, device, DTYPES[dtype], categories, thr), thr)


# 4. Properties.

def test_one_category_is_plain_nms(impl, device):
    rng = np.random.default_rng(1)
    boxes, scores, _ = random_case(150, rng, device)
    idxs = torch.full((150,), 3, dtype=torch.int64, device=device)
    call = Call(impl.batched_nms, boxes, scores, idxs, 0.5)
    expected = greedy_nms(boxes.cpu().numpy(), scores.cpu().numpy(), 0.5)
    assert_equal(read(call), expected, call=call, what="kept indices",
                 why="with a single category, batched NMS is ordinary greedy NMS")


def test_relabelling_categories_changes_nothing(impl, device):
    rng = np.random.default_rng(2)
    boxes, scores, idxs = random_case(150, rng, device, categories=(0, 1, 2, 3))
    base = check(impl, boxes, scores, idxs, 0.5)
    relabelled = torch.tensor([40, 3, 999, 12], device=device)[idxs]
    call = Call(impl.batched_nms, boxes, scores, relabelled, 0.5)
    assert_equal(read(call), base, call=call,
                 what="kept indices with categories renamed 0->40, 1->3, 2->999, 3->12",
                 why="only which boxes share a category matters, not the category numbers")


def test_permuting_the_input_permutes_the_output(impl, device):
    rng = np.random.default_rng(3)
    boxes, scores, idxs = random_case(120, rng, device)  # distinct scores
    base = check(impl, boxes, scores, idxs, 0.5)
    perm = torch.as_tensor(rng.permutation(120), device=device)
    call = Call(impl.batched_nms, boxes[perm], scores[perm], idxs[perm], 0.5)
    assert_equal(perm.cpu()[torch.as_tensor(read(call))], base, call=call, what="kept boxes of the shuffled input",
                 why="with distinct scores the same boxes must be kept whatever their order")


# An extra oracle where torchvision is installed.

def test_matches_torchvision_batched_nms(impl, device):
    ops = pytest.importorskip("torchvision").ops
    rng = np.random.default_rng(4)
    for n, thr in [(50, 0.5), (300, 0.3), (300, 0.7)]:
        # distinct scores, and coordinates >= 0 as torchvision asks (its offset trick needs them)
        boxes, scores, idxs = random_case(n, rng, device, categories=(0, 1, 2, 3), shift=100.0)
        assert boxes.min() >= 0
        expected = ops.batched_nms(boxes, scores, idxs, thr)
        call = Call(impl.batched_nms, boxes, scores, idxs, thr)
        assert_equal(read(call), expected.cpu(), call=call, what="kept indices",
                     why="must agree with torchvision.ops.batched_nms on non-negative boxes with distinct scores")


# 7. Speed.

@pytest.mark.perf
def test_speed_3000_boxes(impl, reference, device, speed):
    # A crowd: one category with 2400 boxes (many kept at IoU 0.7), three smaller ones beside it.
    rng = np.random.default_rng(0)
    counts = [2400, 200, 200, 200]
    boxes = np.concatenate([clustered_boxes(k, rng, per_object=30) for k in counts])
    idxs = np.repeat(np.arange(len(counts)), counts)
    perm = rng.permutation(len(idxs))
    args = tensors(device, boxes[perm], rng.random(len(idxs)), idxs[perm])
    speed(impl.batched_nms, reference.batched_nms, *args, 0.7)
