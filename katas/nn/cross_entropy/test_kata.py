"""Tests for nn/cross_entropy. Run: pytest katas/nn/cross_entropy

The oracle is the loss written out row by row in float64 (torch.nn.functional.cross_entropy's
semantics without class weights). Correctness tests read the loss as any 0-d float and the gradient's
values at the promised precision; the output types and each documented input check have a test of
their own, and the mean over no kept row may be NaN (torch) or 0 (a guarded mean)."""

import math

import numpy as np
import pytest

from cvkatas import (
    Call,
    assert_array,
    assert_close,
    assert_gradient_close,
    assert_raises,
    fail,
    numerical_gradient,
    quiet_call,
    show,
)

LN2 = math.log(2.0)


def ce_oracle(logits, labels, label_smoothing=0.0, ignore_index=-100):
    """The mean loss and its gradient, row by row in float64: -sum_k q_k log p_k over the M kept rows,
    and (p - q) / M for each kept row."""
    rows = np.asarray(logits, np.float64).tolist()
    grad = np.zeros((len(rows), np.shape(logits)[1]))
    kept = [i for i, y in enumerate(labels.tolist()) if y != ignore_index]
    total = 0.0
    for i in kept:
        row, y = rows[i], int(labels[i])
        k, top = len(row), max(row)
        log_z = top + math.log(sum(math.exp(v - top) for v in row))
        q = [label_smoothing / k + (1.0 - label_smoothing) * (j == y) for j in range(k)]
        total -= sum(qj * (v - log_z) for qj, v in zip(q, row))
        grad[i] = [(math.exp(v - log_z) - qj) / len(kept) for qj, v in zip(q, row)]
    return total / len(kept), grad


def ce_definition(logits, labels, label_smoothing=0.0, ignore_index=-100):
    return ce_oracle(logits, labels, label_smoothing, ignore_index)[0]


def bce_oracle(logits, targets):
    """Mean BCE with logits and its gradient in float64, in the stable form."""
    x, t = np.asarray(logits, np.float64), np.asarray(targets, np.float64)
    loss = np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))
    sig = np.where(x >= 0, 1.0, np.exp(np.minimum(x, 0))) / (1.0 + np.exp(-np.abs(x)))
    return float(loss.mean()), (sig - t) / x.size


def bce_definition(logits, targets):
    x, t = np.asarray(logits, np.float64), np.asarray(targets, np.float64)
    s = 1.0 / (1.0 + np.exp(-x))  # the textbook form; used on moderate logits only
    return float(np.mean(-t * np.log(s) - (1.0 - t) * np.log(1.0 - s)))


def random_labels(n, k, rng, ignore_fraction=0.25, ignore_index=-100):
    labels = rng.integers(0, k, n)
    drop = rng.random(n) < ignore_fraction
    drop[0] = False  # at least one labelled row
    labels[drop] = ignore_index
    return labels


WHY_QUIET = ("work with log-probabilities: log_softmax(z) = (z - max) - log(sum(exp(z - max))), and for "
             "BCE max(x, 0) - x * t + log1p(exp(-|x|)); exp is then never taken of a large positive number")


def call_quietly(fn, *args, **kwargs):
    """`quiet_call` with this kata's explanation of how to avoid the warning."""
    __tracebackhide__ = True
    return quiet_call(fn, *args, why=WHY_QUIET, **kwargs)


def check(call, loss, grad, *, why_loss=None, why_grad=None, grad_tol=None):
    """The result is (loss, dlogits) with the expected values. The loss is read as any single number and
    dlogits as any array of the logits' shape; their exact types are test_output_types' business."""
    __tracebackhide__ = True
    logits = call.args[0]
    if not isinstance(call.out, tuple) or len(call.out) != 2:
        fail(f"{call.name} must return a tuple (loss, dlogits)", call=call, got=show(call.out))
    got_loss, got_grad = call.out
    if np.size(got_loss) != 1 or np.asarray(got_loss).dtype.kind not in "fiu":
        fail("loss must be a single number", call=call, got=show(got_loss))
    assert_close(float(np.asarray(got_loss).reshape(())), loss, call=call, what="loss", why=why_loss)
    got_grad = np.asarray(got_grad)
    if got_grad.shape != logits.shape or got_grad.dtype.kind != "f":
        fail(f"dlogits must be a float array of shape {logits.shape}", call=call, got=show(got_grad))
    if grad_tol is None:
        assert_close(got_grad, grad, call=call, what="dlogits", why=why_grad)
    else:
        assert_gradient_close(got_grad, grad, tol=grad_tol, call=call, what="dlogits", why=why_grad)


