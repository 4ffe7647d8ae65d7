"""Tests for torch/hooks. Run: pytest katas/torch/hooks

The oracle is the same network run by hand on a copy of the model, with the intermediate outputs
kept and their gradients taken by torch.autograd.grad. Correctness tests use a batch of one, so a
norm over the whole gradient and a per-sample mean agree; whether records are detached, the norm
over the whole batch and the norm as a 0-d tensor are convention tests of their own."""

import copy
from collections import OrderedDict

import pytest
import torch
from torch import nn
from torch.nn.modules import module as module_globals

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, fail, show

TOL = {torch.float64: {"rtol": 1e-9, "atol": 1e-12}, torch.float32: {"rtol": 1e-5, "atol": 1e-6}}
NAMES = ["fc1", "block", "block.1", "head"]
HOOK_DICTS = ["_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_backward_pre_hooks"]
GLOBAL_DICTS = ["_global_forward_hooks", "_global_forward_pre_hooks", "_global_backward_hooks",
                "_global_backward_pre_hooks"]


def net(device, dtype, seed=0):
    torch.manual_seed(seed)
    model = nn.Sequential(OrderedDict(
        fc1=nn.Linear(4, 6), act=nn.Tanh(), block=nn.Sequential(nn.Linear(6, 5), nn.Tanh()), head=nn.Linear(5, 3)))
    return model.to(device, dtype)


def oracle(model, x, w):
    """Outputs of fc1, block (= block.1) and head, the norms of dL/d(output), the parameters' grads."""
    m = copy.deepcopy(model)
    a = m.fc1(x)
    b = m.block[1](m.block[0](m.act(a)))
    out = m.head(b)
    loss = (out * w).sum()
    ga, gb, gout = torch.autograd.grad(loss, [a, b, out], retain_graph=True)
    loss.backward()
    acts = {"fc1": a.detach(), "block": b.detach(), "block.1": b.detach(), "head": out.detach()}
    norms = {"fc1": ga.norm(), "block": gb.norm(), "block.1": gb.norm(), "head": gout.norm()}
    return out.detach(), acts, norms, {n: p.grad for n, p in m.named_parameters()}


def data(device, dtype, n, seed):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn((n, 4), generator=gen, dtype=torch.float64).to(device, dtype).requires_grad_()
    w = torch.randn((n, 3), generator=gen, dtype=torch.float64).to(device, dtype)  # loss = (out * w).sum()
    return x, w


def start(impl, model, names):
    __tracebackhide__ = True
    call = Call(impl.LayerRecorder, model, names)  # Call fails the test if the model's state or mode changed
    return call, call.out


def value(norm):
    """A recorded norm for comparing values (its type is test_grad_norm_is_a_tensor's business)."""
    return norm.detach() if torch.is_tensor(norm) else norm


def leftover_hooks(model):
    found = [f"{name or 'model'}.{d}" for name, m in model.named_modules() for d in HOOK_DICTS if getattr(m, d)]
    return found + [f"global {d}" for d in GLOBAL_DICTS if getattr(module_globals, d, None)]


def check_records(rec, acts, norms, names, call, device, dtype, step=""):
    __tracebackhide__ = True
    for what, got in [("activations", rec.activations), ("grad_norms", rec.grad_norms)]:
        if not isinstance(got, dict) or sorted(got) != sorted(names):
            fail(f"recorder.{what} keys are {sorted(got) if isinstance(got, dict) else show(got)}",
                 call=call, expected=str(sorted(names)), why="one entry per named module, after a forward and a "
                                                             "backward pass")
    for name in names:
        a = rec.activations[name]
        assert_array(a, kind="tensor", dtype=dtype, shape=tuple(acts[name].shape), device=device, call=call,
                     what=f"activations[{name!r}]{step}")
        assert_close(a, acts[name], **TOL[dtype], call=call, what=f"activations[{name!r}]{step}",
                     why=f"the output of module {name!r} in the forward pass")
        assert_close(value(rec.grad_norms[name]), norms[name], **TOL[dtype], call=call,
                     what=f"grad_norms[{name!r}]{step}",
                     why=f"||dL/d(output of {name!r})||_2: grad_output[0] in the full backward hook (grad_input is "
                         "the gradient at the module's input, a different tensor)")


# 1. What is recorded, and that the model computes what it computed without hooks.

@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_records_activations_and_grad_norms(impl, device, dtype):
    model = net(device, dtype)
    x, w = data(device, dtype, 1, seed=1)
    out_ref, acts, norms, grads = oracle(model, x, w)
    call, rec = start(impl, model, NAMES)
    with rec:
        out = model(x)
        (out * w).sum().backward()
    assert_close(out.detach(), out_ref, **TOL[dtype], call=call, what="the model's output with the hooks in place",
                 why="hooks that return None leave the output as it is")
    for n, p in model.named_parameters():
        if p.grad is None:
            fail(f"parameter {n} got no gradient with the recorder's hooks in place", call=call,
                 why="a forward hook that returns output.detach() replaces the output and cuts the graph")
        assert_close(p.grad, grads[n], **TOL[dtype], call=call, what=f"{n}.grad with the hooks in place",
                     why="hooks only watch: every parameter gets the gradient it gets without them")
    check_records(rec, acts, norms, NAMES, call, device, dtype)
    if any(float(v) == 0 for v in rec.grad_norms.values()):
        fail("a recorded gradient norm is 0", call=call, got=show(rec.grad_norms))


