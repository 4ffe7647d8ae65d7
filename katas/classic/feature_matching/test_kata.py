"""Tests for classic/feature_matching. Run: pytest katas/classic/feature_matching

The oracle is the brute force written below: every distance in float64 by direct differences,
nearest neighbours by a first-minimum scan, the two filters exactly as the statement words them.
Random descriptors are redrawn until no decision (a nearest neighbour, a mutual check, a ratio
against the threshold) is within 1e-3 relative of flipping, so only the hand-built convention
tests decide ties, a ratio at the threshold, zero distances and a lone candidate."""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_raises, fail, show

MARGIN = 1e-3


def distances(d1, d2):
    a, b = np.asarray(d1, np.float64), np.asarray(d2, np.float64)
    return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))


def brute_force(d1, d2, cross_check=True, max_ratio=None):
    """Kept matches as a list of (i, j), and for every row i of desc1 the reason it was kept or not."""
    dist = distances(d1, d2)
    kept, why = [], []
    for i in range(dist.shape[0] if dist.shape[1] else 0):
        row = dist[i]
        j = int(np.argmin(row))  # the first minimum: lower index on equal distances
        back = int(np.argmin(dist[:, j]))
        if cross_check and back != i:
            why.append(f"row {i}'s nearest is desc2[{j}] (distance {row[j]:.6g}), but desc2[{j}]'s nearest "
                       f"in desc1 is row {back} (distance {dist[back, j]:.6g}): not mutual, dropped")
            continue
        if max_ratio is not None:
            second = np.min(np.delete(row, j)) if len(row) > 1 else np.inf
            if not row[j] < max_ratio * second:
                why.append(f"row {i}: nearest distance {row[j]:.6g}, second {second:.6g}, ratio "
                           f"{row[j] / second if second else float('nan'):.6g} is not below {max_ratio}: dropped")
                continue
        kept.append((i, j))
        why.append(f"row {i}'s nearest is desc2[{j}] (distance {row[j]:.6g})"
                   + (", and it is mutual" if cross_check else "")
                   + (", and it passes the ratio test" if max_ratio is not None else "") + ": kept")
    return kept, why


def settled(d1, d2, ratios):
    """No nearest neighbour, mutual check or ratio (for any of `ratios`) within MARGIN of flipping."""
    dist = distances(d1, d2)
    for mat in (dist, dist.T):  # rows: nearest in desc2; columns: nearest in desc1 (mutual check)
        if mat.shape[1] >= 2 and mat.shape[0]:
            two = np.sort(mat, axis=1)[:, :2]
            if (two[:, 1] - two[:, 0] <= MARGIN * two[:, 1]).any():
                return False
    if dist.shape[1] < 2 or not dist.shape[0]:
        return True
    two = np.sort(dist, axis=1)[:, :2]
    return all((np.abs(two[:, 0] / two[:, 1] - r) > MARGIN).all() for r in ratios)


def draw(rng, n1, n2, d=8, dtype=np.float64, ratios=(0.6, 0.8, 0.9)):
    for _ in range(200):
        if dtype == np.uint8:
            d1, d2 = rng.integers(0, 256, (n1, d)).astype(np.uint8), rng.integers(0, 256, (n2, d)).astype(np.uint8)
        else:
            d1, d2 = rng.normal(size=(n1, d)).astype(dtype), rng.normal(size=(n2, d)).astype(dtype)
        if settled(d1, d2, ratios):
            return d1, d2
    raise RuntimeError("no settled draw")


def check(impl, d1, d2, *, why=None, **kw):
    """Compare with the brute force. Rows may come back in any order and any integer dtype here; the
    order and dtype are test_returns_int64_rows_by_ascending_i's business."""
    __tracebackhide__ = True
    call = Call(impl.match_descriptors, d1, d2, **kw)
    got = np.asarray(call.out)
    if got.ndim != 2 or got.shape[1] != 2 or (got.size and got.dtype.kind not in "iu"):
        fail("match_descriptors must return a (K, 2) integer array of [i, j] rows", call=call, got=show(call.out))
    kept, reasons = brute_force(d1, d2, **kw)
    got_pairs = sorted(map(tuple, got.astype(np.int64).tolist()))
    if got_pairs != kept:
        extra, missing = sorted(set(got_pairs) - set(kept)), sorted(set(kept) - set(got_pairs))
        i = (missing + extra)[0][0]
        fail(f"wrong matches: {len(missing)} missing {missing[:5]}, {len(extra)} not expected {extra[:5]}",
             call=call, got=show(got), expected=show(np.array(kept, np.int64).reshape(-1, 2)),
             why=why or (reasons[i] if i < len(reasons) else None))
    return got