def check_nothing_kept(call, shape, what):
    """No kept row (or no element): the loss is 0 / 0, NaN in torch, 0 in a guarded mean; both are
    accepted. The gradient is all zeros either way (torch's too)."""
    __tracebackhide__ = True
    if not isinstance(call.out, tuple) or len(call.out) != 2:
        fail(f"{call.name} must return a tuple (loss, dlogits)", call=call, got=show(call.out))
    got_loss, got_grad = call.out
    value = float(np.asarray(got_loss).reshape(())) if np.size(got_loss) == 1 else None
    if value is None or not (math.isnan(value) or value == 0.0):
        fail(f"loss {what}: must be NaN or 0", call=call, got=show(got_loss), expected="nan (torch) or 0.0",
             why="an empty mean is 0 / 0: torch gives NaN, a guarded mean 0; either is accepted")
    assert_close(np.asarray(got_grad), np.zeros(shape), call=call, what="dlogits",
                 why="nothing counts, so nothing has a gradient: all zeros, no NaN (as torch gives)")


# 1. By hand.

def test_by_hand(impl):
    call = Call(impl.softmax_cross_entropy, np.zeros((1, 2)), np.array([0]))
    check(call, LN2, [[-0.5, 0.5]], why_loss="two equal logits: p = 1/2, loss = -log(1/2)",
          why_grad="dlogits = softmax - onehot")


def test_label_smoothing_by_hand(impl):
    logits = np.array([[0.0, math.log(3.0)]])  # p = [1/4, 3/4]
    call = Call(impl.softmax_cross_entropy, logits, np.array([0]), label_smoothing=0.2)
    # q = (1 - 0.2) * [1, 0] + 0.2 / 2 = [0.9, 0.1]
    check(call, -(0.9 * math.log(0.25) + 0.1 * math.log(0.75)), [[0.25 - 0.9, 0.75 - 0.1]],
          why_loss="target q = (1 - eps) * onehot + eps / K over all K classes = [0.9, 0.1] "
                   "(eps / (K - 1) would give [0.8, 0.2])",
          why_grad="dlogits = softmax - q = [0.25 - 0.9, 0.75 - 0.1]")


def test_ignored_rows_by_hand(impl):
    logits = np.array([[0.0, 0.0], [5.0, -5.0], [1.0, 1.0]])
    call = Call(impl.softmax_cross_entropy, logits, np.array([0, -100, 1]))
    check(call, LN2, [[-0.25, 0.25], [0.0, 0.0], [0.25, -0.25]],
          why_loss="two kept rows, each costing log 2: the mean divides by 2, not by 3",
          why_grad="(softmax - onehot) / 2 for the kept rows, 0 for the ignored one")


# 2. Against torch and the definition, seeded.

