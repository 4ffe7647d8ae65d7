"""Tests for classic/hungarian. Run: pytest katas/classic/hungarian

Correctness tests compare the total cost with scipy's (ties allow several optimal assignments), and
the exact assignment only on hand-built matrices whose optimum is unique. They read the answer
leniently (any integer sequences, pairs in any order); that row_ind is sorted and that both are
int64 arrays are convention tests. Each documented ValueError is a contract test."""

import itertools

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment as scipy_assignment

from cvkatas import Call, assert_array, assert_equal, assert_raises, fail, show


def optimal_cost(cost) -> float:
    """The oracle: scipy's optimal total cost (its indices are not compared: ties allow several optima)."""
    c = np.asarray(cost, dtype=np.float64)
    rows, cols = scipy_assignment(c)
    return float(c[rows, cols].sum())


def brute_force_cost(cost) -> float:
    """Every injection of the shorter side into the longer one; small matrices only."""
    c = np.asarray(cost, dtype=np.float64)
    if c.shape[0] > c.shape[1]:
        c = c.T
    n, m = c.shape
    best = np.inf
    for cols in itertools.permutations(range(m), n):
        best = min(best, float(c[np.arange(n), list(cols)].sum()))
    return best if n else 0.0


def explain(c, total, best, tol) -> str:
    """Why a valid assignment's total is wrong, as specifically as we can tell."""
    if not np.isfinite(total):
        return "the assignment uses a forbidden (+inf) pair although a finite one exists"
    if np.isfinite(c).all():
        rows, cols = scipy_assignment(c, maximize=True)
        if abs(total - float(c[rows, cols].sum())) <= tol:
            return "that is the MAXIMUM total; linear_sum_assignment minimises"
    if c.size > 40:
        return "a cheaper assignment exists"
    rows, cols = scipy_assignment(c)
    return f"a cheaper assignment exists, e.g. row_ind={rows.tolist()}, col_ind={cols.tolist()}"


def check(impl, cost, *, expected=None, why=None):
    """Run the candidate, check the form and validity of the answer, and that its cost is optimal."""
    __tracebackhide__ = True
    call = Call(impl.linear_sum_assignment, cost)
    c = np.asarray(cost, dtype=np.float64)
    n, m = c.shape
    k = min(n, m)
    out = call.out
    if not (isinstance(out, tuple) and len(out) == 2):
        fail("linear_sum_assignment must return a tuple (row_ind, col_ind)", call=call, got=repr(out)[:200])
    rows, cols = (np.asarray(v) for v in out)
    for name, v in (("row_ind", rows), ("col_ind", cols)):
        if v.shape != (k,) or (k and v.dtype.kind not in "iu"):
            fail(f"{name} must hold {k} = min{c.shape} integer indices", call=call, got=show(v))
    rows, cols = rows.astype(np.int64), cols.astype(np.int64)
    order = np.argsort(rows, kind="stable")  # the order of the pairs is the convention test's business
    rows, cols = rows[order], cols[order]
    shape_note = f"cost has shape ({n}, {m})"
    if k and (rows.min() < 0 or rows.max() >= n):
        fail(f"row_ind holds {rows.min() if rows.min() < 0 else rows.max()}, not a row index ({shape_note})",
             call=call, got=f"row_ind={rows.tolist()}, col_ind={cols.tolist()}",
             why="row_ind indexes rows and col_ind columns, also for a tall matrix: if you solved the "
                 "transposed problem, swap its answer back")
    if k and (cols.min() < 0 or cols.max() >= m):
        fail(f"col_ind holds {cols.min() if cols.min() < 0 else cols.max()}, not a column index ({shape_note})",
             call=call, got=f"row_ind={rows.tolist()}, col_ind={cols.tolist()}",
             why="row_ind indexes rows and col_ind columns, also for a tall matrix: if you solved the "
                 "transposed problem, swap its answer back")
    if np.any(np.diff(rows) == 0):
        dup = int(rows[np.flatnonzero(np.diff(rows) == 0)[0]])
        fail(f"row {dup} is assigned to more than one column", call=call,
             got=f"row_ind={rows.tolist()}, col_ind={cols.tolist()}", why="an assignment is one-to-one")
    if len(set(cols.tolist())) != k:
        dup = next(j for j in cols.tolist() if cols.tolist().count(j) > 1)
        fail(f"column {dup} is assigned to more than one row", call=call,
             got=f"row_ind={rows.tolist()}, col_ind={cols.tolist()}", why="an assignment is one-to-one")
    total = float(c[rows, cols].sum()) if k else 0.0
    best = optimal_cost(c)
    finite = np.abs(c[np.isfinite(c)])
    # Equal optimal totals summed over different entries differ by rounding only (k additions of values up
    # to max|c|); integer-valued costs give exact sums, so a total off by 1 at 1e12 is still caught.
    tol = 4 * np.finfo(np.float64).eps * max(k, 1) ** 2 * (1.0 + (finite.max() if finite.size else 0.0))
    if not abs(total - best) <= tol:
        fail(f"total cost {total:.10g} is not the minimum {best:.10g}", call=call,
             got=f"row_ind={rows.tolist()}, col_ind={cols.tolist()}", why=why or explain(c, total, best, tol))
    if expected is not None:
        assert_equal(cols, expected[1], call=call, what="col_ind", why=why)
        assert_equal(rows, expected[0], call=call, what="row_ind", why=why)
    return rows, cols


