"""Tests for torch/patch_embed. Run: pytest katas/torch/patch_embed

The oracles are a brute-force loop over the patch grid written here and torch's F.conv2d with
stride P (and its autograd). Correctness tests of patchify / unpatchify accept either flattening
inside a patch, channel-first (this kata) or channel-last (MAE): that choice is one convention test;
the token order, the grid and the round trip are checked whatever the choice."""

import pytest
import torch
import torch.nn.functional as F

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, fail, torch_backward


def brute_patches(x, ph, pw, channel_last=False):
    """Loop over the grid row by row; each patch flattened (C, ph, pw), or (ph, pw, C) for MAE's layout."""
    n, c, h, w = x.shape
    rows = []
    for i in range(h // ph):
        for j in range(w // pw):
            patch = x[:, :, i * ph:(i + 1) * ph, j * pw:(j + 1) * pw]
            rows.append((patch.permute(0, 2, 3, 1) if channel_last else patch).reshape(n, c * ph * pw))
    return torch.stack(rows, 1) if rows else x.new_zeros(n, 0, c * ph * pw)


def brute_image(patches, ph, pw, h, w, channel_last=False):
    n, _, k = patches.shape
    c = k // (ph * pw)
    x = patches.new_zeros(n, c, h, w)
    for l in range(patches.shape[1]):
        i, j = divmod(l, w // pw)
        p = patches[:, l].reshape((n, ph, pw, c) if channel_last else (n, c, ph, pw))
        x[:, :, i * ph:(i + 1) * ph, j * pw:(j + 1) * pw] = p.permute(0, 3, 1, 2) if channel_last else p
    return x


def rand(shape, device, dtype, seed):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=gen, dtype=torch.float64).to(device, dtype)


def check_patches(call, x, ph, pw):
    __tracebackhide__ = True
    n, c, h, w = x.shape
    shape = (n, (h // ph) * (w // pw), c * ph * pw)
    assert_array(call.out, kind="tensor", dtype=x.dtype, shape=shape, device=x.device, call=call, what="patches")
    if torch.equal(call.out, brute_patches(x, ph, pw, channel_last=True)):
        return  # MAE's layout inside a patch: the convention test says which one the kata asks for
    assert_equal(call.out, brute_patches(x, ph, pw), call=call, what="patches",
                 why=f"token l = i * {w // pw} + j is the {ph}x{pw} patch in grid row i, column j (row-major); "
                     "inside it, x[c, i*ph + u, j*pw + v] goes to position (c * ph + u) * pw + v")


def check_image(call, patches, ph, pw, h, w):
    __tracebackhide__ = True
    n, _, k = patches.shape
    assert_array(call.out, kind="tensor", dtype=patches.dtype, shape=(n, k // (ph * pw), h, w),
                 device=patches.device, call=call, what="image")
    if torch.equal(call.out, brute_image(patches, ph, pw, h, w, channel_last=True)):
        return
    assert_equal(call.out, brute_image(patches, ph, pw, h, w), call=call, what="image",
                 why="token l goes back to grid row l // (W / pw), column l % (W / pw)")


# 1. By hand.

def test_patchify_by_hand(impl, device):
    x = torch.arange(8.0, device=device).reshape(1, 1, 2, 4)
    call = Call(impl.patchify, x, 2)
    assert_array(call.out, kind="tensor", dtype=x.dtype, shape=(1, 2, 4), device=device, call=call)
    assert_equal(call.out[0], torch.tensor([[0.0, 1, 4, 5], [2, 3, 6, 7]]), call=call, what="patches",
                 why="the left 2x2 block [[0, 1], [4, 5]] is token 0, the right one token 1, each read row by row")


def test_rectangular_patches_by_hand(impl, device):
    x = torch.arange(24.0, device=device).reshape(1, 1, 4, 6)
    call = Call(impl.patchify, x, (2, 3))
    assert_array(call.out, kind="tensor", dtype=x.dtype, shape=(1, 4, 6), device=device, call=call)
    expected = torch.tensor([[0.0, 1, 2, 6, 7, 8], [3, 4, 5, 9, 10, 11],
                             [12, 13, 14, 18, 19, 20], [15, 16, 17, 21, 22, 23]])
    assert_equal(call.out[0], expected, call=call, what="patches",
                 why="patch_size (2, 3) is 2 rows along H by 3 columns along W; a 2x2 grid of patches read "
                     "row-major: top-left, top-right, bottom-left, bottom-right")


# 2. Against the brute-force loop.

SHAPES = [((2, 3, 8, 8), 4), ((1, 1, 4, 4), 4), ((1, 2, 6, 9), (2, 3)), ((3, 4, 6, 4), (3, 1)), ((1, 3, 16, 16), 2)]


@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64], ids=lambda d: str(d)[6:])
def test_patchify_matches_brute_force(impl, device, dtype):
    for k, (shape, p) in enumerate(SHAPES):
        ph, pw = (p, p) if isinstance(p, int) else p
        x = rand(shape, device, dtype, k)
        check_patches(Call(impl.patchify, x, p), x, ph, pw)


def test_unpatchify_matches_brute_force(impl, device):
    for k, (shape, p) in enumerate(SHAPES):
        ph, pw = (p, p) if isinstance(p, int) else p
        n, c, h, w = shape
        patches = rand((n, (h // ph) * (w // pw), c * ph * pw), device, torch.float32, 10 + k)
        check_image(Call(impl.unpatchify, patches, p, (h, w)), patches, ph, pw, h, w)


def test_round_trip(impl, device):
    for k, (shape, p) in enumerate(SHAPES):
        x = rand(shape, device, torch.float64, 20 + k)
        patches = impl.patchify(x, p)
        call = Call(impl.unpatchify, patches, p, tuple(shape[2:]))
        assert_equal(call.out, x, call=call, what=f"unpatchify(patchify(x, {p}), {p}, {tuple(shape[2:])})",
                     why="unpatchify must undo patchify exactly, with the same layout inside a patch")


def test_empty_batch(impl, device):
    x = torch.zeros(0, 3, 8, 4, device=device)
    call = Call(impl.patchify, x, 2)
    assert_array(call.out, kind="tensor", dtype=x.dtype, shape=(0, 8, 12), device=device, call=call,
                 what="patches of an empty batch")
    call = Call(impl.unpatchify, call.out, 2, (8, 4))
    assert_array(call.out, kind="tensor", dtype=x.dtype, shape=(0, 3, 8, 4), device=device, call=call,
                 what="image of an empty batch")


def test_patchify_and_unpatchify_are_differentiable(impl, device):
    x = rand((2, 3, 4, 6), device, torch.float64, 30).requires_grad_(True)
    out = impl.patchify(x, 2)
    if not out.requires_grad:
        fail("patchify(x) does not require grad although x does", call="patchify(x, 2), x.requires_grad=True",
             why="a reshape and a permute keep the autograd graph; numpy or .detach() cut it")
    g = rand(tuple(out.shape), device, torch.float64, 31)
    torch_backward(out, g)
    call = Call(impl.patchify, x.grad, 2)
    assert_equal(call.out, g, call=call, what="patchify(x.grad)",
                 why="patchify only moves values: the gradient of sum(patchify(x) * g) is g moved back, so "
                     "patchifying x.grad must give g again")
    patches = rand((2, 6, 12), device, torch.float64, 32).requires_grad_(True)
    image = impl.unpatchify(patches, 2, (4, 6))
    if not image.requires_grad:
        fail("unpatchify(patches) does not require grad although patches does",
             call="unpatchify(patches, 2, (4, 6)), patches.requires_grad=True")
    g = rand((2, 3, 4, 6), device, torch.float64, 33)
    torch_backward(image, g)
    call = Call(impl.unpatchify, patches.grad, 2, (4, 6))
    assert_equal(call.out, g, call=call, what="unpatchify(patches.grad)",
                 why="unpatchify only moves values: its gradient is g moved back to the patches")


# 3. patch_embed against the strided convolution.

EMBED = [((2, 3, 8, 8), 5, (4, 4)), ((1, 2, 6, 9), 7, (2, 3)), ((1, 3, 32, 32), 16, (16, 16)),
         ((3, 1, 4, 4), 1, (1, 1))]
TOL = {torch.float32: {"rtol": 1e-5, "atol": 1e-5}, torch.float64: {"rtol": 1e-10, "atol": 1e-12}}


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_patch_embed_matches_strided_conv(impl, device, dtype):
    for k, (shape, d, (ph, pw)) in enumerate(EMBED):
        x = rand(shape, device, dtype, 40 + k)
        weight = rand((d, shape[1], ph, pw), device, dtype, 50 + k)
        bias = rand((d,), device, dtype, 60 + k) * 3
        expected = F.conv2d(x, weight, bias, stride=(ph, pw)).flatten(2).transpose(1, 2)
        call = Call(impl.patch_embed, x, weight, bias)
        assert_array(call.out, kind="tensor", dtype=dtype, shape=tuple(expected.shape), device=device, call=call)
        assert_close(call.out, expected, **TOL[dtype], call=call, what="tokens",
                     why="F.conv2d(x, weight, bias, stride=(ph, pw)).flatten(2).transpose(1, 2): each token is "
                         "weight.reshape(D, -1) @ (its patch flattened like the weight) + bias")
    expected = F.conv2d(x, weight, stride=(ph, pw)).flatten(2).transpose(1, 2)
    call = Call(impl.patch_embed, x, weight)  # bias omitted: None
    assert_close(call.out, expected, **TOL[dtype], call=call, what="tokens without bias")


def test_patch_embed_gradients_match_conv(impl, device):
    x = rand((2, 3, 6, 4), device, torch.float64, 70)
    weight, bias = rand((5, 3, 3, 2), device, torch.float64, 71), rand((5,), device, torch.float64, 72)
    g = rand((2, 4, 5), device, torch.float64, 73)
    ours = [t.clone().requires_grad_(True) for t in (x, weight, bias)]
    theirs = [t.clone().requires_grad_(True) for t in (x, weight, bias)]
    out = impl.patch_embed(*ours)
    if not out.requires_grad:
        fail("patch_embed's result does not require grad", call="patch_embed(x, weight, bias), all requiring grad")
    torch_backward(out, g)
    torch_backward(F.conv2d(theirs[0], theirs[1], theirs[2], stride=(3, 2)).flatten(2).transpose(1, 2), g)
    for name, a, b in zip(("x", "weight", "bias"), ours, theirs):
        if a.grad is None:
            fail(f"no gradient reached `{name}`", call="patch_embed(x, weight, bias).backward(g)")
        assert_close(a.grad, b.grad, rtol=1e-10, atol=1e-12, what=f"gradient of `{name}`",
                     why="the same function as the strided convolution, so the same gradients")


# 4. Convention and input checks.

@pytest.mark.convention("inside a patch: channel-major (C, ph, pw)")
def test_patch_vector_is_channel_major(impl, device):
    x = torch.tensor([[[[0.0, 1], [2, 3]], [[10, 11], [12, 13]]]], device=device)  # (1, 2, 2, 2)
    call = Call(impl.patchify, x, 2)
    assert_array(call.out, kind="tensor", dtype=x.dtype, shape=(1, 1, 8), device=device, call=call)
    assert_equal(call.out[0, 0], torch.tensor([0.0, 1, 2, 3, 10, 11, 12, 13]), call=call, what="the one patch",
                 why="flattened (C, ph, pw), channel slowest, like weight.reshape(D, -1) of a Conv2d; MAE's "
                     "einsum 'nchpwq->nhwpqc' puts the channel last: [0, 10, 1, 11, 2, 12, 3, 13]")
    call = Call(impl.unpatchify, call.out, 2, (2, 2))
    assert_equal(call.out, x, call=call, what="unpatchify of that patch", why="the same layout, inverted")


@pytest.mark.contract("image not divisible by the patch: ValueError")
def test_indivisible_image_raises(impl, device):
    x = rand((1, 3, 10, 12), device, torch.float32, 80)
    why = "10 rows do not split into patches of 4: F.unfold or a strided conv would silently drop the last 2 rows"
    assert_raises(ValueError, impl.patchify, x, 4, why=why)
    assert_raises(ValueError, impl.patchify, x, (5, 5), why="12 columns do not split into patches 5 wide")
    assert_raises(ValueError, impl.patch_embed, x, rand((4, 3, 4, 4), device, torch.float32, 81), why=why)
