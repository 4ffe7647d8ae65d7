"""Tests for detection/hard_negative_mining. Run: pytest katas/detection/hard_negative_mining

Correctness tests use distinct, positive losses (as a cross-entropy gives), so neither the order
of equal losses nor what a positive's or ignored anchor's own loss is changes the answer; each of
those conventions, the output type and the input checks has a test of its own."""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_equal, assert_raises, fail, show


def brute_force(loss, labels, ratio):
    """The rule, image by image: every positive, then the K = min(ratio * P, N) negatives of highest loss,
    equal losses lower index first."""
    out = np.zeros(np.shape(labels), dtype=bool)
    for b, (row, lab) in enumerate(zip(np.asarray(loss, np.float64).tolist(), np.asarray(labels).tolist())):
        positives = [a for a, v in enumerate(lab) if v > 0]
        negatives = sorted((a for a, v in enumerate(lab) if v == 0), key=lambda a: (-row[a], a))
        for a in positives + negatives[:min(ratio * len(positives), len(negatives))]:
            out[b, a] = True
    return out


def explain(loss, labels, ratio, got):
    """Why the first anchor where `got` and the brute force differ must be the other way round."""
    expected = brute_force(loss, labels, ratio)
    b, a = (int(i) for i in np.argwhere(np.asarray(got) != expected)[0])
    lab, row = np.asarray(labels)[b], np.asarray(loss, np.float64)[b]
    p, n = int((lab > 0).sum()), int((lab == 0).sum())
    k = min(ratio * p, n)
    head = f"image {b}: {p} positive(s), {n} negative(s), so K = min({ratio} * {p}, {n}) = {k} negatives are kept"
    if lab[a] > 0:
        return f"{head}; anchor {a} is a positive (label {lab[a]}): always selected"
    if lab[a] < 0:
        return f"{head}; anchor {a} is ignored (label {lab[a]}): never selected, whatever its loss"
    negatives = sorted((j for j in range(len(lab)) if lab[j] == 0), key=lambda j: (-row[j], j))
    place = negatives.index(a)
    verdict = "inside" if place < k else "outside"
    return (f"{head}; anchor {a} is a negative with loss {row[a]:.6g}, number {place + 1} among the negatives "
            f"ranked by loss, highest first, equal losses lower index first: {verdict} the top {k}")


def check(impl, loss, labels, ratio=3, **why):
    """Run the candidate, check the output's form, and compare with the brute force."""
    __tracebackhide__ = True
    call = Call(impl.hard_negative_mining, loss, labels, ratio)
    got = np.asarray(call.out)
    if got.shape != np.shape(labels) or not np.isin(got, (0, 1)).all():
        fail(f"the mask must be a boolean array of shape {np.shape(labels)}", call=call, got=show(call.out))
    got = got.astype(bool)  # that it is a bool ndarray is test_returns_a_bool_array's business
    expected = brute_force(loss, labels, ratio)
    if not np.array_equal(got, expected):
        assert_equal(got, expected, call=call, what="mask", why=explain(loss, labels, ratio, got))
    return got


def random_batch(b, a, rng, dtype=np.float64, pos=0.06, ignore=0.1, levels=None, label_dtype=np.int64):
    """Positive losses, all distinct (few distinct values when `levels` is set, so that many tie), and
    labels with classes 1..20."""
    if levels:
        loss = rng.integers(0, levels, (b, a)) / 4
    else:  # distinct in float32 too: a shuffled grid of b * a values in (0, 5)
        loss = (rng.permutation(b * a).reshape(b, a) + rng.uniform(0.1, 0.9)) * (5.0 / max(b * a, 1))
    u = rng.random((b, a))
    labels = np.where(u < pos, rng.integers(1, 21, (b, a)), np.where(u > 1 - ignore, -1, 0))
    return loss.astype(dtype), labels.astype(label_dtype)


# 1. By hand.

def test_by_hand(impl):
    labels = np.array([[1, 0, 0, 0, 0, -1, 0]])
    loss = np.array([[9.0, 0.1, 0.5, 0.3, 0.2, 5.0, 0.4]])
    out = check(impl, loss, labels, 2)
    assert_equal(out, [[True, False, True, False, False, False, True]], what="mask",
                 why="1 positive (anchor 0) and ratio 2: keep the 2 hardest negatives, anchors 2 (0.5) and 6 (0.4); "
                     "anchor 5 has the largest loss but is ignored")


