"""Tests for torch/straight_through. Run: pytest katas/torch/straight_through

Correctness tests use values with no exact half (where the tie rule decides) and, for the clipped
estimator, none within half a step outside [lo, hi] or exactly at lo or hi (where the gradient mask
is a choice); each of those choices, the output dtype and "a new tensor" has a convention test."""

import pytest
import torch
from torch import nn

from cvkatas import Call, assert_array, assert_equal, assert_raises, fail, show

DTYPES = [torch.float32, torch.float64]
IDS = ["float32", "float64"]
HALVES = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, 0.49, 2.51, -2.7, 4.0]
HALVES_ROUNDED = [0.0, 2.0, 2.0, -0.0, -2.0, -2.0, 4.0, 0.0, 3.0, -3.0, 4.0]  # torch.round: half to even


def applier(impl):
    """``RoundSTE.apply`` under a name and a signature that read well in failure messages."""

    def apply(x):
        return impl.RoundSTE.apply(x)

    apply.__name__ = apply.__qualname__ = "RoundSTE.apply"
    return apply


def entry(impl, which):
    return {"RoundSTE": applier(impl), "round_ste": impl.round_ste}[which]


def off_ties(x):
    """Move values within 1e-3 of a half (k + 0.5) by 0.01: no tie for the rounding rule to decide."""
    frac = x - torch.floor(x)
    return torch.where((frac - 0.5).abs() < 1e-3, x + 0.01, x)


def samples(shape, dtype, device, seed, grad=False):
    """Ordinary values of both signs, a few integers among them, and no exact half."""
    gen = torch.Generator().manual_seed(seed)
    x = off_ties(torch.randn(shape, generator=gen, dtype=torch.float64) * 4)
    ints = torch.randint(-8, 8, shape, generator=gen).double()
    x = torch.where(torch.rand(shape, generator=gen) < 0.2, ints, x)
    return x.to(device, dtype).requires_grad_(grad)


def check_output(call, x, what):
    """The result's form: a tensor of x's shape on x's device, in the graph exactly when x is. Its
    dtype is test_keeps_input_dtype's business."""
    __tracebackhide__ = True
    assert_array(call.out, kind="tensor", shape=tuple(x.shape), device=x.device, call=call, what=what)
    if call.out.requires_grad != (x.requires_grad and torch.is_grad_enabled()):
        fail(f"{what}: requires_grad is {call.out.requires_grad} for an input with requires_grad={x.requires_grad}",
             call=call, why="the output must take part in autograd exactly when its input does: the gradient "
                            "must reach x, and a plain tensor must not grow a graph")


def grad_of_weighted_sum(fn, x, w):
    """d/dx of sum(w * fn(x)), or None if no gradient reached x."""
    x = x.detach().clone().requires_grad_(True)
    call = Call(fn, x)
    if not call.out.requires_grad:
        fail(f"{call.name}() returned a tensor that does not require grad for an input that does", call=call,
             why="the straight-through estimator exists to let a gradient through; plain torch.round has none")
    (w * call.out).sum().backward()
    return call, x.grad


# 1. By hand.

@pytest.mark.parametrize("which", ["RoundSTE", "round_ste"])
def test_rounds_by_hand(impl, device, which):
    x = torch.tensor([0.2, 0.7, 1.49, 2.51, -0.3, -1.6, -2.4, 3.0], dtype=torch.float64, device=device)
    call = Call(entry(impl, which), x)
    check_output(call, x, "rounded values")
    assert_equal(call.out, [0.0, 1.0, 1.0, 3.0, -0.0, -2.0, -2.0, 3.0], call=call, what="rounded values",
                 why="each value goes to its nearest integer")


@pytest.mark.parametrize("which", ["RoundSTE", "round_ste"])
def test_gradient_is_the_incoming_gradient_by_hand(impl, device, which):
    x = torch.tensor([0.2, 0.5, 1.7, -2.5, 3.0], dtype=torch.float64, device=device)
    w = torch.tensor([3.0, -1.0, 0.5, 2.0, -4.0], dtype=torch.float64, device=device)
    call, grad = grad_of_weighted_sum(entry(impl, which), x, w)
    if grad is None:
        fail("no gradient reached x (x.grad is None)", call=call,
             why="backward must return the incoming gradient for x; returning None means 'no gradient'")
    assert_equal(grad, w, call=call, what="gradient of sum(w * out) with respect to x",
                 why=f"with w = {w.tolist()}: the straight-through backward passes the incoming gradient w on "
                     "unchanged (not ones, not zeros), wherever x is")


