"""Tests for nn/cross_entropy. Run: pytest katas/nn/cross_entropy"""

import math

import numpy as np
import pytest
import torch

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

F = torch.nn.functional
LN2 = math.log(2.0)


def torch_ce(logits, labels, label_smoothing=0.0, ignore_index=-100):
    """torch's mean cross-entropy and its autograd gradient, float64."""
    t = torch.tensor(np.asarray(logits, np.float64), requires_grad=True)
    loss = F.cross_entropy(t, torch.tensor(labels, dtype=torch.int64), label_smoothing=label_smoothing,
                           ignore_index=ignore_index)
    loss.backward()
    return loss.item(), t.grad.numpy()


def torch_bce(logits, targets):
    t = torch.tensor(np.asarray(logits, np.float64), requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(t, torch.tensor(np.asarray(targets, np.float64)))
    loss.backward()
    return loss.item(), t.grad.numpy()


def ce_definition(logits, labels, label_smoothing=0.0, ignore_index=-100):
    """The loss written out row by row in float64: -sum_k q_k log p_k, averaged over kept rows."""
    total, kept = 0.0, 0
    for row, y in zip(np.asarray(logits, np.float64).tolist(), labels.tolist()):
        if y == ignore_index:
            continue
        k, top = len(row), max(row)
        log_z = top + math.log(sum(math.exp(v - top) for v in row))
        q = [label_smoothing / k + (1.0 - label_smoothing) * (j == y) for j in range(k)]
        total -= sum(qj * (v - log_z) for qj, v in zip(q, row))
        kept += 1
    return total / kept


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
    """The result is (float, array of the logits' shape and dtype) with the expected values."""
    __tracebackhide__ = True
    logits = call.args[0]
    if not isinstance(call.out, tuple) or len(call.out) != 2:
        fail(f"{call.name} must return a tuple (loss, dlogits)", call=call, got=show(call.out))
    got_loss, got_grad = call.out
    if np.ndim(got_loss) != 0 or not isinstance(got_loss, (float, np.floating)):
        fail("loss must be a float (a Python float or a numpy scalar)", call=call, got=show(got_loss))
    assert_close(float(got_loss), loss, call=call, what="loss", why=why_loss)
    assert_array(got_grad, dtype=logits.dtype, shape=logits.shape, call=call, what="dlogits")
    if grad_tol is None:
        assert_close(got_grad, grad, call=call, what="dlogits", why=why_grad)
    else:
        assert_gradient_close(got_grad, grad, tol=grad_tol, call=call, what="dlogits", why=why_grad)


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
def test_matches_torch(impl, n, k, eps, dtype):
    rng = np.random.default_rng(n * 100 + k)
    logits = (rng.normal(size=(n, k)) * 3).astype(dtype)
    labels = random_labels(n, k, rng)
    loss, grad = torch_ce(logits, labels, eps)
    call = Call(impl.softmax_cross_entropy, logits, labels, label_smoothing=eps)
    check(call, loss, grad, grad_tol=1e-6 if dtype == np.float64 else None,
          why_loss="torch.nn.functional.cross_entropy: mean over the rows whose label is not ignore_index",
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
    loss, grad = torch_ce(logits, labels, 0.1, ignore_index)
    call = Call(impl.softmax_cross_entropy, logits, labels, label_smoothing=0.1, ignore_index=ignore_index)
    check(call, loss, grad, grad_tol=1e-6, why_loss=f"rows labelled {ignore_index} are ignored, whatever the value")


# 3. Edge cases.

@pytest.mark.parametrize("eps", [0.0, 0.1])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logits_of_1e4_are_exact_and_quiet(impl, dtype, eps):
    logits = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 0.0], [1e4, 1e4, -1e4]], dtype=dtype)
    labels = np.array([2, 0, 1])
    loss, grad = torch_ce(logits, labels, eps)
    call = call_quietly(impl.softmax_cross_entropy, logits, labels, label_smoothing=eps)
    check(call, loss, grad, why_loss="row 0 costs 1e4 - (-1e4) = 2e4 exactly; it is finite, so must the loss be")


@pytest.mark.parametrize("eps", [0.0, 0.1])
def test_every_row_ignored_gives_zero(impl, eps):
    logits = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dtype=np.float32)
    call = call_quietly(impl.softmax_cross_entropy, logits, np.array([-100, -100]), label_smoothing=eps)
    check(call, 0.0, np.zeros((2, 3)), why_loss="the documented choice: no kept row gives loss 0.0 (torch: NaN)",
          why_grad="no kept row, no gradient")
    empty = call_quietly(impl.softmax_cross_entropy, np.zeros((0, 4)), np.zeros(0, dtype=np.int64))
    check(empty, 0.0, np.zeros((0, 4)), why_loss="N = 0 has no kept row either: loss 0.0")


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


def test_bad_input_raises_value_error(impl):
    logits, labels = np.zeros((3, 4)), np.array([0, 1, 2])
    ce = impl.softmax_cross_entropy
    assert_raises(ValueError, ce, logits, np.array([0, 4, 1]), why="label 4 is outside [0, K) = [0, 4)")
    assert_raises(ValueError, ce, logits, np.array([0, -1, 1]), why="-1 is neither a class nor ignore_index=-100")
    assert_raises(ValueError, ce, logits, np.array([0, 1]), why="labels must have shape (N,) = (3,)")
    assert_raises(ValueError, ce, logits, np.array([0.0, 1.0, 2.0]), why="labels must be integers")
    assert_raises(ValueError, ce, np.zeros(4), np.array([0]), why="logits must be (N, K)")
    assert_raises(ValueError, ce, logits, labels, label_smoothing=1.5, why="label_smoothing lies in [0, 1]")


# BCE with logits.

def test_bce_by_hand(impl):
    call = Call(impl.bce_with_logits, np.zeros(2), np.array([1.0, 0.0]))
    check(call, LN2, [-0.25, 0.25], why_loss="sigmoid(0) = 1/2 costs log 2 whatever the target",
          why_grad="(sigmoid(x) - t) / n with n = 2 elements")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1,), (5,), (4, 3), (2, 3, 4)])
def test_bce_matches_torch(impl, shape, dtype):
    rng = np.random.default_rng(len(shape) * 7 + shape[0])
    logits = (rng.normal(size=shape) * 4).astype(dtype)
    targets = np.where(rng.random(shape) < 0.5, rng.random(shape), rng.integers(0, 2, shape)).astype(dtype)
    loss, grad = torch_bce(logits, targets)
    call = Call(impl.bce_with_logits, logits, targets)
    check(call, loss, grad, grad_tol=1e-6 if dtype == np.float64 else None,
          why_loss="torch.nn.functional.binary_cross_entropy_with_logits, mean over all elements",
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
    loss, grad = torch_bce(logits, targets)
    call = call_quietly(impl.bce_with_logits, logits, targets)
    check(call, loss, grad, why_loss="per element 1e4, 1e4, 0, 0 and log 2: a confident wrong logit costs "
                                     "exactly its size, not inf")


def test_bce_empty_and_bad_shapes(impl):
    call = call_quietly(impl.bce_with_logits, np.zeros((0, 3)), np.zeros((0, 3)))
    check(call, 0.0, np.zeros((0, 3)), why_loss="no element: loss 0.0, as documented")
    assert_raises(ValueError, impl.bce_with_logits, np.zeros((2, 3)), np.zeros(3),
                  why="targets must have the shape of logits; broadcasting would hide a bug")
