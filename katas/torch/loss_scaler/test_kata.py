"""Tests for torch/loss_scaler. Run: pytest katas/torch/loss_scaler

Oracles: GradScaler's own kernels, torch._amp_foreach_non_finite_check_and_unscale_ and
torch._amp_update_scale_ (what GradScaler.unscale_ and .update call), on clones, and the rule
table of the statement for hand-built sequences. Scales are powers of two, so unscaling is exact."""

import pytest
import torch

from cvkatas import Call, assert_array, assert_equal, fail, show

INF, NAN = float("inf"), float("nan")


def f32(values, device):
    return torch.tensor(values, dtype=torch.float32, device=device)


def i32(values, device):
    return torch.tensor(values, dtype=torch.int32, device=device)


def flag(x):
    """found_inf as a number, whatever its type (its type is the convention test's business)."""
    return float(x.item() if isinstance(x, torch.Tensor) else x)


def torch_update(scale, tracker, found, gf, bf, gi):
    s, t = scale.clone(), tracker.clone()
    torch._amp_update_scale_(s, t, found.clone(), gf, bf, gi)
    return s, t


def run_updates(impl, device, flags, *, scale=1024.0, gf=2.0, bf=0.5, gi=3):
    s, t = f32([scale], device), i32([0], device)
    ts, tt = s.clone(), t.clone()
    for k, bad in enumerate(flags):
        found = f32([1.0 if bad else 0.0], device)
        call = Call(impl.update_scale, s, t, found, gf, bf, gi)
        if not (isinstance(call.out, tuple) and len(call.out) == 2):
            fail("update_scale must return (new_scale, new_growth_tracker)", call=call, got=show(call.out))
        s, t = call.out
        ts, tt = torch_update(ts, tt, found, gf, bf, gi)
        assert_array(s, kind="tensor", dtype=torch.float32, shape=(1,), device=device, call=call, what="new scale")
        assert_array(t, kind="tensor", dtype=torch.int32, shape=(1,), device=device, call=call, what="new tracker")
        history = "".join("x" if b else "." for b in flags[:k + 1])
        why = (f"steps so far ({history}: x = inf/NaN found): a skipped step halves the scale and restarts the count; "
               f"{gi} clean steps in a row double it; torch._amp_update_scale_ gives scale {ts.item()}, "
               f"tracker {tt.item()}")
        assert_equal(s, ts, call=call, what=f"scale after step {k + 1}", why=why)
        assert_equal(t, tt, call=call, what=f"growth tracker after step {k + 1}", why=why)
    return s, t


# 1. The update rule.

def test_growth_after_an_interval_of_clean_steps(impl, device):
    s, t = run_updates(impl, device, [False] * 7, gi=3)
    assert_equal(s.item(), 4096.0, what="scale after 7 clean steps, interval 3", why="1024 -> 2048 at step 3 -> 4096 "
                 "at step 6; the tracker restarts at 0 after each growth")


def test_backoff_and_no_growth_after_a_skip(impl, device):
    run_updates(impl, device, [False, False, True, False, False, True, True, False, False, False], gi=3)


def test_never_grows_right_after_a_skipped_step(impl, device):
    s, t = run_updates(impl, device, [False, True, False], gi=2)
    assert_equal(s.item(), 512.0, what="scale after clean, skipped, clean (interval 2)",
                 why="the skipped step backs off to 512 and sets the tracker to 0: the clean step after it "
                     "counts 1 of 2, so no growth yet")


@pytest.mark.parametrize("gf,bf,gi", [(2.0, 0.5, 1), (4.0, 0.25, 2), (1.5, 0.5, 5)], ids=str)
def test_matches_torch_on_random_sequences(impl, device, gf, bf, gi):
    gen = torch.Generator().manual_seed(int(gf * 10 + gi))
    flags = (torch.rand(40, generator=gen) < 0.2).tolist()
    run_updates(impl, device, flags, scale=2.0**14, gf=gf, bf=bf, gi=gi)


def test_defaults(impl, device):
    s, t = f32([65536.0], device), i32([1998], device)
    call = Call(impl.update_scale, s, t, f32([0.0], device))
    assert_equal(call.out[0], f32([65536.0], device), call=call, what="scale", why="tracker 1998 -> 1999 < 2000")
    call = Call(impl.update_scale, call.out[0], call.out[1], f32([0.0], device))
    assert_equal(call.out[0], f32([131072.0], device), call=call, what="scale",
                 why="the default growth_interval is 2000: the 2000th clean step multiplies by the default growth 2")
    call = Call(impl.update_scale, call.out[0], call.out[1], f32([1.0], device))
    assert_equal(call.out[0], f32([65536.0], device), call=call, what="scale", why="the default backoff is 0.5")


# 2. Unscaling.

@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64], ids=str)
def test_unscale_matches_torch(impl, device, dtype):
    gen = torch.Generator().manual_seed(3)
    grads = [(torch.randn(s, generator=gen) * 1000).to(device, dtype) for s in [(3, 4), (0,), (1,), (2, 2, 2)]]
    scale = f32([1024.0], device)
    call = Call(impl.unscale_grads, grads, scale)
    out, found = call.out
    want, want_found = [g.clone() for g in grads], f32([0.0], device)
    torch._amp_foreach_non_finite_check_and_unscale_(want, want_found, scale.double().reciprocal().float())
    for i, (o, w) in enumerate(zip(out, want)):
        assert_array(o, kind="tensor", dtype=dtype, shape=tuple(w.shape), device=device, call=call,
                     what=f"unscaled[{i}]")
        assert_equal(o, w, call=call, what=f"unscaled[{i}]", why="grads * (1 / 1024), exact for a power of two")
    if flag(found) != 0.0:
        fail(f"found_inf is {show(found)} for finite gradients", call=call)
    call = Call(impl.unscale_grads, [], scale)
    if call.out[0] != [] or flag(call.out[1]) != 0.0:
        fail("no gradients: expected ([], tensor([0.]))", call=call, got=show(call.out))


