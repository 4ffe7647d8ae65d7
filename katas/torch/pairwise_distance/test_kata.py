"""Tests for torch/pairwise_distance. Run: pytest katas/torch/pairwise_distance

Correctness tests read the result leniently: any (n, m) tensor, at the tolerance of the looser of
its dtype and x's, and the y=None diagonal at the same rounding level as every other entry. That the
diagonal is exactly 0 and that the result keeps x's dtype and device are convention tests."""

import pytest
import torch

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_gradient_close, assert_raises, fail, show

DTYPES = [torch.float32, torch.float64]
IDS = ["float32", "float64"]
# |D^2 - exact^2| <= C * (|x_i|^2 + |y_j|^2): the accuracy the expansion can give (see the statement).
C = {torch.float32: 1e-5, torch.float64: 1e-12}
CDIST = torch.cdist  # the oracle, kept before test_does_not_call_cdist takes torch.cdist away


def points(n, d, dtype, device, seed, offset=0.0, scale=1.0):
    gen = torch.Generator().manual_seed(seed)
    return (torch.randn((n, d), generator=gen, dtype=torch.float64) * scale + offset).to(device, dtype)


def exact(x, y=None):
    """torch.cdist in float64 on the CPU, pair by pair (no matrix-product shortcut): the oracle."""
    x = x.detach().double().cpu()
    y = x if y is None else y.detach().double().cpu()
    return CDIST(x, y, compute_mode="donot_use_mm_for_euclid_dist")


def run(impl, x, y=None, **kwargs):
    """Call the candidate, check the result's shape and that it has no NaN or negative value. Its dtype and
    device are the convention test's business."""
    __tracebackhide__ = True
    call = Call(impl.pairwise_distance, x, y, **kwargs) if y is not None else Call(impl.pairwise_distance, x)
    m = len(x) if y is None else len(y)
    assert_array(call.out, kind="tensor", shape=(len(x), m), call=call, what="distances")
    got = call.out.detach()
    if torch.isnan(got).any():
        i, j = (int(v) for v in torch.nonzero(torch.isnan(got))[0])
        fail(f"distance [{i}, {j}] is NaN", call=call, got=show(got),
             why="rounding in ||x||^2 + ||y||^2 - 2 x.y can give a tiny negative squared distance for (nearly) "
                 "identical points, and sqrt of a negative is NaN: clamp the squared distances at 0 first")
    if (got < 0).any():
        fail("negative distances", call=call, got=show(got), why="a distance is a square root: never negative")
    return call


def check_values(call, x, y=None, well_apart=False):
    """Squared distances within C * (|x_i|^2 + |y_j|^2) of cdist's; distances themselves within rtol 1e-5
    for points well apart. With y=None the diagonal is held to the same rounding level here; that it is
    exactly 0 is test_self_diagonal_is_exactly_zero's business."""
    __tracebackhide__ = True
    dtype = torch.float32 if torch.float32 in (x.dtype, call.out.dtype) else x.dtype  # the looser one
    got = call.out.detach().double().cpu()
    expected = exact(x, y)
    xd = x.detach().double().cpu()
    yd = xd if y is None else y.detach().double().cpu()
    scale = (xd * xd).sum(1)[:, None] + (yd * yd).sum(1)[None, :]
    tol = C[dtype] * scale + 1e-28  # a zero distance may come back as a rounding-level 1e-15 (cdist's clamp)
    err = (got**2 - expected**2).abs()
    if (err > tol).any():
        i, j = (int(v) for v in torch.nonzero(err > tol)[0])
        fail(f"{int((err > tol).sum())} of {err.numel()} distances are wrong, first [{i}, {j}]: "
             f"got {got[i, j].item()!r}, expected {expected[i, j].item()!r}",
             call=call, got=show(call.out), expected=show(expected),
             why=f"the squared distance must be within {C[dtype]:g} * (|x_i|^2 + |y_j|^2) = {tol[i, j].item():.3g} "
                 f"of the exact {expected[i, j].item() ** 2:.6g}; the expansion is "
                 "||x_i||^2 + ||y_j||^2 - 2 x_i . y_j (note the 2, and the norms as a column plus a row)")
    if well_apart:
        tols = {torch.float32: (1e-5, 1e-6), torch.float64: (1e-10, 1e-12)}[dtype]
        off = torch.ones_like(expected, dtype=torch.bool)
        if y is None:
            off = ~torch.eye(*expected.shape, dtype=torch.bool)
        assert_close(torch.where(off, got, expected), expected, rtol=tols[0], atol=tols[1], call=call, what="distances",
                     why="for points well apart the expansion loses almost nothing; compare torch.cdist")