CE_CONFIGS = [(1, 1, 0.0), (1, 3, 0.0), (7, 2, 0.1), (7, 5, 0.0), (64, 10, 0.1), (64, 10, 1.0), (33, 4, 0.3)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n, k, eps", CE_CONFIGS)
def test_matches_definition(impl, n, k, eps, dtype):
    rng = np.random.default_rng(n * 100 + k)
    logits = (rng.normal(size=(n, k)) * 3).astype(dtype)
    labels = random_labels(n, k, rng)
    loss, grad = ce_oracle(logits, labels, eps)
    call = Call(impl.softmax_cross_entropy, logits, labels, label_smoothing=eps)
    check(call, loss, grad, grad_tol=1e-6 if dtype == np.float64 else None,
          why_loss="as torch.nn.functional.cross_entropy: the mean over the rows whose label is not ignore_index",
          why_grad="(softmax - q) / M for the M kept rows, 0 for ignored rows")


@pytest.mark.parametrize("eps", [0.0, 0.25])
def test_gradient_matches_numerical_gradient(impl, eps):
    rng = np.random.default_rng(int(eps * 100))
    logits = rng.normal(size=(5, 4))
    labels = np.array([3, -100, 0, 1, -100])
    call = Call(impl.softmax_cross_entropy, logits, labels, label_smoothing=eps)
    expected = numerical_gradient(lambda v: ce_definition(v, labels, eps), logits)
    check(call, ce_definition(logits, labels, eps), expected, grad_tol=1e-6,
          why_grad="compared with centered differences of the loss written out row by row")


@pytest.mark.parametrize("ignore_index", [255, 0])
def test_other_ignore_index(impl, ignore_index):
    rng = np.random.default_rng(ignore_index)
    logits = rng.normal(size=(12, 5))
    labels = rng.integers(0, 5, 12)
    labels[[1, 4, 7]] = ignore_index
    labels[0] = 2
    loss, grad = ce_oracle(logits, labels, 0.1, ignore_index)
    call = Call(impl.softmax_cross_entropy, logits, labels, label_smoothing=0.1, ignore_index=ignore_index)
    check(call, loss, grad, grad_tol=1e-6, why_loss=f"rows labelled {ignore_index} are ignored, whatever the value")


# 3. Edge cases.

@pytest.mark.parametrize("eps", [0.0, 0.1])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logits_of_1e4_are_exact_and_quiet(impl, dtype, eps):
    logits = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 0.0], [1e4, 1e4, -1e4]], dtype=dtype)
    labels = np.array([2, 0, 1])
    loss, grad = ce_oracle(logits, labels, eps)
    call = call_quietly(impl.softmax_cross_entropy, logits, labels, label_smoothing=eps)
    check(call, loss, grad, why_loss="row 0 costs 1e4 - (-1e4) = 2e4 exactly; it is finite, so must the loss be")


@pytest.mark.parametrize("eps", [0.0, 0.1])
def test_every_row_ignored(impl, eps):
    logits = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dtype=np.float32)
    call = Call(impl.softmax_cross_entropy, logits, np.array([-100, -100]), label_smoothing=eps)
    check_nothing_kept(call, (2, 3), "with every row ignored")
    empty = Call(impl.softmax_cross_entropy, np.zeros((0, 4)), np.zeros(0, dtype=np.int64))
    check_nothing_kept(empty, (0, 4), "for N = 0")


def test_gradient_rows_sum_to_zero_and_shift_invariance(impl):
    rng = np.random.default_rng(8)
    logits = rng.normal(size=(9, 6)) * 4
    labels = random_labels(9, 6, rng)
    call = Call(impl.softmax_cross_entropy, logits, labels, label_smoothing=0.2)
    assert_close(np.asarray(call.out[1]).sum(axis=1), np.zeros(9), atol=1e-9, call=call, what="row sums of dlogits",
                 why="softmax and the target q both sum to 1, so each row of softmax - q sums to 0")
    moved = Call(impl.softmax_cross_entropy, logits + rng.normal(size=(9, 1)) * 100, labels, label_smoothing=0.2)
    assert_close(moved.out[0], call.out[0], call=moved, what="loss after adding a constant to each row",
                 why="softmax does not change when the same number is added to every logit of a row")


@pytest.mark.contract("label outside [0, K): ValueError")
def test_label_out_of_range_raises_value_error(impl):
    logits = np.zeros((3, 4))
    ce = impl.softmax_cross_entropy
    # -1 would silently pick the last class by negative indexing.
    assert_raises(ValueError, ce, logits, np.array([0, -1, 1]), why="-1 is neither a class nor ignore_index=-100")
    assert_raises(ValueError, ce, logits, np.array([0, 4, 1]), why="label 4 is outside [0, K) = [0, 4)")
    assert_raises(ValueError, ce, logits, np.array([0, -100, 1]), ignore_index=255,
                  why="with ignore_index=255, -100 is an ordinary label, and outside [0, 4)")


@pytest.mark.contract("bad shapes or float labels: ValueError")
def test_bad_shapes_and_dtypes_raise_value_error(impl):
    logits = np.zeros((3, 4))
    ce = impl.softmax_cross_entropy
    assert_raises(ValueError, ce, logits, np.array([1]), why="labels must have shape (N,) = (3,): (1,) would broadcast")
    assert_raises(ValueError, ce, logits, np.array([0.0, 1.0, 2.0]), why="labels must be an integer array")
    assert_raises(ValueError, ce, np.zeros((3, 4, 2)), np.array([0, 1, 1]), why="logits must be 2-D (N, K)")