# 2. Against torch.round on seeded random inputs.

@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
@pytest.mark.parametrize("which", ["RoundSTE", "round_ste"])
def test_values_match_torch_round(impl, device, which, dtype):
    for shape in [(), (0,), (1,), (7,), (3, 4, 5)]:
        for grad in (False, True):
            x = samples(shape, dtype, device, seed=len(shape) + 10 * grad, grad=grad)
            call = Call(entry(impl, which), x)
            check_output(call, x, "rounded values")
            assert_equal(call.out, torch.round(x.detach()), call=call, what="rounded values",
                         why="the forward pass is torch.round, exactly")


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
@pytest.mark.parametrize("which", ["RoundSTE", "round_ste"])
def test_gradient_equals_upstream_weights(impl, device, which, dtype):
    gen = torch.Generator().manual_seed(3)
    x = samples((4, 6), dtype, device, seed=4)
    w = torch.randn((4, 6), generator=gen, dtype=torch.float64).to(device, dtype)
    call, grad = grad_of_weighted_sum(entry(impl, which), x, w)
    if grad is None:
        fail("no gradient reached x (x.grad is None)", call=call, why="backward must return the incoming gradient")
    assert_array(grad, kind="tensor", shape=(4, 6), device=device, call=call, what="x.grad")
    assert_equal(grad, w, call=call, what="gradient of sum(w * out) with respect to x",
                 why="the Jacobian of the straight-through estimator is the identity, so the gradient is w itself")


# 3. Edge cases.

@pytest.mark.parametrize("which", ["RoundSTE", "round_ste"])
def test_special_values(impl, device, which):
    big = 2.0**40 + 1  # already an integer
    values = [float("nan"), -0.0, -0.3, big, -big, 1e300, -1e300, 2.0**-30]
    if which == "RoundSTE":  # round_ste may be x + (round(x) - x).detach(), which turns inf into nan
        values[-2:] = [float("inf"), -float("inf")]
    x = torch.tensor(values, device=device, dtype=torch.float64)
    call = Call(entry(impl, which), x)
    check_output(call, x, "rounded values")
    assert_equal(call.out, torch.round(x), call=call, what="rounded values",
                 why="nan stays nan (and RoundSTE keeps inf), large integers stay; -0.3 rounds to -0")
    w = torch.arange(1.0, 9.0, dtype=torch.float64, device=device)
    _, grad = grad_of_weighted_sum(entry(impl, which), x, w)
    if grad is None or not torch.equal(grad, w):
        fail("gradient of sum(w * out) is not w at special values", call=call, got=show(grad), expected=show(w),
             why="the backward pass ignores the values of x entirely: it returns the incoming gradient")


# 4. In a bigger graph.

@pytest.mark.parametrize("which", ["RoundSTE", "round_ste"])
def test_gradient_reaches_parameters_upstream(impl, device, which):
    torch.manual_seed(5)
    layer = nn.Linear(3, 4).to(device, torch.float64)
    x = torch.randn(6, 3, dtype=torch.float64, device=device) * 3
    c = torch.randn(6, 4, dtype=torch.float64, device=device)
    h = layer(x)
    call = Call(entry(impl, which), h)
    (c * call.out).sum().backward()
    got = {"weight": layer.weight.grad, "bias": layer.bias.grad}
    layer.zero_grad()
    (c * layer(x)).sum().backward()  # the same graph with the identity in place of rounding
    for name, expected in (("weight", layer.weight.grad), ("bias", layer.bias.grad)):
        if got[name] is None:
            fail(f"no gradient reached the Linear layer's {name}", call=call,
                 why="round_ste sits between the layer and the loss; its gradient must flow back to the layer")
        assert_equal(got[name], expected, call=call, what=f"gradient of the Linear layer's {name}",
                     why="with a straight-through rounding, the layer gets the gradient it would get if the "
                         "rounding were the identity: c^T x for the weight, the column sums of c for the bias")


