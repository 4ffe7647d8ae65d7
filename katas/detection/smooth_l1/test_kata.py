"""Tests for detection/smooth_l1. Run: pytest katas/detection/smooth_l1

Correctness tests read a float64 result at the precision of the dtype that came back and accept
either answer trusted implementations give for the mean of no element (NaN or 0); the float64
output and each documented input check have a test of their own."""

import math

import pytest
import torch
import torch.nn.functional as F

from cvkatas import Call, assert_array, assert_close, assert_gradient_close, assert_raises, fail, torch_backward

DTYPES = [torch.float32, torch.float64]
DTYPE_IDS = ["float32", "float64"]
REDUCTIONS = ["none", "mean", "sum"]
TOL = {torch.float64: {"rtol": 1e-10, "atol": 1e-12}, torch.float32: {"rtol": 1e-5, "atol": 1e-6}}
BETAS = [0.0, 0.11, 1.0, 2.5]  # 0: plain L1; 0.11 (about Detectron's 1/9); torch's default 1; a wide one
DELTAS = [0.11, 1.0, 2.5]

# Differences you can check on paper, and the target they are added to.
D = [-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0]
TARGET = [1.0, -2.0, 0.25, 4.0, 0.0, -1.0, 2.0]


def tensors(d, target, dtype, device, grad=False):
    t = torch.tensor(target, dtype=dtype, device=device)
    x = (t + torch.tensor(d, dtype=dtype, device=device)).detach().requires_grad_(grad)
    return x, t


def random_inputs(shape, seed, dtype, device, scale=2.0):
    """Differences spread over both parts of the curve (|d| from about 0 to 8)."""
    gen = torch.Generator().manual_seed(seed)
    t = torch.randn(shape, generator=gen, dtype=torch.float64)
    x = t + torch.randn(shape, generator=gen, dtype=torch.float64) * scale
    return x.to(device, dtype), t.to(device, dtype)


def f64(x):
    return x.detach().to("cpu", torch.float64)


def torch_loss(kind, x, t, param, reduction):
    """torch's own loss in float64 on the CPU: the oracle."""
    if kind == "smooth_l1_loss":
        return F.smooth_l1_loss(f64(x), f64(t), beta=param, reduction=reduction)
    return F.huber_loss(f64(x), f64(t), delta=param, reduction=reduction)


def torch_grad(kind, x, t, param, reduction="sum", dout=None):
    """d/d input of torch's loss by autograd, float64 on the CPU."""
    x64 = f64(x).requires_grad_(True)
    fn = F.smooth_l1_loss if kind == "smooth_l1_loss" else F.huber_loss
    out = fn(x64, f64(t), reduction=reduction, **{"beta" if kind == "smooth_l1_loss" else "delta": param})
    torch_backward(out, torch.ones_like(out) if dout is None else f64(dout))
    return x64.grad


def run(impl, kind, x, t, device, param, reduction=None):
    """Call the candidate and check the result's type, dtype, device and shape."""
    __tracebackhide__ = True
    name = "delta" if kind == "huber_loss" else "beta"
    kwargs = {name: param} if reduction is None else {name: param, "reduction": reduction}
    call = Call(getattr(impl, kind), x, t, **kwargs)
    shape = tuple(x.shape) if kind == "smooth_l1_grad" or reduction == "none" else ()
    what = kind if reduction is None else f"{kind} (reduction={reduction!r})"
    assert_array(call.out, kind="tensor", shape=shape, device=device, call=call, what=what)
    if call.out.dtype not in (torch.float32, torch.float64) or (x.dtype == torch.float32 and call.out.dtype != x.dtype):
        fail(f"{what}: dtype {call.out.dtype}, expected {x.dtype}", call=call)
    return call


def tol(call):
    """Tolerances for the dtype the candidate computed in (float64 output: test_float64_in_float64_out)."""
    return TOL[call.out.dtype]


