"""Tests for torch/grad_clip. Run: pytest katas/torch/grad_clip

The oracle is torch.nn.utils itself (clip_grad_norm_ / clip_grad_value_ on clones of the same
gradients). Correctness tests keep every total norm >= 1 and max_norm away from the total, so
the 1e-6 in the coef (a convention test of its own) moves nothing beyond rtol 1e-5; in place
versus a new .grad tensor and the non-finite rule are convention tests too."""

import math

import pytest
import torch
from torch import nn

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, fail, show

DTYPES = [torch.float32, torch.float64]
IDS = ["float32", "float64"]
# gradients after clipping: rtol 1e-6 (float64) tells coef = max / (total + 1e-6) from max / total only
# when total < 1, and every correctness test keeps total >= 2
TOL = {torch.float64: {"rtol": 1e-6, "atol": 1e-12}, torch.float32: {"rtol": 1e-5, "atol": 1e-6}}


def f64(values):
    return torch.tensor(values, dtype=torch.float64)


def params(grads, device, dtype=torch.float64):
    """Parameters (all ones) with the given gradients; None for a parameter that has no gradient."""
    out = []
    for g in grads:
        g = None if g is None else torch.as_tensor(g, dtype=dtype, device=device)
        p = nn.Parameter(torch.ones(g.shape if g is not None else (2,), dtype=dtype, device=device))
        p.grad = None if g is None else g.clone()
        out.append(p)
    return out


def random_grads(seed, dtype, device, shapes=((3, 4), (0,), (1,), (2, 3, 3), (5,))):
    gen = torch.Generator().manual_seed(seed)
    return params([torch.randn(s, generator=gen, dtype=torch.float64) * 2 for s in shapes], device, dtype)


def clones(ps):
    out = []
    for p in ps:
        q = nn.Parameter(p.detach().clone())
        q.grad = None if p.grad is None else p.grad.clone()
        out.append(q)
    return out


def check_total(call, total, expected, device, dtype, why, tol=None):
    __tracebackhide__ = True
    assert_array(total, kind="tensor", dtype=dtype, shape=(), device=device, call=call, what="the returned total norm")
    assert_close(total, expected, **(tol or TOL[dtype]), call=call, what="the returned total norm", why=why)


def check_grads(call, ps, expected, device, dtype, why, tol=None):
    __tracebackhide__ = True
    for i, (p, e) in enumerate(zip(ps, expected)):
        if e is None:
            if p.grad is not None:
                fail(f"parameter {i} had no gradient, and now has one", call=call, got=show(p.grad),
                     why="a parameter whose .grad is None is skipped")
            continue
        assert_array(p.grad, kind="tensor", dtype=dtype, shape=tuple(e.shape), device=device, call=call,
                     what=f"parameters[{i}].grad")
        assert_close(p.grad, e, **(tol or TOL[dtype]), call=call, what=f"parameters[{i}].grad", why=why)


# 1. By hand.

def test_norm_by_hand(impl, device):
    ps = params([[3.0, 0.0], [0.0, -4.0]], device)
    call = Call(impl.clip_grad_norm_, ps, 1.0)  # norm_type omitted: the default is 2
    check_total(call, call.out, 5.0, device, torch.float64, "sqrt(3^2 + 4^2) = 5, returned before clipping",
                {"rtol": 1e-9, "atol": 0})
    check_grads(call, ps, [f64([0.6, 0.0]), f64([0.0, -0.8])], device, torch.float64,
                "coef = 1 / (5 + 1e-6), about 0.2: every gradient scaled by it, so the global norm becomes 1",
                {"rtol": 1e-5, "atol": 0})


