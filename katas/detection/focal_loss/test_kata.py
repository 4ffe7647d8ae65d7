"""Tests for detection/focal_loss. Run: pytest katas/detection/focal_loss

Correctness tests use alpha values every canonical implementation reads the same way (alpha in
[0, 1]: torchvision, fvcore, yolov5) and read float64 results at the precision of the dtype that
came back; alpha < 0, the float64 output and the input checks each have a test of their own."""

import math

import pytest
import torch
import torch.nn.functional as F

from cvkatas import Call, assert_array, assert_close, assert_gradient_close, assert_raises, fail, torch_backward

DTYPES = [torch.float32, torch.float64]
DTYPE_IDS = ["float32", "float64"]
REDUCTIONS = ["none", "mean", "sum"]
# float64 against the float64 closed form: only rounding differs (1 - p near p = 1 loses digits, hence atol).
TOL = {torch.float64: {"rtol": 1e-10, "atol": 1e-12}, torch.float32: {"rtol": 1e-5, "atol": 1e-6}}
# (alpha, gamma): RetinaNet's defaults, equal weights, plain alpha-BCE, alpha = 0, a strong focus.
# alpha < 0 ("no weighting") is a convention: test_negative_alpha_disables_weighting.
CONFIGS = [(0.25, 2.0), (0.5, 2.0), (0.5, 0.0), (0.0, 1.5), (0.9, 5.0)]


# The oracle: the statement's formulas in float64 on the CPU, with the sigmoid and 1 - sigmoid written
# so that neither loses digits (e = exp(-|x|) <= 1 never overflows).

def closed_form(x, t, alpha=0.25, gamma=2.0, reduction="none"):
    if not x.requires_grad:  # oracle_grad passes a float64 CPU leaf to differentiate
        x = x.to("cpu", torch.float64)
    t = t.detach().to("cpu", torch.float64)
    e = torch.exp(-x.abs())
    p = torch.where(x >= 0, torch.ones_like(e), e) / (1 + e)  # sigmoid(x)
    q = torch.where(x >= 0, e, torch.ones_like(e)) / (1 + e)  # 1 - sigmoid(x), to full precision
    ce = x.clamp(min=0) - x * t + torch.log1p(e)
    one_minus_p_t = q * t + p * (1 - t)  # 1 - (p * t + (1 - p) * (1 - t))
    loss = ce * one_minus_p_t**gamma
    if alpha >= 0:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


def oracle_grad(x, t, alpha, gamma, reduction, dout=None):
    """d/dx of the closed form by autograd, float64 on the CPU."""
    x64 = x.detach().to("cpu", torch.float64).requires_grad_(True)
    out = closed_form(x64, t, alpha, gamma, reduction)
    torch_backward(out, torch.ones_like(out) if dout is None else dout.detach().to("cpu", torch.float64))
    return x64.grad


def random_inputs(shape, seed, dtype, device, scale=4.0):
    """Logits of all sizes; targets mostly hard 0 / 1 (few positives, as in detection), some soft."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=gen, dtype=torch.float64) * scale
    u = torch.rand(shape, generator=gen, dtype=torch.float64)
    t = torch.where(u < 0.2, 1.0, 0.0)
    t = torch.where(u > 0.85, torch.rand(shape, generator=gen, dtype=torch.float64), t)
    return x.to(device, dtype), t.to(device, dtype)


def run(impl, x, t, device, *args, **kwargs):
    """Call the candidate and check the result's type, device, shape and floating dtype. That a
    float64 input gives a float64 result is test_float64_in_float64_out's business."""
    __tracebackhide__ = True
    call = Call(impl.sigmoid_focal_loss, x, t, *args, **kwargs)
    reduction = kwargs.get("reduction", args[2] if len(args) > 2 else "none")
    shape = tuple(x.shape) if reduction == "none" else ()
    what = f"loss (reduction={reduction!r})"
    assert_array(call.out, kind="tensor", shape=shape, device=device, call=call, what=what)
    if call.out.dtype not in (torch.float32, torch.float64) or (x.dtype == torch.float32 and call.out.dtype != x.dtype):
        fail(f"{what}: dtype {call.out.dtype}, expected {x.dtype}", call=call)
    return call


def tol(call):
    """Tolerances for the dtype the candidate computed in."""
    return TOL[call.out.dtype]