@pytest.mark.parametrize("which", ["RoundSTE", "round_ste"])
def test_requires_grad_follows_the_input(impl, device, which):
    fn = entry(impl, which)
    x = torch.tensor([0.4, 1.6], device=device)
    check_output(Call(fn, x), x, "result for a plain tensor")
    x = torch.tensor([0.4, 1.6], device=device, requires_grad=True)
    check_output(Call(fn, x), x, "result for a tensor that requires grad")
    with torch.no_grad():
        call = Call(fn, x)
    if call.out.requires_grad:
        fail("under torch.no_grad() the result still requires grad", call=call,
             why="no graph may be recorded in no-grad mode")


def test_round_ste_is_an_autograd_function(impl, device):
    x = torch.tensor([0.7], device=device, requires_grad=True)
    Call(applier(impl), x)
    if not (isinstance(impl.RoundSTE, type) and issubclass(impl.RoundSTE, torch.autograd.Function)):
        fail(f"RoundSTE must subclass torch.autograd.Function, got {impl.RoundSTE!r}",
             why="the kata is about writing the forward and backward of a custom autograd Function")


# 5. The clipped estimator.

def clipped_samples(lo, hi, dtype, device, seed):
    """Values around [lo, hi] with no half, none exactly at lo or hi, and none within half a step
    outside it (where a mask on round(x) and a mask on x would disagree)."""
    x = samples((50,), torch.float64, "cpu", seed=seed) * 1.5 + (lo + hi) / 2
    x = torch.where((x == lo) | (x == hi), x + 0.25, x)
    x = torch.where((x > lo - 0.6) & (x < lo), x - 1.0, x)
    x = torch.where((x > hi) & (x < hi + 0.6), x + 1.0, x)
    return off_ties(x).to(device, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_clipped_by_hand(impl, device, dtype):
    x = torch.tensor([-3.0, -1.4, -0.7, 0.4, 0.8, 1.6, 7.0], dtype=dtype, device=device)
    w = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], dtype=dtype, device=device)
    xg = x.clone().requires_grad_(True)
    call = Call(impl.clipped_round_ste, xg, -2, 1)
    check_output(call, xg, "clipped values")
    assert_equal(call.out, [-2.0, -1.0, -1.0, 0.0, 1.0, 1.0, 1.0], call=call, what="clipped values",
                 why="round to the nearest integer, then clamp to [-2, 1]")
    (w * call.out).sum().backward()
    if xg.grad is None:
        fail("no gradient reached x", call=call, why="inside [lo, hi] the incoming gradient passes through")
    assert_equal(xg.grad, [0.0, 2.0, 3.0, 4.0, 5.0, 0.0, 0.0], call=call, what="gradient of sum(w * out), w = 1..7",
                 why="the gradient passes where lo <= x <= hi and is 0 elsewhere: -3, 1.6 and 7 are outside [-2, 1]")


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_clipped_matches_closed_form(impl, device, dtype):
    for lo, hi in [(-8, 7), (0, 255), (-1, 1), (3, 3), (-4.0, 2.0)]:
        gen = torch.Generator().manual_seed(int(hi - lo))
        x = clipped_samples(lo, hi, dtype, device, seed=int(hi))
        w = torch.randn(50, generator=gen, dtype=torch.float64).to(device, dtype)
        xg = x.clone().requires_grad_(True)
        call = Call(impl.clipped_round_ste, xg, lo, hi)
        check_output(call, xg, "clipped values")
        assert_equal(call.out, torch.clamp(torch.round(x), lo, hi), call=call, what="clipped values",
                     why=f"torch.clamp(torch.round(x), {lo}, {hi})")
        (w * call.out).sum().backward()
        if xg.grad is None:
            fail("no gradient reached x", call=call, why="inside [lo, hi] the incoming gradient passes through")
        expected = torch.where((x >= lo) & (x <= hi), w, torch.zeros_like(w))
        assert_equal(xg.grad, expected, call=call, what="gradient of sum(w * out)",
                     why=f"w where {lo} <= x <= {hi}, 0 elsewhere")


def test_clipped_with_lo_equal_to_hi(impl, device):
    x = torch.tensor([0.4, 1.7, -3.2], device=device)
    call = Call(impl.clipped_round_ste, x, 1, 1)
    assert_equal(call.out, [1.0, 1.0, 1.0], call=call, what="values for lo == hi", why="everything clamps to 1")