def cols_by_row(out):
    """col_ind with the pairs in row order, whatever order they came in (that is a convention test)."""
    rows, cols = (np.asarray(v) for v in out)
    return cols[np.argsort(rows, kind="stable")]


# 1. Small cases you can check on paper.

def test_greedy_is_not_optimal(impl):
    cost = np.array([[1, 2, 9], [2, 9, 9], [9, 9, 1]])
    check(impl, cost, expected=([0, 1, 2], [1, 0, 2]),
          why="row 0 gives up its cheapest column 0 so that row 1 can have it: 2 + 2 + 1 = 5 beats the "
              "greedy 1 + 9 + 1 = 11 (the maximum would be 27)")


def test_wide_matrix_uses_the_best_columns(impl):
    # The leading 2 x 2 block alone gives 7 + 7 = 14; the cheap columns are the last two.
    cost = np.array([[7, 6, 1, 8], [8, 7, 9, 2]], dtype=np.float64)
    check(impl, cost, expected=([0, 1], [2, 3]),
          why="every row is assigned; the columns are chosen from all 4: 1 + 2 = 3")


def test_tall_matrix_leaves_rows_out(impl):
    cost = np.array([[5, 1], [4, 4], [1, 6]], dtype=np.float64)
    check(impl, cost, expected=([0, 2], [1, 0]),
          why="with 3 rows and 2 columns one row stays out: rows 0 and 2 take columns 1 and 0 for 1 + 1 = 2")


@pytest.mark.convention("pairs sorted by row, also for a tall matrix")
def test_row_ind_sorted_ascending(impl):
    # Tall: the optimum is row 0 -> column 1 and row 1 -> column 0, so in column order the rows run 1, 0.
    cost = np.array([[5, 1], [1, 6], [4, 4]], dtype=np.float64)
    call = Call(impl.linear_sum_assignment, cost)
    rows, cols = (np.asarray(v).tolist() for v in call.out)
    if (rows, cols) != ([0, 1], [1, 0]):
        fail("the pairs must be listed by ascending row", call=call, got=f"row_ind={rows}, col_ind={cols}",
             expected="row_ind=[0, 1], col_ind=[1, 0]",
             why="scipy's contract sorts the pairs by row; for a tall matrix sort them after swapping back")
    wide = np.array([[3, 1, 2], [1, 3, 3]], dtype=np.float64)
    call = Call(impl.linear_sum_assignment, wide)
    assert_equal(np.asarray(call.out[0]), [0, 1], call=call, what="row_ind",
                 why="for N <= M every row is assigned: row_ind is arange(N)")


@pytest.mark.convention("returns two int64 numpy arrays")
def test_returns_int64_arrays(impl):
    for cost in (np.array([[4.0, 1.0], [2.0, 3.0]]), np.zeros((0, 3)), np.array([[1, 2], [3, 4], [0, 9]])):
        call = Call(impl.linear_sum_assignment, cost)
        if not (isinstance(call.out, tuple) and len(call.out) == 2):
            fail("linear_sum_assignment must return a tuple (row_ind, col_ind)", call=call, got=show(call.out))
        k = min(cost.shape)
        assert_array(call.out[0], dtype=np.int64, shape=(k,), call=call, what="row_ind")
        assert_array(call.out[1], dtype=np.int64, shape=(k,), call=call, what="col_ind")


