"""Tests for detection/iou_variants. Run: pytest katas/detection/iou_variants"""

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
    torch_backward,
)

EPS = 1e-7
KINDS = ["giou", "diou", "ciou"]
DTYPES = [torch.float32, torch.float64]
# The statement's promise for both dtypes. Loose enough that where an eps of 1e-7 sits (h + eps or
# max(h, eps), union + eps) changes no value on boxes of ordinary size; test_eps_placement_as_stated
# decides that convention on boxes small enough for it to matter.
TOL = {torch.float64: {"rtol": 1e-5, "atol": 1e-6}, torch.float32: {"rtol": 1e-5, "atol": 1e-6}}


# The closed forms, one pair at a time in float64 (pure Python): the oracle.

def pair_terms(a, b, eps=EPS):
    """iou, union, enclosing width and height, squared centre distance and v of one pair."""
    x1, y1, x2, y2 = a
    X1, Y1, X2, Y2 = b
    w1, h1, w2, h2 = x2 - x1, y2 - y1, X2 - X1, Y2 - Y1
    inter = max(min(x2, X2) - max(x1, X1), 0.0) * max(min(y2, Y2) - max(y1, Y1), 0.0)
    union = w1 * h1 + w2 * h2 - inter
    cw, ch = max(x2, X2) - min(x1, X1), max(y2, Y2) - min(y1, Y1)
    rho2 = ((x1 + x2) / 2 - (X1 + X2) / 2) ** 2 + ((y1 + y2) / 2 - (Y1 + Y2) / 2) ** 2
    v = 4 / math.pi**2 * (math.atan(w2 / (h2 + eps)) - math.atan(w1 / (h1 + eps))) ** 2
    return inter / (union + eps), union, cw, ch, rho2, v


def closed_form(kind, a, b, eps=EPS, alpha=None):
    iou, union, cw, ch, rho2, v = pair_terms(a, b, eps)
    if kind == "giou":
        return iou - (cw * ch - union) / (cw * ch + eps)
    d = iou - rho2 / (cw**2 + ch**2 + eps)
    if kind == "diou":
        return d
    if alpha is None:
        alpha = v / (1 - iou + v + eps)
    return d - alpha * v


def oracle(kind, boxes1, boxes2, alphas=None):
    a, b = np.asarray(boxes1, np.float64).tolist(), np.asarray(boxes2, np.float64).tolist()
    alphas = [None] * len(a) if alphas is None else alphas
    return np.array([closed_form(kind, p, q, alpha=al) for p, q, al in zip(a, b, alphas)], np.float64)


def ciou_alphas(boxes1, boxes2):
    """alpha = v / (1 - iou + v + eps) at the given boxes: held fixed when differentiating, as stated."""
    out = []
    for a, b in zip(np.asarray(boxes1, np.float64).tolist(), np.asarray(boxes2, np.float64).tolist()):
        iou, *_, v = pair_terms(a, b)
        out.append(v / (1 - iou + v + EPS))
    return out


def tensor(x, dtype, device, grad=False):
    return torch.tensor(np.asarray(x, np.float64), dtype=dtype, device=device, requires_grad=grad)


def run(impl, kind, boxes1, boxes2, device, **kwargs):
    """Call the candidate and check that it returns an (N,) tensor (dtype and device: a convention test)."""
    __tracebackhide__ = True
    call = Call(getattr(impl, kind), boxes1, boxes2, **kwargs)
    assert_array(call.out, kind="tensor", shape=(len(boxes1),), call=call, what=f"{kind} values")
    return call


def check(impl, kind, a, b, device, dtype=torch.float64, why=None):
    __tracebackhide__ = True
    call = run(impl, kind, tensor(a, dtype, device), tensor(b, dtype, device), device)
    expected = oracle(kind, np.asarray(a, np.float64).astype(np.float32 if dtype == torch.float32 else np.float64),
                      np.asarray(b, np.float64).astype(np.float32 if dtype == torch.float32 else np.float64))
    assert_close(call.out, expected, **TOL[dtype], call=call, what=f"{kind} values",
                 why=why or f"the {kind.upper()} formula in the statement, row i with row i")
    return call.out


def random_pairs(n, rng, extent=100.0):
    """Aligned pairs: about half overlap (a jittered copy), some nested, the rest anywhere (mostly apart)."""
    xy = rng.uniform(0, extent, (n, 2))
    wh = rng.uniform(2, extent / 4, (n, 2))
    a = np.concatenate([xy, xy + wh], 1)
    kind = rng.integers(0, 3, n)
    jitter = a + rng.uniform(-0.3, 0.3, (n, 4)) * np.tile(wh, 2)
    inner = np.concatenate([xy + wh * 0.2, xy + wh * rng.uniform(0.5, 0.9, (n, 2))], 1)
    xy2, wh2 = rng.uniform(0, extent, (n, 2)), rng.uniform(2, extent / 4, (n, 2))
    anywhere = np.concatenate([xy2, xy2 + wh2], 1)
    b = np.where((kind == 0)[:, None], jitter, np.where((kind == 1)[:, None], inner, anywhere))
    b[:, 2:] = np.maximum(b[:, 2:], b[:, :2] + 0.5)
    return a, b


