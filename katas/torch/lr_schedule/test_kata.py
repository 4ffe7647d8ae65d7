"""Tests for torch/lr_schedule. Run: pytest katas/torch/lr_schedule

The oracle is torch itself: SequentialLR([LinearLR, CosineAnnealingLR], milestones=[W]) driven by
the usual loop (optimizer.step(); scheduler.step()), read from optimizer.param_groups each step.
Correctness tests look at steps 0 .. total_steps only, where torch and this kata agree; what happens
after total_steps (torch's cosine climbs back up, this kata holds at min_lr) is a convention test.
"""


import pytest
import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, LRScheduler, SequentialLR

from cvkatas import Call, assert_close, assert_raises, fail, show

# name: (warmup_steps, total_steps, warmup_start_factor, min_lr, base_lr)
CONFIGS = {
    "typical": (5, 30, 0.001, 0.0, 0.1),
    "with_floor": (4, 20, 0.1, 1e-3, 0.05),
    "no_warmup": (0, 10, 0.001, 0.0, 0.2),
    "one_warmup_step": (1, 6, 0.5, 0.01, 1.0),
    "one_decay_step": (3, 4, 0.25, 0.02, 0.3),
    "start_factor_one": (3, 9, 1.0, 0.0, 0.1),
    "long": (100, 600, 0.01, 1e-5, 3e-4),
}
AFTER = 3  # steps checked past total_steps by the convention test, where the rate must stay at min_lr


def params_on(device, n=1, dtype=torch.float64):
    return [torch.nn.Parameter(torch.zeros(2, device=device, dtype=dtype)) for _ in range(n)]


def torch_lrs(device, bases, W, T, f, min_lr, after=0):
    """lrs[k][g]: what torch's SequentialLR gives param group g for optimizer step k, k = 0 .. T + after.

    Past T torch's cosine climbs back up; this kata holds at min_lr there, so those steps are min_lr."""
    opt = torch.optim.SGD([{"params": [p], "lr": b} for p, b in zip(params_on(device, len(bases)), bases)])
    if W == 0:  # no warm-up: the cosine alone (SequentialLR with a milestone at 0 varies across versions)
        sched = CosineAnnealingLR(opt, T_max=T, eta_min=min_lr)
    else:
        sched = SequentialLR(opt, [LinearLR(opt, start_factor=f, total_iters=W),
                                   CosineAnnealingLR(opt, T_max=T - W, eta_min=min_lr)], milestones=[W])
    lrs = []
    for _ in range(T + 1):
        lrs.append([g["lr"] for g in opt.param_groups])
        opt.step()
        sched.step()
    return lrs + [[min_lr] * len(bases)] * after


def explain(k, W, T):
    if k > T:
        return f"step {k} is after total_steps={T}: the rate stays at min_lr"
    if k == T:
        return f"step {k} = total_steps ends the decay: the rate is min_lr"
    if k == W:
        return f"step {k} = warmup_steps is the first decay step: the rate is exactly base_lr"
    if k < W:
        return (f"warm-up step {k} of {W}: base_lr * (f + (1 - f) * {k} / {W}); step 0 uses base_lr * f "
                "and base_lr is reached exactly at step warmup_steps, not one step early or late")
    return (f"decay: t = step - warmup_steps = {k - W} of T - W = {T - W}: "
            "min_lr + (base_lr - min_lr) * (1 + cos(pi * t / (T - W))) / 2")


def tol(base):
    """What the statement promises: 1e-6 relative, 1e-7 * base_lr absolute (float32 maths passes)."""
    return {"rtol": 1e-6, "atol": 1e-7 * base}


# 1. By hand.

@pytest.mark.parametrize("args, expected", [
    # W=4, T=8, f=0.5, min 0, base 1: +0.125 per warm-up step, then (1 + cos(pi * t / 4)) / 2.
    ((4, 8, 0.5, 0.0, 1.0), [0.5, 0.625, 0.75, 0.875, 1.0, 0.8535533905932737, 0.5, 0.14644660940672624, 0.0]),
    # W=2, T=4, f=0.2, min 0.1, base 0.5: 0.1, 0.3, then 0.1 + 0.4 * (1 + cos(pi * t / 2)) / 2.
    ((2, 4, 0.2, 0.1, 0.5), [0.1, 0.3, 0.5, 0.3, 0.1]),
], ids=["no_floor", "floor"])
def test_by_hand(impl, device, args, expected):
    W, T, f, min_lr, base = args
    for k, want in enumerate(expected):
        call = Call(impl.warmup_cosine_lr, k, base, W, T, warmup_start_factor=f, min_lr=min_lr)
        assert_close(call.out, want, **tol(base), call=call, what=f"lr for step {k}", why=explain(k, W, T))


# 2. Against torch's schedulers.