def require_grad_fn(call):
    __tracebackhide__ = True
    if not call.out.requires_grad:
        fail(f"{call.name}() returned a tensor without a gradient", call=call,
             why="the loss must be differentiable with respect to `input` (torch operations, no .detach())")


# 1. By hand. d = input - target = [-3, -1, -0.5, 0, 0.5, 1, 3].

BY_HAND = {
    ("smooth_l1_loss", 1.0): [2.5, 0.5, 0.125, 0.0, 0.125, 0.5, 2.5],
    ("smooth_l1_loss", 2.0): [2.0, 0.25, 0.0625, 0.0, 0.0625, 0.25, 2.0],
    ("smooth_l1_loss", 0.5): [2.75, 0.75, 0.25, 0.0, 0.25, 0.75, 2.75],
    ("smooth_l1_loss", 0.0): [3.0, 1.0, 0.5, 0.0, 0.5, 1.0, 3.0],
    ("huber_loss", 1.0): [2.5, 0.5, 0.125, 0.0, 0.125, 0.5, 2.5],
    ("huber_loss", 2.0): [4.0, 0.5, 0.125, 0.0, 0.125, 0.5, 4.0],
    ("huber_loss", 0.5): [1.375, 0.375, 0.125, 0.0, 0.125, 0.375, 1.375],
    ("smooth_l1_grad", 1.0): [-1.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.0],
    ("smooth_l1_grad", 2.0): [-1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0],
    ("smooth_l1_grad", 0.5): [-1.0, -1.0, -1.0, 0.0, 1.0, 1.0, 1.0],
    ("smooth_l1_grad", 0.0): [-1.0, -1.0, -1.0, 0.0, 1.0, 1.0, 1.0],
}
BY_HAND_WHY = {
    "smooth_l1_loss": "0.5 * d^2 / beta where |d| < beta, |d| - beta / 2 elsewhere (beta = 0: |d|)",
    "huber_loss": "0.5 * d^2 where |d| < delta, delta * (|d| - delta / 2) elsewhere: delta times smooth L1",
    "smooth_l1_grad": "d / beta where |d| < beta, sign(d) elsewhere (at |d| = beta both are +-1; sign(0) = 0)",
}


@pytest.mark.parametrize("kind, param", list(BY_HAND), ids=[f"{k}-{p}" for k, p in BY_HAND])
def test_by_hand(impl, device, kind, param):
    x, t = tensors(D, TARGET, torch.float64, device)
    call = run(impl, kind, x, t, device, param, None if kind == "smooth_l1_grad" else "none")
    assert_close(call.out, BY_HAND[(kind, param)], **tol(call), call=call, what=kind,
                 why=f"d = {D}; {BY_HAND_WHY[kind]}")


def test_defaults_beta_1_delta_1_mean(impl, device):
    x, t = tensors(D, TARGET, torch.float64, device)
    for kind, param in (("smooth_l1_loss", 2.0), ("huber_loss", 2.0)):
        call = Call(getattr(impl, kind), x, t, param)
        assert_array(call.out, kind="tensor", shape=(), device=device, call=call, what=kind)
        assert_close(call.out, sum(BY_HAND[(kind, param)]) / len(D), **tol(call), call=call, what=kind,
                     why="reduction defaults to 'mean', as in torch: the mean over all 7 elements")
    for kind in ("smooth_l1_loss", "huber_loss"):
        call = Call(getattr(impl, kind), x, t)
        assert_close(call.out, sum(BY_HAND[(kind, 1.0)]) / len(D), **TOL[torch.float32], call=call, what=kind,
                     why=("beta" if kind == "smooth_l1_loss" else "delta") + " defaults to 1.0 and reduction to "
                         "'mean', as in torch")
    call = Call(impl.smooth_l1_grad, x, t)
    assert_close(call.out, BY_HAND[("smooth_l1_grad", 1.0)], **TOL[torch.float32], call=call, what="smooth_l1_grad",
                 why="beta defaults to 1.0: d inside |d| < 1, sign(d) outside")