@pytest.mark.parametrize("bad", [INF, -INF, NAN], ids=["inf", "-inf", "nan"])
def test_found_inf(impl, device, bad):
    grads = [f32([1.0, 2.0], device), f32([[3.0, bad]], device), f32([4.0], device)]
    call = Call(impl.unscale_grads, grads, f32([2.0], device))
    out, found = call.out
    if flag(found) != 1.0:
        fail(f"found_inf is {show(found)}, expected 1.0", call=call,
             why=f"gradient 1 holds {bad}: GradScaler flags inf, -inf and NaN alike")
    assert_equal(out[0], f32([0.5, 1.0], device), call=call, what="unscaled[0]", why="grads / scale")


# 3. The whole iteration.

def test_amp_step_skips_and_backs_off(impl, device):
    params = [f32([1.0, 2.0], device), f32([3.0], device)]
    grads = [f32([8.0, -8.0], device), f32([NAN], device)]
    call = Call(impl.amp_sgd_step, params, grads, f32([8.0], device), i32([1], device), 0.5, growth_interval=2)
    new, s, t = call.out
    for i, (n, p) in enumerate(zip(new, params)):
        assert_array(n, kind="tensor", dtype=torch.float32, shape=tuple(p.shape), device=device, call=call,
                     what=f"new_params[{i}]")
        assert_equal(n, p, call=call, what=f"new_params[{i}]", why="a NaN gradient: the whole step is skipped")
    assert_equal(s, f32([4.0], device), call=call, what="new scale", why="skipped: 8 * 0.5")
    assert_equal(t, i32([0], device), call=call, what="new tracker", why="skipped: the count restarts")
    grads = [f32([8.0, -8.0], device), f32([16.0], device)]
    call = Call(impl.amp_sgd_step, params, grads, f32([8.0], device), i32([1], device), 0.5, growth_interval=2)
    new, s, t = call.out
    assert_equal(new[0], f32([0.5, 2.5], device), call=call, what="new_params[0]", why="p - 0.5 * (8 / 8)")
    assert_equal(new[1], f32([2.0], device), call=call, what="new_params[1]", why="3 - 0.5 * (16 / 8)")
    assert_equal(s, f32([16.0], device), call=call, what="new scale", why="the 2nd clean step in a row: 8 * 2")
    assert_equal(t, i32([0], device), call=call, what="new tracker")


def test_amp_training_loop_in_float16(impl, device):
    """A float16 quadratic: small gradients that underflow without the scale, one overflow on the way."""
    params = [torch.tensor([0.5, -0.25, 1.0], dtype=torch.float16, device=device)]
    scale, tracker = f32([2.0**16], device), i32([0], device)
    ref_p, ref_s, ref_t = params[0].clone(), scale.clone(), tracker.clone()
    for k in range(8):
        grad32 = 1e-6 * ref_p.float() * (k + 1)
        g = [(grad32 * scale).to(torch.float16)] if k != 4 else [torch.tensor([INF, 0, 0], dtype=torch.float16,
                                                                              device=device)]
        g_ref = [(grad32 * ref_s).to(torch.float16)] if k != 4 else [g[0].clone()]
        call = Call(impl.amp_sgd_step, params, g, scale, tracker, 1000.0, growth_interval=3)
        params, scale, tracker = call.out
        u, found = [x.clone() for x in g_ref], f32([0.0], device)
        torch._amp_foreach_non_finite_check_and_unscale_(u, found, ref_s.double().reciprocal().float())
        if found.item() == 0:
            ref_p = ref_p - 1000.0 * u[0]
        ref_s, ref_t = torch_update(ref_s, ref_t, found, 2.0, 0.5, 3)
        assert_equal(params[0], ref_p, call=call, what=f"params after step {k + 1}",
                     why="unscale with GradScaler's kernel, skip on inf, else p - lr * g; step 5 overflows")
        assert_equal(scale, ref_s, call=call, what=f"scale after step {k + 1}")
    if torch.equal(params[0], torch.tensor([0.5, -0.25, 1.0], dtype=torch.float16, device=device)):
        fail("the parameters never moved", why="the scaled gradients are representable in float16: steps happen")


# 4. Conventions.

@pytest.mark.convention("growth to inf keeps the old scale")
def test_growth_that_overflows_keeps_the_scale(impl, device):
    s = f32([3e38], device)
    call = Call(impl.update_scale, s, i32([1], device), f32([0.0], device), 2.0, 0.5, 2)
    assert_equal(call.out[0], s, call=call, what="scale", why="3e38 * 2 overflows float32 to inf: "
                 "torch._amp_update_scale_ keeps 3e38 (an inf scale would make every later step skip)")
    assert_equal(call.out[1], i32([0], device), call=call, what="tracker", why="the tracker restarts anyway")


@pytest.mark.convention("found_inf: a float32 (1,) tensor on the device")
def test_found_inf_is_a_tensor(impl, device):
    call = Call(impl.unscale_grads, [f32([1.0, INF], device)], f32([2.0], device))
    found = call.out[1]
    assert_array(found, kind="tensor", dtype=torch.float32, shape=(1,), device=device, call=call, what="found_inf")
    assert_equal(found.item(), 1.0, call=call, what="found_inf",
                 why="GradScaler keeps found_inf as a tensor on the device: reading a Python bool would sync the "
                     "CUDA stream on every step")