# 1. By hand.

@pytest.mark.parametrize("kind", KINDS)
def test_identical_boxes_give_one(impl, device, kind):
    box = [[1.0, 2.0, 5.0, 4.0]]
    call = run(impl, kind, tensor(box, torch.float64, device), tensor(box, torch.float64, device), device)
    assert_close(call.out, [1.0], rtol=0, atol=1e-6, call=call, what=kind,
                 why="identical boxes: IoU 1, no empty enclosing area, no centre distance, no aspect difference")


def test_disjoint_boxes_by_hand(impl, device):
    a, b = [[0.0, 0.0, 1.0, 1.0]], [[2.0, 0.0, 3.0, 1.0]]  # apart by 1 along x
    ta, tb = tensor(a, torch.float64, device), tensor(b, torch.float64, device)
    call = run(impl, "giou", ta, tb, device)
    assert_close(call.out, [-1 / 3], call=call, what="giou",
                 why="IoU 0; enclosing box 3 x 1 = 3, union 2: GIoU = 0 - (3 - 2) / 3, divided by the "
                     "enclosing area, not the union")
    for kind in ("diou", "ciou"):
        call = run(impl, kind, ta, tb, device)
        assert_close(call.out, [-0.4], call=call, what=kind,
                     why="IoU 0; centres (0.5, 0.5) and (2.5, 0.5): squared distance 4; enclosing box 3 x 1: "
                         "squared diagonal 10; -4 / 10 (both squared). Same aspect ratio, so CIoU = DIoU")


def test_nested_boxes_by_hand(impl, device):
    outer = [[0.0, 0.0, 4.0, 4.0], [0.0, 0.0, 4.0, 4.0]]
    inner = [[1.0, 1.0, 3.0, 3.0], [0.0, 0.0, 2.0, 2.0]]
    ta, tb = tensor(outer, torch.float64, device), tensor(inner, torch.float64, device)
    expected = {"giou": [0.25, 0.25], "diou": [0.25, 0.25 - 2 / 32], "ciou": [0.25, 0.25 - 2 / 32]}
    for kind in KINDS:
        call = run(impl, kind, ta, tb, device)
        assert_close(call.out, expected[kind], call=call, what=kind,
                     why="IoU 4 / 16; the outer box is the enclosing box (GIoU penalty 0); the second inner box's "
                         "centre (1, 1) is at squared distance 2 from (2, 2), the squared diagonal is 32")


def test_ciou_aspect_ratio_by_hand(impl, device):
    a, b = [[0.0, 0.0, 2.0, 2.0]], [[0.0, 0.0, 4.0, 2.0]]
    iou, d = 0.5, 0.5 - 1 / 20  # inter 4, union 8; centres (1, 1), (2, 1); enclosing 4 x 2
    v = 4 / math.pi**2 * (math.atan(2.0) - math.atan(1.0)) ** 2
    alpha = v / (1 - iou + v)
    call = run(impl, "ciou", tensor(a, torch.float64, device), tensor(b, torch.float64, device), device)
    assert_close(call.out, [d - alpha * v], rtol=1e-6, call=call, what="ciou",
                 why=f"DIoU {d}; v = 4 / pi^2 * (atan(4 / 2) - atan(2 / 2))^2 = {v:.6f} (radians, ratio of each "
                     f"box's own width to height); alpha = v / (1 - IoU + v) = {alpha:.6f}")


# 2. Against the closed forms on seeded random pairs.

@pytest.mark.parametrize("n", [0, 1, 5, 40])
@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("kind", KINDS)
def test_matches_closed_form(impl, device, kind, dtype, n):
    rng = np.random.default_rng(n)
    a, b = random_pairs(n, rng)
    if dtype == torch.float32:
        a, b = a.astype(np.float32), b.astype(np.float32)
    check(impl, kind, a, b, device, dtype)


# 3. Degenerate boxes: finite values and finite gradients.

DEGENERATE = {
    "identical": ([1, 2, 5, 4], [1, 2, 5, 4]),
    "identical_points": ([3, 3, 3, 3], [3, 3, 3, 3]),
    "distinct_points": ([0, 0, 0, 0], [2, 3, 2, 3]),
    "point_in_box": ([2, 2, 2, 2], [0, 0, 4, 4]),
    "zero_height_vs_box": ([0, 1, 4, 1], [0, 0, 4, 4]),
    "zero_width_lines": ([1, 0, 1, 4], [1, 1, 1, 5]),
    "touching": ([0, 0, 1, 1], [1, 0, 2, 1]),
    "concentric": ([0, 0, 4, 4], [1, 1, 3, 3]),
}