@pytest.mark.contract("label_smoothing outside [0, 1]: ValueError")
def test_bad_label_smoothing_raises_value_error(impl):
    logits, labels = np.zeros((3, 4)), np.array([0, 1, 2])
    for eps in (1.5, -0.1):
        assert_raises(ValueError, impl.softmax_cross_entropy, logits, labels, label_smoothing=eps,
                      why="label_smoothing lies in [0, 1]")


@pytest.mark.convention("loss a float, dlogits in the logits' dtype")
def test_output_types(impl):
    for dtype in (np.float32, np.float64):
        logits = np.array([[0.0, 1.0, -1.0], [2.0, 0.5, 0.0]], dtype=dtype)
        for call in (Call(impl.softmax_cross_entropy, logits, np.array([1, -100])),
                     Call(impl.bce_with_logits, logits, np.full(logits.shape, 0.25, dtype=dtype))):
            loss, grad = call.out
            if np.ndim(loss) != 0 or not isinstance(loss, (float, np.floating)):
                fail("loss must be a float (a Python float or a numpy scalar)", call=call, got=show(loss))
            assert_array(grad, dtype=dtype, shape=logits.shape, call=call, what="dlogits")


def test_defaults(impl):
    logits = np.array([[0.0, math.log(3.0)], [1.0, -1.0]])
    labels = np.array([0, -100])
    call = Call(impl.softmax_cross_entropy, logits, labels)
    check(call, *ce_oracle(logits, labels), why_loss="defaults: no label smoothing, ignore_index = -100, so row 1 "
                                                     "is ignored and the loss is -log(1/4)")


# BCE with logits.

def test_bce_by_hand(impl):
    call = Call(impl.bce_with_logits, np.zeros(2), np.array([1.0, 0.0]))
    check(call, LN2, [-0.25, 0.25], why_loss="sigmoid(0) = 1/2 costs log 2 whatever the target",
          why_grad="(sigmoid(x) - t) / n with n = 2 elements")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1,), (5,), (4, 3), (2, 3, 4)])
def test_bce_matches_definition(impl, shape, dtype):
    rng = np.random.default_rng(len(shape) * 7 + shape[0])
    logits = (rng.normal(size=shape) * 4).astype(dtype)
    targets = np.where(rng.random(shape) < 0.5, rng.random(shape), rng.integers(0, 2, shape)).astype(dtype)
    loss, grad = bce_oracle(logits, targets)
    call = Call(impl.bce_with_logits, logits, targets)
    check(call, loss, grad, grad_tol=1e-6 if dtype == np.float64 else None,
          why_loss="as torch.nn.functional.binary_cross_entropy_with_logits: the mean over all elements",
          why_grad="(sigmoid(x) - t) / n, n the number of elements")


def test_bce_gradient_matches_numerical_gradient(impl):
    rng = np.random.default_rng(9)
    logits, targets = rng.normal(size=(3, 4)) * 2, rng.random((3, 4))
    call = Call(impl.bce_with_logits, logits, targets)
    expected = numerical_gradient(lambda v: bce_definition(v, targets), logits)
    check(call, bce_definition(logits, targets), expected, grad_tol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_logits_of_1e4_are_exact_and_quiet(impl, dtype):
    logits = np.array([1e4, -1e4, 1e4, -1e4, 0.0], dtype=dtype)
    targets = np.array([0.0, 1.0, 1.0, 0.0, 0.5], dtype=dtype)
    loss, grad = bce_oracle(logits, targets)
    call = call_quietly(impl.bce_with_logits, logits, targets)
    check(call, loss, grad, why_loss="per element 1e4, 1e4, 0, 0 and log 2: a confident wrong logit costs "
                                     "exactly its size, not inf")


def test_bce_empty(impl):
    call = Call(impl.bce_with_logits, np.zeros((0, 3)), np.zeros((0, 3)))
    check_nothing_kept(call, (0, 3), "over no element")


@pytest.mark.contract("BCE targets of another shape: ValueError")
def test_bce_mismatched_shapes_raise_value_error(impl):
    assert_raises(ValueError, impl.bce_with_logits, np.zeros((2, 3)), np.zeros(3),
                  why="targets must have the shape of logits; broadcasting (3,) against (2, 3) would hide a bug")
