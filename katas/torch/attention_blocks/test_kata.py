"""Tests for torch/attention_blocks. Run: pytest katas/torch/attention_blocks

Weights are loaded by the statement's names, so the layout is part of every correctness test; each
documented ValueError at construction has a contract test whose arguments build silently without it."""

import math

import pytest
import torch
import torch.nn.functional as F

from cvkatas import (
    Call,
    assert_array,
    assert_close,
    assert_equal,
    assert_gradient_close,
    assert_raises,
    fail,
    show,
    weighted_sum,
)

# float32: the block and the functional oracle below may order the sums differently.
TOL = {torch.float64: {"rtol": 1e-9, "atol": 1e-10}, torch.float32: {"rtol": 1e-4, "atol": 1e-5}}


# The statement's state_dict layouts, and weights to load into them.

def se_layout(c, r):
    h = c // r
    return {"fc1.weight": (h, c, 1, 1), "fc1.bias": (h,), "fc2.weight": (c, h, 1, 1), "fc2.bias": (c,)}


def sk_layout(c, kernels, r, min_dim):
    d = max(c // r, min_dim)
    keys = {}
    for i, k in enumerate(kernels):
        keys[f"branches.{i}.0.weight"] = (c, c, k, k)
        for name in ("weight", "bias", "running_mean", "running_var"):
            keys[f"branches.{i}.1.{name}"] = (c,)
        keys[f"branches.{i}.1.num_batches_tracked"] = ()
    keys["fc.weight"], keys["fc.bias"] = (d, c, 1, 1), (d,)
    for i in range(len(kernels)):
        keys[f"fcs.{i}.weight"], keys[f"fcs.{i}.bias"] = (c, d, 1, 1), (c,)
    return keys


def random_state(layout, seed):
    """Weights of a plausible trained block, in float64 on the CPU."""
    gen = torch.Generator().manual_seed(seed)
    state = {}
    for name, shape in layout.items():
        if name.endswith("num_batches_tracked"):
            state[name] = torch.tensor(0)
            continue
        t = torch.randn(shape, generator=gen, dtype=torch.float64)
        if name.endswith("running_var"):
            t = torch.rand(shape, generator=gen, dtype=torch.float64) + 0.5
        elif len(shape) == 4:
            t = t / math.sqrt(math.prod(shape[1:]))
        elif name.endswith(".1.weight"):  # a BN's scale
            t = 1 + 0.3 * t
        else:
            t = 0.5 * t
        state[name] = t
    return state


def cast(state, device, dtype):
    return {k: v.to(device) if not v.is_floating_point() else v.to(device, dtype) for k, v in state.items()}


def load(block, state, call):
    """Load `state` by name, failing with a readable message when the layout differs."""
    __tracebackhide__ = True
    have = {k: tuple(v.shape) for k, v in block.state_dict().items()}
    want = {k: tuple(v.shape) for k, v in state.items()}
    if have != want:
        missing = sorted(set(want) - set(have))
        extra = sorted(set(have) - set(want))
        shapes = [f"{k}: {have[k]} (expected {want[k]})" for k in sorted(set(have) & set(want)) if have[k] != want[k]]
        fail("the block's state_dict does not have the layout the statement pins", call=call,
             extra={"missing": missing or "-", "extra": extra or "-", "shapes": "; ".join(shapes) or "-"},
             why="the submodule names and shapes are part of the API: weights are loaded into them by name")
    block.load_state_dict(state)


def forward(block, label, x):
    """Call the block through `Call`, shown as e.g. SEBlock(8, reduction=4)(x=...)."""
    def fn(x):
        return block(x)

    fn.__name__ = label
    return Call(fn, x)


def make_se(impl, device, dtype, c=8, r=4, seed=0):
    call = Call(impl.SEBlock, c, reduction=r)
    block = call.out.to(device, dtype)
    state = cast(random_state(se_layout(c, r), seed), device, dtype)
    load(block, state, call)
    return block, state, f"SEBlock({c}, reduction={r})"


def make_sk(impl, device, dtype, c=8, kernels=(3, 5), r=4, min_dim=4, seed=0, state=None):
    call = Call(impl.SKBlock, c, kernels=kernels, reduction=r, min_dim=min_dim)
    block = call.out.to(device, dtype)
    state = state if state is not None else random_state(sk_layout(c, kernels, r, min_dim), seed)
    state = cast(state, device, dtype)
    load(block, state, call)
    return block, state, f"SKBlock({c}, kernels={kernels}, reduction={r}, min_dim={min_dim})"


def randn(shape, device, dtype, seed):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).to(device, dtype)