# 6. Conventions and bad input.

@pytest.mark.convention("ties round half to even, as torch.round")
def test_rounds_half_to_even(impl, device):
    x = torch.tensor(HALVES, dtype=torch.float64, device=device)
    for which in ("RoundSTE", "round_ste"):
        for dtype in DTYPES:
            call = Call(entry(impl, which), x.to(dtype))
            assert_equal(call.out, HALVES_ROUNDED, call=call, what="rounded values",
                         why="torch.round rounds ties to the even neighbour: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> -0; "
                             "floor(x + 0.5) rounds every tie up instead (0.5 -> 1, 2.5 -> 3)")


@pytest.mark.convention("clipped gradient: both ends lo and hi pass")
def test_clipped_gradient_passes_at_both_ends(impl, device):
    x = torch.tensor([-2.0, 0.2, 1.0], dtype=torch.float64, device=device, requires_grad=True)
    call = Call(impl.clipped_round_ste, x, -2, 1)
    (torch.tensor([3.0, 4.0, 5.0], dtype=torch.float64, device=device) * call.out).sum().backward()
    assert_equal(x.grad, [3.0, 4.0, 5.0], call=call, what="gradient of sum(w * out), w = [3, 4, 5]",
                 why="the mask is lo <= x <= hi, ends included: x = -2 and x = 1 get the incoming gradient")


@pytest.mark.convention("clipped gradient mask judged on x, not round(x)")
def test_clipped_mask_is_judged_on_x(impl, device):
    x = torch.tensor([-2.4, 0.2, 1.3], dtype=torch.float64, device=device, requires_grad=True)
    call = Call(impl.clipped_round_ste, x, -2, 1)
    (torch.tensor([3.0, 4.0, 5.0], dtype=torch.float64, device=device) * call.out).sum().backward()
    assert_equal(x.grad, [0.0, 4.0, 0.0], call=call, what="gradient of sum(w * out), w = [3, 4, 5]",
                 why="-2.4 and 1.3 lie outside [-2, 1], so their gradient is 0, although they round to -2 and 1 "
                     "(torch.fake_quantize judges the mask on the rounded value instead)")


@pytest.mark.convention("output keeps x's dtype")
def test_keeps_input_dtype(impl, device):
    for dtype in DTYPES:
        x = torch.tensor([0.3, -1.7], dtype=dtype, device=device)
        for fn, args in ((entry(impl, "RoundSTE"), ()), (entry(impl, "round_ste"), ()),
                         (impl.clipped_round_ste, (-1, 1))):
            call = Call(fn, x, *args)
            assert_array(call.out, kind="tensor", dtype=dtype, shape=(2,), call=call, what="result")


@pytest.mark.convention("returns a new tensor, x unchanged")
def test_returns_a_new_tensor(impl, device):
    inputs = [torch.tensor([[0.3, 1.7], [-2.2, 2.6]], device=device),
              torch.tensor([1.0, -2.0, 3.0], device=device),  # already integers
              torch.tensor([0.4, 1.6], device=device, requires_grad=True),
              torch.tensor(2.7, device=device), torch.zeros(0, device=device)]
    for x in inputs:
        for fn, args in ((entry(impl, "RoundSTE"), ()), (entry(impl, "round_ste"), ()),
                         (impl.clipped_round_ste, (-5, 5))):
            call = Call(fn, x, *args)  # Call fails the test if x changed
            same = call.out is x or (x.numel() > 0 and call.out.data_ptr() == x.data_ptr())
            if same:
                fail("the result is the input tensor itself (or shares its memory)", call=call,
                     why="return a new tensor: a caller that changes the result in place must not change x")


@pytest.mark.contract("lo > hi: ValueError")
def test_clipped_bad_range_raises(impl, device):
    x = torch.tensor([0.5, 1.5], device=device)  # torch.clamp(x, 2, 1) would silently give 1 everywhere
    assert_raises(ValueError, impl.clipped_round_ste, x, 2, 1, why="lo must not exceed hi")
    assert_raises(ValueError, impl.clipped_round_ste, x, 1.0, -1.0, why="lo must not exceed hi")