def test_global_norm_not_per_parameter(impl, device):
    ps = params([[3.0, 4.0], [0.6, 0.8]], device)
    call = Call(impl.clip_grad_norm_, ps, 2.0)
    total = math.sqrt(26)
    check_total(call, call.out, total, device, torch.float64, "sqrt(3^2 + 4^2 + 0.6^2 + 0.8^2) = sqrt(26)")
    c = 2 / total
    check_grads(call, ps, [f64([3 * c, 4 * c]), f64([0.6 * c, 0.8 * c])], device, torch.float64,
                "one factor 2 / sqrt(26) for all gradients: parameter 1 has norm 1 < 2 on its own, but the global "
                "norm is over the threshold, so it is scaled too (clipping each tensor on its own changes the "
                "direction of the update)", {"rtol": 1e-5, "atol": 0})


def test_below_max_norm_is_left_alone(impl, device):
    ps = params([[0.3, -0.4], [1.2]], device)
    call = Call(impl.clip_grad_norm_, ps, 10.0)
    check_total(call, call.out, 1.3, device, torch.float64, "sqrt(0.09 + 0.16 + 1.44) = 1.3")
    check_grads(call, ps, [f64([0.3, -0.4]), f64([1.2])], device, torch.float64,
                "the norm 1.3 is below max_norm 10: coef = min(10 / 1.3, 1) = 1, gradients are never scaled up",
                {"rtol": 0, "atol": 0})


@pytest.mark.parametrize("norm_type", [1.0, 3.0, math.inf], ids=["p1", "p3", "pinf"])
def test_other_norms_by_hand(impl, device, norm_type):
    ps = params([[3.0, 0.0], [0.0, -4.0]], device)
    total = {1.0: 7.0, 3.0: (27 + 64) ** (1 / 3), math.inf: 4.0}[norm_type]
    call = Call(impl.clip_grad_norm_, ps, 2.0, norm_type=norm_type)
    check_total(call, call.out, total, device, torch.float64,
                {1.0: "|3| + |-4| = 7", 3.0: "(3^3 + 4^3)^(1/3)", math.inf: "the largest |g|, 4"}[norm_type])
    c = 2 / total
    check_grads(call, ps, [f64([3 * c, 0.0]), f64([0.0, -4 * c])], device, torch.float64,
                f"coef = 2 / {total:.4g}", {"rtol": 1e-5, "atol": 0})


def test_value_by_hand(impl, device):
    ps = params([[-3.0, -0.5, 0.25, 1.0, 3.0], [float("nan"), 0.0]], device)
    call = Call(impl.clip_grad_value_, ps, 1.0)
    if call.out is not None:
        fail(f"clip_grad_value_ returned {show(call.out)}, expected None", call=call)
    check_grads(call, ps, [f64([-1.0, -0.5, 0.25, 1.0, 1.0]), f64([float("nan"), 0.0])], device,
                torch.float64, "each element clamped to [-1, 1] on its own, both sides; NaN stays NaN",
                {"rtol": 0, "atol": 0})


# 2. Against torch.nn.utils on seeded random gradients.

@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_norm_matches_torch(impl, device, dtype):
    for seed, norm_type in enumerate([2.0, 1.0, math.inf, 2.0, 1.5]):
        shapes = ((3, 4), (0,), (1,), (2, 3, 3), (5,))
        if norm_type == math.inf:  # an empty tensor has no max (torch raises): keep it to the finite p
            shapes = shapes[:1] + shapes[2:]
        ps = random_grads(seed, dtype, device, shapes)
        for factor in (0.3, 2.5):  # clipped, then not clipped
            expected = torch.nn.utils.clip_grad_norm_(clones(ps), 1.0, norm_type=norm_type).item()
            ours, theirs = clones(ps), clones(ps)
            max_norm = factor * expected
            want = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
            call = Call(impl.clip_grad_norm_, ours, max_norm, norm_type=norm_type)
            why = f"torch.nn.utils.clip_grad_norm_ on the same gradients (norm_type {norm_type}, seed {seed})"
            if want < 2:
                fail(f"test set-up: the total norm {want.item()} must be >= 2")
            check_total(call, call.out, want, device, dtype, why)
            check_grads(call, ours, [q.grad for q in theirs], device, dtype, why)


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_value_matches_torch(impl, device, dtype):
    for seed, clip in enumerate([0.5, 1.7, 100.0]):
        ps = random_grads(seed, dtype, device)
        ours, theirs = clones(ps), clones(ps)
        torch.nn.utils.clip_grad_value_(theirs, clip)
        call = Call(impl.clip_grad_value_, ours, clip)
        check_grads(call, ours, [q.grad for q in theirs], device, dtype,
                    f"torch.nn.utils.clip_grad_value_ with clip_value {clip}", {"rtol": 0, "atol": 0})


