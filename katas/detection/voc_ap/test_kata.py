"""Tests for detection/voc_ap. Run: pytest katas/detection/voc_ap

The oracles live here: `brute_ap` (the AP by its definition, one recall level at a time) and
`brute_match` (the VOC devkit's matching, one detection and one box at a time), each with switches
for the conventions a learner may follow instead (exact k / 10 or a strict recall > t in the
11-point metric; +1 pixels, IoU > threshold). Correctness tests use continuous coordinates,
distinct scores and inputs on which no such switch changes the answer, and read the curve in
either form trusted code returns it (detections on a difficult box left out, as here, or kept as
repeated points, as the devkit does); each convention has a hand-built test of its own."""

import copy

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, assert_returns, fail, show
from cvkatas.data import undecided
from cvkatas.oracles import pair_iou

TOL = {"rtol": 1e-12, "atol": 1e-12}  # ratios of counts: only rounding differs
DEVKIT_T = np.arange(0.0, 1.1, 0.1)  # voc_eval.py's thresholds; t[3] is 0.30000000000000004, as MATLAB's 0:0.1:1


# The oracles.

def brute_ap(recall, precision, use_07_metric=False, *, thresholds="devkit", strict=False) -> float:
    """AP by the definition of the interpolated precision p(r) = max{precision_i : recall_i >= r}.
    `thresholds="exact"` (k / 10) and `strict` (recall > t) are the conventions a learner may follow
    instead of the devkit's in the 11-point metric."""
    pts = list(zip(np.asarray(recall, np.float64).tolist(), np.asarray(precision, np.float64).tolist()))
    pts = [(r, p) for r, p in pts if p == p]  # NaN precision (the devkit's 0 / 0) counts as nothing

    def interpolated(r, strict=False):
        return max((p for rr, p in pts if (rr > r if strict else rr >= r)), default=0.0)

    if use_07_metric:
        ts = DEVKIT_T.tolist() if thresholds == "devkit" else [k / 10 for k in range(11)]
        return sum(interpolated(t, strict) for t in ts) / 11
    levels = sorted({r for r, _ in pts})
    total, prev = 0.0, 0.0
    for r in levels:  # area of the step function: each recall gain times the envelope there
        total += (r - prev) * interpolated(r)
        prev = r
    return total


def brute_match(detections, ground_truths, thr, *, plus_one=0.0, strict=False):
    """The devkit's loop: [(detection index, "TP" / "FP" / "ignored", reason)] in visiting order."""
    order = sorted(range(len(detections)), key=lambda i: -float(detections[i][1]))  # stable
    used = {}
    out = []
    for i in order:
        image, _, *box = detections[i]
        g = ground_truths.get(image, {"boxes": [], "difficult": []})
        boxes = np.asarray(g["boxes"], np.float64).reshape(-1, 4).tolist()
        best, jbest = -1.0, None
        for j, b in enumerate(boxes):
            ov = pair_iou(box, b, plus_one)
            if ov > best:  # strictly greater: the first box wins a tie
                best, jbest = ov, j
        where = f"box {jbest} of image {image!r}"
        if jbest is None:
            out.append((i, "FP", f"image {image!r} has no ground truth"))
        elif best < thr or (strict and best == thr):
            out.append((i, "FP", f"best IoU {best:.4f} (with {where}) < {thr}"))
        elif bool(np.asarray(g["difficult"])[jbest]):
            out.append((i, "ignored", f"best match {where} (IoU {best:.4f}) is difficult"))
        elif used.get((image, jbest)):
            out.append((i, "FP", f"best match {where} (IoU {best:.4f}) was matched before: duplicate"))
        else:
            used[(image, jbest)] = True
            out.append((i, "TP", f"matches {where}, IoU {best:.4f}"))
    return out


def expected_curve(detections, ground_truths, thr, keep_ignored=False):
    """The curve as this kata returns it, or with `keep_ignored` as the devkit does: one point per
    visited detection, an ignored one repeating the counts before it (precision 0 / 0 at the start)."""
    labels = brute_match(detections, ground_truths, thr)
    positives = sum(int((~np.asarray(g["difficult"], bool)).sum()) for g in ground_truths.values())
    tp = fp = 0
    recall, precision = [], []
    for _, kind, _ in labels:
        if kind == "ignored" and not keep_ignored:
            continue
        tp += kind == "TP"
        fp += kind == "FP"
        recall.append(tp / positives)
        precision.append(tp / (tp + fp) if tp + fp else np.nan)
    return np.array(recall), np.array(precision), labels


