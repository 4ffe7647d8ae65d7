"""Tests for nn/gradient_check. Run: pytest katas/nn/gradient_check

Oracles: analytic derivatives of smooth functions (x**2, sin, x**3, a matrix product) and
hand-computed relative errors. Correctness tests use float64 inputs; evaluating integer and
float32 inputs in float64 is a convention test of its own, as are the default step and the 1e-8
floor of the relative error."""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, quiet_call


class Counted:
    """f wrapped to count its calls and to check what it is given."""

    def __init__(self, f, shape):
        self.f, self.shape, self.calls = f, shape, 0

    def __call__(self, v):
        self.calls += 1
        if np.shape(v) != self.shape:
            raise AssertionError(f"f was called with an array of shape {np.shape(v)}, not x's shape {self.shape}")
        return self.f(v)

    def __repr__(self):
        return f"<f of an array of shape {self.shape}>"


def grad_of(impl, f, x, *args, **kw):
    call = Call(impl.numerical_gradient, Counted(f, np.shape(x)), x, *args, **kw)
    return call, call.out


# numerical_gradient

def test_square_by_hand(impl):
    x = np.array([1.0, 2.0, -3.0])
    call, g = grad_of(impl, lambda v: np.sum(v ** 2), x)
    assert_close(g, [2.0, 4.0, -6.0], rtol=1e-7, atol=1e-7, call=call, what="gradient of sum(x**2)",
                 why="d/dx x**2 = 2x; a centred difference of a quadratic is exact up to rounding")


def test_array_output_with_dout(impl):
    rng = np.random.default_rng(0)
    x, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    call, g = grad_of(impl, np.sin, x, dout)
    assert_close(g, np.cos(x) * dout, rtol=1e-7, atol=1e-8, call=call, what="gradient of sum(sin(x) * dout)",
                 why="for an array-valued f the gradient is that of sum(f(x) * dout)")


def test_dout_defaults_to_ones(impl):
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(2, 3)), rng.normal(size=(3, 5))
    call, g = grad_of(impl, lambda v: v @ w, x)  # f returns a (2, 5) array
    assert_close(g, np.ones((2, 5)) @ w.T, rtol=1e-7, atol=1e-8, call=call, what="gradient of sum(x @ w)",
                 why="without dout the gradient is that of sum(f(x)): dout = ones((2, 5)), dx = dout @ w.T")


def test_centred_not_one_sided(impl):
    x = np.array([1.0, 2.0, 3.0])
    call, g = grad_of(impl, lambda v: np.sum(v ** 3), x)
    assert_close(g, 3 * x ** 2, rtol=1e-8, atol=1e-8, call=call, what="gradient of sum(x**3)",
                 why="(f(x+h) - f(x-h)) / 2h errs by h**2 = 1e-10 here; (f(x+h) - f(x)) / h errs by 3 x h ~ 1e-4")


def test_step_argument_is_used(impl):
    # |x - 3e-6| at x = 0: with h = 1e-6 both points lie left of the kink, slope -1.
    f = lambda v: np.abs(v - 3e-6).sum()  # noqa: E731
    call, g = grad_of(impl, f, np.zeros(1), None, 1e-6)
    assert_close(g, [-1.0], rtol=1e-6, atol=1e-6, call=call, what="gradient with h = 1e-6",
                 why="(|1e-6 - 3e-6| - |-1e-6 - 3e-6|) / 2e-6 = -1")


def test_two_evaluations_per_entry_and_x_restored(impl):
    x = np.array([[0.5, -1.0], [2.0, 0.0]])
    f = Counted(lambda v: np.sum(np.exp(v)), x.shape)
    call = Call(impl.numerical_gradient, f, x)  # Call fails the test if x was left changed
    assert_close(call.out, np.exp(x), rtol=1e-7, atol=1e-8, call=call, what="gradient of sum(exp(x))")
    if f.calls > 2 * x.size + 1:
        fail(f"f was called {f.calls} times for {x.size} entries", call=call,
             why="two evaluations per entry (x + h e_i and x - h e_i) are all a centred difference needs")


@pytest.mark.parametrize("shape", [(1,), (1, 1, 1)])
def test_size_one(impl, shape):
    x = np.full(shape, 0.7)
    call, g = grad_of(impl, lambda v: np.sum(v ** 2), x)
    assert_array(g, shape=shape, call=call, what="gradient")
    assert_close(g, np.full(shape, 1.4), rtol=1e-7, atol=1e-7, call=call, what="gradient")


# relative_error

def test_relative_error_by_hand(impl):
    call = Call(impl.relative_error, np.array([1.0, 2.0]), np.array([1.0, 2.2]))
    if not isinstance(call.out, float):  # np.float64 is a float too
        fail("relative_error must return a float", call=call, got=repr(call.out))
    assert_close(call.out, 0.2 / 4.2, rtol=1e-9, atol=0, call=call, what="relative error",
                 why="entry 1: |2 - 2.2| / (2 + 2.2); entry 0 agrees exactly")


