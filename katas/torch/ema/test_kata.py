"""Tests for torch/ema. Run: pytest katas/torch/ema

Correctness tests use a tau so short (1e-3) that d_k is the final decay from the first update, and
read integer buffers only for their dtype: the warm-up ramp (timm's ModelEmaV2 has none), integer
buffers (yolov5 leaves them, timm V2 averages them) and freezing the copy (timm V2 does not) are
each a convention test of its own."""

import math

import pytest
import torch
from torch import nn

from cvkatas import Call, assert_array, assert_close, assert_equal, fail, show

SHORT = 1e-3  # tau: exp(-k / tau) is 0 in float64 for every k >= 1, so d_k = decay from the first update
DTYPES = [torch.float32, torch.float64]
IDS = ["float32", "float64"]
TOL = {torch.float64: {"rtol": 1e-9, "atol": 1e-9}, torch.float32: {"rtol": 1e-5, "atol": 1e-6}}


class Tiny(nn.Module):
    """One parameter, one float buffer, one integer buffer: small enough to follow by hand."""

    def __init__(self):
        super().__init__()
        self.p = nn.Parameter(torch.zeros(1, dtype=torch.float64))
        self.register_buffer("b", torch.zeros(1, dtype=torch.float64))
        self.register_buffer("count", torch.zeros((), dtype=torch.long))

    def __repr__(self):
        return f"Tiny(p={self.p.item()}, b={self.b.item()}, count={self.count.item()})"

    def set(self, p, b, count):
        with torch.no_grad():
            self.p.fill_(p)
            self.b.fill_(b)
            self.count.fill_(count)


def net(device, dtype, seed=0):
    """A conv, a BatchNorm (running statistics, num_batches_tracked) and a linear layer, in train mode."""
    gen = torch.Generator().manual_seed(seed)
    model = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(), nn.Flatten(), nn.Linear(48, 2))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=gen))
    return model.to(device, dtype).train()


def train_step(model, gen):
    """What happens between two EMA updates: a forward pass in train mode (BN statistics and
    num_batches_tracked move) and an optimiser-like change of every parameter."""
    p0 = next(model.parameters())
    x = torch.randn((4, 2, 4, 4), generator=gen, dtype=torch.float64).to(p0.device, p0.dtype)
    model.train()
    with torch.no_grad():
        model(x)
        for p in model.parameters():
            p.add_(0.3 * torch.randn(p.shape, generator=gen, dtype=torch.float64).to(p.device, p.dtype))


def snapshot(model):
    return {k: v.detach().double().cpu().clone() if v.dtype.is_floating_point else v.detach().cpu().clone()
            for k, v in model.state_dict().items()}


def closed_form(initial, states, decay, tau):
    """ema_0 = the copy at construction; the k-th update (k from 1) uses d_k = decay * (1 - exp(-k / tau))."""
    ema = dict(initial)
    for k, state in enumerate(states, start=1):
        d = decay * (1 - math.exp(-k / tau))
        ema = {n: d * ema[n] + (1 - d) * v if v.dtype.is_floating_point else v for n, v in state.items()}
    return ema


def construct(impl, model, **kwargs):
    __tracebackhide__ = True
    call = Call(impl.ModelEMA, model, **kwargs)  # Call fails the test if model's state or mode changed
    if not isinstance(getattr(call.out, "module", None), nn.Module):
        fail("ModelEMA has no attribute `module` holding the averaged copy", call=call,
             why="the statement asks for the copy as self.module")
    return call


def check_state(call, ema, expected, dtype, device, what, why, integers=False):
    """Every entry of ema.module's state dict: device, dtype, values; floats against the closed form.
    Integer entries are read for their dtype only, unless `integers` (the convention test's business)."""
    __tracebackhide__ = True
    got = ema.module.state_dict()
    if set(got) != set(expected):
        fail(f"{what}: state dict keys {sorted(got)}, expected {sorted(expected)}", call=call)
    for name, value in expected.items():
        kind = dtype if value.dtype.is_floating_point else value.dtype
        assert_array(got[name], kind="tensor", dtype=kind, shape=tuple(value.shape), device=device, call=call,
                     what=f"{what}: `{name}`")
        if value.dtype.is_floating_point:
            assert_close(got[name], value, **TOL[dtype], call=call, what=f"{what}: `{name}`", why=why(name))
        elif integers:
            assert_equal(got[name], value, call=call, what=f"{what}: `{name}`",
                         why=f"`{name}` is an integer buffer: it is copied from the model, not averaged")