def explain(detections, labels, limit=12):
    """The expected verdict of each detection, in visiting order (for small cases)."""
    if len(labels) > limit:
        return (f"{len(labels)} detections visited from the highest score down (ties in input order); "
                "each takes the box of its image with the largest IoU")
    parts = [f"det {i} (score {detections[i][1]}): {kind} ({why})" for i, kind, why in labels]
    return "visiting order: " + "; ".join(parts)


def same_ground_truths(before, after) -> str:
    """'' when `after` still equals `before` (dicts of arrays cannot be compared with ==)."""
    if set(before) != set(after):
        return f"its images changed: {sorted(map(str, before))} -> {sorted(map(str, after))}"
    for image, g in before.items():
        h = after[image]
        if set(g) != set(h):
            return f"image {image!r} had keys {sorted(g)}, now {sorted(h)}"
        for key in g:
            a, b = np.asarray(g[key]), np.asarray(h[key])
            if a.shape != b.shape or not np.array_equal(a, b):
                return f"ground_truths[{image!r}][{key!r}] changed"
    return ""


def check_ap(impl, recall, precision, use_07_metric, expected=None, why=None):
    __tracebackhide__ = True
    call = Call(impl.voc_ap, recall, precision, use_07_metric)
    if np.size(call.out) != 1 or np.asarray(call.out).dtype.kind != "f":
        fail(f"voc_ap must return a float, got {type(call.out).__name__}", call=call, got=repr(call.out))
    if expected is None:
        expected = brute_ap(recall, precision, use_07_metric)
    default = ("11-point: mean over t = 0, 0.1, ..., 1.0 of the largest precision at recall >= t (0 if none)"
               if use_07_metric else
               "all points: sum over recall gains of (gain) * (largest precision at that recall or beyond)")
    assert_close(float(np.asarray(call.out).reshape(())), expected, **TOL, call=call,
                 what=f"AP (use_07_metric={use_07_metric})", why=why or default)
    return float(np.asarray(call.out).reshape(()))


def check_eval(impl, detections, ground_truths, thr=0.5, use_07_metric=False, *, why=None):
    __tracebackhide__ = True
    snapshot = copy.deepcopy(ground_truths)
    call = Call(impl.eval_detections, detections, ground_truths, thr, use_07_metric)
    changed = same_ground_truths(snapshot, ground_truths)
    if changed:
        fail(f"eval_detections modified its input `ground_truths` ({changed}); inputs must be left as they were",
             call=call, why="keep the 'already matched' flags in arrays of your own")
    assert_returns(call, "recall", "precision", "ap")
    recall, precision, ap = (np.asarray(v, dtype=np.float64) for v in call.out)  # types: test_output_types
    e_rec, e_prec, labels = expected_curve(detections, ground_truths, thr)
    why = why or explain(detections, labels)
    if recall.shape != e_rec.shape and recall.shape == (len(labels),):
        # The devkit's form: the detections on a difficult box stay in the curve as repeated points
        # (test_difficult_matches_leave_the_curve decides between the forms).
        e_rec, e_prec, _ = expected_curve(detections, ground_truths, thr, keep_ignored=True)
        lead = np.isnan(e_prec)
        precision = np.where(lead & (precision == 0), np.nan, precision)  # voc_eval.py: 0 there, MATLAB NaN
    if recall.shape != e_rec.shape or precision.shape != e_rec.shape:
        counted = sum(kind != "ignored" for _, kind, _ in labels)
        fail(f"recall and precision have shapes {recall.shape} and {precision.shape}, expected ({len(e_rec)},)",
             call=call, got=f"recall {recall}", expected=f"recall {e_rec}",
             why=f"one point per detection that is not ignored: {counted} of {len(detections)}. " + why)
    assert_close(recall, e_rec, **TOL, call=call, what="recall",
                 why="recall after the k-th counted detection = TP so far / non-difficult boxes. " + why)
    assert_close(precision, e_prec, **TOL, call=call, what="precision",
                 why="precision after the k-th counted detection = TP / (TP + FP) so far. " + why)
    if ap.shape != ():
        fail("ap must be a single float", call=call, got=show(call.out[2]))
    assert_close(float(ap), brute_ap(e_rec, e_prec, use_07_metric), **TOL, call=call, what="ap",
                 why=f"voc_ap(recall, precision, use_07_metric={use_07_metric}) of the expected curve. " + why)
    return recall, precision, float(ap)