# The oracles: the statement's formulas with torch.nn.functional, on the loaded weights.

def se_expected(x, st):
    s = x.mean(dim=(2, 3), keepdim=True)
    z = F.relu(F.conv2d(s, st["fc1.weight"], st["fc1.bias"]))
    return x * torch.sigmoid(F.conv2d(z, st["fc2.weight"], st["fc2.bias"]))


def sk_expected(x, st, kernels, training):
    """(output, attention (N, M, C), BN running statistics after the call)."""
    feats, stats = [], {}
    for i, k in enumerate(kernels):
        p = f"branches.{i}."
        mean, var = st[p + "1.running_mean"].clone(), st[p + "1.running_var"].clone()
        u = F.conv2d(x, st[p + "0.weight"], padding=k // 2)
        u = F.batch_norm(u, mean, var, st[p + "1.weight"], st[p + "1.bias"], training=training)
        feats.append(F.relu(u))
        stats[p + "1.running_mean"], stats[p + "1.running_var"] = mean, var
    z = F.relu(F.conv2d(sum(feats).mean(dim=(2, 3), keepdim=True), st["fc.weight"], st["fc.bias"]))
    logits = torch.stack([F.conv2d(z, st[f"fcs.{i}.weight"], st[f"fcs.{i}.bias"]) for i in range(len(kernels))], 1)
    a = logits.softmax(dim=1)
    return (a * torch.stack(feats, 1)).sum(1), a.flatten(2), stats


def check_output(call, x, expected, dtype, why):
    __tracebackhide__ = True
    assert_array(call.out, kind="tensor", dtype=dtype, shape=x.shape, device=x.device, call=call, what="output")
    assert_close(call.out, expected, **TOL[dtype], call=call, what="output", why=why)


SE_WHY = "x * sigmoid(fc2(relu(fc1(s)))) with s the mean of x over H and W, per sample and channel"
SK_WHY = ("sum_i a_i * U_i with U_i = branches[i](x) and a = softmax over the branches of fcs[i](relu(fc(s))), "
          "s the mean over H and W of U_1 + ... + U_M")


# SE: 1. by hand.

def test_se_by_hand(impl, device):
    dt = torch.float64
    call = Call(impl.SEBlock, 2, reduction=2)  # hidden = 1
    block = call.out
    block.to(device, dt)
    state = {"fc1.weight": torch.tensor([0.0, 1 / 3], dtype=dt).reshape(1, 2, 1, 1), "fc1.bias": torch.zeros(1),
             "fc2.weight": torch.tensor([0.0, math.log(3)], dtype=dt).reshape(2, 1, 1, 1), "fc2.bias": torch.zeros(2)}
    load(block, cast(state, device, dt), call)
    x = torch.tensor([[[[1.0, 1.0], [1.0, 1.0]], [[1.0, 5.0], [3.0, 3.0]]]], dtype=dt, device=device)
    run = forward(block, "SEBlock(2, reduction=2)", x)
    want = torch.tensor([[[[0.5, 0.5], [0.5, 0.5]], [[0.75, 3.75], [2.25, 2.25]]]], dtype=dt)
    check_output(run, x, want, dt,
                 why="channel means [1, 3]; fc1: 3 / 3 = 1, relu 1; fc2: logits [0, ln 3]; sigmoid gates "
                     "[1/2, 3/4]; each channel times its gate (the max 5 would give another gate)")


def test_se_with_zero_fc2_halves_the_input(impl, device):
    block, _, label = make_se(impl, device, torch.float64, c=8, r=2, seed=1)
    with torch.no_grad():
        block.fc2.weight.zero_()
        block.fc2.bias.zero_()
    x = randn((2, 8, 4, 3), device, torch.float64, seed=2)
    run = forward(block, label + " with fc2 zeroed", x)
    assert_array(run.out, kind="tensor", dtype=x.dtype, shape=x.shape, device=x.device, call=run, what="output")
    assert_equal(run.out, x * 0.5, call=run, what="output",
                 why="fc2 outputs 0 for every channel and sigmoid(0) = 1/2, so the gate halves x exactly")


@pytest.mark.parametrize(("c", "r"), [(32, 16), (8, 4), (64, 16), (6, 1), (5, 2)])
def test_se_layout_and_parameter_count(impl, device, c, r):
    call = Call(impl.SEBlock, c, reduction=r)
    block = call.out
    load(block, random_state(se_layout(c, r), 3), call)
    h = c // r
    n = sum(p.numel() for p in block.parameters())
    assert_equal(n, 2 * c * h + h + c, call=call, what="number of parameters",
                 why=f"fc1 has {c} * {h} weights + {h} biases, fc2 {h} * {c} + {c}")


# SE: 2. against the functional form.

@pytest.mark.parametrize("shape", [(2, 8, 5, 6), (1, 8, 1, 1), (0, 8, 3, 3), (3, 8, 7, 2)])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_se_matches_functional(impl, device, shape, dtype):
    block, st, label = make_se(impl, device, dtype, seed=sum(shape))
    x = randn(shape, device, dtype, seed=5) + 0.5  # a nonzero mean per channel
    check_output(forward(block.eval(), label, x), x, se_expected(x, st), dtype, why=SE_WHY)


def test_se_gradients_reach_input_and_every_parameter(impl, device):
    dt = torch.float64
    block, st, label = make_se(impl, device, dt, seed=6)
    block.train()
    x = randn((2, 8, 3, 4), device, dt, seed=7).requires_grad_(True)
    dout = randn((2, 8, 3, 4), device, dt, seed=8)
    run = forward(block, label, x)
    check_gradients(run, block, st, x, dout, lambda xx, ss: se_expected(xx, ss))


def test_se_default_reduction(impl, device):
    call = Call(impl.SEBlock, 64)  # reduction left out: 16, so hidden = 4
    load(call.out, random_state(se_layout(64, 16), 4), call)


@pytest.mark.contract("SEBlock: channels // reduction = 0: ValueError")
def test_se_zero_hidden_raises(impl, device):
    assert_raises(ValueError, impl.SEBlock, 8, reduction=16,
                  why="8 // 16 = 0 hidden channels (nn.Conv2d(8, 0, 1) would be built silently)")
    assert_raises(ValueError, impl.SEBlock, 3, why="3 // 16 = 0 hidden channels with the default reduction")


@pytest.mark.contract("SEBlock: channels, reduction not positive ints: ValueError")
def test_se_bad_arguments_raise_value_error(impl, device):
    assert_raises(ValueError, impl.SEBlock, 0, reduction=1, why="channels must be a positive int")
    assert_raises(ValueError, impl.SEBlock, 8, reduction=0, why="reduction must be a positive int")
    assert_raises(ValueError, impl.SEBlock, 8, reduction=-2, why="reduction must be a positive int")


def check_gradients(run, block, st, x, dout, oracle):
    """Compare d(sum(out * dout)) for x and every parameter with autograd through the oracle."""
    __tracebackhide__ = True
    if not run.out.requires_grad:
        fail("the output does not require grad", call=run,
             why="the block must stay in the autograd graph: no .detach(), .data or torch.no_grad()")
    params = dict(block.named_parameters())
    got = torch.autograd.grad(weighted_sum(run.out, dout), [x, *params.values()], allow_unused=True)
    leaves = {k: v.detach().clone().requires_grad_(True) for k, v in st.items() if k in params}
    x2 = x.detach().clone().requires_grad_(True)
    out = oracle(x2, {**st, **leaves})
    assert_close(run.out, out, **TOL[x.dtype], call=run, what="output", why="must match the statement's formula")
    want = torch.autograd.grad(weighted_sum(out, dout), [x2, *(leaves[k] for k in params)])
    for name, g, w in zip(["x", *params], got, want):
        if g is None:
            fail(f"no gradient reaches {name}", call=run,
                 why="every parameter takes part in the output, so d(loss)/d(parameter) must exist; "
                     "something on its path is detached")
        assert_gradient_close(g, w, call=run, what=f"gradient of sum(out * dout) w.r.t. {name}")


# SK: layout and parameter count.

@pytest.mark.parametrize(("c", "kernels", "r", "min_dim"), [
    (8, (3, 5), 16, 32),  # d = max(0, 32) = 32
    (64, (3, 5), 4, 8),  # d = max(16, 8) = 16
    (16, (1, 3, 5), 16, 4),  # d = max(1, 4) = 4
    (12, (3,), 2, 4),  # d = max(6, 4) = 6
])
def test_sk_layout_and_parameter_count(impl, device, c, kernels, r, min_dim):
    call = Call(impl.SKBlock, c, kernels=kernels, reduction=r, min_dim=min_dim)
    block = call.out
    load(block, random_state(sk_layout(c, kernels, r, min_dim), 9), call)
    d, m = max(c // r, min_dim), len(kernels)
    expected = sum(c * c * k * k + 2 * c for k in kernels) + (c * d + d) + m * (d * c + c)
    n = sum(p.numel() for p in block.parameters())
    assert_equal(n, expected, call=call, what="number of parameters",
                 why=f"d = max({c} // {r}, {min_dim}) = {d}; branches: C*C*k*k conv weights + 2C BN per "
                     f"kernel size; fc: C*d + d; fcs: {m} * (d*C + C)")


# SK: against the functional form, in eval and in training.

@pytest.mark.parametrize("shape", [(2, 8, 6, 5), (1, 8, 1, 1), (3, 8, 4, 4)])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_sk_eval_matches_functional(impl, device, shape, dtype):
    block, st, label = make_sk(impl, device, dtype, seed=sum(shape))
    block.eval()
    before = {k: v.clone() for k, v in block.state_dict().items()}
    x = randn(shape, device, dtype, seed=10)
    run = forward(block, label, x)
    expected, attention, _ = sk_expected(x, st, (3, 5), training=False)
    check_output(run, x, expected, dtype, why=SK_WHY + "; in eval mode the BNs use their running statistics")
    for k, v in block.state_dict().items():
        if not torch.equal(v, before[k]):
            fail(f"the block's `{k}` changed during an eval-mode forward", call=run,
                 why="in eval mode BN uses and keeps its running statistics")
    got_att = getattr(block, "attention", None)
    if got_att is None:
        fail("block.attention is None after a forward", call=run, why="keep the softmax weights in self.attention")
    assert_close(got_att, attention, **TOL[dtype], call=run, what="block.attention (N, M, C)",
                 why="the softmax over the branches of fcs[i](relu(fc(s)))")


def test_sk_training_uses_batch_statistics(impl, device):
    dt = torch.float64
    kernels = (1, 3, 5)
    block, st, label = make_sk(impl, device, dt, c=6, kernels=kernels, r=2, min_dim=4, seed=11)
    block.train()
    x = randn((4, 6, 5, 5), device, dt, seed=12) * 2 + 1
    run = forward(block, label, x)
    expected, _, stats = sk_expected(x, st, kernels, training=True)
    check_output(run, x, expected, dt, why=SK_WHY + "; in training the BNs normalise with the batch's statistics")
    after = block.state_dict()
    for k, v in stats.items():
        assert_close(after[k], v, **TOL[dt], call=run, what=f"`{k}` after one training forward",
                     why="a training-mode BN updates its running statistics (momentum 0.1)")
    if not block.training:
        fail("the block switched itself to eval mode", call=run, why="forward must not change the mode")


def test_sk_eval_output_of_a_sample_does_not_depend_on_the_batch(impl, device):
    dt = torch.float64
    block, _, label = make_sk(impl, device, dt, seed=13)
    block.eval()
    x = randn((3, 8, 4, 5), device, dt, seed=14)
    whole = forward(block, label, x).out
    one = forward(block, label, x[1:2])
    assert_close(one.out, whole[1:2], **TOL[dt], call=one, what="output for sample 1 alone",
                 why="in eval mode BN uses running statistics, so samples do not influence each other")


# SK: properties of the attention.

def test_sk_attention_is_a_softmax_across_branches(impl, device):
    dt = torch.float64
    kernels = (1, 3, 5)
    block, _, label = make_sk(impl, device, dt, c=6, kernels=kernels, r=2, min_dim=4, seed=15)
    block.eval()
    x = randn((2, 6, 5, 4), device, dt, seed=16)
    run = forward(block, label, x)
    a = getattr(block, "attention", None)
    if not isinstance(a, torch.Tensor):
        fail(f"block.attention must be a tensor after a forward, got {type(a).__name__}", call=run)
    assert_array(a, kind="tensor", dtype=dt, shape=(2, 3, 6), device=device, call=run,
                 what="block.attention (N, M, C)")
    if a.requires_grad:
        fail("block.attention requires grad", call=run, why="the statement asks for a detached copy")
    assert_close(a.sum(dim=1), torch.ones(2, 6, dtype=dt), **TOL[dt], call=run,
                 what="block.attention summed over the branches (dim 1)",
                 why="the softmax runs across the M branches for each sample and channel, not across channels")
    if not ((a > 0) & (a < 1)).all():
        fail("block.attention has values outside (0, 1)", call=run, got=show(a), why="softmax weights of 3 branches")
    if torch.allclose(a, a[:, :, :1].expand_as(a)):
        fail("block.attention is the same for every channel", call=run, got=show(a),
             why="fcs[i] produces one logit per channel, so each channel weighs the branches its own way")


def test_sk_identical_branches_give_that_branch(impl, device):
    dt = torch.float64
    kernels = (3, 3)
    state = random_state(sk_layout(8, kernels, 4, 4), 17)
    for key in list(state):
        if key.startswith(("branches.1.", "fcs.1.")):
            state[key] = state[key.replace(".1.", ".0.", 1)].clone()
    block, st, label = make_sk(impl, device, dt, kernels=kernels, state=state)
    block.eval()
    x = randn((2, 8, 5, 5), device, dt, seed=18)
    run = forward(block, label, x)
    p = "branches.0."
    u = F.relu(F.batch_norm(F.conv2d(x, st[p + "0.weight"], padding=1), st[p + "1.running_mean"],
                            st[p + "1.running_var"], st[p + "1.weight"], st[p + "1.bias"]))
    check_output(run, x, u, dt, why="two identical branches with identical fcs get equal logits, so the softmax "
                                    "across the branches gives 1/2 each and 1/2 U + 1/2 U = U")
    assert_close(block.attention, torch.full((2, 2, 8), 0.5, dtype=dt), **TOL[dt], call=run,
                 what="block.attention", why="equal logits across two branches: 1/2 each")


def test_sk_single_branch_is_conv_bn_relu(impl, device):
    dt = torch.float64
    block, st, label = make_sk(impl, device, dt, c=4, kernels=(5,), r=1, min_dim=2, seed=19)
    block.eval()
    x = randn((2, 4, 6, 6), device, dt, seed=20)
    run = forward(block, label, x)
    u = F.relu(F.batch_norm(F.conv2d(x, st["branches.0.0.weight"], padding=2), st["branches.0.1.running_mean"],
                            st["branches.0.1.running_var"], st["branches.0.1.weight"], st["branches.0.1.bias"]))
    check_output(run, x, u, dt, why="a softmax across one branch is 1, so the block is its only branch")


# SK: gradients and arguments.

def test_sk_gradients_reach_input_and_every_parameter(impl, device):
    dt = torch.float64
    block, st, label = make_sk(impl, device, dt, c=6, kernels=(1, 3), r=2, min_dim=4, seed=21)
    block.train()
    x = randn((2, 6, 4, 4), device, dt, seed=22).requires_grad_(True)
    dout = randn((2, 6, 4, 4), device, dt, seed=23)
    run = forward(block, label, x)
    check_gradients(run, block, st, x, dout, lambda xx, ss: sk_expected(xx, ss, (1, 3), training=True)[0])


def test_sk_defaults(impl, device):
    call = Call(impl.SKBlock, 8)  # kernels (3, 5), reduction 16, min_dim 32: d = max(0, 32) = 32
    block = call.out
    if getattr(block, "attention", "missing") is not None:
        fail(f"block.attention is {show(getattr(block, 'attention', 'missing'))} before the first forward",
             call=call, why="the statement asks for None until the first forward")
    load(block, random_state(sk_layout(8, (3, 5), 16, 32), 24), call)


@pytest.mark.contract("SKBlock: empty or even kernels: ValueError")
def test_sk_bad_kernels_raise_value_error(impl, device):
    # each builds silently without the check; the even kernel would only break at the first forward
    assert_raises(ValueError, impl.SKBlock, 8, kernels=(3, 4), why="an even kernel has no centre: padding k // 2 "
                                                                   "would change the spatial size")
    assert_raises(ValueError, impl.SKBlock, 8, kernels=(), why="SK needs at least one branch")
    assert_raises(ValueError, impl.SKBlock, 8, kernels=(3, -1), why="a kernel size must be a positive odd int")


@pytest.mark.contract("SKBlock: channels, reduction, min_dim not positive: ValueError")
def test_sk_bad_sizes_raise_value_error(impl, device):
    assert_raises(ValueError, impl.SKBlock, 64, reduction=4, min_dim=0,
                  why="min_dim must be a positive int (d = max(16, 0) would hide it)")
    assert_raises(ValueError, impl.SKBlock, 8, reduction=0, why="reduction must be a positive int")
    assert_raises(ValueError, impl.SKBlock, 0, min_dim=4, why="channels must be a positive int")