def test_single_element_parameter(impl, device):
    ps = params([[-3.0]], device, torch.float32)
    call = Call(impl.clip_grad_norm_, ps, 1.5)
    check_total(call, call.out, 3.0, device, torch.float32, "the norm of one element is its |value|")
    check_grads(call, ps, [f64([-1.5])], device, torch.float32, "coef = 1.5 / 3")


# 3. What the parameters look like in real use.

def test_generator_of_parameters(impl, device):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).to(device, torch.float64)
    model(torch.randn(5, 3, dtype=torch.float64, device=device)).pow(2).sum().mul(10).backward()
    theirs = clones(list(model.parameters()))
    want = torch.nn.utils.clip_grad_norm_(theirs, 0.5)
    call = Call(impl.clip_grad_norm_, model.parameters(), 0.5)
    why = ("model.parameters() is a generator: it can be read once, so collect the gradients into a list "
           "first (computing the norm and then scaling in a second pass finds it empty)")
    check_total(call, call.out, want, device, torch.float64, why)
    check_grads(call, list(model.parameters()), [q.grad for q in theirs], device, torch.float64, why)
    model.zero_grad(set_to_none=False)
    model(torch.randn(5, 3, dtype=torch.float64, device=device)).pow(2).sum().mul(10).backward()
    theirs = clones(list(model.parameters()))
    torch.nn.utils.clip_grad_value_(theirs, 0.05)
    call = Call(impl.clip_grad_value_, model.parameters(), 0.05)
    check_grads(call, list(model.parameters()), [q.grad for q in theirs], device, torch.float64,
                "clip_grad_value_(model.parameters(), 0.05) as torch does")


def test_parameters_without_grad_are_skipped(impl, device):
    ps = params([[3.0, 4.0], None, [0.0]], device)
    call = Call(impl.clip_grad_norm_, ps, 1.0)
    check_total(call, call.out, 5.0, device, torch.float64, "parameter 1 has no gradient: the norm is over the others")
    check_grads(call, ps, [f64([0.6, 0.8]), None, f64([0.0])], device, torch.float64,
                "coef = 1 / (5 + 1e-6)", {"rtol": 1e-5, "atol": 0})
    ps = params([None, [-2.0, 0.5]], device)
    call = Call(impl.clip_grad_value_, ps, 1.0)
    check_grads(call, ps, [None, f64([-1.0, 0.5])], device, torch.float64, "clamped to [-1, 1]; None skipped")


def test_no_gradients_at_all(impl, device):
    for what, ps in [("an empty list", []), ("parameters whose .grad is None", params([None, None], device))]:
        call = Call(impl.clip_grad_norm_, ps, 1.0)
        total = call.out
        assert_array(total, kind="tensor", shape=(), call=call, what=f"the total norm of {what}")
        assert_equal(total.item(), 0.0, call=call, what=f"the total norm of {what}",
                     why="no gradients: the norm is torch.tensor(0.0) and nothing is changed")
        if any(p.grad is not None for p in ps):
            fail("a gradient appeared on a parameter that had none", call=call)


# 4. Conventions.