def config_text(alpha, gamma, reduction):
    weight = "no alpha weighting (alpha < 0)" if alpha < 0 else f"alpha_t = {alpha} for t = 1, {1 - alpha} for t = 0"
    return f"gamma = {gamma}, {weight}, reduction {reduction!r}"


# 1. By hand.

def test_by_hand(impl, device):
    # p = sigmoid(log 3) = 3/4 and sigmoid(0) = 1/2.
    x = torch.tensor([math.log(3.0), math.log(3.0), 0.0, 0.0], dtype=torch.float64, device=device)
    t = torch.tensor([1.0, 0.0, 1.0, 0.0], dtype=torch.float64, device=device)
    call = run(impl, x, t, device)
    expected = [0.25 * 0.25**2 * -math.log(0.75), 0.75 * 0.75**2 * math.log(4.0),
                0.25 * 0.5**2 * math.log(2.0), 0.75 * 0.5**2 * math.log(2.0)]
    assert_close(call.out, expected, **tol(call), call=call, what="loss",
                 why="p = 3/4. t = 1: p_t = 3/4, weight alpha = 0.25, factor (1/4)^2, ce = -log(3/4). "
                     "t = 0: p_t = 1 - p = 1/4, weight 1 - alpha = 0.75, factor (3/4)^2 (not (1 - p)^2), "
                     "ce = -log(1/4). At x = 0: ce = log 2, factor (1/2)^2")


def test_mean_is_over_all_elements_by_hand(impl, device):
    x = torch.zeros(4, dtype=torch.float64, device=device)
    t = torch.tensor([1.0, 0.0, 0.0, 0.0], dtype=torch.float64, device=device)
    each = [0.25 * 0.25 * math.log(2.0)] + [0.75 * 0.25 * math.log(2.0)] * 3
    call = run(impl, x, t, device, reduction="mean")
    assert_close(call.out, sum(each) / 4, **tol(call), call=call, what="mean loss",
                 why="the mean divides by all 4 elements, not by the 1 positive (RetinaNet's division by the "
                     "number of positives happens outside the loss)")
    call = run(impl, x, t, device, reduction="sum")
    assert_close(call.out, sum(each), **tol(call), call=call, what="summed loss",
                 why="0.25 * 0.25 * log 2 for the positive, 0.75 * 0.25 * log 2 for each negative")


# 2. Against the closed form on seeded random inputs.