def test_relative_error_is_per_entry(impl):
    call = Call(impl.relative_error, np.array([1e-3, 100.0]), np.array([2e-3, 100.0]))
    assert_close(call.out, 1e-3 / 3e-3, rtol=1e-9, atol=0, call=call, what="relative error",
                 why="entry 0 is wrong by a factor of 2: 1e-3 / 3e-3 = 1/3, not hidden by the large entry "
                     "(max|a - b| / max(|a| + |b|) would give 5e-6)")


def test_relative_error_properties(impl):
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    expected = np.max(np.abs(a - b) / (np.abs(a) + np.abs(b)))
    for args, what in (((a, b), "relative_error(a, b)"), ((b, a), "relative_error(b, a)"),
                       ((1e6 * a, 1e6 * b), "relative_error(1e6 a, 1e6 b)")):
        call = Call(impl.relative_error, *args)
        assert_close(call.out, expected, rtol=1e-9, atol=0, call=call, what=what,
                     why="symmetric and scale-free")
    same = Call(impl.relative_error, a, a.copy())
    assert_close(same.out, 0.0, atol=0, call=same, what="relative_error(a, a)")


def test_relative_error_of_zeros(impl):
    call = quiet_call(impl.relative_error, np.zeros(3), np.zeros(3), why="0 / 0 must not happen: floor the denominator")
    assert_close(call.out, 0.0, atol=0, call=call, what="relative error of two zero gradients")


def test_checks_a_real_backward(impl):
    # The use of both tools together: a correct and a wrong gradient of f(x) = sum(tanh(x) * x).
    x = np.random.default_rng(3).normal(size=(4, 3))
    f = lambda v: np.sum(np.tanh(v) * v)  # noqa: E731
    right = np.tanh(x) + x * (1 - np.tanh(x) ** 2)
    num = impl.numerical_gradient(f, x)
    good, bad = impl.relative_error(right, num), impl.relative_error(np.tanh(x), num)
    if not (good < 1e-7 and bad > 1e-2):
        fail(f"relative_error(analytic, numerical) is {good:.2e} for the right gradient and {bad:.2e} for a wrong one",
             why="a right backward gives an error below 1e-7, a wrong one far above 1e-2")


# Conventions and bad input.

@pytest.mark.convention("evaluates in float64 whatever x's dtype")
def test_evaluates_in_float64(impl):
    seen = []

    def f(v):
        seen.append(np.asarray(v).dtype)
        return np.sum(np.asarray(v) ** 2)

    for x in (np.array([1, 2, -3]), np.array([0.3, 1.7], np.float32)):
        seen.clear()
        call = Call(impl.numerical_gradient, f, x)
        assert_array(call.out, dtype=np.float64, shape=x.shape, call=call, what="gradient")
        assert_close(call.out, 2 * x.astype(np.float64), rtol=1e-7, atol=1e-7, call=call, what="gradient of sum(x**2)",
                     why="x + 1e-5 in an integer array rounds back to x, and in float32 loses most digits: "
                         "copy x to float64 first")
        if any(d != np.float64 for d in seen):
            fail(f"f was called with dtype {[str(d) for d in seen if d != np.float64][0]}", call=call,
                 why="every evaluation is in float64")


@pytest.mark.convention("default step h = 1e-5")
def test_default_step(impl):
    # |x - 3e-6| at x = 0: the default h = 1e-5 straddles the kink: (7e-6 - 13e-6) / 2e-5 = -0.3.
    call, g = grad_of(impl, lambda v: np.abs(v - 3e-6).sum(), np.zeros(1))
    assert_close(g, [-0.3], rtol=1e-6, atol=1e-6, call=call, what="gradient with the default step",
                 why="h defaults to 1e-5 (cs231n's default); another step gives another value at this kink")


@pytest.mark.convention("relative error: denominator floored at 1e-8")
def test_relative_error_floor(impl):
    call = quiet_call(impl.relative_error, np.array([0.0]), np.array([1e-9]))
    assert_close(call.out, 0.1, rtol=1e-9, atol=0, call=call, what="relative error",
                 why="|0 - 1e-9| / max(0 + 1e-9, 1e-8) = 0.1 (cs231n's floor)")


@pytest.mark.convention("empty x: empty gradient; empty pair: relative error 0.0")
def test_empty_inputs(impl):
    for shape in [(0,), (2, 0, 3)]:
        call, g = grad_of(impl, lambda v: np.sum(v ** 2), np.zeros(shape))
        # nothing to perturb: an empty gradient (cs231n's np.nditer raises here)
        assert_array(g, shape=shape, call=call, what="gradient of an empty x")
    call = quiet_call(impl.relative_error, np.zeros((0, 2)), np.zeros((0, 2)))
    assert_close(call.out, 0.0, atol=0, call=call, what="relative error of empty arrays",
                 why="nothing differs (cs231n's rel_error raises here: np.max of an empty array)")


@pytest.mark.contract("relative_error: different shapes raise ValueError")
def test_relative_error_shape_mismatch_raises(impl):
    # (3,) and (3, 1) broadcast to (3, 3) silently, comparing every entry with every other.
    assert_raises(ValueError, impl.relative_error, np.ones(3), np.ones((3, 1)),
                  why="a gradient and its check must have the same shape")
    assert_raises(ValueError, impl.relative_error, np.ones((2, 3)), np.ones(3), why="shapes (2, 3) and (3,)")