def gt(boxes, difficult=None):
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    difficult = np.zeros(len(boxes), bool) if difficult is None else np.asarray(difficult, bool)
    return {"boxes": boxes, "difficult": difficult}


# 1. voc_ap by hand.

# TP, FP, FP, TP, TP with 3 positives: the precision dips to 1/3, then climbs back to 0.6.
REC = np.array([1, 1, 1, 2, 3]) / 3
PREC = np.array([1, 1 / 2, 1 / 3, 1 / 2, 3 / 5])


def test_all_point_by_hand(impl):
    check_ap(impl, np.array([0.5, 1.0]), np.array([1.0, 0.5]), False, 0.75,
             "recall 0 -> 0.5 at precision 1, then 0.5 -> 1 at precision 0.5: 0.5 + 0.25")
    check_ap(impl, REC, PREC, False, 1 / 3 + 0.6 / 3 + 0.6 / 3,
             "the envelope lifts the precision at recall 2/3 from 1/2 to 3/5 (reached later): "
             "1/3 * 1 + 1/3 * 0.6 + 1/3 * 0.6 = 0.7333, not 0.7")
    check_ap(impl, np.array([0.25, 0.5]), np.array([1.0, 1.0]), False, 0.5,
             "recall stops at 0.5: the sentinel (recall 1, precision 0) adds nothing beyond it")
    call = Call(impl.voc_ap, REC, PREC)
    assert_close(float(np.asarray(call.out).reshape(())), 1 / 3 + 0.6 / 3 + 0.6 / 3, **TOL, call=call, what="AP",
                 why="use_07_metric defaults to False: the all-point area")


def test_eleven_point_by_hand(impl):
    # The same ranking with 7 positives: recalls 1/7, 2/7, 3/7, none on a threshold.
    rec = np.array([1, 1, 1, 2, 3]) / 7
    check_ap(impl, rec, PREC, True, (2 * 1.0 + 3 * 0.6) / 11,
             "t = 0, 0.1: the largest precision at recall >= t is 1; t = 0.2, 0.3, 0.4: 0.6 (recalls 2/7 and 3/7); "
             "t = 0.5 .. 1.0: no point, 0. (2 + 1.8) / 11")
    check_ap(impl, np.array([0.45, 0.95]), np.array([1.0, 0.5]), True, (5 * 1.0 + 5 * 0.5) / 11,
             "t = 0 .. 0.4 (five thresholds) see precision 1, t = 0.5 .. 0.9 (five) see 0.5, t = 1.0 none: "
             "11 thresholds, t = 1.0 included")


@pytest.mark.convention("11 points: t = np.arange(0., 1.1, 0.1), recall >= t")
def test_eleven_point_thresholds_as_the_devkit(impl):
    # 3 of 10 positives found: recall 3 / 10 == 0.3 exactly, and the devkit's fourth threshold is
    # 0.30000000000000004 (np.arange(0., 1.1, 0.1) in voc_eval.py, 0:0.1:1 in VOCevaldet.m): not reached.
    rec, prec = np.array([1, 2, 3]) / 10, np.array([1.0, 1.0, 0.75])
    check_ap(impl, rec, prec, True, 3 * 1.0 / 11,
             "t = 0, 0.1, 0.2 see precision 1; recall 0.3 does not reach the devkit's t = 0.30000000000000004 "
             "(np.arange(0., 1.1, 0.1)[3]), so t = 0.3 sees 0, not 0.75")
    # A recall equal to a threshold reaches it (recall >= t): 0.5 reaches t = 0.5, 1.0 reaches t = 1.0.
    check_ap(impl, np.array([0.5, 1.0]), np.array([1.0, 0.5]), True, (6 * 1.0 + 5 * 0.5) / 11,
             "t = 0 .. 0.5 (six thresholds, recall 0.5 reaches 0.5) see precision 1, t = 0.6 .. 1.0 (five, "
             "recall 1 reaches 1.0) see 0.5")
    check_ap(impl, np.array([0.5, 1.0]), np.array([1.0, 1.0]), True, 1.0,
             "precision 1 up to recall 1, and recall 1.0 reaches t = 1.0: a perfect AP")


