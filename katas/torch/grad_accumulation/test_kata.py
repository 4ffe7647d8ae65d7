"""Tests for torch/grad_accumulation. Run: pytest katas/torch/grad_accumulation

The oracle is one big-batch step: a deep copy of the model with a fresh optimizer of the same kind
does zero_grad(); loss_fn(model(inputs), targets).backward(); step(), and must end up with the same
parameters, gradients, loss and optimizer behaviour on the following steps.

Correctness tests cut the batch into equal micro-batches, where weighting each by n_i / N and dividing
by their number (Lightning's and the classic loop's `loss / accumulation_steps`) agree; a short last
micro-batch, and the returned loss's type, have a convention test each.
"""

import copy

import pytest
import torch
from torch import nn

from cvkatas import Call, assert_close, assert_equal, assert_raises, fail, show

OPTIMIZERS = {
    "sgd": lambda ps: torch.optim.SGD(ps, lr=0.3),
    "sgd_momentum": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-3),
    "adam": lambda ps: torch.optim.Adam(ps, lr=0.01),
}
TOL = {torch.float64: {"rtol": 1e-10, "atol": 1e-12}, torch.float32: {"rtol": 1e-4, "atol": 1e-6}}


def make_model(device, dtype, seed=0, n_in=5, n_out=3):
    """A small MLP with LayerNorm (per sample, unlike BatchNorm, so accumulation is exact)."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(n_in, 8), nn.LayerNorm(8), nn.Tanh(), nn.Linear(8, n_out)).to(device, dtype)


def batch(n, device, dtype, seed, kind="mse", n_in=5, n_out=3):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, n_in, generator=gen, dtype=torch.float64).to(device, dtype)
    if kind == "ce":
        return x, torch.randint(0, n_out, (n,), generator=gen).to(device)
    return x, torch.randn(n, n_out, generator=gen, dtype=torch.float64).to(device, dtype)


class Short:
    """A compact form of a call for failure messages: modules and optimizers by their settings."""

    def __init__(self, call):
        self.call = call.call if isinstance(call, Short) else call
        self.out = call.out

    def __str__(self):
        def one(v):
            if isinstance(v, torch.optim.Optimizer):
                keys = ("lr", "momentum", "weight_decay")
                return f"{type(v).__name__}({', '.join(f'{k}={v.defaults[k]}' for k in keys if k in v.defaults)})"
            if isinstance(v, nn.Sequential):
                return "Sequential(" + ", ".join(str(m).split("(")[0] for m in v) + ")"
            if isinstance(v, torch.Tensor) and v.numel() > 12:
                return f"tensor(shape={tuple(v.shape)}, dtype={str(v.dtype)[6:]}, device={v.device.type})"
            return show(v)

        names = ["model", "optimizer", "loss_fn", "inputs", "targets", "micro_batch_size"]
        return f"accumulated_step({', '.join(f'{k}={one(v)}' for k, v in zip(names, self.call.args))})"


def big_batch_step(model, optimizer, loss_fn, x, y):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def sizes(n, m):
    return [min(m, n - i) for i in range(0, n, m)]


def compare(call, model, oracle, loss, dtype, step, n, m):
    """Parameters, gradients and loss of the candidate's model against the big-batch oracle."""
    __tracebackhide__ = True
    call = Short(call)
    split = f"{n} samples in micro-batches of {sizes(n, m)}"
    try:
        got = float(call.out)  # that it is a Python float is the convention test's business
    except (TypeError, ValueError, RuntimeError):
        fail(f"accumulated_step must return the loss as a number, got {type(call.out).__name__}", call=call,
             got=show(call.out))
    assert_close(got, loss, **TOL[dtype], call=call, what=f"returned loss (step {step})",
                 why=f"the mean loss over all {split}: micro-batch i's mean loss weighted by n_i / N")
    for (name, p), q in zip(model.named_parameters(), oracle.parameters()):
        if p.device != q.device or p.dtype != q.dtype:
            fail(f"parameter {name} is on {p.device} as {p.dtype}, expected {q.device} as {q.dtype}", call=call)
        if p.grad is None:
            fail(f"parameter {name} has no .grad after the call", call=call,
                 why="after the step .grad must still hold the accumulated big-batch gradient")
        assert_close(p.grad, q.grad, **TOL[dtype], call=call, what=f"{name}.grad after step {step}",
                     why=f"the gradient of the big-batch mean loss ({split}): each micro-batch's loss "
                         "scaled by n_i / N, summed over all of them, nothing left from before")
    for (name, p), q in zip(model.named_parameters(), oracle.parameters()):
        assert_close(p, q, **TOL[dtype], call=call, what=f"{name} after step {step}",
                     why=f"one optimizer step with the big-batch gradient ({split}), exactly one step")


