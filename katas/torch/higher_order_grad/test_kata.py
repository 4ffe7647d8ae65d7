"""Tests for torch/higher_order_grad. Run: pytest katas/torch/higher_order_grad

An answer built on torch.autograd.functional or torch.func computes the same numbers: it passes every
correctness test and fails only the convention test that asks for the two torch.autograd.grad calls."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cvkatas import Call, assert_array, assert_equal, assert_gradient_close, assert_raises, fail, show

DTYPES = [torch.float32, torch.float64]
IDS = ["float32", "float64"]
# Relative error (max |got - expected| / max(|got| + |expected|)). Autograd's second derivatives are exact
# up to rounding, so float64 is held to 1e-9, which is far above float64 rounding and far below what
# finite differences reach; float32 to 1e-5, a hundred times its rounding.
TOL = {torch.float64: 1e-9, torch.float32: 1e-5}


class Fn:
    """A test function that shows as its formula in failure messages."""

    def __init__(self, text, fn):
        self.text, self.fn = text, fn

    def __call__(self, t):
        return self.fn(t)

    def __repr__(self):
        return self.text


# Elementwise functions and their second derivatives, written out by hand.
ELEMENTWISE = {
    "cube": (Fn("lambda t: t ** 3", lambda t: t**3), lambda t: 6 * t),
    "sin3": (Fn("lambda t: torch.sin(3 * t)", lambda t: torch.sin(3 * t)), lambda t: -9 * torch.sin(3 * t)),
    "tanh": (Fn("torch.tanh", torch.tanh), lambda t: -2 * torch.tanh(t) * (1 - torch.tanh(t) ** 2)),
    "gauss": (Fn("lambda t: t * torch.exp(-t ** 2 / 2)", lambda t: t * torch.exp(-(t**2) / 2)),
              lambda t: (t**3 - 3 * t) * torch.exp(-(t**2) / 2)),
    "log1p_sq": (Fn("lambda t: torch.log1p(t ** 2)", lambda t: torch.log1p(t**2)),
                 lambda t: 2 * (1 - t**2) / (1 + t**2) ** 2),
    "softplus": (Fn("F.softplus", F.softplus), lambda t: torch.sigmoid(t) * (1 - torch.sigmoid(t))),
}


def constants(n, seed):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn((n, n), generator=gen, dtype=torch.float64), torch.randn((3, n), generator=gen,
                                                                              dtype=torch.float64)


def scalar_functions(n, seed=0):
    """Scalar functions of a tensor with n elements, with H v written out by hand (flattened x and v)."""
    A, W = constants(n, seed)

    def quad(t):
        z = t.reshape(-1)
        return z @ A.to(t) @ z

    def lse(t):
        return torch.logsumexp(W.to(t) @ t.reshape(-1), 0)

    def lse_hv(x, v):
        p = torch.softmax(W @ x, 0)
        wv = W @ v
        return W.T @ (p * wv - p * (p @ wv))

    return {
        "sum_cubes": (Fn("lambda t: (t ** 3).sum()", lambda t: (t**3).sum()), lambda x, v: 6 * x * v),
        "quadratic": (Fn("lambda t: t.flatten() @ A @ t.flatten()  (A not symmetric)", quad),
                      lambda x, v: (A + A.T) @ v),
        "sum_sin": (Fn("lambda t: torch.sin(t).sum()", lambda t: torch.sin(t).sum()), lambda x, v: -torch.sin(x) * v),
        "norm4": (Fn("lambda t: (t * t).sum() ** 2", lambda t: (t * t).sum() ** 2),
                  lambda x, v: 4 * (x @ x) * v + 8 * x * (x @ v)),
        "logsumexp": (Fn("lambda t: torch.logsumexp(W @ t.flatten(), 0)", lse), lse_hv),
    }


def randn(shape, dtype, device, seed, scale=1.0):
    gen = torch.Generator().manual_seed(seed)
    return (torch.randn(shape, generator=gen, dtype=torch.float64) * scale).to(device, dtype)


def check(call, x, expected, what, why):
    """Form of the result (tensor, x's dtype, shape and device, detached), then its values."""
    __tracebackhide__ = True
    assert_array(call.out, kind="tensor", dtype=x.dtype, shape=tuple(x.shape), device=x.device, call=call, what=what)
    if call.out.requires_grad or call.out.grad_fn is not None:
        fail(f"{what}: the result is still attached to an autograd graph (requires_grad=True)", call=call,
             why="return a detached tensor: a kept graph holds on to memory and lets later backward passes "
                 "run through this computation")
    if call.out.numel() and not call.out.any() and torch.as_tensor(expected).any():
        why += ("; an all-zero result usually means the first gradient had no graph behind it: "
                "torch.autograd.grad(..., create_graph=True)")
    assert_gradient_close(call.out, expected, tol=TOL[x.dtype], call=call, what=what, why=why)


def second(impl, f, x):
    return Call(impl.second_derivative, f, x)


def hvp(impl, f, x, v):
    return Call(impl.hessian_vector_product, f, x, v)


# 1. By hand.

BY_HAND = {
    "cube": (Fn("lambda t: t ** 3", lambda t: t**3), [-2.0, -0.5, 0.0, 1.0, 3.0], [-12.0, -3.0, 0.0, 6.0, 18.0],
             "(t^3)'' = 6t"),
    "sin": (Fn("torch.sin", torch.sin), [0.0, math.pi / 2, 1.0], [0.0, -1.0, -math.sin(1.0)], "sin'' = -sin"),
    "exp2": (Fn("lambda t: torch.exp(2 * t)", lambda t: torch.exp(2 * t)), [0.0, 1.0], [4.0, 4 * math.exp(2.0)],
             "(e^(2t))'' = 4 e^(2t)"),
}


@pytest.mark.parametrize("case", sorted(BY_HAND))
def test_second_derivative_by_hand(impl, device, case):
    f, xs, expected, why = BY_HAND[case]
    x = torch.tensor(xs, dtype=torch.float64, device=device)
    check(second(impl, f, x), x, torch.tensor(expected, dtype=torch.float64), "second derivative", why)


def test_hessian_vector_product_by_hand(impl, device):
    x = torch.tensor([1.0, 2.0, -1.0], dtype=torch.float64, device=device)
    v = torch.tensor([1.0, 0.0, 2.0], dtype=torch.float64, device=device)
    f = Fn("lambda t: (t ** 3).sum()", lambda t: (t**3).sum())
    check(hvp(impl, f, x, v), x, torch.tensor([6.0, 0.0, -12.0], dtype=torch.float64), "H v",
          "H = diag(6 x) = diag(6, 12, -6), so H v = (6, 0, -12)")
    A = torch.tensor([[1.0, 2.0], [0.0, 3.0]], dtype=torch.float64, device=device)
    x = torch.tensor([0.5, -1.0], dtype=torch.float64, device=device)
    v = torch.ones(2, dtype=torch.float64, device=device)
    check(hvp(impl, Fn("lambda t: t @ A @ t, A = [[1, 2], [0, 3]]", lambda t: t @ A @ t), x, v), x,
          torch.tensor([4.0, 8.0], dtype=torch.float64), "H v",
          "the Hessian of x^T A x is A + A^T = [[2, 2], [2, 6]] (not 2A: A is not symmetric); times (1, 1)")


# 2. Against closed forms and torch.autograd.functional on seeded random inputs.

@pytest.mark.parametrize("shape", [(), (0,), (1,), (7,), (2, 3)], ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_second_derivative_matches_closed_forms(impl, device, dtype, shape):
    x = randn(shape, dtype, device, seed=len(shape), scale=1.5)
    for name, (f, d2) in ELEMENTWISE.items():
        expected = d2(x.double().cpu())
        check(second(impl, f, x), x, expected, f"second derivative of {name}",
              f"the second derivative of {f!r}, written out by hand, evaluated in float64")


def test_second_derivative_matches_autograd_hessian(impl, device):
    x = randn((6,), torch.float64, device, seed=3)
    f = Fn("lambda t: torch.sin(3 * t) * t ** 2", lambda t: torch.sin(3 * t) * t**2)
    expected = torch.autograd.functional.hessian(lambda t: f(t).sum(), x.cpu()).diagonal()
    check(second(impl, f, x), x, expected, "second derivative",
          "the diagonal of torch.autograd.functional.hessian of f(x).sum(): f is elementwise, so its Hessian is "
          "diagonal")


@pytest.mark.parametrize("shape", [(), (1,), (6,), (2, 3)], ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_hessian_vector_product_matches_closed_forms(impl, device, dtype, shape):
    x = randn(shape, dtype, device, seed=10 + len(shape))
    v = randn(shape, dtype, device, seed=20 + len(shape))
    xf, vf = x.double().cpu().reshape(-1), v.double().cpu().reshape(-1)
    for name, (f, hv) in scalar_functions(max(1, x.numel()), seed=len(shape)).items():
        expected = hv(xf, vf).reshape(shape)
        check(hvp(impl, f, x, v), x, expected, f"H v for {name}",
              f"H v for f = {f!r}, the Hessian written out by hand, in float64")


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_hessian_vector_product_matches_autograd_functional(impl, device, dtype):
    layer = nn.Linear(6, 5).double()
    x = randn((2, 3), dtype, device, seed=5)
    v = randn((2, 3), dtype, device, seed=6)
    net = nn.Linear(6, 5).to(device, dtype)
    net.load_state_dict(layer.state_dict())
    f = Fn("lambda t: (torch.tanh(net(t.flatten())) ** 2).sum()  (net = nn.Linear(6, 5))",
           lambda t: (torch.tanh(net(t.flatten())) ** 2).sum())
    _, expected = torch.autograd.functional.hvp(lambda t: (torch.tanh(layer(t.flatten())) ** 2).sum(),
                                                x.double().cpu(), v.double().cpu())
    check(hvp(impl, f, x, v), x, expected, "H v", "torch.autograd.functional.hvp of the same function, in float64")


# 3. Edge cases.

def test_linear_functions_give_exact_zero(impl, device):
    x = randn((5,), torch.float64, device, seed=7)
    call = second(impl, Fn("lambda t: 3 * t + 1", lambda t: 3 * t + 1), x)
    assert_array(call.out, kind="tensor", dtype=torch.float64, shape=(5,), device=device, call=call)
    assert_equal(call.out, torch.zeros(5), call=call, what="second derivative of a linear function",
                 why="f' = 3 does not depend on x, so f'' is exactly 0 (no error, no rounding noise): the first "
                     "gradient has no graph to differentiate")
    call = second(impl, Fn("torch.relu", torch.relu), x)
    assert_equal(call.out, torch.zeros(5), call=call, what="second derivative of relu",
                 why="relu is piecewise linear: autograd's second derivative is 0 everywhere")
    w = randn((5,), torch.float64, device, seed=8)
    call = hvp(impl, Fn("lambda t: (w * t).sum() + 2", lambda t: (w * t).sum() + 2), x, w)
    assert_equal(call.out, torch.zeros(5), call=call, what="H v of a linear function",
                 why="a linear function has a zero Hessian")


def test_hessian_vector_product_is_linear_and_symmetric(impl, device):
    f, _ = scalar_functions(6, seed=9)["logsumexp"]
    x, v1, v2 = (randn((6,), torch.float64, device, seed=s) for s in (30, 31, 32))
    h1, h2 = hvp(impl, f, x, v1).out, hvp(impl, f, x, v2).out
    call = hvp(impl, f, x, 2 * v1 - 3 * v2)
    check(call, x, (2 * h1 - 3 * h2).cpu(), "H (2 v1 - 3 v2)", "H v is linear in v: H (2 v1 - 3 v2) = 2 H v1 - 3 H v2")
    a, b = float(v2 @ h1), float(v1 @ h2)
    if not abs(a - b) <= 1e-9 * (abs(a) + abs(b)):
        fail("v2 . (H v1) and v1 . (H v2) differ", call=call, got=f"{a!r} and {b!r}",
             why="a Hessian is symmetric, so both are v1^T H v2")


# 4. The caller's state: x, its flag and .grad, parameters inside f, grad mode.

@pytest.mark.parametrize("which", ["second_derivative", "hessian_vector_product"])
def test_plain_tensor_input_stays_plain(impl, device, which):
    x = randn((4,), torch.float64, device, seed=11)
    f, expected = (ELEMENTWISE["sin3"][0], -9 * torch.sin(3 * x.cpu())) if which == "second_derivative" else \
        (Fn("lambda t: torch.sin(3 * t).sum()", lambda t: torch.sin(3 * t).sum()), -9 * torch.sin(3 * x.cpu()))
    call = second(impl, f, x) if which == "second_derivative" else hvp(impl, f, x, torch.ones_like(x))
    if x.requires_grad or x.grad is not None:
        fail(f"{which} changed a plain input: now requires_grad={x.requires_grad}, grad={show(x.grad)}", call=call,
             why="x arrived with requires_grad=False; make a fresh leaf (x.detach().requires_grad_(True)) instead "
                 "of flipping the caller's tensor")
    check(call, x, expected, "result for a tensor that does not require grad",
          "x need not require grad: the function makes its own leaf to differentiate")


@pytest.mark.parametrize("old_grad", [None, 7.0], ids=["grad_none", "grad_set"])
@pytest.mark.parametrize("which", ["second_derivative", "hessian_vector_product"])
def test_caller_grad_is_untouched(impl, device, which, old_grad):
    x = randn((4,), torch.float64, device, seed=12).requires_grad_(True)
    if old_grad is not None:
        x.grad = torch.full_like(x, old_grad)
    f, _ = ELEMENTWISE["cube"]
    if which == "second_derivative":
        call = second(impl, f, x)
    else:
        call = hvp(impl, Fn("lambda t: (t ** 3).sum()", lambda t: (t**3).sum()), x, torch.ones_like(x))
    if old_grad is None and x.grad is not None or old_grad is not None and not torch.equal(
            x.grad, torch.full_like(x, old_grad)):
        fail(f"{which} changed x.grad", call=call, got=show(x.grad),
             expected="None" if old_grad is None else f"x.grad as it was, all {old_grad}",
             why="use torch.autograd.grad, which returns gradients, not .backward(), which accumulates into .grad "
                 "of the caller's tensors (and would corrupt a training step in progress)")
    if not x.requires_grad:
        fail("x no longer requires grad", call=call, why="leave the caller's flags alone")
    check(call, x, 6 * x.detach().cpu(), "result", "(t^3)'' = 6t")


def test_non_leaf_input_and_parameters_inside_f(impl, device):
    torch.manual_seed(13)
    net = nn.Linear(4, 4).to(device, torch.float64)
    a = randn((4,), torch.float64, device, seed=14).requires_grad_(True)
    x = a * 2  # part of the caller's graph
    f = Fn("lambda t: (torch.tanh(net(t)) ** 2).sum()  (net = nn.Linear(4, 4))",
           lambda t: (torch.tanh(net(t)) ** 2).sum())
    v = randn((4,), torch.float64, device, seed=15)
    call = hvp(impl, f, x, v)
    _, expected = torch.autograd.functional.hvp(f, x.detach(), v)
    check(call, x, expected.cpu(), "H v", "torch.autograd.functional.hvp of the same function")
    leaked = {name: p.grad for name, p in [("a", a), *[(f"net.{k}", p) for k, p in net.named_parameters()]]
              if p.grad is not None}
    if leaked:
        fail(f"hessian_vector_product left gradients in {', '.join(leaked)}", call=call,
             why="only torch.autograd.grad(..., inputs=<your leaf>) keeps other tensors' .grad untouched; "
                 ".backward() accumulates into every leaf that requires grad, the model's weights included")


@pytest.mark.parametrize("which", ["second_derivative", "hessian_vector_product"])
def test_result_is_detached(impl, device, which):
    x = randn((3,), torch.float64, device, seed=16).requires_grad_(True)
    v = randn((3,), torch.float64, device, seed=17).requires_grad_(True)
    if which == "second_derivative":
        call, expected = second(impl, ELEMENTWISE["tanh"][0], x), ELEMENTWISE["tanh"][1](x.detach().cpu())
    else:
        call, expected = hvp(impl, Fn("lambda t: torch.sin(t).sum()", lambda t: torch.sin(t).sum()), x, v), \
            -torch.sin(x.detach().cpu()) * v.detach().cpu()
    check(call, x, expected, "result", "a plain number per element, with no graph behind it")


@pytest.mark.parametrize("which", ["second_derivative", "hessian_vector_product"])
def test_works_under_no_grad(impl, device, which):
    x = randn((5,), torch.float32, device, seed=18)
    with torch.no_grad():
        if which == "second_derivative":
            call = second(impl, ELEMENTWISE["gauss"][0], x)
        else:
            call = hvp(impl, Fn("lambda t: (t * t).sum() ** 2", lambda t: (t * t).sum() ** 2), x, x)
    xd = x.double().cpu()
    expected = ELEMENTWISE["gauss"][1](xd) if which == "second_derivative" else 12 * (xd @ xd) * xd
    check(call, x, expected, "result when called inside torch.no_grad()",
          "evaluation code often runs under torch.no_grad(); switch autograd back on with torch.enable_grad()")


@pytest.mark.contract("second_derivative: f(x) not x's shape: ValueError")
def test_second_derivative_rejects_non_elementwise_f(impl, device):
    x = torch.ones(3, device=device)
    # without the check, f = sum is linear and the answer would silently be zeros
    assert_raises(ValueError, impl.second_derivative, Fn("lambda t: t.sum()", lambda t: t.sum()), x,
                  why="f must be elementwise: f(x) has the shape of x")


@pytest.mark.contract("hessian_vector_product: f(x) not one number: ValueError")
def test_hessian_vector_product_rejects_non_scalar_f(impl, device):
    x = torch.ones(3, device=device)
    # without the check, summing f(x) = 2 t would silently give H v = 0
    assert_raises(ValueError, impl.hessian_vector_product, Fn("lambda t: t * 2", lambda t: t * 2), x, x,
                  why="f must return one number")


@pytest.mark.contract("hessian_vector_product: v not x's shape: ValueError")
def test_hessian_vector_product_rejects_v_of_another_shape(impl, device):
    x = torch.ones(3, device=device)
    # v of shape (1,) broadcasts against grad f(x) silently
    assert_raises(ValueError, impl.hessian_vector_product, Fn("lambda t: (t ** 3).sum()", lambda t: (t**3).sum()),
                  x, torch.ones(1, device=device), why="v must have the shape of x")


class Forbidden(AssertionError):
    pass


@pytest.mark.convention("two torch.autograd.grad calls, not autograd.functional")
def test_does_not_use_autograd_functional(impl, device, monkeypatch):
    import torch.autograd.functional as functional
    import torch.func

    def banned(name):
        def fn(*args, **kwargs):
            raise Forbidden(f"{name} was called: the kata asks for two torch.autograd.grad calls of your own "
                            "(first with create_graph=True), not for torch.autograd.functional or torch.func")
        return fn

    for name in ("hessian", "hvp", "vhp", "jacobian", "jvp", "vjp"):
        monkeypatch.setattr(functional, name, banned(f"torch.autograd.functional.{name}"))
    for name in ("hessian", "grad", "grad_and_value", "jacrev", "jacfwd", "vjp", "jvp"):
        monkeypatch.setattr(torch.func, name, banned(f"torch.func.{name}"))
    x = randn((4,), torch.float64, device, seed=19)
    check(second(impl, ELEMENTWISE["log1p_sq"][0], x), x, ELEMENTWISE["log1p_sq"][1](x.cpu()), "second derivative",
          "written out by hand")
    f, hv = scalar_functions(4, seed=20)["norm4"]
    check(hvp(impl, f, x, x), x, hv(x.cpu(), x.cpu()), "H v", "written out by hand")