def test_ap_edge_values(impl):
    for m in (False, True):
        check_ap(impl, np.zeros(0), np.zeros(0), m, 0.0, "no point at all: the area is 0")
        check_ap(impl, np.array([0.0, 0.0]), np.array([0.0, 0.0]), m, 0.0, "no true positive: precision 0 everywhere")
    check_ap(impl, np.array([0.5, 1.0]), np.array([1.0, 1.0]), False, 1.0, "precision 1 up to recall 1: a perfect AP")
    check_ap(impl, np.array([1.0]), np.array([0.5]), False, 0.5, "one point: 1 * 0.5")
    check_ap(impl, [0.2, 0.4], [1.0, 0.5], False, 0.2 + 0.2 * 0.5, "lists are array-likes too")


# 2. voc_ap against the definition, seeded.

AP_ALTERNATIVES = [  # the 11-point conventions a learner may follow instead of the devkit's
    lambda r, p: brute_ap(r, p, True, thresholds="exact"),
    lambda r, p: brute_ap(r, p, True, strict=True),
]


def random_curve(n, rng, use_07_metric):
    """(recall, precision) of a random ranked list: n detections, each a TP with some chance, and not
    every positive found. For the 11-point metric, drawn again until no recall sits on a threshold."""
    def draw(rng):
        hits = rng.random(n) < rng.uniform(0.2, 0.9)
        positives = int(hits.sum()) + int(rng.integers(1, 4))
        tp = np.cumsum(hits)
        return tp / positives, tp / np.arange(1, n + 1)

    if not use_07_metric:
        return draw(rng)
    return undecided(draw, lambda r, p: brute_ap(r, p, True), AP_ALTERNATIVES, rng=rng)[0]


@pytest.mark.parametrize("use_07_metric", [False, True])
@pytest.mark.parametrize("n", [1, 2, 5, 17, 60, 300])
def test_ap_matches_definition(impl, n, use_07_metric):
    rng = np.random.default_rng(n + 1000 * use_07_metric)
    values = set()
    for _ in range(6):
        rec, prec = random_curve(n, rng, use_07_metric)
        values.add(round(check_ap(impl, rec, prec, use_07_metric), 12))
    if not use_07_metric:  # every detection a TP and all found: recall ends on 1
        check_ap(impl, np.arange(1, n + 1) / n, np.ones(n), False, 1.0, "every detection is a TP and all are found")
    if n >= 17 and len(values) == 1:
        fail("six different random curves all gave the same AP", got=values.pop(), why="a constant answer?")


def test_ap_arbitrary_precision_values(impl):
    # Any non-decreasing recall with any precision values: plateaus, jumps, a last point below recall 1.
    rng = np.random.default_rng(5)
    for n in (3, 8, 40):
        rec = np.sort(rng.integers(0, 8, n)) / 8
        prec = rng.integers(0, 9, n) / 8
        check_ap(impl, rec, prec, False)
        rec = np.sort(rng.integers(1, 7, n)) / 7  # never on an 11-point threshold
        check_ap(impl, rec, prec, True)


@pytest.mark.contract("voc_ap: bad recall or precision: ValueError")
def test_ap_bad_input_raises(impl):
    assert_raises(ValueError, impl.voc_ap, np.array([0.1, 0.2]), np.array([1.0]), True, why="lengths differ")
    assert_raises(ValueError, impl.voc_ap, np.full((2, 2), 0.5), np.ones((2, 2)), True,
                  why="recall and precision must be 1-D")
    assert_raises(ValueError, impl.voc_ap, np.array([0.5, 0.2]), np.array([1.0, 1.0]),
                  why="recall decreases: it is not the recall of a ranked list")


# 3. eval_detections by hand.