@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_function_matches_torch_schedulers(impl, device, name):
    W, T, f, min_lr, base = CONFIGS[name]
    for k, (want,) in enumerate(torch_lrs(device, [base], W, T, f, min_lr)):
        call = Call(impl.warmup_cosine_lr, k, base, W, T, warmup_start_factor=f, min_lr=min_lr)
        assert_close(call.out, want, **tol(base), call=call, what=f"lr for step {k}", why=explain(k, W, T))


def run_scheduler(impl, device, bases, W, T, f, min_lr, after=0):
    """The usual training loop; returns the Call and lrs[k][g] read before optimizer step k."""
    params = params_on(device, len(bases))
    opt = torch.optim.SGD([{"params": [p], "lr": b} for p, b in zip(params, bases)])
    call = Call(impl.make_scheduler, opt, W, T, warmup_start_factor=f, min_lr=min_lr, mutates=True)
    sched = call.out
    if not isinstance(sched, LRScheduler):
        fail(f"make_scheduler must return a torch.optim.lr_scheduler.LRScheduler, got {type(sched).__name__}",
             call=call)
    lrs = []
    for k in range(T + 1 + after):
        lrs.append([g["lr"] for g in opt.param_groups])
        last = [float(v) for v in sched.get_last_lr()]
        if last != lrs[-1]:
            fail(f"scheduler.get_last_lr() before step {k} disagrees with the optimizer's param groups",
                 call=call, got=last, expected=lrs[-1], why="get_last_lr() reports the rates the groups hold")
        opt.step()
        sched.step()
    for p in params:
        if p.device.type != torch.device(device).type or p.grad is not None or (p != 0).any():
            fail("the optimizer's parameters changed: the scheduler must only set learning rates", call=call)
    return call, lrs


def check_lrs(call, got, expected, bases, W, T, first=0):
    __tracebackhide__ = True
    for k, (g_row, e_row) in enumerate(zip(got, expected), start=first):
        for g, (gv, ev) in enumerate(zip(g_row, e_row)):
            assert_close(gv, ev, **tol(bases[g]), call=call,
                         what=f"optimizer.param_groups[{g}]['lr'] (base {bases[g]}) for step {k}",
                         why=explain(k, W, T) + ("; creating the scheduler already applies step 0" if k == 0 else ""))


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_scheduler_matches_torch_in_training_loop(impl, device, name):
    W, T, f, min_lr, base = CONFIGS[name]
    call, got = run_scheduler(impl, device, [base], W, T, f, min_lr)
    check_lrs(call, got, torch_lrs(device, [base], W, T, f, min_lr), [base], W, T)


def test_several_param_groups_keep_their_own_base_lr(impl, device):
    bases, (W, T, f, min_lr) = [0.1, 0.01, 1.0], (3, 12, 0.1, 0.005)
    call, got = run_scheduler(impl, device, bases, W, T, f, min_lr)
    check_lrs(call, got, torch_lrs(device, bases, W, T, f, min_lr), bases, W, T)


def test_base_lr_is_initial_lr_set_by_an_earlier_scheduler(impl, device):
    W, T, f, min_lr = 2, 8, 0.1, 0.001
    params = params_on(device)
    opt = torch.optim.SGD(params, lr=0.2)
    earlier = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)  # sets "initial_lr" = 0.2
    opt.step()
    earlier.step()  # lr is now 0.1, "initial_lr" is still 0.2
    call = Call(impl.make_scheduler, opt, W, T, warmup_start_factor=f, min_lr=min_lr, mutates=True)
    got = []
    for _ in range(T + 1):
        got.append([opt.param_groups[0]["lr"]])
        opt.step()
        call.out.step()
    check_lrs(call, got, torch_lrs(device, [0.2], W, T, f, min_lr)[: T + 1], [0.2], W, T)


