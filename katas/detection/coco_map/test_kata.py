"""Tests for detection/coco_map. Run: pytest katas/detection/coco_map

The oracle is pycocotools: `cocoeval` (a private helper of this file) builds a COCO ground-truth
object from the records, loads the detections with `loadRes`, runs COCOeval(iouType="bbox") with
its default parameters and returns stats[0:3] (AP, AP50, AP75 at area "all", maxDets 100).

Correctness tests draw distinct scores and continuous coordinates, so neither the order of equal
scores nor of equal IoUs nor an IoU exactly on a threshold decides them; the statement pins
pycocotools' choices there, each in a convention test of its own (as is the output type)."""

import contextlib
import copy
import io
import warnings

import numpy as np
import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from cvkatas import Call, assert_close, assert_raises, fail

TOL = {"rtol": 0.0, "atol": 1e-6}
KEYS = ("ap", "ap50", "ap75")


def cocoeval(detections, ground_truths):
    """(AP, AP50, AP75) and per-category (AP, AP50, AP75) from pycocotools, silenced."""
    images = sorted({r["image_id"] for r in ground_truths} | {r["image_id"] for r in detections})
    categories = sorted({r["category_id"] for r in ground_truths} | {r["category_id"] for r in detections})
    if not detections:  # loadRes cannot load an empty list: every category with a ground truth has AP 0
        value = 0.0 if ground_truths else -1.0
        return (value,) * 3, {c: (0.0,) * 3 for c in sorted({r["category_id"] for r in ground_truths})}
    gt = COCO()
    gt.dataset = {
        "images": [{"id": i} for i in images],
        "categories": [{"id": c} for c in categories],
        "annotations": [{"id": n + 1, "image_id": r["image_id"], "category_id": r["category_id"],
                         "bbox": list(r["bbox"]), "area": r["bbox"][2] * r["bbox"][3], "iscrowd": 0}
                        for n, r in enumerate(ground_truths)],
    }
    with contextlib.redirect_stdout(io.StringIO()):
        gt.createIndex()
        dt = gt.loadRes(copy.deepcopy(detections))
        ev = COCOeval(gt, dt, iouType="bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    precision = ev.eval["precision"][:, :, :, 0, 2]  # (T, R, K) at area "all", maxDets 100
    per_cat = {}
    for k, c in enumerate(ev.params.catIds):
        p = precision[:, :, k]
        if (p > -1).any():
            per_cat[c] = (p.mean(), p[0].mean(), p[5].mean())
    return tuple(float(v) for v in ev.stats[:3]), per_cat


def check(impl, detections, ground_truths, expected=None, why=None):
    __tracebackhide__ = True
    call = Call(impl.coco_map, detections, ground_truths)
    out = call.out
    if not isinstance(out, dict) or set(out) != set(KEYS):
        fail("coco_map must return a dict with the keys 'ap', 'ap50', 'ap75'", call=call, got=repr(out)[:300])
    for key in KEYS:  # that they are floats is test_returns_a_dict_of_floats' business
        if np.size(out[key]) != 1 or np.asarray(out[key]).dtype.kind != "f":
            fail(f"{key!r} must be a single float, got {type(out[key]).__name__}", call=call, got=repr(out[key]))
    oracle, per_cat = cocoeval(detections, ground_truths)
    if expected is None:
        expected = oracle
        detail = "; ".join(f"category {c}: AP {v[0]:.6f}, AP50 {v[1]:.6f}, AP75 {v[2]:.6f}"
                           for c, v in per_cat.items())
        images = {r["image_id"] for r in (*detections, *ground_truths)}
        sizes = f"{len(detections)} detections and {len(ground_truths)} ground truths over {len(images)} image(s)"
        why = (why + ". " if why else "") + (
            f"pycocotools COCOeval(iouType='bbox') stats[0:3] on the same records ({sizes}); "
            f"per category with ground truth: {detail or 'none'}")
    got = np.array([float(np.asarray(out[k]).reshape(())) for k in KEYS], dtype=np.float64)
    assert_close(got, np.array(expected, dtype=np.float64), **TOL, call=call, what="(ap, ap50, ap75)", why=why)
    return got


def values(out):
    """(ap, ap50, ap75) as float64, whatever 1-element type each came back as."""
    return np.array([float(np.asarray(out[k]).reshape(())) for k in KEYS])


def det(image, cat, bbox, score):
    return {"image_id": image, "category_id": cat, "bbox": [float(v) for v in bbox], "score": float(score)}


def gtr(image, cat, bbox):
    return {"image_id": image, "category_id": cat, "bbox": [float(v) for v in bbox]}


def far(k):
    """A box that overlaps nothing in these hand cases."""
    return [500 + 20 * k, 500, 10, 10]


# 1. By hand (each expected value also agrees with pycocotools).

def test_perfect_detections(impl):
    gts = [gtr(1, 1, [0, 0, 10, 10]), gtr(1, 2, [20, 20, 5, 8]), gtr(2, 1, [3, 4, 30, 12])]
    dets = [det(r["image_id"], r["category_id"], r["bbox"], 0.9) for r in gts]
    check(impl, dets, gts, (1.0, 1.0, 1.0), "every ground truth is found at IoU 1 and nothing else is reported")


@pytest.mark.convention("IoU equal to t matches (>=)")
def test_iou_exactly_075_and_the_ten_thresholds(impl):
    gts = [gtr(1, 1, [0, 0, 4, 4]), gtr(1, 1, [20, 0, 4, 4])]
    dets = [det(1, 1, [0, 0, 4, 4], 0.9),  # IoU 1 with the first box
            det(1, 1, [20, 0, 4, 3], 0.8)]  # intersection 12, union 16: IoU exactly 0.75
    half = 51 / 101  # recall 1/2 at precision 1: r = 0.00 .. 0.50 see 1, the other 50 see 0
    check(impl, dets, gts, ((6 * 1.0 + 4 * half) / 10, 1.0, 1.0),
          "at t = 0.50 .. 0.75 (six thresholds; IoU 0.75 >= 0.75 matches) both are TPs: AP 1. At t = 0.80 .. 0.95 "
          "(four) the second is a FP: recall 1/2 at precision 1 gives 51 of 101 recall points: 51/101. "
          "AP = (6 + 4 * 51/101) / 10")


def test_101_point_interpolation_by_hand(impl):
    gts = [gtr(1, 1, [0, 0, 10, 10]), gtr(1, 1, [20, 0, 10, 10]), gtr(1, 1, [40, 0, 10, 10])]
    dets = [det(1, 1, [0, 0, 10, 10], 0.9), det(1, 1, far(0), 0.8), det(1, 1, [20, 0, 10, 10], 0.7)]
    value = (34 * 1.0 + 33 * 2 / 3) / 101
    check(impl, dets, gts, (value,) * 3,
          "TP, FP, TP with 3 boxes: recall 1/3 at precision 1, 2/3 at precision 2/3. Recall points 0.00 .. 0.33 "
          "(34 of them) see 1, 0.34 .. 0.66 (33) see 2/3, the rest 0: 56/101 = 0.554455 (all-point VOC would give "
          "0.555556, 11-point 0.545455)")


def test_precision_envelope_by_hand(impl):
    gts = [gtr(1, 1, [0, 0, 10, 10]), gtr(1, 1, [20, 0, 10, 10]), gtr(1, 1, [40, 0, 10, 10])]
    dets = [det(1, 1, [0, 0, 10, 10], 0.9), det(1, 1, far(0), 0.8), det(1, 1, far(1), 0.7),
            det(1, 1, [20, 0, 10, 10], 0.6), det(1, 1, [40, 0, 10, 10], 0.5)]
    value = (34 * 1.0 + 67 * 0.6) / 101
    check(impl, dets, gts, (value,) * 3,
          "TP, FP, FP, TP, TP: precision 1, 1/2, 1/3, 1/2, 3/5 at recall 1/3, 1/3, 1/3, 2/3, 1. The envelope "
          "(max to the right) is 1, 0.6, 0.6, 0.6, 0.6: 34 recall points see 1, 67 see 0.6")


def test_categories_without_ground_truth_are_left_out(impl):
    gts = [gtr(1, 1, [0, 0, 10, 10])]
    dets = [det(1, 1, [0, 0, 10, 10], 0.9), det(1, 7, [0, 0, 10, 10], 0.9), det(2, 7, [5, 5, 10, 10], 0.4)]
    check(impl, dets, gts, (1.0, 1.0, 1.0),
          "category 7 has detections but no ground truth: it has no AP (COCOeval's -1) and is not averaged as 0")


def test_categories_without_detections_count_zero(impl):
    gts = [gtr(1, 1, [0, 0, 10, 10]), gtr(1, 2, [0, 0, 10, 10])]
    dets = [det(1, 1, [0, 0, 10, 10], 0.9)]
    check(impl, dets, gts, (0.5, 0.5, 0.5), "category 1 has AP 1, category 2 (never detected) AP 0: mean 0.5")


def test_max_100_detections_per_image_and_category(impl):
    gts = [gtr(1, 1, [0, 0, 10, 10]), gtr(1, 2, [0, 0, 10, 10])]
    dets = [det(1, 1, far(k), 0.9) for k in range(100)] + [det(1, 1, [0, 0, 10, 10], 0.5)]
    dets += [det(1, 2, far(k), 0.9) for k in range(60)] + [det(1, 2, [0, 0, 10, 10], 0.5)]
    check(impl, dets, gts, (1 / 122,) * 3,
          "category 1: its TP is the 101st detection of the image, cut by maxDets = 100: AP 0 (1/101 without the "
          "cut). Category 2 has 61 detections in the same image, under the limit, which counts per image AND "
          "category: its TP comes after 60 FPs, precision 1/61 at every recall point. Mean (0 + 1/61) / 2")


@pytest.mark.convention("equal scores in an image: input order")
def test_equal_scores_within_an_image_keep_input_order(impl):
    gts = [gtr(1, 1, [0, 0, 10, 10])]
    dets = [det(1, 1, far(0), 0.5), det(1, 1, [0, 0, 10, 10], 0.5)]
    check(impl, dets, gts, (0.5, 0.5, 0.5),
          "equal scores in input order: the FP first (precision 0), then the TP at recall 1 with precision 1/2; "
          "the envelope gives 1/2 at every recall point")


@pytest.mark.convention("equal scores across images: lower image_id first")
def test_equal_scores_across_images_lower_image_id_first(impl):
    gts = [gtr(3, 1, [0, 0, 10, 10]), gtr(8, 1, [0, 0, 10, 10])]
    dets = [det(8, 1, [0, 0, 10, 10], 0.5), det(3, 1, far(0), 0.5)]
    check(impl, dets, gts, (0.5 * 51 / 101,) * 3,
          "the two detections tie; image 3 comes before image 8 whatever the input order: FP (image 3) then TP "
          "(image 8): recall 1/2 at precision 1/2, so 51 recall points see 1/2")


def test_best_unmatched_ground_truth(impl):
    gts = [gtr(1, 1, [0, 0, 10, 10]), gtr(1, 1, [3, 0, 10, 10])]
    dets = [det(1, 1, [0, 0, 10, 10], 0.9),  # IoU 1 with box 0
            det(1, 1, [1, 0, 10, 10], 0.8)]  # IoU 0.818 with box 0 (taken), 0.667 with box 1
    ap = (4 * 1.0 + 6 * 51 / 101) / 10
    check(impl, dets, gts, (ap, 1.0, 51 / 101),
          "box 0, the second detection's best, is taken, so it takes the best untaken box, box 1 (IoU 80 / 120 = "
          "0.667), where t <= 0.667 (t = 0.50 .. 0.65, four thresholds): AP 1 there. At the other six it is a FP "
          "after a TP: recall 1/2 at precision 1, 51/101")


@pytest.mark.convention("equal IoUs: the later ground truth")
def test_equal_iou_goes_to_the_later_ground_truth(impl):
    gts = [gtr(1, 1, [0, 0, 10, 10]), gtr(1, 1, [2, 0, 10, 10])]
    dets = [det(1, 1, [1, 0, 10, 10], 0.9),  # IoU 90 / 110 = 0.818 with both boxes
            det(1, 1, [0, 0, 10, 10], 0.8)]  # IoU 1 with box 0, 0.667 with box 1
    ap = (7 * 1.0 + 3 * 0.5 * 51 / 101) / 10
    check(impl, dets, gts, (ap, 1.0, 1.0),
          "the first detection ties between the boxes (IoU 0.818 each) and takes the later one, box 1; the second "
          "then takes box 0 at IoU 1: AP 1 for t <= 0.8 (seven thresholds). For t = 0.85 .. 0.95 the first is a FP "
          "and the second a TP: 0.5 at 51 recall points. Taking box 0 first would leave the second detection only "
          "box 1 at IoU 0.667")


def test_no_ground_truth_and_no_detections(impl):
    check(impl, [det(1, 1, [0, 0, 5, 5], 0.9)], [], (-1.0, -1.0, -1.0),
          "no category has a ground truth: nothing to average, COCOeval reports -1")
    check(impl, [], [], (-1.0, -1.0, -1.0), "an empty evaluation reports -1")
    check(impl, [], [gtr(1, 1, [0, 0, 5, 5])], (0.0, 0.0, 0.0), "nothing detected: AP 0")


def test_zero_area_boxes_without_warnings(impl):
    gts = [gtr(1, 1, [0, 0, 0, 10]), gtr(1, 1, [20, 20, 10, 10])]
    dets = [det(1, 1, [0, 0, 0, 10], 0.9), det(1, 1, [0, 0, 0, 0], 0.8), det(1, 1, [20, 20, 10, 10], 0.7)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(impl, dets, gts, why="zero-area boxes overlap nothing (IoU 0, even with themselves): guard 0 / 0")


@pytest.mark.convention("returns a dict of floats")
def test_returns_a_dict_of_floats(impl):
    gts = [gtr(1, 1, [0, 0, 10, 10])]
    for dets in ([det(1, 1, [0, 0, 10, 10], 0.9)], []):
        call = Call(impl.coco_map, dets, gts)
        if not isinstance(call.out, dict):
            fail("coco_map must return a dict", call=call, got=repr(call.out)[:300])
        for key in KEYS:
            if not isinstance(call.out.get(key), float):
                fail(f"{key!r} must be a float (float or numpy.float64), got {type(call.out.get(key)).__name__}",
                     call=call, got=repr(call.out.get(key)))


@pytest.mark.contract("bad bbox: ValueError")
def test_bad_bbox_raises(impl):
    gts = [gtr(1, 1, [0, 0, 5, 5])]
    assert_raises(ValueError, impl.coco_map, [det(1, 1, [0, 0, 5, 5], 0.9)], [gtr(1, 1, [0, 0, 5])],
                  why="a bbox is [x, y, w, h]: four numbers")
    assert_raises(ValueError, impl.coco_map, [det(1, 1, [0, 0, -5, 5], 0.9)], gts, why="a width cannot be negative")
    assert_raises(ValueError, impl.coco_map, [], [gtr(1, 1, [0, 0, 5, -1])], why="a height cannot be negative")


# 2. Against pycocotools, seeded.

def random_records(rng, *, images=4, categories=3, crowd=0.3, big=False):
    """Ground truths and detections over a few images and categories: near-copies of boxes at several
    jitters (so IoUs spread over 0.5 .. 0.95), duplicates, loose boxes, a category that is only detected,
    images with no ground truth. Distinct scores, continuous coordinates; input lists shuffled."""
    image_ids = rng.choice(np.arange(1, 100), images, replace=False).tolist()
    gts, dets = [], []
    for image in image_ids:
        for cat in range(1, categories + 1):
            if rng.random() < 0.3:
                continue
            boxes = [[*rng.uniform(0, 200, 2), *rng.uniform(4, 80, 2)] for _ in range(int(rng.integers(0, 4)))]
            if boxes and rng.random() < crowd:  # a neighbour overlapping the first box
                x, y, w, h = boxes[0]
                boxes.append([x + rng.uniform(-0.3, 0.3) * w, y + rng.uniform(-0.3, 0.3) * h, w, h])
            for box in boxes:
                gts.append(gtr(image, cat, box))
                x, y, w, h = box
                for _ in range(int(rng.integers(0, 4))):
                    s = rng.choice([0.01, 0.04, 0.08, 0.15])
                    dets.append(det(image, cat, [x + rng.normal(0, s) * w, y + rng.normal(0, s) * h,
                                                 w * np.exp(rng.normal(0, s)), h * np.exp(rng.normal(0, s))], 0))
            for _ in range(int(rng.integers(0, 3))):
                dets.append(det(image, cat, [*rng.uniform(0, 250, 2), *rng.uniform(3, 60, 2)], 0))
    if rng.random() < 0.5:  # a category nobody annotated
        dets.append(det(image_ids[0], categories + 1, [0, 0, 10, 10], 0))
    if big:  # one (image, category) pair with more than 100 detections
        dets += [det(image_ids[-1], 1, [*rng.uniform(0, 250, 2), *rng.uniform(3, 60, 2)], 0) for _ in range(130)]
    if not dets:
        dets.append(det(image_ids[0], 1, [0, 0, 10, 10], 0))
    scores = (rng.permutation(len(dets)) + 1) / len(dets)  # distinct: ties are the convention tests'
    for d, s in zip(dets, scores):
        d["score"] = float(s)
    return [dets[i] for i in rng.permutation(len(dets))], [gts[i] for i in rng.permutation(len(gts))]


@pytest.mark.parametrize("seed", range(24))
def test_matches_pycocotools(impl, seed):
    rng = np.random.default_rng(seed)
    dets, gts = random_records(rng, images=int(rng.integers(1, 6)), categories=int(rng.integers(1, 4)))
    check(impl, dets, gts)


@pytest.mark.parametrize("seed", range(3))
def test_matches_pycocotools_over_100_detections(impl, seed):
    rng = np.random.default_rng(100 + seed)
    dets, gts = random_records(rng, images=3, categories=2, big=True)
    check(impl, dets, gts, why="one image has 130+ detections of category 1: only its best 100 count")


def test_many_results_are_not_constant(impl):
    values = set()
    for seed in range(6):
        rng = np.random.default_rng(200 + seed)
        values.add(tuple(np.round(check(impl, *random_records(rng)), 9)))
    if len(values) < 4:
        fail("six different random evaluations gave only a few distinct results", got=sorted(values),
             why="a constant answer?")


# 3. Properties.

def test_input_order_does_not_matter_with_distinct_scores(impl):
    rng = np.random.default_rng(300)
    dets, gts = random_records(rng, images=5, categories=3)
    base = check(impl, dets, gts)
    for _ in range(2):
        shuffled = [dets[i] for i in rng.permutation(len(dets))]
        call = Call(impl.coco_map, shuffled, gts)
        assert_close(values(call.out), base, **TOL, call=call, what="(ap, ap50, ap75) of shuffled input",
                     why="with distinct scores (and no equal IoUs) the order of the records changes nothing")


def test_translation_invariance(impl):
    rng = np.random.default_rng(301)
    dets, gts = random_records(rng, images=4, categories=2)
    base = check(impl, dets, gts)
    moved_d = [{**d, "bbox": [d["bbox"][0] + 1000.0, d["bbox"][1] - 500.0, *d["bbox"][2:]]} for d in dets]
    moved_g = [{**g, "bbox": [g["bbox"][0] + 1000.0, g["bbox"][1] - 500.0, *g["bbox"][2:]]} for g in gts]
    call = Call(impl.coco_map, moved_d, moved_g)
    assert_close(values(call.out), base, **TOL, call=call, what="(ap, ap50, ap75) after moving every box",
                 why="IoU does not change when all boxes move together")