def test_duplicate_detection_is_a_false_positive(impl):
    gts = {"a": gt([[0, 0, 10, 10], [20, 20, 30, 30]])}
    dets = [("a", 0.9, 0, 0, 10, 10), ("a", 0.8, 1, 1, 10, 10), ("a", 0.7, 20, 20, 30, 31)]
    # TP, FP (its best box 0 is taken), TP: recall 1/2, 1/2, 1; precision 1, 1/2, 2/3.
    recall, precision, ap = check_eval(impl, dets, gts)
    assert_close(ap, 0.5 + 0.5 * 2 / 3, **TOL, what="ap", why="0.5 at precision 1, then 0.5 at precision 2/3")


def test_no_fallback_to_the_next_best_box(impl):
    gts = {"a": gt([[0, 0, 10, 10], [2, 0, 12, 10]])}
    # det 1's best box is box 0 (IoU 0.9 > 0.727 with box 1); box 0 is taken by det 0, so det 1 is a
    # duplicate FP. COCO would give it box 1 instead; VOC does not.
    dets = [("a", 0.9, 0, 0, 10, 10), ("a", 0.8, 1, 0, 10, 10)]
    check_eval(impl, dets, gts)


def test_best_iou_box_not_the_first_above_threshold(impl):
    gts = {"a": gt([[0, 0, 10, 10], [1, 0, 11, 10]])}
    # det 0 overlaps box 0 at 0.818 and box 1 at 1.0: it takes box 1; det 1 then takes box 0. 2 TP.
    dets = [("a", 0.9, 1, 0, 11, 10), ("a", 0.8, 0, 0, 10, 10)]
    _, _, ap = check_eval(impl, dets, gts)
    assert_close(ap, 1.0, **TOL, what="ap", why="both detections find their own box: precision 1 up to recall 1")


@pytest.mark.convention("IoU equal to the threshold matches (>=, the devkit)")
def test_iou_exactly_at_threshold_matches(impl):
    gts = {7: gt([[0, 0, 4, 4]])}
    dets = [(7, 0.5, 0, 0, 4, 2)]  # intersection 8, union 16: IoU exactly 0.5
    _, _, ap = check_eval(impl, dets, gts, 0.5, why="IoU 8 / 16 = 0.5 is not below the threshold 0.5: a TP "
                                                    "(VOCevaldet.m: ovmax >= minoverlap; voc_eval.py's > differs)")
    assert_close(ap, 1.0, **TOL, what="ap", why="the only detection is a TP")


@pytest.mark.convention("continuous coordinates: no +1 in widths and areas")
def test_continuous_coordinates_no_plus_one(impl):
    # IoU 1/3 in continuous coordinates; with the devkit's +1 it would be 6 / 12 = 0.5.
    gts = {0: gt([[0, 0, 2, 2]])}
    check_eval(impl, [(0, 0.9, 1, 0, 3, 2)], gts, 0.4,
               why="areas 4 and 4, intersection 2: IoU 1/3 < 0.4, a FP (the +1 convention would give 0.5)")


def test_difficult_boxes(impl):
    gts = {"a": gt([[0, 0, 10, 10], [50, 50, 60, 60]], difficult=[False, True]), "b": gt(np.zeros((0, 4)))}
    dets = [("a", 0.95, 50, 50, 60, 61),  # best box is difficult: ignored
            ("a", 0.9, 0, 0, 10, 10),  # TP
            ("a", 0.85, 51, 50, 60, 60),  # difficult again: ignored, not a duplicate FP
            ("b", 0.8, 0, 0, 10, 10)]  # image without boxes: FP
    recall, precision, ap = check_eval(impl, dets, gts)
    assert_close(recall[-1], 1.0, **TOL, what="final recall",
                 why="one non-difficult box, found by the second detection; the difficult box is no positive")
    assert_close(ap, 1.0, **TOL, what="ap", why="the ignored detections add nothing: TP then FP at recall 1")


@pytest.mark.convention("difficult matches leave the curve")
def test_difficult_matches_leave_the_curve(impl):
    gts = {"a": gt([[0, 0, 10, 10], [50, 50, 60, 60]], difficult=[False, True])}
    dets = [("a", 0.95, 50, 50, 60, 61), ("a", 0.9, 0, 0, 10, 10), ("a", 0.85, 51, 50, 60, 60),
            ("a", 0.8, 30, 30, 40, 40)]
    call = Call(impl.eval_detections, dets, gts)
    recall, precision, _ = call.out
    assert_close(np.asarray(recall, np.float64), [1.0, 1.0], **TOL, call=call, what="recall",
                 why="the detections whose best box is difficult are neither TP nor FP and get no point of the "
                     "curve: 2 points (TP, FP), not 4 (the devkit keeps them as repeated points)")
    assert_close(np.asarray(precision, np.float64), [1.0, 0.5], **TOL, call=call, what="precision")