# 1. By hand.

def test_two_updates_by_hand(impl, device):
    model = Tiny().to(device)
    ema = construct(impl, model, decay=0.5, tau=SHORT).out
    held = ema.module.state_dict()["p"]  # updates happen in place: this tensor must follow them
    model.set(1.0, 2.0, 5)
    call = Call(ema.update, model)
    expected = {"p": torch.tensor([0.5], dtype=torch.float64), "b": torch.tensor([1.0], dtype=torch.float64),
                "count": torch.tensor(5)}
    assert_close(held, expected["p"], call=call, what="`p` of ema.module, held from before the update",
                 why="update() changes self.module's own tensors in place, it does not replace them")
    check_state(call, ema, expected, torch.float64, device, "after the first update",
                lambda n: "with tau = 1e-3 the warm-up is over at once: d_1 = 0.5, ema = 0.5 * 0 + 0.5 * model; "
                          "buffers are averaged like parameters")
    model.set(3.0, 2.0, 5)
    call = Call(ema.update, model)
    expected = {"p": torch.tensor([1.75], dtype=torch.float64), "b": torch.tensor([1.5], dtype=torch.float64),
                "count": torch.tensor(5)}
    check_state(call, ema, expected, torch.float64, device, "after the second update",
                lambda n: "ema = d * ema + (1 - d) * model = 0.5 * 0.5 + 0.5 * 3 = 1.75 for p: the old average "
                          "is multiplied by d, the model by 1 - d")
    if ema.updates != 2:
        fail(f"ema.updates is {ema.updates!r} after two updates", call=call, why="it counts the calls of update()")


@pytest.mark.convention("decay warm-up: d_k = decay * (1 - exp(-k / tau))")
def test_decay_warms_up(impl, device):
    model = Tiny().to(device)
    ema = construct(impl, model, decay=0.5, tau=1.0).out
    model.set(1.0, 2.0, 5)
    call = Call(ema.update, model)
    d1 = 0.5 * (1 - math.exp(-1))
    expected = {"p": torch.tensor([1 - d1], dtype=torch.float64),
                "b": torch.tensor([2 * (1 - d1)], dtype=torch.float64), "count": torch.tensor(5)}
    check_state(call, ema, expected, torch.float64, device, "after the first update (decay 0.5, tau 1)",
                lambda n: f"the first update uses d_1 = 0.5 * (1 - e^-1) = {d1:.4f} (updates count from 1; "
                          "not the final 0.5 at once, as timm's ModelEmaV2 would): ema = d_1 * 0 + (1 - d_1) * model")
    call = Call(ema.update, model)
    d2 = 0.5 * (1 - math.exp(-2))
    e1 = 1 - d1
    expected = {"p": torch.tensor([d2 * e1 + (1 - d2)], dtype=torch.float64),
                "b": torch.tensor([2 * (d2 * e1 + (1 - d2))], dtype=torch.float64), "count": torch.tensor(5)}
    check_state(call, ema, expected, torch.float64, device, "after the second update (decay 0.5, tau 1)",
                lambda n: f"d_2 = 0.5 * (1 - e^-2) = {d2:.4f}: the decay ramps up with the number of updates")
    model = Tiny().to(device)
    ema = construct(impl, model).out  # the defaults: decay 0.9999, tau 2000
    model.set(4.0, 4.0, 1)
    call = Call(ema.update, model)
    d1 = 0.9999 * (1 - math.exp(-1 / 2000))
    check_state(call, ema, {"p": torch.tensor([4 * (1 - d1)], dtype=torch.float64),
                            "b": torch.tensor([4 * (1 - d1)], dtype=torch.float64), "count": torch.tensor(1)},
                torch.float64, device, "after one update with the default decay and tau",
                lambda n: f"d_1 = 0.9999 * (1 - exp(-1 / 2000)) = {d1:.3g}: at the start the average follows the "
                          "model almost completely; a constant decay of 0.9999 would leave it at the random "
                          "initial weights for thousands of steps")


def test_default_decay_and_tau(impl, device):
    ema = construct(impl, Tiny().to(device)).out
    if (ema.decay, ema.tau, ema.updates) != (0.9999, 2000.0, 0):
        fail("defaults: expected decay 0.9999, tau 2000, updates 0", call="ModelEMA(model)",
             got=f"decay {ema.decay!r}, tau {ema.tau!r}, updates {ema.updates!r}")