@pytest.mark.convention("equal losses: lower anchor index first")
def test_equal_losses_lower_index_first(impl):
    labels = np.array([[0, 0, 3, 0, 0, 0]])
    check(impl, np.full((1, 6), 0.5), labels, 2)  # expected anchors 0, 1 (and the positive 2)
    loss = np.array([[0.2, 0.7, 9.0, 0.7, 0.7, 0.1]])
    check(impl, loss, labels, 2)  # 0.7 three times: anchors 1 and 3, not 4
    # 2000 anchors per image, losses from 3 values: the cut falls inside a run of hundreds of equal losses.
    rng = np.random.default_rng(3)
    loss, labels = random_batch(4, 2000, rng, np.float32, pos=0.03, levels=3)
    check(impl, loss, labels, 3)


def test_positives_do_not_take_negative_slots(impl):
    labels = np.array([[2, 0, 0, 1, 0]])
    loss = np.array([[100.0, 1.0, 3.0, 50.0, 2.0]])
    out = check(impl, loss, labels, 1)
    assert_equal(out, [[True, False, True, True, True]], what="mask",
                 why="2 positives and ratio 1: the 2 hardest *negatives* are anchors 2 (3.0) and 4 (2.0); the "
                     "positives' large losses are not ranked against them")


def test_ignored_anchors_are_never_selected(impl):
    labels = np.array([[1, -1, -1, 0, 0], [-1, 0, 1, -1, 0]])
    loss = np.array([[0.0, 9.0, 8.0, 1.0, 2.0], [7.0, 0.5, 0.0, 6.0, 0.25]])
    check(impl, loss, labels, 3)  # K = min(3, 2) = 2: every negative, no ignored anchor