def test_difficult_best_box_wins_over_a_normal_one(impl):
    gts = {"a": gt([[0, 0, 10, 10], [1, 0, 11, 10]], difficult=[True, False])}
    # det 0's best box is box 0 (IoU 1, difficult), though box 1 overlaps it at 0.818: ignored.
    dets = [("a", 0.9, 0, 0, 10, 10), ("a", 0.5, 30, 30, 40, 40)]
    recall, precision, ap = check_eval(impl, dets, gts)
    assert_close(ap, 0.0, **TOL, what="ap", why="nothing matches the only positive (box 1)")


@pytest.mark.convention("equal scores: input order (a stable sort)")
def test_equal_scores_keep_input_order(impl):
    gts = {"a": gt([[0, 0, 10, 10]])}
    dets = [("a", 0.5, 30, 30, 40, 40), ("a", 0.5, 0, 0, 10, 10)]  # FP first, then TP, same score
    recall, precision, ap = check_eval(impl, dets, gts)
    assert_close(ap, 0.5, **TOL, what="ap",
                 why="ties keep their input order: FP (precision 0) then TP (recall 1, precision 1/2): AP 0.5")
    gts = {"a": gt([[0, 0, 10, 10], [20, 0, 30, 10]])}
    dets = [("a", 0.5, 20, 0, 30, 10), ("a", 0.9, 60, 0, 70, 10), ("a", 0.5, 0, 0, 10, 10), ("a", 0.5, 1, 0, 10, 10)]
    check_eval(impl, dets, gts, why="the three detections scored 0.5 are visited in input order: TP, TP, then the "
                                    "duplicate FP (MATLAB's sort is stable; np.argsort(-scores) promises no order)")


def test_highest_score_first(impl):
    gts = {"x": gt([[0, 0, 10, 10], [20, 0, 30, 10]])}
    dets = [("x", 0.2, 50, 50, 60, 60), ("x", 0.9, 20, 0, 30, 10), ("x", 0.4, 0, 0, 10, 10)]
    _, _, ap = check_eval(impl, dets, gts)
    assert_close(ap, 1.0, **TOL, what="ap", why="scores 0.9 (TP), 0.4 (TP), 0.2 (FP): recall 1 at precision 1")


def test_detection_on_image_without_ground_truth(impl):
    gts = {"a": gt([[0, 0, 10, 10]])}
    check_eval(impl, [("zzz", 0.9, 0, 0, 10, 10), ("a", 0.8, 0, 0, 10, 10)], gts,
               why="image 'zzz' is not in ground_truths: no box, so its detection is a FP")


def test_eleven_point_through_eval(impl):
    gts = {"a": gt([[0, 0, 10, 10], [20, 0, 30, 10], [40, 0, 50, 10]])}
    dets = [("a", 0.9, 0, 0, 10, 10), ("a", 0.8, 60, 0, 70, 10), ("a", 0.7, 20, 0, 30, 10)]
    _, _, ap = check_eval(impl, dets, gts, use_07_metric=True)
    assert_close(ap, (4 * 1.0 + 3 * 2 / 3) / 11, **TOL, what="ap (11 points)",
                 why="recall 1/3 at precision 1, 2/3 at precision 2/3: t = 0 .. 0.3 see 1, t = 0.4 .. 0.6 see 2/3")


def test_no_detections(impl):
    call = Call(impl.eval_detections, [], {"a": gt([[0, 0, 1, 1]])})
    recall, precision, ap = call.out
    for got, name in ((recall, "recall"), (precision, "precision")):
        if np.shape(got) != (0,):
            fail(f"{name}: must be empty", call=call, got=show(got))
    assert_close(float(ap), 0.0, call=call, what="ap", why="nothing detected: AP 0")