# 1. Small cases you can check on paper (1-D descriptors: distance is |a - b|).

def test_nearest_neighbours_by_hand(impl):
    d1 = np.array([[0.0], [10.0], [4.0]])
    d2 = np.array([[1.0], [9.0], [20.0]])
    check(impl, d1, d2, cross_check=False,
          why="0 -> 1 (distance 1), 10 -> 9 (distance 1), 4 -> 1 (distance 3, against 5 to 9)")


def test_mutual_check_is_on_by_default(impl):
    d1 = np.array([[0.0], [10.0], [4.0]])
    d2 = np.array([[1.0], [9.0], [20.0]])
    check(impl, d1, d2, why="by default cross_check=True and no ratio test: 4 -> 1 is dropped, because "
                            "1's nearest in desc1 is 0 (distance 1), not 4 (distance 3)")
    check(impl, np.array([[0.0]]), np.array([[1.0], [-1.01]]),
          why="by default there is no ratio test: the nearest (distance 1) is kept although the second is 1.01")


def test_ratio_test_by_hand(impl):
    d2 = np.array([[0.0], [2.0], [10.0]])
    d1 = np.array([[1.2], [7.0], [9.0]])
    # 1.2: best 0.8, second 1.2, ratio 0.667. 7: best 3, second 5, ratio 0.6. 9: best 1, second 7, ratio 0.143.
    check(impl, d1, d2, cross_check=False, max_ratio=0.7)
    check(impl, d1, d2, cross_check=False, max_ratio=0.65)
    check(impl, d1, d2, cross_check=False, max_ratio=0.5)


def test_ratio_is_of_distances_not_squared_distances(impl):
    d2 = np.array([[0.0, 0.0], [0.0, 5.0]])
    d1 = np.array([[0.0, 2.0]])  # best 2, second 3: ratio 0.667, squared 0.444
    check(impl, d1, d2, cross_check=False, max_ratio=0.5,
          why="distances 2 and 3 give a ratio of 0.667, not below 0.5: dropped (squared distances would give 0.444)")


# 2. Against the brute force on seeded random descriptors.

SIZES = [(0, 5), (5, 0), (1, 1), (1, 4), (4, 1), (30, 40), (120, 90)]


@pytest.mark.parametrize("n1, n2", SIZES)
def test_matches_brute_force(impl, n1, n2):
    rng = np.random.default_rng(10 * n1 + n2)
    d1, d2 = draw(rng, n1, n2)
    for cross_check in (False, True):
        # with N2 == 1 the ratio test is test_single_candidate_passes_the_ratio_test's business
        for max_ratio in (None, 0.6, 0.8, 0.9) if n2 > 1 else (None,):
            check(impl, d1, d2, cross_check=cross_check, max_ratio=max_ratio)


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_other_descriptor_dtypes(impl, dtype):
    rng = np.random.default_rng(3)
    d1, d2 = draw(rng, 60, 70, d=32, dtype=dtype)
    for max_ratio in (None, 0.9):
        check(impl, d1, d2, max_ratio=max_ratio,
              why="uint8 descriptors (SIFT-like, 0..255): convert before subtracting or multiplying, uint8 wraps around"
              if dtype == np.uint8 else None)


# 4. Properties.

def test_shuffling_desc2_relabels_the_matches(impl):
    rng = np.random.default_rng(4)
    d1, d2 = draw(rng, 50, 60)
    base = check(impl, d1, d2, max_ratio=0.9)
    perm = rng.permutation(60)
    call = Call(impl.match_descriptors, d1, d2[perm], max_ratio=0.9)
    got = sorted((int(i), int(perm[j])) for i, j in np.asarray(call.out).tolist())
    if got != sorted(map(tuple, np.asarray(base).tolist())):
        fail("shuffling desc2 changed which descriptors were matched", call=call, got=show(np.asarray(call.out)),
             why="with no ties, the matches are the same pairs of descriptors whatever their order")


# Conventions and input checks.

@pytest.mark.convention("ratio equal to max_ratio: rejected (strict <)")
def test_ratio_equal_to_max_ratio_is_rejected(impl):
    d2 = np.array([[3.0, 0.0], [0.0, 4.0], [0.0, -5.0]])
    d1 = np.array([[0.0, 0.0]])  # best 3, second 4: ratio exactly 0.75
    check(impl, d1, d2, cross_check=False, max_ratio=0.75,
          why="3 < 0.75 * 4 is false: a ratio equal to max_ratio fails the test")
    check(impl, d1, d2[[0, 2]], cross_check=False, max_ratio=0.75, why="3 < 0.75 * 5: kept")