def check_diagonal(call):
    __tracebackhide__ = True
    diag = call.out.detach().diagonal()
    if diag.any():
        i = int(torch.nonzero(diag)[0])
        fail(f"with y=None, D[{i}, {i}] = {diag[i].item()!r}, not 0", call=call, got=show(diag),
             why="a point is at distance exactly 0 from itself; the expansion leaves rounding noise there "
                 "(|x|^2 + |x|^2 - 2 x.x is not exactly 0 in floating point), so set the diagonal to 0")


# 1. By hand.

def hand_tol(out):
    return {"rtol": 1e-6, "atol": 1e-6} if out.dtype == torch.float32 else {"rtol": 1e-12, "atol": 1e-12}


def test_by_hand(impl, device):
    x = torch.tensor([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0]], dtype=torch.float64, device=device)
    y = torch.tensor([[0.0, 0.0], [6.0, 8.0]], dtype=torch.float64, device=device)
    call = run(impl, x, y)
    assert_close(call.out, [[0.0, 10.0], [5.0, 5.0], [2**0.5, 74**0.5]], **hand_tol(call.out), call=call,
                 what="distances", why="(3, 4) is 5 from the origin and 5 from (6, 8); (1, 1) to (6, 8): "
                                       "sqrt(5^2 + 7^2) = sqrt(74)")


def test_self_distances_by_hand(impl, device):
    x = torch.tensor([[0.0, 0.0], [3.0, 4.0], [3.0, 4.0]], dtype=torch.float64, device=device)
    call = run(impl, x)
    assert_close(call.out, [[0.0, 5.0, 5.0], [5.0, 0.0, 0.0], [5.0, 0.0, 0.0]], **hand_tol(call.out), call=call,
                 what="distances", why="y=None means y = x: the diagonal is 0, rows 1 and 2 are the same point")


# 2. Against torch.cdist on seeded random inputs.

SIZES = [(0, 3, 2), (3, 0, 2), (1, 1, 1), (5, 7, 3), (40, 30, 16), (4, 5, 0)]


@pytest.mark.parametrize("same", [False, True], ids=["x_y", "y_none"])
@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_matches_cdist(impl, device, dtype, same):
    for k, (n, m, d) in enumerate(SIZES):
        x = points(n, d, dtype, device, seed=k)
        y = None if same else points(m, d, dtype, device, seed=100 + k)
        call = run(impl, x, y)
        check_values(call, x, y, well_apart=True)


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_points_far_from_the_origin(impl, device, dtype):
    # Cancellation: large norms, small distances. Clamp, and keep within the norm-relative accuracy.
    x = points(40, 8, dtype, device, seed=1, offset=10.0, scale=0.5)
    y = points(30, 8, dtype, device, seed=2, offset=10.0, scale=0.5)
    check_values(run(impl, x, y), x, y)


# 3. Zero distances: exact zeros, no NaN, finite gradients.