# 3. The branch point |d| = beta: both parts give the same value and the same slope.

@pytest.mark.parametrize("beta", [0.25, 0.5, 1.0, 2.0, 3.0])
def test_branch_point(impl, device, beta):
    d = [-beta, beta, -beta, beta]
    x, t = tensors(d, [0.0, 0.0, 1.0, -5.0], torch.float64, device)
    sign = [-1.0, 1.0, -1.0, 1.0]
    for kind, value, slope in (("smooth_l1_loss", beta / 2, 1.0), ("huber_loss", beta**2 / 2, beta)):
        xg = x.clone().requires_grad_(True)
        call = run(impl, kind, xg, t, device, beta, "none")
        assert_close(call.out, [value] * 4, **tol(call), call=call, what=kind,
                     why=f"|d| = {beta} is where the parts meet: 0.5 * d^2 / beta = |d| - beta / 2 = beta / 2"
                         + (" (Huber: times delta)" if kind == "huber_loss" else ""))
        require_grad_fn(call)
        call.out.sum().backward()
        assert_close(xg.grad, [slope * s for s in sign], **tol(call), call=call, what=f"d sum({kind}) / d input",
                     why="the slope at the branch point is sign(d) from both sides"
                         + (" (Huber: delta * sign(d))" if kind == "huber_loss" else ""))
    call = run(impl, "smooth_l1_grad", x, t, device, beta)
    assert_close(call.out, sign, **tol(call), call=call, what="smooth_l1_grad",
                 why="at |d| = beta, d / beta and sign(d) are both +-1")
    near = [beta * (1 - 1e-9), beta * (1 + 1e-9)]  # just inside and just outside: no jump
    x, t = tensors(near, [0.0, 0.0], torch.float64, device)
    call = run(impl, "smooth_l1_loss", x, t, device, beta, "none")
    assert_close(call.out, [beta / 2, beta / 2], rtol=1e-5, call=call, what="smooth_l1_loss",
                 why="the loss is continuous at |d| = beta: just inside and just outside are both about beta / 2")


# 2. Against torch on seeded random inputs.

SHAPES = [(1,), (9,), (5, 4), (2, 3, 4)]  # the empty input: test_empty_input


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_matches_torch(impl, device, dtype, shape):
    x, t = random_inputs(shape, len(shape) * 13 + shape[0], dtype, device)
    for kind, params in (("smooth_l1_loss", BETAS), ("huber_loss", DELTAS)):
        for param in params:
            for reduction in REDUCTIONS:
                call = run(impl, kind, x, t, device, param, reduction)
                name = "delta" if kind == "huber_loss" else "beta"
                assert_close(call.out, torch_loss(kind, x, t, param, reduction), **tol(call), call=call, what=kind,
                             why=f"torch.nn.functional.{kind}(input, target, {name}={param}, reduction={reduction!r})")
    for beta in BETAS:
        call = run(impl, "smooth_l1_grad", x, t, device, beta)
        assert_close(call.out, torch_grad("smooth_l1_loss", x, t, beta), **tol(call), call=call,
                     what="smooth_l1_grad", why=f"autograd of torch's smooth_l1_loss(beta={beta}, reduction='sum')")


# 6. Gradients through autograd.

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kind", ["smooth_l1_loss", "huber_loss"])
def test_autograd_matches_torch(impl, device, kind, reduction):
    x, t = random_inputs((6, 4), 21, torch.float64, device)
    dout = torch.randn(x.shape, generator=torch.Generator().manual_seed(22), dtype=torch.float64)
    dout = dout if reduction == "none" else torch.tensor(0.7, dtype=torch.float64)
    for param in (BETAS if kind == "smooth_l1_loss" else DELTAS):
        xg = x.clone().requires_grad_(True)
        call = run(impl, kind, xg, t, device, param, reduction)
        require_grad_fn(call)
        torch_backward(call.out, dout.to(device))
        assert_array(xg.grad, kind="tensor", shape=tuple(x.shape), device=device, call=call,
                     what="d loss / d input")
        name = "delta" if kind == "huber_loss" else "beta"
        assert_gradient_close(xg.grad, torch_grad(kind, x, t, param, reduction, dout), call=call,
                              what="d loss / d input",
                              why=f"autograd of torch.nn.functional.{kind}({name}={param}, reduction={reduction!r})"
                                  + (": beta = 0 is L1, gradient sign(d), never NaN" if param == 0 else ""))