@pytest.mark.convention("equal distances: lower index wins, both directions")
def test_equal_distances_lower_index_wins(impl):
    check(impl, np.array([[0.0]]), np.array([[1.0], [-1.0], [5.0]]), cross_check=False,
          why="desc2[0] and desc2[1] are both at distance 1: the lower index, 0, is the nearest")
    check(impl, np.array([[1.0], [-1.0]]), np.array([[0.0]]),
          why="rows 0 and 1 are both at distance 1 from desc2[0]; its nearest in desc1 is row 0, "
              "so only (0, 0) is mutual")


@pytest.mark.convention("best and second distance both 0: rejected")
def test_best_and_second_both_zero_is_rejected(impl):
    d1 = np.array([[1.0, 2.0], [5.0, 5.0]])
    d2 = np.array([[1.0, 2.0], [1.0, 2.0], [5.0, 5.0]])
    check(impl, d1, d2, cross_check=False, max_ratio=0.8,
          why="row 0 has two exact copies in desc2: 0 < 0.8 * 0 is false, ambiguous, dropped (skimage keeps it); "
              "row 1 has one exact copy: 0 < 0.8 * 5, kept")


@pytest.mark.convention("a single candidate in desc2 passes the ratio test")
def test_single_candidate_passes_the_ratio_test(impl):
    check(impl, np.array([[0.0, 1.0], [3.0, 3.0]]), np.array([[2.0, 2.0]]), cross_check=False, max_ratio=0.5,
          why="with N2 == 1 there is no second neighbour: its distance is infinite and the test passes")


@pytest.mark.convention("int64 (K, 2) rows, i ascending")
def test_returns_int64_rows_by_ascending_i(impl):
    d1 = np.array([[9.0], [0.0], [5.0]])
    d2 = np.array([[0.2], [5.1], [9.3]])
    call = Call(impl.match_descriptors, d1, d2)
    assert_array(call.out, dtype=np.int64, shape=(3, 2), call=call, what="matches")
    if call.out.tolist() != [[0, 2], [1, 0], [2, 1]]:
        fail("rows must come in ascending order of i", call=call, got=show(call.out),
             expected="[[0, 2], [1, 0], [2, 1]]")
    empty = Call(impl.match_descriptors, np.zeros((0, 3)), np.ones((4, 3)))
    assert_array(empty.out, dtype=np.int64, shape=(0, 2), call=empty, what="no matches")


@pytest.mark.contract("desc1 and desc2 not 2-D with the same D: ValueError")
def test_bad_shapes_raise(impl):
    assert_raises(ValueError, impl.match_descriptors, np.zeros((4, 3)), np.ones((5, 1)),
                  why="desc2 has D = 1 and desc1 D = 3: broadcasting would pair them silently")


@pytest.mark.contract("max_ratio outside (0, 1]: ValueError")
def test_bad_max_ratio_raises(impl):
    d1, d2 = np.array([[0.0], [4.0]]), np.array([[1.0], [3.0], [8.0]])
    for r in (1.5, 0.0, -0.5):
        assert_raises(ValueError, impl.match_descriptors, d1, d2, max_ratio=r,
                      why="the ratio of the nearest to the second-nearest distance is in [0, 1]: "
                          "max_ratio must be in (0, 1]")


# 7. Speed.

def time_matching(impl, reference, speed, n, d, cross_check, seed):
    """Time n x n float32 descriptors of length d with the ratio test at 0.8. Lambdas, because
    `speed` takes a max_ratio keyword of its own."""
    rng = np.random.default_rng(seed)
    d1, d2 = (rng.normal(size=(n, d)).astype(np.float32) for _ in range(2))
    speed(lambda a, b: impl.match_descriptors(a, b, cross_check=cross_check, max_ratio=0.8),
          lambda a, b: reference.match_descriptors(a, b, cross_check=cross_check, max_ratio=0.8), d1, d2)


@pytest.mark.perf
def test_speed_1000_by_1000(impl, reference, speed):
    """A million distances, within the feedback budget; the interview's 5000 x 5000 is the
    full-size test below (seconds: ~15 reference calls)."""
    time_matching(impl, reference, speed, 1000, 8, cross_check=False, seed=0)


@pytest.mark.perf
@pytest.mark.full
def test_speed_5000_by_5000(impl, reference, speed):
    """The size an interviewer names: 5000 x 5000 SIFT-length descriptors, mutual check and ratio test."""
    time_matching(impl, reference, speed, 5000, 128, cross_check=True, seed=1)