@pytest.mark.convention("y=None: the diagonal is exactly 0 (cdist: noise)")
def test_self_diagonal_is_exactly_zero(impl, device):
    for dtype in DTYPES:
        x = points(40, 8, dtype, device, seed=3, offset=10.0, scale=3.0)
        check_diagonal(run(impl, x))


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_self_distances_far_from_the_origin(impl, device, dtype):
    x = points(40, 8, dtype, device, seed=3, offset=10.0, scale=3.0)
    check_values(run(impl, x), x)


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_duplicated_points_give_no_nan(impl, device, dtype):
    x = points(40, 8, dtype, device, seed=4, offset=10.0, scale=3.0)
    check_values(run(impl, x, x.clone()), x, x)  # run() fails on any NaN


def test_zero_distance_has_zero_gradient(impl, device):
    # Exactly representable points: the squared distances of rows 0 and 1 come out exactly 0.
    x = torch.tensor([[1.0, 2.0], [1.0, 2.0], [4.0, 6.0]], dtype=torch.float64, device=device, requires_grad=True)
    call = run(impl, x)
    w = torch.zeros(3, 3, dtype=torch.float64, device=device)
    w[0, 0] = w[1, 1] = w[0, 1] = w[1, 0] = 1.0  # only entries whose distance is 0
    if not call.out.requires_grad:
        fail("the distances do not require grad", call=call, why="D must be differentiable with respect to x")
    (w * call.out).sum().backward()
    if x.grad is None or not torch.isfinite(x.grad).all():
        fail("gradient of the zero distances is not finite", call=call, got=show(x.grad),
             why="sqrt has an infinite slope at 0: sqrt'(0) * 0 is NaN in autograd. Take the root only where the "
                 "squared distance is positive (torch.where twice) so that a zero distance gets gradient 0")
    assert_equal(x.grad, torch.zeros(3, 2), call=call, what="gradient of D[0,0] + D[1,1] + D[0,1] + D[1,0]",
                 why="the gradient of a zero distance is 0 with respect to both points, as torch.cdist gives")


@pytest.mark.parametrize("same", [False, True], ids=["y_copy", "y_none"])
@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_gradient_is_finite_at_duplicated_points(impl, device, dtype, same):
    base = points(20, 6, dtype, device, seed=5, offset=5.0, scale=2.0)
    base[10:] = base[:10]  # every point twice
    x = base.clone().requires_grad_(True)
    y = None if same else base.clone().requires_grad_(True)
    call = run(impl, x, y)
    call.out.sum().backward()
    for name, t in (("x", x), ("y", y)):
        if t is None:
            continue
        if t.grad is None or not torch.isfinite(t.grad).all():
            bad = None if t.grad is None else sorted({int(i) for i in torch.nonzero(~torch.isfinite(t.grad))[:, 0]})
            fail(f"gradient of D.sum() with respect to {name} is not finite", call=call,
                 extra={"rows": str(bad)},
                 why="every point appears twice, so some squared distances are 0 (or clamped to 0): their "
                     "gradient must be 0, not sqrt'(0) = inf times 0 = NaN")


# 4. Gradients away from zero.

@pytest.mark.parametrize("same", [False, True], ids=["x_y", "y_none"])
def test_gradient_matches_cdist(impl, device, same):
    x = points(7, 3, torch.float64, device, seed=6, scale=2.0).requires_grad_(True)
    y = None if same else points(5, 3, torch.float64, device, seed=7, scale=2.0).requires_grad_(True)
    w = points(7, 7 if same else 5, torch.float64, "cpu", seed=8)
    call = run(impl, x, y)
    if not call.out.requires_grad:
        fail("the distances do not require grad", call=call, why="D must be differentiable (no .detach(), no numpy)")
    (w.to(device) * call.out).sum().backward()
    xr = x.detach().cpu().requires_grad_(True)
    yr = xr if same else y.detach().cpu().requires_grad_(True)
    (w * torch.cdist(xr, yr, compute_mode="donot_use_mm_for_euclid_dist")).sum().backward()
    why = "the gradient of torch.cdist: d D[i, j] / d x_i = (x_i - y_j) / D[i, j], summed over j with weights w"
    for name, t, r in (("x", x, xr), ("y", y, yr)):
        if t is None:
            continue
        if t.grad is None:
            fail(f"no gradient reached {name}", call=call, why=why)
        assert_array(t.grad, kind="tensor", dtype=torch.float64, shape=tuple(t.shape), device=device, call=call,
                     what=f"{name}.grad")
        assert_gradient_close(t.grad, r.grad, call=call, what=f"gradient of sum(w * D) with respect to {name}",
                              why=why + (" (with y=None, x plays both parts)" if same else ""))