def run_steps(impl, device, dtype, opt_name, n, m, kind="mse", steps=2):
    model = make_model(device, dtype)
    oracle = copy.deepcopy(model)
    opt, opt_oracle = OPTIMIZERS[opt_name](model.parameters()), OPTIMIZERS[opt_name](oracle.parameters())
    loss_fn = nn.CrossEntropyLoss() if kind == "ce" else nn.MSELoss()
    for step in range(steps):  # later steps use optimizer state and .grad left by earlier ones
        x, y = batch(n, device, dtype, seed=100 + step, kind=kind)
        x0, y0 = x.clone(), y.clone()
        call = Short(Call(impl.accumulated_step, model, opt, loss_fn, x, y, m, mutates=True))
        assert_equal(x, x0, call=call, what="inputs after the call", why="inputs must not be modified")
        assert_equal(y, y0, call=call, what="targets after the call", why="targets must not be modified")
        loss = big_batch_step(oracle, opt_oracle, loss_fn, x, y)
        compare(call, model, oracle, loss, dtype, step, n, m)


def one_weight(device):
    """y = w * x with w = 0 and SGD(lr=0.1): small enough to follow on paper."""
    model = nn.Linear(1, 1, bias=False).to(device, torch.float64)
    with torch.no_grad():
        model.weight.zero_()
    return model, torch.optim.SGD(model.parameters(), lr=0.1)


# 1. By hand.

def test_by_hand_one_weight(impl, device):
    # MSE on x = y = [1, 2, 3, 4]: per-sample losses 1, 4, 9, 16, mean 7.5.
    # d/dw mean((w x - y)^2) = mean(-2 x y) = -15; SGD with lr 0.1 gives w = 1.5.
    model, opt = one_weight(device)
    x = torch.tensor([[1.0], [2.0], [3.0], [4.0]], dtype=torch.float64, device=device)
    call = Short(Call(impl.accumulated_step, model, opt, nn.MSELoss(), x, x.clone(), 2, mutates=True))
    assert_close(float(call.out), 7.5, call=call, what="returned loss", why="mean of 1, 4, 9, 16 over all 4 samples")
    if model.weight.grad is None:
        fail("model.weight.grad is None after the call", call=call,
             why="the accumulated gradient stays in .grad after the step")
    assert_close(model.weight.grad, [[-15.0]], call=call, what="weight.grad",
                 why="mean(-2 x y) over all 4 samples = -15: micro-batches [1, 2] and [3, 4] each weigh 2/4; "
                     "their mean losses unscaled would give twice that")
    assert_close(model.weight, [[1.5]], call=call, what="weight after the step",
                 why="0 - lr * grad = 0.1 * 15, one step")


@pytest.mark.convention("short last micro-batch: loss weighted n_i / N")
def test_short_last_micro_batch_weighs_its_share(impl, device):
    # x = y = [1, 2, 3]: per-sample losses 1, 4, 9, mean 14/3; d/dw = mean(-2 x y) = -28/3.
    # Micro-batches [1, 2] and [3] weigh 2/3 and 1/3; 1/2 each (loss / number of micro-batches) gives -11.5.
    model, opt = one_weight(device)
    x = torch.tensor([[1.0], [2.0], [3.0]], dtype=torch.float64, device=device)
    call = Short(Call(impl.accumulated_step, model, opt, nn.MSELoss(), x, x.clone(), 2, mutates=True))
    why = ("the big-batch mean over N samples: micro-batch i's mean loss weighs n_i / N, so the short last "
           "micro-batch [3] weighs 1/3, not 1/2 (dividing by the number of micro-batches, as Lightning's "
           "accumulate_grad_batches does, over-weights its samples)")
    assert_close(float(call.out), 14 / 3, call=call, what="returned loss", why=why)
    assert_close(model.weight.grad, [[-28 / 3]], call=call, what="weight.grad", why=why)
    assert_close(model.weight, [[2.8 / 3]], call=call, what="weight after the step", why=why)
    run_steps(impl, device, torch.float64, "sgd_momentum", 10, 4)  # 4, 4 and 2 samples


@pytest.mark.convention("returns the loss as a Python float")
def test_returns_python_float(impl, device):
    model, opt = one_weight(device)
    x = torch.tensor([[1.0], [2.0]], dtype=torch.float64, device=device)
    call = Short(Call(impl.accumulated_step, model, opt, nn.MSELoss(), x, x.clone(), 1, mutates=True))
    if type(call.out) is not float:
        fail(f"accumulated_step must return a Python float, got {type(call.out).__name__}", call=call,
             got=show(call.out), why="a float for logging: call .item() (or float()) once, at the end")


# 2. Against one big-batch step (equal micro-batches).

CASES = [(12, 4, "sgd_momentum"), (9, 3, "adam"), (6, 1, "sgd"), (5, 16, "adam"), (8, 8, "sgd_momentum"),
         (1, 1, "sgd")]