def test_colliding_zeros(impl):
    # After reducing rows and columns, rows 0 and 1 both have their first zero in column 0.
    cost = np.array([[0, 0, 5], [0, 5, 5], [5, 5, 0]])
    check(impl, cost, expected=([0, 1, 2], [1, 0, 2]),
          why="row 1's only zero is column 0, so row 0 must take its other zero, column 1: total 0")


# 2. Against scipy's optimal cost on seeded random matrices.

SHAPES = [(0, 0), (0, 4), (4, 0), (1, 1), (1, 6), (6, 1), (2, 2), (3, 5), (5, 3), (6, 6), (12, 20), (20, 12),
          (25, 25)]


def random_cost(kind, shape, rng):
    if kind == "int_ties":  # few distinct values: many optimal assignments
        return rng.integers(0, 4, shape)
    if kind == "float":
        return rng.random(shape)
    if kind == "negative":
        return rng.normal(0, 100, shape)
    if kind == "large":  # exact integers near 1e12: potentials must not lose them
        return (10**12 + rng.integers(0, 50, shape)).astype(np.float64)
    if kind == "float32":
        return rng.random(shape).astype(np.float32)
    if kind == "inf":  # half the pairs forbidden, kept feasible by one hidden finite assignment
        c = rng.integers(-5, 20, shape).astype(np.float64)
        c[rng.random(shape) < 0.5] = np.inf
        n, m = shape
        if n <= m:
            c[np.arange(n), rng.permutation(m)[:n]] = 3.0
        else:
            c[rng.permutation(n)[:m], np.arange(m)] = 3.0
        return c
    raise AssertionError(kind)


KINDS = ["int_ties", "float", "negative", "large", "float32", "inf"]


@pytest.mark.parametrize("kind", KINDS)
def test_matches_scipy_cost(impl, kind):
    rng = np.random.default_rng(KINDS.index(kind))
    for shape in SHAPES:  # the total cost only: "int_ties" and "inf" have many optimal assignments
        check(impl, random_cost(kind, shape, rng))


def test_matches_brute_force(impl):
    rng = np.random.default_rng(7)
    for shape in [(3, 3), (4, 4), (5, 5), (2, 5), (5, 2), (3, 6), (6, 4)]:
        cost = rng.integers(0, 6, shape).astype(np.float64)
        best = brute_force_cost(cost)
        rows, cols = check(impl, cost)
        if cost[rows, cols].sum() != best:  # both oracles must agree; integers make this exact
            fail("total cost differs from the brute force over every assignment", call=f"cost={cost.tolist()}",
                 got=float(cost[rows, cols].sum()), expected=best)


# 3. Edge cases.

def test_constant_matrix_any_assignment(impl):
    check(impl, np.full((4, 6), 3.5))
    check(impl, np.zeros((5, 5)))
    check(impl, np.ones((7, 2)))


def test_empty_matrices(impl):
    for shape in [(0, 0), (0, 5), (5, 0)]:
        check(impl, np.zeros(shape))


def test_single_entry(impl):
    check(impl, np.array([[-4.0]]), expected=([0], [0]), why="one row, one column")


def test_infinity_forbids_a_pair(impl):
    cost = np.array([[0.0, 1.0], [np.inf, 50.0]])
    check(impl, cost, expected=([0, 1], [0, 1]),
          why="row 1 may not take column 0 (+inf), so row 0 must: 0 + 50")


def test_tall_matrix_with_a_forbidden_row(impl):
    cost = np.array([[np.inf, np.inf], [3.0, 1.0], [2.0, 5.0]])
    check(impl, cost, expected=([1, 2], [1, 0]),
          why="in a tall matrix a row of +inf is simply left out: rows 1 and 2 cost 1 + 2")


def forbidden_draws(seed):
    """Costs with 60% of the pairs forbidden: (cost, feasible), feasible as scipy decides it."""
    rng = np.random.default_rng(seed)
    for shape in [(3, 3), (4, 6), (6, 4), (8, 8)] * 3:
        cost = rng.integers(0, 9, shape).astype(np.float64)
        cost[rng.random(shape) < 0.6] = np.inf  # often no finite assignment at all
        try:
            scipy_assignment(cost)
        except ValueError:
            yield cost, False
        else:
            yield cost, True