# 2. Against the closed form on a small network.

@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_matches_closed_form(impl, device, dtype):
    gen = torch.Generator().manual_seed(1)
    model = net(device, dtype)
    initial = snapshot(model)
    call = construct(impl, model, decay=0.9, tau=SHORT)
    ema, states = call.out, []
    for _ in range(6):
        train_step(model, gen)
        states.append(snapshot(model))
        call = Call(ema.update, model)
    expected = closed_form(initial, states, 0.9, SHORT)
    expected = {k: v.to(dtype) if v.dtype.is_floating_point else v for k, v in expected.items()}
    bn_note = " (a BatchNorm buffer: average it too)"
    check_state(call, ema, expected, dtype, device, "after 6 updates",
                lambda n: f"ema = d * ema + (1 - d) * model with d = 0.9 (tau 1e-3: no warm-up left) at each of 6 "
                          f"updates, for every floating-point entry{bn_note if 'running' in n else ''}")
    if ema.updates != 6:
        fail(f"ema.updates is {ema.updates!r} after 6 updates", call=call)
    if ema.module.training or any(m.training for m in ema.module.modules()):
        fail("the EMA copy is in training mode after the updates", call=call,
             why="the copy is only ever evaluated: it stays in eval mode whatever mode the trained model is in")
    sd = ema.state_dict()
    if not isinstance(sd, dict) or set(sd) != set(expected):
        fail("ema.state_dict() must return the copy's state dict", got=show(sd if not isinstance(sd, dict) else
                                                                           sorted(sd)), expected=str(sorted(expected)))
    for k, v in ema.module.state_dict().items():
        assert_equal(sd[k], v, what=f"ema.state_dict()[{k!r}]", why="state_dict() is self.module.state_dict()")


def test_matches_averaged_model(impl, device):
    from torch.optim.swa_utils import AveragedModel

    gen = torch.Generator().manual_seed(2)
    model = net(device, torch.float64, seed=2)
    decay = 0.8
    # AveragedModel copies the weights at its first update instead of averaging; with the model unchanged
    # since the copy, averaging gives the same.
    avg = AveragedModel(model, avg_fn=lambda e, m, n: decay * e + (1 - decay) * m, use_buffers=False)
    ema = construct(impl, model, decay=decay, tau=SHORT).out
    for step in range(5):
        if step:
            train_step(model, gen)
        avg.update_parameters(model)
        call = Call(ema.update, model)
    got = dict(ema.module.named_parameters())
    for name, p in avg.module.named_parameters():
        assert_close(got[name], p, **TOL[torch.float64], call=call, what=f"parameter `{name}` after 5 updates",
                     why="torch.optim.swa_utils.AveragedModel with avg_fn d * ema + (1 - d) * model agrees")


# 3. The copy: independent, frozen, in eval mode; the model left alone.

def test_copy_is_independent_and_in_eval_mode(impl, device):
    model = net(device, torch.float64, seed=3)
    modes = [m.training for m in model.modules()]
    call = construct(impl, model)
    ema = call.out
    if ema.module is model or any(e is m for e, m in zip(ema.module.modules(), model.modules())):
        fail("the EMA copy is (or contains) the model's own modules", call=call,
             why="copy.deepcopy(model): a shallow copy.copy shares the submodules and their tensors")
    if [m.training for m in model.modules()] != modes:
        fail("constructing the EMA changed the mode of the model's submodules", call=call,
             why="put the copy in eval mode, not the model (a shallow copy shares the submodules)")
    if not all(p.requires_grad for p in model.parameters()):
        fail("constructing the EMA switched off requires_grad of the model's parameters", call=call,
             why="freeze the copy's parameters only; a shallow copy shares the Parameter objects")
    if any(m.training for m in ema.module.modules()):
        fail("the EMA copy is in training mode", call=call,
             why="it is only ever evaluated: BatchNorm must use the averaged running statistics, dropout must be off")
    before = snapshot(ema.module)
    assert_equal(sorted(before), sorted(snapshot(model)), what="state dict keys of the copy")
    for k, v in snapshot(model).items():
        assert_equal(before[k], v, what=f"`{k}` of the fresh copy", why="the copy starts equal to the model")
    with torch.no_grad():
        for v in model.state_dict().values():
            v.add_(1)
    for k, v in snapshot(ema.module).items():
        assert_equal(v, before[k], call=call, what=f"`{k}` of the copy after changing the model in place",
                     why="the copy must own its tensors (copy.deepcopy), or every optimiser step changes it too")
    if ema.updates != 0:
        fail(f"ema.updates is {ema.updates!r} before any update", call=call)