def test_optimizer_steps_with_the_scheduled_rates(impl, device):
    W, T, f, min_lr, base = 2, 7, 0.25, 0.01, 0.5
    p = torch.nn.Parameter(torch.ones(3, device=device, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=base)
    call = Call(impl.make_scheduler, opt, W, T, warmup_start_factor=f, min_lr=min_lr, mutates=True)
    for _ in range(T):
        p.grad = torch.ones_like(p)  # each SGD step moves p by -lr
        opt.step()
        call.out.step()
    used = sum(row[0] for row in torch_lrs("cpu", [base], W, T, f, min_lr)[:T])
    if p.device.type != torch.device(device).type:
        fail(f"the parameter moved to {p.device}", call=call)
    assert_close(p.detach(), torch.full((3,), 1.0 - used, dtype=torch.float64), rtol=1e-6, atol=1e-7,
                 call=call, what=f"parameter after {T} SGD steps with gradient 1",
                 why=f"p = 1 - (sum of the {T} scheduled rates = {used:.6f}); the optimizer must step with them")


# 3. Invalid arguments.

BAD = [
    ("warmup_steps > total_steps", (12, 10), {}),
    ("warmup_steps == total_steps: no step left for the cosine", (10, 10), {}),
    ("negative warmup_steps", (-1, 10), {}),
    ("warmup_start_factor 0", (2, 10), {"warmup_start_factor": 0.0}),
    ("warmup_start_factor above 1", (2, 10), {"warmup_start_factor": 1.5}),
    ("negative min_lr", (2, 10), {"min_lr": -1e-3}),
]


@pytest.mark.contract("invalid arguments: ValueError")
@pytest.mark.parametrize("why, args, kwargs", BAD, ids=[b[0].split(":")[0].replace(" ", "_") for b in BAD])
def test_invalid_arguments_raise(impl, device, why, args, kwargs):
    assert_raises(ValueError, impl.warmup_cosine_lr, 0, 0.1, *args, why=why, **kwargs)
    opt = torch.optim.SGD(params_on(device), lr=0.1)
    assert_raises(ValueError, impl.make_scheduler, opt, *args, why=why, **kwargs)


@pytest.mark.contract("negative step: ValueError")
def test_negative_step_raises(impl, device):
    assert_raises(ValueError, impl.warmup_cosine_lr, -1, 0.1, 2, 10, why="steps are counted from 0")


# 4. Properties.

def test_shape_of_the_curve(impl, device):
    W, T, f, min_lr, base = 6, 25, 0.01, 0.002, 0.4
    lrs = [Call(impl.warmup_cosine_lr, k, base, W, T, f, min_lr).out for k in range(T + 1)]
    call = f"[warmup_cosine_lr(k, {base}, {W}, {T}, {f}, {min_lr}) for k in range({T + 1})]"
    if not all(a < b for a, b in zip(lrs[:W], lrs[1:W + 1])):
        fail("the rate must increase strictly during the warm-up", call=call, got=lrs[:W + 1])
    if not all(a > b for a, b in zip(lrs[W:T], lrs[W + 1:])):
        fail("the rate must decrease strictly during the decay", call=call, got=lrs[W:])
    steps = [lrs[k + 1] - lrs[k] for k in range(W)]
    assert_close(steps, [(1 - f) * base / W] * W, rtol=1e-5, atol=1e-7 * base, call=call, what="warm-up increments",
                 why="a linear warm-up climbs by the same amount, (1 - f) * base_lr / W, every step")
    mid = (W + T) / 2
    for k in range(W, T + 1):
        mirror = int(2 * mid - k)
        if mirror == 2 * mid - k:
            assert_close(lrs[k] + lrs[mirror], base + min_lr, **tol(base), call=call, what=f"lr[{k}] + lr[{mirror}]",
                         why="half a cosine is point-symmetric about the middle of the decay")


def test_defaults_start_factor_0_001_and_min_lr_0(impl, device):
    W, T, base = 4, 10, 0.5  # warmup_start_factor and min_lr left out: 0.001 and 0.0
    expected = torch_lrs(device, [base], W, T, 0.001, 0.0)
    for k, (want,) in enumerate(expected):
        call = Call(impl.warmup_cosine_lr, k, base, W, T)
        assert_close(call.out, want, **tol(base), call=call, what=f"lr for step {k}",
                     why="defaults: warmup_start_factor=0.001, min_lr=0.0; " + explain(k, W, T))
    opt = torch.optim.SGD(params_on(device), lr=base)
    call = Call(impl.make_scheduler, opt, W, T, mutates=True)
    got = []
    for _ in range(T + 1):
        got.append([opt.param_groups[0]["lr"]])
        opt.step()
        call.out.step()
    check_lrs(call, got, expected, [base], W, T)


# Conventions.

@pytest.mark.convention("after total_steps: hold min_lr (torch rises again)")
def test_holds_at_min_lr_after_total_steps(impl, device):
    W, T, f, min_lr, base = 2, 6, 0.5, 0.01, 1.0
    for k in range(T + 1, T + 1 + AFTER):
        call = Call(impl.warmup_cosine_lr, k, base, W, T, warmup_start_factor=f, min_lr=min_lr)
        assert_close(call.out, min_lr, **tol(base), call=call, what=f"lr for step {k}",
                     why=explain(k, W, T) + " (torch's CosineAnnealingLR is periodic and climbs back up; "
                     "this kata clamps t at T - W)")
    bases = [1.0, 0.1]
    call, got = run_scheduler(impl, device, bases, W, T, f, min_lr, after=AFTER)
    check_lrs(call, got[T + 1:], [[min_lr] * 2] * AFTER, bases, W, T, first=T + 1)


@pytest.mark.convention("warmup_cosine_lr returns a Python float")
def test_returns_python_float(impl, device):
    for k in (0, 1, 3, 4, 5):  # warm-up, peak, decay, end
        call = Call(impl.warmup_cosine_lr, k, 0.1, 3, 5, 0.1, 0.001)
        if not isinstance(call.out, float):
            fail(f"warmup_cosine_lr must return a Python float, got {type(call.out).__name__}", call=call,
                 got=show(call.out), why="a float, not a tensor or an int: it goes straight into param_groups")