@pytest.mark.convention("float64 math: a float AP, float64 arrays")
def test_output_types(impl):
    rec, prec = np.array([0.35, 0.85], np.float32), np.array([1.0, 0.5], np.float32)
    for m in (False, True):
        call = Call(impl.voc_ap, rec, prec, m)
        if not isinstance(call.out, float):
            fail(f"voc_ap must return a float (float or numpy.float64), got {type(call.out).__name__}", call=call,
                 got=repr(call.out), why="work in float64 whatever the input dtype")
        assert_close(call.out, brute_ap(rec, prec, m), **TOL, call=call, what="AP of a float32 curve",
                     why="float32 in: the AP is computed in float64 (11 points: t = 0 .. 0.3 see precision 1, "
                         "t = 0.4 .. 0.8 see 0.5)")
    for dets in ([("a", 0.9, 0, 0, 10, 10), ("a", 0.5, 30, 30, 40, 40)], []):
        call = Call(impl.eval_detections, dets, {"a": gt([[0, 0, 10, 10]])})
        recall, precision, ap = call.out
        assert_array(recall, dtype=np.float64, shape=(len(dets),), call=call, what="recall")
        assert_array(precision, dtype=np.float64, shape=(len(dets),), call=call, what="precision")
        if not isinstance(ap, float):
            fail(f"ap must be a float, got {type(ap).__name__}", call=call, got=repr(ap))


@pytest.mark.contract("bad detections or ground truths: ValueError")
def test_eval_bad_records_raise(impl):
    ok = {"a": gt([[0, 0, 1, 1]])}
    assert_raises(ValueError, impl.eval_detections, [("a", 0.5, 0, 0, 1, 1, 0.7)], ok,
                  why="a detection is (image_id, score, x1, y1, x2, y2): 6 entries, not 7")
    assert_raises(ValueError, impl.eval_detections, [], {"a": {"boxes": np.zeros((2, 5)), "difficult": [0, 0]}},
                  why="boxes must have shape (G, 4)")
    assert_raises(ValueError, impl.eval_detections, [], {"a": {"boxes": np.ones((2, 4)), "difficult": [0]}},
                  why="difficult must have one flag per box")


@pytest.mark.contract("no non-difficult ground truth: ValueError")
def test_eval_no_positive_raises(impl):
    assert_raises(ValueError, impl.eval_detections, [("a", 0.5, 0, 0, 1, 1)], {"a": gt([[0, 0, 1, 1]], [True])},
                  why="the only box is difficult: no positive, recall is undefined")
    assert_raises(ValueError, impl.eval_detections, [("a", 0.5, 0, 0, 1, 1)], {},
                  why="no ground truth at all: recall is undefined")


@pytest.mark.contract("iou_threshold outside (0, 1]: ValueError")
def test_eval_bad_threshold_raises(impl):
    ok, dets = {"a": gt([[0, 0, 1, 1]])}, [("a", 0.5, 0, 0, 1, 1)]
    assert_raises(ValueError, impl.eval_detections, dets, ok, 0.0, why="iou_threshold must lie in (0, 1]")
    assert_raises(ValueError, impl.eval_detections, dets, ok, 1.5, why="iou_threshold must lie in (0, 1]")


# 4. eval_detections against the devkit loop, seeded.

def draw_scene(rng, images=4, *, str_ids=True):
    """Images with a few boxes (some difficult, some crowded), and detections: near-copies of boxes (several per box
    sometimes), loose boxes, and boxes on an image without ground truth. Continuous coordinates, distinct scores."""
    gts, dets = {}, []
    for k in range(images):
        image = f"img{k}" if str_ids else k
        g = int(rng.integers(0, 5))
        xy = rng.uniform(0, 80, (g, 2))
        wh = rng.uniform(4, 30, (g, 2))
        boxes = np.concatenate([xy, xy + wh], 1)
        if g and rng.random() < 0.5:  # a crowd: a second object right beside the first
            shift = np.tile(rng.uniform(1, 6, 2), 2)
            boxes = np.concatenate([boxes, boxes[:1] + shift])
        gts[image] = gt(boxes, rng.random(len(boxes)) < 0.2)
        for b in boxes:
            for _ in range(int(rng.integers(0, 3))):
                x1, y1, x2, y2 = (b + rng.uniform(-4, 4, 4)).tolist()
                dets.append((image, 0.0, min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)))
        for _ in range(int(rng.integers(0, 3))):
            x, y = rng.uniform(0, 90, 2).tolist()
            dets.append((image, 0.0, x, y, x + rng.uniform(3, 25), y + rng.uniform(3, 25)))
    dets.append(("nowhere" if str_ids else -1, 0.0, 0, 0, 10, 10))
    if not any((~v["difficult"]).any() for v in gts.values()):
        first = next(iter(gts))
        gts[first] = gt([[0, 0, 20, 20]])
    scores = (rng.permutation(len(dets)) + 1) / len(dets)  # distinct: ties are a convention test's
    dets = [(d[0], float(s), *map(float, d[2:])) for d, s in zip(dets, scores)]
    order = rng.permutation(len(dets))
    return [dets[i] for i in order], gts