# CIoU's atan(w / (h + eps)) of a box of zero height is where implementations put eps differently
# (torchvision's complete_box_iou_loss has none there): those rows belong to the eps convention test.
ZERO_HEIGHT = {"identical_points", "distinct_points", "point_in_box", "zero_height_vs_box"}


def check_degenerate(impl, device, kind, dtype, names):
    __tracebackhide__ = True
    a = np.array([DEGENERATE[k][0] for k in names], np.float64)
    b = np.array([DEGENERATE[k][1] for k in names], np.float64)
    ta, tb = tensor(a, dtype, device, grad=True), tensor(b, dtype, device, grad=True)
    call = run(impl, kind, ta, tb, device)
    assert_close(call.out, oracle(kind, a, b), **TOL[torch.float32], call=call, what=f"{kind} values",
                 why=f"rows: {', '.join(names)}. eps in the denominators keeps 0 / 0 away: identical points "
                     "give 0, identical boxes 1")
    if not call.out.requires_grad:
        fail(f"{kind}() returned a tensor without a gradient", call=call,
             why="the result must be differentiable with respect to the boxes (no numpy, no .detach())")
    call.out.sum().backward()
    for name, t in (("boxes1", ta), ("boxes2", tb)):
        if t.grad is None or not torch.isfinite(t.grad).all():
            rows = [] if t.grad is None else (~torch.isfinite(t.grad)).any(1).nonzero().flatten().tolist()
            fail(f"gradient of sum({kind}) with respect to {name} is not finite",
                 call=call, got=None if t.grad is None else str(t.grad.cpu().numpy().tolist()),
                 extra={"rows": ", ".join(names[r] for r in rows) or "-"},
                 why="every division needs its eps (union, enclosing area or diagonal, h in atan(w / h), "
                     "alpha's denominator), or 0 / 0 becomes NaN in the backward pass")


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("kind", KINDS)
def test_degenerate_boxes_give_finite_values_and_gradients(impl, device, kind, dtype):
    names = [k for k in DEGENERATE if kind != "ciou" or k not in ZERO_HEIGHT]
    check_degenerate(impl, device, kind, dtype, names)


@pytest.mark.convention("eps placement: inter / (union + eps), w / (h + eps)")
def test_eps_placement_as_stated(impl, device):
    # Boxes small enough that eps = 1e-7 is not negligible: the value depends on where eps sits.
    tiny = [[0.0, 0.0, 1e-4, 1e-4]]  # area 1e-8: IoU with itself 1e-8 / (1e-8 + 1e-7) = 1 / 11
    for kind in ("giou", "diou"):
        check(impl, kind, tiny, tiny, device, why="the IoU divides the intersection by the union plus eps: 1e-8 / "
                                                  "1.1e-7 = 0.0909 for a 1e-4 x 1e-4 box with itself (not by "
                                                  "max(union, eps))")
    check(impl, "ciou", [[0.0, 0.0, 1e-7, 1e-7]], [[0.0, 0.0, 2.0, 1.0]], device,
          why="v uses atan(w / (h + eps)): a 1e-7 x 1e-7 box has ratio 1e-7 / 2e-7 = 0.5, not 1")
    # Boxes of zero height: atan(w / (h + eps)) is finite, and so is its gradient.
    for dtype in DTYPES:
        check_degenerate(impl, device, "ciou", dtype, sorted(ZERO_HEIGHT))


def test_eps_argument_is_used(impl, device):
    box = [[0.0, 0.0, 1.0, 1.0]]
    for kind in KINDS:
        t = tensor(box, torch.float64, device)
        call = run(impl, kind, t, t.clone(), device, eps=1.0)
        assert_close(call.out, [0.5], call=call, what=f"{kind}(..., eps=1.0)",
                     why="a unit box with itself: iou = 1 / (1 + eps) = 0.5 with eps=1; no other term (the "
                         "eps argument must replace the default 1e-7, not be ignored)")


@pytest.mark.convention("result: the inputs' dtype and device")
def test_result_has_the_inputs_dtype_and_device(impl, device):
    a, b = random_pairs(3, np.random.default_rng(1))
    for dtype in DTYPES:
        for kind in KINDS:
            call = Call(getattr(impl, kind), tensor(a, dtype, device), tensor(b, dtype, device))
            assert_array(call.out, kind="tensor", dtype=dtype, shape=(3,), device=device, call=call,
                         what=f"{kind} values")


# 6. Gradients.