@pytest.mark.convention("the copy's parameters: requires_grad=False")
def test_copy_parameters_do_not_require_grad(impl, device):
    model = net(device, torch.float32, seed=3)
    call = construct(impl, model, decay=0.9, tau=SHORT)
    ema = call.out
    Call(ema.update, model)
    trainable = [n for n, p in ema.module.named_parameters() if p.requires_grad]
    if trainable:
        fail(f"the EMA copy's parameters require grad: {', '.join(trainable)}", call=call,
             why="nothing trains the copy directly: requires_grad_(False) keeps optimisers and autograd away "
                 "(yolov5 freezes the copy; timm's ModelEmaV2 does not)")


def test_update_leaves_the_model_alone(impl, device):
    model = net(device, torch.float32, seed=4)
    x = torch.randn(3, 2, 4, 4, device=device)
    model(x).square().sum().backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters()}
    ema = construct(impl, model, decay=0.9, tau=SHORT).out
    call = Call(ema.update, model)  # Call fails the test if the model's state or mode changed
    for n, p in model.named_parameters():
        if not p.requires_grad or p.grad is None or not torch.equal(p.grad, grads[n]):
            fail(f"update() changed the model's parameter `{n}` (requires_grad or .grad)", call=call,
                 why="update only reads the model")
    if call.out is not None:
        fail(f"update() returned {show(call.out)}, expected None", call=call)


def test_update_builds_no_graph(impl, device):
    model = net(device, torch.float32, seed=5)
    ema = construct(impl, model, decay=0.9, tau=SHORT).out
    gen = torch.Generator().manual_seed(5)
    for _ in range(2):
        train_step(model, gen)
        call = Call(ema.update, model)  # grad mode on, model parameters require grad
    for name, t in [*ema.module.named_parameters(), *ema.module.named_buffers()]:
        if t.grad_fn is not None:
            fail(f"after update(), the EMA's `{name}` is part of an autograd graph (grad_fn {t.grad_fn})", call=call,
                 why="arithmetic with the model's parameters records a graph unless it runs under torch.no_grad(); "
                     "the graph grows with every update and keeps the old tensors alive")


def test_buffers_are_averaged(impl, device):
    bn = nn.BatchNorm1d(2).to(device).train()
    ema = construct(impl, bn, decay=0.5, tau=SHORT).out
    with torch.no_grad():
        bn.running_mean.copy_(torch.tensor([2.0, -4.0]))
        bn.running_var.copy_(torch.tensor([3.0, 5.0]))
    call = Call(ema.update, bn)
    got = ema.module
    assert_close(got.running_mean, [1.0, -2.0], call=call, what="EMA running_mean",
                 why="running_mean 0 at the copy, then [2, -4]: 0.5 * 0 + 0.5 * [2, -4]; buffers are averaged "
                     "like parameters, or the averaged weights meet stale BN statistics")
    assert_close(got.running_var, [2.0, 3.0], call=call, what="EMA running_var",
                 why="running_var 1 at the copy, then [3, 5]: 0.5 * 1 + 0.5 * [3, 5]")


@pytest.mark.convention("integer buffers: copied from the model")
def test_integer_buffers_are_copied(impl, device):
    bn = nn.BatchNorm1d(2).to(device).train()
    ema = construct(impl, bn, decay=0.5, tau=SHORT).out
    for count in (7, 9):
        with torch.no_grad():
            bn.num_batches_tracked.fill_(count)
        call = Call(ema.update, bn)
        assert_array(ema.module.num_batches_tracked, kind="tensor", dtype=torch.long, shape=(), device=device,
                     call=call, what="EMA num_batches_tracked")
        assert_equal(ema.module.num_batches_tracked, torch.tensor(count), call=call, what="EMA num_batches_tracked",
                     why="an integer buffer is copied from the model, not averaged (timm's ModelEmaV2 truncates "
                         "the average) and not left at its initial value (as yolov5 does)")