@pytest.mark.contract("infeasible (+inf in every assignment): ValueError")
def test_infeasible_raises(impl):
    why = "every assignment uses a +inf entry, so no finite answer exists"
    assert_raises(ValueError, impl.linear_sum_assignment, np.array([[np.inf, 1.0], [np.inf, 2.0]]), why=why)
    assert_raises(ValueError, impl.linear_sum_assignment, np.array([[1.0, 2.0, 3.0], [np.inf] * 3]), why=why)
    assert_raises(ValueError, impl.linear_sum_assignment,
                  np.array([[1.0, np.inf, np.inf], [2.0, np.inf, np.inf], [3.0, 1.0, 1.0]]), why=why)
    for cost, feasible in forbidden_draws(5):
        if not feasible:
            assert_raises(ValueError, impl.linear_sum_assignment, cost,
                          why="no assignment of min(N, M) pairs avoids every +inf entry")


def test_sparse_feasible_costs_match_scipy(impl):
    for cost, feasible in forbidden_draws(5):
        if feasible:
            check(impl, cost)


@pytest.mark.contract("NaN or -inf: ValueError")
def test_nan_or_minus_inf_raise(impl):
    assert_raises(ValueError, impl.linear_sum_assignment, np.array([[np.nan, 1.0], [1.0, 2.0]]),
                  why="NaN is not a cost")
    assert_raises(ValueError, impl.linear_sum_assignment, np.array([[-np.inf, 1.0], [1.0, 2.0]]),
                  why="-inf would make the minimum unbounded below")
    assert_raises(ValueError, impl.linear_sum_assignment, np.array([[3.0, 1.0], [1.0, -np.inf], [2.0, 2.0]]),
                  why="-inf would make the minimum unbounded below, in a tall matrix too")


@pytest.mark.contract("not a 2-D numeric matrix: ValueError")
def test_not_a_numeric_matrix_raises(impl):
    assert_raises(ValueError, impl.linear_sum_assignment, np.zeros(3), why="cost must be 2-D")
    assert_raises(ValueError, impl.linear_sum_assignment, np.zeros((2, 2, 2)), why="cost must be 2-D")
    # Strings of digits: astype(np.float64) would convert them silently.
    assert_raises(ValueError, impl.linear_sum_assignment, np.array([["1", "2"], ["3", "4"]]),
                  why="cost must be numeric (bool, integer or float), not strings")


def test_other_dtypes_and_lists(impl):
    check(impl, [[4, 2, 8], [4, 3, 7], [3, 1, 6]])
    check(impl, np.array([[4, 2, 8], [4, 3, 7]], dtype=np.int32))
    check(impl, np.array([[True, False, True], [False, True, True]]))
    check(impl, np.array([[0.5, 0.25], [0.125, 1.0], [2.0, 0.0]], dtype=np.float32))


# 4. Properties.

def test_row_and_column_offsets_keep_the_assignment(impl):
    rng = np.random.default_rng(11)
    wide = rng.random((9, 13))  # distinct real costs: the optimum is unique
    base = check(impl, wide)
    call = Call(impl.linear_sum_assignment, wide + rng.normal(0, 10, (9, 1)))
    assert_equal(cols_by_row(call.out), base[1], call=call, what="col_ind after adding a constant to each row",
                 why="in a wide matrix every row is assigned, so every assignment pays each row's constant once "
                     "and the same assignment stays optimal")
    square = rng.random((8, 8))
    base = check(impl, square)
    call = Call(impl.linear_sum_assignment, square + np.arange(8)[:, None] * 3.0 - np.arange(8)[None, :] * 2.0)
    assert_equal(cols_by_row(call.out), base[1], call=call,
                 what="col_ind after adding a constant to each row and column",
                 why="in a square problem every assignment pays each row and column constant exactly once, so "
                     "the same assignment stays optimal")


def test_permuting_rows_permutes_the_answer(impl):
    rng = np.random.default_rng(12)
    cost = rng.random((10, 10))
    _, cols = check(impl, cost)
    perm = rng.permutation(10)
    call = Call(impl.linear_sum_assignment, cost[perm])
    assert_equal(cols_by_row(call.out), cols[perm], call=call, what="col_ind of the row-permuted matrix",
                 why="with distinct real costs the optimum is unique; permuting rows just reorders it")


# 7. Speed.

@pytest.mark.perf
def test_speed_100x100(impl, reference, speed):
    cost = np.random.default_rng(0).random((100, 100))
    speed(impl.linear_sum_assignment, reference.linear_sum_assignment, cost)