@pytest.mark.parametrize("kind", KINDS)
def test_gradients_match_closed_form(impl, device, kind):
    rng = np.random.default_rng(11)
    a, b = random_pairs(8, rng, extent=20.0)
    dout = rng.normal(size=8)
    ta, tb = tensor(a, torch.float64, device, grad=True), tensor(b, torch.float64, device, grad=True)
    call = run(impl, kind, ta, tb, device)
    if not call.out.requires_grad:
        fail(f"{kind}() returned a tensor without a gradient", call=call,
             why="the result must be differentiable with respect to the boxes (no numpy, no .detach())")
    torch_backward(call.out, torch.tensor(dout, dtype=torch.float64, device=device))
    alphas = ciou_alphas(a, b) if kind == "ciou" else None  # alpha is a constant for autograd
    why = ("CIoU's alpha is computed under torch.no_grad(): the gradient flows through IoU, the distance term and "
           "v only" if kind == "ciou" else f"autograd of {kind} must equal the derivative of its formula")
    for name, got, expected in (
        ("d/d boxes1", ta.grad, numerical_gradient(lambda x: oracle(kind, x, b, alphas), a, dout)),
        ("d/d boxes2", tb.grad, numerical_gradient(lambda x: oracle(kind, a, x, alphas), b, dout)),
    ):
        if got is None:
            fail(f"{name}: no gradient reached the input", call=call, why=why)
        assert_array(got, kind="tensor", dtype=torch.float64, shape=(8, 4), device=device, call=call, what=name)
        assert_gradient_close(got, expected, call=call, what=name, why=why)


@pytest.mark.parametrize("kind", ["giou", "diou"])
def test_gradcheck(impl, device, kind):
    rng = np.random.default_rng(12)
    a, b = random_pairs(5, rng, extent=20.0)
    ta, tb = tensor(a, torch.float64, device, grad=True), tensor(b, torch.float64, device, grad=True)
    fn = getattr(impl, kind)
    ok = torch.autograd.gradcheck(fn, (ta, tb), eps=1e-6, atol=1e-6, rtol=1e-4, raise_exception=False)
    if not ok:
        fail(f"torch.autograd.gradcheck rejects {kind}: its autograd gradient differs from centered differences "
             "of its own values", call=f"{kind}(boxes1=<5 random float64 boxes>, boxes2=<5 more>)",
             why="a detached term, an in-place edit of a needed tensor, or a custom backward that is off")


# 4. Properties.

@pytest.mark.parametrize("kind", KINDS)
def test_symmetric_and_scale_invariant(impl, device, kind):
    rng = np.random.default_rng(13)
    a, b = random_pairs(12, rng)
    base = check(impl, kind, a, b, device)
    call = run(impl, kind, tensor(b, torch.float64, device), tensor(a, torch.float64, device), device)
    assert_close(call.out, base, **TOL[torch.float64], call=call, what=f"{kind}(boxes2, boxes1)",
                 why=f"{kind.upper()} does not depend on which box is the prediction")
    call = run(impl, kind, tensor(a * 3 + 7, torch.float64, device), tensor(b * 3 + 7, torch.float64, device), device)
    assert_close(call.out, base, **TOL[torch.float64], call=call, what=f"{kind} after scaling and shifting both",
                 why="every term is a ratio of areas or squared lengths, or an angle: scale-free")


@pytest.mark.parametrize("kind", KINDS)
def test_value_rises_as_a_disjoint_box_approaches(impl, device, kind):
    # Plain IoU is 0 for every one of these; the penalties still rank them by closeness.
    a = np.array([[-40.0 + 5 * k, 0.0, -30.0 + 5 * k, 10.0] for k in range(6)])  # ends 30 .. 5 short of b
    b = np.tile([[0.0, 0.0, 10.0, 10.0]], (6, 1))
    out = check(impl, kind, a, b, device).cpu().numpy()
    if not (np.diff(out) > 0).all() or not (out < 0).all():
        fail(f"{kind} must be negative and rise as the box slides towards its target", got=str(out.tolist()),
             why="the penalty shrinks with the empty enclosing area (GIoU) or the centre distance (DIoU, CIoU)")


# Bad input.

@pytest.mark.contract("bad shapes: ValueError")
def test_bad_shapes_raise_value_error(impl, device):
    # Each of these runs through unbind(-1) and broadcasting without an error unless the shapes are checked.
    three, one = torch.ones((3, 4), device=device), torch.ones((1, 4), device=device)
    flat, batched = torch.ones(4, device=device), torch.ones((2, 3, 4), device=device)
    for kind in KINDS:
        fn = getattr(impl, kind)
        assert_raises(ValueError, fn, three, one, why="pairs are aligned: N must match (no broadcasting)")
        assert_raises(ValueError, fn, flat, flat, why="inputs are (N, 4) tensors, not one box")
        assert_raises(ValueError, fn, batched, batched, why="inputs are (N, 4) tensors, not batches")