def test_later_pass_replaces_records(impl, device):
    model = net(device, torch.float64, seed=2)
    names = ["fc1", "head"]
    call, rec = start(impl, model, names)
    for step, seed in enumerate((3, 4)):
        x, w = data(device, torch.float64, 1, seed=seed)
        _, acts, norms, _ = oracle(model, x, w)
        out = model(x)
        (out * w).sum().backward()
        check_records(rec, acts, norms, names, call, device, torch.float64, step=f" after pass {step + 1}")
    rec.remove()


# 2. Removing the hooks.

def test_hooks_are_removed(impl, device):
    model = net(device, torch.float32, seed=5)
    x, w = data(device, torch.float32, 1, seed=5)
    call, rec = start(impl, model, NAMES)
    if not leftover_hooks(model):
        fail("LayerRecorder(model, names) registered no hook on the model", call=call)
    with rec as entered:
        if entered is not rec:
            fail("`with LayerRecorder(...) as rec` must give the recorder itself", call=call, got=show(entered))
        (model(x) * w).sum().backward()
    left = leftover_hooks(model)
    if left:
        fail(f"hooks left on the model after the with block: {left}", call=call,
             why="keep every handle that register_forward_hook and register_full_backward_hook return, and call "
                 ".remove() on each; a leaked hook runs on every later forward and keeps what it stores alive")
    kept = {n: v.clone() for n, v in rec.activations.items()}
    x2, w2 = data(device, torch.float32, 1, seed=6)
    (model(x2) * w2).sum().backward()
    for n, v in kept.items():
        assert_equal(rec.activations[n], v, call=call, what=f"activations[{n!r}] after a pass with hooks removed",
                     why="removed hooks no longer record; what was recorded stays readable")
    rec.remove()  # a second call is harmless

    call, rec = start(impl, model, ["block.0"])
    rec.remove()
    if leftover_hooks(model):
        fail(f"hooks left after remove(): {leftover_hooks(model)}", call=call)
    call, rec = start(impl, model, ["fc1", "head"])
    with pytest.raises(ZeroDivisionError):
        with rec:
            model(x)
            raise ZeroDivisionError("raised inside the with block")
    if leftover_hooks(model):
        fail(f"hooks left after an exception inside the with block: {leftover_hooks(model)}", call=call,
             why="__exit__ runs when the block raises too: remove the hooks there whatever happened")


# 3. Conventions.

@pytest.mark.convention("activations are stored detached")
def test_activations_are_detached(impl, device):
    model = net(device, torch.float32, seed=7)
    x, w = data(device, torch.float32, 1, seed=7)
    call, rec = start(impl, model, NAMES)
    with rec:
        out = model(x)
        (out * w).sum().backward()
    graph = [n for n, a in rec.activations.items() if a.requires_grad or a.grad_fn is not None]
    if graph:
        fail(f"recorded activations still carry an autograd graph: {graph}", call=call,
             got=", ".join(f"{n}: grad_fn={rec.activations[n].grad_fn}" for n in graph),
             why="store output.detach(): an undetached output keeps the whole forward graph of that step (and "
                 "its saved tensors) alive as long as the record lives (timm's FeatureHooks stores it as is)")


@pytest.mark.convention("gradient norm: one norm over the whole batch")
def test_grad_norm_over_whole_batch(impl, device):
    model = nn.Linear(2, 2, bias=False).to(device, torch.float64)
    x = torch.ones((3, 2), dtype=torch.float64, device=device, requires_grad=True)
    w = torch.tensor([[3.0, 4.0], [0.0, 0.0], [0.0, 1.0]], dtype=torch.float64, device=device)
    call, rec = start(impl, model, [""])
    with rec:
        (model(x) * w).sum().backward()
    assert_close(value(rec.grad_norms.get("")), 26 ** 0.5, rtol=1e-9, atol=1e-12, call=call,
                 what="grad_norms[''] for a batch of 3",
                 why="dL/d(output) = w = [[3, 4], [0, 0], [0, 1]]: one L2 norm over the whole tensor, "
                     "sqrt(9 + 16 + 1) = 5.099 (the mean of per-sample norms would be 2, their sum 6)")


@pytest.mark.convention("gradient norm: a 0-d tensor on the device, no .item()")
def test_grad_norm_is_a_tensor(impl, device):
    model = net(device, torch.float64, seed=8)
    x, w = data(device, torch.float64, 1, seed=8)
    call, rec = start(impl, model, ["fc1"])
    with rec:
        (model(x) * w).sum().backward()
    norm = rec.grad_norms.get("fc1")
    assert_array(norm, kind="tensor", dtype=torch.float64, shape=(), device=device, call=call,
                 what="grad_norms['fc1']")
    if norm.requires_grad:
        fail("grad_norms['fc1'] requires grad", call=call, why="a record is detached, like the activations")


# 4. The documented error.

@pytest.mark.contract("unknown name: KeyError, no hook registered")
def test_unknown_name_raises(impl, device):
    model = net(device, torch.float32, seed=9)
    assert_raises(KeyError, impl.LayerRecorder, model, ["fc1", "block.7"],
                  why="'block.7' is not in model.named_modules(): skipping it silently would record nothing for it")
    if leftover_hooks(model):
        fail(f"LayerRecorder left hooks on the model after raising: {leftover_hooks(model)}",
             call="LayerRecorder(model, ['fc1', 'block.7'])",
             why="check every name before registering anything: the caller gets no recorder to remove() them")