def test_beta_zero_is_l1_with_finite_gradients(impl, device):
    x, t = random_inputs((4, 5), 23, torch.float64, device)
    x = torch.where(torch.arange(20, device=device).reshape(4, 5) % 4 == 0, t, x)  # some d exactly 0
    xg = x.clone().requires_grad_(True)
    call = run(impl, "smooth_l1_loss", xg, t, device, 0.0, "sum")
    assert_close(call.out, F.l1_loss(f64(x), f64(t), reduction="sum"), **tol(call), call=call,
                 what="smooth_l1_loss", why="beta = 0: the quadratic part is empty, the loss is |d| (L1)")
    require_grad_fn(call)
    call.out.backward()
    sign = torch.sign(f64(x) - f64(t))
    assert_close(xg.grad, sign, rtol=0, atol=0, call=call, what="d sum(loss) / d input",
                 why="beta = 0: the gradient of |d| is sign(d), 0 where d = 0 (as torch's l1_loss). A NaN here "
                     "comes from torch.where evaluating 0.5 * d^2 / beta with beta = 0 in the branch not taken")
    call = run(impl, "smooth_l1_grad", x, t, device, 0.0)
    assert_close(call.out, sign, rtol=0, atol=0, call=call, what="smooth_l1_grad",
                 why="beta = 0: sign(d), and sign(0) = 0; d / beta is 0 / 0 there, so do not divide")


def test_outliers_get_bounded_gradients(impl, device):
    d = [1e4, -1e6, 50.0, -7.0]
    x, t = tensors(d, [0.0, 1.0, -3.0, 2.0], torch.float32, device)
    call = run(impl, "smooth_l1_grad", x, t, device, 0.5)
    assert_close(call.out, [1.0, -1.0, 1.0, -1.0], rtol=0, atol=0, call=call, what="smooth_l1_grad",
                 why="outside |d| < beta the gradient is sign(d): an outlier pulls no harder than an ordinary "
                     "miss. This is why box regression uses smooth L1 rather than L2")
    xg = x.clone().requires_grad_(True)
    call = run(impl, "huber_loss", xg, t, device, 2.0, "sum")
    assert_close(call.out, 2.0 * (sum(abs(v) for v in d) - 4 * 1.0), rtol=1e-6, call=call, what="huber_loss",
                 why="each |d| >= delta = 2 costs delta * (|d| - delta / 2)")
    require_grad_fn(call)
    call.out.backward()
    assert_close(xg.grad, [2.0, -2.0, 2.0, -2.0], rtol=0, atol=0, call=call, what="d sum(huber) / d input",
                 why="Huber's slope outside is delta * sign(d) = +-2 with delta = 2")


# 4. Properties.

def test_symmetry_and_scaling(impl, device):
    x, t = random_inputs((7, 3), 25, torch.float64, device)
    base = run(impl, "smooth_l1_loss", x, t, device, 0.7, "none").out
    call = run(impl, "smooth_l1_loss", t, x, device, 0.7, "none")
    assert_close(call.out, base, **tol(call), call=call, what="smooth_l1_loss(target, input)",
                 why="the loss depends on |input - target| only")
    call = run(impl, "smooth_l1_loss", 3 * x, 3 * t, device, 2.1, "none")
    assert_close(call.out, 3 * base, **tol(call), call=call, what="smooth_l1_loss(3x, 3t, beta=2.1)",
                 why="scaling d and beta by 3 scales both parts of smooth L1 by 3")
    call = run(impl, "huber_loss", x, t, device, 0.7, "none")
    assert_close(call.out, 0.7 * base, **tol(call), call=call, what="huber_loss(delta=0.7)",
                 why="Huber with delta is delta times smooth L1 with beta = delta")