@pytest.mark.parametrize("n, m, opt_name", CASES, ids=[f"N{n}-m{m}-{o}" for n, m, o in CASES])
def test_matches_big_batch_step(impl, device, n, m, opt_name):
    run_steps(impl, device, torch.float64, opt_name, n, m)


def test_matches_big_batch_step_float32(impl, device):
    run_steps(impl, device, torch.float32, "adam", 12, 4)


def test_cross_entropy_with_class_targets(impl, device):
    run_steps(impl, device, torch.float64, "sgd", 8, 2, kind="ce")


# 3. Edge cases and what must be left alone.

def test_stale_gradients_are_cleared_first(impl, device):
    model = make_model(device, torch.float64, seed=1)
    oracle = copy.deepcopy(model)
    for p in model.parameters():
        p.grad = torch.full_like(p, 100.0)  # left over from something else
    opt, opt_oracle = torch.optim.SGD(model.parameters(), lr=0.3), torch.optim.SGD(oracle.parameters(), lr=0.3)
    x, y = batch(8, device, torch.float64, seed=7)
    call = Call(impl.accumulated_step, model, opt, nn.MSELoss(), x, y, 4, mutates=True)
    loss = big_batch_step(oracle, opt_oracle, nn.MSELoss(), x, y)
    compare(call, model, oracle, loss, torch.float64, 0, 8, 4)


def test_model_mode_is_left_alone(impl, device):
    for training in (False, True):
        model = make_model(device, torch.float64, seed=2).train(training)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x, y = batch(6, device, torch.float64, seed=8)
        call = Short(Call(impl.accumulated_step, model, opt, nn.MSELoss(), x, y, 3, mutates=True))
        modes = {name: m.training for name, m in model.named_modules()}
        if set(modes.values()) != {training}:
            fail(f"the model was in {'train' if training else 'eval'} mode before the call; afterwards "
                 f"modes are {modes}", call=call,
                 why="the caller chooses train or eval mode; the step must not call model.train() or eval()")


def test_each_forward_sees_one_micro_batch(impl, device):
    model = make_model(device, torch.float64, seed=3)
    seen = []
    model.register_forward_pre_hook(lambda module, args: seen.append(len(args[0])))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = batch(10, device, torch.float64, seed=9)
    call = Short(Call(impl.accumulated_step, model, opt, nn.MSELoss(), x, y, 4, mutates=True))
    if seen != [4, 4, 2]:
        fail("the model's forward saw the wrong batch sizes", call=call, got=seen, expected=[4, 4, 2],
             why="the point of accumulation is memory: one forward per micro-batch of at most "
                 "micro_batch_size samples, the remainder last, never the whole batch at once")


def test_frozen_parameters_are_untouched(impl, device):
    model = make_model(device, torch.float64, seed=4)
    frozen = model[0].weight
    frozen.requires_grad_(False)
    before = frozen.detach().clone()
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.3, momentum=0.9)
    x, y = batch(9, device, torch.float64, seed=10)
    call = Short(Call(impl.accumulated_step, model, opt, nn.MSELoss(), x, y, 4, mutates=True))
    assert_equal(frozen, before, call=call, what="the frozen weight model[0].weight",
                 why="a parameter with requires_grad=False is not trained")
    if frozen.grad is not None or x.grad is not None:
        fail("a gradient appeared on the frozen weight or on the inputs", call=call,
             why="gradients flow only into parameters that require them")
    if model[3].weight.grad is None or not (model[3].weight.grad != 0).any():
        fail("the trainable weight model[3].weight has no gradient after the call", call=call)


def small_problem(device):
    model = make_model(device, torch.float64)
    return model, torch.optim.SGD(model.parameters(), lr=0.1), *batch(4, device, torch.float64, seed=11)


@pytest.mark.contract("micro_batch_size < 1: ValueError")
def test_micro_batch_size_below_one_raises(impl, device):
    model, opt, x, y = small_problem(device)
    for m in (0, -2):
        assert_raises(ValueError, impl.accumulated_step, model, opt, nn.MSELoss(), x, y, m,
                      why="micro_batch_size must be at least 1")


@pytest.mark.contract("empty batch: ValueError")
def test_empty_batch_raises(impl, device):
    model, opt, x, y = small_problem(device)
    assert_raises(ValueError, impl.accumulated_step, model, opt, nn.MSELoss(), x[:0], y[:0], 2,
                  why="an empty batch has no mean loss (a loop over no micro-batches would step with no gradient)")


@pytest.mark.contract("len(targets) != len(inputs): ValueError")
def test_mismatched_targets_raise(impl, device):
    model, opt, x, y = small_problem(device)
    assert_raises(ValueError, impl.accumulated_step, model, opt, nn.MSELoss(), x, y[:3], 2,
                  why="every input needs its target (MSELoss would broadcast a short last micro-batch silently)")