@pytest.mark.parametrize("shape", [(1,), (7,), (4, 9), (2, 3, 5)], ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_matches_closed_form(impl, device, dtype, shape):
    x, t = random_inputs(shape, len(shape) * 31 + shape[0], dtype, device)
    for alpha, gamma in CONFIGS:
        for reduction in REDUCTIONS:
            call = run(impl, x, t, device, alpha=alpha, gamma=gamma, reduction=reduction)
            assert_close(call.out, closed_form(x, t, alpha, gamma, reduction), **tol(call), call=call,
                         what="loss", why="the statement's formulas, " + config_text(alpha, gamma, reduction))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gamma_0_and_equal_weights_is_half_bce_with_logits(impl, device, reduction):
    x, t = random_inputs((6, 8), 3, torch.float64, device, scale=6.0)
    call = run(impl, x, t, device, alpha=0.5, gamma=0.0, reduction=reduction)
    assert_close(call.out, 0.5 * F.binary_cross_entropy_with_logits(x, t, reduction=reduction), **tol(call),
                 call=call, what="loss", why="gamma = 0 removes the modulating factor and alpha = 0.5 weights "
                                             "positives and negatives alike by 0.5: half of torch's BCE with logits")


@pytest.mark.parametrize("alpha", [0.25, 0.0, 0.8])
def test_gamma_0_is_alpha_weighted_bce(impl, device, alpha):
    x, t = random_inputs((5, 7), 4, torch.float64, device, scale=6.0)
    weight = alpha * t + (1 - alpha) * (1 - t)
    call = run(impl, x, t, device, alpha=alpha, gamma=0.0, reduction="sum")
    expected = F.binary_cross_entropy_with_logits(x, t, weight=weight, reduction="sum")
    assert_close(call.out, expected, **tol(call), call=call, what="summed loss",
                 why=f"gamma = 0 leaves alpha-balanced BCE: weight {alpha} on positives, {1 - alpha} on negatives "
                     "(alpha_t follows the target; alpha = 0 is a valid weight, not 'off')")


# 3. Extreme logits: finite values, finite gradients.

@pytest.mark.parametrize("alpha, gamma", [(0.25, 2.0), (0.7, 0.0), (0.5, 1.0)])
@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_extreme_logits_are_finite_and_exact(impl, device, dtype, alpha, gamma):
    big = [100.0, -100.0, 1e4, -1e4, 40.0, -40.0]
    x = torch.tensor([v for v in big for _ in range(3)], dtype=dtype, device=device)
    t = torch.tensor([1.0, 0.0, 0.5] * len(big), dtype=dtype, device=device)
    xg = x.clone().requires_grad_(True)
    call = run(impl, xg, t, device, alpha=alpha, gamma=gamma)
    assert_close(call.out, closed_form(x, t, alpha, gamma), **TOL[torch.float32], call=call, what="loss",
                 why="a confident right logit costs 0; a confident wrong one costs about |x| times its weight "
                     "(x = 100, t = 0: (1 - alpha) * 100), never inf or NaN: use a stable BCE, not log(sigmoid(x))")
    if not call.out.requires_grad:
        fail("the loss is not differentiable: it has no grad_fn", call=call,
             why="compute it with torch operations on `logits`, without .detach() or numpy")
    call.out.sum().backward()
    assert_array(xg.grad, kind="tensor", shape=tuple(x.shape), device=device, call=call,
                 what="d sum(loss) / d logits")
    assert_gradient_close(xg.grad, oracle_grad(x, t, alpha, gamma, "sum"), tol=1e-5, call=call,
                          what="d sum(loss) / d logits",
                          why="the derivative of the closed form: finite everywhere (about +-weight for a "
                              "confident wrong logit, 0 for a confident right one)")


# 4. Properties.

def test_easy_examples_are_down_weighted(impl, device):
    # The same positive, classified better and better: BCE shrinks slowly, focal loss much faster.
    x = torch.tensor([-2.0, 0.0, 1.0, 2.0, 4.0], dtype=torch.float64, device=device)
    t = torch.ones(5, dtype=torch.float64, device=device)
    call = run(impl, x, t, device, alpha=0.5, gamma=2.0)
    ratio = (call.out / F.binary_cross_entropy_with_logits(x, t, reduction="none")).cpu()
    expected = 0.5 * (1 - torch.sigmoid(x.cpu())) ** 2
    assert_close(ratio, expected, rtol=1e-5, call=call, what="focal loss / BCE",
                 why="the focal loss of each element is its BCE times (1 - p_t)^gamma: near 1 for a hard "
                         "example, near 0 for an easy one (times alpha = 0.5)")
    previous = None
    for gamma in (0.0, 0.5, 1.0, 2.0, 5.0):
        call = run(impl, x, t, device, alpha=0.25, gamma=gamma, reduction="sum")
        if previous is not None and not call.out.item() < previous:
            fail("the summed loss must fall as gamma grows", call=call, got=call.out.item(),
                 expected=f"less than {previous} (the sum at the previous, smaller gamma)",
                 why="every (1 - p_t) lies in (0, 1), so raising it to a larger power shrinks it")
        previous = call.out.item()


# 6. Gradients.

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("alpha, gamma", [(0.25, 2.0), (0.6, 1.5), (0.0, 3.0)])
def test_gradient_matches_closed_form(impl, device, alpha, gamma, reduction):
    x, t = random_inputs((6, 5), 5, torch.float64, device)
    xg = x.clone().requires_grad_(True)
    call = run(impl, xg, t, device, alpha=alpha, gamma=gamma, reduction=reduction)
    if not call.out.requires_grad:
        fail("the loss is not differentiable: it has no grad_fn", call=call,
             why="compute it with torch operations on `logits`, without .detach() or numpy")
    dout = torch.randn(x.shape, generator=torch.Generator().manual_seed(6), dtype=torch.float64)
    dout = dout if reduction == "none" else torch.tensor(1.7, dtype=torch.float64)
    torch_backward(call.out, dout.to(device))
    assert_array(xg.grad, kind="tensor", shape=tuple(x.shape), device=device, call=call,
                 what="d loss / d logits")
    assert_gradient_close(xg.grad, oracle_grad(x, t, alpha, gamma, reduction, dout), call=call,
                          what="d loss / d logits",
                          why="autograd of the closed form; the modulating factor (1 - p_t)^gamma depends on the "
                              "logits too and must not be detached: " + config_text(alpha, gamma, reduction))


# 5. Empty input, output form, bad input.

def test_empty_input(impl, device):
    x = torch.zeros((0, 3), dtype=torch.float32, device=device)
    run(impl, x, x.clone(), device)  # reduction "none": an empty (0, 3) tensor
    call = run(impl, x, x.clone(), device, reduction="sum")
    assert_close(call.out, 0.0, call=call, what="sum over no element")
    call = run(impl, x, x.clone(), device, reduction="mean")
    value = call.out.item()
    if not (math.isnan(value) or value == 0.0):
        fail("mean over no element: must be NaN or 0", call=call, got=value, expected="nan (torch.mean) or 0.0",
             why="torch.mean, torchvision and fvcore give NaN; a guarded mean gives 0; either is accepted")


@pytest.mark.convention("alpha < 0: no weighting (torchvision, fvcore)")
def test_negative_alpha_disables_weighting(impl, device):
    # p = sigmoid(log 3) = 3/4; soft target 0.5 too. alpha = -1 must mean "no alpha_t at all".
    x = torch.tensor([math.log(3.0), math.log(3.0), 0.0, 2.0], dtype=torch.float64, device=device)
    t = torch.tensor([1.0, 0.0, 1.0, 0.5], dtype=torch.float64, device=device)
    for alpha, gamma in ((-1.0, 2.0), (-0.5, 1.0)):
        call = run(impl, x, t, device, alpha=alpha, gamma=gamma)
        assert_close(call.out, closed_form(x, t, alpha, gamma), **tol(call), call=call, what="loss",
                     why=f"alpha = {alpha} < 0 disables the class weighting (torchvision, fvcore): the loss is "
                         "ce * (1 - p_t)^gamma, not weighted by alpha for positives and 1 - alpha for negatives")
    call = run(impl, x, t, device, alpha=-1.0, gamma=0.0, reduction="sum")
    assert_close(call.out, F.binary_cross_entropy_with_logits(x, t, reduction="sum"), **tol(call), call=call,
                 what="summed loss", why="gamma = 0 and alpha < 0 leave exactly BCE with logits")


@pytest.mark.convention("float64 in: float64 out, to 1e-10")
def test_float64_in_float64_out(impl, device):
    x, t = random_inputs((4, 6), 9, torch.float64, device, scale=5.0)
    for reduction in REDUCTIONS:
        call = Call(impl.sigmoid_focal_loss, x, t, reduction=reduction)
        assert_array(call.out, kind="tensor", dtype=torch.float64, device=device, call=call,
                     what=f"loss (reduction={reduction!r})")
        assert_close(call.out, closed_form(x, t, reduction=reduction), **TOL[torch.float64], call=call,
                     what="loss", why="float64 logits: the loss is float64 and as accurate (no .float() inside)")


@pytest.mark.contract("unknown reduction: ValueError")
def test_unknown_reduction_raises_value_error(impl, device):
    x = torch.zeros((2, 3), device=device)
    for bad in ("avg", "elementwise_mean"):
        assert_raises(ValueError, impl.sigmoid_focal_loss, x, x.clone(), reduction=bad,
                      why="reduction is 'none', 'mean' or 'sum'; anything else must not silently return a loss")


@pytest.mark.contract("targets of another shape: ValueError")
def test_mismatched_shapes_raise_value_error(impl, device):
    x = torch.zeros((2, 3), device=device)
    fn = impl.sigmoid_focal_loss
    assert_raises(ValueError, fn, x, torch.zeros(3, device=device),
                  why="targets must have the shape of logits: broadcasting (3,) against (2, 3) would hide a bug")
    assert_raises(ValueError, fn, x, torch.zeros((1, 3), device=device), reduction="sum",
                  why="targets must have the shape of logits: no broadcasting of (1, 3) against (2, 3)")


# An extra oracle where torchvision is installed.

@pytest.mark.parametrize("dtype", DTYPES, ids=DTYPE_IDS)
def test_matches_torchvision(impl, device, dtype):
    tv = pytest.importorskip("torchvision")
    x, t = random_inputs((8, 6), 8, dtype, device, scale=5.0)
    for alpha, gamma in CONFIGS:
        for reduction in REDUCTIONS:
            call = run(impl, x, t, device, alpha=alpha, gamma=gamma, reduction=reduction)
            expected = tv.ops.sigmoid_focal_loss(x, t, alpha=alpha, gamma=gamma, reduction=reduction)
            assert_close(call.out, expected, **TOL[torch.float32], call=call, what="loss",
                         why="torchvision.ops.sigmoid_focal_loss, " + config_text(alpha, gamma, reduction))