def test_ratio_is_per_image(impl):
    labels = np.array([[1, 1, 0, 0, 0, 0, 0, 0, 0],
                       [0, 0, 0, 0, 0, 0, 0, 0, 0],
                       [0, 0, 0, 5, 0, 0, 0, 0, 0]])
    loss = np.array([[0.0, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
                     [9.0, 9.0, 9.0, 9.0, 9.0, 9.0, 9.0, 9.0, 9.0],
                     [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]])
    out = check(impl, loss, labels, 3)
    assert_equal(out.sum(axis=1), [2 + 6, 0, 1 + 3], what="anchors selected per image",
                 why="image 0: 2 positives, 6 negatives; image 1 has no positive, so no negative at all, however "
                     "hard; image 2: 1 positive, 3 negatives (anchors 5, 0, 8). Never pooled over the batch")


def test_ratio_zero_and_too_few_negatives(impl):
    rng = np.random.default_rng(1)
    loss, labels = random_batch(3, 12, rng, pos=0.3)
    out = check(impl, loss, labels, 0)
    assert_equal(out, labels > 0, what="mask with ratio 0", why="ratio 0 keeps the positives only")
    out = check(impl, loss, labels, 100)
    assert_equal(out, labels >= 0, what="mask with ratio 100",
                 why="K = min(100 * P, N) = N wherever an image has a positive: every non-ignored anchor")


# 2. Against the brute force on seeded random batches.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("b, a", [(0, 5), (3, 0), (1, 1), (1, 8), (4, 30), (8, 200)])
def test_matches_brute_force(impl, b, a, dtype):
    rng = np.random.default_rng(b * 1000 + a)
    for ratio in (0, 1, 3, 7):
        loss, labels = random_batch(b, a, rng, dtype)  # distinct losses: equal ones are the convention test's
        check(impl, loss, labels, ratio)


@pytest.mark.parametrize("label_dtype", [np.int8, np.int32, np.uint8, np.int64])
def test_any_integer_label_dtype(impl, label_dtype):
    rng = np.random.default_rng(2)
    loss, labels = random_batch(3, 40, rng, ignore=0.0 if label_dtype == np.uint8 else 0.1)
    check(impl, loss, labels.astype(label_dtype), np.int64(2))  # a numpy integer ratio too


@pytest.mark.convention("losses of any sign: positives never take a slot")
def test_negative_and_zero_losses(impl):
    # ssd.pytorch zeroes the positives' losses and ranks them with the negatives: harmless for the
    # positive losses a cross-entropy gives, but here a zeroed positive would outrank every negative.
    labels = np.array([[1, 0, 0, 0, 0, 0, -1]])
    loss = np.array([[-5.0, -1.0, -0.25, -3.0, -0.5, -2.0, -4.0]])
    check(impl, loss, labels, 3)  # anchors 2 (-0.25), 4 (-0.5), 1 (-1): the highest, even when negative


# 4. Properties.

def test_counts_and_ordering(impl):
    rng = np.random.default_rng(4)
    loss, labels = random_batch(6, 150, rng, levels=8)
    call = Call(impl.hard_negative_mining, loss, labels)  # neg_pos_ratio defaults to 3
    out = np.asarray(call.out).astype(bool)
    for b in range(6):
        neg = labels[b] == 0
        p, n = int((labels[b] > 0).sum()), int(neg.sum())
        chosen = out[b] & neg
        if chosen.sum() != min(3 * p, n):
            fail(f"image {b}: {int(chosen.sum())} negatives selected", call=call,
                 expected=f"min(3 * {p}, {n}) = {min(3 * p, n)}",
                 why="K = min(ratio * P, N), per image, and neg_pos_ratio defaults to 3")
        if chosen.any() and (neg & ~chosen).any() and loss[b][chosen].min() < loss[b][neg & ~chosen].max():
            fail(f"image {b}: a selected negative has a lower loss than one left out", call=call,
                 got=f"lowest selected {loss[b][chosen].min()}, highest left out {loss[b][neg & ~chosen].max()}",
                 why="the hardest negatives are those with the highest loss")


def test_larger_ratio_selects_a_superset(impl):
    rng = np.random.default_rng(5)
    loss, labels = random_batch(5, 60, rng)
    previous = None
    for ratio in range(6):
        out = check(impl, loss, labels, ratio)
        if previous is not None and (previous & ~out).any():
            b, a = (int(i) for i in np.argwhere(previous & ~out)[0])
            fail(f"ratio {ratio} drops anchor {a} of image {b}, which ratio {ratio - 1} selected",
                 why="a larger ratio only moves the cut further down the same ranking")
        previous = out


def test_permuting_anchors_permutes_the_mask(impl):
    rng = np.random.default_rng(6)
    loss, labels = random_batch(3, 50, rng)  # distinct losses: no tie to break
    base = check(impl, loss, labels, 3)
    perm = rng.permutation(50)
    call = Call(impl.hard_negative_mining, loss[:, perm], labels[:, perm], 3)
    assert_equal(np.asarray(call.out).astype(bool), base[:, perm], call=call, what="mask of the shuffled anchors",
                 why="with distinct losses the choice depends on the losses, not on where the anchors sit")


# 5. Output form, bad input.

@pytest.mark.convention("returns a bool numpy array")
def test_returns_a_bool_array(impl):
    labels = np.array([[1, 0, 0, -1], [0, 0, 0, 0]])
    call = Call(impl.hard_negative_mining, np.array([[0.5, 0.25, 0.75, 1.0], [1.0, 2.0, 3.0, 4.0]]), labels, 1)
    assert_array(call.out, dtype=np.bool_, shape=(2, 4), call=call, what="mask")
    empty = Call(impl.hard_negative_mining, np.zeros((0, 5)), np.zeros((0, 5), np.int64))
    assert_array(empty.out, dtype=np.bool_, shape=(0, 5), call=empty, what="mask for B = 0")


@pytest.mark.contract("bad shapes: ValueError")
def test_bad_shapes_raise_value_error(impl):
    fn = impl.hard_negative_mining
    assert_raises(ValueError, fn, np.ones((2, 5, 1)), np.zeros((2, 5, 1), np.int64), why="loss must be 2-D (B, A)")
    assert_raises(ValueError, fn, np.ones((2, 5)), np.zeros((1, 5), np.int64),
                  why="labels must have the shape of loss: (1, 5) would broadcast against (2, 5)")


@pytest.mark.contract("float labels: ValueError")
def test_float_labels_raise_value_error(impl):
    assert_raises(ValueError, impl.hard_negative_mining, np.ones((2, 5)), np.array([[1.0, 0, 0, 0, 0]] * 2),
                  why="labels must be an integer array, not floats")


@pytest.mark.contract("ratio not an integer >= 0: ValueError")
def test_bad_ratio_raises_value_error(impl):
    loss, labels = np.ones((2, 5)), np.array([[1, 0, 0, 0, 0]] * 2)
    assert_raises(ValueError, impl.hard_negative_mining, loss, labels, -1, why="neg_pos_ratio must be >= 0")
    assert_raises(ValueError, impl.hard_negative_mining, loss, labels, 2.5, why="neg_pos_ratio must be an integer")