# 5. Empty input, bad input.

def test_empty_input(impl, device):
    x = torch.zeros((0, 4), dtype=torch.float32, device=device)
    for kind in ("smooth_l1_loss", "huber_loss"):
        run(impl, kind, x, x.clone(), device, 1.0, "none")
        call = run(impl, kind, x, x.clone(), device, 1.0, "sum")
        assert_close(call.out, 0.0, call=call, what=f"{kind} summed over no element")
        call = run(impl, kind, x, x.clone(), device, 1.0, "mean")
        value = call.out.item()
        if not (math.isnan(value) or value == 0.0):
            fail(f"{kind} averaged over no element: must be NaN or 0", call=call, got=value,
                 expected="nan (torch) or 0.0 (fvcore, mmdetection)",
                 why="torch's mean of no element is NaN, fvcore's and mmdetection's guarded mean is 0; either "
                     "is accepted")
    run(impl, "smooth_l1_grad", x, x.clone(), device, 1.0)


@pytest.mark.convention("float64 in: float64 out, to 1e-10")
def test_float64_in_float64_out(impl, device):
    x, t = random_inputs((5, 4), 26, torch.float64, device)
    for kind, param in (("smooth_l1_loss", 0.6), ("huber_loss", 1.4)):
        for reduction in REDUCTIONS:
            call = Call(getattr(impl, kind), x, t, param, reduction)
            assert_array(call.out, kind="tensor", dtype=torch.float64, device=device, call=call, what=kind)
            assert_close(call.out, torch_loss(kind, x, t, param, reduction), **TOL[torch.float64], call=call,
                         what=kind, why="float64 input: the loss is float64 and as accurate (no .float() inside)")
    call = Call(impl.smooth_l1_grad, x, t, 0.6)
    assert_array(call.out, kind="tensor", dtype=torch.float64, device=device, call=call, what="smooth_l1_grad")
    assert_close(call.out, torch_grad("smooth_l1_loss", x, t, 0.6), **TOL[torch.float64], call=call,
                 what="smooth_l1_grad", why="float64 input: the gradient is float64 and as accurate")


@pytest.mark.contract("unknown reduction: ValueError")
def test_unknown_reduction_raises_value_error(impl, device):
    x = torch.zeros((2, 4), device=device)
    for kind in ("smooth_l1_loss", "huber_loss"):
        assert_raises(ValueError, getattr(impl, kind), x, x.clone(), 1.0, "avg",
                      why="reduction is 'none', 'mean' or 'sum'; anything else must not silently return a loss")


@pytest.mark.contract("target of another shape: ValueError")
def test_mismatched_shapes_raise_value_error(impl, device):
    x = torch.zeros((2, 4), device=device)
    for kind in ("smooth_l1_loss", "huber_loss", "smooth_l1_grad"):
        assert_raises(ValueError, getattr(impl, kind), x, torch.zeros(4, device=device), 1.0,
                      why="target must have the shape of input: broadcasting (4,) against (2, 4) would hide a bug "
                          "(torch only warns)")


@pytest.mark.contract("beta < 0 or delta <= 0: ValueError")
def test_bad_threshold_raises_value_error(impl, device):
    x = torch.zeros((2, 4), device=device)
    t = torch.ones((2, 4), device=device)
    assert_raises(ValueError, impl.smooth_l1_loss, x, t, -1.0, why="beta must be >= 0")
    assert_raises(ValueError, impl.huber_loss, x, t, -1.0, why="delta must be > 0")
    assert_raises(ValueError, impl.huber_loss, x, t, 0.0, why="delta must be > 0, as torch requires")
    assert_raises(ValueError, impl.smooth_l1_grad, x, t, -0.5, why="beta must be >= 0")