def random_scene(rng, thr=0.5, use_07_metric=False, **kw):
    """A scene on which neither +1 pixel areas nor IoU > threshold changes a verdict, and (11 points)
    on whose curve neither exact k / 10 thresholds nor a strict recall > t changes the AP."""
    def verdicts(dets, gts):
        return np.array([kind for _, kind, _ in brute_match(dets, gts, thr)])

    def curve_ap(dets, gts, **how):
        rec, prec, _ = expected_curve(dets, gts, thr)
        return brute_ap(rec, prec, True, **how)

    alternatives = [lambda d, g: np.array([k for _, k, _ in brute_match(d, g, thr, plus_one=1.0)]),
                    lambda d, g: np.array([k for _, k, _ in brute_match(d, g, thr, strict=True)])]
    while True:
        dets, gts = undecided(lambda rng: draw_scene(rng, **kw), verdicts, alternatives, rng=rng)[0]
        if not use_07_metric or all(curve_ap(dets, gts) == curve_ap(dets, gts, **how)
                                    for how in ({"thresholds": "exact"}, {"strict": True})):
            return dets, gts


@pytest.mark.parametrize("thr", [0.3, 0.5, 0.7])
@pytest.mark.parametrize("use_07_metric", [False, True])
def test_eval_matches_devkit_loop(impl, thr, use_07_metric):
    rng = np.random.default_rng(int(thr * 10) + 100 * use_07_metric)
    aps = set()
    for trial in range(6):
        dets, gts = random_scene(rng, thr, use_07_metric, images=int(rng.integers(1, 7)), str_ids=trial % 2 == 0)
        aps.add(round(check_eval(impl, dets, gts, thr, use_07_metric)[2], 12))
    if len(aps) <= 2:
        fail("six different scenes gave only a few AP values", got=sorted(aps), why="a constant answer?")


def test_eval_larger_scene(impl):
    rng = np.random.default_rng(77)
    dets, gts = random_scene(rng, 0.5, True, images=15)
    check_eval(impl, dets, gts, 0.5)
    check_eval(impl, dets, gts, 0.5, True)


# 5. Properties.

def test_order_of_detections_with_distinct_scores_does_not_matter(impl):
    rng = np.random.default_rng(9)
    dets, gts = random_scene(rng, images=6)
    base = check_eval(impl, dets, gts)
    perm = rng.permutation(len(dets))
    call = Call(impl.eval_detections, [dets[i] for i in perm], gts)
    assert_close(call.out[2], base[2], **TOL, call=call, what="ap of the shuffled detections",
                 why="with distinct scores the visiting order, and so the curve, does not depend on the input order")


def test_scaling_everything_keeps_the_curve(impl):
    rng = np.random.default_rng(10)
    dets, gts = random_scene(rng, images=5)
    base = check_eval(impl, dets, gts)
    scaled = [(d[0], d[1], *(4.0 * v + 100 for v in d[2:])) for d in dets]
    gts2 = {k: {"boxes": 4.0 * v["boxes"] + 100, "difficult": v["difficult"]} for k, v in gts.items()}
    call = Call(impl.eval_detections, scaled, gts2)
    assert_close(np.asarray(call.out[0], np.float64), base[0], **TOL, call=call,
                 what="recall after scaling and shifting all boxes",
                 why="IoU does not change when every box is scaled and shifted together")
    assert_close(call.out[2], base[2], **TOL, call=call, what="ap after scaling and shifting all boxes",
                 why="IoU does not change when every box is scaled and shifted together")