# 5. Properties.

def test_symmetry_and_translation(impl, device):
    x = points(12, 4, torch.float64, device, seed=9)
    y = points(9, 4, torch.float64, device, seed=10)
    base = run(impl, x, y).out
    call = run(impl, y, x)
    assert_close(call.out, base.T, rtol=1e-12, atol=1e-12, call=call, what="D(y, x)",
                 why="swapping the point sets transposes the matrix")
    shift = torch.tensor([3.0, -1.0, 2.0, 0.5], dtype=torch.float64, device=device)
    call = run(impl, x + shift, y + shift)
    assert_close(call.out, base, rtol=1e-10, atol=1e-10, call=call, what="distances after moving both sets",
                 why="distances do not change when every point moves by the same vector")


# Bad input and rules.

@pytest.mark.contract("not (n, d) and (m, d): ValueError")
def test_bad_shapes_raise_value_error(impl, device):
    x = torch.zeros(3, 2, device=device)
    assert_raises(ValueError, impl.pairwise_distance, torch.zeros(3, device=device), why="x must be (n, d)")
    # A batch of point sets: sum(-1) and a transposed matmul would accept it silently (cdist does).
    batch = torch.zeros(2, 3, 2, device=device)
    assert_raises(ValueError, impl.pairwise_distance, batch, torch.zeros(2, 4, 2, device=device),
                  why="x and y must be 2-D: (n, d) and (m, d), not batches")
    assert_raises(ValueError, impl.pairwise_distance, batch, why="x must be 2-D, also with y=None")
    assert_raises(ValueError, impl.pairwise_distance, x, torch.zeros(4, 3, device=device),
                  why="x and y must have the same d")


@pytest.mark.contract("different dtypes: ValueError")
def test_different_dtypes_raise_value_error(impl, device):
    x = torch.zeros(3, 2, device=device)
    assert_raises(ValueError, impl.pairwise_distance, x, torch.zeros(4, 2, dtype=torch.float64, device=device),
                  why="x and y must have the same dtype (casting one silently is not allowed)")


@pytest.mark.convention("the result has x's dtype and device")
def test_result_keeps_dtype_and_device(impl, device):
    for dtype in DTYPES:
        x = points(5, 3, dtype, device, seed=15)
        call = Call(impl.pairwise_distance, x, points(4, 3, dtype, device, seed=16))
        assert_array(call.out, kind="tensor", dtype=dtype, shape=(5, 4), device=x.device, call=call,
                     what="distances")


def test_does_not_call_cdist(impl, device, monkeypatch):
    def banned(*args, **kwargs):
        raise AssertionError("torch.cdist was called: the kata is to compute the distances yourself, "
                             "||x||^2 + ||y||^2 - 2 x y^T")

    monkeypatch.setattr(torch, "cdist", banned)
    monkeypatch.setattr(torch.functional, "cdist", banned)
    x = points(6, 3, torch.float32, device, seed=11)
    y = points(4, 3, torch.float32, device, seed=12)
    check_values(run(impl, x, y), x, y)


# 6. Speed.

@pytest.mark.perf
def test_speed(impl, reference, speed, device):
    # n = 768, d = 128: one reference call takes a few ms on a 2-core CPU; a loop over pairs is
    # hopeless. Broadcasting (x[:, None] - y[None]) builds a 300 MB (n, n, d) tensor, 4x to 12x slower.
    x = points(768, 128, torch.float32, device, seed=13)
    y = points(768, 128, torch.float32, device, seed=14)
    speed(impl.pairwise_distance, reference.pairwise_distance, x, y)