@pytest.mark.convention("coef = max_norm / (total + 1e-6), clamped to 1")
def test_coef_has_the_1e6_guard(impl, device):
    ps = params([[6e-4, 0.0], [0.0, 8e-4]], device)  # total 1e-3: the 1e-6 shows in the third digit
    call = Call(impl.clip_grad_norm_, ps, 5e-4)
    c = 5e-4 / (1e-3 + 1e-6)
    check_total(call, call.out, 1e-3, device, torch.float64, "sqrt(0.0006^2 + 0.0008^2) = 0.001")
    check_grads(call, ps, [f64([6e-4 * c, 0.0]), f64([0.0, 8e-4 * c])], device, torch.float64,
                f"coef = 5e-4 / (1e-3 + 1e-6) = {c:.6f}, as torch.nn.utils.clip_grad_norm_ computes it (not 0.5: "
                "the 1e-6 in the denominator guards a zero norm)")
    zero = params([[0.0, 0.0]], device)
    call = Call(impl.clip_grad_norm_, zero, 1.0)
    check_grads(call, zero, [f64([0.0, 0.0])], device, torch.float64,
                "a zero norm: coef = min(1 / 1e-6, 1) = 1, no division by zero", {"rtol": 0, "atol": 0})


@pytest.mark.convention("in place: p.grad stays the same tensor")
def test_gradients_are_scaled_in_place(impl, device):
    for fn, arg in [(impl.clip_grad_norm_, 1.0), (impl.clip_grad_value_, 1.0)]:
        ps = params([[3.0, -4.0], [2.0]], device)
        held = [p.grad for p in ps]
        call = Call(fn, ps, arg)
        for i, (p, g) in enumerate(zip(ps, held)):
            if p.grad is not g:
                fail(f"parameters[{i}].grad is a new tensor after the call", call=call,
                     why="clipping works in place (the trailing underscore): optimisers, hooks and "
                         "GradScaler may hold the .grad tensors, so scale them with mul_ / clamp_, "
                         "do not assign p.grad = ...")
            if not torch.equal(g, p.grad) or torch.equal(g, torch.tensor([3.0, -4.0], dtype=g.dtype, device=device)):
                fail(f"the held parameters[{i}].grad was not clipped", call=call, got=show(g))


@pytest.mark.convention("non-finite total: scaled anyway (NaN -> NaN, inf -> 0)")
def test_nonfinite_norm_scales_anyway(impl, device):
    nan, inf = float("nan"), float("inf")
    ps = params([[1.0, nan], [2.0]], device)
    call = Call(impl.clip_grad_norm_, ps, 1.0)  # error_if_nonfinite omitted: the default is False
    check_total(call, call.out, nan, device, torch.float64, "a NaN anywhere makes the total NaN")
    check_grads(call, ps, [f64([nan, nan]), f64([nan])], device, torch.float64,
                "coef = 1 / (NaN + 1e-6) is NaN: torch.nn.utils.clip_grad_norm_ multiplies every gradient by it")
    ps = params([[1.0, -inf], [-2.0]], device)
    call = Call(impl.clip_grad_norm_, ps, 1.0)
    check_total(call, call.out, inf, device, torch.float64, "an inf element makes the total inf")
    check_grads(call, ps, [f64([0.0, nan]), f64([0.0])], device, torch.float64,
                "coef = 1 / inf = 0: finite elements become 0 and inf * 0 is NaN, as in torch")


@pytest.mark.contract("error_if_nonfinite: RuntimeError, gradients unchanged")
def test_error_if_nonfinite(impl, device):
    for bad in (float("nan"), float("inf")):
        ps = params([[1.0, bad], [2.0]], device)
        assert_raises(RuntimeError, impl.clip_grad_norm_, ps, 1.0, error_if_nonfinite=True,
                      why=f"a {bad} total norm with error_if_nonfinite=True must raise, as torch does")
        assert_equal(ps[1].grad, f64([2.0]), what="parameters[1].grad after the error",
                     why="the error is raised before any gradient is scaled")
    ps = params([[3.0, 4.0]], device)
    call = Call(impl.clip_grad_norm_, ps, 1.0, error_if_nonfinite=True)
    check_total(call, call.out, 5.0, device, torch.float64, "a finite norm clips as usual")
